"""Fixtures of the web tests: the samples plus hostile texts of our own, and the app over them."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.store.base import Store

DATA = Path(__file__).resolve().parent / "data"
HOSTILE = [DATA / "hostile.txt", DATA / "hostile.html"]
BASE = "https://w3id.org/vnkg/id/"


def ingest_hostile(store: Store) -> None:
    """Ingest the texts carrying <script>, javascript: links and onerror attributes."""
    from kg.ingest import Pipeline

    report = Pipeline(store, base_iri=BASE).ingest_paths(HOSTILE)
    assert not report.failed, report.failed


@pytest.fixture
def web_store(sample_store: Store) -> Store:
    """The samples and the hostile texts, in memory."""
    ingest_hostile(sample_store)
    return sample_store


@pytest.fixture
def web_app(web_store: Store):
    """The app over `web_store`; the search index checks the store on every request."""
    from web import create_app

    return create_app({"TESTING": True, "KG_STORE_OBJECT": web_store,
                       "KG_SEARCH_CHECK_EVERY": 0.0,
                       "KG": {"store": "memory", "base_iri": BASE}})


@pytest.fixture
def wc(web_app):
    """A test client of `web_app`."""
    return web_app.test_client()
