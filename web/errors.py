"""One error shape everywhere: JSON `{"ok": false, "error", "status"}` or an HTML page."""
from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kg.errors import KGError, TooManyRequests


def wants_json() -> bool:
    if request.path.endswith(".json") or request.args.get("format") == "json":
        return True
    if request.path.startswith(("/api/", "/sparql")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _answer(message: str, status: int) -> Response:
    if wants_json():
        resp = jsonify({"ok": False, "error": message, "status": status})
    else:
        resp = Response(render_template("error.html", message=message, status=status),
                        mimetype="text/html")
    resp.status_code = status
    return resp


def register(app: Flask) -> None:
    @app.errorhandler(KGError)
    def kg_error(e: KGError) -> Response:
        resp = _answer(e.message, e.status)
        if isinstance(e, TooManyRequests):
            resp.headers["Retry-After"] = str(e.retry_after)
        return resp

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> Response:
        resp = _answer(e.description or e.name, e.code or 500)
        if e.code == 405 and e.get_response().headers.get("Allow"):
            resp.headers["Allow"] = e.get_response().headers["Allow"]
        return resp

    @app.after_request
    def security_headers(resp: Response) -> Response:
        resp.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'")
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        return resp
