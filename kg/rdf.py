"""The only module that makes triples: an Extraction and its source → one named graph.

Documents, bodies and people get deterministic IRIs shared across sources; mentions,
links (with their evidence) and corrections are nodes owned by the source, so that
removing a source removes exactly what it said.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

from rdflib import Literal, URIRef

from kg import __version__
from kg.extract.model import Body, DocumentRef, Extraction
from kg.extract.tables import BODY_KINDS, DOC_TYPES, RELATIONS
from kg.ids import Minter, document_key, slug
from kg.ns import BODYKIND, DCTERMS, DOCTYPE, ELI, FOAF, KG, LEVEL, ORG, PROV, RDF, RDFS, SKOS, XSD
from kg.store.base import Triple

# Central bodies of which there is one, so that a body kind names them: an extraction may
# give one as a parent without listing it, and the emitter describes it from the table.
CENTRAL_SINGLETONS = frozenset({"quoc-hoi", "ubtvqh", "chu-tich-nuoc", "chinh-phu", "thu-tuong",
                                "ban-chap-hanh-trung-uong", "bo-chinh-tri", "ban-bi-thu"})
# Body kinds whose bodies are organs of the Party (kg:PartyCommittee).
PARTY_BODY_KINDS = frozenset({"ban-chap-hanh-trung-uong", "bo-chinh-tri", "ban-bi-thu",
                              "thanh-uy", "quan-uy", "dang-uy", "dang-uy-khoi"})


#: Relations every statement of which has a kg:Link beside it (`Emitter`: a relation
#: between documents); an event's kg:reviews of a document has none.
LINKED_RELATIONS = frozenset(RELATIONS) - {"reviews"}


class SourceLike(Protocol):
    locator: str
    name: str
    sha256: str
    media_type: str
    text: str
    title: str | None
    published: str | None
    url: str | None


@dataclass
class Emitted:
    graph: URIRef
    triples: list[Triple]


def _lit(value: object, datatype: URIRef | None = None, lang: str | None = None) -> Literal:
    return Literal(value, datatype=datatype, lang=lang)


class Emitter:
    """Turns one source's extraction into triples under a base IRI."""

    def __init__(self, minter: Minter, *, version: str = __version__) -> None:
        self.m = minter
        self.version = version

    def emit(self, source: SourceLike, source_key: str, ex: Extraction,
             *, now: datetime | None = None) -> Emitted:
        src = self.m.source(source_key)
        triples: list[Triple] = list(self._source(src, source_key, source, now))
        bodies = {b.key: b for b in ex.bodies}
        # Parents named but not listed: a central singleton is described from the table;
        # any other is left out, as a link to a body nobody describes would dangle.
        for b in ex.bodies:
            if b.parent and b.parent not in bodies and b.parent in CENTRAL_SINGLETONS:
                kind = BODY_KINDS[b.parent]
                bodies[b.parent] = Body(kind.key, kind.vi, kind.key, kind.level)
        doc_iris = {d.key: self._doc_iri(d, bodies, source_key) for d in ex.documents}
        for b in bodies.values():
            triples.extend(self._body(b, bodies))
        for d in ex.documents:
            triples.extend(self._document(d, doc_iris[d.key], bodies, src, source_key))
        for i, r in enumerate(ex.relations):
            if r.source not in doc_iris or r.target not in doc_iris or r.rel not in RELATIONS:
                continue
            frm, obj = doc_iris[r.source], doc_iris[r.target]
            prop: URIRef = KG[r.rel]
            triples.append((frm, prop, obj))
            link = self.m.node("link", source_key, str(i), r.source, r.rel, r.target)
            triples += [
                (link, RDF.type, KG.Link), (link, KG.linkFrom, frm), (link, KG.linkTo, obj),
                (link, KG.relation, prop), (link, KG.inSource, src),
                (link, KG.quote, _lit(r.evidence, lang="vi")),
                (link, KG.startOffset, _lit(r.start)), (link, KG.endOffset, _lit(r.end)),
                (link, KG.confidence, _decimal(r.confidence)),
            ]
            if r.scope:
                triples.append((link, KG.scope, _lit(r.scope)))
        for p in ex.people:
            triples.extend(self._person(p.name, p.role, p.body, src))
        for i, e in enumerate(ex.events):
            ev = self.m.node("event", source_key, str(i), e.label)
            triples += [(ev, RDF.type, KG.Event), (ev, RDFS.label, _lit(e.label, lang="vi")),
                        (ev, KG.eventKind, _lit(e.kind)), (ev, KG.inSource, src)]
            if e.date:
                triples.append((ev, DCTERMS.date, _date(e.date)))
            if e.body:
                triples.append((ev, KG.heldBy, self.m.body(e.body)))
            if e.reviews and e.reviews in doc_iris:
                triples.append((ev, KG.reviews, doc_iris[e.reviews]))
        return Emitted(src, triples)

    # -- parts -------------------------------------------------------------------------

    def _source(self, src: URIRef, key: str, s: SourceLike,
                now: datetime | None) -> Iterator[Triple]:
        act = self.m.activity(key, self.version)
        agent = self.m.node("agent", "vnkg", self.version)
        yield from [
            (src, RDF.type, KG.Source), (src, RDF.type, PROV.Entity),
            (src, KG.locator, _lit(s.locator)), (src, KG.sha256, _lit(s.sha256)),
            (src, KG.mediaType, _lit(s.media_type)), (src, RDFS.label, _lit(s.title or s.name)),
            (src, KG.text, _lit(s.text, lang="vi")), (src, PROV.wasGeneratedBy, act),
            (act, RDF.type, KG.Extraction), (act, RDF.type, PROV.Activity),
            (act, KG.extractorVersion, _lit(self.version)),
            (act, PROV.wasAssociatedWith, agent), (agent, RDF.type, PROV.SoftwareAgent),
            (agent, RDFS.label, _lit(f"vnkg {self.version}")),
            (act, PROV.endedAtTime, _lit((now or datetime.now(UTC)).isoformat(),
                                         XSD.dateTime)),
        ]
        if s.title:
            yield (src, DCTERMS.title, _lit(s.title, lang="vi"))
        if s.published:
            yield (src, DCTERMS.issued, _date(s.published))
        if s.url:
            yield (src, DCTERMS.source, URIRef(s.url))

    def _doc_iri(self, d: DocumentRef, bodies: dict[str, Body], source_key: str) -> URIRef:
        if d.id is None:
            return self.m.document_set(source_key, d.key)
        return self.m.document(document_key(d.id, year=_year(d), place=self._place(d, bodies)))

    @staticmethod
    def _place(d: DocumentRef, bodies: dict[str, Body]) -> str | None:
        issuer = bodies.get(d.issuer) if d.issuer else None
        return issuer.place if issuer else None

    def _provisional(self, d: DocumentRef, bodies: dict[str, Body]) -> bool:
        """True when the document's identity lacks what its number needs (year, place).

        `document_key` adds the year and place only where the number needs them, so a key
        that changes when the missing ones are filled in was made without them.
        """
        if d.id is None:
            return True
        year, place = _year(d), self._place(d, bodies)
        return document_key(d.id, year=year, place=place) != document_key(
            d.id, year=year or 1, place=place or "?")

    def _document(self, d: DocumentRef, iri: URIRef, bodies: dict[str, Body], src: URIRef,
                  source_key: str) -> Iterator[Triple]:
        doctype = DOC_TYPES.get(d.type or "")
        if d.id is None and d.count is not None:
            # Known only by count ("04 văn bản"): a set, not a document.
            yield (iri, RDF.type, KG.DocumentSet)
            label = d.mention
        else:
            # One document; without a full number (an unnumbered decision, "Kết luận số 155"
            # with no symbol) it is kept, marked provisional, under the source that saw it.
            yield (iri, RDF.type, KG.Document)
            if doctype and doctype.family == "normative":
                yield (iri, RDF.type, ELI.LegalResource)
            if doctype and doctype.family == "party":
                yield (iri, RDF.type, KG.PartyDocument)
            if d.id is not None:
                yield (iri, ELI.id_local, _lit(d.id))
            if self._provisional(d, bodies):
                yield (iri, KG.provisional, _lit(True))
            label = (f"{doctype.vi} {d.id}" if doctype else d.id) if d.id else d.mention
        yield (iri, RDFS.label, _lit(label, lang="vi"))
        if doctype:
            yield (iri, KG.documentType, DOCTYPE[doctype.key])
        for field_, prop in (("number", KG.number), ("symbol", KG.symbol)):
            value = getattr(d, field_)
            if value:
                yield (iri, prop, _lit(value))
        if d.year:
            yield (iri, KG.year, _lit(d.year))
        if d.date:
            yield (iri, ELI.date_document, _date(d.date))
        if d.title:
            yield (iri, ELI.title, _lit(d.title, lang="vi"))
        if d.count is not None:
            yield (iri, KG.count, _lit(d.count))
        for issuer in dict.fromkeys([d.issuer, *d.issuers]):
            if issuer:
                yield (iri, ELI.passed_by, self.m.body(issuer))
        if d.signer:
            yield from self._person(d.signer, None, d.issuer, src)
            yield (iri, KG.signer, self.m.person(d.signer, d.issuer))
        if d.self:
            yield (src, KG.isSelf, iri)
        mention = self.m.node("mention", source_key, d.key, str(d.start))
        yield from [(mention, RDF.type, KG.Mention), (mention, KG.mentionOf, iri),
                    (mention, KG.inSource, src), (mention, KG.text, _lit(d.mention)),
                    (mention, KG.startOffset, _lit(d.start)), (mention, KG.endOffset, _lit(d.end)),
                    (mention, KG.confidence, _decimal(d.confidence))]
        for c in d.corrections:
            corr = self.m.node("correction", source_key, d.key, c.field, c.original)
            yield from [(corr, RDF.type, KG.Correction), (iri, KG.correction, corr),
                        (corr, KG.inSource, src), (corr, KG.correctedField, _lit(c.field)),
                        (corr, KG.originalValue, _lit(c.original)),
                        (corr, KG.correctedValue, _lit(c.corrected))]
            if c.reason:
                yield (corr, RDFS.comment, _lit(c.reason))

    def _body(self, b: Body, bodies: dict[str, Body]) -> Iterator[Triple]:
        iri = self.m.body(b.key)
        yield from [(iri, RDF.type, KG.Body), (iri, RDF.type, ORG.Organization),
                    (iri, SKOS.prefLabel, _lit(b.name, lang="vi"))]
        if b.kind in PARTY_BODY_KINDS:
            yield (iri, RDF.type, KG.PartyCommittee)
        if b.kind in BODY_KINDS:
            yield (iri, KG.bodyKind, BODYKIND[b.kind])
        if b.level:
            yield (iri, KG.level, LEVEL[b.level])
        if b.place:
            yield (iri, KG.place, _lit(b.place))
        if b.place and b.level != "central":
            # The body's administrative unit; the unit of the body above it contains it.
            unit = self._unit(b.place)
            yield from [(iri, KG.adminUnit, unit), (unit, RDF.type, KG.AdminUnit),
                        (unit, SKOS.prefLabel, _lit(b.place, lang="vi"))]
            if b.level:
                yield (unit, KG.level, LEVEL[b.level])
            parent = bodies.get(b.parent or "")
            if parent and parent.place and parent.place != b.place and parent.level != "central":
                yield (unit, KG.partOf, self._unit(parent.place))
        if b.parent and b.parent in bodies:
            yield (iri, ORG.subOrganizationOf, self.m.body(b.parent))

    def _unit(self, place: str) -> URIRef:
        # Keyed like bodies are (by the unit's full name), under the minter's base.
        return URIRef(f"{self.m.base}unit/{slug(place)}")

    def unit_change(self, key: str, *, date: str, original: list[str], resulting: list[str],
                    basis: URIRef | None = None, label: str | None = None) -> list[Triple]:
        """Triples of a change of administrative units (a merger, split, renaming).

        For registers of the reorganisations (Nghị quyết 653/2019/UBTVQH14, the 2025
        reform): `original` and `resulting` are full unit names ("Phường Đức Giang"),
        `basis` the IRI of the deciding document, `date` when it took effect.
        """
        ev = self.m.node("unit-change", key)
        out: list[Triple] = [(ev, RDF.type, KG.AdminUnitChange), (ev, DCTERMS.date, _date(date)),
                             (ev, RDFS.label, _lit(label or key, lang="vi"))]
        for prop, names in ((KG.originalUnit, original), (KG.resultingUnit, resulting)):
            for name in names:
                unit = self._unit(name)
                out += [(ev, prop, unit), (unit, RDF.type, KG.AdminUnit),
                        (unit, SKOS.prefLabel, _lit(name, lang="vi"))]
        if basis is not None:
            out.append((ev, KG.changeBasis, basis))
        return out

    def _person(self, name: str, role: str | None, body: str | None,
                src: URIRef) -> Iterator[Triple]:
        person = self.m.person(name, body)
        yield from [(person, RDF.type, KG.Person), (person, RDF.type, FOAF.Person),
                    (person, FOAF.name, _lit(name))]
        if role:
            post = self.m.post(role, body)
            yield from [(post, RDF.type, ORG.Post), (post, SKOS.prefLabel, _lit(role, lang="vi")),
                        (person, ORG.holds, post)]
            if body:
                yield (post, ORG.postIn, self.m.body(body))


def _decimal(x: float) -> Literal:
    """An xsd:decimal whose value is a Decimal: a float value is ill-typed for validators."""
    return Literal(Decimal(str(x)), datatype=XSD.decimal)


def _date(iso: str) -> Literal:
    """An ISO date as xsd:date, or xsd:gYearMonth / xsd:gYear when the text gives no day."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}.get(len(iso))
    return Literal(iso, datatype=datatype) if datatype else Literal(iso)


def _year(d: DocumentRef) -> int | None:
    """The year of issue: stated, or read off the date (a Party number carries none)."""
    if d.year:
        return d.year
    return int(d.date[:4]) if d.date and d.date[:4].isdigit() else None
