"""The shortest chain of statements between two documents or bodies, with its evidence.

A breadth-first search from both ends at once, each step one SPARQL query over the
frontier (so it runs on any store and never loads the graph), through the relations
between documents, eli:passed_by (document – issuer) and org:subOrganizationOf (body –
body). Each edge of the answer is explained by the sources that state it and, for a
typed link, the sentence quoted from the source with its character span.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kg.analytics import queries as q
from kg.errors import LimitExceeded, NotFound
from kg.query import iri
from kg.store.base import Store

_RELS = tuple(f"kg:{r}" for r in q.ALL_RELATIONS)
PATH_PREDICATES: tuple[str, ...] = (*_RELS, "eli:passed_by", "org:subOrganizationOf")
_CURIE = {"kg:": str(q.KG._NS), "eli:": "http://data.europa.eu/eli/ontology#",
          "org:": "http://www.w3.org/ns/org#"}


def _name(pred: str) -> str:
    for ns in _CURIE.values():
        if pred.startswith(ns):
            return pred[len(ns):]
    return pred


Step = tuple[str, str, str, str]   # (previous node, subject, predicate, object)


def _grow(store: Store, frontier: set[str], seen: dict[str, Step | None], preds: Sequence[str],
          *, forward: bool | None) -> set[str]:
    """One breadth-first level: the nodes first reached from `frontier`.

    `forward` True follows triples subject → object only, False object → subject only,
    None both ways.
    """
    new: set[str] = set()
    for r in sorted(q.neighbours(store, sorted(frontier), preds),
                    key=lambda r: (r["s"], r["p"], r["o"])):
        s, p, o = r["s"], r["p"], r["o"]
        moves = []
        if s in frontier and forward is not False:
            moves.append((s, o))
        if o in frontier and forward is not True:
            moves.append((o, s))
        for prev, nxt in moves:
            if nxt not in seen and isinstance(nxt, str) and nxt.startswith(("http", "urn")):
                seen[nxt] = (prev, s, p, o)
                new.add(nxt)
    return new


def _cost(store: Store, frontier: set[str]) -> int:
    """What growing `frontier` would read: its nodes' links, counted by the store's
    projection (a founding law alone has ~46,600), else the number of nodes."""
    if store.projection is not None:
        n = store.projection.link_count(sorted(frontier))
        if n is not None:
            return n
    return len(frontier)


def _walk(seen: dict[str, Step | None], node: str) -> list[Step]:
    steps = []
    while seen[node] is not None:
        step = seen[node]
        assert step is not None
        steps.append(step)
        node = step[0]
    return steps


def _dist(seen: dict[str, Step | None], node: str) -> int:
    return len(_walk(seen, node))


def path(store: Store, a: str, b: str, *, directed: bool = False, max_hops: int = 12,
         max_nodes: int = 50_000, relations_only: bool = False,
         evidence: bool = True) -> dict[str, Any]:
    """The shortest path from `a` to `b`, each edge with the sources that state it.

    `directed` follows relations from the acting document to its object only (a chain
    of authority from `a` up to `b`); otherwise any direction. `relations_only` leaves
    out issuers and the body hierarchy. Raises NotFound when there is no path within
    `max_hops`, LimitExceeded when the search would visit more than `max_nodes`.
    """
    a, b = iri(a), iri(b)
    preds = _RELS if relations_only or directed else PATH_PREDICATES
    seen_a: dict[str, Step | None] = {a: None}
    seen_b: dict[str, Step | None] = {b: None}
    front_a, front_b = {a}, {b}
    hops = 0
    meet = {a} & {b}
    while not meet:
        if hops >= max_hops or not front_a or not front_b:
            raise NotFound(f"no path between {a} and {b} within {max_hops} steps")
        if len(seen_a) + len(seen_b) > max_nodes:
            raise LimitExceeded(f"the search between {a} and {b} passed {max_nodes} nodes; "
                                "try relations only or a directed path")
        # grow the side that reads less: the search stays narrow when one end is a hub
        if _cost(store, front_a) <= _cost(store, front_b):
            front_a = _grow(store, front_a, seen_a, preds, forward=True if directed else None)
        else:
            front_b = _grow(store, front_b, seen_b, preds, forward=False if directed else None)
        hops += 1
        meet = set(seen_a) & set(seen_b)
    best = min(meet, key=lambda n: (_dist(seen_a, n) + _dist(seen_b, n), n))
    steps_a = list(reversed(_walk(seen_a, best)))
    steps_b = _walk(seen_b, best)
    ordered: list[tuple[str, str, str, str, str]] = []
    for prev, s, p, o in steps_a:
        ordered.append((prev, o if prev == s else s, s, p, o))
    for prev, s, p, o in steps_b:
        here = o if prev == s else s
        ordered.append((here, prev, s, p, o))
    nodes = [a] + [to for _, to, _, _, _ in ordered]
    labels = _labels(store, nodes)
    steps = []
    for frm, to, s, p, o in ordered:
        step: dict[str, Any] = {
            "from": frm, "to": to, "subject": s, "predicate": _name(p), "object": o,
            "direction": "forward" if frm == s else "backward",
            "from_label": labels.get(frm), "to_label": labels.get(to)}
        if evidence:
            step["evidence"] = q.edge_evidence(store, s, p, o)
        steps.append(step)
    return {"from": a, "to": b, "directed": directed, "length": len(steps),
            "nodes": [{"iri": n, "label": labels.get(n)} for n in nodes], "steps": steps}


def _labels(store: Store, nodes: list[str]) -> dict[str, str]:
    rows = q.select(store, f"""
        SELECT ?x ?l WHERE {{ {q.values("x", set(nodes))}
          {{ ?x rdfs:label ?l }} UNION {{ ?x skos:prefLabel ?l }} }}""")
    out: dict[str, str] = {}
    for r in rows:
        out.setdefault(r["x"], r["l"])
    return out

