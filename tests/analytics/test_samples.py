"""The chain as the extraction engine reads it from samples/ (the `sample_store` fixture)."""
from __future__ import annotations

from kg.analytics import resolve_document, trace_down, trace_up


def test_sample_chain_trace_down(sample_store):
    nq = resolve_document(sample_store, "97/2019/QH14")
    t = trace_down(sample_store, nq)
    by_id = {n["id"]: n for n in t["nodes"].values() if n["id"]}
    kh, tt = by_id["171-KH/TU"], by_id["03-TT/QU"]
    assert (kh["level"], kh["date"], kh["parent"], kh["lag_days"]) == (
        "province", "2019-12-31", nq, 34)
    assert (tt["level"], tt["date"], tt["parent"]) == ("district", "2021-04-22", kh["iri"])
    assert [lv["level"] for lv in t["levels"]][:2] == ["province", "district"]
    counted = sorted(n["count"] for n in t["nodes"].values() if n["is_set"])
    assert 4 in counted and t["counts"]["known_by_count"] >= 4
    assert "32/2021/NĐ-CP" not in by_id


def test_sample_chain_trace_up_reaches_the_resolution(sample_store):
    tt = resolve_document(sample_store, "03-TT/QU")
    t = trace_up(sample_store, tt)
    ids = {n["id"] for n in t["nodes"].values()}
    assert {"97/2019/QH14", "171-KH/TU"} <= ids
    assert "97/2019/QH14" in {r["label"].split()[-1] for r in t["roots"]}
