"""What every store offers: the interface above which nobody knows the backend.

Terms crossing this interface are rdflib terms; each backend converts at its edge.
"""
from __future__ import annotations

import abc
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from rdflib import Literal, URIRef
from rdflib.term import Identifier, Node

# A statement in rdflib terms. Subjects are IRIs or blank nodes and objects also literals;
# `Identifier` is their common base (and what a list of mixed triples is inferred as).
Triple = tuple[Identifier, URIRef, Identifier]

# Formats of whole-store dumps and of one graph, by the names the CLI uses.
DATASET_FORMATS = {"nq": "application/n-quads", "trig": "application/trig"}
GRAPH_FORMATS = {"ttl": "text/turtle", "nt": "application/n-triples",
                 "jsonld": "application/ld+json"}


def value(term: Node | None) -> Any:
    """A term as a JSON value: IRIs and strings as str, numbers as numbers."""
    if term is None:
        return None
    if isinstance(term, Literal):
        v = term.toPython()
        return v if isinstance(v, int | float | bool | str) else str(term)
    return str(term)


@dataclass
class SourceInfo:
    """A stored source as the store lists it."""

    graph: str
    locator: str
    sha256: str
    label: str
    ingested: str | None
    version: str | None
    triples: int | None = None


class Projection(Protocol):
    """What `Store.projection` offers (see kg.analytics.queries for the row shapes)."""

    def closure(self, starts: list[str], rels: Sequence[str], direction: str, *,
                with_records: bool = False, limit: int | None = None
                ) -> tuple[Any, ...] | None: ...

    def facts(self, kind: str, nodes: list[str], columns: Sequence[str] = ()
              ) -> list[tuple[str, str, Any]] | None: ...

    def records(self, nodes: list[str]) -> dict[str, dict[str, Any]] | None: ...

    def children(self, bodies: list[str]) -> list[tuple[str, str]] | None: ...

    def link_count(self, nodes: list[str]) -> int | None: ...

    def link_stamps(self, node: str) -> list[dict[str, Any]] | None: ...

    def relation_edges(self, rels: Sequence[str]) -> list[tuple[str, str, str]] | None: ...

    def steps(self, rels: Sequence[str]) -> list[tuple[str, str, str, str]] | None: ...

    def kept(self, key: Any, compute: Callable[[], Any], *,
             size: Callable[[Any], int] | None = None) -> Any: ...

    def forget_kept(self) -> None: ...


def write_original(folder: Path, sha256: str, data: bytes) -> None:
    """Keep `data` as folder/sha256, once: written then renamed, so that a crash never
    leaves a truncated original (the file-backed stores' `put_original`)."""
    target = folder / sha256
    if target.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)


def read_original(folder: Path, sha256: str) -> bytes | None:
    """The bytes `write_original` kept as folder/sha256, or None."""
    target = folder / sha256
    return target.read_bytes() if target.exists() else None


class Store(abc.ABC):
    """A quad store holding one named graph per source."""

    location: str
    #: A derived index kept current by its owner (kg.catalog.Catalog), which answers the
    #: analytics' bulk lookups from a compact table instead of thousands of store lookups.
    #: Its methods answer None whenever it is not current: the store is asked then.
    projection: Projection | None = None

    @abc.abstractmethod
    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        """Atomically make `graph` hold exactly `triples`: readers see old or new, never half."""

    @abc.abstractmethod
    def remove_graph(self, graph: URIRef) -> None:
        """Remove exactly the statements of `graph`."""

    @abc.abstractmethod
    def graphs(self) -> list[str]:
        """IRIs of the named graphs."""

    @abc.abstractmethod
    def select(self, query: str) -> list[dict[str, Node]]:
        """Run a SELECT with the union of named graphs as default graph; rows as dicts."""

    def iter_values(self, query: str) -> Iterator[dict[str, Any]]:
        """A SELECT's rows as plain values (`value`), unbound variables left out: what
        most readers want, without rdflib terms in between where a backend can spare
        them (a large trace reads tens of thousands of rows)."""
        return iter([{k: value(v) for k, v in row.items()} for row in self.select(query)])

    @abc.abstractmethod
    def ask(self, query: str) -> bool:
        """Run an ASK over the union of named graphs."""

    @abc.abstractmethod
    def construct(self, query: str) -> list[Triple]:
        """Run a CONSTRUCT or DESCRIBE over the union of named graphs."""

    @abc.abstractmethod
    def count(self, graph: URIRef | None = None) -> int:
        """Number of quads in the store, or in one graph."""

    @abc.abstractmethod
    def dump(self, out: BinaryIO, fmt: str, graph: URIRef | None = None) -> None:
        """Stream the store (nq, trig) or one graph (ttl, nt, jsonld) to `out`."""

    @abc.abstractmethod
    def load(self, inp: BinaryIO, fmt: str, graph: URIRef | None = None) -> None:
        """Stream a dump into the store; a dataset format keeps its graphs."""

    @abc.abstractmethod
    def put_original(self, sha256: str, data: bytes) -> None:
        """Keep a source's original bytes, content-addressed, for `kg reindex`."""

    @abc.abstractmethod
    def get_original(self, sha256: str) -> bytes | None:
        """A source's original bytes, or None when not kept."""

    def backup(self, target: str) -> None:
        """Copy the store to `target` while it keeps serving."""
        raise NotImplementedError(f"{type(self).__name__} has no backup")

    def generation(self) -> str | None:
        """A token that changes (durably) before any write to the store lands, so that
        an index built beside it can tell, even after a restart, that the store is as it
        was (kg.catalog). None when the store cannot vouch for one: then it is compared by
        its contents."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files and connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def iter_graph(self, graph: URIRef) -> Iterator[Triple]:
        """The triples of one graph."""
        rows = self.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        for row in rows:
            yield row["s"], row["p"], row["o"]  # type: ignore[misc]
