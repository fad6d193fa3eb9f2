"""The guard as a table: what it lets through and what it refuses, checked against rdflib's
SPARQL parser where that parser can say (it builds a SERVICE node for a SERVICE clause)."""
from __future__ import annotations

import pytest
from rdflib.plugins.sparql.parser import parseQuery

from kg.errors import Forbidden, LimitExceeded, QueryError
from kg.sparql import guard

OK = [
    'SELECT ("SERVICE" AS ?x) {}',
    "SELECT * { ?s <http://x/SERVICE> ?o }",
    "PREFIX service: <http://x/> SELECT * { ?s service:load ?o }",
    "SELECT ?service ?load { ?service ?p ?load }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://evil/> LOAD",
    "SELECT * { ?s ?p '''multi\nline SERVICE <http://evil/> {}''' }",
    'SELECT * { ?s ?p "x"@service }',
    "SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
]
REFUSED = [
    ("SELECT * { SERVICE <http://127.0.0.1/> { ?s ?p ?o } }", Forbidden),
    ("select * { service <http://127.0.0.1/> { ?s ?p ?o } }", Forbidden),
    ("SELECT * { SeRvIcE SILENT <http://127.0.0.1/> { ?s ?p ?o } }", Forbidden),
    ("SELECT * { SERVICE ?e { ?s ?p ?o } }", Forbidden),
    ("LOAD <http://127.0.0.1/x>", Forbidden),
    ("load <http://127.0.0.1/x> into graph <http://g>", Forbidden),
    ("INSERT DATA { <http://a> <http://b> <http://c> }", Forbidden),
    ("PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }", Forbidden),
    ("CLEAR ALL", Forbidden),
    ("SELECT * { \\u0053ERVICE <http://127.0.0.1/> { ?s ?p ?o } }", Forbidden),
    ("SELECT * {" + "{" * 200 + "}" * 200 + "}", QueryError),
    ("SELECT * { ?s ?p ?o }" + " " * 2000, LimitExceeded),
]


@pytest.mark.parametrize("query", OK)
def test_guard_lets_through(query: str) -> None:
    info = guard.check_query(query, max_length=1000)
    assert info.form == "SELECT"
    assert not info.services


@pytest.mark.parametrize("query,error", REFUSED)
def test_guard_refuses(query: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        guard.check_query(query, max_length=1000)


def _rdflib_has_service(query: str) -> bool:
    return "ServiceGraphPattern" in repr(parseQuery(query))


@pytest.mark.parametrize("query", OK + [q for q, e in REFUSED[:4]])
def test_guard_agrees_with_rdflib_parser_on_service(query: str) -> None:
    try:
        guard.check_query(query, max_length=1000)
        refused = False
    except Forbidden:
        refused = True
    assert refused == _rdflib_has_service(query)


def test_allow_list_lets_a_listed_endpoint_through() -> None:
    q = "PREFIX e: <http://dbpedia.org/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }"
    info = guard.check_query(q, max_length=1000, service_allow=("http://dbpedia.org/sparql",))
    assert info.services == ["http://dbpedia.org/sparql"]
    with pytest.raises(Forbidden):
        guard.check_query(q, max_length=1000, service_allow=("http://dbpedia.org/other",))


def test_dataset_clause_is_seen() -> None:
    assert guard.check_query("SELECT * FROM <http://g> { ?s ?p ?o }", max_length=99).has_dataset
    assert not guard.check_query("SELECT * { ?s ?p ?o }", max_length=99).has_dataset


@pytest.mark.parametrize("update,expected", [
    ("INSERT { ?s a <http://t> } WHERE { ?s ?p ?o }",
     "INSERT { ?s a <http://t> } USING <http://g> WHERE { ?s ?p ?o }"),
    ("INSERT DATA { <http://a> <http://b> <http://c> } ; DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
     "INSERT DATA { <http://a> <http://b> <http://c> } ; "
     "DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE { ?s ?p ?o }"),
])
def test_using_graph_uri_becomes_using_clauses(update: str, expected: str) -> None:
    assert guard.add_using(update, using=["http://g"], using_named=[]) == expected


def test_using_graph_uri_with_a_with_clause_is_an_error() -> None:
    with pytest.raises(QueryError):
        guard.add_using("WITH <http://a> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                        using=["http://g"], using_named=[])
