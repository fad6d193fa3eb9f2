"""Influence: the most implemented and most cited documents, communities, usual lags.

networkx works on the projection of document-to-document relations selected with
SPARQL (`queries.relation_edges`), never on the whole store; the facts it reports
(labels, dates, issuers) are fetched for the documents it ranks, not for every one.
"""
from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

import networkx as nx

from kg.analytics import queries as q
from kg.analytics.common import documents, level_rank, public
from kg.store.base import Store


def projection(store: Store, rels: Sequence[str] = q.ALL_RELATIONS) -> nx.MultiDiGraph:
    """Documents and the typed relations between them (acting document → object)."""
    g = nx.MultiDiGraph()
    for r in q.relation_edges(store, rels):
        g.add_edge(r["s"], r["o"], key=q.rel_key(r["rel"]), rel=q.rel_key(r["rel"]))
    return g


def pagerank(g: nx.DiGraph, *, alpha: float = 0.85, tol: float = 1e-10,
             max_iter: int = 200) -> dict[str, float]:
    """PageRank by power iteration in plain Python (networkx's own needs numpy and scipy).

    Rank flows from the acting document to its object, so authorities rank high; the
    rank of documents that rest on nothing is spread evenly (dangling nodes).
    """
    n = g.number_of_nodes()
    if n == 0:
        return {}
    nodes = list(g)
    out_deg = {u: g.out_degree(u) for u in nodes}
    preds = {v: [u for u in g.predecessors(v)] for v in nodes}
    x = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(max_iter):
        dangling = alpha * sum(x[u] for u in nodes if out_deg[u] == 0) / n
        base = (1.0 - alpha) / n + dangling
        new = {v: base + alpha * sum(x[u] / out_deg[u] for u in preds[v]) for v in nodes}
        err = sum(abs(new[v] - x[v]) for v in nodes)
        x = new
        if err < n * tol:
            break
    return x


def level_lags(store: Store, rels: Sequence[str] = q.DOWN_RELATIONS) -> list[dict[str, Any]]:
    """The usual lag (median days, with quartiles) of a step from one level to another."""
    rel_path = q.rel_path(rels)
    rows = q.select(store, f"""
        SELECT ?s ?o ?sd ?od ?sl ?ol WHERE {{
          ?s ({rel_path}) ?o .
          ?s eli:date_document ?sd ; eli:passed_by/kg:level ?sl .
          ?o eli:date_document ?od ; eli:passed_by/kg:level ?ol .
        }}""")
    from kg.analytics.common import lag_days

    by: dict[tuple[str, str], dict[tuple[str, str], int]] = {}
    for r in rows:
        lag = lag_days(r["sd"], r["od"])
        if lag is None:
            continue
        pair = (q.level_key(r["ol"]) or "unknown", q.level_key(r["sl"]) or "unknown")
        by.setdefault(pair, {})[(r["s"], r["o"])] = lag
    out = []
    for (frm, to), lags in sorted(by.items(), key=lambda kv: (level_rank(kv[0][0]),
                                                             level_rank(kv[0][1]))):
        vals = sorted(lags.values())
        quart = statistics.quantiles(vals, n=4) if len(vals) > 1 else [vals[0]] * 3
        out.append({"from_level": frm, "to_level": to, "steps": len(vals),
                    "median_days": statistics.median(vals), "q1_days": quart[0],
                    "q3_days": quart[2]})
    return out


def rank(store: Store, *, top: int = 20, rels: Sequence[str] = q.ALL_RELATIONS,
         communities: bool = True, seed: int = 0) -> dict[str, Any]:
    """In-degree (all, implemented, cited), PageRank, communities and lags between levels."""
    g = projection(store, rels)
    if g.number_of_nodes() == 0:
        return {"documents": 0, "edges": 0, "in_degree": [], "implemented": [], "cited": [],
                "pagerank": [], "communities": [], "level_lags": []}
    simple = nx.DiGraph(g)
    pr = pagerank(simple)
    indeg = Counter({n: len({u for u, _ in g.in_edges(n)}) for n in g})
    # counts are of distinct documents: a plan that both implements and is based on a
    # resolution counts once
    impl = Counter(v for _, v in {(u, v) for u, v, k in g.edges(keys=True)
                                  if k in q.DOWN_RELATIONS})
    cited = Counter(v for _, v in {(u, v) for u, v, k in g.edges(keys=True) if k == "cites"})

    def best(counter: Counter[str] | dict[str, float]) -> list[tuple[str, float]]:
        return sorted(((n, c) for n, c in counter.items() if c),
                      key=lambda nc: (-nc[1], nc[0]))[:top]

    tops = {"in_degree": best(indeg), "implemented": best(impl), "cited": best(cited),
            "pagerank": best(pr)}
    comms: list[list[str]] = []
    if communities:
        found = nx.community.louvain_communities(simple.to_undirected(), seed=seed)
        comms = sorted((sorted(c, key=lambda n: (-pr[n], n)) for c in found if len(c) > 1),
                       key=lambda c: (-len(c), c[0]))[:top]
    wanted = {n for lst in tops.values() for n, _ in lst} | {n for c in comms for n in c[:5]}
    docs = documents(store, wanted)

    def describe(n: str, score: float, key: str) -> dict[str, Any]:
        d = public(docs.get(n, {"iri": n}), "iri", "id", "label", "date", "level")
        return {**d, key: round(score, 6) if isinstance(score, float) else score}

    out: dict[str, Any] = {"documents": g.number_of_nodes(), "edges": g.number_of_edges()}
    for name, lst in tops.items():
        out[name] = [describe(n, s, "score" if name == "pagerank" else "count") for n, s in lst]
    out["communities"] = [{"size": len(c), "top": [describe(n, pr[n], "pagerank")
                                                   for n in c[:5]]} for c in comms]
    out["level_lags"] = level_lags(store)
    return out
