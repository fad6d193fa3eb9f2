"""Real SPARQL clients against a live server: SPARQLWrapper and rdflib's SPARQLStore.

Every query form, every result format, and literals (typed, language-tagged, Vietnamese
with combining-free NFC text, newlines, curly quotes) coming back exactly as stored.
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from tests.sparql.live import DATA, Server

PREFIXES = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX kg: <https://w3id.org/vnkg/ontology#>
"""
DOC = URIRef("https://w3id.org/vnkg/id/doc/97-2019-qh14")
NOTE = URIRef("https://w3id.org/vnkg/id/note/1")


def expected() -> Dataset:
    """The test data as rdflib reads it: the reference for every round trip."""
    ds = Dataset(default_union=True)
    ds.parse(DATA / "chain.trig", format="trig")
    return ds


def wrapper(server: Server, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    sw = SPARQLWrapper(server.sparql)
    sw.setQuery(PREFIXES + query)
    sw.setReturnFormat(fmt)
    sw.setMethod(method)
    return sw


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_every_results_format(live: Server, fmt: str, method: str) -> None:
    query = "SELECT ?id ?label WHERE { ?d eli:id_local ?id ; rdfs:label ?label " \
            "FILTER(LANG(?label) = 'vi') } ORDER BY ?id"
    result = wrapper(live, query, fmt, method).query()
    data = result.convert()
    if fmt == JSON:
        rows = [(b["id"]["value"], b["label"]["value"]) for b in data["results"]["bindings"]]
        assert {b["label"].get("xml:lang") for b in data["results"]["bindings"]} == {"vi"}
    elif fmt == XML:
        rows = [(r.getElementsByTagName("literal")[0].firstChild.data,
                 r.getElementsByTagName("literal")[1].firstChild.data)
                for r in data.getElementsByTagName("result")]
    else:
        text = data.decode("utf-8")
        if fmt == CSV:
            lines = list(csv.reader(io.StringIO(text)))
        else:  # TSV holds terms in Turtle syntax: "text"@vi
            lines = [[re.sub(r'^"(.*)"(@[A-Za-z-]+)?$', r"\1", c) for c in line.split("\t")]
                     for line in text.splitlines()]
        assert [h.lstrip("?") for h in lines[0]] == ["id", "label"]
        rows = [tuple(line) for line in lines[1:]]
    ds = expected()
    want = sorted((str(i), str(label)) for d, _, i in ds.triples(
        (None, URIRef("http://data.europa.eu/eli/ontology#id_local"), None))
        for label in ds.objects(d, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        if label.language == "vi")
    assert sorted(rows) == want
    assert ("32/2021/NĐ-CP", "Nghị định 32/2021/NĐ-CP") in rows


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(live: Server, fmt: str) -> None:
    yes = wrapper(live, 'ASK { ?d eli:id_local "97/2019/QH14" }', fmt).query().convert()
    no = wrapper(live, 'ASK { ?d eli:id_local "97/2019/QH15" }', fmt).query().convert()
    if fmt == JSON:
        assert yes["boolean"] is True and no["boolean"] is False
    else:
        assert yes.getElementsByTagName("boolean")[0].firstChild.data == "true"
        assert no.getElementsByTagName("boolean")[0].firstChild.data == "false"


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD, N3])
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_graph_forms_every_format(live: Server, fmt: str, form: str) -> None:
    query = (f"CONSTRUCT {{ <{NOTE}> ?p ?o }} WHERE {{ <{NOTE}> ?p ?o }}" if form == "CONSTRUCT"
             else f"DESCRIBE <{NOTE}>")
    sw = wrapper(live, query, fmt)
    g = sw.query().convert()
    if isinstance(g, bytes | str):
        g = Graph().parse(data=g, format="turtle" if fmt in (TURTLE, N3) else "json-ld")
    want = Graph()
    for t in expected().triples((NOTE, None, None)):
        want.add(t[:3])
    assert set(g) == set(want)


@pytest.mark.parametrize("accept,parse", [
    ("application/n-triples", "nt"), ("application/trig", "trig"),
    ("application/n-quads", "nquads"), ("application/ld+json", "json-ld"),
])
def test_graph_results_in_dataset_and_line_formats(live: Server, accept: str, parse: str) -> None:
    query = f"CONSTRUCT {{ <{NOTE}> ?p ?o }} WHERE {{ <{NOTE}> ?p ?o }}"
    req = urllib.request.Request(live.sparql + "?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.headers["Content-Type"].split(";")[0] == accept
        raw = resp.read()
    g = Dataset() if parse in ("trig", "nquads") else Graph()
    g.parse(data=raw.decode("utf-8"), format=parse)
    got = {t[:3] for t in (g.quads() if isinstance(g, Dataset) else g)}
    assert got == {t[:3] for t in expected().triples((NOTE, None, None))}


def test_literals_round_trip_exactly(live: Server) -> None:
    """Typed and language literals (Vietnamese, newline, quotes) come back as stored."""
    store = SPARQLStore(live.sparql, returnFormat="json")
    rows = list(store.query(f"SELECT ?p ?o WHERE {{ <{NOTE}> ?p ?o }}"))
    got = {row[1] for row in rows}
    want = set(expected().objects(NOTE, None))
    assert got == want
    comment = next(o for o in got if isinstance(o, Literal) and o.language == "vi")
    assert "\n" in comment and "“ngoặc”" in comment
    assert unicodedata.is_normalized("NFC", str(comment))
    assert Literal(0.75, datatype=XSD.decimal) in got
    assert Literal("12345678901234567890", datatype=XSD.integer) in got
    assert Literal(True) in got


def test_rdflib_sparqlstore_select_ask_construct(live: Server) -> None:
    store = SPARQLStore(live.sparql)
    g = Graph(store=store)
    labels = {str(r[0]) for r in g.query(
        PREFIXES + 'SELECT ?l { ?d eli:id_local "03-TT/QU" ; rdfs:label ?l }')}
    assert labels == {"Thông tri 03-TT/QU"}
    assert g.query(PREFIXES + 'ASK { ?d kg:implements ?p }').askAnswer is True
    built = g.query(PREFIXES + "CONSTRUCT { ?a kg:implements ?b } WHERE { ?a kg:implements ?b }")
    pairs = {(str(s).rsplit("/", 1)[-1], str(o).rsplit("/", 1)[-1]) for s, _, o in built}
    assert pairs == {("171-kh-tu", "97-2019-qh14"), ("03-tt-qu", "171-kh-tu"),
                     ("duc-giang-ubnd", "03-tt-qu")}
    dates = {r[0] for r in g.query(PREFIXES + "SELECT ?date { ?d eli:date_document ?date }")}
    assert Literal("2019-11-27", datatype=XSD.date) in dates


def test_default_graph_is_the_union_and_graph_still_names_sources(live: Server) -> None:
    sw = wrapper(live, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", JSON)
    n = int(sw.query().convert()["results"]["bindings"][0]["n"]["value"])
    # the default graph is the RDF merge: a triple two sources state counts once
    assert n == len({(s, p, o) for s, p, o, _ in expected().quads()})
    sw = wrapper(live, 'SELECT DISTINCT ?g { GRAPH ?g { ?d eli:id_local "03-TT/QU" } }', JSON)
    graphs = [b["g"]["value"] for b in sw.query().convert()["results"]["bindings"]]
    assert graphs == ["https://w3id.org/vnkg/id/source/b"]
    sw = wrapper(live, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", JSON)
    sw.addDefaultGraph("https://w3id.org/vnkg/id/source/a")
    n = int(sw.query().convert()["results"]["bindings"][0]["n"]["value"])
    assert n == len(list(expected().quads((None, None, None,
                                            URIRef("https://w3id.org/vnkg/id/source/a")))))


def test_answers_equal_pyoxigraph_for_select(live: Server) -> None:
    """The endpoint's JSON equals pyoxigraph's own serialization of the same query."""
    query = PREFIXES + "SELECT ?d ?l { ?d rdfs:label ?l } ORDER BY ?d ?l"
    own = ox.Store()
    own.load(path=str(DATA / "chain.trig"), format=ox.RdfFormat.TRIG)
    own.extend([ox.Quad(q.subject, q.predicate, q.object) for q in own])  # the merge
    want = own.query(query).serialize(format=ox.QueryResultsFormat.JSON)
    got = wrapper(live, query, JSON).query().response.read()
    assert json.loads(got) == json.loads(want)
