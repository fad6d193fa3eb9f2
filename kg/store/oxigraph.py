"""The embedded store: pyoxigraph (RocksDB) on disk, or in memory for tests.

Layout of a store folder: `oxigraph/` the database, `originals/` the sources' original
bytes named by their SHA-256, so that `kg reindex` never needs to fetch anything again,
`generation` the token of `Store.generation`.

Each source's statements live in its named graph; the default graph holds their merge,
a set, kept current in the same transaction as every write. pyoxigraph's "default graph
as union" answers one row per graph that states a triple, so a join over a document that
thirty sources mention multiplied rows thirty-fold per pattern; the merged default graph
answers as RDF's merge does, once, and is what every query reads.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier, Node

from kg.errors import QueryError, StoreError
from kg.store.base import (
    DATASET_FORMATS,
    GRAPH_FORMATS,
    Store,
    Triple,
    read_original,
    value,
    write_original,
)

#: Free disk a bulk load needs, as a multiple of its input's size (see `_check_room`).
LOAD_ROOM = 1.25
GB = 1e9
#: The file of a store folder holding its generation token (`Store.generation`).
GENERATION = "generation"

_FORMATS = {
    "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
}


def to_rdflib(term: object) -> Identifier:
    """A pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unexpected term {term!r}")


def to_ox(term: Node) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"unexpected term {term!r}")


def triple_to_rdflib(t: ox.Triple) -> Triple:
    """A pyoxigraph triple as rdflib terms."""
    return (to_rdflib(t.subject), URIRef(t.predicate.value), to_rdflib(t.object))


def triple_to_ox(t: Triple) -> ox.Triple:
    """An rdflib triple as a pyoxigraph triple; a literal subject raises TypeError."""
    s, p, o = t
    subject = to_ox(s)
    if isinstance(subject, ox.Literal):
        raise TypeError(f"a literal cannot be a subject: {s!r}")
    return ox.Triple(subject, ox.NamedNode(str(p)), to_ox(o))


def _ntriples(triples: list[ox.Triple]) -> str:
    """pyoxigraph triples as N-Triples text."""
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if data is None:   # pyoxigraph returns the bytes when it is given no output
        raise TypeError("pyoxigraph serialize returned nothing")
    return data.decode()


def rdf_format(fmt: str) -> ox.RdfFormat:
    if fmt not in _FORMATS:
        raise StoreError(f"unknown format {fmt!r}: use one of {', '.join(_FORMATS)}")
    return _FORMATS[fmt]


class OxigraphStore(Store):
    """pyoxigraph behind the Store interface."""

    def __init__(self, path: str | None, *, read_only: bool = False) -> None:
        self.location = path or "memory"
        self.path = Path(path) if path else None
        self._originals: dict[str, bytes] = {}
        self.read_only = read_only
        self._gen_lock = threading.Lock()
        self._writing = 0
        # whether the token may have been seen since the last bump (by this process or,
        # before it started, by another): the next write must bump it first
        self._observed = True
        try:
            if self.path is None:
                self.ox = ox.Store()
            elif read_only:
                self.ox = _open_read_only(self.path / "oxigraph")
            else:
                (self.path / "originals").mkdir(parents=True, exist_ok=True)
                self.ox = ox.Store(str(self.path / "oxigraph"))
        except (OSError, RuntimeError) as e:
            raise StoreError(_explain_open_error(self.location, e)) from e
        if not read_only and not self.raw_query("ASK { ?s ?p ?o }") and \
                self.raw_query("ASK { GRAPH ?g { ?s ?p ?o } }"):
            self.merge_default_graph()  # a store written before the default graph was merged

    # -- writing -----------------------------------------------------------------------

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        g = ox.NamedNode(str(graph))
        statements = [triple_to_ox(t) for t in triples]
        if next(self.ox.quads_for_pattern(None, None, None, g), None) is None:
            # A new source (the usual ingest): nothing to take out of the merge, so one
            # atomic `extend` writes the graph and its share of the merge together
            # without a SPARQL update to build and parse (~10% of the write time).
            self._write(lambda: self.ox.extend(
                [*(ox.Quad(t.subject, t.predicate, t.object, g) for t in statements),
                 *(ox.Quad(t.subject, t.predicate, t.object) for t in statements)]))
            return
        body = _ntriples(statements)
        # One update request is one transaction: the drop, the insert and the merged
        # default graph's upkeep land together.
        self.update(f"{_unmerge(g)} ; DROP SILENT GRAPH {g} ; "
                    f"INSERT DATA {{ GRAPH {g} {{\n{body}\n}} }} ; INSERT DATA {{\n{body}\n}}")

    def remove_graph(self, graph: URIRef) -> None:
        g = ox.NamedNode(str(graph))
        self.update(f"{_unmerge(g)} ; DROP SILENT GRAPH {g}")

    def merge_default_graph(self) -> None:
        """Rebuild the default graph as the merge of all named graphs (after a bulk load)."""
        with self._writes():
            self.ox.clear_graph(ox.DefaultGraph())
            self.ox.bulk_extend(ox.Quad(q.subject, q.predicate, q.object)
                                for q in self.ox.quads_for_pattern(None, None, None)
                                if not isinstance(q.graph_name, ox.DefaultGraph))

    def update(self, update: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update (the endpoint's, already checked) as one transaction."""
        self._write(lambda: self.ox.update(update, base_iri=base_iri))

    def _write(self, write: Callable[[], None]) -> None:
        with self._writes():
            try:
                write()
            except OSError as e:
                raise StoreError(f"cannot write to store {self.location}: {e}") from e

    @contextlib.contextmanager
    def _writes(self) -> Iterator[None]:
        """Around every write: the generation token changes first, and durably (a crash
        after the write must never leave the token an index recorded before it); writes
        that follow, unseen, leave it alone (one bump per ingest of many files)."""
        with self._gen_lock:
            if self._observed and self.path is not None:
                self._bump()
                self._observed = False
            self._writing += 1
        try:
            yield
        finally:
            with self._gen_lock:
                self._writing -= 1

    def _bump(self) -> None:
        target = self.path / GENERATION  # type: ignore[operator]
        tmp = target.with_name(GENERATION + ".tmp")
        try:
            with open(tmp, "w", encoding="ascii") as f:
                f.write(uuid.uuid4().hex)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
            fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as e:
            raise StoreError(f"cannot write to store {self.location}: {e}") from e

    def generation(self) -> str | None:
        """`Store.generation`: the token in the store folder; None in memory, read-only
        (another process may be writing) or while a write is under way."""
        if self.path is None or self.read_only:
            return None
        with self._gen_lock:
            if self._writing:
                return None
            self._observed = True
            try:
                return (self.path / GENERATION).read_text(encoding="ascii").strip() or None
            except OSError:
                return None

    def load(self, inp: BinaryIO, fmt: str, graph: URIRef | None = None) -> None:
        to_graph = ox.NamedNode(str(graph)) if graph else None
        if fmt not in DATASET_FORMATS and to_graph is None:
            raise StoreError(f"loading {fmt} needs a target graph")
        self._check_room(inp)
        try:
            with self._writes():
                was_empty = not self.raw_query(
                    "ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
                self.ox.bulk_load(inp, format=rdf_format(fmt), to_graph=to_graph)
                # A dump of ours carries the merge in its default graph: loaded into an
                # empty store it is complete as it is. Anything else gets the merge rebuilt.
                if to_graph is not None or not was_empty or \
                        not self.raw_query("ASK { ?s ?p ?o }"):
                    self.merge_default_graph()
        except SyntaxError as e:
            raise StoreError(f"the {fmt} input does not parse: {e}") from e
        except OSError as e:
            raise StoreError(f"cannot write to store {self.location}: {e}") from e

    def _check_room(self, inp: BinaryIO) -> None:
        """Refuse, before any work, a file whose bulk load would fill the disk.

        The bulk loader writes the indexes' files before the store takes them in: it
        peaked at about the input's size for a 64 MB dump, and ran out of disk after an
        hour at 1M documents (62 GB of N-Quads, 70 GB free), leaving nothing stored. A
        pipe's size is not known: it is not checked.
        """
        if self.path is None:
            return
        try:
            size = os.fstat(inp.fileno()).st_size
        except (AttributeError, OSError, ValueError):
            return
        if size <= 0:
            return
        free = shutil.disk_usage(self.path).free
        need = int(size * LOAD_ROOM)
        if free < need:
            raise StoreError(
                f"loading {size / GB:.1f} GB needs about {need / GB:.1f} GB free beside the "
                f"store (the bulk loader writes the indexes' files first); {free / GB:.1f} GB "
                f"are free in {self.path}")

    def put_original(self, sha256: str, data: bytes) -> None:
        if self.path is None:
            self._originals[sha256] = data
        else:
            write_original(self.path / "originals", sha256, data)

    def get_original(self, sha256: str) -> bytes | None:
        if self.path is None:
            return self._originals.get(sha256)
        return read_original(self.path / "originals", sha256)

    # -- reading -----------------------------------------------------------------------

    def raw_query(self, query: str) -> object:
        """The pyoxigraph answer itself, for the SPARQL endpoint's own serializers."""
        try:
            return self.ox.query(query)
        except SyntaxError as e:
            raise QueryError(str(e)) from e
        except OSError as e:
            raise StoreError(f"cannot read store {self.location}: {e}") from e

    def select(self, query: str) -> list[dict[str, Node]]:
        result = self.raw_query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("not a SELECT query")
        names = [v.value for v in result.variables]
        rows = []
        for sol in result:
            row: dict[str, Node] = {}
            for name in names:
                value = sol[name]
                if value is not None:
                    row[name] = to_rdflib(value)
            rows.append(row)
        return rows

    def iter_values(self, query: str) -> Iterator[dict[str, Any]]:
        """Rows streamed from the engine, converted straight from its terms (the same
        values `base.value` gives of rdflib's)."""
        result = self.raw_query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("not a SELECT query")
        names = [v.value for v in result.variables]
        return (_plain_row(sol, names) for sol in result)

    def ask(self, query: str) -> bool:
        return bool(self.raw_query(query))

    def construct(self, query: str) -> list[Triple]:
        result = self.raw_query(query)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError("not a CONSTRUCT or DESCRIBE query")
        return [triple_to_rdflib(t) for t in result]

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: URIRef | None = None) -> int:
        """Statements of the sources (the merged default graph is derived, not counted)."""
        if graph is None:
            merged = self.raw_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            return len(self.ox) - int(next(iter(merged))["n"].value)  # type: ignore[call-overload]
        return sum(1 for _ in self.ox.quads_for_pattern(None, None, None,
                                                        ox.NamedNode(str(graph))))

    def dump(self, out: BinaryIO, fmt: str, graph: URIRef | None = None) -> None:
        """The sources' graphs, and their merge as the default graph (so that loading the
        dump into an empty store needs no rebuilding)."""
        if fmt in GRAPH_FORMATS and graph is None:
            raise StoreError(f"{fmt} holds one graph: name it with --graph, or use nq or trig")
        from_graph = ox.NamedNode(str(graph)) if graph else None
        self.ox.dump(out, format=rdf_format(fmt), from_graph=from_graph)

    def backup(self, target: str) -> None:
        if self.path is None:
            raise StoreError("an in-memory store has no backup")
        dest = Path(target)
        if dest.exists() and any(dest.iterdir()):
            raise StoreError(f"backup target {target} exists and is not empty")
        dest.mkdir(parents=True, exist_ok=True)
        self.ox.flush()
        self.ox.backup(str(dest / "oxigraph"))
        originals = dest / "originals"
        originals.mkdir()
        for f in (self.path / "originals").iterdir():
            if not f.name.startswith("."):
                os.link(f, originals / f.name) if _same_device(f, originals) else \
                    (originals / f.name).write_bytes(f.read_bytes())

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            try:
                self.ox.flush()
            except OSError:
                pass
        del self.ox


def _open_read_only(path: Path, *, attempts: int = 5) -> ox.Store:
    """A read-only view of a store another process may be writing.

    RocksDB can delete a table file between reading its manifest and opening the file (a
    compaction in the writer); that is reported as corruption, and a fresh try succeeds.
    """
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def _unmerge(g: ox.NamedNode) -> str:
    """The update that takes out of the merged default graph what only graph `g` states."""
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {g}) }} }}")


def _same_device(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev


def _explain_open_error(location: str, e: Exception) -> str:
    text = str(e)
    if "lock" in text.lower():
        return f"store {location} is in use by another process (stop it, or query through it)"
    if "permission" in text.lower() or "read-only" in text.lower():
        return f"store {location} is not writable: {text}"
    return f"cannot open store {location}: {text}"


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger",
                                "positiveInteger")}
_FLOATS = {_XSD + "double", _XSD + "float"}
_TEXT = {_XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _plain_row(sol: ox.QuerySolution, names: list[str]) -> dict[str, Any]:
    """`base.value` of each term without building rdflib terms for the common ones
    (strings, IRIs, integers, doubles, canonical dates); the rest go through rdflib,
    which also normalizes their lexical forms (a dateTime's Z is written +00:00)."""
    row: dict[str, Any] = {}
    for name in names:
        t = sol[name]
        if t is None:
            continue
        if not isinstance(t, ox.Literal):
            row[name] = t.value
            continue
        d = t.datatype.value
        v = t.value
        if d in _TEXT or (d == _XSD + "date" and _DATE.fullmatch(v)):
            row[name] = v
        elif d in _INTEGERS and v.lstrip("+-").isdigit():
            row[name] = int(v)
        elif d in _FLOATS:
            try:
                row[name] = float(v)
            except ValueError:
                row[name] = value(to_rdflib(t))
        else:
            row[name] = value(to_rdflib(t))
    return row
