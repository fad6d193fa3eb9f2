"""SIGKILL in the middle of `kg ingest FOLDER`: every source present is complete; the same
command run again finishes the job without duplicates."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import PROV

from kg.store import open_store

ROOT = Path(__file__).resolve().parents[2]
KG = ROOT / ".venv" / "bin" / "kg"
BASE = "https://w3id.org/vnkg/id/"
COPIES = 25


def make_folder(folder: Path) -> list[Path]:
    """Many distinct sources: each sample text copied under several names, each a bit changed."""
    folder.mkdir()
    made = []
    for i in range(COPIES):
        for src in sorted((ROOT / "samples").glob("*.txt")):
            target = folder / f"{i:02d}-{src.name}"
            target.write_text(src.read_text(encoding="utf-8") + f"\n\nBản số {i}.\n",
                              encoding="utf-8")
            made.append(target)
    return made


def without_times(triples: set[tuple]) -> set[tuple]:
    """A graph minus its ingestion time, which differs from run to run."""
    return {t for t in triples if t[1] != PROV.endedAtTime}


def reference(folder: Path) -> dict[str, set[tuple]]:
    """Each source's graph, from a clean run into memory."""
    from kg.ingest import Pipeline

    mem = open_store("memory")
    report = Pipeline(mem, base_iri=BASE).ingest_paths([folder])
    assert not report.failed
    return {g: without_times(set(mem.iter_graph(URIRef(g)))) for g in mem.graphs()}


def test_sigkill_mid_ingest_leaves_whole_sources_and_rerun_finishes(tmp_path: Path) -> None:
    folder = tmp_path / "texts"
    files = make_folder(folder)
    store_dir = tmp_path / "kgdata"
    env = {**os.environ, "KG_BASE_IRI": BASE}
    cmd = [str(KG), "--store", str(store_dir), "ingest", "--progress", str(folder)]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env)
    # tqdm redraws "ingest:  12%|…| 9/75" on stderr; kill once a few files are in.
    seen = b""
    done = 0
    deadline = time.monotonic() + 300
    assert proc.stderr is not None
    while time.monotonic() < deadline and proc.poll() is None:
        seen += os.read(proc.stderr.fileno(), 4096)
        counts = re.findall(rb"(\d+)/(\d+)", seen)
        done = int(counts[-1][0]) if counts else 0
        if done >= 3:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the ingest ended before it could be killed"
    assert done < len(files)

    expected = reference(folder)
    store = open_store(str(store_dir))
    try:
        present = store.graphs()
        assert present, "nothing was written before the kill"
        assert len(present) < len(expected)
        for g in present:
            assert without_times(set(store.iter_graph(URIRef(g)))) == expected[g], g
    finally:
        store.close()

    again = subprocess.run(cmd, capture_output=True, env=env, timeout=600)
    assert again.returncode == 0, again.stderr.decode()
    store = open_store(str(store_dir))
    try:
        assert sorted(store.graphs()) == sorted(expected)
        for g, triples in expected.items():
            assert without_times(set(store.iter_graph(URIRef(g)))) == triples, g
        # +1 a source graph: its ingestion time (the ontology's graph has none)
        assert store.count() == sum(len(t) + ("/source/" in g) for g, t in expected.items())
    finally:
        store.close()
    shutil.rmtree(store_dir)
