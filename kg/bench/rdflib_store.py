"""The baseline: rdflib's in-memory Dataset behind the Store interface.

Used by the benchmark only, to run the same ingest pipeline and the same endpoint code
over rdflib's own store and print the ratio. Not a production backend.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.term import Node

from kg.errors import QueryError, StoreError
from kg.store.base import Store, Triple

_FORMATS = {"nq": "nquads", "trig": "trig", "ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


class RdflibStore(Store):
    """rdflib `Dataset` (Memory store) with the union of named graphs as default graph."""

    def __init__(self) -> None:
        self.location = "rdflib:memory"
        self.ds = Dataset(default_union=True)
        self._originals: dict[str, bytes] = {}

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        self.ds.remove_graph(self.ds.graph(graph))
        g = self.ds.graph(graph)
        for t in triples:
            g.add(t)

    def remove_graph(self, graph: URIRef) -> None:
        self.ds.remove_graph(self.ds.graph(graph))

    def graphs(self) -> list[str]:
        return sorted(str(g.identifier) for g in self.ds.graphs()
                      if isinstance(g.identifier, URIRef) and len(g))

    def _query(self, query: str):  # noqa: ANN202 - rdflib Result
        try:
            return self.ds.query(query)
        except Exception as e:  # noqa: BLE001 - rdflib raises pyparsing errors of many kinds
            raise QueryError(f"rdflib: {e}") from e

    def select(self, query: str) -> list[dict[str, Node]]:
        res = self._query(query)
        names = [str(v) for v in res.vars or []]
        return [{n: row[i] for i, n in enumerate(names) if row[i] is not None} for row in res]

    def ask(self, query: str) -> bool:
        return bool(self._query(query).askAnswer)

    def construct(self, query: str) -> list[Triple]:
        return list(self._query(query).graph)  # type: ignore[arg-type]

    def raw_query(self, query: str) -> object:
        """The answer as pyoxigraph results, for endpoint code written against pyoxigraph."""
        res = self._query(query)
        if res.type == "CONSTRUCT" or res.type == "DESCRIBE":
            raise QueryError("the rdflib baseline answers SELECT and ASK only")
        data = res.serialize(format="json")
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)

    def count(self, graph: URIRef | None = None) -> int:
        if graph is not None:
            return len(self.ds.graph(graph))
        return sum(1 for _ in self.ds.quads((None, None, None, None)))

    def dump(self, out: BinaryIO, fmt: str, graph: URIRef | None = None) -> None:
        target = self.ds.graph(graph) if graph is not None else self.ds
        out.write(target.serialize(format=_FORMATS[fmt]).encode("utf-8"))

    def load(self, inp: BinaryIO, fmt: str, graph: URIRef | None = None) -> None:
        if fmt not in _FORMATS:
            raise StoreError(f"unknown format {fmt!r}")
        data = inp.read()
        if graph is not None:
            self.ds.graph(graph).parse(io.BytesIO(data), format=_FORMATS[fmt])
        else:
            self.ds.parse(io.BytesIO(data), format=_FORMATS[fmt])

    def put_original(self, sha256: str, data: bytes) -> None:
        self._originals[sha256] = data

    def get_original(self, sha256: str) -> bytes | None:
        return self._originals.get(sha256)
