"""HTTP details of the endpoint: CORS, 405/415/406, the service description, the editor
hand-over, and updates only with the bearer token."""
from __future__ import annotations

import pytest
from rdflib import Graph, Namespace, URIRef

from tests.sparql.live import TOKEN

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.fixture
def client(chain_store):
    from web import create_app

    app = create_app({"TESTING": True, "KG_STORE_OBJECT": chain_store,
                      "KG": {"store": chain_store.location, "update_token": TOKEN}})
    yield app.test_client()
    svc = app.extensions.get("kg_sparql")
    if svc is not None:
        svc.close()


def test_cors_headers_on_answers_errors_and_preflight(client) -> None:
    for resp in (client.get("/sparql", query_string={"query": "ASK {}"}),
                 client.get("/sparql", query_string={"query": "ASK {"}),
                 client.options("/sparql", headers={"Origin": "http://elsewhere.example",
                                                    "Access-Control-Request-Method": "POST"})):
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in resp.headers["Access-Control-Allow-Methods"]


def test_method_and_media_type_errors(client) -> None:
    assert client.put("/sparql").status_code == 405
    assert client.delete("/sparql").status_code == 405
    assert client.post("/sparql", data="ASK {}", content_type="text/plain").status_code == 415
    resp = client.post("/sparql", data="ASK {}".encode("utf-16"),
                       content_type="application/sparql-query; charset=UTF-16")
    assert resp.status_code == 415
    resp = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert resp.status_code == 406


def test_bad_query_answers_400_with_the_parser_message(client) -> None:
    resp = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert resp.status_code == 400
    assert "error at 1:" in resp.get_json()["error"]


def test_service_description_for_programs(client) -> None:
    resp = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    g = Graph().parse(data=resp.data, format="turtle")
    service = next(g.subjects(SD.endpoint, URIRef("http://localhost/sparql")))
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) in g  # token set
    assert (service, SD.feature, SD.UnionDefaultGraph) in g


def test_browser_without_query_goes_to_the_editor(client) -> None:
    resp = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/query")


def test_update_needs_the_bearer_token(client) -> None:
    update = "INSERT DATA { GRAPH <http://g/new> { <http://a> <http://b> \"mới\"@vi } }"
    ask = {"query": "ASK { GRAPH <http://g/new> { <http://a> <http://b> \"mới\"@vi } }"}
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        resp = client.post("/sparql/update", data=update, headers=headers,
                           content_type="application/sparql-update")
        assert resp.status_code == 401
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is False
    resp = client.post("/sparql/update", data=update, content_type="application/sparql-update",
                       headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 204
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is True


def test_update_never_loads(client) -> None:
    resp = client.post("/sparql/update", data="LOAD <http://127.0.0.1:1/x.ttl>",
                       content_type="application/sparql-update",
                       headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 403


def test_in_memory_store_answers_503_at_the_limit(store) -> None:
    """The in-memory store runs in threads: the answer still comes at the limit."""
    import io
    import time

    from rdflib import URIRef as U

    from web import create_app

    nt = "".join(f"<http://x/s{i}> <http://x/p> \"{i}\" .\n" for i in range(220))
    store.load(io.BytesIO(nt.encode()), "nt", U("http://x/g"))
    app = create_app({"TESTING": True, "KG_STORE_OBJECT": store,
                      "KG": {"store": "memory", "query_timeout": 1.0}})
    start = time.monotonic()
    resp = app.test_client().get("/sparql", query_string={
        "query": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
                 "FILTER(?c != ?f || ?f != ?i) }"})
    assert resp.status_code == 503
    assert time.monotonic() - start <= 2.0
