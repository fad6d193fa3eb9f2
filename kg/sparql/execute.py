"""Run one checked query on a pyoxigraph store and serialize its answer, capped in rows.

This module runs inside the query workers: it imports pyoxigraph and the standard library
only, so that a worker starts fast. All serialization is pyoxigraph's own (Rust); rows
are counted on the TSV form by counting line ends (TSV escapes newlines inside terms), so
no Python work is done per row, and evaluation stops as soon as the cap is passed.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

RESULTS = {
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
}
GRAPHS = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
}


@dataclass
class Job:
    """A query checked by the guard, with everything the engine needs to answer it."""

    query: str
    form: str                               # SELECT, ASK, CONSTRUCT, DESCRIBE
    fmt: str                                # a name of kg.sparql.formats.FORMATS
    base_iri: str | None = None
    default_graphs: list[str] | None = None  # protocol default-graph-uri
    named_graphs: list[str] | None = None    # protocol named-graph-uri
    max_rows: int = 10_000
    snapshot: str | None = None             # store folder a worker must read (workers only)
    low_priority: bool = False              # start at the lowest CPU priority (workers only)
    yields: bool = False                    # run only while nothing else is served (workers)
    ran_long: bool = False                  # set by the runner: it ran past LONG_RUN
    timed_out: bool = False                 # set by the runner: it was stopped at the limit


class RowLimit(Exception):
    """The answer has more rows than the cap."""


class EngineError(Exception):
    """The engine refused the query; `kind` names the KGError the caller raises."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class _CappedBuffer(io.BytesIO):
    """A write target for pyoxigraph's serializers that stops past `limit` lines."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.lines = 0
        self.limit = limit

    def write(self, data: ReadableBuffer, /) -> int:
        chunk = bytes(data)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            raise RowLimit
        return super().write(chunk)

    def value(self) -> bytes:
        return self.getvalue()


def serialized(data: bytes | None) -> bytes:
    """The bytes a pyoxigraph `serialize` with no output returned.

    pyoxigraph returns bytes when given no output and None when it wrote to one; its
    stubs say `bytes | None` for both, so the no-output calls narrow here.
    """
    if data is None:
        raise TypeError("pyoxigraph serialize was given an output and returned nothing")
    return data


def _options(job: Job) -> dict:
    opts: dict = {"base_iri": job.base_iri}
    if job.default_graphs is not None or job.named_graphs is not None:
        # SPARQL 1.1 Protocol §2.1.4: a protocol dataset replaces the query's own, and a
        # dataset given only in part has the other part empty.
        opts["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or []]
        opts["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or []]
    # Otherwise the store's own default graph: the merge of every source's named graph,
    # kept by kg.store.oxigraph (pyoxigraph's union flag would repeat shared triples).
    return opts


def execute(store: ox.Store, job: Job) -> bytes:
    """The serialized answer of `job` on `store`; EngineError for what the engine refuses."""
    try:
        result = store.query(job.query, **_options(job))
        return serialize_result(result, job)
    except SyntaxError as e:
        raise EngineError("QueryError", str(e)) from e
    except ValueError as e:
        raise EngineError("QueryError", str(e)) from e
    except OSError as e:
        raise EngineError("StoreError", f"the query failed while reading the store: {e}") from e


def serialize_result(result: object, job: Job) -> bytes:
    """A pyoxigraph answer (or parsed remote answer) in `job.fmt`; RowLimit past the cap."""
    try:
        if isinstance(result, ox.QueryBoolean):
            return _boolean(result, job.fmt)
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, job)
        if isinstance(result, ox.QueryTriples):
            return _triples(result, job)
        raise TypeError(f"not a query answer: {type(result).__name__}")
    except RowLimit as e:
        raise EngineError("LimitExceeded", f"the answer has more than {job.max_rows:,} "
                          "rows (KG_MAX_ROWS); add a LIMIT or narrow the query") from e


def _boolean(result: ox.QueryBoolean, fmt: str) -> bytes:
    if fmt not in RESULTS:
        raise EngineError("NotAcceptable", f"an ASK answer cannot be given as {fmt}")
    return serialized(result.serialize(format=RESULTS[fmt]))


def _solutions(result: ox.QuerySolutions, job: Job) -> bytes:
    if job.fmt not in RESULTS:
        raise EngineError("NotAcceptable", f"SELECT results cannot be given as {job.fmt}")
    buf = _CappedBuffer(job.max_rows + 1)  # + the header line
    result.serialize(buf, format=ox.QueryResultsFormat.TSV)
    tsv = buf.value()
    if job.fmt == "tsv":
        return tsv
    return serialized(ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(
        format=RESULTS[job.fmt]))


def _triples(result: ox.QueryTriples, job: Job) -> bytes:
    if job.fmt not in GRAPHS:
        raise EngineError("NotAcceptable", f"a graph cannot be given as {job.fmt}")
    buf = _CappedBuffer(job.max_rows)
    ox.serialize(result, buf, format=ox.RdfFormat.N_TRIPLES)
    nt = buf.value()
    if job.fmt == "ntriples":
        return nt
    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    return serialized(ox.serialize(triples, format=GRAPHS[job.fmt]))
