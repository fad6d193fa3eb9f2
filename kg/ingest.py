"""The pipeline from files to the store: read → normalize → recognize → resolve → RDF → store.

Crash safety, source by source (tests/store/test_store_crash.py kills `kg ingest` with
SIGKILL mid-folder and checks it):
- the original bytes are written first (temporary file, fsync, rename: whole or absent);
- then the source's named graph is replaced in ONE store transaction (embedded: one
  pyoxigraph update; remote: one update request), so a source is complete or absent;
- IRIs are deterministic and each source owns exactly one graph named after it, so
  running the same command again replaces what is there and adds what is missing:
  no duplicates, whatever moment the first run died at.
"""
from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rdflib import URIRef

from kg import __version__
from kg.errors import InputError, KGError, StoreError
from kg.extract import extract_source
from kg.ids import Minter, source_key
from kg.rdf import Emitter
from kg.read import SourceDoc, iter_paths, read_bytes, read_path
from kg.store.base import Store, Triple

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    locator: str
    graph: str | None = None
    triples: int = 0
    documents: int = 0
    relations: int = 0
    error: str | None = None


@dataclass
class IngestReport:
    results: list[IngestResult] = field(default_factory=list)

    @property
    def ok(self) -> list[IngestResult]:
        return [r for r in self.results if r.error is None]

    @property
    def failed(self) -> list[IngestResult]:
        return [r for r in self.results if r.error is not None]


@dataclass
class Prepared:
    """A source read, extracted and emitted, ready to store (what a worker hands back)."""

    locator: str
    sha256: str
    raw: bytes
    graph: URIRef
    triples: list[Triple]
    documents: int
    relations: int


class Preparer:
    """Read source → its graph's triples: the CPU work of ingest, which touches no store."""

    def __init__(self, base_iri: str) -> None:
        self.minter = Minter(base_iri)
        self.emitter = Emitter(self.minter, version=__version__)

    def prepare(self, source: SourceDoc, *, now: datetime | None = None) -> Prepared:
        ex = extract_source(source)
        emitted = self.emitter.emit(source, source_key(source.locator, source.name), ex,
                                    now=now)
        return Prepared(source.locator, source.sha256, source.raw, emitted.graph,
                        emitted.triples, len(ex.documents), len(ex.relations))

    def prepare_path(self, path: Path, *, now: datetime | None = None
                     ) -> Prepared | InputError:
        """`prepare` of a file, or the InputError that says why it cannot be read."""
        try:
            return self.prepare(read_path(path), now=now)
        except InputError as e:
            return e


class Pipeline:
    """Ingests sources into one store under one base IRI."""

    def __init__(self, store: Store, *, base_iri: str,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.preparer = Preparer(base_iri)
        self._vocabulary_checked = False
        self.clock = clock  # the ingestion time stamped on each source; None: now

    def ensure_vocabulary(self) -> None:
        """Keep the ontology and its SKOS schemes in their own graph, current with the files.

        SPARQL users then get the labels of types, levels and relations from the store.
        """
        if self._vocabulary_checked:
            return
        from rdflib import Literal, URIRef

        from kg.ns import DCTERMS, ONTOLOGY_IRI
        from kg.ontology import ontology_digest, skolem_ontology_graph

        graph, digest = URIRef(ONTOLOGY_IRI), ontology_digest()
        if not self.store.ask(f'ASK {{ GRAPH <{graph}> {{ <{graph}> <{DCTERMS.hasVersion}> '
                              f'"{digest}" }} }}'):
            triples = [*skolem_ontology_graph(), (graph, DCTERMS.hasVersion, Literal(digest))]
            self.store.replace_graph(graph, triples)  # type: ignore[arg-type]
        self._vocabulary_checked = True

    def store_prepared(self, p: Prepared) -> IngestResult:
        """Keep the original bytes, then replace the source's graph in one transaction."""
        self.ensure_vocabulary()
        self.store.put_original(p.sha256, p.raw)
        self.store.replace_graph(p.graph, p.triples)
        return IngestResult(p.locator, str(p.graph), len(p.triples), p.documents,
                            p.relations)

    def ingest_source(self, source: SourceDoc) -> IngestResult:
        """Extract one read source and replace its graph in the store."""
        return self.store_prepared(self.preparer.prepare(
            source, now=self.clock() if self.clock else None))

    def ingest_paths(self, paths: Iterable[Path], *,
                     progress: Callable[[list[Path]], Iterable[Path]] | None = None,
                     keep_going: bool = True, jobs: int | None = 1) -> IngestReport:
        """Ingest every supported file under `paths`; bad files are reported, not fatal.

        With `jobs` > 1 (None: as many as pay off here), worker processes read and extract
        while this process stores, in the files' order: writes stay in one process, one
        source per transaction, so crash safety is the same as with one job.

        A store error stops the run (the next sources would meet it too) and says which
        source was not stored and how many were: running the command again finishes.
        """
        report = IngestReport()
        files = list(iter_paths(paths))
        with _prepared(self, files, default_jobs(len(files)) if jobs is None else jobs
                       ) as prepared:
            for path, item in zip(progress(files) if progress else files, prepared,
                                  strict=True):
                try:
                    if isinstance(item, InputError):
                        raise item
                    report.results.append(self.store_prepared(item))
                except InputError as e:
                    if not keep_going:
                        raise
                    log.warning("%s", e.message)
                    report.results.append(IngestResult(str(path), error=e.message))
                except StoreError as e:
                    raise StoreError(f"{path} was not stored ({len(report.ok)} of "
                                     f"{len(files)} sources stored before it): "
                                     f"{e.message}") from e
        return report

    def ingest_bytes(self, data: bytes, *, name: str, locator: str) -> IngestResult:
        return self.ingest_source(read_bytes(data, name=name, locator=locator))

    def remove_source(self, graph: str) -> None:
        from rdflib import URIRef

        self.store.remove_graph(URIRef(graph))

    def reindex(self) -> IngestReport:
        """Extract every stored source again from its kept original bytes."""
        from kg.query import Queries

        report = IngestReport()
        for info in Queries(self.store).sources():
            data = self.store.get_original(info.sha256)
            if data is None:
                report.results.append(IngestResult(info.locator, error="original not kept"))
                continue
            try:
                report.results.append(self.ingest_source(
                    read_bytes(data, name=Path(info.locator).name, locator=info.locator)))
            except KGError as e:
                report.results.append(IngestResult(info.locator, error=e.message))
        return report


# -- parallel preparation ------------------------------------------------------------------

#: Below this many files per job, starting worker processes costs more than it saves.
MIN_FILES_PER_JOB = 8
#: Files handed to a worker at a time, and batches in flight per worker: enough to keep
#: the workers busy, few enough that prepared sources never pile up in memory.
_CHUNK, _AHEAD = 4, 3
_preparer: Preparer | None = None


def default_jobs(files: int) -> int:
    """Worker processes worth starting for `files` files on this machine."""
    return max(1, min(os.cpu_count() or 1, 8, files // MIN_FILES_PER_JOB))


@contextmanager
def _prepared(pipeline: Pipeline, files: list[Path], jobs: int
              ) -> Iterator[Iterator[Prepared | InputError]]:
    """The prepared sources of `files`, in order: here, or from `jobs` worker processes."""
    now = pipeline.clock() if pipeline.clock else None
    if jobs <= 1 or len(files) < 2:
        yield (pipeline.preparer.prepare_path(f, now=now) for f in files)
        return
    import multiprocessing as mp
    from concurrent.futures import Future, ProcessPoolExecutor

    # forkserver: workers do not inherit this process's open store and its threads.
    pool = ProcessPoolExecutor(jobs, mp_context=mp.get_context("forkserver"),
                               initializer=_init_worker, initargs=(pipeline.preparer.minter.base,))

    def results() -> Iterator[Prepared | InputError]:
        chunks = [files[i:i + _CHUNK] for i in range(0, len(files), _CHUNK)]
        window: deque[Future[list[Prepared | InputError]]] = deque()
        for chunk in chunks:
            window.append(pool.submit(_prepare_chunk, chunk, now))
            if len(window) >= jobs * _AHEAD:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()

    try:
        yield results()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _init_worker(base_iri: str) -> None:
    global _preparer
    _die_with_parent()
    _preparer = Preparer(base_iri)


def _prepare_chunk(paths: list[Path], now: datetime | None) -> list[Prepared | InputError]:
    """In a worker: `prepare_path` of each file (anything else raised ends the run, as it
    does with one job)."""
    assert _preparer is not None, "worker not initialised"
    return [_preparer.prepare_path(path, now=now) for path in paths]


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when `kg ingest` dies (SIGKILL included)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
