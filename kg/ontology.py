"""The ontology as a library: load it, check data against its shapes, reason, render it.

The files live in `ontology/` beside the `kg` package (`kg.ttl` the OWL ontology,
`schemes.ttl` the SKOS schemes generated from `kg.extract.tables`, `shapes.ttl` the SHACL
shapes, `examples/*.rq` one query per user question). Exit codes of `kg validate` follow
pySHACL's: 0 conforms, 1 does not (with the report), 2 error.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from kg.errors import KGError
from kg.ns import BODYKIND, DOCTYPE, ELI, KG, LEVEL, ONTOLOGY_IRI, PREFIXES, STATUS

if TYPE_CHECKING:
    from kg.store.base import Store

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILES = ("kg.ttl", "schemes.ttl")
SHAPES_FILE = "shapes.ttl"
EXAMPLES_DIR = ONTOLOGY_DIR / "examples"

# Media types the ontology is served in, for content negotiation, with rdflib's format names.
MEDIA_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld",
               "application/n-triples": "nt", "application/rdf+xml": "xml"}

# ---- loading ----------------------------------------------------------------------------


def ontology_path(name: str) -> Path:
    """Path of one file of `ontology/`; a clear error when the folder was not shipped."""
    path = ONTOLOGY_DIR / name
    if not path.is_file():
        raise KGError(f"ontology file {path} not found (is the package installed editable?)")
    return path


@lru_cache(maxsize=8)
def _parsed(name: str) -> Graph:
    try:
        return Graph().parse(ontology_path(name), format="turtle")
    except (SyntaxError, ValueError) as e:  # rdflib reports bad Turtle as either
        raise KGError(f"ontology file {name} does not parse: {e}") from e


def _bind(g: Graph) -> Graph:
    for prefix, iri in PREFIXES.items():
        g.bind(prefix, iri, replace=True)
    g.bind("sh", str(SH))
    return g


def ontology_graph(*, shapes: bool = False) -> Graph:
    """A fresh graph of the ontology and its SKOS schemes (and the SHACL shapes if asked)."""
    g = _bind(Graph())
    for name in ONTOLOGY_FILES + ((SHAPES_FILE,) if shapes else ()):
        g += _parsed(name)
    return g


def skolem_ontology_graph() -> Graph:
    """The ontology with its blank nodes (OWL lists, axioms) replaced by stable IRIs.

    Canonical labelling first makes the names the same on every run, so that a store
    holds one deterministic copy (remote stores cannot round-trip blank nodes).
    """
    from rdflib.compare import to_canonical_graph

    canon = to_canonical_graph(ontology_graph())
    return canon.skolemize(authority=ONTOLOGY_IRI + "/", basepath="genid/")


def ontology_digest() -> str:
    """A hash of the ontology files, to tell whether a store holds the current version."""
    import hashlib

    h = hashlib.sha256()
    for name in ONTOLOGY_FILES:
        h.update(ontology_path(name).read_bytes())
    return h.hexdigest()[:16]


def shapes_graph() -> Graph:
    """A fresh graph of the SHACL shapes."""
    return _bind(Graph()) + _parsed(SHAPES_FILE)


def serialize_ontology(media_type: str = "text/turtle") -> bytes:
    """The ontology and schemes in one of `MEDIA_TYPES`, for the `/ontology` route."""
    if media_type not in MEDIA_TYPES:
        raise KGError(f"no serialization of the ontology as {media_type}")
    return ontology_graph().serialize(format=MEDIA_TYPES[media_type], encoding="utf-8")


@dataclass(frozen=True)
class ExampleQuery:
    """One of `ontology/examples/*.rq`: its header (`# title:`, `# question:`) and text."""

    name: str
    title: str
    question: str
    text: str


def example_queries() -> list[ExampleQuery]:
    """The example queries, sorted by file name, for the UI to prefill and the docs to show."""
    out: list[ExampleQuery] = []
    for path in sorted(EXAMPLES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        head = dict(re.findall(r"^#\s*(\w+):\s*(.+)$", text, flags=re.MULTILINE))
        out.append(ExampleQuery(path.stem, head.get("title", path.stem),
                                head.get("question", ""), text))
    return out


# ---- SKOS schemes, generated from kg.extract.tables ---------------------------------------

# Type codes of Nghị định 30/2020/NĐ-CP, Phụ lục III (administrative documents).
ADMIN_CODES = ("NQ", "QĐ", "CT", "QC", "QyĐ", "TC", "TB", "HD", "CTr", "KH", "PA", "ĐA", "DA",
               "BC", "BB", "TTr", "HĐ", "CĐ", "BGN", "BTT", "GUQ", "GM", "GGT", "GNP", "PG",
               "PC", "PB")
# Party type codes (Quy định 66-QĐ/TW, Hướng dẫn 36-HD/VPTW) by document type key.
PARTY_CODES = {"nghi-quyet": "NQ", "chi-thi": "CT", "ket-luan": "KL", "quyet-dinh": "QĐ",
               "quy-dinh": "QĐi", "quy-che": "QC", "thong-tri": "TT", "huong-dan": "HD",
               "thong-bao": "TB", "bao-cao": "BC", "ke-hoach": "KH", "chuong-trinh": "CTr",
               "to-trinh": "TTr", "cong-van": "CV", "bien-ban": "BB", "de-an": "ĐA"}
# Codes only Party documents use; a công văn of the state carries no type code (Phụ lục III).
_PARTY_ONLY = {"QĐi", "CV"}
FAMILIES = {
    "normative": ("Văn bản quy phạm pháp luật", "Legal normative documents",
                  "Types of the Law on Promulgation of Legal Normative Documents."),
    "administrative": ("Văn bản hành chính", "Administrative documents",
                       "Types of Nghị định 30/2020/NĐ-CP, Phụ lục III, plus the công văn."),
    "party": ("Văn bản của Đảng", "Party documents",
              "Types of Quy định 66-QĐ/TW and Hướng dẫn 36-HD/VPTW."),
}
# Validity statuses as Vietnamese databases show them, with their match in ELI's table.
STATUSES = (
    ("in-force", "Còn hiệu lực", "In force", SKOS.exactMatch, "InForce-inForce"),
    ("partly-in-force", "Hết hiệu lực một phần", "Partly in force", SKOS.exactMatch,
     "InForce-partiallyInForce"),
    ("no-longer-in-force", "Hết hiệu lực", "No longer in force", SKOS.closeMatch,
     "InForce-notInForce"),
    ("not-yet-in-force", "Chưa có hiệu lực", "Not yet in force", SKOS.broadMatch,
     "InForce-notInForce"),
    ("suspended", "Tạm ngưng hiệu lực / đình chỉ", "Suspended", SKOS.broadMatch,
     "InForce-notInForce"),
    ("unknown", "Chưa xác định", "Unknown", None, None),
)
SCHEMES = {  # namespace → (vi, en, definition)
    DOCTYPE: ("Loại văn bản", "Document types",
              "Types of Vietnamese documents, with their codes in document symbols."),
    BODYKIND: ("Loại cơ quan", "Kinds of bodies",
               "Kinds of bodies that issue documents, with their codes in document symbols."),
    LEVEL: ("Cấp hành chính", "Administrative levels",
            "Levels of government: central, province, district (until 1 July 2025), commune."),
    STATUS: ("Tình trạng hiệu lực", "Validity statuses",
             "Whether a document is in force, as the national legal database says it."),
}


def scheme_iri(ns: Any) -> URIRef:
    """The IRI of the concept scheme whose concepts live in namespace `ns`."""
    return URIRef(str(ns).rstrip("/"))


def schemes_graph() -> Graph:
    """The SKOS schemes built from `kg.extract.tables`: what `ontology/schemes.ttl` holds."""
    from kg.extract.tables import BODY_KINDS, DOC_TYPES, LEVEL_LABELS, LEVELS

    g = _bind(Graph())
    for ns, (vi, en, definition) in SCHEMES.items():
        s = scheme_iri(ns)
        g += [(s, RDF.type, SKOS.ConceptScheme), (s, SKOS.prefLabel, Literal(vi, lang="vi")),
              (s, SKOS.prefLabel, Literal(en, lang="en")),
              (s, SKOS.definition, Literal(definition, lang="en")),
              (s, RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI))]

    def concept(ns: Any, key: str, vi: str, en: str) -> URIRef:
        c = URIRef(str(ns) + key)
        g.add((c, RDF.type, SKOS.Concept))
        g.add((c, SKOS.inScheme, scheme_iri(ns)))
        g.add((c, SKOS.topConceptOf, scheme_iri(ns)))
        g.add((scheme_iri(ns), SKOS.hasTopConcept, c))
        g.add((c, SKOS.prefLabel, Literal(vi, lang="vi")))
        g.add((c, SKOS.prefLabel, Literal(en, lang="en")))
        return c

    members: dict[str, list[URIRef]] = {f: [] for f in FAMILIES}
    for t in DOC_TYPES.values():
        c = concept(DOCTYPE, t.key, t.vi, t.en)
        if t.family != "party":
            for code in t.codes:
                if code not in _PARTY_ONLY:
                    g.add((c, SKOS.notation, Literal(code, datatype=KG.StateTypeCode)))
        if t.key in PARTY_CODES:
            g.add((c, SKOS.notation, Literal(PARTY_CODES[t.key], datatype=KG.PartyTypeCode)))
            members["party"].append(c)
        if t.family == "normative":
            members["normative"].append(c)
        if t.key == "cong-van" or (set(t.codes) & set(ADMIN_CODES) and t.family != "party"):
            members["administrative"].append(c)
    for family, (vi, en, note) in FAMILIES.items():
        coll = DOCTYPE["family/" + family]
        g += [(coll, RDF.type, SKOS.Collection), (coll, SKOS.prefLabel, Literal(vi, lang="vi")),
              (coll, SKOS.prefLabel, Literal(en, lang="en")),
              (coll, SKOS.scopeNote, Literal(note, lang="en"))]
        g += [(coll, SKOS.member, c) for c in members[family]]
    for k in BODY_KINDS.values():
        c = concept(BODYKIND, k.key, k.vi, k.en)
        g += [(c, SKOS.notation, Literal(code, datatype=KG.IssuerCode)) for code in k.codes]
        if k.level:
            g.add((c, KG.level, LEVEL[k.level]))
    for key in LEVELS:
        concept(LEVEL, key, *LEVEL_LABELS[key])
    for key, vi, en, match, eli in STATUSES:
        c = concept(STATUS, key, vi, en)
        if match is not None:
            g.add((c, match, ELI[eli]))
    return g


SCHEMES_HEADER = """\
# SKOS concept schemes of the Vietnamese documents knowledge graph: document types (with
# their state and Party codes), kinds of bodies (with issuer codes), administrative levels,
# validity statuses. GENERATED from kg/extract/tables.py and kg/ontology.py: do not edit;
# run `python -m kg.ontology` to rewrite it. tests/test_ontology.py checks it is current.
"""


def write_schemes(path: Path | None = None) -> Path:
    """Rewrite `ontology/schemes.ttl` from the tables."""
    path = path or ONTOLOGY_DIR / "schemes.ttl"
    body = schemes_graph().serialize(format="turtle")
    path.write_text(SCHEMES_HEADER + "\n" + body, encoding="utf-8")
    _parsed.cache_clear()
    return path


# ---- validation ---------------------------------------------------------------------------


def _as_graph(data: Graph | Dataset | Iterable[tuple[Any, Any, Any]]) -> Graph:
    """The union of a dataset's graphs (sources disagree only in the union), or the graph."""
    if isinstance(data, Dataset | ConjunctiveGraph):
        g = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    if isinstance(data, Graph):
        return data
    g = Graph()
    for t in data:
        g.add(t)
    return g


def validate(data: Graph | Dataset) -> tuple[bool, str, Graph]:
    """Check `data` against the SHACL shapes: (conforms, report text, report graph).

    The ontology and schemes are mixed in, so `sh:class` sees subclasses and concepts.
    Warnings are reported but do not make the data non-conforming.
    """
    from pyshacl import validate as shacl_validate

    mixed = ontology_graph()  # a fresh graph: the caller's data stays untouched
    mixed += _as_graph(data)
    conforms, report_graph, report_text = shacl_validate(
        mixed, shacl_graph=shapes_graph(), inference="none", allow_warnings=True,
        abort_on_first=False)
    return bool(conforms), str(report_text), report_graph


def report_messages(report_graph: Graph, *, lang: str = "en") -> list[tuple[str, str]]:
    """(focus node, message in `lang`) for every result of a validation report."""
    out: list[tuple[str, str]] = []
    for result in report_graph.subjects(RDF.type, SH.ValidationResult):
        focus = str(report_graph.value(result, SH.focusNode))
        messages = [m for m in report_graph.objects(result, SH.resultMessage)
                    if getattr(m, "language", None) in (lang, None)]
        out.extend((focus, str(m)) for m in messages)
    return sorted(out)


_FILE_FORMATS = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig",
                 ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".xml": "xml",
                 ".owl": "xml", ".n3": "n3"}


def validate_file(path: str | Path) -> tuple[int, str]:
    """`kg validate FILE`: (exit code, text): 0 conforms, 1 not (the report), 2 error."""
    path = Path(path)
    fmt = _FILE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        return 2, f"error: cannot tell the RDF format of {path} from its suffix"
    try:
        data: Graph = Dataset() if fmt in ("nquads", "trig") else Graph()
        data.parse(path, format=fmt)
    except FileNotFoundError:
        return 2, f"error: {path} not found"
    except (SyntaxError, ValueError, UnicodeDecodeError) as e:
        return 2, f"error: {path} does not parse as {fmt}: {e}"
    return _run(data)


def validate_store(store: Store) -> tuple[int, str]:
    """`kg validate` on the store: the union of its source graphs, same exit codes."""
    try:
        triples = store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    except KGError as e:
        return 2, f"error: {e.message}"
    return _run(_as_graph(triples))


def _run(data: Graph) -> tuple[int, str]:
    try:
        conforms, text, _ = validate(data)
    except KGError as e:
        return 2, f"error: {e.message}"
    return (0 if conforms else 1), text


# ---- reasoning ----------------------------------------------------------------------------

_OWLRL_ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
_OWLRL_TEXT = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")


@dataclass
class Reasoned:
    """The OWL RL closure of ontology plus data, and the inconsistencies owlrl found."""

    graph: Graph
    inconsistencies: list[str]


def reason(data: Graph | Dataset) -> Reasoned:
    """OWL RL closure (owlrl) of the ontology plus `data`: inverses, super-properties, types."""
    import owlrl

    g = ontology_graph()
    g += _as_graph(data)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    errors: list[str] = []
    for node in list(g.subjects(RDF.type, _OWLRL_ERROR)):
        errors.extend(str(m) for m in g.objects(node, _OWLRL_TEXT))
        g.remove((node, None, None))
    return Reasoned(g, sorted(errors))


# ---- the HTML page ------------------------------------------------------------------------


def _curie(iri: URIRef) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if str(iri).startswith(ns) and len(str(iri)) > len(ns):
            return f"{prefix}:{str(iri)[len(ns):]}"
    return str(iri)


def _anchor(iri: URIRef) -> str | None:
    """The fragment the page gives a term it describes, or None for terms described elsewhere."""
    s = str(iri)
    if s.startswith(str(KG._NS)):
        return s[len(str(KG._NS)):]
    for ns, name in ((DOCTYPE, "type"), (BODYKIND, "body-kind"), (LEVEL, "level"),
                     (STATUS, "status")):
        if s == str(scheme_iri(ns)):
            return f"scheme-{name}"
        if s.startswith(str(ns)):
            return f"{name}-{s[len(str(ns)):].replace('/', '-')}"
    return None


def _text(g: Graph, node: Any, prop: URIRef, lang: str) -> str:
    values = [v for v in g.objects(node, prop) if isinstance(v, Literal)]
    for v in values:
        if v.language == lang:
            return str(v)
    return str(values[0]) if values and lang == "en" and values[0].language is None else ""


def _link(g: Graph, node: Any) -> dict[str, str] | None:
    if not isinstance(node, URIRef):
        return None
    anchor = _anchor(node)
    return {"href": f"#{anchor}" if anchor else str(node), "text": _curie(node),
            "title": _text(g, node, RDFS.label, "en") or _text(g, node, SKOS.prefLabel, "en")}


def _links(g: Graph, node: Any, prop: URIRef) -> list[dict[str, str]]:
    found = (_link(g, o) for o in g.objects(node, prop))
    return sorted((x for x in found if x), key=lambda x: x["text"])


def _term(g: Graph, iri: URIRef) -> dict[str, Any]:
    label = "label" if (iri, RDFS.label, None) in g else "prefLabel"
    lprop = RDFS.label if label == "label" else SKOS.prefLabel
    return {
        "iri": str(iri), "anchor": _anchor(iri), "curie": _curie(iri),
        "label_en": _text(g, iri, lprop, "en"), "label_vi": _text(g, iri, lprop, "vi"),
        "definition_en": _text(g, iri, SKOS.definition, "en"),
        "definition_vi": _text(g, iri, SKOS.definition, "vi"),
        "comment_en": _text(g, iri, RDFS.comment, "en"),
        "comment_vi": _text(g, iri, RDFS.comment, "vi"),
        "note": _text(g, iri, SKOS.scopeNote, "en"),
    }


def _kg_terms(g: Graph, rdf_type: URIRef) -> list[URIRef]:
    return sorted(s for s in g.subjects(RDF.type, rdf_type)
                  if isinstance(s, URIRef) and str(s).startswith(str(KG._NS)))


def html_page_context() -> dict[str, Any]:
    """Everything `web/templates/ontology.html` renders: classes, properties, schemes.

    Plain dicts and strings (no rdflib objects), each term with an `anchor` to link to;
    `link` dicts hold `href` (a `#fragment` on this page or an external IRI), `text`, `title`.
    """
    from kg.extract.tables import RELATIONS

    g = ontology_graph()
    onto = URIRef(ONTOLOGY_IRI)
    classes = []
    for c in _kg_terms(g, OWL.Class):
        t = _term(g, c)
        t["superclasses"] = _links(g, c, RDFS.subClassOf)
        t["subclasses"] = sorted((x for x in (_link(g, s) for s in g.subjects(RDFS.subClassOf, c))
                                  if x), key=lambda x: x["text"])
        classes.append(t)
    relation_iris = {KG[k] for k in RELATIONS} | {KG[r.inverse] for r in RELATIONS.values()}
    relations: list[dict[str, Any]] = []
    properties: list[dict[str, Any]] = []
    for kind, rdf_type in (("object", OWL.ObjectProperty), ("datatype", OWL.DatatypeProperty)):
        for p in _kg_terms(g, rdf_type):
            t = _term(g, p)
            t.update(kind=kind, domain=_links(g, p, RDFS.domain), range=_links(g, p, RDFS.range),
                     inverse=_links(g, p, OWL.inverseOf), super=_links(g, p, RDFS.subPropertyOf),
                     equivalent=_links(g, p, OWL.equivalentProperty),
                     see_also=_links(g, p, RDFS.seeAlso),
                     transitive=(p, RDF.type, OWL.TransitiveProperty) in g)
            (relations if p in relation_iris else properties).append(t)
    order = [KG[k] for k in RELATIONS for k in (k, RELATIONS[k].inverse)]
    relations.sort(key=lambda t: order.index(URIRef(t["iri"])))
    schemes = []
    for ns in SCHEMES:
        s = scheme_iri(ns)
        scheme = _term(g, s)
        concepts = []
        for c in sorted(o for o in g.objects(s, SKOS.hasTopConcept) if isinstance(o, URIRef)):
            t = _term(g, c)
            t["notations"] = sorted(
                (str(n), _curie(n.datatype) if n.datatype else "")
                for n in g.objects(c, SKOS.notation) if isinstance(n, Literal))
            t["matches"] = [{"kind": _curie(m), **link}
                            for m in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)
                            for link in _links(g, c, m)]
            t["level"] = _links(g, c, KG.level)
            t["collections"] = [_text(g, coll, SKOS.prefLabel, "en")
                                for coll in sorted(x for x in g.subjects(SKOS.member, c)
                                                   if isinstance(x, URIRef))]
            concepts.append(t)
        scheme["concepts"] = concepts
        schemes.append(scheme)
    reused = [_term(g, t) for t in sorted(s for s in g.subjects(RDFS.isDefinedBy, None)
                                          if isinstance(s, URIRef) and str(s).startswith(str(ELI)))]
    return {
        "iri": ONTOLOGY_IRI, "namespace": str(KG._NS),
        "title_en": _text(g, onto, URIRef("http://purl.org/dc/terms/title"), "en"),
        "title_vi": _text(g, onto, URIRef("http://purl.org/dc/terms/title"), "vi"),
        "description_en": _text(g, onto, URIRef("http://purl.org/dc/terms/description"), "en"),
        "description_vi": _text(g, onto, URIRef("http://purl.org/dc/terms/description"), "vi"),
        "alignment_en": _text(g, onto, RDFS.comment, "en"),
        "alignment_vi": _text(g, onto, RDFS.comment, "vi"),
        "version": str(g.value(onto, OWL.versionInfo) or ""),
        "prefixes": sorted(PREFIXES.items()),
        "classes": classes, "relations": relations, "properties": properties,
        "datatypes": [_term(g, d) for d in _kg_terms(g, RDFS.Datatype)],
        "reused": reused, "schemes": schemes,
        "examples": [{"name": q.name, "title": q.title, "question": q.question, "text": q.text}
                     for q in example_queries()],
        "formats": list(MEDIA_TYPES),
    }


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    print(write_schemes())
