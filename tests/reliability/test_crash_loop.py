"""SIGKILL at random moments across a folder ingest: after each kill every source in the
store is whole (equal to a clean ingest of it), and re-running finishes the job.

Quick by default (8 kills); `KG_FULL=1` runs the issue's 50.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

from rdflib import URIRef

from kg.store import open_store
from tests.store.test_store_crash import BASE, KG, make_folder, reference, without_times

KILLS = 50 if os.environ.get("KG_FULL") else 8


def _check_whole(store_dir: Path, expected: dict[str, set[tuple]]) -> int:
    store = open_store(str(store_dir))
    try:
        present = [g for g in store.graphs() if "/source/" in g]  # not the ontology
        for g in present:
            assert g in expected, f"unknown graph {g}"
            assert without_times(set(store.iter_graph(URIRef(g)))) == expected[g], \
                f"source {g} is not whole"
        return len(present)
    finally:
        store.close()


def test_fifty_random_kills_never_leave_half_a_source(tmp_path: Path) -> None:
    folder = tmp_path / "texts"
    make_folder(folder)
    expected = {g: t for g, t in reference(folder).items() if "/source/" in g}
    store_dir = tmp_path / "kgdata"
    cmd = [str(KG), "--store", str(store_dir), "ingest", str(folder)]
    env = {**os.environ, "KG_BASE_IRI": BASE}

    start = time.monotonic()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    full = time.monotonic() - start
    assert _check_whole(store_dir, expected) == len(expected)
    for p in store_dir.iterdir():  # start over from an empty store
        subprocess.run(["rm", "-rf", str(p)], check=True)

    rng = random.Random(20261126)
    killed = 0
    for _ in range(KILLS):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, full * 1.1))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        _check_whole(store_dir, expected)
    assert killed >= KILLS // 2, "most runs ended before their kill: nothing was tested"
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    assert _check_whole(store_dir, expected) == len(expected)
