"""The SPARQL 1.1 Protocol endpoint at /sparql (first version: the SPARQL issue hardens it)."""
from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request

from kg.errors import Forbidden, InputError, QueryError
from web.state import state

bp = Blueprint("sparql", __name__)

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def _query_text() -> str:
    if request.method == "GET":
        return request.args.get("query", "")
    if request.mimetype == "application/x-www-form-urlencoded":
        return request.form.get("query", "")
    if request.mimetype == "application/sparql-query":
        return request.get_data(as_text=True)
    raise InputError(f"unsupported content type {request.mimetype!r}")


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():  # noqa: ANN201
    query = _query_text()
    if not query:
        raise InputError("no query given")
    upper = query.upper()
    if "SERVICE" in upper or "LOAD" in upper:
        raise Forbidden("SERVICE and LOAD are not allowed")
    store = state().store
    result = store.raw_query(query, use_default_graph_as_union=True)  # type: ignore[attr-defined]
    if isinstance(result, ox.QueryTriples):
        mime = request.accept_mimetypes.best_match(list(GRAPH_TYPES)) or "text/turtle"
        return Response(result.serialize(format=GRAPH_TYPES[mime]), mimetype=mime)
    mime = request.accept_mimetypes.best_match(list(RESULT_TYPES)) or \
        "application/sparql-results+json"
    if not isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        raise QueryError("unexpected result")
    return Response(result.serialize(format=RESULT_TYPES[mime]), mimetype=mime)
