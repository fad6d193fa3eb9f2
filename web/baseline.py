"""Serve an N-Quads dump from rdflib's in-memory store through this project's web app.

`python -m web.baseline DUMP PORT`: the baseline server of the benchmark's SPARQL mix
(`kg bench` starts it by module name, in a subprocess), the same Flask endpoint code as
`kg serve` with the store swapped for `kg.bench.rdflib_store.RdflibStore`. It lives in the
web layer because it builds the web app; the core only names it.
"""
from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask

from kg.bench.rdflib_store import RdflibStore
from kg.sparql import SparqlService
from kg.sparql.execute import Job
from kg.sparql.runner import Runner
from web import create_app

# The answer formats of the endpoint, as rdflib names them.
_RDFLIB_FORMATS = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "txt"}


class RdflibRunner(Runner):
    """Answers the endpoint's jobs with rdflib's own SPARQL engine instead of pyoxigraph."""

    def __init__(self, store: RdflibStore, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.store = store

    def run(self, job: Job) -> bytes:
        res = self.store._query(job.query)
        out: bytes = res.serialize(format=_RDFLIB_FORMATS.get(job.fmt, "json"))
        return out


def build_app(store: RdflibStore) -> Flask:
    """The web app over `store`, with per-client limits raised for the benchmark's clients."""
    app = create_app({"KG_STORE_OBJECT": store,
                      "KG": {"store": "memory", "client_concurrency": 1000,
                             "client_seconds_per_minute": 1e9}})
    settings = app.extensions["kg"].settings
    app.extensions["kg_sparql"] = SparqlService(
        store, settings, runner=RdflibRunner(store, timeout=float(settings["query_timeout"])))
    return app


def main(dump: str, port: int) -> None:
    """Load `dump` into rdflib and serve it on 127.0.0.1:`port` until killed."""
    from waitress import serve

    store = RdflibStore()
    with Path(dump).open("rb") as f:
        store.load(f, "nq")
    app = build_app(store)
    print(f"rdflib baseline serving {dump} on {port}", flush=True)
    serve(app, host="127.0.0.1", port=port, threads=8, ident="kg-rdflib")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
