"""The document graph for other tools: GraphML and GEXF (Gephi), node-link JSON, CSV edges.

The graph exported is a projection selected with SPARQL: the relations between documents
(the whole store's, or one trace's), with each document's number, label, date, type,
issuer and level as attributes.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any, BinaryIO

import networkx as nx

from kg.analytics import queries as q
from kg.analytics.common import documents
from kg.errors import InputError
from kg.store.base import Store

FORMATS: dict[str, str] = {"graphml": "application/graphml+xml", "gexf": "application/gexf+xml",
                           "json": "application/json", "csv": "text/csv"}
_CHUNK = 5000


def document_graph(store: Store, *, root: str | None = None, up: bool = False,
                   rels: Sequence[str] = q.ALL_RELATIONS) -> nx.MultiDiGraph:
    """The projection as a networkx MultiDiGraph: one edge per (acting doc, relation, object).

    With `root`, only that document's trace (down along the implementation relations,
    or `up` along every relation); otherwise every relation edge in the store.
    """
    g = nx.MultiDiGraph()
    if root is not None:
        from kg.analytics.trace import trace_down, trace_up

        tr = trace_up(store, root) if up else trace_down(store, root)
        for n in tr["nodes"].values():
            g.add_node(n["iri"], **_attrs(n))
        for e in tr["edges"]:
            g.add_edge(e["from"], e["to"], key=e["rel"], rel=e["rel"],
                       **({"lag_days": e["lag_days"]} if e["lag_days"] is not None else {}))
        return g
    g.add_edges_from((s, o, rel, {"rel": rel}) for s, rel, o in q.relation_edges(store, rels))
    nodes = sorted(g.nodes)
    for i in range(0, len(nodes), _CHUNK):
        chunk = nodes[i:i + _CHUNK]
        for d in documents(store, chunk).values():
            g.nodes[d["iri"]].update(_attrs(d))
    return g


def _attrs(d: dict[str, Any]) -> dict[str, Any]:
    """Scalar attributes only (GraphML and GEXF take no None, lists or dicts).

    The number is `number`, not `id`: the GEXF writer would take `id` for the node's id.
    """
    out = {k: d[k] for k in ("label", "date", "count", "type", "status", "level")
           if d.get(k) is not None}
    if d.get("id"):
        out["number"] = d["id"]
    if d.get("issuers"):
        out["issuer"] = "; ".join(i["label"] or i["iri"] for i in d["issuers"])
        out["issuer_iri"] = "; ".join(i["iri"] for i in d["issuers"])
    out["kind"] = "document_set" if d.get("is_set") else "document"
    return out


def write_graph(g: nx.MultiDiGraph, fmt: str, out: BinaryIO) -> None:
    """Write `g` to a binary stream in `fmt` (graphml, gexf, json, csv)."""
    if fmt == "graphml":
        nx.write_graphml(g, out, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(g, out, encoding="utf-8")
    elif fmt == "json":
        data = nx.node_link_data(g, edges="links")
        out.write(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    elif fmt == "csv":
        text = io.StringIO()
        w = csv.writer(text, lineterminator="\n")
        w.writerow(["source", "target", "relation", "source_id", "target_id", "source_label",
                    "target_label", "lag_days"])
        for s, o, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[2]["rel"], e[1])):
            a, b = g.nodes[s], g.nodes[o]
            w.writerow([s, o, data["rel"], a.get("number", ""), b.get("number", ""),
                        a.get("label", ""), b.get("label", ""), data.get("lag_days", "")])
        out.write(text.getvalue().encode("utf-8"))
    else:
        raise InputError(f"unknown graph format {fmt!r}: use one of {', '.join(FORMATS)}")


def export_graph(store: Store, fmt: str, out: BinaryIO, *, root: str | None = None,
                 up: bool = False) -> nx.MultiDiGraph:
    """Select the projection and write it; returns the graph written."""
    if fmt not in FORMATS:
        raise InputError(f"unknown graph format {fmt!r}: use one of {', '.join(FORMATS)}")
    g = document_graph(store, root=root, up=up)
    write_graph(g, fmt, out)
    return g
