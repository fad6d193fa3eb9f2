"""The parts of `kg bench`: each returns table rows, never raises for a missing piece."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.bench import Config, Row
from kg.bench.machine import (
    dir_size,
    free_port,
    median,
    percentile,
    repeat,
    server_ms,
    timed,
    tree_rss,
)
from kg.errors import KGError

if TYPE_CHECKING:
    from kg.bench.mix import MixResult, Params
    from kg.generate.corpus import Corpus

Log = Callable[[str], None]
GB = 2**30
BASELINE_SERVER = "web.baseline"   # `python -m web.baseline DUMP PORT` (web/baseline.py)


def guarded(part: Callable[..., list[Row]], cfg: Config, work: Path, log: Log,
            **kw: object) -> list[Row]:
    """Run a part; a failure becomes a "not available" row with the reason."""
    name = part.__name__
    log(f"· {name} {kw or ''}".rstrip())
    try:
        return part(cfg, work, log, **kw)
    except (ImportError, RuntimeError, OSError, KGError, subprocess.SubprocessError) as e:
        log(traceback.format_exc(limit=3))
        return [Row(name, "(whole part)", str(kw.get("size", "")), verdict="not available",
                    note=f"{type(e).__name__}: {e}"[:300])]


def verdict(ok: bool) -> str:
    return "meets" if ok else "misses"


def _na(part: str, measure: str, why: str, size: str = "") -> Row:
    return Row(part, measure, size, verdict="not available", note=why)


# -- 1. extraction -------------------------------------------------------------------------

def gazette_files(cfg: Config, limit: int | None) -> list[Path]:
    files = sorted(Path(cfg.gazette).glob("*/*.txt"))
    if not files:
        raise RuntimeError(f"no gazette texts under {cfg.gazette}")
    if limit:
        step = max(1, len(files) // limit)   # an even spread over the eight topics
        files = files[::step][:limit]
    return files


def extraction(cfg: Config, work: Path, log: Log) -> list[Row]:
    try:
        from kg.extract import extract
    except ImportError as e:
        return [_na("extraction", "throughput, gazette texts, 1 core", f"kg.extract: {e}")]
    files = gazette_files(cfg, cfg.extract_files)
    texts = [(str(f), f.read_bytes().decode("utf-8", errors="replace")) for f in files]
    mb = sum(len(t.encode("utf-8")) for _, t in texts) / 1e6

    def once() -> None:
        for name, t in texts:
            extract(t, source=name)

    times = repeat(once, cfg.repeats)
    rate = mb / median(times)
    return [Row("extraction", "throughput, gazette texts, 1 core", f"{len(files)} texts",
                rate, "MB/s", bar="≥ 5 MB/s", verdict=verdict(rate >= 5),
                note=f"{mb:.1f} MB, median of {cfg.repeats}",
                extra={"seconds": times, "mb": mb})]


# -- 2. end-to-end ingest ------------------------------------------------------------------

def ingest(cfg: Config, work: Path, log: Log) -> list[Row]:
    measure = "ingest read → store"
    try:
        from kg.ingest import Pipeline
    except ImportError as e:
        why = f"the pipeline does not import yet ({e})"
        return [_na("ingest", f"{measure}, gazette texts", why),
                _na("ingest", f"{measure}, generated texts", why),
                _na("memory", "peak RSS of ingest", why)]
    from kg.bench.rdflib_store import RdflibStore
    from kg.generate import generate, write_texts
    from kg.store.oxigraph import OxigraphStore

    texts = work / "texts"
    write_texts(generate(cfg.ingest_docs, cfg.seed), texts)
    corpora = {"gazette texts": gazette_files(cfg, cfg.ingest_gazette_files),
               "generated texts": sorted(texts.glob("*/*.txt"))}
    rows = []
    for label, files in corpora.items():
        ours, base = [], []
        for i in range(cfg.repeats):
            folder = work / f"ingest-{i}"
            store = OxigraphStore(str(folder))
            ours.append(timed(partial(_ingest, Pipeline, store, cfg, files)))
            store.close()
            shutil.rmtree(folder, ignore_errors=True)
            rstore = RdflibStore()
            base.append(timed(partial(_ingest, Pipeline, rstore, cfg, files)))
            del rstore
        r_ours, r_base = len(files) / median(ours), len(files) / median(base)
        rows.append(Row("ingest", f"{measure}, {label}", f"{len(files)} texts", r_ours,
                        "docs/s", r_base, "rdflib in-memory", r_ours / r_base, "≥ 20×",
                        verdict(r_ours / r_base >= 20), f"median of {cfg.repeats}; "
                        "both with the CLI's default worker processes",
                        {"ours_s": ours, "rdflib_s": base}))
    rows.append(_store_writes(cfg, work, corpora["generated texts"]))
    rows.append(_ingest_rss(cfg, work, texts))
    return rows


def _ingest(pipeline_cls: type, store: object, cfg: Config, files: list[Path]) -> None:
    report = pipeline_cls(store, base_iri=cfg.base_iri).ingest_paths(files, jobs=None)
    if report.failed:
        raise RuntimeError(f"{len(report.failed)} texts failed: {report.failed[0].error}")


def _store_writes(cfg: Config, work: Path, files: list[Path]) -> Row:
    """The store's share of ingest alone: the same prepared sources written into each store.

    Extraction is the same code in both pipelines, so the end-to-end ratio cannot exceed
    (extraction + our writes) / (extraction + rdflib's writes); this row shows the part
    the store decides.
    """
    from kg.bench.rdflib_store import RdflibStore
    from kg.ingest import Pipeline, Preparer
    from kg.read import read_path
    from kg.store.oxigraph import OxigraphStore

    preparer = Preparer(cfg.base_iri)
    prepared = [preparer.prepare(read_path(f)) for f in files]
    triples = sum(len(p.triples) for p in prepared)
    ours, base = [], []
    for i in range(cfg.repeats):
        folder = work / f"writes-{i}"
        store = OxigraphStore(str(folder))
        pipeline = Pipeline(store, base_iri=cfg.base_iri)
        pipeline.ensure_vocabulary()
        ours.append(timed(partial(_store_all, pipeline, prepared)))
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
        baseline = Pipeline(RdflibStore(), base_iri=cfg.base_iri)
        baseline.ensure_vocabulary()
        base.append(timed(partial(_store_all, baseline, prepared)))
        del baseline
    r_ours, r_base = triples / median(ours), triples / median(base)
    return Row("ingest", "store writes alone (prepared sources → store)",
               f"{len(files)} texts", r_ours, "triples/s", r_base, "rdflib in-memory",
               r_ours / r_base, verdict="info",
               note=f"median of {cfg.repeats}; {triples:,} triples, each also merged into "
               "the default graph by our store; originals kept on disk (fsync) by ours only",
               extra={"ours_s": ours, "rdflib_s": base})


def _store_all(pipeline: Any, prepared: list[Any]) -> None:
    for p in prepared:
        pipeline.store_prepared(p)


#: A child process's own peak RSS in kB, as code for `python -c`. Not ru_maxrss: Linux
#: carries that high-water mark across fork and exec, so a child's starts at its parent's
#: peak (the bench process holds gigabytes of generated corpus).
OWN_PEAK_KB = "int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])"


def _ingest_rss(cfg: Config, work: Path, texts: Path) -> Row:
    """Peak RSS of `kg ingest` on the generated texts (its main process), in a process of
    its own."""
    out = work / "ingest-rss.txt"
    code = ("import atexit, sys\n"
            f"atexit.register(lambda: open({str(out)!r}, 'w').write(str({OWN_PEAK_KB})))\n"
            "from kg.cli import main\nmain()\n")
    store = work / "ingest-rss-store"
    r = subprocess.run([sys.executable, "-c", code, "--store", str(store), "ingest",
                        "--no-progress", *map(str, sorted(texts.glob("0*")))],
                       capture_output=True, text=True, timeout=3600)
    shutil.rmtree(store, ignore_errors=True)
    if not out.exists():
        return _na("memory", "peak RSS of ingest", f"kg ingest failed: {r.stderr[-300:]}")
    peak = int(out.read_text()) * 1024 / GB
    return Row("memory", "peak RSS of `kg ingest`", f"{cfg.ingest_docs} docs + news", peak,
               "GB", verdict="info", note=r.stdout.strip()[-120:])


# -- 3–7. at one corpus size ---------------------------------------------------------------

#: Disk per generated document (news included), measured at 100k: the N-Quads dump and
#: the catalog. The store comes out of the dump's bulk load (`LOAD_ROOM`).
DUMP_BYTES_PER_DOC = 73_000
CATALOG_BYTES_PER_DOC = 4_500


def disk_needed(size: int) -> int:
    """Bytes of disk a corpus of `size` documents needs at its peak: the dump, its bulk
    load, the catalog."""
    from kg.store.oxigraph import LOAD_ROOM

    return int(size * (DUMP_BYTES_PER_DOC * (1 + LOAD_ROOM) + CATALOG_BYTES_PER_DOC))


def at_size(cfg: Config, work: Path, log: Log, *, size: int) -> list[Row]:
    from kg.bench.mix import params
    from kg.generate import generate, write_nquads

    label = f"{size:,} docs"
    need, free = disk_needed(size), shutil.disk_usage(work).free
    if free < need:     # say so now, not an hour into generating and loading
        return [_na("data", "corpus of this size", f"needs about {need / GB:.0f} GB of disk "
                    f"(dump, its bulk load, catalog); {free / GB:.0f} GB free in {work}",
                    label)]
    rows: list[Row] = []
    t = time.perf_counter()
    corpus = generate(size, cfg.seed)
    dump = work / f"generated-{size}.nq"
    with dump.open("wb") as f:
        stats = write_nquads(corpus, f, base_iri=cfg.base_iri)
    gen_s = time.perf_counter() - t
    quads = stats.quads
    rows.append(Row("data", "kg generate --format nq", label, quads / gen_s, "quads/s",
                    verdict="info", note=f"{quads:,} quads, {stats.bytes / 1e6:.0f} MB, "
                    f"{stats.sources:,} sources in {gen_s:.0f} s"))
    log(f"  generated {quads:,} quads in {gen_s:.0f} s")
    store_dir = work / f"store-{size}"
    rows += _step(log, "bulk import", bulk_import, cfg, work, dump, quads, store_dir, label)
    rows += _step(log, "catalog", catalog, store_dir, label)
    p = params(corpus, cfg.base_iri)
    pages = _page_targets(corpus, cfg)
    del corpus
    rows += _step(log, "analytics", analytics, cfg, store_dir, p, label, size)
    rows += _step(log, "serve", serve_part, cfg, work, store_dir, p, pages, label, size, log)
    from kg.bench.explorer import explorer  # it imports this module: here, not at the top

    rows += _step(log, "explorer", explorer, cfg, work, store_dir, label, log)
    rows += _step(log, "peers", peers, cfg, work, dump, quads, p, label, log, rows)
    shutil.rmtree(store_dir, ignore_errors=True)
    dump.unlink(missing_ok=True)
    return rows


def _step(log: Log, name: str, fn: Callable[..., list[Row]], *args: object) -> list[Row]:
    """One step of a size; its failure is a row, and the other steps still run."""
    t = time.perf_counter()
    try:
        out = fn(*args)
    except (ImportError, RuntimeError, OSError, KGError, subprocess.SubprocessError) as e:
        log(traceback.format_exc(limit=3))
        label = next((a for a in args if isinstance(a, str) and a.endswith("docs")), "")
        out = [Row(name, "(whole step)", label, verdict="not available",
                   note=f"{type(e).__name__}: {e}"[:300])]
    log(f"  {name}: {time.perf_counter() - t:.0f} s")
    return out


def bulk_import(cfg: Config, work: Path, dump: Path, quads: int, store_dir: Path,
                label: str) -> list[Row]:
    import pyoxigraph as ox

    from kg.store.oxigraph import OxigraphStore

    ours, theirs = [], []
    n = 0

    def bulk_load(folder: Path) -> None:
        def load(s: ox.Store) -> None:
            s.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
            s.flush()    # as ours does: on disk when it returns (~30 % of it at 100k)

        s = ox.Store(str(folder))
        theirs.append(timed(partial(load, s)))
        del s
        shutil.rmtree(folder, ignore_errors=True)

    def kg_import(folder: Path) -> None:
        nonlocal n
        store = OxigraphStore(str(folder))

        def load() -> None:
            with dump.open("rb") as f:
                store.load(f, "nq")
            store.ox.flush()

        ours.append(timed(load))
        n = store.count()
        store.close()

    for i in range(cfg.repeats):
        # each starts after the other's files are deleted and synced, and the two take
        # turns going first (the same disk and page cache for both, on average)
        runs = [(bulk_load, work / f"ox-{i}"), (kg_import, store_dir)]
        for run, folder in (runs if i % 2 == 0 else runs[::-1]):
            shutil.rmtree(folder, ignore_errors=True)
            os.sync()
            run(folder)
    r_ours, r_ox = quads / median(ours), quads / median(theirs)
    size_gb = dir_size(store_dir) / GB
    return [
        Row("bulk import", "`kg import` (Store.load) of the N-Quads dump", label, r_ours,
            "quads/s", r_ox, "pyoxigraph bulk_load", r_ours / r_ox, "≥ 0.8×",
            verdict(r_ours / r_ox >= 0.8), f"median of {cfg.repeats}; both timed until "
            "flushed to disk, taking turns to go first",
            {"ours_s": ours, "bulk_load_s": theirs}),
        Row("disk", "store size on disk per million triples", label,
            size_gb / (n / 1e6), "GB", verdict="info",
            note=f"{size_gb:.2f} GB for {n:,} distinct quads (texts included)"),
    ]


def catalog(store_dir: Path, label: str) -> list[Row]:
    """`kg catalog` after the import, in a process of its own: time, peak RSS, size.

    The peak is the child's own VmHWM (`OWN_PEAK_KB`), its ru_maxrss shown beside it as
    the inherited figure earlier runs printed. Its anonymous part (Python, SQLite,
    RocksDB's caches and table readers; not page cache the kernel can drop) is sampled
    every half second.
    """
    code = ("import resource, sys\n"
            "from kg.cli import main\n"
            "try:\n    main(['--store', sys.argv[1], 'catalog'])\n"
            "except SystemExit as e:\n    assert not e.code, e.code\n"
            f"hwm = {OWN_PEAK_KB}\n"
            "print(hwm, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    args = [sys.executable, "-c", code, str(store_dir)]
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err, text=True)
        anon_kb = 0
        while proc.poll() is None:
            anon_kb = max(anon_kb, _status_kb(proc.pid, "RssAnon"))
            time.sleep(0.5)
        seconds = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, args, stdout, stderr)
    hwm_kb, maxrss_kb = map(int, stdout.strip().splitlines()[-1].split())
    size_mb = (store_dir / "catalog.sqlite").stat().st_size / 1e6
    return [Row("catalog", "`kg catalog` build after the import", label, seconds, "s",
                verdict="info", note=f"peak RSS {hwm_kb * 1024 / GB:.2f} GB (VmHWM; anonymous "
                f"{anon_kb * 1024 / GB:.2f} GB; ru_maxrss {maxrss_kb * 1024 / GB:.2f} GB "
                f"is the bench process's peak, inherited), {size_mb:.0f} MB on disk; "
                "`kg serve` would build it in the background otherwise")]


def _status_kb(pid: int, field: str) -> int:
    """A kB field of /proc/PID/status (0 once the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def analytics(cfg: Config, store_dir: Path, p: Params, label: str, size: int) -> list[Row]:
    """kg.analytics in a child process, killed past `analytics_budget` seconds."""
    import importlib.util
    import json
    from dataclasses import asdict

    names = {"trace_down": ("trace down (national root)", 0.1),
             "trace_up": ("trace up (deep document)", 0.1),
             "applies_to": ("applies to (commune UBND)", 0.2)}
    if importlib.util.find_spec("kg.analytics") is None:
        return [_na("analytics", m, "kg.analytics is not written yet", label)
                for m, _ in names.values()]
    pfile = store_dir.parent / f"params-{size}.json"
    pfile.write_text(json.dumps(asdict(p)), encoding="utf-8")
    n = max(cfg.repeats, 5)
    note = "" if size >= 1_000_000 else "bar is set at 1M documents; "
    rows = []
    # as `kg serve` runs them (the catalog as the store's projection), then from the
    # store alone (as `kg trace` and a remote store do)
    for how, flag in (("", ["--catalog"]), (", store alone", [])):
        out, err = _run_child(["-m", "kg.bench.analytics_job", str(store_dir), str(pfile),
                               str(n), *flag], cfg.analytics_budget)
        for key, (measure, bar) in names.items():
            res = out.get(key)
            if not res or len(res["seconds"]) < n:
                done = len(res["seconds"]) if res else 0
                rows.append(_na("analytics", measure + how, f"{done} of {n} calls done in "
                                f"the {cfg.analytics_budget:.0f} s budget"
                                + (f" ({err[-160:]})" if err else ""), label))
                continue
            ms = median(res["seconds"]) * 1000
            rows.append(Row("analytics", measure + how, label, ms, "ms",
                            bar=f"≤ {bar * 1000:.0f} ms" if not how else "",
                            verdict=verdict(ms <= bar * 1000) if not how else "info",
                            note=f"{note if not how else ''}median of {n}, median answer "
                            f"{median(res['sizes']):.0f} documents"))
            again = out.get("trace_down_again") if key == "trace_down" else None
            if again:
                rows.append(Row("analytics", measure + ", asked again", label,
                                median(again["seconds"]) * 1000, "ms", verdict="info",
                                note=f"median of {len(again['seconds'])}: the answer the "
                                "catalog kept (one object, shared by its readers) until the "
                                "next write (the row above computes every call)"))
    return rows


def _run_child(args: list[str], budget: float) -> tuple[dict, str]:
    """Run `python ARGS`; the last JSON line it printed, and its error if it failed."""
    import json

    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = proc.communicate(timeout=budget)
        err = stderr.strip().splitlines()[-1] if proc.returncode and stderr.strip() else ""
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, _ = proc.communicate()
        err = "killed at the time budget"
    lines = [x for x in stdout.splitlines() if x.startswith("{")]
    return (json.loads(lines[-1]) if lines else {}), err


# -- serving ------------------------------------------------------------------------------

#: Words that match a large share of the generated corpus (its commonest type of document).
BROAD_WORDS = "kế hoạch"


def _page_targets(corpus: Corpus, cfg: Config) -> dict[str, str]:
    from kg.bench.mix import doc_iri
    from kg.ids import Minter

    m = Minter(cfg.base_iri)

    def page(iri: str) -> str:
        path = m.local_path(iri)
        if path is None:
            raise RuntimeError(f"{iri} is not under the base {cfg.base_iri}")
        return "/id/" + path

    docs = corpus.docs
    d = next((x for x in docs if x.issuer.level == "district" and x.parent), docs[-1])
    # the home page's first: a founding law most documents rest on (Căn cứ ...)
    cited = Counter(target.idx for x in docs for _, target in x.rels)
    top = max(docs, key=lambda x: (cited[x.idx], -x.idx))
    return {"home": "/", "document": page(doc_iri(m, d)),
            "document (most cited)": page(doc_iri(m, top)),
            "print view (most cited)": "/trace?" + urllib.parse.urlencode(
                {"doc": doc_iri(m, top)}),
            "body": page(str(m.body(d.issuer.key))),
            "search": "/search?" + urllib.parse.urlencode({"q": d.id}),
            # the broadest words a user may type: a type name most documents carry
            "search (broad words)": "/search?" + urllib.parse.urlencode({"q": BROAD_WORDS})}


class Server:
    """A server subprocess on a free loopback port: `kg serve`, or the rdflib baseline."""

    def __init__(self, name: str, args: list[str], *, env: dict[str, str] | None = None
                 ) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.t0 = time.perf_counter()
        argv = [a.format(port=self.port) for a in args]
        # Its log goes to a file: a pipe that nobody reads fills up and freezes the server
        # (waitress warns of its queue depth under load).
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, *argv], env=env,
                                     stdout=subprocess.DEVNULL, stderr=self.log)

    @classmethod
    def kg_serve(cls, store_dir: Path, *, cache: bool = True) -> Server:
        """`kg serve` over `store_dir`, with the per-client limits out of the bench's way
        (and without its cache of costly answers when `cache` is False)."""
        env = dict(os.environ, KG_STORE=str(store_dir), KG_CLIENT_CONCURRENCY="1000",
                   KG_CLIENT_SECONDS_PER_MINUTE="1000000000")
        if not cache:
            env["KG_QUERY_CACHE_MB"] = "0"
        return cls("kg serve", ["-m", "kg.cli", "serve", "--port", "{port}"], env=env)

    @classmethod
    def rdflib_baseline(cls, dump: Path) -> Server:
        """rdflib's in-memory store loaded with `dump`, behind our own endpoint code."""
        # The baseline server builds the web app, so it lives in the web layer; the core
        # names it only as a module to run, never imports it.
        return cls("rdflib server", ["-m", BASELINE_SERVER, str(dump), "{port}"])

    def wait(self, timeout: float = 120, *, interval: float = 0.02,
             http_error_fails: bool = False) -> float:
        """Seconds from spawn to the first answered SPARQL query.

        With `http_error_fails`, an HTTP error answer ends the wait at once (a server that
        answers but cannot query); otherwise it counts as not ready yet.
        """
        url = self.url + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                err = self.log.read()
                raise RuntimeError(f"{self.name} exited: "
                                   f"{err.decode(errors='replace')[-400:]}")
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        return time.perf_counter() - self.t0
            except urllib.error.HTTPError as e:
                if http_error_fails:
                    raise RuntimeError(f"{self.name} answers {e.code}: "
                                       f"{e.read()[:200]!r}") from e
                time.sleep(interval)
            except (urllib.error.URLError, OSError):
                time.sleep(interval)
            else:
                time.sleep(interval)
        raise RuntimeError(f"{self.name} did not answer within {timeout}s")

    def wait_catalog(self, timeout: float = 900) -> float:
        """Seconds until the server's catalog is current. After a start it checks the
        store for changes made meanwhile (seconds at 100k documents); the analytics ask
        the store itself until then, so pages are timed after it."""
        import json

        t = time.perf_counter()
        while time.perf_counter() - t < timeout:
            with urllib.request.urlopen(self.url + "/index.json", timeout=120) as r:
                if json.load(r).get("catalog", {}).get("current"):
                    return time.perf_counter() - t
            time.sleep(0.1)
        raise RuntimeError(f"{self.name}: the catalog was not current within {timeout}s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def _mix(url: str, p: Params, c: int, cfg: Config, label: str, log: Log, who: str,
         run_mix: Callable[..., MixResult]) -> tuple[Row, dict]:
    """The SPARQL mix at `c` clients against `url`: its row, and its summary."""
    res = run_mix(url, p, clients=c, seconds=cfg.mix_seconds)
    s = res.summary()
    log(f"  {who}, {c} clients: {s['qps']} q/s, p99 {s['p99_ms']} ms, {s['errors']} errors")
    return Row("sparql", f"mix, {c} clients, {who}", label, res.throughput, "q/s",
               verdict="info", note=f"median {s['median_ms']} ms, p99 {s['p99_ms']} ms, "
               f"{s['errors']} errors", extra=s), s


def serve_part(cfg: Config, work: Path, store_dir: Path, p: Params, pages: dict[str, str],
               label: str, size: int, log: Log) -> list[Row]:
    from kg.bench.mix import run_mix

    rows: list[Row] = []
    starts = []
    server = None
    for _ in range(cfg.cold_starts):
        if server is not None:
            server.stop()
        server = Server.kg_serve(store_dir)
        starts.append(server.wait())
    assert server is not None
    try:
        cold = median(starts)
        rows.append(Row("serve", "cold start of `kg serve`", label, cold, "s", bar="≤ 3 s",
                        verdict=verdict(cold <= 3), note=f"to the first SPARQL answer, median "
                        f"of {len(starts)}" + ("" if size >= 1_000_000 else
                                                "; bar is set at 1M documents")))
        checked = server.wait_catalog()
        rows.append(Row("serve", "catalog checked against the store after the start", label,
                        checked, "s", verdict="info", note="pages are timed after it: until "
                        "then the analytics ask the store itself (slower, always current)"))
        for name, path in pages.items():
            rows.append(_page(server.url + path, name, cfg, label, size))
        for c in cfg.concurrency:
            row, _ = _mix(server.url + "/sparql", p, c, cfg, label, log, "kg serve", run_mix)
            rows.append(row)
        rss, hwm = tree_rss(server.proc.pid)
        rows.append(Row("memory", "peak RSS of `kg serve` (+ its query workers)", label,
                        hwm / GB, "GB", bar="≤ 1.5 GB", verdict=verdict(hwm / GB <= 1.5),
                        note=f"now {rss / GB:.2f} GB" + ("" if size >= 1_000_000 else
                                                         "; bar is set at 1M documents")))
    finally:
        server.stop()
    # The same mix with the answer cache off: the mix repeats the same queries, which the
    # cache answers from memory until the next write; this shows the engine alone.
    server = Server.kg_serve(store_dir, cache=False)
    try:
        server.wait()
        for c in cfg.concurrency:
            row, _ = _mix(server.url + "/sparql", p, c, cfg, label, log,
                          "kg serve, answer cache off", run_mix)
            row.extra.pop("clients", None)    # not the one compared with the peers
            rows.append(row)
    finally:
        server.stop()
    return rows


def _page(url: str, name: str, cfg: Config, label: str, size: int) -> Row:
    """A page's server time (its Server-Timing header: the bar is server-side) over
    repeated requests, the first apart; the time over loopback HTTP in the note."""
    times, served = [], []
    status = 0
    spent = time.perf_counter()
    for i in range(cfg.page_repeats + 1):
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                r.read()
                status = r.status
                app_ms = server_ms(r.headers.get("Server-Timing"))
        except urllib.error.HTTPError as e:
            status = e.code
            app_ms = None
        except (urllib.error.URLError, OSError) as e:
            return _na("pages", f"{name} page", f"{type(e).__name__} {e} for {url}", label)
        took = (time.perf_counter() - t) * 1000
        server = took if app_ms is None else app_ms
        if i:
            times.append(took)
            served.append(server)
        else:       # it warms caches, and builds what the server keeps (a trace)
            first, first_server = took, server
        if time.perf_counter() - spent > 60 and times:
            break
    if status != 200:
        return _na("pages", f"{name} page", f"HTTP {status} for {url}", label)
    ms = median(served)
    return Row("pages", f"{name} page", label, ms, "ms", bar="≤ 300 ms",
               verdict=verdict(max(ms, first_server) <= 300), note=f"server time, median "
               f"of {len(served)}, p90 {percentile(served, 90):.0f} ms, first request "
               f"{first_server:.0f} ms; over loopback HTTP median {median(times):.0f} ms, "
               f"first {first:.0f} ms"
               + ("" if size >= 1_000_000 else "; bar is set at 1M documents"))


# -- the peers: Virtuoso and rdflib with the same data and the same queries ----------------

def peers(cfg: Config, work: Path, dump: Path, quads: int, p: Params, label: str, log: Log,
          ours_rows: list[Row]) -> list[Row]:
    from kg.bench.mix import run_mix

    ours = {r.extra["clients"]: r.extra for r in ours_rows
            if r.part == "sparql" and "clients" in r.extra}
    rows: list[Row] = []
    if cfg.virtuoso:
        try:
            rows += _virtuoso(cfg, work, dump, quads, p, label, log, ours, run_mix)
        except (RuntimeError, OSError, subprocess.SubprocessError) as e:
            rows.append(_na("sparql", "mix vs Virtuoso", f"{type(e).__name__}: {e}"[:300],
                            label))
    else:
        rows.append(_na("sparql", "mix vs Virtuoso", "skipped (--no-virtuoso)", label))
    rows += _rdflib_guarded(cfg, dump, quads, p, label, log, ours, run_mix)
    return rows


def _rdflib_guarded(cfg: Config, dump: Path, quads: int, p: Params, label: str, log: Log,
                    ours: dict, run_mix: Callable[..., MixResult]) -> list[Row]:
    rows: list[Row] = []
    if not cfg.rdflib_sparql:
        rows.append(_na("sparql", "mix vs rdflib", "skipped (--no-rdflib)", label))
    elif quads > cfg.rdflib_sparql_max_quads:
        rows.append(_na("sparql", "mix vs rdflib", f"{quads:,} quads is past the rdflib "
                        f"baseline's cap of {cfg.rdflib_sparql_max_quads:,}", label))
    else:
        try:
            rows += _rdflib(cfg, dump, p, label, log, ours, run_mix)
        except (RuntimeError, OSError, subprocess.SubprocessError) as e:
            rows.append(_na("sparql", "mix vs rdflib", f"{type(e).__name__}: {e}"[:300], label))
    return rows


def _compare(peer: str, ours: dict, theirs: dict, c: int, label: str) -> list[Row]:
    out = []
    if c not in ours:
        return [_na("sparql", f"{c} clients vs {peer}", "no result of kg serve", label)]
    o, t = ours[c], theirs
    if t["qps"]:
        out.append(Row("sparql", f"throughput, {c} clients", label, o["qps"], "q/s",
                       t["qps"], peer, o["qps"] / t["qps"], "≥ 1×" if peer == "Virtuoso"
                       else "", verdict(o["qps"] >= t["qps"]) if peer == "Virtuoso"
                       else "info", f"{peer}: {t['errors']} errors"
                       + (f" ({t['first_error'][:80]})" if t["errors"] else "")))
    if t["queries"] and o["queries"]:
        out.append(Row("sparql", f"p99 latency, {c} clients", label, o["p99_ms"], "ms",
                       t["p99_ms"], peer, o["p99_ms"] / t["p99_ms"] if t["p99_ms"] else None,
                       "≤ 1×" if peer == "Virtuoso" else "",
                       verdict(o["p99_ms"] <= t["p99_ms"]) if peer == "Virtuoso" else "info",
                       f"medians {o['median_ms']} vs {t['median_ms']} ms"))
    return out


def _virtuoso(cfg: Config, work: Path, dump: Path, quads: int, p: Params, label: str,
              log: Log, ours: dict, run_mix: Callable[..., MixResult]) -> list[Row]:
    from kg import virtuoso as V

    if not V.available():
        return [_na("sparql", "mix vs Virtuoso", "virtuoso-t is not installed", label)]
    v = V.start(work / "virtuoso", data_dir=dump.parent, memory_gb=4, connections=40,
                query_seconds=60, query_mem="2G")
    rows = []
    try:
        load_s = timed(lambda: v.load_nquads(dump))
        rows.append(Row("bulk import", "Virtuoso bulk loader (ld_dir + rdf_loader_run)", label,
                        quads / load_s, "quads/s", verdict="info",
                        note=f"{load_s:.1f} s, one run"))
        for c in cfg.concurrency:
            row, s = _mix(v.sparql_url, p, c, cfg, label, log, "Virtuoso", run_mix)
            rows += [row, *_compare("Virtuoso", ours, s, c, label)]
        _, hwm = tree_rss(v.process.pid)
        rows.append(Row("memory", "peak RSS of Virtuoso", label, hwm / GB, "GB",
                        verdict="info", note="NumberOfBuffers for 4 GB"))
    finally:
        V.remove(v)
    return rows


def _rdflib(cfg: Config, dump: Path, p: Params, label: str, log: Log, ours: dict,
            run_mix: Callable[..., MixResult]) -> list[Row]:
    server = Server.rdflib_baseline(dump)
    rows = []
    try:
        to_serving = server.wait(1800, interval=0.2, http_error_fails=True)
        rows.append(Row("bulk import", "rdflib in-memory load of the dump", label,
                        None, verdict="info",
                        note=f"{to_serving:.1f} s to serving, one run"))
        for c in cfg.concurrency:
            row, s = _mix(server.url + "/sparql", p, c, cfg, label, log,
                          "rdflib behind our endpoint", run_mix)
            rows += [row, *_compare("rdflib", ours, s, c, label)]
    finally:
        server.stop()
    return rows
