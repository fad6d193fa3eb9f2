"""The endpoint answers the example queries (ontology/examples/*.rq) exactly as pyoxigraph
itself does over the same data, with the union of the named graphs as the default graph."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.sparql.live import DATA, Server
from tests.sparql.test_hostile import ask

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "ontology" / "examples").glob("*.rq"))
OWN = [
    "SELECT ?d ?l { ?d <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?d ?l",
    "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "ASK { ?d <https://w3id.org/vnkg/ontology#implements>+ "
    "<https://w3id.org/vnkg/id/doc/97-2019-qh14> }",
]


def _reference(query: str) -> dict:
    store = ox.Store()
    store.load(path=str(DATA / "chain.trig"), format=ox.RdfFormat.TRIG)
    return json.loads(store.query(query, use_default_graph_as_union=True).serialize(
        format=ox.QueryResultsFormat.JSON))


def _same(got: dict, want: dict, ordered: bool) -> bool:
    if "boolean" in want:
        return got["boolean"] == want["boolean"]
    rows = [json.dumps(b, sort_keys=True) for b in got["results"]["bindings"]]
    ref = [json.dumps(b, sort_keys=True) for b in want["results"]["bindings"]]
    return got["head"] == want["head"] and (rows == ref if ordered else sorted(rows) == sorted(ref))


@pytest.mark.parametrize("query", [p.read_text(encoding="utf-8") for p in EXAMPLES] + OWN,
                         ids=[p.stem for p in EXAMPLES] + [f"own-{i}" for i in range(len(OWN))])
def test_answers_equal_pyoxigraph(live: Server, query: str) -> None:
    status, body, _ = ask(live, query)
    assert status == 200, body
    assert _same(json.loads(body), _reference(query), ordered="ORDER BY" in query.upper())


def test_examples_are_present() -> None:
    assert len(EXAMPLES) >= 6
