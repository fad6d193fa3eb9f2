"""JSON API under /api/: the library's answers for programs."""
from __future__ import annotations

from flask import Blueprint, jsonify

from web.state import state

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/stats")
def stats():  # noqa: ANN201
    return jsonify({"ok": True, **state().queries.stats()})


@bp.route("/sources")
def sources():  # noqa: ANN201
    return jsonify({"ok": True, "sources": [s.__dict__ for s in state().queries.sources()]})
