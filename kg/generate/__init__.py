"""A realistic generated corpus of Vietnamese policy documents, for benchmarks and tests.

`kg generate --documents N --seed S` draws Vietnam's pre-2025 administrative tree, its
bodies, implementation cascades, amendments and news articles (see `corpus.py`), then
writes either the texts (to measure the ingest pipeline end to end) or an N-Quads dump made
through `kg.rdf.Emitter` from the Extraction each text states (to build large stores fast,
without running extraction). The same seed gives the same bytes.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import BinaryIO

from rdflib import BNode, Literal
from rdflib.term import Identifier

from kg.extract.model import Extraction
from kg.generate.corpus import Corpus, Doc, generate
from kg.generate.render import render_doc, render_news, source_of, title
from kg.ids import Minter, source_key
from kg.rdf import Emitter

__all__ = ["Corpus", "generate", "write_nquads", "write_texts", "iter_sources", "Stats"]


@dataclass
class Stats:
    documents: int = 0
    news: int = 0
    sources: int = 0
    quads: int = 0
    bytes: int = 0

    def add(self, item: Item, size: int) -> None:
        """Count one written source of `size` bytes."""
        self.sources += 1
        self.bytes += size
        if item.doc is not None:
            self.documents += 1
        else:
            self.news += 1


@dataclass
class Item:
    """One generated source: its name, text, what it says, and the document it is."""

    name: str
    kind: str
    text: str
    extraction: Extraction
    day: date
    title: str
    doc: Doc | None


def iter_sources(corpus: Corpus) -> Iterator[Item]:
    """Every text of the corpus in a stable order: documents by date, then news by date."""
    for d in sorted(corpus.docs, key=lambda d: (d.day, d.idx)):
        text, ex, kind = render_doc(d, corpus.bodies, seed=corpus.seed)
        yield Item(f"doc-{d.idx:07d}", kind, text, ex, d.day, f"{d.id} {title(d)}", d)
    for n in sorted(corpus.news, key=lambda n: (n.day, n.idx)):
        text, ex, kind = render_news(n, corpus.bodies, seed=corpus.seed)
        yield Item(f"news-{n.idx:07d}", kind, text, ex, n.day,
                   text.split("---\n", 1)[1].split("\n", 1)[0], None)


_ESC = re.compile(r'[\\"\n\r]')
_ESC_MAP = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}


def nt_term(t: Identifier) -> str:
    """A term in N-Triples syntax (escapes per RDF 1.1 N-Triples §2.4)."""
    if isinstance(t, Literal):
        lex = _ESC.sub(lambda m: _ESC_MAP[m.group(0)], str(t))
        if t.language:
            return f'"{lex}"@{t.language}'
        if t.datatype is not None and str(t.datatype) != "http://www.w3.org/2001/XMLSchema#string":
            return f'"{lex}"^^<{t.datatype}>'
        return f'"{lex}"'
    if isinstance(t, BNode):
        return f"_:{t}"
    return f"<{t}>"


def write_nquads(corpus: Corpus, out: BinaryIO, *, base_iri: str,
                 progress: Callable[[int], None] | None = None) -> Stats:
    """Write the corpus as N-Quads through kg.rdf.Emitter: one named graph per source, and
    each triple again in the default graph, the merge the embedded store keeps (a dump
    as `kg export` writes it; repeated lines are one quad)."""
    emitter = Emitter(Minter(base_iri))
    stats = Stats()
    for item in iter_sources(corpus):
        src = source_of(item.name, item.text, item.day, item.title)
        key = source_key(src.locator, src.name)
        item.extraction.source = src.locator
        # The extraction time is the text's date at noon: the dump depends on the seed only.
        now = datetime.combine(item.day, time(12), tzinfo=UTC)
        emitted = emitter.emit(src, key, item.extraction, now=now)
        g = f" <{emitted.graph}> .\n"
        triples = [f"{nt_term(s)} {nt_term(p)} {nt_term(o)}" for s, p, o in emitted.triples]
        lines = [t + g for t in triples] + [t + " .\n" for t in triples]
        data = "".join(lines).encode("utf-8")
        out.write(data)
        stats.quads += len(lines)
        stats.add(item, len(data))
        if progress:
            progress(1)
    return stats


def write_texts(corpus: Corpus, folder: Path, *,
                progress: Callable[[int], None] | None = None) -> Stats:
    """Write each source as a UTF-8 .txt file (1,000 a folder) and manifest.jsonl beside.

    The manifest holds, a line per text, what the text states: its file, its own document
    (id, type, issuer, date) and its links, so that tests can check extraction against it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stats = Stats()
    with (folder / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for i, item in enumerate(iter_sources(corpus)):
            sub = folder / f"{i // 1000:04d}"
            if i % 1000 == 0:
                sub.mkdir(exist_ok=True)
            path = sub / f"{item.name}.txt"
            data = item.text.encode("utf-8")
            path.write_bytes(data)
            ex = item.extraction
            d = item.doc
            manifest.write(json.dumps({
                "file": str(path.relative_to(folder)), "kind": item.kind,
                "id": d.id if d else None, "type": d.type if d else None,
                "issuer": d.issuer.key if d else None,
                "level": d.issuer.level if d else None,
                "date": d.day.isoformat() if d else item.day.isoformat(),
                "documents": [x.id for x in ex.documents if x.id],
                "relations": [[r.source.split("@")[0], r.rel, r.target.split("@")[0]]
                              for r in ex.relations],
            }, ensure_ascii=False) + "\n")
            stats.add(item, len(data))
            if progress:
                progress(1)
    return stats
