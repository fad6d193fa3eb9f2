"""Real-browser fixtures: the real server (waitress, loopback, a free port) and Debian's chromium.

The browser is the system's /usr/bin/chromium (installed by `make test`), never a
downloaded one. Screenshots go to test-artifacts/browser/.
"""
from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.bench.explorer import CHROMIUM_ARGS  # the one list of the flags this machine needs
from kg.store.base import Store

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
BASE = "https://w3id.org/vnkg/id/"


def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (make system-deps)")
    return path


@contextlib.contextmanager
def serving(store: Store) -> Iterator[str]:
    """The app over `store`, served by waitress on 127.0.0.1 (a free port) in a thread;
    the store is closed afterwards."""
    from waitress.server import create_server

    from web import create_app

    app = create_app({"KG_STORE_OBJECT": store, "KG": {"store": "memory", "base_iri": BASE}})
    srv = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.effective_port}"
    finally:
        srv.close()
        thread.join(timeout=5)
        store.close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app over the samples and the hostile texts."""
    from kg.ingest import Pipeline
    from kg.store import open_store
    from tests.conftest import SAMPLES
    from tests.web.conftest import HOSTILE

    store = open_store("memory")
    report = Pipeline(store, base_iri=BASE).ingest_paths([SAMPLES, *HOSTILE])
    assert not report.failed, report.failed
    with serving(store) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    """A fresh page that records script errors, dialogs and a screenshot at the end."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    pg = ctx.new_page()
    pg.errors = []
    pg.dialogs = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))

    def on_dialog(d):
        pg.dialogs.append(d.message)
        d.dismiss()
    pg.on("dialog", on_dialog)
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-end.png"), full_page=True)
    finally:
        ctx.close()


def wait_js(pg, expression: str, *, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression until it is true.

    Playwright's wait_for_function polls through eval, which the pages' CSP
    (script-src 'self') rightly forbids; page.evaluate is not affected.
    """
    import time

    deadline = time.monotonic() + timeout
    while not pg.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        pg.wait_for_timeout(100)


def shot(pg, name: str, *, full: bool = True) -> None:
    """Save a screenshot of the page as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)
