"""Parity: the same texts ingested into the embedded store and into Virtuoso answer alike.

The texts are samples/ and the real corpus (KG_CORPUS); the answers are the query module's
(stats, sources, documents with their links and evidence, bodies, sources, search), the
trace, and the JSON twins of the web pages.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rdflib import URIRef

from kg.store import open_store
from kg.store.base import Store

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/vnkg/id/"
WHEN = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)


def texts() -> list[Path]:
    import os

    corpus = Path(os.environ.get("KG_CORPUS", ROOT.parent / "shared" / "corpus"))
    found = [ROOT / "samples"]
    if corpus.is_dir():
        found.append(corpus)
    return found


def ingest(store: Store) -> None:
    from kg.ingest import Pipeline

    report = Pipeline(store, base_iri=BASE, clock=lambda: WHEN).ingest_paths(texts())
    assert report.ok
    assert not [r for r in report.failed if "samples" in r.locator], report.failed


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Store]]:
    """The corpus in an embedded store and in a Virtuoso of this module's own, so that
    nothing earlier tests did to the session's server can tell in the answers."""
    from kg import virtuoso

    server = virtuoso.start(tmp_path_factory.mktemp("virtuoso-parity"), isolation=4,
                            grant_update=True)
    local = open_store("memory")
    remote = open_store(server.store_location,
                        originals=str(tmp_path_factory.mktemp("originals")))
    try:
        ingest(local)
        ingest(remote)
        yield local, remote
    finally:
        local.close()
        remote.close()
        virtuoso.remove(server)


def canon(value: Any) -> Any:
    """Lists whose order a query leaves open (ties) compared as sorted lists."""
    if isinstance(value, dict):
        return {k: canon(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [canon(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    if isinstance(value, tuple):
        return canon(list(value))
    return value


def test_both_stores_hold_the_same_quads(pair: tuple[Store, Store]) -> None:
    local, remote = pair
    assert local.graphs() == remote.graphs()
    assert local.count() == remote.count() > 0
    for g in local.graphs():
        assert set(local.iter_graph(URIRef(g))) == set(remote.iter_graph(URIRef(g))), g


def test_named_queries_answer_alike(pair: tuple[Store, Store]) -> None:
    from kg.query import Queries

    a, b = (Queries(s) for s in pair)
    assert canon(a.stats()) == canon(b.stats())
    assert canon([s.__dict__ for s in a.sources()]) == canon([s.__dict__ for s in b.sources()])
    assert canon(a.top_documents(20)) == canon(b.top_documents(20))
    for text in ("Nghị quyết", "kế hoạch", "Quận ủy", "Long Biên"):
        assert canon(a.search_labels(text)) == canon(b.search_labels(text)), text
    docs = [r["doc"] for r in pair[0].select(
        "SELECT DISTINCT ?doc WHERE { ?doc a <https://w3id.org/vnkg/ontology#Document> }")]
    assert docs
    for doc in docs:
        assert canon(a.document(str(doc))) == canon(b.document(str(doc))), doc
        assert a.label(str(doc)) == b.label(str(doc))
    for ident in ("97/2019/QH14", "171-KH/TU", "03-TT/QU", "32/2021/NĐ-CP"):
        assert canon(a.find_documents(ident)) == canon(b.find_documents(ident)), ident
    for src in pair[0].graphs():
        assert canon(a.source(src)) == canon(b.source(src)), src


def test_bodies_answer_alike(pair: tuple[Store, Store]) -> None:
    from kg.query import Queries

    a, b = (Queries(s) for s in pair)
    bodies = [str(r["b"]) for r in pair[0].select(
        "SELECT DISTINCT ?b WHERE { ?b a <https://w3id.org/vnkg/ontology#Body> }")]
    assert bodies
    for body in bodies:
        assert canon(a.body(body)) == canon(b.body(body)), body


def test_trace_answers_alike(pair: tuple[Store, Store]) -> None:
    from kg.analytics.trace import trace
    from kg.query import Queries

    hits = Queries(pair[0]).find_documents("97/2019/QH14")
    assert hits, "the samples name 97/2019/QH14"
    doc = hits[0]["doc"]
    down = [trace(s, doc) for s in pair]
    assert canon(down[0]) == canon(down[1])
    up = [trace(s, doc, up=True) for s in pair]
    assert canon(up[0]) == canon(up[1])
    # cut to the nearest: the store's walk and the property path cut alike
    total = len(down[0]["nodes"]) - 1
    for limit in (1, 2, total // 2):
        cut = [trace(s, doc, limit=limit) for s in pair]
        assert canon(cut[0]) == canon(cut[1]), limit
        assert cut[0]["complete"] is False and len(cut[0]["nodes"]) == limit + 2


def test_diff_answers_alike(pair: tuple[Store, Store]) -> None:
    from kg.analytics.timeline import diff
    from kg.query import Queries

    doc = Queries(pair[0]).find_documents("97/2019/QH14")[0]["doc"]
    for by, since in (("ingested", "2024-01-01"), ("document", "2020-01-01"),
                      ("document", "2000-01-01")):
        ours, theirs = (diff(s, doc, since, by=by) for s in pair)
        assert canon(ours) == canon(theirs), (by, since)
    assert ours["added_total"] > 2, ours
    cut = [diff(s, doc, "2000-01-01", by="document", limit=2) for s in pair]
    assert canon(cut[0]) == canon(cut[1]) and len(cut[0]["added"]) == 2


def test_applies_to_answers_alike(pair: tuple[Store, Store]) -> None:
    """applies-to walks up from many documents at once: a property path from a VALUES
    block on Virtuoso, the store's index on the embedded store."""
    from kg.analytics.applies import applies_to

    bodies = [str(r["b"]) for r in pair[0].select(
        "SELECT DISTINCT ?b WHERE { ?b a <https://w3id.org/vnkg/ontology#Body> }")]
    chained = 0
    for body in bodies:
        ours, theirs = (applies_to(s, body) for s in pair)
        assert canon(ours) == canon(theirs), body
        chained += sum(d["why"] == "chain" for d in ours["documents"])
    assert chained, "no body is bound through a chain: the walk up is not exercised"


def test_rank_answers_alike(pair: tuple[Store, Store]) -> None:
    """Influence over the whole graph: the relations, in-degrees, PageRank, communities and
    the lags between levels (grouped SPARQL on Virtuoso; the embedded store's catalog too)."""
    from kg.analytics.rank import rank
    from kg.catalog import Catalog

    ours, theirs = (rank(s, top=50) for s in pair)
    assert ours["edges"] > 10 and ours["level_lags"], ours
    assert canon(ours) == canon(theirs)
    catalog = Catalog(pair[0], check_every=0.0).sync()
    pair[0].projection = catalog
    try:
        assert canon(rank(pair[0], top=50)) == canon(theirs)
    finally:
        pair[0].projection = None
        catalog.close()


def test_document_pages_json_alike(pair: tuple[Store, Store]) -> None:
    from web import create_app

    clients = [create_app({"TESTING": True, "KG_STORE_OBJECT": s,
                           "KG": {"store": "memory", "base_iri": BASE}}).test_client()
               for s in pair]
    docs = [str(r["doc"]) for r in pair[0].select(
        "SELECT DISTINCT ?doc WHERE { ?doc a <https://w3id.org/vnkg/ontology#Document> }")]
    paths = ["/trace.json?doc=97/2019/QH14"]
    paths += ["/id/" + d.removeprefix(BASE) for d in docs if d.startswith(BASE)]
    for path in paths:
        answers = [c.get(path, headers={"Accept": "application/json"}) for c in clients]
        assert answers[0].status_code == answers[1].status_code == 200, path
        assert canon(answers[0].get_json()) == canon(answers[1].get_json()), path
