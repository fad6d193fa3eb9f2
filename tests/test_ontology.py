"""The ontology, its schemes and shapes, and the data the emitter makes, checked together."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS
from rdflib.plugins.sparql import prepareQuery

from kg import ontology
from kg.extract.model import (
    Body,
    Correction,
    DocumentRef,
    Event,
    Extraction,
    Person,
    Relation,
)
from kg.extract.tables import BODY_KINDS, DOC_TYPES, LEVELS, RELATIONS
from kg.ids import Minter
from kg.ns import BODYKIND, DOCTYPE, ELI, KG, LEVEL, STATUS
from kg.rdf import Emitter
from tests.conftest import corpus_dir

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/vnkg/id/"
OWN = str(KG._NS)
# Vocabularies the project reuses, each a DefinedNamespace that knows its own terms.
REUSED = (ELI, ORG, PROV, FOAF, SKOS, DCTERMS, RDF, RDFS, OWL)
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


# ---- a hand-built extraction: the Đức Giang chain of 97/2019/QH14 ------------------------

TEXT = (
    "Quốc hội ban hành Nghị quyết số 97/2019/QL14 ngày 27/11/2019. "
    "Ban Thường vụ Thành ủy ban hành Kế hoạch số 171-KH/TU ngày 31/12/2019 thực hiện Nghị "
    "quyết số 97/2019/QH14. Quận ủy ban hành Thông tri số 03-TT/QU ngày 22/4/2021 thực hiện "
    "Kế hoạch số 171-KH/TU. UBND phường đã ban hành 04 văn bản thực hiện Nghị quyết. "
    "Quyết định phân công nhiệm vụ theo Nghị định 32/2021/NĐ-CP. "
    "Ngày 05/7/2022, UBND phường tổ chức hội nghị sơ kết; Chủ tịch UBND phường Lương Hồng Điệp "
    "chủ trì."
)


def span(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


@dataclass
class FakeSource:
    """A source as `kg.read` would return it, for the emitter."""

    locator: str = "tests/data/duc-giang.txt"
    name: str = "duc-giang.txt"
    sha256: str = hashlib.sha256(TEXT.encode()).hexdigest()
    media_type: str = "text/plain"
    text: str = TEXT
    title: str | None = "Đức Giang"
    published: str | None = "2022-07-08"
    url: str | None = None


def doc(key: str, type_: str, **kw: object) -> DocumentRef:
    mention = kw.pop("mention", key)
    start, end = span(str(mention))
    return DocumentRef(key=key, id=kw.pop("id", key), type=type_, mention=str(mention),
                       start=start, end=end, **kw)  # type: ignore[arg-type]


def rel(source: str, rel_: str, target: str, evidence: str, **kw: object) -> Relation:
    start, end = span(evidence)
    return Relation(source, rel_, target, evidence, start, end, **kw)  # type: ignore[arg-type]


def hand_extraction() -> Extraction:
    """Facts of the Đức Giang sample (numbers, dates, bodies), written as the extractor would."""
    hn, lb, dg = "Thành phố Hà Nội", "Quận Long Biên", "Phường Đức Giang"
    bodies = [
        Body("quoc-hoi", "Quốc hội", "quoc-hoi", "central"),
        Body("chinh-phu", "Chính phủ", "chinh-phu", "central"),
        Body("thanh-uy/ha-noi", "Thành ủy Hà Nội", "thanh-uy", "province", hn),
        Body("btv-thanh-uy/ha-noi", "Ban Thường vụ Thành ủy Hà Nội", "thanh-uy", "province", hn,
             "thanh-uy/ha-noi"),
        Body("quan-uy/long-bien", "Quận ủy Long Biên", "quan-uy", "district", lb,
             "thanh-uy/ha-noi"),
        Body("dang-uy/phuong-duc-giang", "Đảng ủy phường Đức Giang", "dang-uy", "commune", dg,
             "quan-uy/long-bien"),
        Body("ubnd/quan-long-bien", "UBND quận Long Biên", "ubnd", "district", lb),
        Body("ubnd/phuong-duc-giang", "UBND phường Đức Giang", "ubnd", "commune", dg,
             "ubnd/quan-long-bien"),
    ]
    docs = [
        doc("97/2019/QH14", "nghi-quyet", number="97", year=2019, symbol="QH14",
            issuer="quoc-hoi", date="2019-11-27", mention="Nghị quyết số 97/2019/QL14",
            title="Thí điểm tổ chức mô hình chính quyền đô thị tại thành phố Hà Nội",
            corrections=[Correction("id", "97/2019/QL14", "97/2019/QH14", "L typed for H")]),
        doc("171-KH/TU", "ke-hoach", number="171", year=2019, symbol="KH/TU",
            issuer="btv-thanh-uy/ha-noi", date="2019-12-31"),
        doc("03-TT/QU", "thong-tri", number="03", year=2021, symbol="TT/QU",
            issuer="quan-uy/long-bien", date="2021-04-22"),
        doc("32/2021/NĐ-CP", "nghi-dinh", number="32", year=2021, symbol="NĐ-CP",
            issuer="chinh-phu"),
        doc("unnumbered: UBND phường Đức Giang, 04 văn bản", "van-ban", id=None,
            issuer="ubnd/phuong-duc-giang", count=4, mention="04 văn bản"),
        doc("unnumbered: UBND phường Đức Giang, Quyết định phân công", "quyet-dinh", id=None,
            issuer="ubnd/phuong-duc-giang", mention="Quyết định phân công nhiệm vụ"),
    ]
    relations = [
        rel("171-KH/TU", "implements", "97/2019/QH14",
            "Kế hoạch số 171-KH/TU ngày 31/12/2019 thực hiện Nghị quyết số 97/2019/QH14"),
        rel("03-TT/QU", "implements", "171-KH/TU",
            "Thông tri số 03-TT/QU ngày 22/4/2021 thực hiện Kế hoạch số 171-KH/TU"),
        rel("unnumbered: UBND phường Đức Giang, 04 văn bản", "implements", "97/2019/QH14",
            "04 văn bản thực hiện Nghị quyết", confidence=0.8),
        rel("unnumbered: UBND phường Đức Giang, Quyết định phân công", "based_on",
            "32/2021/NĐ-CP", "Quyết định phân công nhiệm vụ theo Nghị định 32/2021/NĐ-CP"),
    ]
    people = [Person("Lương Hồng Điệp", "Chủ tịch UBND phường", "ubnd/phuong-duc-giang")]
    events = [Event("hoi-nghi-so-ket", "Hội nghị sơ kết thí điểm chính quyền đô thị",
                    "2022-07-05", "ubnd/phuong-duc-giang", "97/2019/QH14")]
    return Extraction("tests/data/duc-giang.txt", docs, relations, bodies, people, events)


def iri(g: Graph, doc_id: str) -> URIRef:
    """The node of the document numbered `doc_id` in `g`."""
    node = g.value(None, ELI.id_local, Literal(doc_id))
    assert isinstance(node, URIRef), doc_id
    return node


def emit(ex: Extraction, source: FakeSource | None = None) -> Graph:
    emitted = Emitter(Minter(BASE), version="test").emit(source or FakeSource(), "duc-giang", ex)
    g = Graph()
    for t in emitted.triples:
        g.add(t)
    return g


@pytest.fixture(scope="module")
def onto() -> Graph:
    """The ontology and its schemes."""
    return ontology.ontology_graph()


@pytest.fixture(scope="module")
def data() -> Graph:
    """The graph the emitter makes from the hand-built extraction."""
    return emit(hand_extraction())


# ---- the ontology itself ----------------------------------------------------------------


def own_terms(g: Graph, *types: URIRef) -> set[URIRef]:
    return {s for t in types for s in g.subjects(RDF.type, t)
            if isinstance(s, URIRef) and str(s).startswith(OWN)}


def test_ontology_files_parse_without_blank_nodes_in_schemes() -> None:
    for name in ("kg.ttl", "schemes.ttl", "shapes.ttl"):
        assert len(Graph().parse(ROOT / "ontology" / name)) > 50, name
    schemes = Graph().parse(ROOT / "ontology" / "schemes.ttl")
    assert not any(isinstance(x, type(None)) or x.__class__.__name__ == "BNode"
                   for t in schemes for x in t)


@pytest.mark.parametrize("kind", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                                  RDFS.Datatype])
def test_every_term_has_labels_in_vi_and_en_and_a_definition(onto: Graph, kind: URIRef) -> None:
    terms = own_terms(onto, kind)
    assert terms
    for term in terms:
        langs = {o.language for o in onto.objects(term, RDFS.label)}
        assert {"vi", "en"} <= langs, f"{term} lacks a label in {({'vi', 'en'} - langs)}"
        defs = {o.language for o in onto.objects(term, SKOS.definition)}
        assert {"vi", "en"} <= defs, f"{term} lacks a definition"


def test_every_property_has_a_range(onto: Graph) -> None:
    # reviewed_by is the one exception: a document or an event reviews (see kg:reviews).
    for p in own_terms(onto, OWL.ObjectProperty, OWL.DatatypeProperty) - {KG.reviewed_by}:
        assert (p, RDFS.range, None) in onto, p


@pytest.mark.parametrize("key", sorted(RELATIONS))
def test_every_relation_has_its_inverse_and_table_labels(onto: Graph, key: str) -> None:
    r = RELATIONS[key]
    fwd, inv = KG[key], KG[r.inverse]
    assert (fwd, OWL.inverseOf, inv) in onto and (inv, OWL.inverseOf, fwd) in onto
    assert Literal(r.vi, lang="vi") in set(onto.objects(fwd, RDFS.label))
    assert Literal(r.en, lang="en") in set(onto.objects(fwd, RDFS.label))
    assert Literal(r.inverse_vi, lang="vi") in set(onto.objects(inv, RDFS.label))
    assert Literal(r.inverse_en, lang="en") in set(onto.objects(inv, RDFS.label))
    # Aligned with ELI: every relation sits under an ELI property (see the ontology's comment).
    assert any(str(o).startswith(str(ELI)) for o in onto.objects(fwd, RDFS.subPropertyOf))


def test_implements_is_not_elis_legal_implementation(onto: Graph) -> None:
    assert (KG.implements, RDFS.subPropertyOf, ELI.ensures_implementation_of) not in onto
    assert (KG.details, RDFS.subPropertyOf, ELI.ensures_implementation_of) in onto
    note = " ".join(str(c) for c in onto.objects(URIRef(ontology.ONTOLOGY_IRI), RDFS.comment))
    assert "ensures_implementation_of" in note and "legal force" in note


def test_terms_in_code_are_the_terms_declared_in_the_ontology(onto: Graph) -> None:
    in_code = {KG[name] for name in KG.__annotations__}
    declared = own_terms(onto, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                         RDFS.Datatype)
    assert in_code - declared == set(), "in kg/ns.py but not in ontology/kg.ttl"
    assert declared - in_code == set(), "in ontology/kg.ttl but not in kg/ns.py"


def test_schemes_file_is_generated_from_the_tables() -> None:
    on_disk = Graph().parse(ROOT / "ontology" / "schemes.ttl")
    generated = ontology.schemes_graph()
    assert set(generated) == set(on_disk), "run `python -m kg.ontology` to regenerate"


@pytest.mark.parametrize(("ns", "keys"), [(DOCTYPE, DOC_TYPES), (BODYKIND, BODY_KINDS),
                                          (LEVEL, LEVELS)])
def test_schemes_cover_every_key_of_the_tables(onto: Graph, ns: object, keys: object) -> None:
    for key in keys:  # type: ignore[attr-defined]
        c = URIRef(str(ns) + key)
        assert (c, RDF.type, SKOS.Concept) in onto, c
        assert {o.language for o in onto.objects(c, SKOS.prefLabel)} == {"vi", "en"}, c


@pytest.mark.parametrize("key", sorted(DOC_TYPES))
def test_every_type_code_is_a_notation(onto: Graph, key: str) -> None:
    notations = {str(n) for n in onto.objects(DOCTYPE[key], SKOS.notation)}
    assert set(DOC_TYPES[key].codes) <= notations


def test_party_and_state_codes_are_told_apart(onto: Graph) -> None:
    tt = {(str(n), n.datatype) for n in onto.objects(DOCTYPE["thong-tri"], SKOS.notation)}
    assert tt == {("TT", KG.PartyTypeCode)}
    tu = {(str(n), n.datatype) for n in onto.objects(DOCTYPE["thong-tu"], SKOS.notation)}
    assert tu == {("TT", KG.StateTypeCode)}


def test_validity_statuses_map_to_eli(onto: Graph) -> None:
    keys = {str(c)[len(str(STATUS)):] for c in onto.subjects(SKOS.inScheme,
                                                             ontology.scheme_iri(STATUS))}
    assert {"in-force", "partly-in-force", "no-longer-in-force", "not-yet-in-force",
            "unknown"} <= keys
    assert (STATUS["in-force"], SKOS.exactMatch, ELI["InForce-inForce"]) in onto


# ---- the emitter's graph: closed world, SHACL, OWL RL -----------------------------------


def undeclared(g: Graph, onto: Graph) -> set[str]:
    """Predicates and classes of `g` neither declared in the ontology nor in a reused vocabulary."""
    used = {p for p in g.predicates()} | set(g.objects(None, RDF.type))
    declared = own_terms(onto, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {str(t) for t in used
            if t not in declared and not any(t in ns for ns in REUSED)}


def test_emitted_graph_uses_only_declared_terms(data: Graph, onto: Graph) -> None:
    assert undeclared(data, onto) == set()


def test_closed_world_check_catches_a_typo(data: Graph, onto: Graph) -> None:
    bad = Graph() + data
    bad.add((URIRef(BASE + "doc/x"), URIRef(str(ELI) + "date_documnet"), Literal("2020-01-01")))
    assert undeclared(bad, onto) == {str(ELI) + "date_documnet"}


def test_emitted_graph_has_no_blank_nodes(data: Graph) -> None:
    assert not any(x.__class__.__name__ == "BNode" for t in data for x in t)


def test_emitter_models_units_posts_and_party_committees(data: Graph) -> None:
    ward = URIRef(BASE + "unit/phuong-duc-giang")
    district = URIRef(BASE + "unit/quan-long-bien")
    assert (URIRef(BASE + "body/ubnd/phuong-duc-giang"), KG.adminUnit, ward) in data
    assert (ward, KG.partOf, district) in data
    assert (district, KG.partOf, URIRef(BASE + "unit/thanh-pho-ha-noi")) in data
    assert (URIRef(BASE + "body/quan-uy/long-bien"), RDF.type, KG.PartyCommittee) in data
    assert (None, ORG.holds, None) in data and (None, PROV.wasAssociatedWith, None) in data


def test_shacl_passes_on_the_emitted_graph(data: Graph) -> None:
    conforms, text, _ = ontology.validate(data)
    assert conforms, text


def _messages(g: Graph) -> str:
    conforms, text, report = ontology.validate(g)
    assert not conforms
    return "\n".join(m for _, m in ontology.report_messages(report)) + text


def test_shacl_fails_on_two_dates_of_issue(data: Graph) -> None:
    bad = Graph() + data
    bad.add((iri(data, "97/2019/QH14"), ELI.date_document,
             Literal("2019-11-28", datatype=XSD_DATE)))
    assert "at most one date of issue" in _messages(bad)
    vi = ontology.report_messages(ontology.validate(bad)[2], lang="vi")
    assert any("ngày ban hành" in m for _, m in vi)


def test_shacl_fails_on_implements_pointing_to_a_body(data: Graph) -> None:
    bad = Graph() + data
    bad.add((iri(data, "171-KH/TU"), KG.implements, URIRef(BASE + "body/quoc-hoi")))
    assert "kg:implements (implements) must point to a document" in _messages(bad)


def test_shacl_fails_on_a_link_with_no_source(data: Graph) -> None:
    bad = Graph() + data
    link = next(data.subjects(RDF.type, KG.Link))
    bad.remove((link, KG.inSource, None))
    assert "Every link names exactly one source" in _messages(bad)


def test_shacl_fails_on_a_link_whose_triple_is_missing(data: Graph) -> None:
    bad = Graph() + data
    bad.remove((iri(data, "171-KH/TU"), KG.implements, None))
    assert "relation is not stated in the graph" in _messages(bad)


def test_shacl_fails_on_a_source_without_hash(data: Graph) -> None:
    bad = Graph() + data
    bad.remove((None, KG.sha256, None))
    assert "SHA-256" in _messages(bad)


def test_owl_rl_derives_inverses_without_inconsistency(data: Graph) -> None:
    r = ontology.reason(data)
    assert r.inconsistencies == []
    g = r.graph
    qh, kh, tt = (iri(data, i) for i in ("97/2019/QH14", "171-KH/TU", "03-TT/QU"))
    assert (qh, KG.implemented_by, kh) in g and (kh, KG.implemented_by, tt) in g
    assert (URIRef(BASE + "unit/phuong-duc-giang"), KG.partOf,
            URIRef(BASE + "unit/thanh-pho-ha-noi")) in g  # transitive
    assert (kh, ELI.related_to, qh) in g  # super-property


def test_owl_rl_flags_a_body_used_as_a_document(data: Graph) -> None:
    bad = Graph() + data
    bad.add((iri(data, "171-KH/TU"), KG.implements, URIRef(BASE + "body/quoc-hoi")))
    assert ontology.reason(bad).inconsistencies


# ---- validate_file / validate_store exit codes --------------------------------------------


def test_validate_file_exit_codes(tmp_path: Path, data: Graph) -> None:
    good = tmp_path / "good.ttl"
    data.serialize(good, format="turtle")
    assert ontology.validate_file(good)[0] == 0
    bad = tmp_path / "bad.nt"
    g = Graph() + data
    g.remove((None, KG.locator, None))
    g.serialize(bad, format="nt")
    code, text = ontology.validate_file(bad)
    assert code == 1 and "locator" in text
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    assert ontology.validate_file(broken)[0] == 2
    assert ontology.validate_file(tmp_path / "missing.ttl")[0] == 2
    assert ontology.validate_file(tmp_path / "x.unknown")[0] == 2


def test_validate_store_reads_the_union_of_graphs(data: Graph) -> None:
    from kg.store import open_store

    with open_store("memory") as store:
        store.replace_graph(URIRef(BASE + "source/duc-giang"), list(data))
        assert ontology.validate_store(store) == (0, ontology.validate(data)[1])


# ---- example queries --------------------------------------------------------------------

# Queries and a variable that must be bound in some row over the hand-built graph.
EXPECTED = {
    "01-trace-downstream": ("doc", {"171-KH/TU", "03-TT/QU"}),
    "02-trace-upstream": ("up", {"171-KH/TU", "97/2019/QH14"}),
    "03-applies-to-body": ("doc", {"03-TT/QU", "171-KH/TU"}),
    "04-gaps-for-body": ("doc", {"03-TT/QU", "171-KH/TU"}),
    "05-evidence": ("quote", set()),
    "06-counts-by-type-and-year": ("type", {"nghi-quyet", "thong-tri"}),
    "07-documents-by-issuer": ("issuerName", {"Quốc hội", "UBND phường Đức Giang"}),
    "08-corrections": ("original", {"97/2019/QL14"}),
}


def test_there_is_an_example_for_each_user_question() -> None:
    names = {q.name for q in ontology.example_queries()}
    assert names == set(EXPECTED)
    for q in ontology.example_queries():
        assert q.title and q.question, q.name


def test_docs_show_every_example_query() -> None:
    docs = (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    for q in ontology.example_queries():
        assert q.text.rstrip() in docs, f"docs/ontology.md does not show {q.name}.rq as it is"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_query_parses_and_answers(name: str, data: Graph) -> None:
    q = next(q for q in ontology.example_queries() if q.name == name)
    prepareQuery(q.text)  # rdflib parses it
    store = ox.Store()
    store.load(data.serialize(format="nt").encode(), ox.RdfFormat.N_TRIPLES)
    solutions = list(store.query(q.text))
    assert solutions, f"{name} returned nothing"
    var, wanted = EXPECTED[name]
    got = {s[var].value for s in solutions if s[var] is not None}
    ids = {str(data.value(URIRef(v), ELI.id_local) or v) for v in got}
    assert wanted <= ids, (name, got)


def test_downstream_trace_gives_levels_and_lags(data: Graph) -> None:
    q = next(q for q in ontology.example_queries() if q.name == "01-trace-downstream")
    store = ox.Store()
    store.load(data.serialize(format="nt").encode(), ox.RdfFormat.N_TRIPLES)
    rows = {str(data.value(URIRef(s["doc"].value), ELI.id_local)): s
            for s in store.query(q.text)}
    assert rows["171-KH/TU"]["levelName"].value == "province"
    assert rows["171-KH/TU"]["lagMonths"].value == "1"
    assert rows["03-TT/QU"]["levelName"].value == "district"
    assert rows["None"]["count"].value == "4"  # the set "04 văn bản" has no id


# ---- the page ---------------------------------------------------------------------------


def test_page_context_lists_terms_with_anchors() -> None:
    ctx = ontology.html_page_context()
    anchors = {t["anchor"] for t in ctx["classes"] + ctx["relations"] + ctx["properties"]}
    assert {"Document", "implements", "implemented_by", "quote"} <= anchors
    implements = next(t for t in ctx["relations"] if t["anchor"] == "implements")
    assert implements["inverse"][0]["href"] == "#implemented_by"
    assert implements["label_vi"] == "thực hiện"
    types = next(s for s in ctx["schemes"] if s["anchor"] == "scheme-type")
    kh = next(c for c in types["concepts"] if c["anchor"] == "type-ke-hoach")
    assert ("KH", "kg:PartyTypeCode") in kh["notations"]
    assert len(ctx["examples"]) == len(EXPECTED)


def test_ontology_serializes_for_content_negotiation() -> None:
    for media_type in ontology.MEDIA_TYPES:
        body = ontology.serialize_ontology(media_type)
        assert len(Graph().parse(data=body, format=ontology.MEDIA_TYPES[media_type])) > 500


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_ontology_page_template_renders_escaped(lang: str) -> None:
    jinja2 = pytest.importorskip("jinja2")
    stub_base = "<title>{% block title %}{% endblock %}</title>{% block main %}{% endblock %}"
    env = jinja2.Environment(autoescape=True, loader=jinja2.ChoiceLoader([
        jinja2.DictLoader({"base.html": stub_base}),
        jinja2.FileSystemLoader(ROOT / "web" / "templates")]))
    data = ontology.html_page_context()
    data["classes"][0]["definition_en"] = data["classes"][0]["definition_vi"] = "<script>x</script>"
    html = env.get_template("ontology.html").render(data=data, lang=lang)
    assert 'id="implements"' in html and 'href="#implemented_by"' in html
    assert 'id="type-thong-tri"' in html and "Thông tri" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert ("thực hiện" if lang == "vi" else "implements") in html


# ---- the real texts ---------------------------------------------------------------------


def _ingested_graph(paths: list[Path]) -> Graph:
    """The sources' statements as the real pipeline stores them (not the ontology's graph)."""
    from kg.ingest import Pipeline
    from kg.store import open_store

    with open_store("memory") as store:
        report = Pipeline(store, base_iri=BASE).ingest_paths(paths)
        assert report.ok, report.failed
        return _as_graph(store.construct(
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(?g != <{ontology.ONTOLOGY_IRI}>) }}"))


def _as_graph(triples: object) -> Graph:
    g = Graph()
    for t in triples:  # type: ignore[attr-defined]
        g.add(t)
    return g


@pytest.fixture(scope="module")
def real_graph() -> Graph:
    """The graph built by the real pipeline from samples/ and the corpus texts."""
    paths = [ROOT / "samples"]
    corpus = corpus_dir()
    if corpus.is_dir():
        paths += sorted(p for p in corpus.iterdir() if p.suffix in (".txt", ".html"))
    return _ingested_graph(paths)


def test_real_texts_use_only_declared_terms(real_graph: Graph, onto: Graph) -> None:
    assert undeclared(real_graph, onto) == set()


def test_real_texts_conform_to_the_shapes(real_graph: Graph) -> None:
    conforms, text, _ = ontology.validate(real_graph)
    assert conforms, text[:4000]


def test_real_texts_reason_without_inconsistency(real_graph: Graph) -> None:
    assert ontology.reason(real_graph).inconsistencies == []
