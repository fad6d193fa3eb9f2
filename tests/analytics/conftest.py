"""Stores with known answers for the analytics tests.

`chain_store`: the sample chain (97/2019/QH14 → 171-KH/TU → 03-TT/QU → the ward's
documents known by count) written from hand-made `Extraction`s through `kg.rdf.Emitter`,
so that the expected answers do not depend on the extraction engine; plus a source that
only names the bodies of another ward of Long Biên (Bồ Đề) that has not acted.

`generated`: a random graph written directly as triples, with its edge list, so that a
test can compute the answers itself by plain breadth-first search.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from rdflib import Literal, URIRef

from kg.extract.model import Body, DocumentRef, Extraction, Relation
from kg.ids import Minter
from kg.ns import ELI, KG, LEVEL, ORG, RDF, RDFS, SKOS, XSD
from kg.rdf import Emitter
from kg.store import open_store

BASE = "https://w3id.org/vnkg/id/"
M = Minter(BASE)

HN = "Thành phố Hà Nội"
LB = "Quận Long Biên"
DG = "Phường Đức Giang"
BD = "Phường Bồ Đề"

BODIES = {b.key: b for b in (
    Body("quoc-hoi", "Quốc hội", "quoc-hoi", "central"),
    Body("chinh-phu", "Chính phủ", "chinh-phu", "central"),
    Body("ban-chap-hanh-trung-uong", "Ban Chấp hành Trung ương Đảng",
         "ban-chap-hanh-trung-uong", "central"),
    Body("thanh-uy/ha-noi", "Thành ủy Hà Nội", "thanh-uy", "province", HN,
         "ban-chap-hanh-trung-uong"),
    Body("thanh-uy/ha-noi/ban-thuong-vu", "Ban Thường vụ Thành ủy Hà Nội", "thanh-uy",
         "province", HN, "thanh-uy/ha-noi"),
    Body("quan-uy/long-bien", "Quận ủy Long Biên", "quan-uy", "district", LB, "thanh-uy/ha-noi"),
    Body("dang-uy/phuong-duc-giang", "Đảng ủy phường Đức Giang", "dang-uy", "commune", DG,
         "quan-uy/long-bien"),
    Body("ubnd/thanh-pho-ha-noi", "UBND thành phố Hà Nội", "ubnd", "province", HN, "chinh-phu"),
    Body("ubnd/quan-long-bien", "UBND quận Long Biên", "ubnd", "district", LB,
         "ubnd/thanh-pho-ha-noi"),
    Body("ubnd/phuong-duc-giang", "UBND phường Đức Giang", "ubnd", "commune", DG,
         "ubnd/quan-long-bien"),
    Body("dang-uy/phuong-bo-de", "Đảng ủy phường Bồ Đề", "dang-uy", "commune", BD,
         "quan-uy/long-bien"),
    Body("ubnd/phuong-bo-de", "UBND phường Bồ Đề", "ubnd", "commune", BD,
         "ubnd/quan-long-bien"),
)}


def _bodies(*keys: str) -> list[Body]:
    """The bodies and every body above them, as the extractor lists them."""
    out: dict[str, Body] = {}
    for k in keys:
        while k and k not in out:
            out[k] = BODIES[k]
            k = BODIES[k].parent or ""
    return list(out.values())


def _doc(id_: str, type_: str, issuer: str, date_: str | None, year: int, **kw: object
         ) -> DocumentRef:
    return DocumentRef(key=id_, id=id_, type=type_, issuer=issuer, date=date_, year=year,
                       mention=id_, **kw)


NQ97 = _doc("97/2019/QH14", "nghi-quyet", "quoc-hoi", "2019-11-27", 2019)
KH171 = _doc("171-KH/TU", "ke-hoach", "thanh-uy/ha-noi/ban-thuong-vu", "2019-12-31", 2019)
TT03 = _doc("03-TT/QU", "thong-tri", "quan-uy/long-bien", "2021-04-22", 2021)
ND32 = _doc("32/2021/NĐ-CP", "nghi-dinh", "chinh-phu", "2021-03-29", 2021)
DU_NQ = DocumentRef(key="unnumbered: đu, nghị quyết", id=None, type="nghi-quyet",
                    issuer="dang-uy/phuong-duc-giang", count=1, mention="01 nghị quyết")
DU_KH = DocumentRef(key="unnumbered: đu, kế hoạch", id=None, type="ke-hoach",
                    issuer="dang-uy/phuong-duc-giang", count=1, mention="01 kế hoạch")
UB_VB = DocumentRef(key="unnumbered: ubnd, văn bản", id=None, type="van-ban",
                    issuer="ubnd/phuong-duc-giang", count=4, mention="04 văn bản")


def _rel(a: DocumentRef, rel: str, b: DocumentRef, quote: str) -> Relation:
    return Relation(a.key, rel, b.key, quote, 0, len(quote))


@dataclass
class FakeSource:
    locator: str
    name: str
    text: str
    sha256: str = "0" * 64
    media_type: str = "text/plain"
    title: str | None = None
    published: str | None = None
    url: str | None = None


SOURCES = [
    (FakeSource("samples/01.txt", "01", "ward news"), datetime(2024, 1, 10, tzinfo=UTC),
     Extraction("01", documents=[NQ97, KH171, TT03, ND32, DU_NQ, DU_KH, UB_VB],
                relations=[_rel(KH171, "implements", NQ97, "Kế hoạch thực hiện Nghị quyết"),
                           _rel(TT03, "implements", NQ97, "Thông tri triển khai"),
                           _rel(DU_NQ, "implements", TT03, "Để cụ thể hóa"),
                           _rel(DU_KH, "implements", TT03, "Để cụ thể hóa"),
                           _rel(UB_VB, "implements", TT03, "triển khai thực hiện")],
                bodies=_bodies("quoc-hoi", "chinh-phu", "thanh-uy/ha-noi/ban-thuong-vu",
                               "dang-uy/phuong-duc-giang", "ubnd/phuong-duc-giang"))),
    (FakeSource("samples/02.txt", "02", "plan"), datetime(2024, 1, 11, tzinfo=UTC),
     Extraction("02", documents=[NQ97, KH171],
                relations=[_rel(KH171, "implements", NQ97, "Thực hiện Nghị quyết số 97")],
                bodies=_bodies("quoc-hoi", "thanh-uy/ha-noi/ban-thuong-vu"))),
    (FakeSource("samples/03.txt", "03", "circular"), datetime(2024, 3, 1, tzinfo=UTC),
     Extraction("03", documents=[NQ97, KH171, TT03, ND32],
                relations=[_rel(TT03, "based_on", NQ97, "Căn cứ Nghị quyết số 97"),
                           _rel(TT03, "implements", KH171, "Thực hiện Kế hoạch số 171"),
                           _rel(TT03, "cites", ND32, "theo Nghị định số 32")],
                bodies=_bodies("quoc-hoi", "chinh-phu", "thanh-uy/ha-noi/ban-thuong-vu",
                               "quan-uy/long-bien"))),
    (FakeSource("samples/04.txt", "04", "another ward"), datetime(2024, 3, 2, tzinfo=UTC),
     Extraction("04", bodies=_bodies("dang-uy/phuong-bo-de", "ubnd/phuong-bo-de"))),
]


def doc_iri(d: DocumentRef, source_key: str = "01") -> str:
    """The IRI the emitter gives `d` (document sets are owned by source 01)."""
    from kg.ids import document_key

    if d.id is None:
        return str(M.document_set(source_key, d.key))
    place = BODIES[d.issuer].place if d.issuer else None
    return str(M.document(document_key(d.id, year=d.year, place=place)))


def body_iri(key: str) -> str:
    return str(M.body(key))


def build_chain(store) -> None:  # noqa: ANN001
    emitter = Emitter(M, version="test")
    for src, when, ex in SOURCES:
        emitted = emitter.emit(src, src.name, ex, now=when)
        store.replace_graph(emitted.graph, emitted.triples)


@pytest.fixture
def chain_store():
    """The sample chain and the bodies of a ward that has not acted, in memory."""
    s = open_store("memory")
    build_chain(s)
    yield s
    s.close()


# -- generated graphs --------------------------------------------------------------------

G = "https://example.org/gen/"
LEVELS = ("central", "province", "district", "commune")


@dataclass
class Generated:
    """A graph with its own edge list: (acting doc, rel, object) over document numbers."""

    edges: list[tuple[str, str, str]] = field(default_factory=list)
    docs: dict[str, dict] = field(default_factory=dict)      # iri → {id, issuer, date}
    bodies: dict[str, dict] = field(default_factory=dict)    # iri → {level, parent}
    triples: list = field(default_factory=list)

    def doc(self, name: str, id_: str, issuer: str, when: date) -> str:
        d = G + "doc/" + name
        self.docs[d] = {"id": id_, "issuer": issuer, "date": when.isoformat()}
        u = URIRef(d)
        self.triples += [(u, RDF.type, KG.Document), (u, ELI.id_local, Literal(id_)),
                         (u, RDFS.label, Literal(f"Văn bản {id_}", lang="vi")),
                         (u, ELI.passed_by, URIRef(issuer)),
                         (u, ELI.date_document, Literal(when.isoformat(), datatype=XSD.date))]
        return d

    def body(self, name: str, level: str, parent: str | None, place: str | None = None) -> str:
        b = G + "body/" + name
        self.bodies[b] = {"level": level, "parent": parent}
        u = URIRef(b)
        self.triples += [(u, RDF.type, KG.Body), (u, RDF.type, ORG.Organization),
                         (u, SKOS.prefLabel, Literal(name, lang="vi")),
                         (u, KG.level, LEVEL[level])]
        if place:
            self.triples.append((u, KG.place, Literal(place)))
        if parent:
            self.triples.append((u, ORG.subOrganizationOf, URIRef(parent)))
        return b

    def link(self, a: str, rel: str, b: str) -> None:
        self.edges.append((a, rel, b))
        self.triples.append((URIRef(a), KG[rel], URIRef(b)))
        n = URIRef(G + f"link/{len(self.edges)}")
        self.triples += [(n, RDF.type, KG.Link), (n, KG.linkFrom, URIRef(a)),
                         (n, KG.linkTo, URIRef(b)), (n, KG.relation, KG[rel]),
                         (n, KG.quote, Literal(f"{rel} {len(self.edges)}", lang="vi")),
                         (n, KG.inSource, URIRef(G + "source/gen"))]


def generate(seed: int) -> Generated:
    """Ten levels deep with diamonds, cycles, cross links and shared numbers.

    Bodies form a tree: one central body, 2 provinces, 2 districts each, 2 communes each.
    Documents: a chain of depth 10 below a national root, each layer implementing one or
    two documents of the layer above (diamonds), back links that close cycles, `cites`
    edges that only the upstream trace follows, and pairs of documents sharing a number
    across issuers.
    """
    rnd = random.Random(seed)
    g = Generated()
    central = g.body("tw", "central", None)
    provinces = [g.body(f"p{i}", "province", central, f"P{i}") for i in range(2)]
    districts = [g.body(f"p{i}d{j}", "district", p, f"P{i}D{j}")
                 for i, p in enumerate(provinces) for j in range(2)]
    communes = [g.body(f"{d.rsplit('/', 1)[1]}c{k}", "commune", d, f"C{k}")
                for d in districts for k in range(2)]
    by_level = {0: [central], 1: provinces, 2: districts, 3: communes}
    start = date(2015, 1, 1)
    layers: list[list[str]] = []
    root = g.doc("root", "1/2015/QH13", central, start)
    layers.append([root])
    for depth in range(1, 11):
        layer = []
        for k in range(rnd.randint(2, 4)):
            issuer = rnd.choice(by_level[min(depth, 3)])
            when = start + timedelta(days=30 * depth + rnd.randint(0, 20))
            # the same number at different issuers: "n-KH/ĐU" per layer
            d = g.doc(f"l{depth}n{k}", f"{k + 1}-KH/ĐU", issuer, when)
            parents = rnd.sample(layers[-1], k=min(len(layers[-1]), rnd.randint(1, 2)))
            for p in parents:
                g.link(d, rnd.choice(("implements", "details", "guides", "based_on")), p)
            layer.append(d)
        layers.append(layer)
    # cycles: an ancestor of a deep document is "based on" it (a loop down and up)
    deep = anc = layers[6][0]
    for _ in range(3):
        anc = next(b for a, _, b in g.edges if a == anc)
    g.link(anc, "based_on", deep)
    g.link(layers[8][0], "implements", layers[8][-1]) if len(layers[8]) > 1 else None
    # citations and an unrelated document the downstream trace must not reach
    other = g.doc("other", "1/2015/QH13-x", central, start)
    g.link(layers[5][0], "cites", other)
    g.link(other, "amends", g.doc("older", "9/2010/QH12", central, date(2010, 5, 5)))
    # an isolated chain with the same numbers under another issuer
    twin = g.doc("twin", "1-KH/ĐU", communes[-1], date(2016, 1, 1))
    g.link(twin, "implements", other)
    g.layers = layers  # type: ignore[attr-defined]
    g.by_level = by_level  # type: ignore[attr-defined]
    return g


@pytest.fixture(params=[1, 2, 3])
def generated(request):
    """A generated graph (three seeds) and its store."""
    g = generate(request.param)
    s = open_store("memory")
    s.replace_graph(URIRef(G + "source/gen"), g.triples)
    yield g, s
    s.close()
