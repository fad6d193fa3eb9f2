"""Browser pages: home, search. Resource pages live under /id/ (see ld.py)."""
from __future__ import annotations

from flask import Blueprint, request

from web.state import state
from web.views import page

bp = Blueprint("ui", __name__)


@bp.route("/")
@bp.route("/index.json")
def home():  # noqa: ANN201
    q = state().queries
    data = {"stats": q.stats(), "top": q.top_documents(10),
            "sources": [s.__dict__ for s in q.sources()[:10]]}
    return page("home.html", data)


@bp.route("/search")
@bp.route("/search.json")
def search():  # noqa: ANN201
    text = request.args.get("q", "").strip()
    q = state().queries
    results = []
    if text:
        results = [{"node": r["doc"], "label": r["label"]} for r in q.find_documents(text)]
        results += [{"node": r["node"], "label": r["label"]} for r in q.search_labels(text)
                    if r["node"] not in {x["node"] for x in results}]
    return page("search.html", {"q": text, "results": results})
