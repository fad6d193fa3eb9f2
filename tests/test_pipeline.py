"""End to end: the sample texts → the store → the chain in the document page and SPARQL."""
from __future__ import annotations

import json
from pathlib import Path

from kg.ingest import Pipeline
from kg.query import Queries
from tests.conftest import BASE, SAMPLES


def _doc(store, ident: str) -> str:
    found = Queries(store).find_documents(ident)
    assert len(found) == 1, f"{ident}: {found}"
    return found[0]["doc"]


def _labels(links: list[dict]) -> set[tuple[str, str]]:
    return {(link["rel"], link["label"]) for link in links}


def test_chain_is_linked_across_sources(sample_store) -> None:
    q = Queries(sample_store)
    plan = q.document(_doc(sample_store, "171-KH/TU"))
    # One node for the plan, however many texts mention it.
    assert len({s["source"] for s in plan["sources"]}) == 3
    assert ("implements", "Nghị quyết 97/2019/QH14") in _labels(plan["outgoing"])
    circular = q.document(_doc(sample_store, "03-TT/QU"))
    assert ("implements", "Kế hoạch 171-KH/TU") in _labels(circular["outgoing"])


def test_ward_documents_known_by_count_implement_the_district_circular(sample_store) -> None:
    circular = Queries(sample_store).document(_doc(sample_store, "03-TT/QU"))
    counted = sorted(link["count"] for link in circular["incoming"]
                     if link.get("count") and link["rel"] == "implements")
    assert counted == [1, 1, 4]  # Đảng ủy phường: 01 nghị quyết, 01 kế hoạch; UBND: 04 văn bản
    resolution = Queries(sample_store).document(_doc(sample_store, "97/2019/QH14"))
    implementers = {label for rel, label in _labels(resolution["incoming"]) if rel == "implements"}
    assert "Kế hoạch 171-KH/TU" in implementers


def test_link_carries_evidence_from_the_text(sample_store) -> None:
    q = Queries(sample_store)
    link = next(x for x in q.document(_doc(sample_store, "171-KH/TU"))["outgoing"]
                if x["rel"] == "implements")
    source = q.source(link["source"])
    text = next(m["o"] for m in source["meta"] if m["p"].endswith("#text"))
    assert text[link["start"]:link["end"]] == link["quote"]
    assert "97/2019/QH14" in link["quote"]


def test_reingest_replaces_source_graph(sample_store) -> None:
    before = sample_store.count()
    graphs = sample_store.graphs()
    report = Pipeline(sample_store, base_iri=BASE).ingest_paths([SAMPLES])
    assert not report.failed
    assert sample_store.count() == before
    assert sample_store.graphs() == graphs


def test_document_page_shows_the_chain(client, sample_store) -> None:
    iri = _doc(sample_store, "97/2019/QH14")
    path = "/id/" + iri[len(BASE):]
    html = client.get(path).get_data(as_text=True)
    assert "171-KH/TU" in html and "03-TT/QU" in html
    data = client.get(path + ".json").get_json()
    assert data["ok"] is True
    incoming = {e["label"] for e in data["evidence"] if e["direction"] == "in"}
    assert "Kế hoạch 171-KH/TU" in incoming
    downstream = [d for level in data["downstream"]["levels"]
                  for issuer in level["issuers"] for d in issuer["documents"]]
    assert {"171-KH/TU", "03-TT/QU"} <= {d["id"] for d in downstream}
    assert 4 in {d["count"] for d in downstream}  # the ward's 04 văn bản, down the chain


def test_sparql_answers_the_chain(client, sample_store) -> None:
    iri = _doc(sample_store, "97/2019/QH14")
    query = ("PREFIX kg: <https://w3id.org/vnkg/ontology#> PREFIX eli: "
             "<http://data.europa.eu/eli/ontology#> SELECT ?id WHERE { ?d (kg:implements|"
             f"kg:based_on)+ <{iri}> ; eli:id_local ?id }}")
    resp = client.get("/sparql", query_string={"query": query},
                      headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200
    ids = {b["id"]["value"] for b in json.loads(resp.data)["results"]["bindings"]}
    assert {"171-KH/TU", "03-TT/QU"} <= ids


def test_parallel_ingest_stores_what_one_process_stores(tmp_path) -> None:
    """Worker processes read and extract; the store ends up the same, bad files reported."""
    from datetime import UTC, datetime

    from kg.store.oxigraph import OxigraphStore

    folder = tmp_path / "texts"
    folder.mkdir()
    for f in SAMPLES.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    when = datetime(2026, 1, 2, tzinfo=UTC)
    dumps, reports = [], []
    for jobs in (1, 2):
        store = OxigraphStore(str(tmp_path / f"store-{jobs}"))
        report = Pipeline(store, base_iri=BASE, clock=lambda: when).ingest_paths(
            [folder], jobs=jobs)
        reports.append(([r.locator for r in report.ok], [r.locator for r in report.failed]))
        out = tmp_path / f"dump-{jobs}.nq"
        with out.open("wb") as f:
            store.dump(f, "nq")
        dumps.append(sorted(out.read_text(encoding="utf-8").splitlines()))
        store.close()
    assert reports[0] == reports[1]
    assert [Path(p).name for p in reports[1][1]] == ["empty.txt"]
    assert len(reports[1][0]) == len(list(SAMPLES.iterdir()))
    assert dumps[0] == dumps[1] and len(dumps[0]) > 100
