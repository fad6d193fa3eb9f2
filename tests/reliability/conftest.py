"""A real `kg serve` process (waitress) over a store with the samples, on a free port."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory):
    """Base URL of `kg serve` running in a child process; stopped after the module."""
    store = tmp_path_factory.mktemp("live") / "kgdata"
    kg = [sys.executable, "-m", "kg.cli", "--store", str(store)]
    subprocess.run([*kg, "ingest", str(SAMPLES)], check=True, cwd=ROOT, capture_output=True)
    port = free_port()
    env = {**os.environ, "KG_QUERY_TIMEOUT": "3", "KG_CLIENT_CONCURRENCY": "64",
           "KG_CLIENT_SECONDS_PER_MINUTE": "100000"}
    # The server's output goes to a file: a pipe nobody reads fills up and blocks it.
    log = (store.parent / "serve.log").open("wb")
    proc = subprocess.Popen([*kg, "serve", "--port", str(port), "--threads", "16"], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/api/stats", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((store.parent / "serve.log").read_text()) from None
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("kg serve did not start in 60 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def artifacts() -> Path:
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    return out
