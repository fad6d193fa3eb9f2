"""Shared fixtures: a fresh store per test, the samples ingested, an app and its client."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.store import open_store
from kg.store.base import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BASE = "https://w3id.org/vnkg/id/"


def corpus_dir() -> Path:
    """The real texts with gold (KG_CORPUS, default ../shared/corpus beside the repo)."""
    return Path(os.environ.get("KG_CORPUS", ROOT.parent / "shared" / "corpus"))


def shared_dir() -> Path:
    """../shared (KG_SHARED), for the real registers and gazette texts read in place."""
    return Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))


@pytest.fixture
def store() -> Store:
    """A fresh in-memory store."""
    s = open_store("memory")
    yield s
    s.close()


@pytest.fixture
def disk_store(tmp_path: Path) -> Store:
    """A fresh embedded store on disk, under the test's temporary folder."""
    s = open_store(str(tmp_path / "kgdata"))
    yield s
    s.close()


@pytest.fixture
def sample_store(store: Store) -> Store:
    """The in-memory store with the texts of samples/ ingested."""
    from kg.ingest import Pipeline

    report = Pipeline(store, base_iri=BASE).ingest_paths([SAMPLES])
    assert not report.failed, report.failed
    return store


@pytest.fixture
def app(sample_store: Store):
    """The Flask app over the sample store, built by the application factory."""
    from web import create_app

    return create_app({"TESTING": True, "KG_STORE_OBJECT": sample_store,
                       "KG": {"store": "memory", "base_iri": BASE}})


@pytest.fixture
def client(app):
    """A test client of `app`."""
    return app.test_client()
