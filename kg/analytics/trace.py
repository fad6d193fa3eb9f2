"""Traces: how a document cascaded down the levels, and where a document's authority comes from.

Both walk from the bound document (`queries.closure`: the store's index on the embedded
store, a SPARQL property path elsewhere), fetch the facts of the documents reached in one
query, then do plain graph work on that small projection: the breadth-first tree, the lag of each
step, the grouping by administrative level and issuer, and cycles reported, not looped.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import networkx as nx

from kg.analytics import queries as q
from kg.analytics.common import (
    closure_documents,
    doc_sort_key,
    exists,
    gc_paused,
    kept,
    level_label,
    to_date,
)
from kg.errors import NotFound
from kg.extract.tables import LEVEL_ORDER, level_rank
from kg.query import iri
from kg.store.base import Store


def _closure(store: Store, doc: str, rels: Sequence[str], direction: str,
             limit: int | None) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, str]]]:
    """Documents of the trace and the edges among them, (acting doc, rel, object)."""
    doc = iri(doc)
    # a document known by its IRI only still takes its place in the trace
    order, edges, docs = closure_documents(store, doc, rels, direction=direction,
                                           limit=limit)
    if len(order) == 1 and not any(docs[doc].get(k) for k in ("id", "label", "issuers")) \
            and not exists(store, doc):
        raise NotFound(f"no document {doc}")
    return docs, edges


def _topological(nodes: set[str], succ: dict[str, list[str]]) -> list[str] | None:
    """The nodes in an order where every edge goes forward, or None when there is a cycle.

    Most traces are acyclic: this plain pass spares them networkx's strongly connected
    components (a third of a large trace's time).
    """
    indeg = dict.fromkeys(nodes, 0)
    for u in nodes:
        for v in succ.get(u, ()):
            indeg[v] += 1
    ready = [n for n, k in indeg.items() if k == 0]
    order = []
    while ready:
        u = ready.pop()
        order.append(u)
        for v in succ.get(u, ()):
            indeg[v] -= 1
            if indeg[v] == 0:
                ready.append(v)
    return order if len(order) == len(nodes) else None


def _cycles(edges: list[tuple[str, str, str]]) -> list[list[str]]:
    """One cycle for each group of documents that reach each other (self-links included)."""
    succ: dict[str, list[str]] = {}
    for a, _, b in edges:
        succ.setdefault(a, []).append(b)
    if _topological({x for a, _, b in edges for x in (a, b)}, succ) is not None:
        return []
    g = nx.DiGraph()
    g.add_edges_from((a, b) for a, _, b in edges)
    out = []
    for comp in nx.strongly_connected_components(g):
        if len(comp) == 1:
            (n,) = comp
            if not g.has_edge(n, n):
                continue
        sub = g.subgraph(comp)
        cycle = [u for u, _ in nx.find_cycle(sub, source=min(comp))]
        out.append(cycle)
    return sorted(out)


_REL_PRIORITY = {r: i for i, r in enumerate(("implements", "details", "guides", "based_on"))}


def _tree_parents(start: str, nxt: dict[str, list[tuple[str, str]]],
                  incoming: dict[str, list[tuple[str, str]]],
                  docs: dict[str, dict[str, Any]]
                  ) -> tuple[dict[str, tuple[str, str]], dict[str, int] | None]:
    """The edge under which each reachable document is drawn in the tree, and, when the
    reachable documents are free of cycles, each one's depth in that tree (else None).
    `nxt` and `incoming`: each document's (relation, next) and (previous, relation).

    A document linked both to a resolution and to the plan that implements it hangs
    under the plan (97 → 171-KH/TU → 03-TT/QU, not 97 → 03-TT/QU): the parent is the one
    farthest from the start along the longest path, then the latest, then by relation.
    Drawn so, a document's depth in the tree is its longest path from the start.
    Inside a cycle, where that order does not exist, the breadth-first parent is used.
    """
    # Longest paths in topological order (Kahn's): the walk reached every document from
    # the start, so only the start may be free of incoming edges; a document never freed
    # lies on or below a cycle.
    if start in incoming:
        return _tree_parents_in_cycles(start, nxt, docs, incoming), None
    left = {v: len(inc) for v, inc in incoming.items()}
    depth = {start: 0}
    ready = [start]
    done = 0
    while ready:
        u = ready.pop()
        done += 1
        du = depth[u] + 1
        for _, v in nxt.get(u, ()):
            if depth.get(v, 0) < du:
                depth[v] = du
            left[v] -= 1
            if not left[v]:
                ready.append(v)
    if done <= len(incoming):
        return _tree_parents_in_cycles(start, nxt, docs, incoming), None
    parent: dict[str, tuple[str, str]] = {}
    for v, inc in incoming.items():
        # in an acyclic trace every edge goes deeper: each incoming edge is a candidate
        parent[v] = inc[0] if len(inc) == 1 else max(inc, key=lambda ur: (
            depth[ur[0]], docs[ur[0]]["date"] or "", -_REL_PRIORITY.get(ur[1], 9), ur[0]))
    return parent, depth


def _tree_parents_in_cycles(start: str, nxt: dict[str, list[tuple[str, str]]],
                            docs: dict[str, dict[str, Any]],
                            incoming: dict[str, list[tuple[str, str]]]
                            ) -> dict[str, tuple[str, str]]:
    """`_tree_parents` where documents reach each other: depths over the condensation,
    the breadth-first parent inside a cycle."""
    bfs: dict[str, tuple[str, str]] = {}
    seen = {start}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for rel, v in nxt.get(u, ()):
            if v not in seen:
                seen.add(v)
                bfs[v] = (u, rel)
                queue.append(v)
    g = nx.DiGraph()
    g.add_nodes_from(seen)
    g.add_edges_from((u, v) for u in seen for _, v in nxt.get(u, ()))
    cond = nx.condensation(g)
    comp = cond.graph["mapping"]
    far = {c: 0 for c in cond}
    for c in nx.topological_sort(cond):
        for c2 in cond.successors(c):
            far[c2] = max(far[c2], far[c] + 1)
    depth = {n: far[comp[n]] for n in seen}
    parent: dict[str, tuple[str, str]] = {}
    for v in bfs:
        cands = [(u, rel) for u, rel in incoming.get(v, ()) if depth[u] < depth[v]]
        if not cands:
            parent[v] = bfs[v]
            continue
        parent[v] = max(cands, key=lambda ur: (depth[ur[0]], docs[ur[0]]["date"] or "",
                                               -_REL_PRIORITY.get(ur[1], 9), ur[0]))
    return parent


def _tree_depths(start: str, tree_parent: dict[str, tuple[str, str]]) -> dict[str, int]:
    """Each document's depth in the tree that `tree_parent` draws from `start`."""
    depth = {start: 0}
    for n in tree_parent:
        path = [n]
        while path[-1] not in depth:
            path.append(tree_parent[path[-1]][0])
        base = depth[path[-1]]
        for k, m in enumerate(reversed(path[:-1]), 1):
            depth[m] = base + k
    return depth


def _is_ancestor(a: str, n: str, tree_parent: dict[str, tuple[str, str]]) -> bool:
    """Whether `a` is `n` or lies on the tree path from the start to `n`."""
    while True:
        if n == a:
            return True
        if n not in tree_parent:
            return False
        n = tree_parent[n][0]


def _trace(store: Store, doc: str, rels: Sequence[str], direction: str,
           limit: int | None) -> tuple[dict[str, Any], list[str]]:
    """The trace, and its documents in the order every list of it shows them
    (`doc_sort_key`): sorted once, each list filled in it (a sort per list, and per
    group, took a sixth of a large trace)."""
    doc = iri(doc)
    docs, edges = _closure(store, doc, rels, direction, limit)
    ranked = [d["iri"] for d in sorted(docs.values(), key=doc_sort_key)]
    # "next" is down the cascade (implementers) or up to the authorities
    incoming: dict[str, list[tuple[str, str]]] = {}
    for a, rel, b in edges:
        u, v = (b, a) if direction == "down" else (a, b)
        inc = incoming.get(v)
        if inc is None:
            incoming[v] = [(u, rel)]
        else:
            inc.append((u, rel))
    nxt: dict[str, list[tuple[str, str]]] = {}
    for v in ranked:
        for u, rel in incoming.get(v, ()):
            out = nxt.get(u)
            if out is None:
                nxt[u] = [(rel, v)]
            else:
                out.append((rel, v))
    tree_parent, depth = _tree_parents(doc, nxt, incoming, docs)
    # the walk reached every node of `edges` from the start: acyclic there, acyclic here
    cycles = [] if depth is not None else _cycles(edges)
    if depth is None:
        depth = _tree_depths(doc, tree_parent)
    day = {n: to_date(d["date"]) for n, d in docs.items()}

    def lag(later: str, earlier: str) -> int | None:
        a, b = day[later], day[earlier]
        return (a - b).days if a and b else None

    # the document records themselves become the nodes: they are this call's own; each
    # (the start, or reached under a tree parent: all have a depth) also gets its tree
    # node, in one pass (the records are many)
    nodes = docs
    tree: dict[str, dict[str, Any]] = {}
    for n in ranked:
        d = docs[n]
        d["depth"] = depth[n]
        node = {"iri": n, "id": d["id"], "label": d["label"], "date": d["date"],
                "count": d["count"], "level": d["level"],
                "issuers": [i["label"] or i["iri"] for i in d["issuers"]]}
        if n in tree_parent:
            par, rel = tree_parent[n]
            d["parent"] = par
            node["rel"] = d["rel"] = rel
            node["lag_days"] = d["lag_days"] = \
                lag(n, par) if direction == "down" else lag(par, n)
        node["children"] = []
        tree[n] = node
    edge_list = [{"from": a, "rel": rel, "to": b, "lag_days": lag(a, b)} for a, rel, b in edges]
    for n, node in tree.items():
        for rel, v in nxt.get(n, ()):
            if tree_parent.get(v) == (n, rel):
                node["children"].append(tree[v])
            else:
                node.setdefault("also", []).append(
                    {"iri": v, "rel": rel, "cycle": _is_ancestor(v, n, tree_parent)})

    return {
        "root": doc,
        "direction": direction,
        "relations": list(rels),
        "nodes": nodes,
        "edges": edge_list,
        "tree": tree[doc],
        "levels": group_by_level(docs[n] for n in ranked if n != doc),
        "cycles": cycles,
        "counts": _counts(docs, doc),
        # False: the walk stopped past `limit` documents, the nearest (breadth first);
        # what depends on the whole (stops, roots, levels not reached) is then None
        "complete": limit is None or len(docs) <= limit + 1,
    }, ranked


def _counts(docs: dict[str, dict[str, Any]], root: str) -> dict[str, int]:
    others = [d for d in docs.values() if d["iri"] != root]
    sets = [d for d in others if d["is_set"]]
    return {"documents": len(others) - len(sets), "document_sets": len(sets),
            "known_by_count": sum(int(d["count"] or 0) for d in sets)}


def group_by_level(nodes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Documents grouped by level (central → commune, then unknown), then by issuer;
    `nodes` in the order each group lists them (`doc_sort_key`), and the groups of a
    level ordered by their first document, then by label."""
    by_level: dict[str, dict[str, dict[str, Any]]] = {}
    made: dict[int, int] = {}          # a group's place: its first document's
    for k, n in enumerate(nodes):
        level = n.get("level") or "unknown"
        issuers = n.get("issuers") or [{"iri": None, "label": None, "level": None}]
        # a joint document is listed under each issuer at its own level
        at = issuers if len(issuers) == 1 else \
            [i for i in issuers if (i.get("level") or "unknown") == level] or issuers[:1]
        get = n.get       # a literal: a comprehension over the names took a third of this
        entry = {"iri": n["iri"], "id": get("id"), "label": get("label"), "date": get("date"),
                 "count": get("count"), "depth": get("depth"), "parent": get("parent"),
                 "rel": get("rel"), "lag_days": get("lag_days")}
        at_level = by_level.get(level)
        if at_level is None:
            at_level = by_level[level] = {}
        for i in at:
            # get, then make: setdefault would build a group for every document
            group = at_level.get(i["iri"] or "")
            if group is None:
                group = at_level[i["iri"] or ""] = {
                    "issuer": i["iri"], "label": i["label"], "documents": []}
                made[id(group)] = k
            group["documents"].append(entry if len(at) == 1 else dict(entry))
    out = []
    for level in sorted(by_level, key=level_rank):
        groups = sorted(by_level[level].values(),
                        key=lambda g: (made[id(g)], g["label"] or ""))
        out.append({"level": level, "label": level_label(level), "issuers": groups,
                    "documents": sum(len(g["documents"]) for g in groups)})
    return out


def trace_down(store: Store, doc: str, *, rels: Sequence[str] = q.DOWN_RELATIONS,
               keep: bool = True, limit: int | None = None) -> dict[str, Any]:
    """Every document that implements, details, guides or is based on `doc`, transitively.

    Returns `nodes` (each with depth, tree parent, relation and lag in days from it),
    `edges` (acting document → object, with lag), `tree` (breadth-first, earliest
    first; a document reached again is listed under `also`), `levels` (grouped by the
    issuer's administrative level and by issuer), `stops` (where each branch ends),
    `cycles` and `counts` (documents known only by count summed in `known_by_count`).
    With `limit`, only the nearest `limit` documents and one more, breadth first; then
    `complete` is False (a founding law reaches most of the graph).

    The answer is kept until the store changes (`kept`) and shared by every caller, who
    must not change it; `keep=False` for a caller that cuts or annotates it (and keeps
    what it derives instead).
    """
    return _answer(store, doc, rels, "down", limit, keep, _trace_down)


def _answer(store: Store, doc: str, rels: Sequence[str], direction: str, limit: int | None,
            keep: bool, build: Callable[[Store, str, Sequence[str], int | None],
                                        dict[str, Any]]) -> dict[str, Any]:
    """`build`'s trace, kept and shared unless `keep` is False, built with the collector
    paused."""
    doc = iri(doc)
    with gc_paused():
        if not keep:
            return build(store, doc, rels, limit)
        return kept(store, ("trace", doc, direction, tuple(rels), limit),
                    lambda: build(store, doc, rels, limit), size=_bytes)


def _bytes(trace: dict[str, Any]) -> int:
    """About what a trace holds in memory (22.5 MB for 7,848 documents and 9,778 links,
    measured with tracemalloc)."""
    return 2000 * len(trace["nodes"]) + 700 * len(trace["edges"])


def _trace_down(store: Store, doc: str, rels: Sequence[str], limit: int | None
                ) -> dict[str, Any]:
    out, ranked = _trace(store, doc, rels, "down", limit)
    implemented = {e["to"] for e in out["edges"]}
    nodes = out["nodes"]
    root_level = nodes[out["root"]]["level"]
    stops = [{"iri": n, "label": d["label"], "level": d["level"], "date": d["date"],
              "count": d["count"]}
             for n in ranked if n not in implemented for d in (nodes[n],)]
    out["stops"] = sorted(stops, key=lambda s: level_rank(s["level"]))   # stable: ranked
    reached = {g["level"] for g in out["levels"]} | ({root_level} if root_level else set())
    known = [lv for lv in LEVEL_ORDER if lv != "unknown"]
    deepest = max((lv for lv in reached if lv != "unknown"), key=level_rank, default=None)
    out["deepest_level"] = deepest
    below = known[level_rank(root_level) + 1:] if root_level in known else []
    out["levels_not_reached"] = [lv for lv in below if lv not in reached]
    if not out["complete"]:
        out["stops"] = out["levels_not_reached"] = None
    return out


def trace_up(store: Store, doc: str, *, rels: Sequence[str] = q.ALL_RELATIONS,
             keep: bool = True, limit: int | None = None) -> dict[str, Any]:
    """Every document `doc` rests on through any relation, up to the roots.

    Same shape as `trace_down`, with `roots`: documents of the trace that rest on nothing
    further (a cycle with no way out has no root: it is listed in `cycles`).
    """
    return _answer(store, doc, rels, "up", limit, keep, _trace_up)


def _trace_up(store: Store, doc: str, rels: Sequence[str], limit: int | None
              ) -> dict[str, Any]:
    out, ranked = _trace(store, doc, rels, "up", limit)
    acting = {e["from"] for e in out["edges"]}
    nodes = out["nodes"]
    out["roots"] = sorted(
        ({"iri": n, "label": d["label"], "level": d["level"], "date": d["date"]}
         for n in ranked if n not in acting and n != out["root"] for d in (nodes[n],)),
        key=lambda s: level_rank(s["level"]))                               # stable: ranked
    if not out["complete"]:
        out["roots"] = None
    return out


def trace(store: Store, doc: str, *, up: bool = False, limit: int | None = None
          ) -> dict[str, Any]:
    """`trace_up` or `trace_down` of a document (its nearest `limit` documents, given)."""
    return trace_up(store, doc, limit=limit) if up else trace_down(store, doc, limit=limit)
