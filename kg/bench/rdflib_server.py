"""Serve an N-Quads dump from rdflib's in-memory store through this project's web app.

`python -m kg.bench.rdflib_server DUMP PORT`: the baseline server of the SPARQL mix, the
same Flask endpoint code as `kg serve` with the store swapped for `RdflibStore`.
"""
from __future__ import annotations

import sys
from pathlib import Path


def main(dump: str, port: int) -> None:
    from waitress import serve

    from kg.bench.rdflib_store import RdflibStore
    from web import create_app

    store = RdflibStore()
    with Path(dump).open("rb") as f:
        store.load(f, "nq")
    app = create_app({"KG_STORE_OBJECT": store,
                      "KG": {"store": "memory", "client_concurrency": 1000,
                             "client_seconds_per_minute": 1e9}})
    _use_rdflib_runner(app, store)
    print(f"rdflib baseline serving {dump} on {port}", flush=True)
    serve(app, host="127.0.0.1", port=port, threads=8, ident="kg-rdflib")


def _use_rdflib_runner(app, store) -> None:  # noqa: ANN001
    """Give the endpoint's SparqlService a runner that asks rdflib instead of pyoxigraph."""
    try:
        from kg.sparql import SparqlService
        from kg.sparql.runner import Runner
    except ImportError:
        return    # the first endpoint calls store.raw_query, which RdflibStore answers

    class RdflibRunner(Runner):
        def run(self, job):  # noqa: ANN001, ANN202
            res = store._query(job.query)
            fmt = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "txt"}.get(job.fmt, "json")
            return res.serialize(format=fmt)

    settings = app.extensions["kg"].settings
    app.extensions["kg_sparql"] = SparqlService(
        store, settings, runner=RdflibRunner(timeout=float(settings["query_timeout"])))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
