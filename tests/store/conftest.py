"""Fixtures of the store tests: a real Virtuoso for the session, and each backend by name.

`any_store` runs a test once per backend (embedded in memory, embedded on disk, Virtuoso);
the Virtuoso store starts each test empty (every graph but Virtuoso's own dropped).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg import virtuoso
from kg.store.base import Store

BACKENDS = ["memory", "disk", "virtuoso"]


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[virtuoso.Virtuoso]:
    """A Virtuoso started for this test session, with its own database folder; stopped after.

    Repeatable read (readers never see half a replaced graph) and SPARQL Update granted to
    the anonymous user, as docs/store.md asks of a production server.
    """
    server = virtuoso.start(tmp_path_factory.mktemp("virtuoso"), isolation=4,
                            grant_update=True)
    yield server
    virtuoso.remove(server)


def empty(store: Store) -> Store:
    for g in store.graphs():
        store.remove_graph(g)  # type: ignore[arg-type]
    assert store.count() == 0
    return store


@pytest.fixture
def remote_store(virtuoso_server: virtuoso.Virtuoso, tmp_path: Path) -> Iterator[Store]:
    """A RemoteStore on the session's Virtuoso, empty, with originals under tmp_path."""
    from kg.store import open_store

    store = open_store(virtuoso_server.store_location, originals=str(tmp_path / "originals"))
    yield empty(store)
    empty(store)
    store.close()


def make_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    from kg.store import open_store

    if kind == "memory":
        return open_store("memory")
    if kind == "disk":
        return open_store(str(tmp_path / f"kgdata-{len(list(tmp_path.iterdir()))}"))
    server = request.getfixturevalue("virtuoso_server")
    return empty(open_store(server.store_location,
                            originals=str(tmp_path / f"originals-{len(list(tmp_path.iterdir()))}")))


def backend_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The store of the backend `request.param` names; Virtuoso's is left empty after."""
    store = make_store(request.param, tmp_path, request)
    yield store
    if request.param == "virtuoso":
        empty(store)
    store.close()


@pytest.fixture(params=BACKENDS)
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """One store per backend: the test runs against each."""
    yield from backend_store(request, tmp_path)


@pytest.fixture(params=["memory", "virtuoso"])
def concurrent_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The backends whose isolation differs: pyoxigraph's snapshots, Virtuoso's locks."""
    yield from backend_store(request, tmp_path)
