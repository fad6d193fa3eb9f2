"""The catalog as the store's projection: the analytics answer exactly as from the store,
and fall back to the store whenever the catalog is behind it."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rdflib import Literal, URIRef

from kg.analytics import queries as q
from kg.analytics.applies import applies_to, coverage
from kg.analytics.rank import level_lags, rank
from kg.analytics.timeline import diff
from kg.analytics.trace import trace_down, trace_up
from kg.catalog import Catalog
from kg.ns import ELI, KG, LEVEL, PROV, RDF, XSD
from kg.store import open_store
from kg.store.base import Store
from tests.analytics.conftest import G


def _answers(store: Store, docs: list[str], bodies: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for d in docs:
        out[f"down {d}"] = trace_down(store, d)
        out[f"up {d}"] = trace_up(store, d)
    for b in bodies:
        out[f"applies {b}"] = applies_to(store, b)
    for d in docs:
        for since in ("2000-01-01", "2021-01-01", "2024-02-01"):
            for by in ("ingested", "document"):
                out[f"diff {d} {since} {by}"] = diff(store, d, since, by=by)
                out[f"diff {d} {since} {by} 1"] = diff(store, d, since, by=by, limit=1)
    out["relation edges"] = q.relation_edges(store, q.ALL_RELATIONS)
    out["steps"] = sorted(q.steps(store, q.DOWN_RELATIONS))
    out["rank"] = rank(store)
    return out


def _nodes(store: Store, cls: str) -> list[str]:
    return sorted(str(r["n"]) for r in store.select(f"SELECT DISTINCT ?n WHERE {{ ?n a <{cls}> }}"))


def _with_catalog(store: Store) -> Catalog:
    catalog = Catalog(store, check_every=0.0).sync()
    store.projection = catalog
    return catalog


def _calls(catalog: Catalog) -> dict[str, int]:
    """Count the projection's answers (None answers included)."""
    counts = {"closure": 0, "facts": 0, "records": 0, "link_stamps": 0, "relation_edges": 0,
              "steps": 0, "answered": 0}
    for name in ("closure", "facts", "records", "link_stamps", "relation_edges", "steps"):
        real = getattr(catalog, name)

        def wrapped(*a: Any, _real: Any = real, _name: str = name, **kw: Any) -> Any:
            counts[_name] += 1
            found = _real(*a, **kw)
            counts["answered"] += found is not None
            return found
        setattr(catalog, name, wrapped)
    return counts


def test_answers_from_the_catalog_equal_the_stores_on_the_chain(chain_store) -> None:
    docs = _nodes(chain_store, str(KG.Document)) + _nodes(chain_store, str(KG.DocumentSet))
    bodies = _nodes(chain_store, str(KG.Body))
    assert len(docs) >= 4 and len(bodies) >= 8
    expected = _answers(chain_store, docs, bodies)
    catalog = _with_catalog(chain_store)
    calls = _calls(catalog)
    try:
        assert _answers(chain_store, docs, bodies) == expected
        assert calls["answered"] >= len(docs) * 2, calls   # the catalog did answer
        assert calls["link_stamps"] == len(docs) * 12, calls
        assert calls["relation_edges"] and calls["steps"], calls
        root = next(d for d in docs if d.endswith("97-2019-qh14"))
        chain_store.projection = None
        plain = coverage(chain_store, root)
        chain_store.projection = catalog
        assert coverage(chain_store, root) == plain
    finally:
        chain_store.projection = None
        catalog.close()


def test_answers_from_the_catalog_equal_the_stores_on_generated_graphs(generated) -> None:
    g, store = generated
    # the generated graph has no source description: give it one, as the emitter would
    src = URIRef(G + "source/gen")
    act = URIRef(G + "activity/gen")
    store.replace_graph(src, [*g.triples, (src, RDF.type, KG.Source),
                              (src, PROV.wasGeneratedBy, act),
                              (act, PROV.endedAtTime, Literal("2026-01-01T00:00:00Z",
                                                              datatype=XSD.dateTime))])
    docs, bodies = sorted(g.docs), sorted(g.bodies)
    expected = _answers(store, docs, bodies)
    catalog = _with_catalog(store)
    calls = _calls(catalog)
    try:
        assert _answers(store, docs, bodies) == expected
        assert calls["answered"] >= len(docs) * 2, calls
    finally:
        store.projection = None
        catalog.close()


def test_a_step_counts_once_at_its_documents_levels_and_earliest_dates() -> None:
    """A joint resolution of a central and a provincial body, implemented by a ward's plan
    dated twice: one step, central → commune, from the earliest dates; the same from the
    catalog as from the store."""
    def n(kind: str, key: str) -> URIRef:
        return URIRef(f"https://w3id.org/vnkg/id/{kind}/{key}")

    store = open_store("memory")
    res, plan, link = n("doc", "1-nqlt/2020"), n("doc", "2-kh/2020"), n("link", "joint")
    bodies = {"tw": "central", "tinh": "province", "phuong": "commune"}
    triples: list[tuple[Any, Any, Any]] = [
        (res, RDF.type, KG.Document), (plan, RDF.type, KG.Document),
        (res, ELI.date_document, Literal("2020-01-01", datatype=XSD.date)),
        (plan, ELI.date_document, Literal("2020-03-01", datatype=XSD.date)),
        (plan, ELI.date_document, Literal("2020-02-15", datatype=XSD.date)),
        (res, ELI.passed_by, n("body", "tw")), (res, ELI.passed_by, n("body", "tinh")),
        (plan, ELI.passed_by, n("body", "phuong")), (plan, KG.implements, res),
        (link, RDF.type, KG.Link), (link, KG.linkFrom, plan),
        (link, KG.relation, KG.implements), (link, KG.linkTo, res)]
    for key, level in bodies.items():
        triples += [(n("body", key), RDF.type, KG.Body), (n("body", key), KG.level, LEVEL[level])]
    _source(store, "joint", triples)
    want = [{"from_level": "central", "to_level": "commune", "steps": 1, "median_days": 45,
             "q1_days": 45, "q3_days": 45}]
    try:
        assert level_lags(store) == want
        catalog = _with_catalog(store)
        calls = _calls(catalog)
        assert level_lags(store) == want and calls["steps"] == calls["answered"] == 1
        catalog.close()
    finally:
        store.projection = None
        store.close()


def test_a_body_stated_at_two_levels_is_at_the_most_central_either_way() -> None:
    """One source says a bare "UBND" is a ward's, another a district's: the store and its
    catalog both put it, and its documents, at the district."""
    from kg.analytics.common import documents

    body = URIRef("https://w3id.org/vnkg/id/body/ubnd")
    doc = URIRef("https://w3id.org/vnkg/id/doc/15-ct-ubnd/2018")
    store = open_store("memory")
    _source(store, "ward", [(body, RDF.type, KG.Body), (body, KG.level, LEVEL.commune),
                            (doc, RDF.type, KG.Document), (doc, ELI.passed_by, body)])
    _source(store, "district", [(body, RDF.type, KG.Body), (body, KG.level, LEVEL.district)])
    try:
        plain = documents(store, [str(doc)])[str(doc)]
        assert plain["level"] == plain["issuers"][0]["level"] == "district"
        catalog = _with_catalog(store)
        assert catalog.entry(str(body)).level == "district"
        assert documents(store, [str(doc)])[str(doc)] == plain
        catalog.close()
    finally:
        store.projection = None
        store.close()


def test_a_catalog_behind_the_store_is_not_used(chain_store) -> None:
    docs = _nodes(chain_store, str(KG.Document))
    root = next(d for d in docs if d.endswith("97-2019-qh14"))
    catalog = _with_catalog(chain_store)
    calls = _calls(catalog)
    try:
        # a new source implements the root: the catalog, not synced, does not know it
        new = URIRef("https://w3id.org/vnkg/id/doc/99-kh-ubnd/2024")
        src = URIRef("https://w3id.org/vnkg/id/source/late")
        act = URIRef("https://w3id.org/vnkg/id/activity/late")
        link = URIRef("https://w3id.org/vnkg/id/link/late")
        chain_store.replace_graph(src, [
            (new, RDF.type, KG.Document), (new, KG.implements, URIRef(root)),
            (link, RDF.type, KG.Link), (link, KG.linkFrom, new),
            (link, KG.relation, KG.implements), (link, KG.linkTo, URIRef(root)),
            (src, RDF.type, KG.Source), (src, PROV.wasGeneratedBy, act),
            (act, PROV.endedAtTime, Literal(datetime.now(UTC).isoformat(),
                                            datatype=XSD.dateTime))])
        assert not catalog.current()
        down = trace_down(chain_store, root)
        assert str(new) in down["nodes"]
        assert calls["answered"] == 0 and calls["closure"] >= 1
        catalog.sync()
        assert catalog.current()
        assert str(new) in trace_down(chain_store, root)["nodes"]
        assert calls["answered"] >= 1
    finally:
        chain_store.projection = None
        catalog.close()


def _source(store: Store, name: str, triples: list[tuple[Any, Any, Any]]) -> None:
    """`triples` as the source graph `name`, described as the emitter describes one."""
    src = URIRef(f"https://w3id.org/vnkg/id/source/{name}")
    act = URIRef(f"https://w3id.org/vnkg/id/activity/{name}")
    store.replace_graph(src, [*triples, (src, RDF.type, KG.Source),
                              (src, PROV.wasGeneratedBy, act),
                              (act, PROV.endedAtTime, Literal(datetime.now(UTC).isoformat(),
                                                              datatype=XSD.dateTime))])


def test_kept_records_follow_an_issuer_described_by_another_source(chain_store) -> None:
    """A document's kept record names its issuer's label and level: a source that only
    describes the issuer (the document's own source untouched) must refresh it, and the
    document's entry (its issuers, level, words) with it."""
    from kg.ns import ELI, LEVEL, SKOS

    doc = URIRef("https://w3id.org/vnkg/id/doc/7-kh-ubnd/2024")
    body = URIRef("https://w3id.org/vnkg/id/body/ubnd/xa-thu")
    _source(chain_store, "doc", [(doc, RDF.type, KG.Document),
                                 (doc, ELI.id_local, Literal("7/KH-UBND")),
                                 (doc, ELI.passed_by, body)])
    catalog = _with_catalog(chain_store)
    try:
        before = catalog.records([str(doc)])[str(doc)]
        assert before["issuers"] == [{"iri": str(body), "label": None, "level": None}]
        _source(chain_store, "body", [(body, RDF.type, KG.Body), (body, KG.level, LEVEL.commune),
                                      (body, SKOS.prefLabel, Literal("UBND xã Thử"))])
        catalog.sync()
        after = catalog.records([str(doc)])[str(doc)]
        assert after["issuers"] == [{"iri": str(body), "label": "UBND xã Thử",
                                     "level": "commune"}]
        assert after["level"] == "commune"
        fresh = Catalog(chain_store, check_every=0.0).sync()
        assert catalog.snapshot() == fresh.snapshot()
        fresh.close()
    finally:
        chain_store.projection = None
        catalog.close()


def test_a_trace_asked_again_is_read_back_until_the_store_changes(chain_store) -> None:
    """The catalog keeps a trace's answer while nothing is written: asked again, it is not
    walked again but shared; a caller that cuts it asks for its own (`keep=False`); after a
    write it is built anew."""
    root = next(d for d in _nodes(chain_store, str(KG.Document)) if d.endswith("97-2019-qh14"))
    catalog = _with_catalog(chain_store)
    catalog.kept_min_seconds = 0                      # the chain's traces are quick
    calls = _calls(catalog)
    try:
        first = trace_down(chain_store, root)
        walks = calls["closure"]
        assert trace_down(chain_store, root) is first  # read back, not walked
        assert calls["closure"] == walks
        own = trace_down(chain_store, root, keep=False)
        assert own is not first and calls["closure"] == walks + 1
        own["tree"]["children"].clear()               # a page cuts what it gets
        assert first["tree"]["children"]

        new = URIRef("https://w3id.org/vnkg/id/doc/98-kh-ubnd/2024")
        link = URIRef("https://w3id.org/vnkg/id/link/kept")
        _source(chain_store, "kept", [
            (new, RDF.type, KG.Document), (new, KG.implements, URIRef(root)),
            (link, RDF.type, KG.Link), (link, KG.linkFrom, new),
            (link, KG.relation, KG.implements), (link, KG.linkTo, URIRef(root))])
        catalog.sync()
        assert str(new) in trace_down(chain_store, root)["nodes"]
        assert calls["closure"] > walks
    finally:
        chain_store.projection = None
        catalog.close()


def test_a_kept_trace_is_left_as_built_by_every_reader(chain_store) -> None:
    """A kept trace is one object shared by its readers (the API, the CLI, the timeline,
    coverage, graph exports): none of them may change it."""
    from copy import deepcopy

    from kg.analytics.applies import coverage
    from kg.analytics.exports import document_graph
    from kg.analytics.timeline import timeline
    from kg.commands.analytics import render_tree, trace_csv
    from web import create_app

    docs = _nodes(chain_store, str(KG.Document))
    app = create_app({"TESTING": True, "KG_STORE_OBJECT": chain_store,
                      "KG_SEARCH_CHECK_EVERY": 0.0,
                      "KG": {"store": "memory", "base_iri": "https://w3id.org/vnkg/id/"}})
    client = app.test_client()
    try:
        assert client.get("/api/trace", query_string={"doc": docs[0]}).status_code == 200
        catalog = chain_store.projection              # the app's catalog, now attached
        assert isinstance(catalog, Catalog) and catalog.current()
        catalog.kept_min_seconds = 0                  # the chain's traces are quick
        catalog.forget_kept()
        built = {}
        for d in docs:
            for up in (False, True):
                tr = trace_up(chain_store, d) if up else trace_down(chain_store, d)
                built[d, up] = (tr, deepcopy(tr))
        for d in docs:
            for up in (False, True):
                assert client.get("/api/trace", query_string={
                    "doc": d, "direction": "up" if up else "down"}).status_code == 200
                render_tree(built[d, up][0])
                trace_csv(built[d, up][0])
                timeline(chain_store, d, up=up)
                document_graph(chain_store, root=d, up=up)
            coverage(chain_store, d)
            coverage(chain_store, d, scope="all")
        for (d, up), (tr, copy) in built.items():
            again = trace_up(chain_store, d) if up else trace_down(chain_store, d)
            assert again is tr, (d, up)                # still kept: the readers read it
            assert tr == copy, (d, up)
    finally:
        chain_store.projection = None


def test_a_shared_answer_too_big_to_hold_as_built_is_kept_pickled(chain_store) -> None:
    """An answer kept as built is shared; one over a quarter of the budget in memory is
    kept pickled instead, each caller getting a copy."""
    catalog = _with_catalog(chain_store)
    try:
        catalog.kept_bytes, catalog.kept_min_seconds = 4000, 0
        small = catalog.kept("small", lambda: {"docs": [1, 2]}, size=lambda a: 1000)
        big = catalog.kept("big", lambda: {"docs": [1, 2]}, size=lambda a: 1001)
        assert catalog.kept("small", lambda: {}, size=lambda a: 1000) is small
        again = catalog.kept("big", lambda: {}, size=lambda a: 1001)
        assert again == big and again is not big
    finally:
        chain_store.projection = None
        catalog.close()


def test_kept_answers_stay_within_their_budget(chain_store) -> None:
    catalog = _with_catalog(chain_store)
    try:
        catalog.kept_bytes, catalog.kept_min_seconds = 3000, 0
        made: list[str] = []

        def answer(name: str, size: int):
            return lambda: made.append(name) or "x" * size

        for name in ("a", "b"):
            catalog.kept(name, answer(name, 1000))
        catalog.kept("a", answer("a", 1000))          # asked again: the most recent now
        catalog.kept("c", answer("c", 1000))          # over budget: "b" goes, not "a"
        catalog.kept("huge", answer("huge", 5000))    # never kept
        for name in ("a", "c", "b", "huge"):
            catalog.kept(name, answer(name, 1000 if name != "huge" else 5000))
        assert made == ["a", "b", "c", "huge", "b", "huge"]
    finally:
        chain_store.projection = None
        catalog.close()
