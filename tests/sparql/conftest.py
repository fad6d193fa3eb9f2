"""Fixtures of the SPARQL endpoint tests: a store folder with test data, a live server."""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.store import open_store
from kg.store.base import Store
from tests.sparql.live import Server, load_chain, serve


@pytest.fixture
def chain_store(tmp_path: Path) -> Iterator[Store]:
    """A store folder holding the chain test data."""
    s = open_store(str(tmp_path / "kgdata"))
    load_chain(s)
    yield s
    s.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A live server over the chain data (shared by a module's tests: do not write to it),
    updates off, a 2 s query limit."""
    s = open_store(str(tmp_path_factory.mktemp("live") / "kgdata"))
    load_chain(s)
    with serve(s) as server:
        yield server
    s.close()


@pytest.fixture
def live_factory(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start live servers with chosen settings over fresh chain stores; all stopped after."""
    stack = contextlib.ExitStack()
    count = [0]

    def start(**settings: Any) -> Server:
        count[0] += 1
        store = open_store(str(tmp_path / f"kgdata-{count[0]}"))
        stack.callback(store.close)
        load_chain(store)
        return stack.enter_context(serve(store, **settings))

    with stack:
        yield start
