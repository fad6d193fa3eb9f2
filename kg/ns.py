"""Namespaces and vocabulary terms: the one place that names IRIs.

`KG` is a DefinedNamespace with `_fail = True`, so a typo in a term raises at import
time; a test checks every term here is declared in `ontology/kg.ttl`.
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/vnkg/ontology"
# Concept schemes minted under the ontology, one scheme per table of kg.extract.tables.
DOCTYPE = Namespace("https://w3id.org/vnkg/type/")
BODYKIND = Namespace("https://w3id.org/vnkg/body-kind/")
LEVEL = Namespace("https://w3id.org/vnkg/level/")
STATUS = Namespace("https://w3id.org/vnkg/status/")


class ELI(DefinedNamespace):
    """European Legislation Identifier ontology: every term ELI defines, so a typo raises."""

    _NS = Namespace("http://data.europa.eu/eli/ontology#")
    _fail = True
    # Individuals of ELI's code lists whose local names are not Python identifiers.
    _extras = ["InForce-inForce", "InForce-notInForce", "InForce-partiallyInForce",
               "LegalValue-authoritative", "LegalValue-definitive", "LegalValue-official",
               "LegalValue-unofficial"]

    # classes
    AdministrativeArea: URIRef
    Agent: URIRef
    ComplexWork: URIRef
    Expression: URIRef
    Format: URIRef
    FormatType: URIRef
    InForce: URIRef
    Language: URIRef
    LegalExpression: URIRef
    LegalResource: URIRef
    LegalResourceSubdivision: URIRef
    LegalValue: URIRef
    Manifestation: URIRef
    Organization: URIRef
    Person: URIRef
    ResourceType: URIRef
    SubdivisionType: URIRef
    Version: URIRef
    Work: URIRef
    WorkSubdivision: URIRef
    WorkType: URIRef
    # properties
    amended_by: URIRef
    amends: URIRef
    applied_by: URIRef
    applies: URIRef
    based_on: URIRef
    basis_for: URIRef
    changed_by: URIRef
    changes: URIRef
    cited_by: URIRef
    cites: URIRef
    commenced_by: URIRef
    commences: URIRef
    consolidated_by: URIRef
    consolidates: URIRef
    corrected_by: URIRef
    corrects: URIRef
    countersigned_by: URIRef
    date_applicability: URIRef
    date_document: URIRef
    date_no_longer_in_force: URIRef
    date_publication: URIRef
    description: URIRef
    embodies: URIRef
    ensures_implementation_of: URIRef
    first_date_entry_in_force: URIRef
    has_annex: URIRef
    has_member: URIRef
    has_part: URIRef
    id_local: URIRef
    implementation_ensured_by: URIRef
    in_force: URIRef
    is_about: URIRef
    is_annex_of: URIRef
    is_member_of: URIRef
    is_part_of: URIRef
    is_realized_by: URIRef
    jurisdiction: URIRef
    language: URIRef
    legal_value: URIRef
    number: URIRef
    passed_by: URIRef
    publisher: URIRef
    publisher_agent: URIRef
    realizes: URIRef
    related_to: URIRef
    relevant_for: URIRef
    repealed_by: URIRef
    repeals: URIRef
    responsibility_of: URIRef
    responsibility_of_agent: URIRef
    title: URIRef
    title_alternative: URIRef
    title_short: URIRef
    transposed_by: URIRef
    transposes: URIRef
    type_document: URIRef
    version: URIRef
    version_date: URIRef
    work_type: URIRef


class KG(DefinedNamespace):
    """Terms of the project's own ontology (ontology/kg.ttl)."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # classes
    DocumentOrSet: URIRef
    Document: URIRef
    DocumentSet: URIRef
    PartyDocument: URIRef
    Body: URIRef
    PartyCommittee: URIRef
    AdminUnit: URIRef
    AdminUnitChange: URIRef
    Person: URIRef
    Event: URIRef
    Source: URIRef
    Extraction: URIRef
    Mention: URIRef
    Link: URIRef
    Correction: URIRef
    # datatypes of skos:notation, telling the numbering systems apart
    StateTypeCode: URIRef
    PartyTypeCode: URIRef
    IssuerCode: URIRef
    # document facts
    documentType: URIRef
    number: URIRef
    year: URIRef
    symbol: URIRef
    issuer: URIRef
    signer: URIRef
    validityStatus: URIRef
    subjectField: URIRef
    count: URIRef
    isSelf: URIRef
    provisional: URIRef
    # relations between documents (the taxonomy of kg.extract.tables.RELATIONS) and inverses
    based_on: URIRef
    basis_for: URIRef
    implements: URIRef
    implemented_by: URIRef
    details: URIRef
    detailed_by: URIRef
    guides: URIRef
    guided_by: URIRef
    amends: URIRef
    amended_by: URIRef
    replaces: URIRef
    replaced_by: URIRef
    repeals: URIRef
    repealed_by: URIRef
    reviews: URIRef
    reviewed_by: URIRef
    promulgates: URIRef
    promulgated_by: URIRef
    approves: URIRef
    approved_by: URIRef
    considers: URIRef
    considered_by: URIRef
    consolidates: URIRef
    consolidated_by: URIRef
    corrects: URIRef
    corrected_by: URIRef
    succeeds: URIRef
    succeeded_by: URIRef
    cites: URIRef
    cited_by: URIRef
    # bodies and places
    bodyKind: URIRef
    level: URIRef
    place: URIRef
    adminUnit: URIRef
    partOf: URIRef
    originalUnit: URIRef
    resultingUnit: URIRef
    changeBasis: URIRef
    # events
    heldBy: URIRef
    eventKind: URIRef
    # provenance and evidence
    mentionOf: URIRef
    inSource: URIRef
    linkFrom: URIRef
    linkTo: URIRef
    relation: URIRef
    quote: URIRef
    startOffset: URIRef
    endOffset: URIRef
    confidence: URIRef
    scope: URIRef
    correction: URIRef
    correctedField: URIRef
    originalValue: URIRef
    correctedValue: URIRef
    sha256: URIRef
    locator: URIRef
    mediaType: URIRef
    extractorVersion: URIRef
    text: URIRef


__all__ = [
    "BODYKIND", "DCTERMS", "DOCTYPE", "ELI", "FOAF", "KG", "LEVEL", "ONTOLOGY_IRI", "ORG",
    "OWL", "PROV", "RDF", "RDFS", "SKOS", "STATUS", "XSD",
]

PREFIXES: dict[str, str] = {
    "kg": str(KG._NS), "eli": str(ELI), "org": str(ORG), "prov": str(PROV),
    "skos": str(SKOS), "dcterms": str(DCTERMS), "foaf": str(FOAF), "rdf": str(RDF),
    "rdfs": str(RDFS), "xsd": str(XSD), "owl": str(OWL), "kgt": str(DOCTYPE),
    "kgb": str(BODYKIND), "kgl": str(LEVEL), "kgs": str(STATUS),
}


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, to prepend to the project's own queries."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
