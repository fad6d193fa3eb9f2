"""A remote SPARQL 1.1 endpoint behind the Store interface (Virtuoso in the tests).

Everything goes through SPARQLWrapper: SPARQL 1.1 Query for reading, SPARQL 1.1 Update
(`update=` form posts) for writing, so any endpoint that speaks both works; Virtuoso's
peculiarities are handled here and nowhere else:

- its SPARQL parser gives up on an `INSERT DATA` of more than about 5,000 triples, so a
  graph is written as several `INSERT DATA` operations of `CHUNK` triples each, all in ONE
  update request (one request is one Virtuoso transaction);
- with no FROM clause a query sees every graph, Virtuoso's own system graphs included
  (`SYSTEM_GRAPHS`: its RDF-view metadata, OWL, LDP); `graphs()` and `count()` leave them
  out, and the service's queries never match them (they ask for its own vocabulary). A
  hand-written `SELECT * { ?s ?p ?o }` does see them. Virtuoso's `DEFINE
  input:default-graph-exclude` would hide them, but with it `GRAPH <iri> {…}` answers
  wrongly (7.2.5: one row instead of 7,002), so it is not used;
- under repeatable-read isolation readers and writers can deadlock (SQL state 40001):
  the transaction is rolled back and the request is retried;
- on a busy machine it may refuse or drop a connection before answering: a query is
  sent again (a few times, backing off), an update is not (it may have run) and is
  reported.

What "atomic replace" means here (tests/store/test_atomic.py checks it):
- `replace_graph` sends `DROP SILENT GRAPH g ; INSERT DATA {…} ; …` as one request, which
  the server runs as one transaction. A client that dies or times out mid-request cannot
  leave half a graph: the server finishes or rolls back the whole request.
- Readers see the old graph or the new one when the server isolates readers from a
  running transaction. Virtuoso does with `DefaultIsolation = 4` (repeatable read) in
  virtuoso.ini, as the test server runs; at Virtuoso's default (2, read committed) a query
  that runs during a large replace can see part of each (measured: 6 of 3,656 reads during
  replaces of a 40,000-triple graph).
- After writing, the graph's size is checked against what was sent; a mismatch (an
  operation the server refused after earlier ones had run) is repaired by sending the
  whole request again, and reported as a StoreError if it persists.

The sources' original bytes are kept in a local content-addressed folder
(`originals_dir`), since a SPARQL endpoint holds no files.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import time
import urllib.error
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier, Node
from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from kg.errors import QueryError, StoreError
from kg.store.base import (
    DATASET_FORMATS,
    GRAPH_FORMATS,
    Store,
    Triple,
    read_original,
    write_original,
)
from kg.store.oxigraph import rdf_format, to_ox, triple_to_ox, triple_to_rdflib

CHUNK = 2000            # triples per INSERT DATA (Virtuoso's parser fails near 5,000)
REQUEST = 20            # INSERT DATA operations per update request when bulk loading
PAGE = 10000            # rows per page when reading a graph (Virtuoso's default row cap)
RETRIES = 5
SYSTEM_GRAPHS = (       # graphs a fresh Virtuoso holds for itself
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
    "urn:activitystreams-owl:map",
    "urn:core:services:sparql",
)


def default_originals_dir(endpoint: str) -> Path:
    """Where originals of a remote store are kept when nobody says: one folder per endpoint."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "vnkg" / "originals" / hashlib.sha256(endpoint.encode()).hexdigest()[:16]


class RemoteStore(Store):
    """A SPARQL 1.1 Query + Update endpoint behind the Store interface."""

    def __init__(self, endpoint: str, *, update_url: str | None = None, user: str | None = None,
                 password: str | None = None, timeout: float = 60.0,
                 originals_dir: str | Path | None = None,
                 system_graphs: tuple[str, ...] = SYSTEM_GRAPHS) -> None:
        self.location = endpoint
        self.endpoint = endpoint
        self.update_url = update_url or endpoint
        self.user, self.password = user, password
        self.timeout = timeout
        self.system_graphs = system_graphs
        self.originals = Path(originals_dir) if originals_dir else default_originals_dir(endpoint)

    # -- the wire ----------------------------------------------------------------------

    def _wrapper(self, *, update: bool, fmt: str = JSON) -> SPARQLWrapper:
        sw = SPARQLWrapper(self.endpoint, updateEndpoint=self.update_url)
        sw.setMethod(POST)
        sw.setTimeout(int(max(1, round(self.timeout))))
        if self.user:
            # Virtuoso's protected endpoints (/sparql-auth) want Digest; Fuseki, GraphDB Basic.
            url = self.update_url if update else self.endpoint
            sw.setHTTPAuth(DIGEST if url.rstrip("/").endswith("-auth") else BASIC)
            sw.setCredentials(self.user, self.password or "")
        if not update:
            sw.setReturnFormat(fmt)
        return sw

    def _run(self, text: str, *, update: bool, fmt: str = JSON) -> Any:
        """Send a query or an update; translate every failure into a KGError naming the URL."""
        url = self.update_url if update else self.endpoint
        what = "update" if update else "query"
        for attempt in range(RETRIES):
            sw = self._wrapper(update=update, fmt=fmt)
            sw.setQuery(text)
            try:
                if update or fmt != JSON:
                    return sw.query().response.read()
                return sw.query().convert()
            except EndPointInternalError as e:
                msg = _message(e)
                if _deadlock(msg) and attempt < RETRIES - 1:
                    time.sleep(0.05 * 2 ** attempt)
                    continue
                raise StoreError(f"SPARQL endpoint {url} failed the {what}: {msg}") from e
            except QueryBadFormed as e:
                msg = _message(e)
                if _deadlock(msg) and attempt < RETRIES - 1:
                    time.sleep(0.05 * 2 ** attempt)
                    continue
                if update:
                    raise StoreError(f"SPARQL endpoint {url} refused the update: {msg}") from e
                raise QueryError(f"SPARQL endpoint {url} refused the query: {msg}") from e
            except Unauthorized as e:
                raise StoreError(f"SPARQL endpoint {url} refused the credentials (401); set "
                                 "KG_STORE_USER and KG_STORE_PASSWORD") from e
            except EndPointNotFound as e:
                raise StoreError(f"no SPARQL endpoint at {url} (404)") from e
            except URITooLong as e:
                raise StoreError(f"SPARQL endpoint {url}: request too long (414)") from e
            except SPARQLWrapperException as e:
                raise StoreError(f"SPARQL endpoint {url}: {_message(e)}") from e
            except urllib.error.HTTPError as e:
                if e.code == 403 and update:
                    raise StoreError(f"SPARQL endpoint {url} does not allow updates (403): "
                                     "grant SPARQL_UPDATE or set KG_STORE_UPDATE_URL") from e
                raise StoreError(f"SPARQL endpoint {url} answered HTTP {e.code}") from e
            except urllib.error.URLError as e:
                if isinstance(e.reason, TimeoutError):
                    raise StoreError(_slow(url, what, self.timeout)) from e
                # refused: down, or too busy to accept for a moment (Virtuoso was, once,
                # in the middle of a catalog build on a loaded machine)
                if isinstance(e.reason, ConnectionError) and not update \
                        and attempt < RETRIES - 1:
                    time.sleep(0.05 * 2 ** attempt)
                    continue
                raise StoreError(f"SPARQL endpoint {url} is unreachable: {e.reason}") from e
            except TimeoutError as e:
                raise StoreError(_slow(url, what, self.timeout)) from e
            except (http.client.HTTPException, ConnectionError) as e:
                # A query is safe to send again: a busy server may drop a connection
                # before answering (Virtuoso did, on a loaded machine). An update is not:
                # it may have run.
                if not update and attempt < RETRIES - 1:
                    time.sleep(0.05 * 2 ** attempt)
                    continue
                raise StoreError(f"SPARQL endpoint {url} dropped the connection: {e}") from e
            except json.JSONDecodeError as e:
                raise StoreError(f"SPARQL endpoint {url} sent an answer that is not "
                                 f"SPARQL JSON: {e}") from e
        raise AssertionError("unreachable")  # pragma: no cover

    def update(self, text: str) -> None:
        """Run a SPARQL Update on the endpoint."""
        self._run(text, update=True)

    # -- writing -----------------------------------------------------------------------

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        g = _iri(graph)
        lines = sorted({_nt(s, p, o) for s, p, o in triples})
        ops = [f"DROP SILENT GRAPH {g}"]
        ops += [_insert(g, lines[i:i + CHUNK]) for i in range(0, len(lines), CHUNK)]
        request = " ;\n".join(ops)
        for _attempt in range(2):
            self.update(request)
            if self.count(graph) == len(lines):
                return
        raise StoreError(f"SPARQL endpoint {self.update_url} kept {self.count(graph)} of "
                         f"{len(lines)} triples of <{graph}>")

    def remove_graph(self, graph: URIRef) -> None:
        self.update(f"DROP SILENT GRAPH {_iri(graph)}")

    def load(self, inp: BinaryIO, fmt: str, graph: URIRef | None = None) -> None:
        """Stream a dump in: parsed as it is read, sent in requests of REQUEST×CHUNK quads."""
        if fmt not in DATASET_FORMATS and graph is None:
            raise StoreError(f"loading {fmt} needs a target graph")
        to = ox.NamedNode(str(graph)) if graph else None
        batch: dict[str, list[str]] = {}
        size = 0
        try:
            for q in ox.parse(inp, format=rdf_format(fmt)):
                gname = to or q.graph_name
                if isinstance(gname, ox.DefaultGraph):
                    raise StoreError("the dump has triples outside any named graph; "
                                     "name a target graph with --graph")
                key = str(gname)
                batch.setdefault(key, []).append(f"{q.subject} {q.predicate} {q.object} .")
                size += 1
                if size >= CHUNK * REQUEST:
                    self._send(batch)
                    batch, size = {}, 0
        except SyntaxError as e:
            raise StoreError(f"the {fmt} input does not parse: {e}") from e
        if batch:
            self._send(batch)

    def _send(self, batch: dict[str, list[str]]) -> None:
        ops = [_insert(g, lines[i:i + CHUNK])
               for g, lines in batch.items() for i in range(0, len(lines), CHUNK)]
        self.update(" ;\n".join(ops))

    def put_original(self, sha256: str, data: bytes) -> None:
        write_original(self.originals, sha256, data)

    def get_original(self, sha256: str) -> bytes | None:
        return read_original(self.originals, sha256)

    # -- reading -----------------------------------------------------------------------

    def _read(self, query: str, fmt: str = JSON) -> Any:
        return self._run(query, update=False, fmt=fmt)

    def _bindings(self, query: str) -> tuple[list[str], list[dict[str, Any]]]:
        answer = self._read(query)
        if not isinstance(answer, dict) or "results" not in answer:
            raise QueryError("not a SELECT query")
        return answer["head"].get("vars", []), answer["results"]["bindings"]

    def select(self, query: str) -> list[dict[str, Node]]:
        _, rows = self._bindings(query)
        return [{k: _term(v) for k, v in row.items()} for row in rows]

    def ask(self, query: str) -> bool:
        answer = self._read(query)
        if not isinstance(answer, dict) or "boolean" not in answer:
            raise QueryError("not an ASK query")
        return bool(answer["boolean"])

    def construct(self, query: str) -> list[Triple]:
        sw = self._wrapper(update=False)
        sw.setQuery(query)
        if sw.queryType not in ("CONSTRUCT", "DESCRIBE"):
            raise QueryError("not a CONSTRUCT or DESCRIBE query")
        data = self._construct_bytes(query)
        try:
            parsed = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
        except SyntaxError as e:
            raise StoreError(f"SPARQL endpoint {self.endpoint} sent Turtle that does not "
                             f"parse: {e}") from e
        return [triple_to_rdflib(t) for t in parsed]

    def _construct_bytes(self, query: str) -> bytes:
        """A CONSTRUCT's answer as Turtle bytes."""
        data = self._read(query, fmt=TURTLE)
        return data if isinstance(data, bytes) else str(data).encode()

    def raw_query(self, query: str) -> object:
        """The answer as pyoxigraph results, for the SPARQL endpoint's serializers."""
        sw = self._wrapper(update=False)
        sw.setQuery(query)
        if sw.queryType in ("CONSTRUCT", "DESCRIBE"):
            mem = ox.Store()
            mem.load(self._construct_bytes(query), format=ox.RdfFormat.TURTLE)
            return mem.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        answer = self._read(query)
        return ox.parse_query_results(json.dumps(answer).encode(),
                                      format=ox.QueryResultsFormat.JSON)

    def graphs(self) -> list[str]:
        _, rows = self._bindings("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        names = {r["g"]["value"] for r in rows if r.get("g", {}).get("type") == "uri"}
        return sorted(names - set(self.system_graphs))

    def count(self, graph: URIRef | None = None) -> int:
        if graph is not None:
            q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}"
        else:
            skip = " && ".join(f'?g != <{g}>' for g in self.system_graphs)
            q = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                 f"FILTER({skip or 'true'}) }}")
        _, rows = self._bindings(q)
        return int(rows[0]["n"]["value"]) if rows else 0

    def iter_graph(self, graph: URIRef) -> Iterator[Triple]:
        """The triples of one graph, read in pages so that no answer is cut by a row cap."""
        expected = self.count(graph)
        seen = 0
        offset = 0
        while True:
            _, rows = self._bindings(
                f"SELECT ?s ?p ?o WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }} "
                f"ORDER BY ?s ?p ?o LIMIT {PAGE} OFFSET {offset}")
            for r in rows:
                yield _term(r["s"]), URIRef(r["p"]["value"]), _term(r["o"])
            seen += len(rows)
            offset += PAGE
            if len(rows) < PAGE:
                break
        if seen != expected:
            raise StoreError(f"SPARQL endpoint {self.endpoint} returned {seen} of {expected} "
                             f"triples of <{graph}>: raise its result row limit")

    def dump(self, out: BinaryIO, fmt: str, graph: URIRef | None = None) -> None:
        """Stream out graph by graph: memory holds one page of one graph at a time."""
        if fmt in GRAPH_FORMATS and graph is None:
            raise StoreError(f"{fmt} holds one graph: name it with --graph, or use nq or trig")
        target = rdf_format(fmt)
        if fmt in GRAPH_FORMATS:
            assert graph is not None
            triples = [triple_to_ox(t) for t in self.iter_graph(graph)]
            out.write(ox.serialize(triples, format=target) or b"")
            return
        names = [str(graph)] if graph else self.graphs()
        for name in names:
            g = ox.NamedNode(name)
            buf: list[ox.Quad] = []
            for triple in self.iter_graph(URIRef(name)):
                t = triple_to_ox(triple)
                buf.append(ox.Quad(t.subject, t.predicate, t.object, g))
                if len(buf) >= PAGE:
                    out.write(ox.serialize(buf, format=target) or b"")
                    buf = []
            if buf:
                out.write(ox.serialize(buf, format=target) or b"")

    def backup(self, target: str) -> None:
        """A remote server is backed up by its own tools; here: an N-Quads dump + originals."""
        dest = Path(target)
        if dest.exists() and any(dest.iterdir()):
            raise StoreError(f"backup target {target} exists and is not empty")
        dest.mkdir(parents=True, exist_ok=True)
        with (dest / "store.nq").open("wb") as out:
            self.dump(out, "nq")
        originals = dest / "originals"
        originals.mkdir()
        if self.originals.exists():
            for f in self.originals.iterdir():
                if not f.name.startswith("."):
                    (originals / f.name).write_bytes(f.read_bytes())


def _message(e: Exception) -> str:
    text = str(getattr(e, "msg", "") or e)
    text = text.replace("Response:\nb'", "").replace("\\n", " ")
    first = " ".join(text.split())
    return first[:400]


def _deadlock(msg: str) -> bool:
    return "40001" in msg or "deadlock" in msg.lower()


def _slow(url: str, what: str, timeout: float) -> str:
    return (f"SPARQL endpoint {url} did not answer the {what} within {timeout:g} s "
            "(nothing was written unless the server finishes the request on its own)")


def _iri(term: URIRef | str) -> str:
    text = str(term)
    if any(c in text for c in '<>"{}|\\^` \n'):
        raise StoreError(f"not a valid IRI: {text!r}")
    return f"<{text}>"


def _nt(s: Node, p: Node, o: Node) -> str:
    return f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ."


def _insert(g: str, lines: list[str]) -> str:
    return "INSERT DATA { GRAPH " + g + " {\n" + "\n".join(lines) + "\n} }"


def _term(b: dict[str, Any]) -> Identifier:
    kind, value = b["type"], b["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in b:
        return Literal(value, lang=b["xml:lang"])
    dt = b.get("datatype")
    if dt and dt != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value, datatype=URIRef(dt))
    return Literal(value)


__all__ = ["RemoteStore"]
