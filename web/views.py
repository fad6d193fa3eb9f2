"""Shared view plumbing: every page is HTML for a browser and JSON for a program."""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify, render_template

from web.errors import wants_json


def page(template: str, data: dict[str, Any], **extra: Any) -> Response | str:
    """Render `template` with `data`, or answer `data` as JSON when JSON is asked for."""
    if wants_json():
        return jsonify({"ok": True, **data})
    return render_template(template, data=data, **extra)


def register_filters(app) -> None:  # noqa: ANN001 - Flask app
    """`local`: an IRI minted under the base as its /id/ path; `short`: a compact IRI."""
    from kg.ns import PREFIXES

    base = app.extensions["kg"].minter.base

    @app.template_filter("local")
    def local(iri: str | None) -> str:
        if iri and iri.startswith(base):
            return "/id/" + iri[len(base):]
        return iri or "#"

    @app.template_filter("short")
    def short(iri: str | None) -> str:
        if not iri:
            return ""
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns):]}"
        if iri.startswith(base):
            return iri[len(base):]
        return iri
