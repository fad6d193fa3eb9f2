"""JSON API under /api/: the library's answers for programs.

Documents are named by `doc` (a number such as 97/2019/QH14, or an IRI), bodies by
`body` (a name or an IRI); errors come back in the one JSON error shape.
"""
from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from kg import analytics
from kg.errors import InputError
from web import pages
from web.state import state

bp = Blueprint("api", __name__, url_prefix="/api")


def _arg(name: str, *alts: str) -> str:
    for key in (name, *alts):
        value = request.args.get(key, "").strip()
        if value:
            return value
    raise InputError(f"missing parameter {name}")


def _int_arg(name: str, default: int, *, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        n = int(raw)
    except ValueError as e:
        raise InputError(f"{name} must be a whole number, not {raw!r}") from e
    if not low <= n <= high:
        raise InputError(f"{name} must be between {low} and {high}")
    return n


def _limit() -> int | None:
    """?limit=N of the traces and timelines (the nearest N documents) and of the diff (the
    newest N links); none, all of them."""
    return _int_arg("limit", 0, low=0, high=10**9) if request.args.get("limit") else None


def _flag(name: str) -> bool:
    return request.args.get(name, "").lower() in {"1", "true", "yes", "on"}


def _doc() -> str:
    return analytics.resolve_document(state().store, _arg("doc", "id", "iri"))


def _body() -> str:
    return analytics.resolve_body(state().store, _arg("body", "iri"))


_AGGREGATES = threading.Lock()


def _aggregate(name: str, compute: Callable[[], Any]) -> Any:
    """A whole-store aggregate, computed by one request at a time and kept while the store
    is unchanged: at 100k documents one takes tens of seconds and hundreds of MB, so many
    clients asking at once must cost one computation, not one each."""
    cache = current_app.extensions.setdefault("kg_aggregates", {})
    with _AGGREGATES:
        key = pages.index().catalog.state_key()
        if key is not None and cache.get(name, (None,))[0] == key:
            return cache[name][1]
        value = compute()
        if key is not None:
            cache[name] = (key, value)
        return value


@bp.route("/stats")
def stats():  # noqa: ANN201
    return jsonify({"ok": True, **_aggregate("stats", lambda: state().queries.stats())})


@bp.route("/sources")
def sources():  # noqa: ANN201
    return jsonify({"ok": True, "sources": _aggregate(
        "sources", lambda: [s.__dict__ for s in state().queries.sources()])})


@bp.route("/trace")
def trace():  # noqa: ANN201
    """?doc=…&direction=down|up[&limit=N: the nearest N documents only]"""
    direction = request.args.get("direction", "up" if _flag("up") else "down")
    if direction not in ("down", "up"):
        raise InputError("direction must be down or up")
    out = analytics.trace(pages.analytics_store(), _doc(), up=direction == "up", limit=_limit())
    return jsonify({"ok": True, **out})


@bp.route("/applies")
def applies():  # noqa: ANN201
    """?body=…"""
    return jsonify({"ok": True, **analytics.applies_to(pages.analytics_store(), _body())})


@bp.route("/gaps")
def gaps():  # noqa: ANN201
    """?body=…"""
    return jsonify({"ok": True, **analytics.gaps(pages.analytics_store(), _body())})


@bp.route("/coverage")
def coverage():  # noqa: ANN201
    """?doc=…&scope=cascade|all"""
    scope = request.args.get("scope", "cascade")
    if scope not in ("cascade", "all"):
        raise InputError("scope must be cascade or all")
    return jsonify({"ok": True, **analytics.coverage(pages.analytics_store(), _doc(), scope=scope)})


@bp.route("/path")
def path():  # noqa: ANN201
    """?a=…&b=…[&directed=1][&max_hops=12]"""
    store = pages.analytics_store()
    a = analytics.resolve_node(store, _arg("a", "from"))
    b = analytics.resolve_node(store, _arg("b", "to"))
    return jsonify({"ok": True, **analytics.path(
        store, a, b, directed=_flag("directed"),
        max_hops=_int_arg("max_hops", 12, low=1, high=30))})


@bp.route("/rank")
def rank():  # noqa: ANN201
    """?top=20[&communities=0]"""
    communities = request.args.get("communities", "1").lower() not in {"0", "false", "no"}
    return jsonify({"ok": True, **analytics.rank(
        pages.analytics_store(), top=_int_arg("top", 20, low=1, high=1000),
        communities=communities)})


@bp.route("/timeline")
def timeline():  # noqa: ANN201
    """?doc=…[&up=1][&limit=N: the nearest N documents only]"""
    return jsonify({"ok": True, **analytics.timeline(pages.analytics_store(), _doc(),
                                                     up=_flag("up"), limit=_limit())})


@bp.route("/diff")
def diff():  # noqa: ANN201
    """?doc=…&since=YYYY-MM-DD[&by=ingested|document][&limit=N: the newest N links only]"""
    return jsonify({"ok": True, **analytics.diff(pages.analytics_store(), _doc(), _arg("since"),
                                                 by=request.args.get("by", "ingested"),
                                                 limit=_limit())})


@bp.route("/export-graph")
def export_graph():  # noqa: ANN201
    """?format=graphml|gexf|json|csv[&doc=…[&up=1]]: the document graph as a file."""
    fmt = request.args.get("format", "json")
    if fmt not in analytics.exports.FORMATS:
        raise InputError(f"format must be one of {', '.join(analytics.exports.FORMATS)}")
    store = state().store
    root = _doc() if request.args.get("doc") or request.args.get("id") else None
    buf = io.BytesIO()
    analytics.export_graph(store, fmt, buf, root=root, up=_flag("up"))
    ext = {"json": "json", "csv": "csv", "graphml": "graphml", "gexf": "gexf"}[fmt]
    return Response(buf.getvalue(), mimetype=analytics.exports.FORMATS[fmt], headers={
        "Content-Disposition": f'attachment; filename="documents.{ext}"'})
