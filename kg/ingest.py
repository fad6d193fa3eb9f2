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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kg import __version__
from kg.errors import InputError, KGError, StoreError
from kg.extract import extract_source
from kg.ids import Minter, source_key
from kg.rdf import Emitter
from kg.read import SourceDoc, iter_paths, read_bytes, read_path
from kg.store.base import Store

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


class Pipeline:
    """Ingests sources into one store under one base IRI."""

    def __init__(self, store: Store, *, base_iri: str,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.minter = Minter(base_iri)
        self.emitter = Emitter(self.minter, version=__version__)
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

    def ingest_source(self, source: SourceDoc) -> IngestResult:
        """Extract one read source and replace its graph in the store."""
        self.ensure_vocabulary()
        key = source_key(source.locator, source.name)
        ex = extract_source(source)
        emitted = self.emitter.emit(source, key, ex,
                                    now=self.clock() if self.clock else None)
        self.store.put_original(source.sha256, source.raw)
        self.store.replace_graph(emitted.graph, emitted.triples)
        return IngestResult(source.locator, str(emitted.graph), len(emitted.triples),
                            len(ex.documents), len(ex.relations))

    def ingest_paths(self, paths: Iterable[Path], *,
                     progress: Callable[[list[Path]], Iterable[Path]] | None = None,
                     keep_going: bool = True) -> IngestReport:
        """Ingest every supported file under `paths`; bad files are reported, not fatal.

        A store error stops the run (the next sources would meet it too) and says which
        source was not stored and how many were: running the command again finishes.
        """
        report = IngestReport()
        files = list(iter_paths(paths))
        for path in (progress(files) if progress else files):
            try:
                report.results.append(self.ingest_source(read_path(path)))
            except InputError as e:
                if not keep_going:
                    raise
                log.warning("%s", e.message)
                report.results.append(IngestResult(str(path), error=e.message))
            except StoreError as e:
                raise StoreError(f"{path} was not stored ({len(report.ok)} of {len(files)} "
                                 f"sources stored before it): {e.message}") from e
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
