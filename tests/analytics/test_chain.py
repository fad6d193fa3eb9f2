"""Exact answers on the sample chain 97/2019/QH14 → 171-KH/TU → 03-TT/QU → the ward."""
from __future__ import annotations

from datetime import date

import pytest

from kg.analytics import (
    applies_to,
    coverage,
    diff,
    gaps,
    path,
    rank,
    resolve_body,
    resolve_document,
    timeline,
    trace_down,
    trace_up,
)
from kg.errors import InputError, NotFound
from tests.analytics.conftest import (
    DU_KH,
    DU_NQ,
    KH171,
    ND32,
    NQ97,
    TT03,
    UB_VB,
    body_iri,
    doc_iri,
)

NQ, KH, TT, ND = doc_iri(NQ97), doc_iri(KH171), doc_iri(TT03), doc_iri(ND32)
SETS = {doc_iri(DU_NQ), doc_iri(DU_KH), doc_iri(UB_VB)}


def days(a: str, b: str) -> int:
    return (date.fromisoformat(a) - date.fromisoformat(b)).days


def test_trace_down_tree_follows_the_cascade_with_lags(chain_store):
    t = trace_down(chain_store, NQ)
    root = t["tree"]
    assert root["iri"] == NQ
    assert [c["iri"] for c in root["children"]] == [KH]
    kh = root["children"][0]
    assert (kh["rel"], kh["lag_days"]) == ("implements", 34)
    assert [c["iri"] for c in kh["children"]] == [TT]
    tt = kh["children"][0]
    assert tt["lag_days"] == days("2021-04-22", "2019-12-31") == 478
    # the document sets hang under the district's circular, earliest label first
    assert [c["label"] for c in tt["children"]] == ["01 kế hoạch", "01 nghị quyết", "04 văn bản"]
    assert all(c["children"] == [] and c["lag_days"] is None for c in tt["children"])
    # the circular's direct links to the resolution are kept, not drawn twice
    assert sorted((a["iri"], a["rel"], a["cycle"]) for a in root["also"]) == [
        (TT, "based_on", False), (TT, "implements", False)]


def test_trace_down_groups_by_level_and_issuer(chain_store):
    t = trace_down(chain_store, NQ)
    levels = [(lv["level"], [(g["label"], [d["label"] for d in g["documents"]])
                             for g in lv["issuers"]]) for lv in t["levels"]]
    assert levels == [
        ("province", [("Ban Thường vụ Thành ủy Hà Nội", ["Kế hoạch 171-KH/TU"])]),
        ("district", [("Quận ủy Long Biên", ["Thông tri 03-TT/QU"])]),
        ("commune", [("Đảng ủy phường Đức Giang", ["01 kế hoạch", "01 nghị quyết"]),
                     ("UBND phường Đức Giang", ["04 văn bản"])]),
    ]
    assert t["counts"] == {"documents": 2, "document_sets": 3, "known_by_count": 6}
    assert {s["iri"] for s in t["stops"]} == SETS
    assert t["deepest_level"] == "commune" and t["levels_not_reached"] == []
    assert t["cycles"] == []
    # 32/2021/NĐ-CP is only cited: not part of the cascade
    assert ND not in t["nodes"]


def test_trace_down_from_a_plan_stops_at_district_when_wards_unknown(chain_store):
    t = trace_down(chain_store, KH)
    assert set(t["nodes"]) == {KH, TT, *SETS}
    assert t["nodes"][TT]["lag_days"] == 478


def test_trace_up_reaches_roots_through_every_relation(chain_store):
    t = trace_up(chain_store, doc_iri(UB_VB))
    assert set(t["nodes"]) == {doc_iri(UB_VB), TT, KH, NQ, ND}
    assert [r["iri"] for r in t["roots"]] == [NQ, ND]   # central, by date
    # the tree goes up the longest way: 04 văn bản → 03-TT/QU → 171-KH/TU → 97/2019/QH14
    chain = []
    node = t["tree"]
    while node["children"]:
        node = next(c for c in node["children"] if c["iri"] != ND)
        chain.append(node["iri"])
    assert chain == [TT, KH, NQ]
    assert t["nodes"][ND]["rel"] == "cites" and t["nodes"][ND]["parent"] == TT


def test_gaps_of_a_ward_that_has_not_acted(chain_store):
    g = gaps(chain_store, body_iri("dang-uy/phuong-bo-de"))
    assert {d["iri"] for d in g["documents"]} == {NQ, KH, TT, ND}
    why = {d["iri"]: d["why"] for d in g["documents"]}
    assert why == {TT: "above", KH: "above", NQ: "chain", ND: "level"}
    assert g["binding"] == 4


def test_applies_to_a_ward_that_acted(chain_store):
    a = applies_to(chain_store, body_iri("ubnd/phuong-duc-giang"))
    acted = {d["iri"] for d in a["documents"] if d["acted"]}
    missing = {d["iri"] for d in a["documents"] if not d["acted"]}
    # its 04 văn bản implement 03-TT/QU, which carries out 171-KH/TU and 97/2019/QH14
    assert acted == {TT, KH, NQ}
    assert all(d["acted_by"] == [doc_iri(UB_VB)] for d in a["documents"] if d["acted"])
    # the Government's decree and the ward Party committee's own documents are open
    assert missing == {ND, doc_iri(DU_NQ), doc_iri(DU_KH)}
    assert a["counts"] == {"binding": 6, "acted": 3, "gaps": 3}
    assert doc_iri(UB_VB) not in {d["iri"] for d in a["documents"]}


def test_coverage_lists_the_ward_that_has_not_acted(chain_store):
    c = coverage(chain_store, NQ)
    by = {lv["level"]: lv for lv in c["levels"]}
    assert [lv["level"] for lv in c["levels"]] == ["province", "district", "commune"]
    assert {e["label"] for e in by["commune"]["acted"]} == {
        "Đảng ủy phường Đức Giang", "UBND phường Đức Giang"}
    assert [e["label"] for e in by["commune"]["not_acted"]] == ["Đảng ủy phường Bồ Đề"]
    assert [e["label"] for e in by["district"]["acted"]] == ["Quận ủy Long Biên"]
    assert by["district"]["not_acted"] == []
    # the committee counts as having acted through its standing committee
    assert {e["label"] for e in by["province"]["acted"]} == {
        "Thành ủy Hà Nội", "Ban Thường vụ Thành ủy Hà Nội"}
    everyone = coverage(chain_store, NQ, scope="all")
    not_acted = {e["label"] for lv in everyone["levels"] for e in lv["not_acted"]}
    assert not_acted == {"UBND thành phố Hà Nội", "UBND quận Long Biên",
                         "Đảng ủy phường Bồ Đề", "UBND phường Bồ Đề"}


def test_path_between_document_and_body_with_evidence(chain_store):
    p = path(chain_store, doc_iri(UB_VB), body_iri("quan-uy/long-bien"))
    assert p["length"] == 2
    first, second = p["steps"]
    assert (first["subject"], first["predicate"], first["object"]) == (
        doc_iri(UB_VB), "implements", TT)
    assert [e["quote"] for e in first["evidence"]] == ["triển khai thực hiện"]
    assert (second["subject"], second["predicate"], second["object"]) == (
        TT, "passed_by", body_iri("quan-uy/long-bien"))
    assert second["evidence"] and second["evidence"][0].get("quote") is None


def test_path_directed_follows_authority_only(chain_store):
    p = path(chain_store, doc_iri(DU_NQ), NQ, directed=True)
    assert p["length"] == 2 and [s["direction"] for s in p["steps"]] == ["forward", "forward"]
    with pytest.raises(NotFound):
        path(chain_store, NQ, doc_iri(DU_NQ), directed=True)


def test_timeline_and_diff(chain_store):
    t = timeline(chain_store, NQ)
    assert [(e["date"], e["iri"], e["days_from_start"]) for e in t["entries"]] == [
        ("2019-11-27", NQ, 0), ("2019-12-31", KH, 34), ("2021-04-22", TT, 512)]
    assert {e["iri"] for e in t["undated"]} == SETS
    # source 03 was extracted on 2024-03-01: its three links are new since February
    d = diff(chain_store, TT, "2024-02-01")
    assert {(x["rel"], x["other"]) for x in d["added"]} == {
        ("based_on", NQ), ("implements", KH), ("cites", ND)}
    assert d["unchanged"] == 4
    d = diff(chain_store, TT, "2021-01-01", by="document")
    assert {(x["rel"], x["other"]) for x in d["added"]} == {("cites", ND)}
    # the newest first; with a limit, the newest only, every one still counted
    whole = diff(chain_store, TT, "2000-01-01")
    assert whole["added_total"] == 7 == len(whole["added"]) and whole["complete"]
    first = [min(s["ingested"] for s in x["sources"]) for x in whole["added"]]
    assert first == sorted(first, reverse=True) and first[0] > first[-1]
    cut = diff(chain_store, TT, "2000-01-01", limit=3)
    assert cut["added"] == whole["added"][:3]
    assert cut["added_total"] == 7 and cut["unchanged"] == 0 and cut["complete"] is False
    assert {x["other"] for x in cut["added"]} == {NQ, KH, ND}     # source 03's, the newest
    d = diff(chain_store, TT, "2000-01-01", by="document", limit=2)
    assert [(x["other"], x["other_date"]) for x in d["added"]] == [
        (ND, "2021-03-29"), (KH, "2019-12-31")]               # not in the links' own order
    assert d["added_total"] == 4 and d["undated_total"] == 3 and len(d["undated"]) == 2
    with pytest.raises(InputError):
        diff(chain_store, TT, "last week")


def test_rank_counts_distinct_implementers(chain_store):
    r = rank(chain_store)
    impl = {d["iri"]: d["count"] for d in r["implemented"]}
    assert impl == {TT: 3, NQ: 2, KH: 1}
    assert [d["iri"] for d in r["cited"]] == [ND]
    assert {(lag["from_level"], lag["to_level"]): lag["median_days"]
            for lag in r["level_lags"]} == {("central", "province"): 34,
                                            ("central", "district"): 512,
                                            ("province", "district"): 478}


def test_resolve_by_number_and_name(chain_store):
    assert resolve_document(chain_store, "97/2019/QH14") == NQ
    assert resolve_document(chain_store, "nq 97-2019-qh14".replace("nq ", "")) == NQ
    assert resolve_body(chain_store, "ubnd phường đức giang") == body_iri("ubnd/phuong-duc-giang")
    with pytest.raises(NotFound):
        resolve_document(chain_store, "999/2099/QH99")
    with pytest.raises(NotFound):
        trace_down(chain_store, "https://w3id.org/vnkg/id/doc/nothing")
