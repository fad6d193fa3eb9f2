"""Plain dataclasses that extraction returns: mentions with character spans, no RDF.

`Extraction.to_json()` gives the form `../shared/tools/score_extraction.py` reads.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Correction:
    """A repair made to what the text says, e.g. the typo `QL14` → `QH14`."""

    field: str
    original: str
    corrected: str
    reason: str = ""


@dataclass
class Body:
    """An organisation named in the text, placed in the hierarchy where context allows.

    `key` is stable across texts ("ubnd/phuong-duc-giang"); `kind` is a body-kind code of
    `kg.extract.tables.BODY_KINDS` ("ubnd", "thanh-uy", "quoc-hoi"…); `level` one of
    central, province, district, commune; `parent` the key of the body above it.
    """

    key: str
    name: str
    kind: str
    level: str | None = None
    place: str | None = None
    parent: str | None = None
    mention: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class DocumentRef:
    """A document the text refers to (or is).

    `id` is the official number and symbol ("97/2019/QH14", "171-KH/TU") with typos
    corrected, or None when the text gives no number: never invented. `key` names the
    document inside one extraction (the id, or "unnumbered: <issuer>, <mention>") and is
    what relations point at. `type` is a type key of `kg.extract.tables.DOC_TYPES`
    ("nghi-quyet"); `issuer` a body key; `count` is set for documents known only by count.
    """

    key: str
    id: str | None
    type: str | None = None
    number: str | None = None
    year: int | None = None
    symbol: str | None = None
    issuer: str | None = None
    issuers: list[str] = field(default_factory=list)
    date: str | None = None
    title: str | None = None
    signer: str | None = None
    mention: str = ""
    start: int = 0
    end: int = 0
    self: bool = False
    count: int | None = None
    corrections: list[Correction] = field(default_factory=list)
    confidence: float = 1.0


@dataclass
class Relation:
    """A typed link from the acting document to its object, with the sentence as evidence.

    `rel` is one of `kg.extract.tables.RELATIONS` (based_on, implements, …); `source` and
    `target` are `DocumentRef.key`s; `start`/`end` span the evidence in the text.
    """

    source: str
    rel: str
    target: str
    evidence: str
    start: int
    end: int
    confidence: float = 1.0
    scope: str | None = None


@dataclass
class Person:
    """A person with a post: "Lương Hồng Điệp", "Chủ tịch UBND phường", body key."""

    name: str
    role: str | None = None
    body: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Event:
    """A conference, dialogue or meeting: kind, date, the body that held it, what it reviews."""

    kind: str
    label: str
    date: str | None = None
    body: str | None = None
    reviews: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Extraction:
    """Everything found in one text."""

    source: str
    documents: list[DocumentRef] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def document(self, key: str) -> DocumentRef | None:
        for doc in self.documents:
            if doc.key == key:
                return doc
        return None

    def to_json(self) -> dict[str, Any]:
        """The scorer's form: documents with id, relations with from/rel/to, people."""
        from kg.extract.tables import DOC_TYPES

        def doc_json(d: DocumentRef) -> dict[str, Any]:
            out = asdict(d)
            out["type"] = DOC_TYPES[d.type].vi if d.type in DOC_TYPES else d.type
            out["issuer"] = self._body_name(d.issuer)
            out["issuers"] = [self._body_name(k) for k in d.issuers]
            return out

        return {
            "source": self.source,
            "documents": [doc_json(d) for d in self.documents],
            "relations": [
                {"from": r.source, "rel": r.rel, "to": r.target, "evidence": r.evidence,
                 "start": r.start, "end": r.end, "confidence": r.confidence,
                 **({"scope": r.scope} if r.scope else {})}
                for r in self.relations
            ],
            "bodies": [asdict(b) for b in self.bodies],
            "people": [
                {"name": p.name, "role": p.role, "body": self._body_name(p.body),
                 "start": p.start, "end": p.end}
                for p in self.people
            ],
            "events": [asdict(e) for e in self.events],
        }

    def _body_name(self, key: str | None) -> str | None:
        if key is None:
            return None
        for b in self.bodies:
            if b.key == key:
                return b.name
        return key
