"""Helpers of the SPARQL endpoint tests: test data, and a live server in a thread.

The live server is waitress (as `kg serve` uses) on a free loopback port, in a thread of
the test process, so that its query workers are children of the test and can be watched.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.store.base import Store

DATA = Path(__file__).parent / "data"
TOKEN = "test-token-5d1c"


def load_chain(store: Store) -> None:
    """Put tests/sparql/data/chain.trig into `store` (its graphs kept)."""
    with open(DATA / "chain.trig", "rb") as f:
        store.load(f, "trig")


@dataclass
class Server:
    url: str            # http://127.0.0.1:PORT
    app: Any
    store: Store

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    @property
    def service(self) -> Any:
        from web.sparql import service

        with self.app.app_context():
            return service()


@contextlib.contextmanager
def serve(store: Store, **settings: Any) -> Iterator[Server]:
    """Run the app over `store` with `settings` in waitress on a free loopback port."""
    from waitress.server import create_server

    from web import create_app, warm

    kg = {"store": getattr(store, "location", "memory"), "query_timeout": 2.0,
          "query_workers": 2}
    kg.update(settings)
    app = create_app({"TESTING": True, "KG_STORE_OBJECT": store, "KG": kg})
    warm(app)
    server = create_server(app, host="127.0.0.1", port=0, threads=12, ident="kg-test")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{server.effective_port}", app, store)
    finally:
        server.close()
        thread.join(5)
        svc = app.extensions.get("kg_sparql")
        if svc is not None:
            svc.close()
