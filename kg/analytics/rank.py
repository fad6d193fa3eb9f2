"""Influence: the most implemented and most cited documents, communities, usual lags.

networkx works on the projection of document-to-document relations
(`queries.relation_edges`: the catalog's links when current, else SPARQL), never on the
whole store; the facts it reports (labels, dates, issuers) are fetched for the documents
it ranks, not for every one. The answer is kept until the store changes: at 100k the
whole graph's ranking takes seconds (communities most of them).
"""
from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx
import numpy as np

from kg.analytics import queries as q
from kg.analytics.common import documents, kept, lag_days, public
from kg.extract.tables import level_rank
from kg.store.base import Store


def pagerank(pairs: Iterable[tuple[str, str]], *, alpha: float = 0.85, tol: float = 1e-10,
             max_iter: int = 200) -> dict[str, float]:
    """PageRank of the graph of distinct (acting, object) `pairs`, by power iteration over
    arrays (a dict a node took 12 s at 100k; networkx's own needs scipy).

    Rank flows from the acting document to its object, so authorities rank high; the
    rank of documents that rest on nothing is spread evenly (dangling nodes).
    """
    index: dict[str, int] = {}
    src: list[int] = []
    dst: list[int] = []
    for u, v in pairs:
        src.append(index.setdefault(u, len(index)))
        dst.append(index.setdefault(v, len(index)))
    n = len(index)
    if n == 0:
        return {}
    frm, to = np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)
    out_deg = np.bincount(frm, minlength=n).astype(float)
    dangling = out_deg == 0
    share = np.divide(1.0, out_deg, out=np.zeros(n), where=~dangling)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = alpha * np.bincount(to, weights=(x * share)[frm], minlength=n) \
            + (1.0 - alpha) / n + alpha * x[dangling].sum() / n
        err = np.abs(new - x).sum()
        x = new
        if err < n * tol:
            break
    return dict(zip(index, x.tolist(), strict=True))


def level_lags(store: Store, rels: Sequence[str] = q.DOWN_RELATIONS) -> list[dict[str, Any]]:
    """The usual lag (median days, with quartiles) of a step from one level to another:
    each pair of linked documents counted once, at its documents' levels (the most
    central of each one's issuers') and earliest dates."""
    by: dict[tuple[str, str], list[int]] = {}
    for od, sd, ol, sl in q.steps(store, rels):
        lag = lag_days(sd, od)
        if lag is not None:
            by.setdefault((ol, sl), []).append(lag)
    out = []
    for (frm, to), vals in sorted(by.items(), key=lambda kv: (level_rank(kv[0][0]),
                                                            level_rank(kv[0][1]))):
        vals.sort()
        quart = statistics.quantiles(vals, n=4) if len(vals) > 1 else [vals[0]] * 3
        out.append({"from_level": frm, "to_level": to, "steps": len(vals),
                    "median_days": statistics.median(vals), "q1_days": quart[0],
                    "q3_days": quart[2]})
    return out


def rank(store: Store, *, top: int = 20, rels: Sequence[str] = q.ALL_RELATIONS,
         communities: bool = True, seed: int = 0) -> dict[str, Any]:
    """In-degree (all, implemented, cited), PageRank, communities and lags between levels;
    kept until the store changes."""
    return kept(store, ("rank", top, tuple(rels), communities, seed),
                lambda: _rank(store, top, rels, communities, seed))


def _rank(store: Store, top: int, rels: Sequence[str], communities: bool, seed: int
          ) -> dict[str, Any]:
    edges = q.relation_edges(store, rels)
    if not edges:
        return {"documents": 0, "edges": 0, "in_degree": [], "implemented": [], "cited": [],
                "pagerank": [], "communities": [], "level_lags": []}
    pairs = sorted({(s, o) for s, _, o in edges})
    pr = pagerank(pairs)
    # counts are of distinct documents: a plan that both implements and is based on a
    # resolution counts once
    indeg = Counter(o for _, o in pairs)
    impl = Counter(o for _, o in {(s, o) for s, rel, o in edges if rel in q.DOWN_RELATIONS})
    cited = Counter(o for _, o in {(s, o) for s, rel, o in edges if rel == "cites"})

    def best(counter: Counter[str] | dict[str, float]) -> list[tuple[str, float]]:
        return sorted(((n, c) for n, c in counter.items() if c),
                      key=lambda nc: (-nc[1], nc[0]))[:top]

    tops = {"in_degree": best(indeg), "implemented": best(impl), "cited": best(cited),
            "pagerank": best(pr)}
    comms: list[list[str]] = []
    if communities:
        g = nx.Graph()
        g.add_nodes_from(sorted(pr))          # one order whatever gave the edges
        g.add_edges_from(pairs)
        found = nx.community.louvain_communities(g, seed=seed)
        comms = sorted((sorted(c, key=lambda n: (-pr[n], n)) for c in found if len(c) > 1),
                       key=lambda c: (-len(c), c[0]))[:top]
    wanted = {n for lst in tops.values() for n, _ in lst} | {n for c in comms for n in c[:5]}
    docs = documents(store, wanted)

    def describe(n: str, score: float, key: str) -> dict[str, Any]:
        d = public(docs.get(n, {"iri": n}), "iri", "id", "label", "date", "level")
        return {**d, key: round(score, 6) if isinstance(score, float) else score}

    out: dict[str, Any] = {"documents": len(pr), "edges": len(edges)}
    for name, lst in tops.items():
        out[name] = [describe(n, s, "score" if name == "pagerank" else "count") for n, s in lst]
    out["communities"] = [{"size": len(c), "top": [describe(n, pr[n], "pagerank")
                                                   for n in c[:5]]} for c in comms]
    out["level_lags"] = level_lags(store)
    return out
