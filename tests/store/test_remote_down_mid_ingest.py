"""A remote store that goes down in the middle of a folder ingest: the source being written
is reported as not stored, nothing of it is half there, and a retry stores every source whole.
"""
from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from rdflib import URIRef

from kg.errors import StoreError
from kg.ingest import Pipeline
from kg.store import open_store
from tests.store.conftest import empty
from tests.store.test_store_crash import BASE, make_folder, reference, without_times
from tests.store.test_store_remote_failures import Proxy


class DyingProxy(Proxy):
    """Forwards the first `alive` connections, then refuses every other: the server died."""

    def __init__(self, target_port: int, *, alive: int) -> None:
        self.alive = alive
        self.lock = threading.Lock()
        super().__init__(target_port)

    def _handle(self, client: socket.socket) -> None:
        with self.lock:
            self.alive -= 1
            dead = self.alive < 0
        if dead:
            client.close()
            return
        super()._handle(client)


def test_remote_down_mid_ingest_then_retry_stores_every_source_whole(
        virtuoso_server, tmp_path: Path) -> None:
    folder = tmp_path / "texts"
    make_folder(folder)
    expected = {g: t for g, t in reference(folder).items() if "/source/" in g}
    proxy = DyingProxy(virtuoso_server.http_port, alive=25)
    originals = str(tmp_path / "originals")
    try:
        flaky = open_store("sparql+" + proxy.url, originals=originals, timeout=10)
        empty(open_store(virtuoso_server.store_location, originals=originals))
        with pytest.raises(StoreError) as failed:
            Pipeline(flaky, base_iri=BASE).ingest_paths([folder])
        message = failed.value.message
        assert "was not stored" in message and str(folder) in message
    finally:
        proxy.close()

    direct = open_store(virtuoso_server.store_location, originals=originals)
    try:
        present = [g for g in direct.graphs() if "/source/" in g]
        assert 0 < len(present) < len(expected), "the failure did not fall mid-ingest"
        for g in present:  # what got in before the failure is whole
            assert without_times(set(direct.iter_graph(URIRef(g)))) == expected[g], g
        report = Pipeline(direct, base_iri=BASE).ingest_paths([folder])
        assert not report.failed
        present = [g for g in direct.graphs() if "/source/" in g]
        assert sorted(present) == sorted(expected)
        for g in present:
            assert without_times(set(direct.iter_graph(URIRef(g)))) == expected[g], g
    finally:
        empty(direct)
        direct.close()
