"""The SPARQL 1.1 Protocol endpoint: /sparql (queries) and /sparql/update (updates).

HTTP only: the protocol's parameters are read here and handed to `kg.sparql.SparqlService`,
which checks, limits, runs and serializes (see its docstring). What the SPARQL 1.1
Protocol asks of the HTTP side: GET, POST form and POST `application/sparql-query`; one
query per request (400 otherwise); 415 for other POST bodies or charsets but UTF-8; 405 for
other methods; `default-graph-uri` / `named-graph-uri` (and `using-…` for updates); a
service description when there is no query; CORS so that browser tools elsewhere can ask.
"""
from __future__ import annotations

import threading
from typing import Any

from flask import Blueprint, Flask, Response, current_app, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from kg.errors import KGError, QueryError
from kg.sparql import SparqlService
from web.state import state

bp = Blueprint("sparql", __name__)
_LOCK = threading.Lock()

# Where a browser that opens /sparql without a query is sent, if the UI serves it.
EDITOR_PATHS = ("/sparql/editor", "/editor", "/query")


class UnsupportedMediaType(KGError):
    """A POST body the protocol does not define (SPARQL 1.1 Protocol §2.1.4: 415)."""

    status = 415
    exit_code = 2


def service() -> SparqlService:
    """The app's SPARQL service, built on first use (its workers start then)."""
    ext = current_app.extensions
    if "kg_sparql" not in ext:
        with _LOCK:
            if "kg_sparql" not in ext:
                st = state()
                ext["kg_sparql"] = SparqlService(st.store, st.settings)
    return ext["kg_sparql"]


def yield_to_requests(app: Flask) -> None:
    """While the app serves any request, runaway SPARQL queries stand still
    (`SparqlService.serving`): pages and quick queries keep their latency beside them."""
    inner = app.wsgi_app

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        svc = app.extensions.get("kg_sparql")
        if svc is None:
            return inner(environ, start_response)
        with svc.serving(environ.get("REMOTE_ADDR") or "unknown"):
            return inner(environ, start_response)

    app.wsgi_app = wsgi  # type: ignore[method-assign]


def warm(app: Any) -> None:
    """Start the app's query workers now rather than on the first query."""
    with app.app_context():
        service().runner  # noqa: B018 - building the runner starts its workers


@bp.after_request
def cors(resp: Response) -> Response:
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    resp.headers["Access-Control-Allow-Headers"] = "Accept, Authorization, Content-Type"
    resp.headers["Access-Control-Expose-Headers"] = "Retry-After, Content-Type"
    resp.headers["Access-Control-Max-Age"] = "86400"
    resp.vary.add("Accept")
    return resp


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise QueryError(f"the request holds {len(values)} '{name}' parameters; send one")
    return values[0] if values else None


def _body_text() -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"the body must be UTF-8, not {charset}")
    try:
        return request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as e:
        raise QueryError(f"the body is not valid UTF-8: {e}") from e


def _graphs(name: str) -> list[str]:
    values = request.args.getlist(name)
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        values += request.form.getlist(name)
    return values


def _endpoint_url() -> str:
    return request.base_url


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> BaseResponse:
    """A query by GET, POST form or POST body; a POST form with `update=` is an update."""
    if request.method == "GET":
        if "update" in request.args:
            raise QueryError("an update is sent by POST, never by GET")
        query = _one(request.args.getlist("query"), "query")
        if query is None:
            return _no_query()
    elif request.mimetype == "application/x-www-form-urlencoded":
        if request.mimetype_params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
            raise UnsupportedMediaType("the form must be UTF-8")
        if "update" in request.form:
            return _update(_one(request.form.getlist("update"), "update") or "")
        query = _one(request.form.getlist("query"), "query")
        if query is None:
            raise QueryError("the form holds no 'query' parameter")
    elif request.mimetype == "application/sparql-query":
        query = _body_text()
    elif request.mimetype == "application/sparql-update":
        return _update(_body_text())
    else:
        raise UnsupportedMediaType(
            f"a query is POSTed as application/x-www-form-urlencoded or "
            f"application/sparql-query, not {request.mimetype or 'a body without type'!r}")
    if not query.strip():
        raise QueryError("the query is empty")
    answer = service().query(
        query, client=request.remote_addr or "unknown",
        accept=request.headers.get("Accept"), format_param=request.values.get("format"),
        default_graphs=_graphs("default-graph-uri"), named_graphs=_graphs("named-graph-uri"),
        base_iri=_endpoint_url())
    return Response(answer.body, content_type=answer.content_type)


@bp.route("/sparql/update", methods=["POST"])
def update_endpoint() -> Response:
    """SPARQL Update by POST form (`update=`) or POST `application/sparql-update`."""
    if request.mimetype == "application/x-www-form-urlencoded":
        text = _one(request.form.getlist("update"), "update")
        if text is None:
            raise QueryError("the form holds no 'update' parameter")
    elif request.mimetype == "application/sparql-update":
        text = _body_text()
    else:
        raise UnsupportedMediaType(
            "an update is POSTed as application/x-www-form-urlencoded or "
            f"application/sparql-update, not {request.mimetype or 'a body without type'!r}")
    return _update(text)


def _update(text: str) -> Response:
    auth = request.headers.get("Authorization", "")
    token = auth[7:].strip() if auth[:7].lower() == "bearer " else None
    svc = service()
    svc.update(text, token=token, using=_graphs("using-graph-uri"),
               using_named=_graphs("using-named-graph-uri"), base_iri=_endpoint_url())
    return Response(status=204)


def _no_query() -> BaseResponse:
    """No query: the service description for programs, the query editor for browsers."""
    best = request.accept_mimetypes.best_match(
        ["text/turtle", "application/rdf+xml", "application/ld+json", "application/n-triples",
         "text/html"])
    if best == "text/html" and not request.args.get("format"):
        rules = {r.rule for r in current_app.url_map.iter_rules()}
        for path in EDITOR_PATHS:
            if path in rules:
                return redirect(path, code=303)
    answer = service().description(endpoint=_endpoint_url(),
                                   accept=None if best == "text/html" else
                                   request.headers.get("Accept"),
                                   format_param=request.args.get("format"))
    return Response(answer.body, content_type=answer.content_type)
