"""The Flask application: UI pages, JSON API, SPARQL endpoint and Linked Data.

`create_app(test_config)` layers the configuration: the settings' defaults, then `KG_*`
environment variables, then `test_config["KG"]` overrides. State lives in
`app.extensions["kg"]`; nothing is built at import time.
"""
from __future__ import annotations

import time
from typing import Any

from flask import Flask, Response, g

from kg import settings
from web.jsonout import OrjsonProvider
from web.state import KGState


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `test_config` may hold Flask keys and a "KG" dict of settings."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(MAX_CONTENT_LENGTH=2 * 1024 * 1024, JSON_AS_ASCII=False)
    app.config.from_pyfile("config.py", silent=True)
    cfg = dict(test_config or {})
    kg_overrides = cfg.pop("KG", {})
    app.config.from_mapping(cfg)
    app.config["KG"] = settings.load(kg_overrides)
    app.json = OrjsonProvider(app)
    app.extensions["kg"] = KGState(app.config["KG"], store=cfg.get("KG_STORE_OBJECT"))

    from web import api, errors, ld, ontology, sparql, ui, views

    _server_timing(app)     # first: its after_request runs last
    errors.register(app)
    views.register_filters(app)
    app.register_blueprint(ui.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(ld.bp)
    app.register_blueprint(ontology.bp)
    sparql.yield_to_requests(app)
    return app


def _server_timing(app: Flask) -> None:
    """Every answer says how long the app took to make it, as W3C Server Timing
    (`Server-Timing: app;dur=<ms>`, from the request's dispatch to its finished response):
    browsers' tools show it, and the benchmark reads the server's time apart from the
    network's and the client's."""

    @app.before_request
    def started() -> None:
        g.kg_started = time.perf_counter()

    @app.after_request
    def timing(resp: Response) -> Response:
        start = g.get("kg_started")
        if start is not None:
            resp.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
        return resp


def warm(app: Flask) -> None:
    """Do now what the first requests would otherwise wait for: start the query workers
    and compile every template (the document page's took ~60 ms on its first request)."""
    from web import sparql

    sparql.warm(app)
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
