"""On generated graphs (cycles, diamonds, ten levels, shared numbers), the analytics agree
with answers the test computes itself by plain breadth-first search over its edge list."""
from __future__ import annotations

from collections import deque
from datetime import date

import pytest

from kg.analytics import gaps, path, rank, resolve_document, trace_down, trace_up
from kg.analytics.rank import pagerank
from kg.errors import InputError
from kg.extract.tables import IMPLEMENTATION_RELATIONS

DOWN = set(IMPLEMENTATION_RELATIONS)


def reach(start: str, adj: dict[str, set[str]]) -> set[str]:
    """Nodes reachable from `start` in one or more steps."""
    seen: set[str] = set()
    queue = deque(adj.get(start, ()))
    while queue:
        n = queue.popleft()
        if n not in seen:
            seen.add(n)
            queue.extend(adj.get(n, ()))
    return seen


def adjacency(edges, *, rels=None, reverse=False) -> dict[str, set[str]]:
    adj: dict[str, set[str]] = {}
    for a, rel, b in edges:
        if rels is None or rel in rels:
            u, v = (b, a) if reverse else (a, b)
            adj.setdefault(u, set()).add(v)
    return adj


def test_trace_down_equals_bfs(generated):
    g, store = generated
    root = g.layers[0][0]
    below = reach(root, adjacency(g.edges, rels=DOWN, reverse=True))
    t = trace_down(store, root)
    assert set(t["nodes"]) == below | {root}
    inside = below | {root}
    assert {(e["from"], e["rel"], e["to"]) for e in t["edges"]} == {
        (a, r, b) for a, r, b in g.edges if r in DOWN and a in inside and b in inside}
    # ten layers below the root are all reached, and the other issuer's twin is not
    assert any(n in below for n in g.layers[10])
    assert g.docs and all("twin" not in n for n in t["nodes"])


def test_trace_down_levels_lags_and_tree(generated):
    g, store = generated
    root = g.layers[0][0]
    t = trace_down(store, root)
    for n in t["nodes"].values():
        assert n["level"] == g.bodies[g.docs[n["iri"]]["issuer"]]["level"]
    for e in t["edges"]:
        want = (date.fromisoformat(g.docs[e["from"]]["date"])
                - date.fromisoformat(g.docs[e["to"]]["date"])).days
        assert e["lag_days"] == want
    # every document but the root appears exactly once in the tree, under a real edge
    seen: list[str] = []
    stack = [(t["tree"], None)]
    edges = {(a, b) for a, _, b in g.edges}
    while stack:
        node, parent = stack.pop()
        seen.append(node["iri"])
        if parent is not None:
            assert (node["iri"], parent) in edges
        stack.extend((c, node["iri"]) for c in node["children"])
    assert sorted(seen) == sorted(t["nodes"])
    # a document is never drawn under a parent when another of its parents lies below it
    down = adjacency([e for e in g.edges if e[1] in DOWN], reverse=True)
    for n in t["nodes"].values():
        if n.get("parent") is None:
            continue
        others = {b for a, r, b in g.edges if a == n["iri"] and r in DOWN and b in t["nodes"]}
        p = n["parent"]
        under_p = reach(p, down)
        for o in others - {p}:
            if o in reach(n["iri"], down):
                continue  # o and the document are on one cycle: no order between them
            strictly_below = o in under_p and p not in reach(o, down)
            assert not strictly_below, (n["iri"], p, o)
    grouped = sorted(d["iri"] for lv in t["levels"] for gr in lv["issuers"]
                     for d in gr["documents"])
    assert grouped == sorted(set(t["nodes"]) - {root})


def test_cycles_are_reported_not_looped(generated):
    g, store = generated
    root = g.layers[0][0]
    t = trace_down(store, root)
    inside = set(t["nodes"])
    adj = adjacency([(a, r, b) for a, r, b in g.edges if r in DOWN and a in inside
                     and b in inside])
    on_cycle = {n for n in inside if n in reach(n, adj)}
    assert on_cycle, "the generator closes a cycle below the root"
    assert {n for c in t["cycles"] for n in c} == on_cycle
    for c in t["cycles"]:
        for a, b in zip(c, c[1:] + c[:1], strict=True):
            assert b in adj[a]


def test_trace_up_equals_bfs_with_roots(generated):
    g, store = generated
    up_adj = adjacency(g.edges)
    for start in (g.layers[10][0], g.layers[7][-1], g.layers[5][0]):
        t = trace_up(store, start)
        above = reach(start, up_adj)
        assert set(t["nodes"]) == above | {start}
        want_roots = {n for n in above if not up_adj.get(n)}
        assert {r["iri"] for r in t["roots"]} == want_roots
        on_cycle = {n for n in above | {start} if n in reach(n, up_adj)}
        assert {n for c in t["cycles"] for n in c} == on_cycle


def undirected(g) -> dict[str, set[str]]:
    adj: dict[str, set[str]] = {}

    def add(a: str, b: str) -> None:
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)

    for a, _, b in g.edges:
        add(a, b)
    for d, info in g.docs.items():
        add(d, info["issuer"])
    for b, info in g.bodies.items():
        if info["parent"]:
            add(b, info["parent"])
    return adj


def hops(start: str, adj: dict[str, set[str]]) -> dict[str, int]:
    """Breadth-first distance of each node reachable from `start`."""
    dist = {start: 0}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for v in adj.get(u, ()):
            if v not in dist:
                dist[v] = dist[u] + 1
                queue.append(v)
    return dist


def distance(a: str, b: str, adj: dict[str, set[str]]) -> int | None:
    return hops(a, adj).get(b)


@pytest.mark.parametrize("with_catalog", [False, True])
def test_paths_are_shortest_and_made_of_real_edges(generated, with_catalog):
    """Shortest whichever side the search grows (with the catalog, the side whose links
    are fewer; without, the smaller frontier)."""
    g, store = generated
    if with_catalog:
        attach_catalog(g, store)
    adj = undirected(g)
    twin = next(d for d in g.docs if d.endswith("/twin"))
    commune = sorted(b for b, i in g.bodies.items() if i["level"] == "commune")[0]
    pairs = [(g.layers[0][0], g.layers[10][-1]), (g.layers[9][0], commune),
             (twin, g.layers[0][0]), (g.layers[4][0], g.layers[4][-1])]
    triples = {(a, r, b) for a, r, b in g.edges}
    triples |= {(d, "passed_by", i["issuer"]) for d, i in g.docs.items()}
    triples |= {(b, "subOrganizationOf", i["parent"]) for b, i in g.bodies.items() if i["parent"]}
    try:
        for a, b in pairs:
            p = path(store, a, b, evidence=False)
            assert p["length"] == distance(a, b, adj)
            at = a
            for s in p["steps"]:
                assert (s["subject"], s["predicate"], s["object"]) in triples
                assert s["from"] == at and {s["from"], s["to"]} == {s["subject"], s["object"]}
                at = s["to"]
            assert at == b
    finally:
        if store.projection is not None:
            store.projection.close()
            store.projection = None


def test_gaps_equal_independent_answer(generated):
    g, store = generated
    impl_up = adjacency([e for e in g.edges if e[1] in DOWN])
    for body, info in sorted(g.bodies.items()):
        if info["level"] != "commune":
            continue
        above = set()
        b = info["parent"]
        while b:
            above.add(b)
            b = g.bodies[b]["parent"]
        direct = {d for d, i in g.docs.items() if i["issuer"] in above}
        chain = set().union(*(reach(d, impl_up) for d in direct)) if direct else set()
        own = {d for d, i in g.docs.items() if i["issuer"] == body}
        acted = set().union(*(reach(d, impl_up) for d in own)) if own else set()
        binding = (direct | chain) - own
        got = gaps(store, body)
        assert {d["iri"] for d in got["documents"]} == binding - acted, body
        assert got["binding"] == len(binding)


def test_same_number_from_different_issuers_is_ambiguous(generated):
    g, store = generated
    with pytest.raises(InputError) as err:
        resolve_document(store, "1-KH/ĐU")
    holders = {d for d, i in g.docs.items() if i["id"] == "1-KH/ĐU"}
    assert len(holders) > 1
    assert all(h in err.value.message for h in holders)
    twin = next(d for d in holders if d.endswith("/twin"))
    assert set(trace_down(store, twin)["nodes"]) == {twin}


def attach_catalog(g, store) -> None:
    """The generated graph described as the emitter describes a source, then a catalog
    of it as the store's projection (the caller closes it)."""
    from rdflib import Literal, URIRef

    from kg.catalog import Catalog
    from kg.ns import KG, PROV, RDF, XSD
    from tests.analytics.conftest import G

    src, act = URIRef(G + "source/gen"), URIRef(G + "activity/gen")
    store.replace_graph(src, [*g.triples, (src, RDF.type, KG.Source),
                              (src, PROV.wasGeneratedBy, act),
                              (act, PROV.endedAtTime, Literal("2026-01-01T00:00:00Z",
                                                              datatype=XSD.dateTime))])
    store.projection = Catalog(store, check_every=0.0).sync()


@pytest.mark.parametrize("with_catalog", [False, True])
def test_a_trace_cut_at_a_limit_holds_the_nearest(generated, with_catalog):
    """A page traces a founding law only to its nearest documents: past `limit`, the
    trace holds `limit` + 1 of them, none farther than one left out, each hung under a
    real edge from the start, and says it is not complete."""
    g, store = generated
    if with_catalog:
        attach_catalog(g, store)
    try:
        cases = [(trace_down, g.layers[0][0], adjacency(g.edges, rels=DOWN, reverse=True)),
                 (trace_up, g.layers[10][0], adjacency(g.edges))]
        for trace, start, adj in cases:
            dist = hops(start, adj)
            whole = len(dist) - 1
            assert whole > 8
            for limit in (0, 3, whole // 2, whole - 1, whole, whole + 5):
                t = trace(store, start, limit=limit)
                if limit >= whole:
                    assert t["complete"] is True
                    assert t == {**trace(store, start), "complete": True}
                    continue
                assert t["complete"] is False
                cut = set(t["nodes"])
                assert start in cut and len(cut) == limit + 2, (limit, len(cut))
                assert cut <= set(dist)
                left = set(dist) - cut
                assert max(dist[n] for n in cut) <= min((dist[n] for n in left), default=99)
                real = {(a, r, b) for a, r, b in g.edges}
                assert {(e["from"], e["rel"], e["to"]) for e in t["edges"]} <= real
                for n, node in t["nodes"].items():       # hung in the tree under a real edge
                    if n != start:
                        assert node["parent"] in cut
                assert t.get("stops", "none") is None or t.get("roots", "none") is None
    finally:
        if store.projection is not None:
            store.projection.close()
            store.projection = None


def test_collection_is_paused_while_a_trace_is_built_and_resumed_after(generated,
                                                                      monkeypatch):
    """gc_paused: off inside (also for a second thread inside at once), back on after the
    last leaves, and left off when it was off before."""
    import gc
    import importlib
    import threading

    from kg.analytics import common

    g, store = generated
    trace_mod = importlib.import_module("kg.analytics.trace")
    seen = []
    real = trace_mod.closure_documents
    monkeypatch.setattr(trace_mod, "closure_documents",
                        lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k))
    root = g.layers[0][0]
    assert gc.isenabled()
    trace_down(store, root, keep=False)
    assert seen == [False] and gc.isenabled()
    inside, leave = threading.Event(), threading.Event()

    def hold() -> None:
        with common.gc_paused():
            inside.set()
            leave.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    inside.wait(10)
    trace_down(store, root, keep=False)
    assert not gc.isenabled()                 # the other thread is still inside
    leave.set()
    t.join(10)
    assert gc.isenabled()
    gc.disable()
    try:
        trace_down(store, root, keep=False)
        assert not gc.isenabled()             # off before: left off
    finally:
        gc.enable()


def plain_pagerank(pairs: set[tuple[str, str]], alpha: float = 0.85) -> dict[str, float]:
    """Textbook power iteration, one dict a node, to a tight tolerance."""
    nodes = sorted({n for p in pairs for n in p})
    out = {n: sum(1 for u, _ in pairs if u == n) for n in nodes}
    preds = {n: [u for u, v in pairs if v == n] for n in nodes}
    x = dict.fromkeys(nodes, 1 / len(nodes))
    for _ in range(500):
        spread = alpha * sum(x[n] for n in nodes if not out[n]) / len(nodes)
        x = {v: (1 - alpha) / len(nodes) + spread + alpha * sum(x[u] / out[u] for u in preds[v])
             for v in nodes}
    return x


@pytest.mark.parametrize("with_catalog", [False, True])
def test_rank_equals_independent_counts_and_pagerank(generated, with_catalog):
    g, store = generated
    asked = []
    if with_catalog:
        attach_catalog(g, store)
        real = store.projection.relation_edges
        store.projection.relation_edges = lambda rels: asked.append(rels) or real(rels)
    pairs = {(a, b) for a, _, b in g.edges}
    ref = plain_pagerank(pairs)
    got = pagerank(sorted(pairs))
    assert got.keys() == ref.keys()
    assert max(abs(got[n] - ref[n]) for n in ref) < 1e-9
    try:
        r = rank(store, top=len(ref))
    finally:
        if store.projection is not None:
            store.projection.close()
            store.projection = None
    assert bool(asked) == with_catalog
    assert r["documents"] == len(ref) and r["edges"] == len(set(g.edges))
    assert {d["iri"]: d["score"] for d in r["pagerank"]} == pytest.approx(ref, abs=1e-6)
    indeg = {b: len({a for a, b2 in pairs if b2 == b}) for _, b in pairs}
    assert {d["iri"]: d["count"] for d in r["in_degree"]} == indeg
    impl = {b: len({a for a, rel, b2 in g.edges if b2 == b and rel in DOWN})
            for _, rel, b in g.edges if rel in DOWN}
    assert {d["iri"]: d["count"] for d in r["implemented"]} == impl
    members = [n for c in r["communities"] for n in (d["iri"] for d in c["top"])]
    assert len(members) == len(set(members)) and set(members) <= ref.keys()
