"""The ontology dereferences at its namespace path, by content negotiation."""
from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg.ns import DOCTYPE, KG, ONTOLOGY_IRI
from kg.store import open_store
from web import create_app


@pytest.fixture
def bare_client():
    """A client over an empty store: the ontology needs no data."""
    app = create_app({"TESTING": True, "KG_STORE_OBJECT": open_store("memory"),
                      "KG": {"store": "memory"}})
    return app.test_client()


@pytest.mark.parametrize("mime,fmt", [("text/turtle", "turtle"),
                                      ("application/ld+json", "json-ld"),
                                      ("application/n-triples", "nt"),
                                      ("application/rdf+xml", "xml")])
def test_ontology_by_accept(bare_client, mime: str, fmt: str) -> None:
    resp = bare_client.get("/ontology", headers={"Accept": mime})
    assert resp.status_code == 200 and resp.mimetype == mime
    g = Graph().parse(data=resp.data, format=fmt)
    assert (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in g
    assert (KG.implements, OWL.inverseOf, KG.implemented_by) in g or \
        (KG.implemented_by, OWL.inverseOf, KG.implements) in g


def test_ontology_page_for_a_browser_links_every_relation(bare_client) -> None:
    html = bare_client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    for term in ("implements", "based_on", "repeals", "Document", "Body"):
        assert f'id="{term}"' in html


def test_concept_dereferences(bare_client) -> None:
    resp = bare_client.get("/type/thong-tri", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=resp.data, format="turtle")
    assert any(str(o) == "Thông tri" for o in g.objects(DOCTYPE["thong-tri"], None))
    browser = bare_client.get("/type/thong-tri")
    assert browser.status_code == 303 and browser.headers["Location"].endswith("#type-thong-tri")
    assert bare_client.get("/type/no-such-type", headers={"Accept": "text/turtle"}).status_code \
        == 404
