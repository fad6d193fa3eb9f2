"""The Flask application: UI pages, JSON API, SPARQL endpoint and Linked Data.

`create_app(test_config)` layers the configuration: the settings' defaults, then `KG_*`
environment variables, then `test_config["KG"]` overrides. State lives in
`app.extensions["kg"]`; nothing is built at import time.
"""
from __future__ import annotations

from typing import Any

from flask import Flask

from kg import settings
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
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["kg"] = KGState(app.config["KG"], store=cfg.get("KG_STORE_OBJECT"))

    from web import api, errors, ld, ontology, sparql, ui, views

    errors.register(app)
    views.register_filters(app)
    app.register_blueprint(ui.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(ld.bp)
    app.register_blueprint(ontology.bp)
    sparql.yield_to_requests(app)
    return app


def warm(app: Flask) -> None:
    """Do now what the first requests would otherwise wait for: start the query workers
    and compile every template (the document page's took ~60 ms on its first request)."""
    from web import sparql

    sparql.warm(app)
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
