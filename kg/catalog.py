"""The catalog: a persistent SQLite index of documents, bodies, sources and their links.

It replaces an in-memory index of the whole graph (minutes to build and gigabytes at 100k
documents) with tables read by indexed lookups, kept current incrementally:

* ``entries`` (one row per document, set, body and source: label, number, type, date,
  level, in-degree ``cited``, the spelling-free ``key`` of its number), ``fts`` (an FTS5
  table over the folded token bags the ranking of ``kg.search`` uses), ``issuers``,
  ``parents`` (body hierarchy), ``edges`` (the kg:Link nodes, with the graph stating each);
* ``graphs`` (each source graph with its stamp, prov:endedAtTime) and ``mem`` (which
  documents, sets and bodies each graph describes), so that an update re-derives only what
  the added, changed or removed graphs touch;
* ``nodes`` interns IRIs to integers, keeping the big tables small;
* ``facts``: the very rows the analytics' fact queries return for each document and body
  (``kg.analytics.queries.facts_from_store``), and ``combos``/``issued``, counts for the
  home page and facets;
* ``records``: each document's record as the analytics build it from those facts and its
  issuers' (``kg.analytics.common.records``), kept as JSON: a trace of thousands of
  documents reads one row each instead of building them from ~7 facts each every time.

It is also the analytics' projection (``kg.store.base.Projection``): while ``current()``
(built, no update running, the store unchanged since the sync) it answers their closures,
facts and document records from these tables; otherwise they ask the store.

Freshness: a cheap fingerprint (the files of an on-disk store, else a SPARQL count and
latest stamp) is checked at most every ``check_every`` seconds; when it moved, a worker
thread diffs the store's source graphs and stamps against ``graphs`` and updates what they
touch, or builds everything when the catalog is empty (streamed in batches: little memory).
After a restart, the store's generation token (``Store.generation``) equal to the one kept
at the last sync spares that diff: the catalog is current at once. (A store written by
other tools than kg's, pyoxigraph itself, changes no token: run ``kg catalog`` after.)
Requests never wait long for it: a page waits at most ``wait`` seconds once per job, and
while the first build runs, lookups of single nodes fall back to SPARQL and search says
it is not ready.

The file is ``<store folder>/catalog.sqlite`` for an on-disk embedded store, otherwise a
temporary file removed on close. WAL mode: readers (one connection per thread, any
process) never block on the one writer; a lock file keeps writers of several processes
apart. This module is core: it never imports the web layer.
"""
from __future__ import annotations

import contextlib
import copy
import logging
import os
import pickle
import shutil
import sqlite3
import tempfile
import threading
import time
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from kg.extract.tables import DOC_TYPES, LEVELS, level_rank
from kg.normalize import fold
from kg.ns import DOCTYPE, KG, LEVEL, sparql_prefixes
from kg.rdf import LINKED_RELATIONS
from kg.search import (
    FACETS,
    STOP,
    Edge,
    Entry,
    Results,
    _match,
    _neg_date,
    id_key,
    id_tokens,
    tokens,
)
from kg.store.base import Store

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

P = sparql_prefixes()
KG_NS = str(KG._NS)
SCHEMA_VERSION = "9"
#: Schema changes made in place (from version → to version, statements), so that a new
#: version does not cost a catalog of a large store its rebuild.
UPGRADES: dict[str, tuple[str, tuple[str, ...]]] = {
    # walks read the relation and the far end from covering indexes
    "7": ("8", ("DROP INDEX IF EXISTS edges_a", "DROP INDEX IF EXISTS edges_b",
                "CREATE INDEX IF NOT EXISTS edges_out ON edges(a, rel, b)",
                "CREATE INDEX IF NOT EXISTS edges_in ON edges(b, rel, a)")),
    # facets of many matches read a narrow index, not the entries' wide rows
    "8": ("9", ("CREATE INDEX IF NOT EXISTS entries_cols "
                "ON entries(id, kind, type, level, year)",)),
}
#: Nodes per VALUES block of a derivation query; rows per SQLite write batch.
BATCH = 400
ROWS = 5000
#: Matches scored and faceted exactly in Python; more are ranked by SQL (exact number
#: first, then in-degree and date) and faceted by SQL.
SCORE_CAP = 5000
#: An update touching more than this share of the graphs (and more than REBUILD_MIN)
#: rebuilds everything.
REBUILD_SHARE = 0.5
REBUILD_MIN = 50
#: A page of matches is found by walking the rank index (probing the matches) when that
#: walk is expected to read at most this many entries (the page's end × entries ÷
#: matches); otherwise the matches are sorted.
WALK_ROWS = 20000
#: Over this many matches, facets (and a filtered total) are counted on a sample of about
#: FACET_SAMPLE of them, picked by a hash of their ids, and scaled (marked approximate):
#: counting 140,000 matches exactly took a second at 100k documents.
FACET_EXACT = 20000
FACET_SAMPLE = 10000
_HASH_MUL, _HASH_SPAN = 2654435761, 1 << 20
#: Search answers kept per catalog version (repeated and paged searches).
CACHE = 64
#: Bytes of analytics answers kept while the store does not change (`Catalog.kept`:
#: pickled, or in memory for an answer shared as built), and the computing time from
#: which an answer is worth keeping (pickling it costs ~15 % more).
KEPT_BYTES = 128 * 1024 * 1024
KEPT_MIN_SECONDS = 0.02

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE IF NOT EXISTS nodes(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS graphs(id INTEGER PRIMARY KEY, stamp TEXT);
CREATE INDEX IF NOT EXISTS graphs_stamp ON graphs(stamp);
CREATE TABLE IF NOT EXISTS entries(
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL, title TEXT, ident TEXT,
  type TEXT, date TEXT, year INTEGER, count INTEGER, level TEXT,
  cited INTEGER NOT NULL DEFAULT 0, key TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS entries_key ON entries(key) WHERE key != '';
CREATE INDEX IF NOT EXISTS entries_facets ON entries(kind, type, level, year);
CREATE INDEX IF NOT EXISTS entries_rank ON entries(cited DESC, date DESC);
-- covering, for facet counts: a match's facet columns without reading its wide row
CREATE INDEX IF NOT EXISTS entries_cols ON entries(id, kind, type, level, year);
CREATE TABLE IF NOT EXISTS issuers(doc INTEGER NOT NULL, body INTEGER NOT NULL,
  PRIMARY KEY(doc, body)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS issuers_body ON issuers(body, doc);
CREATE TABLE IF NOT EXISTS parents(child INTEGER NOT NULL, parent INTEGER NOT NULL,
  PRIMARY KEY(child, parent)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS parents_parent ON parents(parent, child);
CREATE TABLE IF NOT EXISTS edges(link TEXT PRIMARY KEY, g INTEGER, a INTEGER NOT NULL,
  rel TEXT NOT NULL, b INTEGER NOT NULL, src TEXT, start INTEGER, "end" INTEGER);
CREATE INDEX IF NOT EXISTS edges_out ON edges(a, rel, b);  -- covering, for walks
CREATE INDEX IF NOT EXISTS edges_in ON edges(b, rel, a);
CREATE INDEX IF NOT EXISTS edges_g ON edges(g);
CREATE TABLE IF NOT EXISTS mem(g INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY(g, n)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS combos(kind TEXT, type TEXT, level TEXT, year INTEGER, n INTEGER);
CREATE TABLE IF NOT EXISTS issued(body INTEGER PRIMARY KEY, n INTEGER);
CREATE TABLE IF NOT EXISTS facts(n INTEGER NOT NULL, kind TEXT NOT NULL, k TEXT NOT NULL, v);
CREATE INDEX IF NOT EXISTS facts_n ON facts(n, kind, k, v);  -- covering: no row lookups
CREATE INDEX IF NOT EXISTS facts_issuer ON facts(v) WHERE kind = 'doc' AND k = 'issuer';
CREATE TABLE IF NOT EXISTS records(id INTEGER PRIMARY KEY, rec TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(idt, words, iwords, text UNINDEXED,
  tokenize='ascii');
"""
TABLES = ("nodes", "graphs", "entries", "issuers", "parents", "edges", "mem", "fts",
          "combos", "issued", "facts", "records")

# -- what the store says, per node -------------------------------------------------------

Q_STAMPS = """SELECT ?g (MAX(STR(?t)) AS ?stamp) WHERE { GRAPH ?g { ?g a kg:Source .
  OPTIONAL { ?g prov:wasGeneratedBy ?a . ?a prov:endedAtTime ?t } } } GROUP BY ?g"""
Q_SIGNATURE = """SELECT (COUNT(DISTINCT ?g) AS ?n) (MAX(STR(?t)) AS ?last) WHERE {
  GRAPH ?g { ?g a kg:Source ; prov:wasGeneratedBy ?a . OPTIONAL { ?a prov:endedAtTime ?t } } }"""
Q_BODIES = """SELECT ?b (SAMPLE(?l) AS ?label)
  (GROUP_CONCAT(DISTINCT STR(?lv); separator=" ") AS ?levels) WHERE { {values}
  ?b a kg:Body . OPTIONAL { ?b skos:prefLabel ?l } OPTIONAL { ?b kg:level ?lv } } GROUP BY ?b"""
Q_DOCS = """SELECT ?d ?set (SAMPLE(?i) AS ?id) (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?title)
  (SAMPLE(?ty) AS ?type) (MIN(STR(?dt)) AS ?date) (SAMPLE(?y) AS ?year) (SAMPLE(?c) AS ?count)
  WHERE { {values}
  { ?d a kg:Document BIND(false AS ?set) } UNION { ?d a kg:DocumentSet BIND(true AS ?set) }
  OPTIONAL { ?d eli:id_local ?i } OPTIONAL { ?d rdfs:label ?l }
  OPTIONAL { ?d eli:title ?t } OPTIONAL { ?d kg:documentType ?ty }
  OPTIONAL { ?d eli:date_document ?dt } OPTIONAL { ?d kg:year ?y }
  OPTIONAL { ?d kg:count ?c } } GROUP BY ?d ?set"""
Q_PASSED = """SELECT DISTINCT ?d ?b WHERE { {values} ?d eli:passed_by ?b . ?b a kg:Body .
  { ?d a kg:Document } UNION { ?d a kg:DocumentSet } }"""
Q_PARENTS = "SELECT DISTINCT ?c ?p WHERE { {values} ?c org:subOrganizationOf ?p }"
# A source's own statements are in its graph only: the merged default graph says the same.
Q_SOURCES = """SELECT ?g (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?title) (MIN(STR(?i)) AS ?date)
  WHERE { {values} ?g a kg:Source . OPTIONAL { ?g rdfs:label ?l }
  OPTIONAL { ?g dcterms:title ?t } OPTIONAL { ?g dcterms:issued ?i } } GROUP BY ?g"""
Q_LINK = """SELECT ?l ?a ?rel ?b ?src ?start ?end WHERE { {values}
  ?l kg:linkFrom ?a ; kg:relation ?rel ; kg:linkTo ?b .
  OPTIONAL { ?l kg:inSource ?src } OPTIONAL { ?l kg:startOffset ?start }
  OPTIONAL { ?l kg:endOffset ?end } }"""


def _values(var: str, iris: Iterable[str] | None) -> str:
    if iris is None:
        return ""
    return f"VALUES ?{var} {{ " + " ".join(f"<{i}>" for i in iris) + " }"


def _batches(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for x in items:
        batch.append(x)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def _local(iri: str | None, ns: str) -> str | None:
    if iri and iri.startswith(ns):
        return iri[len(ns):]
    return iri


def _year(date: str | None, year: Any = None) -> int | None:
    y = year or (int(date[:4]) if date and date[:4].isdigit() else None)
    return int(y) if y else None


def _body_level(row: dict[str, Any]) -> str | None:
    """A body's level from its `Q_BODIES` row: of several, stated by different sources,
    the most central (as `kg.analytics.queries.merge_facts` reads them)."""
    levels = [lv for t in (row.get("levels") or "").split()
              if (lv := _local(t, str(LEVEL))) in LEVELS]
    return min(levels, key=level_rank, default=None)


def bags(label: str, title: str | None, ident: str | None, type_: str | None,
         issuer_labels: Iterable[str]) -> tuple[str, str, str, str, str]:
    """key, number tokens, words, issuer words and phrase text of an entry (see kg.search)."""
    key, idt = "", set()
    if ident:
        key = id_key(ident)
        idt = id_tokens(ident)
        if type_ in DOC_TYPES:
            idt.update(fold(c) for c in DOC_TYPES[type_].codes)
    words = tokens(label) + tokens(title)
    if type_ in DOC_TYPES:
        words += tokens(DOC_TYPES[type_].vi) + tokens(DOC_TYPES[type_].en)
    iwords = {w for lb in issuer_labels for w in tokens(lb)}
    text = " ".join(tokens(label) + ["|"] + tokens(title))
    return (key, " ".join(sorted(idt)), " ".join(sorted(set(words))),
            " ".join(sorted(iwords)), text)


@dataclass
class _Job:
    thread: threading.Thread
    done: threading.Event
    waited: bool = False


class Catalog:
    """The catalog of one store. Lookups never block on a build for long."""

    def __init__(self, store: Store, path: str | Path | None = None, *,
                 check_every: float = 2.0, wait: float = 5.0) -> None:
        self.store = store
        self.check_every = check_every
        self.wait = wait
        self._tmpdir: str | None = None
        self.path = Path(path) if path else self._default_path()
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._wdb: sqlite3.Connection | None = None
        self._lock = threading.RLock()   # one writer in this process (update may build)
        self._job: _Job | None = None
        self._checked = -1e18
        self._synced: Any = None                 # fingerprint the catalog was synced at
        self.error: str | None = None
        self.version = 0                         # bumped by every write in this process
        self._cache: OrderedDict[tuple[Any, ...], Results] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._linked: dict[tuple[Any, int], tuple[list[str], bool]] = {}
        self.kept_bytes = KEPT_BYTES
        self.kept_min_seconds = KEPT_MIN_SECONDS
        self._kept: OrderedDict[tuple[Any, Any], tuple[Any, int, bool]] = OrderedDict()
        self._refresh_lock = threading.Lock()
        self._live: dict[str, Entry | None] = {}
        with self._writer() as db:
            self._ensure_schema(db)

    # -- files and connections ---------------------------------------------------------

    def _default_path(self) -> Path:
        folder = getattr(self.store, "path", None)
        if folder is not None and not getattr(self.store, "read_only", False) \
                and os.access(folder, os.W_OK):
            return Path(folder) / "catalog.sqlite"
        if folder is not None and (Path(folder) / "catalog.sqlite").exists() \
                and os.access(Path(folder) / "catalog.sqlite", os.W_OK):
            return Path(folder) / "catalog.sqlite"
        self._tmpdir = tempfile.mkdtemp(prefix="kg-catalog-")
        return Path(self._tmpdir) / "catalog.sqlite"

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None,
                             check_same_thread=False)
        _wal(db)
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA cache_size=-32000")
        db.execute("PRAGMA temp_store=FILE")
        db.execute("PRAGMA journal_size_limit=67108864")
        self._conns.append(db)
        return db

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's reading connection."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    @contextlib.contextmanager
    def _writer(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = self._wdb
            if db is None:
                db = self._wdb = self._connect()
            yield db

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[bool]:
        """The cross-process writer lock; yields False when another process holds it."""
        if fcntl is None:
            yield True
            return
        with open(str(self.path) + ".lock", "a+") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def _ensure_schema(self, db: sqlite3.Connection) -> None:
        """Create the tables, or recreate them for another schema version: in one write
        transaction, so that two catalogs opening the file at once (two processes, or two
        threads of a server's first requests) never see each other's half."""
        if self._schema_is_current(db):
            return                      # the usual case, without taking the write lock
        with _transaction(db):
            have = db.execute("SELECT name FROM sqlite_master WHERE name='meta'").fetchone()
            if have:
                if self._schema_is_current(db) or self._upgrade(db):
                    return              # another catalog created it meanwhile, or upgraded
                for t in (*TABLES, "meta"):
                    db.execute(f"DROP TABLE IF EXISTS {t}")
            statement = ""
            for line in SCHEMA.splitlines(keepends=True):   # executescript would COMMIT
                statement += line
                if sqlite3.complete_statement(statement):
                    db.execute(statement)
                    statement = ""
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))

    @staticmethod
    def _upgrade(db: sqlite3.Connection) -> bool:
        """Bring an older schema to this version in place (`UPGRADES`), if a path exists."""
        row = db.execute("SELECT v FROM meta WHERE k='schema'").fetchone()
        version = row[0] if row else None
        steps: list[str] = []
        while version != SCHEMA_VERSION:
            if version not in UPGRADES:
                return False
            version, statements = UPGRADES[version]
            steps += statements
        for statement in steps:
            db.execute(statement)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        return True

    @staticmethod
    def _schema_is_current(db: sqlite3.Connection) -> bool:
        if not db.execute("SELECT name FROM sqlite_master WHERE name='meta'").fetchone():
            return False
        v = db.execute("SELECT v FROM meta WHERE k='schema'").fetchone()
        return bool(v) and v[0] == SCHEMA_VERSION

    def close(self) -> None:
        job = self._job
        if job is not None:
            job.done.wait(60)
        for db in self._conns:
            with contextlib.suppress(sqlite3.Error):
                db.close()
        self._conns.clear()
        self._local = threading.local()
        self._wdb = None
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __del__(self) -> None:
        if getattr(self, "_tmpdir", None):
            shutil.rmtree(self._tmpdir, ignore_errors=True)  # type: ignore[arg-type]

    # -- state ---------------------------------------------------------------------------

    def _meta(self, key: str, db: sqlite3.Connection | None = None) -> str | None:
        row = (db or self.db).execute("SELECT v FROM meta WHERE k=?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def ready(self) -> bool:
        """Whether a complete build is in the file (it may be a little behind the store)."""
        return self._meta("built") == "1"

    @property
    def busy(self) -> bool:
        return self._job is not None and not self._job.done.is_set()

    def _fingerprint(self) -> Any:
        """Cheap sign of change: the database files of an on-disk store, else SPARQL.

        The names of its files, and the size and time of those that change in place (the
        write-ahead log, the manifest): RocksDB never rewrites a table file (.sst), so its
        name is enough. Asked on every read of the projection: stat-ing the ~150 table
        files of a 100k store took 1.7 ms each time (a coverage asked it 2,000 times).
        """
        folder = getattr(self.store, "path", None)
        if folder is not None and (Path(folder) / "oxigraph").is_dir():
            out = []
            for e in os.scandir(Path(folder) / "oxigraph"):
                if e.name.startswith("LOG"):
                    continue
                if e.name.endswith(".sst"):
                    out.append((e.name, 0, 0))
                else:
                    st = e.stat()
                    out.append((e.name, st.st_size, st.st_mtime_ns))
            return tuple(sorted(out))
        row = next(self._rows(Q_SIGNATURE), {})
        return (row.get("n"), row.get("last"))

    def _cheap_fingerprint(self) -> bool:
        """Whether `_fingerprint` is cheap enough to ask on a request: the files of an
        on-disk store, or SPARQL on an embedded one; a remote store is asked by the worker."""
        return getattr(self.store, "ox", None) is not None

    def refresh(self, wait: float | None = None) -> Catalog:
        """Start an update when the store may have changed (at most every `check_every`
        seconds); wait for a running build or update up to `wait` seconds, once per job."""
        with self._refresh_lock:
            now = time.monotonic()
            if (self._job is None or self._job.done.is_set()) and (
                    self._job is None or now - self._checked >= self.check_every):
                self._checked = now
                if not self._cheap_fingerprint():
                    self._start(None, waited=self.ready)      # the worker looks
                else:
                    fp = self._fingerprint()
                    if self._synced is None and self.ready and self._vouched():
                        self._synced = fp     # unwritten since this file's last sync
                    elif fp != self._synced or not self.ready:
                        # The first look at a catalog left by an earlier run only checks
                        # for changes made meanwhile: nobody waits for it.
                        self._start(fp, waited=self._synced is None and self.ready)
            job = self._job
        if job is not None and not job.done.is_set() and not job.waited:
            job.waited = True
            job.done.wait(self.wait if wait is None else wait)
        return self

    def _start(self, fp: Any, *, waited: bool) -> None:
        done = threading.Event()
        t = threading.Thread(target=self._run, args=(fp, done), name="kg-catalog",
                             daemon=True)
        self._job = _Job(t, done, waited=waited)
        t.start()

    def _run(self, fp: Any, done: threading.Event) -> None:
        try:
            if fp is None:
                fp = self._fingerprint()
                if fp == self._synced and self.ready:
                    return
            with self._file_lock() as mine:
                if not mine:
                    return                           # another process is writing it
                if self.ready:
                    self.update()
                else:
                    self.build()
                self._synced = fp
                self.error = None
        except Exception as e:  # noqa: BLE001 - kept for the pages, logged
            log.exception("catalog update failed")
            self.error = f"{type(e).__name__}: {e}"
        finally:
            done.set()

    def catch_up(self, *, rebuild: bool = False) -> dict[str, int] | None:
        """Build (or with `rebuild`, rebuild) or update the catalog now, in this thread;
        None when another process is writing it."""
        with self._file_lock() as mine:
            if not mine:
                return None
            if rebuild or not self.ready:
                self.build()
                return {"rebuilt": 1}
            return self.update()

    def sync(self) -> Catalog:
        """Bring the catalog up to date now, in this thread (tests, the CLI)."""
        job = self._job
        if job is not None:
            job.done.wait()
        fp = self._fingerprint()
        if self.ready:
            self.update()
        else:
            self.build()
        self._synced = fp
        return self

    # -- reading the store ---------------------------------------------------------------

    def _rows(self, query: str) -> Iterator[dict[str, Any]]:
        """Rows of a SELECT as plain values, streamed from an embedded store."""
        return self.store.iter_values(P + query)

    def _stamps(self) -> dict[str, str]:
        """Each source graph with its latest prov:endedAtTime ("" without one)."""
        if getattr(self.store, "ox", None) is None:
            return {r["g"]: r.get("stamp") or "" for r in self._rows(Q_STAMPS)}
        # The embedded store: every source graph the emitter writes holds its extraction's
        # end time, and this join-free query is three times faster than Q_STAMPS.
        out: dict[str, str] = {}
        for r in self._rows("SELECT ?g (STR(?t) AS ?s) WHERE { GRAPH ?g { "
                            "?a prov:endedAtTime ?t } }"):
            out[r["g"]] = max(out.get(r["g"], ""), r["s"])
        return out

    # -- writing -------------------------------------------------------------------------

    def _vouched(self) -> bool:
        """Whether the store vouches that nothing was written to it since this catalog
        file was last brought up to date, by this process or an earlier one (its
        generation token is the one kept then): a restart needs no look at the store."""
        gen = self.store.generation()
        return gen is not None and gen == self._meta("generation")

    def _keep_generation(self, db: sqlite3.Connection, before: str | None) -> None:
        """After a build or update that began when the store's token was `before`: keep
        it, unless a write came meanwhile. A store that cannot tell its token (read-only:
        another process may be writing) leaves the kept one alone: every write changes
        the token before it lands, so a kept token stale for this catalog never matches."""
        if before is None:
            return
        after = self.store.generation()
        db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)",
                   (before if before == after else "",))

    def build(self) -> None:
        """Everything from scratch: nodes listed by type, then derived in VALUES batches
        (memory stays flat however big the store)."""
        t0 = time.monotonic()
        before = self.store.generation()
        with self._writer() as db:
            with _transaction(db):
                db.execute("INSERT OR REPLACE INTO meta VALUES ('built', '0')")
                for t in TABLES:
                    db.execute(f"DELETE FROM {t}")
            with _transaction(db):
                self._build(db, t0)
            # statistics for the planner: worth having, not worth failing a committed
            # build for when another connection keeps the database busy
            with contextlib.suppress(sqlite3.OperationalError):
                db.execute("PRAGMA optimize")
            self._keep_generation(db, before)
            self.version += 1
        log.info("catalog built in %.1f s: %s", time.monotonic() - t0, self.path)

    def _build(self, db: sqlite3.Connection, t0: float) -> None:
        """`build` inside its transaction."""
        stamps = self._stamps()
        self._put_graphs(db, stamps)
        log.info("catalog: %d graphs, %.1f s", len(stamps), time.monotonic() - t0)
        for rows in _batches(self._typed(("Document", "DocumentSet", "Body"), stamps), ROWS):
            self._put_pairs(db, rows)
        nodes = array("q", (r[0] for r in db.execute("SELECT DISTINCT n FROM mem")))
        log.info("catalog: %d nodes, %.1f s", len(nodes), time.monotonic() - t0)
        for ids in _batches(nodes, 10 * BATCH):
            self._derive_bodies(db, self._iris(db, ids))
        docs = array("q")
        for ids in _batches(nodes, 10 * BATCH):
            chunk = self._iris(db, ids)
            docs.extend(self._derive_docs(db, chunk))
            self._derive_issuers(db, chunk)
            self._derive_parents(db, chunk)
            self._derive_facts(db, chunk)
        log.info("catalog: entries, %.1f s", time.monotonic() - t0)
        self._index_docs(db, docs)
        self._derive_records(db, docs)
        self._derive_sources(db, list(stamps))
        log.info("catalog: indexed, %.1f s", time.monotonic() - t0)
        for pairs in _batches(self._typed(("Link",), stamps), 10 * BATCH):
            self._put_links(db, pairs)
        log.info("catalog: links, %.1f s", time.monotonic() - t0)
        db.execute("""UPDATE entries SET cited = (SELECT COUNT(DISTINCT a) FROM edges
                      WHERE edges.b = entries.id) WHERE id IN (SELECT b FROM edges)""")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('built', '1')")
        _bump(db)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('built_at', ?)", (str(time.time()),))

    def update(self) -> dict[str, int]:
        """Re-derive what the source graphs added, changed or removed since the last sync
        touch; returns how many graphs of each kind."""
        before = self.store.generation()
        with self._writer() as db:
            if self._meta("built", db) != "1":
                self.build()
                return {"rebuilt": 1}
            now = self._stamps()
            old = {iri: stamp for iri, stamp in db.execute(
                "SELECT n.iri, g.stamp FROM graphs g JOIN nodes n ON n.id = g.id")}
            added = [g for g in now if g not in old]
            removed = [g for g in old if g not in now]
            changed = [g for g in now if g in old and now[g] != old[g]]
            touched = added + removed + changed
            counts = {"added": len(added), "removed": len(removed), "changed": len(changed)}
            if not touched:
                self._keep_generation(db, before)
                return counts
            if len(touched) > REBUILD_SHARE * max(len(now), len(old), 1) and \
                    len(touched) > REBUILD_MIN:
                self.build()
                return {**counts, "rebuilt": 1}
            for chunk in _batches(touched, 2000):
                self._update_graphs(db, chunk, {g: now[g] for g in chunk if g in now})
            self._keep_generation(db, before)
            self.version += 1
            return counts

    def _update_graphs(self, db: sqlite3.Connection, graphs: list[str],
                       stamps: dict[str, str]) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            gids = list(self._ids(db, graphs).values())
            nodes: set[str] = set()
            targets: set[int] = set()
            for chunk in _batches(gids, 500):
                marks = ",".join("?" * len(chunk))
                nodes.update(r[0] for r in db.execute(
                    f"SELECT n.iri FROM mem m JOIN nodes n ON n.id = m.n WHERE m.g IN ({marks})",
                    chunk))
                targets.update(r[0] for r in db.execute(
                    f"SELECT b FROM edges WHERE g IN ({marks})", chunk))
                for t in ("mem", "edges"):
                    db.execute(f"DELETE FROM {t} WHERE g IN ({marks})", chunk)
                db.execute(f"DELETE FROM graphs WHERE id IN ({marks})", chunk)
            live = [g for g in graphs if g in stamps]
            self._put_graphs(db, {g: stamps[g] for g in live})
            for pairs in _batches(self._typed(("Document", "DocumentSet", "Body"), live,
                                              each=True), ROWS):
                self._put_pairs(db, pairs)
                nodes.update(n for n, _ in pairs)
            for pairs in _batches(self._typed(("Link",), live, each=True), ROWS):
                targets.update(self._put_links(db, pairs))
            self._derive(db, sorted(nodes | set(graphs)))
            for chunk in _batches(sorted(targets), 500):
                db.execute(f"""UPDATE entries SET cited = (SELECT COUNT(DISTINCT a)
                    FROM edges WHERE edges.b = entries.id)
                    WHERE id IN ({",".join("?" * len(chunk))})""", chunk)
            _bump(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _ids(self, db: sqlite3.Connection, iris: Iterable[str]) -> dict[str, int]:
        """Interned ids of `iris`, adding the new ones."""
        iris = list(dict.fromkeys(iris))
        db.executemany("INSERT OR IGNORE INTO nodes(iri) VALUES (?)", ((i,) for i in iris))
        out: dict[str, int] = {}
        for chunk in _batches(iris, 500):
            out.update(db.execute(f"SELECT iri, id FROM nodes WHERE iri IN "
                                  f"({','.join('?' * len(chunk))})", chunk).fetchall())
        return out

    def _iris(self, db: sqlite3.Connection, ids: Iterable[int]) -> list[str]:
        out: list[str] = []
        for chunk in _batches(ids, 500):
            out += [r[0] for r in db.execute(
                f"SELECT iri FROM nodes WHERE id IN ({','.join('?' * len(chunk))})", chunk)]
        return out

    def _put_graphs(self, db: sqlite3.Connection, stamps: dict[str, str]) -> None:
        for chunk in _batches(stamps.items(), ROWS):
            ids = self._ids(db, [g for g, _ in chunk])
            db.executemany("INSERT OR REPLACE INTO graphs(id, stamp) VALUES (?, ?)",
                           [(ids[g], s) for g, s in chunk])

    def _query_nodes(self, query: str, var: str, nodes: list[str]) -> Iterator[dict[str, Any]]:
        for chunk in _batches(nodes, BATCH):
            yield from self._rows(query.replace("{values}", _values(var, chunk)))

    def _typed(self, types: tuple[str, ...], graphs: dict[str, str] | list[str],
               *, each: bool = False) -> Iterator[tuple[str, str]]:
        """(node, graph) of every node typed kg:<type> in one of the source `graphs`;
        `each`: asking graph by graph (a few graphs of a big store)."""
        ox_store = getattr(self.store, "ox", None)
        for t in types:
            if each and ox_store is not None:   # the embedded store's index, no SPARQL
                import pyoxigraph as ox

                rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
                cls = ox.NamedNode(KG_NS + t)
                for g in graphs:
                    for q in ox_store.quads_for_pattern(None, rdf_type, cls, ox.NamedNode(g)):
                        yield q.subject.value, g
            elif each:
                q = f"SELECT DISTINCT ?n ?g WHERE {{ {{values}} GRAPH ?g {{ ?n a kg:{t} }} }}"
                yield from ((r["n"], r["g"]) for r in self._query_nodes(q, "g", list(graphs)))
            else:
                for r in self._rows(f"SELECT ?n ?g WHERE {{ GRAPH ?g {{ ?n a kg:{t} }} }}"):
                    if r["g"] in graphs:
                        yield r["n"], r["g"]

    def _put_pairs(self, db: sqlite3.Connection, pairs: list[tuple[str, str]]) -> None:
        ids = self._ids(db, [x for p in pairs for x in p])
        db.executemany("INSERT OR IGNORE INTO mem(g, n) VALUES (?, ?)",
                       [(ids[g], ids[n]) for n, g in pairs])

    def _put_links(self, db: sqlite3.Connection, pairs: list[tuple[str, str]]) -> set[int]:
        graph = dict(pairs)
        targets: set[int] = set()
        for rows in _batches(self._query_nodes(Q_LINK, "l", list(graph)), ROWS):
            targets |= self._put_link_rows(db, [{**r, "g": graph[r["l"]]} for r in rows])
        return targets

    def _put_link_rows(self, db: sqlite3.Connection, rows: list[dict[str, Any]]) -> set[int]:
        ids = self._ids(db, [x for r in rows for x in (r["g"], r["a"], r["b"])])
        db.executemany(
            'INSERT OR REPLACE INTO edges(link, g, a, rel, b, src, start, "end") '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(r["l"], ids[r["g"]], ids[r["a"]], _local(r["rel"], KG_NS) or "",
              ids[r["b"]], r.get("src"), r.get("start"), r.get("end")) for r in rows])
        return {ids[r["b"]] for r in rows}

    def _derive(self, db: sqlite3.Connection, nodes: list[str]) -> None:
        """Rewrite the entries, issuers and parents of `nodes` from the store."""
        gone = list(self._ids(db, nodes).values())
        issuers_before = self._issuer_views(db, nodes)
        old_bodies: dict[int, tuple[str, str]] = {}
        for chunk in _batches(gone, 500):
            marks = ",".join("?" * len(chunk))
            old_bodies.update((r[0], (r[1], r[2])) for r in db.execute(
                f"SELECT id, label, level FROM entries WHERE kind='body' AND id IN ({marks})",
                chunk))
            for t, col in (("entries", "id"), ("fts", "rowid"), ("issuers", "doc"),
                           ("parents", "child"), ("facts", "n"), ("records", "id")):
                db.execute(f"DELETE FROM {t} WHERE {col} IN ({marks})", chunk)
        bodies = self._derive_bodies(db, nodes)
        docs = self._derive_docs(db, nodes)
        self._derive_issuers(db, nodes)
        docs += self._adopt_issued(db, bodies)
        # documents whose issuer's name or level changed, or whose issuer is gone
        now = set(bodies)
        moved = [b for b in bodies if old_bodies.get(b) != db.execute(
            "SELECT label, level FROM entries WHERE id=?", (b,)).fetchone()]
        moved += [b for b in old_bodies if b not in now]
        for chunk in _batches(moved, 500):
            marks = ",".join("?" * len(chunk))
            docs += [r[0] for r in db.execute(
                f"SELECT doc FROM issuers WHERE body IN ({marks})", chunk)]
            db.execute(f"DELETE FROM issuers WHERE body IN ({marks}) AND body NOT IN "
                       f"(SELECT id FROM entries WHERE kind = 'body')", chunk)
        docs = sorted(set(docs))
        self._index_docs(db, docs)
        self._derive_parents(db, nodes)
        self._derive_facts(db, nodes)
        # a record names its issuers' label and level: redo those whose issuer changed
        issuers_after = self._issuer_views(db, nodes)
        moved_iris = [b for b in {*issuers_before, *issuers_after}
                      if issuers_before.get(b) != issuers_after.get(b)]
        for chunk in _batches(moved_iris, 500):
            docs += [r[0] for r in db.execute(
                f"SELECT n FROM facts WHERE kind = 'doc' AND k = 'issuer' AND v IN "
                f"({','.join('?' * len(chunk))})", chunk)]
        docs = sorted(set(docs))
        self._derive_records(db, docs)
        self._derive_sources(db, nodes)
        for chunk in _batches(docs, 500):
            db.execute(f"""UPDATE entries SET cited = (SELECT COUNT(DISTINCT a) FROM edges
                           WHERE edges.b = entries.id) WHERE id IN
                           ({",".join("?" * len(chunk))})""", chunk)

    def _derive_bodies(self, db: sqlite3.Connection, nodes: list[str]) -> list[int]:
        out = []
        for rows in _batches(self._query_nodes(Q_BODIES, "b", nodes), ROWS):
            ids = self._ids(db, [r["b"] for r in rows])
            data = []
            for r in rows:
                label = r.get("label") or r["b"]
                data.append((ids[r["b"]], "body", label, _body_level(r),
                             *bags(label, None, None, None, ())))
                out.append(ids[r["b"]])
            self._put_entries(db, data)
        return out

    def _derive_docs(self, db: sqlite3.Connection, nodes: list[str]) -> list[int]:
        out = []
        for rows in _batches(self._query_nodes(Q_DOCS, "d", nodes), ROWS):
            ids = self._ids(db, [r["d"] for r in rows])
            data = []
            for r in rows:
                date = r.get("date")
                data.append((ids[r["d"]], "docset" if r.get("set") else "document",
                             r.get("label") or r["d"], r.get("title"), r.get("id"),
                             _local(r.get("type"), str(DOCTYPE)), date,
                             _year(date, r.get("year")), r.get("count")))
                out.append(ids[r["d"]])
            db.executemany("""INSERT OR REPLACE INTO entries(id, kind, label, title, ident, type,
                              date, year, count) VALUES (?,?,?,?,?,?,?,?,?)""", data)
        return out

    def _derive_issuers(self, db: sqlite3.Connection, nodes: list[str]) -> None:
        for rows in _batches(self._query_nodes(Q_PASSED, "d", nodes), ROWS):
            ids = self._ids(db, [x for r in rows for x in (r["d"], r["b"])])
            db.executemany("INSERT OR IGNORE INTO issuers VALUES (?, ?)",
                           [(ids[r["d"]], ids[r["b"]]) for r in rows])

    def _adopt_issued(self, db: sqlite3.Connection, bodies: list[int]) -> list[int]:
        """Issuer rows of documents of other sources that name one of `bodies` (ids) as
        issuer without a row yet (the body was described, or typed, only by a later
        source); returns those documents."""
        out: list[int] = []
        for chunk in _batches(bodies, 500):
            rows = db.execute(
                f"""SELECT f.n, x.id FROM nodes x JOIN facts f ON f.kind = 'doc'
                    AND f.k = 'issuer' AND f.v = x.iri WHERE x.id IN
                    ({",".join("?" * len(chunk))}) AND NOT EXISTS (SELECT 1 FROM issuers i
                    WHERE i.doc = f.n AND i.body = x.id)""", chunk).fetchall()
            db.executemany("INSERT OR IGNORE INTO issuers VALUES (?, ?)", rows)
            out += [r[0] for r in rows]
        return out

    def _derive_parents(self, db: sqlite3.Connection, nodes: list[str]) -> None:
        for rows in _batches(self._query_nodes(Q_PARENTS, "c", nodes), ROWS):
            ids = self._ids(db, [x for r in rows for x in (r["c"], r["p"])])
            db.executemany("INSERT OR IGNORE INTO parents VALUES (?, ?)",
                           [(ids[r["c"]], ids[r["p"]]) for r in rows])

    def _derive_facts(self, db: sqlite3.Connection, nodes: list[str]) -> None:
        """The rows the analytics read of each document and body (kg.analytics.queries
        FACTS), asked of the store with the very query the analytics would ask."""
        from kg.analytics.queries import facts_from_store

        ids = self._ids(db, nodes)
        names = {v: k for k, v in ids.items()}
        kinds: dict[str, list[str]] = {"doc": [], "body": []}
        for chunk in _batches(list(ids.values()), 500):
            for nid, kind in db.execute(f"SELECT id, kind FROM entries WHERE id IN "
                                        f"({','.join('?' * len(chunk))})", chunk):
                if kind in ("document", "docset", "body"):
                    kinds["body" if kind == "body" else "doc"].append(names[nid])
        for kind, iris in kinds.items():
            for chunk in _batches(iris, 10 * BATCH):
                db.executemany("INSERT INTO facts(n, kind, k, v) VALUES (?, ?, ?, ?)",
                               [(ids[n], kind, k, v) for n, k, v in
                                facts_from_store(self.store, kind, chunk)])

    def _fact_rows(self, db: sqlite3.Connection, kind: str, nodes: list[str],
                   columns: Sequence[str] = ()) -> list[tuple[str, str, Any]]:
        """The facts table's `(node, column, value)` rows of `nodes`."""
        only = f" AND f.k IN ({','.join('?' * len(columns))})" if columns else ""
        out: list[tuple[str, str, Any]] = []
        for chunk in _batches(list(dict.fromkeys(nodes)), 500):
            out += db.execute(
                f"""SELECT n.iri, f.k, f.v FROM nodes n JOIN facts f ON f.n = n.id
                    WHERE n.iri IN ({",".join("?" * len(chunk))}) AND f.kind = ?{only}""",
                (*chunk, kind, *columns)).fetchall()
        return out

    def _issuer_views(self, db: sqlite3.Connection, bodies: list[str]) -> dict[str, Any]:
        """What a document's record says of each of `bodies` (label and level), by IRI."""
        from kg.analytics.queries import merge_facts

        return {r["b"]: (r.get("label"), r.get("level")) for r in merge_facts(
            self._fact_rows(db, "body", bodies, ("label", "level")), "b")}

    def _derive_records(self, db: sqlite3.Connection, docs: Iterable[int]) -> None:
        """The analytics' record of each of `docs` (ids of documents and sets), built from
        the facts table by `kg.analytics.common.records` itself."""
        from kg.analytics.common import pack_record, records
        from kg.analytics.queries import merge_facts

        for chunk in _batches(docs, 2000):
            ids = dict(db.execute(f"SELECT iri, id FROM nodes WHERE id IN "
                                  f"({','.join('?' * len(chunk))})", chunk).fetchall())
            facts = self._fact_rows(db, "doc", list(ids))
            issuers = list(dict.fromkeys(v for _, k, v in facts if k == "issuer"))
            found = records(facts, merge_facts(self._fact_rows(
                db, "body", issuers, ("label", "level")), "b"), ids)
            db.executemany("INSERT OR REPLACE INTO records(id, rec) VALUES (?, ?)",
                           [(ids[n], pack_record(d)) for n, d in found.items()])

    def _derive_sources(self, db: sqlite3.Connection, nodes: list[str]) -> None:
        for rows in _batches(self._query_nodes(Q_SOURCES, "g", nodes), ROWS):
            ids = self._ids(db, [r["g"] for r in rows])
            data, fts = [], []
            for r in rows:
                label, date = r.get("label") or r["g"], r.get("date")
                data.append((ids[r["g"]], label, r.get("title"), date, _year(date)))
                fts.append((ids[r["g"]], *bags(label, r.get("title"), None, None, ())[1:]))
            db.executemany("DELETE FROM fts WHERE rowid=?", [(f[0],) for f in fts])
            db.executemany("""INSERT OR REPLACE INTO entries(id, kind, label, title, date, year)
                              VALUES (?, 'source', ?, ?, ?, ?)""", data)
            db.executemany("INSERT INTO fts(rowid, idt, words, iwords, text) "
                           "VALUES (?, ?, ?, ?, ?)", fts)

    def _put_entries(self, db: sqlite3.Connection, data: list[tuple[Any, ...]]) -> None:
        """Bodies: (id, kind, label, level, key, idt, words, iwords, text)."""
        db.executemany("DELETE FROM fts WHERE rowid=?", [(d[0],) for d in data])
        db.executemany("INSERT OR REPLACE INTO entries(id, kind, label, level, key) "
                       "VALUES (?, ?, ?, ?, ?)", [d[:5] for d in data])
        db.executemany("INSERT INTO fts(rowid, idt, words, iwords, text) VALUES (?,?,?,?,?)",
                       [(d[0], *d[5:]) for d in data])

    def _index_docs(self, db: sqlite3.Connection, docs: Sequence[int]) -> None:
        """Key, level and token bags of documents and sets, with their issuers' names."""
        for chunk in _batches(docs, 2000):
            marks = ",".join("?" * len(chunk))
            rows = db.execute(f"""SELECT e.id, e.label, e.title, e.ident, e.type, b.label,
                    b.level FROM entries e LEFT JOIN issuers i ON i.doc = e.id
                    LEFT JOIN nodes nb ON nb.id = i.body LEFT JOIN entries b ON b.id = i.body
                    WHERE e.id IN ({marks}) AND e.kind IN ('document', 'docset')
                    ORDER BY e.id, nb.iri""", chunk).fetchall()
            grouped: dict[int, list[Any]] = {}
            for r in rows:
                g = grouped.setdefault(r[0], [r[1], r[2], r[3], r[4], [], None])
                if r[5] is not None:
                    g[4].append(r[5])
                    g[5] = g[5] or r[6]
            upd, fts = [], []
            for i, (label, title, ident, type_, labels, level) in grouped.items():
                key, *rest = bags(label, title, ident, type_, labels)
                upd.append((key, level, i))
                fts.append((i, *rest))
            db.executemany("UPDATE entries SET key=?, level=? WHERE id=?", upd)
            db.executemany("DELETE FROM fts WHERE rowid=?", [(f[0],) for f in fts])
            db.executemany("INSERT INTO fts(rowid, idt, words, iwords, text) VALUES (?,?,?,?,?)",
                           fts)

    # -- lookups -------------------------------------------------------------------------

    _ENTRY = """SELECT e.id, n.iri, e.kind, e.label, e.title, e.ident, e.type, e.date, e.year,
        e.count, e.level, e.cited, e.key FROM entries e JOIN nodes n ON n.id = e.id"""

    def _entries(self, where: str, args: Iterable[Any] = ()) -> list[Entry]:
        rows = self.db.execute(f"{self._ENTRY} {where}", tuple(args)).fetchall()
        if not rows:
            return []
        issuers: dict[int, list[tuple[str, str]]] = {}
        ids = [r[0] for r in rows if r[2] in ("document", "docset")]
        for chunk in _batches(ids, 500):
            for doc, iri, label in self.db.execute(
                    f"""SELECT i.doc, n.iri, b.label FROM issuers i JOIN nodes n ON n.id = i.body
                    JOIN entries b ON b.id = i.body WHERE i.doc IN ({",".join("?" * len(chunk))})
                    ORDER BY i.doc, n.iri""", chunk):
                issuers.setdefault(doc, []).append((iri, label))
        out = []
        for r in rows:
            iss = issuers.get(r[0], [])
            out.append(Entry(r[1], r[2], r[3], title=r[4], ident=r[5], type=r[6], date=r[7],
                             year=r[8], count=r[9], level=r[10], cited=r[11], key=r[12],
                             issuers=[i for i, _ in iss], issuer_labels=[lb for _, lb in iss]))
        return out

    def entry(self, node: str) -> Entry | None:
        if not self.ready:
            # before the first build: from the store, remembered until the build ends
            if node not in self._live:
                if len(self._live) > 20000:
                    self._live.clear()
                self._live[node] = self.live_entry(node)
            return copy.copy(self._live[node])
        self._live.clear()
        found = self._entries("WHERE n.iri = ?", (node,))
        return found[0] if found else None

    def entries(self, nodes: Iterable[str]) -> dict[str, Entry]:
        nodes = list(dict.fromkeys(nodes))
        if not self.ready:
            return {n: e for n in nodes if (e := self.live_entry(n)) is not None}
        out: dict[str, Entry] = {}
        for chunk in _batches(nodes, 500):
            for e in self._entries(f"WHERE n.iri IN ({','.join('?' * len(chunk))})", chunk):
                out[e.node] = e
        return out

    def all_entries(self) -> Iterator[Entry]:
        """Every entry, in batches (slow on a big graph: prefer counts and searches)."""
        last = 0
        while True:
            batch = self._entries("WHERE e.id > ? ORDER BY e.id LIMIT 2000", (last,))
            if not batch:
                return
            last = self.db.execute("SELECT id FROM nodes WHERE iri=?",
                                   (batch[-1].node,)).fetchone()[0]
            yield from batch

    def level_counts(self, kind: str = "document") -> dict[str, int]:
        """How many entries of `kind` per level."""
        return dict(self.db.execute("SELECT level, SUM(n) FROM combos WHERE kind=? AND "
                                    "level IS NOT NULL GROUP BY level", (kind,)).fetchall())

    def summary(self, *, top: int = 10, recent: int = 10) -> dict[str, Any]:
        """What the graph holds, for the home page: counts of documents, bodies, sources
        and links, documents by type and level, the most linked documents, the sources
        ingested last (each from a small table or an index: fast at any size)."""
        db = self.db
        kinds = dict(db.execute("SELECT kind, SUM(n) FROM combos GROUP BY kind").fetchall())
        by_type = [{"type": f"{DOCTYPE}{t}", "label": DOC_TYPES[t].vi if t in DOC_TYPES else t,
                    "n": n} for t, n in db.execute(
                        "SELECT type, SUM(n) AS c FROM combos WHERE kind='document' AND "
                        "type IS NOT NULL GROUP BY type ORDER BY c DESC, type")]
        tops = [{"doc": iri, "label": label, "n": n} for iri, label, n in db.execute(
            """SELECT n.iri, e.label, e.cited FROM entries e JOIN nodes n ON n.id = e.id
               WHERE e.cited > 0 AND e.kind IN ('document', 'docset')
               ORDER BY e.cited DESC, e.date DESC LIMIT ?""", (top,))]
        sources = [{"graph": iri, "label": label, "ingested": _iso(stamp)}
                   for iri, label, stamp in db.execute(
                       """SELECT n.iri, COALESCE(e.label, n.iri), g.stamp FROM
                          (SELECT id, stamp FROM graphs ORDER BY stamp DESC LIMIT ?) g
                          JOIN nodes n ON n.id = g.id LEFT JOIN entries e ON e.id = g.id
                          ORDER BY g.stamp DESC, e.label""", (recent,))]
        last = db.execute("SELECT MAX(stamp) FROM graphs").fetchone()[0]
        links = db.execute("SELECT COUNT(*) FROM edges").fetchone()[0]
        return {"stats": {"documents": kinds.get("document", 0),
                          "bodies": kinds.get("body", 0),
                          "sources": db.execute("SELECT COUNT(*) FROM graphs").fetchone()[0],
                          "links": links, "by_type": by_type},
                "by_level": self.level_counts(), "top": tops, "sources": sources,
                "last_ingest": _iso(last)}

    _EDGE = """SELECT e.link, na.iri, e.rel, nb.iri, e.src, e.start, e."end" FROM edges e
        JOIN nodes na ON na.id = e.a JOIN nodes nb ON nb.id = e.b"""

    def _node_id(self, node: str) -> int | None:
        row = self.db.execute("SELECT id FROM nodes WHERE iri=?", (node,)).fetchone()
        return row[0] if row else None

    def edges_of(self, node: str, direction: str) -> list[Edge]:
        """Links from (`out`) or to (`in`) `node`, ordered by link IRI."""
        return self.edges_of_each([node], direction)[node]

    def edges_of_each(self, nodes: Iterable[str], direction: str) -> dict[str, list[Edge]]:
        """`edges_of` each of `nodes`, read at once (a trace tree's 200 steps looked up one
        by one took two queries each)."""
        nodes = list(dict.fromkeys(nodes))
        if not self.ready:
            return {n: self.live_edges(n, direction) for n in nodes}
        col, at = ("a", 1) if direction == "out" else ("b", 3)   # the node's place in a row
        found: dict[str, list[Edge]] = {n: [] for n in nodes}
        for chunk in _batches(nodes, 500):
            for r in self.db.execute(
                    f"{self._EDGE} WHERE e.{col} IN (SELECT id FROM nodes WHERE iri IN "
                    f"({','.join('?' * len(chunk))})) ORDER BY e.link", chunk):
                found[r[at]].append(_edge(r))
        return found

    def first_edges(self, node: str, limit: int) -> tuple[list[Edge], int] | None:
        """Up to `limit` links from and as many to `node` (by relation, then the other
        node: the order of the covering indexes, so that nothing is sorted), and how many
        nodes its links reach in all; None when not built.

        The explorer draws a few hundred neighbours: a founding law's ~46,600 links read
        whole and sorted took 0.4 s of its 0.9 s.
        """
        if not self.ready:
            return None
        nid = self._node_id(node)
        if nid is None:
            return [], 0
        found = []
        for here, there, index in (("a", "b", "edges_out"), ("b", "a", "edges_in")):
            found += [_edge(r) for r in self.db.execute(f"""
                {self._EDGE} JOIN (SELECT rowid AS r FROM edges INDEXED BY {index}
                  WHERE {here} = ? ORDER BY rel, {there} LIMIT ?) f ON f.r = e.rowid
                ORDER BY e.rel, e.{there}""", (nid, limit))]
        reach = self.db.execute("SELECT COUNT(*) FROM (SELECT b FROM edges WHERE a = ? "
                                "UNION SELECT a FROM edges WHERE b = ?)", (nid, nid)).fetchone()
        return found, int(reach[0])

    def all_edges(self) -> Iterator[Edge]:
        for r in self.db.execute(f"{self._EDGE} ORDER BY e.link"):
            yield _edge(r)

    def most_linked(self, limit: int) -> tuple[list[str], bool]:
        """The `limit` nodes with most links (either way), and whether more have links.

        Kept per catalog version: it counts every link (~0.2 s at 100k documents), and the
        explorer's whole-graph view asks for the same answer until the store changes.
        """
        key = (self._meta("version"), limit)
        with self._cache_lock:
            if key in self._linked:
                keep, more = self._linked[key]
                return list(keep), more
        rows = self.db.execute("""SELECT n.iri FROM (SELECT x, SUM(c) AS d FROM (
                SELECT a AS x, COUNT(*) AS c FROM edges GROUP BY a UNION ALL
                SELECT b, COUNT(*) FROM edges GROUP BY b) GROUP BY x) t
                JOIN nodes n ON n.id = t.x ORDER BY t.d DESC, n.iri LIMIT ?""",
                               (limit + 1,)).fetchall()
        keep, more = [r[0] for r in rows[:limit]], len(rows) > limit
        with self._cache_lock:
            self._linked = {k: v for k, v in self._linked.items() if k[0] == key[0]}
            self._linked[key] = (keep, more)
        return list(keep), more

    def edges_among(self, nodes: Iterable[str]) -> list[Edge]:
        ids = [i for n in nodes if (i := self._node_id(n)) is not None]
        if not ids:
            return []
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS keep(id INTEGER PRIMARY KEY)")
        self.db.execute("DELETE FROM keep")
        self.db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", [(i,) for i in ids])
        out = [_edge(r) for r in self.db.execute(
            f"{self._EDGE} WHERE e.a IN (SELECT id FROM keep) AND e.b IN (SELECT id FROM keep) "
            "ORDER BY e.link")]
        self.db.execute("DELETE FROM keep")
        return out

    def related(self, node: str, what: str) -> list[str]:
        """`parents` or `children` of a body, or the documents it `issued`."""
        if not self.ready:
            return self.live_related(node, what)
        nid = self._node_id(node)
        if nid is None:
            return []
        sql = {"parents": "SELECT n.iri FROM parents p JOIN nodes n ON n.id = p.parent "
                          "WHERE p.child = ? ORDER BY n.iri",
               "children": "SELECT n.iri FROM parents p JOIN nodes n ON n.id = p.child "
                           "WHERE p.parent = ? ORDER BY n.iri",
               "issued": "SELECT n.iri FROM issuers i JOIN nodes n ON n.id = i.doc "
                         "WHERE i.body = ? ORDER BY n.iri"}[what]
        return [r[0] for r in self.db.execute(sql, (nid,))]

    def link_count(self, nodes: list[str]) -> int | None:
        """How many statements link `nodes` to others (relations either way, issuers and
        issued documents, parents and children); None when not current. A path search
        grows the side that reads fewer (`kg.analytics.paths`)."""
        if not self.current():
            return None
        total = 0
        for chunk in _batches(nodes, 500):
            total += self.db.execute(f"""SELECT COALESCE(SUM(
                (SELECT COUNT(*) FROM edges WHERE a = n.id) +
                (SELECT COUNT(*) FROM edges WHERE b = n.id) +
                (SELECT COUNT(*) FROM issuers WHERE doc = n.id) +
                (SELECT COUNT(*) FROM issuers WHERE body = n.id) +
                (SELECT COUNT(*) FROM parents WHERE child = n.id) +
                (SELECT COUNT(*) FROM parents WHERE parent = n.id)), 0)
                FROM nodes n WHERE n.iri IN ({','.join('?' * len(chunk))})""",
                chunk).fetchone()[0]
        return int(total)

    def link_stamps(self, node: str) -> list[dict[str, Any]] | None:
        """`kg.analytics.queries.link_stamps` from the links table (each link's source
        stamped when it was ingested, the other end's date from its entry); None when not
        current."""
        if not self.current():
            return None
        nid = self._node_id(node)
        if nid is None:
            return []
        out = []
        for here, there in (("a", "b"), ("b", "a")):     # a link to itself comes twice
            for link, a, rel, b, src, stamp, date in self.db.execute(f"""
                    SELECT e.link, na.iri, e.rel, nb.iri, e.src, g.stamp, x.date FROM edges e
                    JOIN nodes na ON na.id = e.a JOIN nodes nb ON nb.id = e.b
                    LEFT JOIN graphs g ON g.id = e.g LEFT JOIN entries x ON x.id = e.{there}
                    WHERE e.{here} = ?""", (nid,)):
                row = {"link": link, "from": a, "rel": rel, "to": b, "source": src}
                if stamp:
                    row["ended"] = stamp
                if date:
                    row["other_date"] = date[:10]
                out.append(row)
        return out

    def children(self, bodies: list[str]) -> list[tuple[str, str]] | None:
        """(child, parent) for every body directly below one of `bodies`; None when not
        current (`kg.analytics.queries.children_of`)."""
        if not self.current():
            return None
        out: list[tuple[str, str]] = []
        for chunk in _batches(bodies, 500):
            out += self.db.execute(
                "SELECT c.iri, p.iri FROM nodes p JOIN parents x ON x.parent = p.id "
                f"JOIN nodes c ON c.id = x.child WHERE p.iri IN ({','.join('?' * len(chunk))})",
                chunk).fetchall()
        return out

    # -- before the first build: the same answers, from the store ------------------------

    def live_entry(self, node: str) -> Entry | None:
        """`node`'s entry derived from the store now (while the first build runs)."""
        one = [node]
        entry: Entry | None = None
        for r in self._query_nodes(Q_BODIES, "b", one):
            entry = Entry(node, "body", r.get("label") or node, level=_body_level(r))
        for r in self._query_nodes(Q_DOCS, "d", one):
            date = r.get("date")
            entry = Entry(node, "docset" if r.get("set") else "document",
                          r.get("label") or node, title=r.get("title"), ident=r.get("id"),
                          type=_local(r.get("type"), str(DOCTYPE)), date=date,
                          year=_year(date, r.get("year")), count=r.get("count"))
            for b in sorted(x["b"] for x in self._query_nodes(Q_PASSED, "d", one)):
                body = self.live_entry(b)
                if body is not None:
                    entry.issuers.append(b)
                    entry.issuer_labels.append(body.label)
                    entry.level = entry.level or body.level
            entry.cited = len({e.a for e in self.live_edges(node, "in")})
        for r in self._query_nodes(Q_SOURCES, "g", one):
            date = r.get("date")
            entry = Entry(node, "source", r.get("label") or node, title=r.get("title"),
                          date=date, year=_year(date))
        if entry is not None:
            entry.key = id_key(entry.ident) if entry.ident else ""
        return entry

    def live_edges(self, node: str, direction: str) -> list[Edge]:
        var = "a" if direction == "out" else "b"
        q = Q_LINK.replace("{values}", _values(var, [node]) + " ?l a kg:Link .")
        return sorted((Edge(r["a"], _local(r["rel"], KG_NS) or "", r["b"], r["l"], r.get("src"),
                            r.get("start"), r.get("end")) for r in self._rows(q)),
                      key=lambda e: e.link)

    def live_related(self, node: str, what: str) -> list[str]:
        q = {"parents": f"SELECT DISTINCT ?x WHERE {{ <{node}> org:subOrganizationOf ?x }}",
             "children": f"SELECT DISTINCT ?x WHERE {{ ?x org:subOrganizationOf <{node}> }}",
             "issued": f"""SELECT DISTINCT ?x WHERE {{ ?x eli:passed_by <{node}> .
                          {{ ?x a kg:Document }} UNION {{ ?x a kg:DocumentSet }} }}"""}[what]
        return sorted(r["x"] for r in self._rows(q))

    # -- searching -----------------------------------------------------------------------

    def search(self, text: str, *, filters: dict[str, str] | None = None, page: int = 1,
               per_page: int = 20) -> Results:
        """Ranked, paged hits for `text` with facet counts (see kg.search for the rules)."""
        filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
        page = max(1, page)
        per_page = max(1, min(per_page, 100))
        if not self.ready:
            return Results(text, 0, page, per_page, [], {f: [] for f in FACETS}, filters,
                           building=True)
        key = (self._meta("version"), text, tuple(sorted(filters.items())), page, per_page)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return copy.deepcopy(self._cache[key])
        match, keys = _fts_query(text)
        n_m = self._matches(match, keys)
        n = n_m if n_m is not None else \
            self.db.execute("SELECT COALESCE(SUM(n), 0) FROM combos").fetchone()[0]
        if n <= SCORE_CAP:
            cand = [r[0] for r in self.db.execute(
                "SELECT id FROM temp.m" if n_m is not None else "SELECT id FROM entries")]
            res = self._scored(text, sorted(cand), filters, page, per_page)
        else:
            res = self._ranked(text, n_m, keys, filters, page, per_page)
        with self._cache_lock:
            self._cache[key] = copy.deepcopy(res)
            while len(self._cache) > CACHE:
                self._cache.popitem(last=False)
        return res

    def _matches(self, match: str | None, keys: list[str]) -> int | None:
        """The ids of the entries that may match, into this connection's ``temp.m`` (the
        full-text match once, whatever comes next), and how many; None for everything
        (no words to match)."""
        if match is None:
            return None
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS m(id INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM temp.m")
        db.execute("INSERT INTO temp.m SELECT rowid FROM fts WHERE fts MATCH ?", (match,))
        for k in keys:
            db.execute("INSERT OR IGNORE INTO temp.m SELECT id FROM entries "
                       "WHERE key = ? AND key != ''", (k,))
        return int(db.execute("SELECT COUNT(*) FROM temp.m").fetchone()[0])

    def _scored(self, text: str, cand: list[int], filters: dict[str, str], page: int,
                per_page: int) -> Results:
        entries: list[Entry] = []
        for chunk in _batches(cand, 500):
            marks = ",".join("?" * len(chunk))
            found = self._entries(f"WHERE e.id IN ({marks})", chunk)
            ftsrow = {r[0]: r[1:] for r in self.db.execute(
                f"SELECT rowid, idt, words, iwords, text FROM fts WHERE rowid IN ({marks})",
                chunk)}
            ids = dict(self.db.execute(
                f"SELECT n.iri, n.id FROM nodes n WHERE n.id IN ({marks})", chunk).fetchall())
            for e in found:
                idt, words, iwords, phrase = ftsrow.get(ids[e.node], ("", "", "", ""))
                e.id_toks, e.words = set(idt.split()), set(words.split())
                e.issuer_words, e.text = set(iwords.split()), phrase
                entries.append(e)
        matched = [h for e in entries if (h := _match(e, text)) is not None]
        matched.sort(key=lambda h: (not h.exact, -h.score, -h.entry.cited,
                                    _neg_date(h.entry.date), h.entry.label, h.entry.node))
        hits = [h for h in matched if _passes(h.entry, filters)]
        facets = {name: self._facet_list(
            Counter(v for h in matched if _passes(h.entry, filters, skip=name)
                    for v in _value(h.entry, name)), filters, name) for name in FACETS}
        start = (page - 1) * per_page
        return Results(text, len(hits), page, per_page,
                       [{**h.entry.public(), "score": round(h.score, 2), "exact": h.exact}
                        for h in hits[start:start + per_page]], facets, filters)

    def _ranked(self, text: str, n_m: int | None, keys: list[str], filters: dict[str, str],
                page: int, per_page: int) -> Results:
        """Many matches (`n_m` of them in ``temp.m``, or None: every entry): exact numbers
        first, then in-degree, date and label, in SQL."""
        db = self.db
        # the matches drive the join (CROSS JOIN keeps them outside)
        src = "entries e" if n_m is None else "temp.m CROSS JOIN entries e ON e.id = m.id"
        pool, scale = "temp.m", 1.0        # what the facets count: the matches, or a sample
        if n_m is not None and n_m > FACET_EXACT:
            # a hash of the id, not its value: ids follow the order entries were made in;
            # the sample set apart once (each facet scanned all matches: 85 of 315 ms for
            # 440,000 matches at 300k)
            cut = FACET_SAMPLE * _HASH_SPAN // n_m
            db.execute("CREATE TEMP TABLE IF NOT EXISTS ms(id INTEGER PRIMARY KEY)")
            db.execute("DELETE FROM temp.ms")
            db.execute(f"INSERT INTO temp.ms SELECT id FROM temp.m "
                       f"WHERE (id * {_HASH_MUL}) % {_HASH_SPAN} < {cut}")
            pool, scale = "temp.ms", n_m / max(1, db.execute(
                "SELECT COUNT(*) FROM temp.ms").fetchone()[0])
        counted = src if n_m is None else f"{pool} m CROSS JOIN entries e ON e.id = m.id"

        def where(skip: str | None, only: tuple[str, ...] = FACETS) -> tuple[str, list[Any]]:
            parts, vals = [], []
            for k, v in filters.items():
                if k == skip or k not in only:
                    continue
                if k == "issuer":
                    parts.append("e.id IN (SELECT i.doc FROM issuers i JOIN nodes n "
                                 "ON n.id = i.body WHERE n.iri = ?)")
                else:
                    parts.append(f"e.{k} = ?")
                vals.append(int(v) if k == "year" and v.isdigit() else v)
            return (" AND ".join(parts) or "1"), vals

        # one scan for the four column facets: counts per (kind, type, level, year), each
        # facet then summed over the combinations the other filters let through
        cols = ("kind", "type", "level", "year")
        iw, iv = where(None, only=("issuer",))
        if src == "entries e" and "issuer" not in filters:
            combos = db.execute("SELECT kind, type, level, year, n FROM combos").fetchall()
        else:
            # the narrow index: SQLite would read each match's wide row by its id
            narrow = counted.replace("entries e", "entries e INDEXED BY entries_cols")
            combos = db.execute(f"SELECT e.kind, e.type, e.level, e.year, COUNT(*) FROM "
                                f"{narrow} WHERE {iw} GROUP BY 1, 2, 3, 4", iv).fetchall()
        facets = {}
        for name in cols:
            counts: Counter[str] = Counter()
            at = cols.index(name)
            for row in combos:
                if row[at] is not None and all(
                        str(row[cols.index(k)]) == v for k, v in filters.items()
                        if k in cols and k != name):
                    counts[str(row[at])] += row[4]
            facets[name] = self._facet_list(_scaled(counts, scale), filters, name)
        passing = sum(row[4] for row in combos if all(
            str(row[cols.index(k)]) == v for k, v in filters.items() if k in cols))
        # unfiltered, the matches are the total, also when the facets are sampled
        total = n_m if n_m is not None and scale != 1.0 and not filters \
            else round(passing * scale)
        # the issuer facet: the 30 biggest (and any tied with the 30th)
        fw, fv = where("issuer")
        if fw == "1" and src == "entries e":
            g = "SELECT body, n FROM issued"
        elif fw == "1":
            g = f"SELECT i.body, COUNT(*) FROM {pool} m CROSS JOIN issuers i ON i.doc = m.id " \
                "GROUP BY i.body"
        else:
            g = f"SELECT i.body, COUNT(*) FROM {counted} JOIN issuers i ON i.doc = e.id " \
                f"WHERE {fw} GROUP BY i.body"
        q = (f"WITH g(body, c) AS MATERIALIZED ({g}) SELECT n.iri, g.c FROM g "
             f"JOIN nodes n ON n.id = g.body WHERE g.c >= COALESCE((SELECT c FROM g "
             f"ORDER BY c DESC LIMIT 1 OFFSET 29), 0)")
        facets["issuer"] = self._facet_list(
            _scaled(Counter(dict(db.execute(q, fv).fetchall())), scale), filters, "issuer")
        facets = {name: facets[name] for name in FACETS}

        w, wv = where(None)
        start = (page - 1) * per_page
        # Walk the rank index, probing the matches, when few entries come before a full
        # page (many matches, or the whole catalog); otherwise sort the matches.
        entries = db.execute("SELECT COALESCE(SUM(n), 0) FROM combos").fetchone()[0]
        walk = src == "entries e" or \
            (start + per_page) * entries <= WALK_ROWS * max(1, round(passing * scale))
        order = (f"ORDER BY {'e.cited' if walk else '+e.cited'} DESC, e.date DESC NULLS LAST, "
                 f"e.label, n.iri")
        exact: list[int] = []
        if keys:
            exact = [r[0] for r in db.execute(
                f"""SELECT e.id FROM entries e JOIN nodes n ON n.id = e.id WHERE {w}
                AND e.key != '' AND e.key IN ({",".join("?" * len(keys))}) {order}""",
                wv + keys)]                 # the key index: they are all matches
        ids = exact[start:start + per_page]
        if len(ids) < per_page:
            rest = max(0, start - len(exact))
            not_exact = (f" AND e.key NOT IN ({','.join('?' * len(keys))})" if keys else "")
            # a plain join lets SQLite walk the rank index, probing the matches
            via = src.replace("CROSS JOIN", "JOIN") if walk else src
            ids += [r[0] for r in db.execute(
                f"""SELECT e.id FROM {via} JOIN nodes n ON n.id = e.id
                WHERE {w}{not_exact} {order} LIMIT ? OFFSET ?""",
                wv + keys + [per_page - len(ids), rest])]
        hits = []
        if ids:
            marks = ",".join("?" * len(ids))
            iri = dict(db.execute(f"SELECT id, iri FROM nodes WHERE id IN ({marks})", ids))
            got = {e.node: e for e in self._entries(f"WHERE e.id IN ({marks})", ids)}
            ftsrow = {r[0]: r[1:] for r in db.execute(
                f"SELECT rowid, idt, words, iwords, text FROM fts WHERE rowid IN ({marks})", ids)}
            for i in ids:
                e = got[iri[i]]
                idt, words, iwords, phrase = ftsrow.get(i, ("", "", "", ""))
                e.id_toks, e.words = set(idt.split()), set(words.split())
                e.issuer_words, e.text = set(iwords.split()), phrase
                h = _match(e, text)
                hits.append({**e.public(), "score": round(h.score, 2) if h else 0.0,
                             "exact": bool(h and h.exact)})
        if hits:          # a sample may miss a rare filter's matches: the page has them
            total = max(total, start + len(hits))
        return Results(text, total, page, per_page, hits, facets, filters,
                       approximate=scale != 1.0)

    def _facet_list(self, counts: Counter[str], filters: dict[str, str],
                    name: str) -> list[dict[str, Any]]:
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if name == "issuer":
            top = top[:30]
        labels: dict[str, str] = {}
        if name == "issuer" and top:
            labels = {n: e.label for n, e in self.entries([v for v, _ in top]).items()}
        out: list[dict[str, Any]] = []
        for v, n in top:
            label = v
            if name == "type" and v in DOC_TYPES:
                label = DOC_TYPES[v].vi
            elif name == "issuer":
                label = labels.get(v, v)
            out.append({"value": v, "label": label, "n": n, "selected": filters.get(name) == v})
        if name == "year":
            out.sort(key=lambda f: f["value"], reverse=True)
        return out

    # -- for tests and tools -------------------------------------------------------------

    # -- the analytics' projection (kg.store.base.Projection) ------------------------------

    def current(self) -> bool:
        """Whether the catalog holds what the store holds now: built, no update running,
        and (for a store whose files can be looked at) unchanged since the last sync."""
        if not self.ready or self.busy or self._synced is None:
            return False
        return not self._cheap_fingerprint() or self._fingerprint() == self._synced

    def state_key(self) -> Any:
        """What identifies the store's contents while the catalog is current (None when
        not): answers computed from the store may be kept under it."""
        return self._synced if self.current() else None

    def closure(self, starts: list[str], rels: Sequence[str], direction: str, *,
                with_records: bool = False, limit: int | None = None
                ) -> tuple[Any, ...] | None:
        """`kg.analytics.queries.closure` from the links table; None when not current.
        `with_records` adds the kept records (`records`) of the documents reached, read in
        the same walk. With `limit`, the walk stops at the first document past `limit`
        (a founding law reaches most of the graph: its page shows the nearest).

        The links are the kg:Link nodes the emitter writes beside every relation between
        documents; events review documents without one, so a walk down `reviews` is left
        to the store.
        """
        if (direction == "down" and not LINKED_RELATIONS.issuperset(rels)) \
                or not self.current():
            return None
        from kg.analytics.common import unpack_records

        start_ids = {i: s for s in starts if (i := self._node_id(s)) is not None}
        near, far = ("b", "a") if direction == "down" else ("a", "b")
        wanted = set(rels)
        seen = set(start_ids)
        frontier = list(start_ids)
        found: set[tuple[int, str, int]] = set()
        room = len(seen) + limit + 1 if limit is not None else None
        while frontier:       # breadth first over ids alone: the covering index answers
            nxt = []
            for chunk in _batches(frontier, 500):
                # relations sifted here: `rel IN (…)` costs the index a seek per relation
                for n, rel, m in self.db.execute(
                        f"SELECT {near}, rel, {far} FROM edges WHERE {near} IN "
                        f"({','.join('?' * len(chunk))})", chunk):
                    if rel not in wanted:
                        continue
                    if m not in seen:
                        if len(seen) == room:
                            break             # the nearest, with the links met so far
                        seen.add(m)
                        nxt.append(m)
                    found.add((m, rel, n) if direction == "down" else (n, rel, m))
                if len(seen) == room:
                    break
            frontier = [] if len(seen) == room else nxt
        # then each node reached once: its IRI, and its record (not once per edge)
        iri = dict(start_ids)
        packed: list[tuple[str, str]] = []
        rec, rec_join = (", r.rec", " LEFT JOIN records r ON r.id = n.id") \
            if with_records else (", NULL", "")
        for chunk in _batches([m for m in seen if m not in start_ids], 500):
            for m, m_iri, m_rec in self.db.execute(
                    f"SELECT n.id, n.iri{rec} FROM nodes n{rec_join} WHERE n.id IN "
                    f"({','.join('?' * len(chunk))})", chunk):
                iri[m] = m_iri
                if m_rec is not None:
                    packed.append((m_iri, m_rec))
        first = dict.fromkeys(starts)
        order = list(first) + sorted(i for i in iri.values() if i not in first)
        edges = sorted((iri[a], rel, iri[b]) for a, rel, b in found)
        if not with_records:
            return order, edges
        kept = self.records(starts)
        if kept is None:
            return None                       # the store moved on meanwhile
        kept.update(unpack_records(packed))
        return order, edges, kept

    def relation_edges(self, rels: Sequence[str]) -> list[tuple[str, str, str]] | None:
        """Every distinct (acting document, relation, object) along those of `rels` the
        links table holds (`LINKED_RELATIONS`); None when not current. Read as
        ids, then named from one pass over the nodes when they are many (the whole
        graph's 264,000 relations at 100k: SPARQL took 10 s)."""
        if not self.current():
            return None
        wanted = LINKED_RELATIONS.intersection(rels)
        found = {(a, rel, b) for a, rel, b in self.db.execute("SELECT a, rel, b FROM edges")
                 if rel in wanted}
        ids = {x for a, _, b in found for x in (a, b)}
        if len(ids) > 10_000:
            iri = {i: n for i, n in self.db.execute("SELECT id, iri FROM nodes") if i in ids}
        else:
            iri = {}
            for chunk in _batches(ids, 500):
                iri.update(self.db.execute(
                    f"SELECT id, iri FROM nodes WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk))
        return [(iri[a], rel, iri[b]) for a, rel, b in found]

    def steps(self, rels: Sequence[str]) -> list[tuple[str, str, str, str]] | None:
        """(earliest date of the object, of the acting document, level of the object, of
        the acting document) of each distinct pair linked along `rels` (all of them held
        by the links table, else None), both dated and of known level, a document's level
        the most central of its issuers' (`kg.analytics.rank.level_lags`); None when not
        current."""
        if not LINKED_RELATIONS.issuperset(rels) or not self.current():
            return None
        rank = " ".join(f"WHEN '{lv}' THEN {k}" for k, lv in enumerate(LEVELS))
        rows = self.db.execute(f"""
            WITH lv AS (SELECT i.doc AS d, MIN(CASE b.level {rank} END) AS r
                        FROM issuers i JOIN entries b ON b.id = i.body GROUP BY i.doc)
            SELECT DISTINCT e.b, e.a, eb.date, ea.date, lb.r, la.r FROM edges e
              JOIN entries ea ON ea.id = e.a JOIN entries eb ON eb.id = e.b
              JOIN lv la ON la.d = e.a JOIN lv lb ON lb.d = e.b
            WHERE e.rel IN ({','.join('?' * len(rels))}) AND ea.date IS NOT NULL
              AND eb.date IS NOT NULL AND la.r IS NOT NULL AND lb.r IS NOT NULL""",
                               list(rels))
        return [(od, sd, LEVELS[ol], LEVELS[sl]) for _, _, od, sd, ol, sl in rows]

    def kept(self, key: Any, compute: Callable[[], T], *,
             size: Callable[[T], int] | None = None) -> T:
        """`compute()`'s answer, kept while the store does not change (at most `kept_bytes`
        of them, least recently asked dropped first; answers computed in less than
        `kept_min_seconds` are not kept).

        Each call gets its own copy (pickled), which callers may cut and annotate; with
        `size` (the answer's bytes in memory, estimated from it), the answer itself is
        kept and every call gets that one object, to read and never change. A trace of
        thousands of documents is asked again and again while nothing is written (the
        API, the timeline, coverage, exports): pickling it cost a fifth of building it.
        An answer bigger than a quarter of `kept_bytes` in memory is still kept pickled
        (a founding law's trace at 100k: 186 MB in memory, 34 MB pickled).
        """
        state = self.state_key()
        if state is None or self.kept_bytes <= 0:
            return compute()
        with self._cache_lock:
            found = self._kept.get((state, key))
            if found is not None:
                self._kept.move_to_end((state, key))
        if found is not None:
            value, _, shared = found
            return value if shared else pickle.loads(value)  # type: ignore[no-any-return]
        t = time.perf_counter()
        answer = compute()
        if time.perf_counter() - t < self.kept_min_seconds:
            return answer
        value, nbytes = answer, size(answer) if size is not None else 0
        shared = size is not None and nbytes * 4 <= self.kept_bytes
        if not shared:
            value = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
            nbytes = len(value)
        with self._cache_lock:
            for old in [k for k in self._kept if k[0] != state]:
                del self._kept[old]          # the store changed: never asked again
            if nbytes <= self.kept_bytes:
                self._kept[(state, key)] = (value, nbytes, shared)
                total = sum(n for _, n, _ in self._kept.values())
                while total > self.kept_bytes:
                    total -= self._kept.popitem(last=False)[1][1]
        return answer

    def forget_kept(self) -> None:
        """Drop the answers `kept` holds (a benchmark timing first requests)."""
        with self._cache_lock:
            self._kept.clear()

    def facts(self, kind: str, nodes: list[str], columns: Sequence[str] = ()
              ) -> list[tuple[str, str, Any]] | None:
        """`kg.analytics.queries.facts_from_store` from the facts table; None when not
        current."""
        if not self.current():
            return None
        return self._fact_rows(self.db, kind, nodes, columns)

    def records(self, nodes: list[str]) -> dict[str, dict[str, Any]] | None:
        """The kept records (`kg.analytics.common.records`) of those of `nodes` that are
        documents or sets; None when not current."""
        if not self.current():
            return None
        from kg.analytics.common import unpack_records

        return unpack_records(
            row for chunk in _batches(nodes, 500) for row in self.db.execute(
                f"SELECT n.iri, r.rec FROM nodes n JOIN records r ON r.id = n.id "
                f"WHERE n.iri IN ({','.join('?' * len(chunk))})", chunk))

    def snapshot(self) -> dict[str, Any]:
        """Entries (with their token bags), edges, hierarchy and memberships as plain
        values, to compare two catalogs of one store."""
        db = self.db
        entries = {}
        for e in self._entries(""):
            entries[e.node] = e.public() | {"key": e.key}
        bags_ = {r[0]: tuple(r[1:]) for r in db.execute(
            "SELECT n.iri, f.idt, f.words, f.iwords, f.text FROM fts f "
            "JOIN nodes n ON n.id = f.rowid")}
        for node, b in bags_.items():
            if node in entries:
                entries[node]["bags"] = b
        return {
            "entries": entries,
            "orphan_bags": sorted(set(bags_) - set(entries)),
            "edges": sorted(tuple(e.__dict__.values()) for e in self.all_edges()),
            "edge_graphs": sorted(db.execute(
                "SELECT e.link, n.iri FROM edges e JOIN nodes n ON n.id = e.g").fetchall()),
            "parents": sorted(db.execute(
                "SELECT c.iri, p.iri FROM parents x JOIN nodes c ON c.id = x.child "
                "JOIN nodes p ON p.id = x.parent").fetchall()),
            "members": sorted(db.execute(
                "SELECT g.iri, n.iri FROM mem m JOIN nodes g ON g.id = m.g "
                "JOIN nodes n ON n.id = m.n").fetchall()),
            "graphs": sorted(db.execute(
                "SELECT n.iri, g.stamp FROM graphs g JOIN nodes n ON n.id = g.id").fetchall()),
            "records": sorted(db.execute(
                "SELECT n.iri, r.rec FROM records r JOIN nodes n ON n.id = r.id").fetchall()),
        }


def _wal(db: sqlite3.Connection, *, attempts: int = 100) -> None:
    """Put the file in WAL mode. Switching a new file takes a lock that SQLite does not
    wait for (no busy handler), so connections opened at once try again."""
    for attempt in range(attempts):
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal" or \
                    db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal":
                return
        except sqlite3.OperationalError:
            if attempt == attempts - 1:
                raise
        time.sleep(0.05)
    raise sqlite3.OperationalError("the catalog could not be put in WAL mode")


def _edge(r: tuple[Any, ...]) -> Edge:
    """An Edge from a row of `Catalog._EDGE` (link, a, rel, b, src, start, end)."""
    return Edge(r[1], r[2], r[3], r[0], r[4], r[5], r[6])


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """A write transaction, rolled back when anything fails inside (the connection is
    never left inside a transaction, which would fail every later write)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _iso(stamp: str | None) -> str | None:
    """An xsd:dateTime as `kg.query` gives it (Python's ISO form: +00:00, not Z)."""
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp).isoformat()
    except ValueError:
        return stamp


def _bump(db: sqlite3.Connection) -> None:
    """A new catalog version (in the writing transaction): cached answers are stale, the
    counts of everything (facets of the empty search, the home page) are counted again."""
    db.execute("DELETE FROM combos")
    db.execute("INSERT INTO combos SELECT kind, type, level, year, COUNT(*) FROM entries "
               "GROUP BY 1, 2, 3, 4")
    db.execute("DELETE FROM issued")
    db.execute("INSERT INTO issued SELECT body, COUNT(*) FROM issuers GROUP BY body")
    db.execute("INSERT INTO meta VALUES ('version', '1') ON CONFLICT(k) DO UPDATE "
               "SET v = CAST(v AS INTEGER) + 1")




def _fts_query(text: str) -> tuple[str | None, list[str]]:
    """The FTS5 expression matching what `kg.search._match` may accept (a superset), and
    the number keys whose entries match exactly."""
    toks = [t for t in tokens(text) if t not in STOP] or tokens(text)
    keys = []
    if text.strip():
        k = id_key(text)
        if k:
            keys.append(k)
        for raw in text.split():
            if len(raw) > 4 and any(c.isdigit() for c in raw):
                k = id_key(raw)
                if k and k not in keys:
                    keys.append(k)
    if not toks:
        return None, keys
    parts = []
    for t in dict.fromkeys(toks):
        alt = f'"{t}"'                          # any indexed column: the three bags
        if len(t) >= 3 and not t.isdigit():
            alt = f'({alt} OR words : "{t}"*)'
        parts.append(alt)
    return " AND ".join(parts), keys


def _scaled(counts: Counter[str], scale: float) -> Counter[str]:
    """Counts taken on a sample, scaled to the whole (at least 1: the value was seen)."""
    if scale == 1.0:
        return counts
    return Counter({k: max(1, round(n * scale)) for k, n in counts.items()})


def _value(e: Entry, name: str) -> list[str]:
    if name == "kind":
        return [e.kind]
    if name == "type":
        return [e.type] if e.type else []
    if name == "issuer":
        return list(e.issuers)
    if name == "level":
        return [e.level] if e.level else []
    return [str(e.year)] if e.year else []


def _passes(e: Entry, filters: dict[str, str], skip: str | None = None) -> bool:
    return all(v in _value(e, k) for k, v in filters.items() if k != skip)


__all__ = ["Catalog", "bags"]
