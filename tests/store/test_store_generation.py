"""The embedded store's generation token (`Store.generation`): changed, durably, before
every kind of write lands; kept across a reopen; none where it cannot be vouched for."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.errors import StoreError
from kg.store import open_store
from kg.store.oxigraph import OxigraphStore

G = URIRef("http://example.org/g")
T = (URIRef("http://example.org/s"), URIRef("http://example.org/p"), Literal("o"))


def writes(store: OxigraphStore) -> dict:
    """Each write path of the store, by name."""
    return {
        "replace_graph (new)": lambda: store.replace_graph(G, [T]),
        "replace_graph (again)": lambda: store.replace_graph(G, [T]),
        "remove_graph": lambda: store.remove_graph(G),
        "load": lambda: store.load(io.BytesIO(b"<http://x/a> <http://x/b> <http://x/c> ."),
                                   "nt", URIRef("http://example.org/h")),
        "SPARQL update": lambda: store.update("INSERT DATA { <http://x/d> <http://x/e> 1 }"),
    }


def test_every_write_changes_the_token_and_a_reopen_keeps_it(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "kg"))
    assert store.generation() is None           # never written: nothing to vouch for
    seen = []
    for name in writes(store):
        writes(store)[name]()
        token = store.generation()
        assert token and token not in seen, name
        seen.append(token)
    assert store.generation() == seen[-1]       # unchanged while nothing is written
    store.close()
    again = open_store(str(tmp_path / "kg"))
    assert again.generation() == seen[-1]
    again.close()


def test_writes_nobody_saw_the_token_between_share_one_change(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "kg"))
    store.replace_graph(G, [T])
    token = store.generation()
    store.remove_graph(G)
    after = store.generation()
    store.replace_graph(G, [T])
    store.replace_graph(URIRef("http://example.org/h"), [T])
    assert store.generation() not in (token, after)
    store.close()


def test_a_write_that_fails_has_changed_the_token_first(tmp_path: Path) -> None:
    """A crash or error in the middle of a write never leaves the token a catalog kept."""
    store = open_store(str(tmp_path / "kg"))
    store.replace_graph(G, [T])
    token = store.generation()
    with pytest.raises(StoreError):
        store.load(io.BytesIO(b"this is not N-Triples"), "nt", G)
    assert store.generation() != token
    store.close()


def test_no_token_in_memory_or_read_only(tmp_path: Path) -> None:
    mem = open_store("memory")
    mem.replace_graph(G, [T])
    assert mem.generation() is None
    disk = open_store(str(tmp_path / "kg"))
    disk.replace_graph(G, [T])
    assert disk.generation()
    disk.close()
    ro = OxigraphStore(str(tmp_path / "kg"), read_only=True)
    assert ro.generation() is None              # another process may be writing
    ro.close()
