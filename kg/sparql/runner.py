"""Query runners: where a checked query runs, and how its time limit is enforced.

pyoxigraph has no query timeout and cannot be interrupted from Python, and RocksDB does not
support reading a store from a second process while one writes. So, for the embedded store
on disk, `ProcessRunner` keeps a pool of worker processes, each reading a *snapshot* of the
store (a RocksDB checkpoint made by `Store.backup`, hard links, ~0.1 s). A snapshot is
replaced when the store's files change (a write, an ingest): the next job names the new
one and the worker reopens. A worker past the time limit is killed (SIGKILL gives its CPU
back at once) and a fresh one takes its place.

`ThreadRunner` serves the in-memory store (tests, demos), which no other process can read:
it answers 503 at the time limit, but the engine's thread runs on until the query ends
(a documented limitation; serve a store folder in production). `RemoteRunner` forwards
to a remote SPARQL endpoint with a socket timeout, and caps rows the same way.
"""
from __future__ import annotations

import atexit
import logging
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError, LimitExceeded, QueryError, QueryTimeout, StoreError
from kg.sparql.execute import EngineError, Job, execute, serialize_result
from kg.sparql.formats import NotAcceptable

log = logging.getLogger(__name__)

_ERRORS: dict[str, type[KGError]] = {
    "QueryError": QueryError, "LimitExceeded": LimitExceeded, "StoreError": StoreError,
    "NotAcceptable": NotAcceptable,
}


def engine_error(kind: str, message: str) -> KGError:
    """The KGError a worker's ("error", kind, message) answer stands for."""
    return _ERRORS.get(kind, KGError)(message)


def _timeout_error(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"the query was stopped after {timeout:g} s (KG_QUERY_TIMEOUT); "
                        "no partial answer is given")


class Runner:
    """Runs Jobs under the time limit; `run` returns the serialized answer."""

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout

    def run(self, job: Job) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError

    def changed(self) -> None:
        """The store was written: the next query must see the change."""

    def close(self) -> None:
        """Stop workers and remove what they used."""


# -- the embedded store on disk: worker processes over snapshots ---------------------------

class Snapshots:
    """RocksDB checkpoints of the live store that workers read; a new one after each change."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.db = Path(store.path) / "oxigraph"
        self.root = Path(store.path) / ".serving"
        self.lock = threading.Lock()
        self.count = 0
        self.current = ""
        self.fingerprint: tuple = ()
        self.can_backup = True
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)

    def _fingerprint(self) -> tuple:
        out = []
        try:
            entries = list(os.scandir(self.db))
        except OSError:
            return ()
        for e in entries:
            if e.name.startswith(("LOG", "LOCK")):
                continue
            try:
                st = e.stat()
            except OSError:  # RocksDB deleted an obsolete file meanwhile: that is a change
                continue
            out.append((e.name, st.st_size, st.st_mtime_ns))
        return tuple(sorted(out))

    def get(self, *, force: bool = False) -> str:
        """The folder of a snapshot as fresh as the store; made anew only after a change."""
        fp = self._fingerprint()
        if fp == self.fingerprint and self.current and not force:
            return self.current
        with self.lock:
            fp = self._fingerprint()
            if fp == self.fingerprint and self.current and not force:
                return self.current
            if not self.can_backup:
                self.current = str(self.db)
                return self.current
            self.count += 1
            target = self.root / f"gen-{self.count}"
            try:
                self.store.ox.backup(str(target))
            except OSError as e:
                # A store opened read-only cannot checkpoint; nobody writes it, so the
                # workers read it in place.
                log.info("serving the store in place (no snapshot: %s)", e)
                self.can_backup = False
                self.current = str(self.db)
                return self.current
            self.fingerprint = self._fingerprint()
            self.current = str(target)
            return self.current

    def prune(self, in_use: set[str]) -> None:
        """Remove snapshots no worker reads any more."""
        with self.lock:
            for d in self.root.iterdir():
                if str(d) != self.current and str(d) not in in_use:
                    shutil.rmtree(d, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


# Seconds a query runs at normal priority before its worker is demoted, and the niceness
# it is demoted to.
DEMOTE_AFTER = 0.1
LOW_PRIORITY = 19


def _set_priority(pid: int, niceness: int) -> bool:
    """Set a worker's niceness; False when the system refuses (raising needs privilege)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, niceness)
    except (PermissionError, ProcessLookupError):
        return False
    return True


class _Worker:
    def __init__(self, proc: Any, conn: Any, snapshot: str) -> None:
        self.proc = proc
        self.conn = conn
        self.snapshot = snapshot


class ProcessRunner(Runner):
    """A pool of `workers` processes; a job past `timeout` seconds gets its worker killed."""

    def __init__(self, store: Any, *, workers: int, timeout: float,
                 memory_limit: int = 0) -> None:
        super().__init__(timeout=timeout)
        self.size = max(1, workers)
        self.memory_limit = memory_limit
        self.snapshots = Snapshots(store)
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.live: set[_Worker] = set()
        self.starting: list[str] = []   # snapshots that workers being started will read
        self.lock = threading.Lock()
        self.closed = False
        snapshot = self.snapshots.get()
        # One spare besides the pool: a killed worker's place is filled at once, and the
        # spare is replaced in the background (starting a worker takes ~0.3 s, more when
        # runaway queries hold the cores).
        self.spare: queue.Queue[_Worker] = queue.Queue()
        with ThreadPoolExecutor(self.size + 1) as pool:  # start the workers side by side
            for i, w in enumerate(pool.map(lambda _: self._spawn(snapshot),
                                           range(self.size + 1))):
                self._add(w, spare=i == self.size)
        atexit.register(self.close)

    # -- pool --------------------------------------------------------------------------

    def _spawn(self, snapshot: str) -> _Worker:
        # A plain subprocess, not multiprocessing: the worker must not re-import the
        # server's __main__ (spawn/forkserver do), nor inherit its threads (fork).
        parent, child = socket.socketpair()
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg.sparql.worker", str(child.fileno()), snapshot,
             str(self.memory_limit)],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, close_fds=True)
        # A starting worker (imports, opening the snapshot) takes a core for a moment: it
        # does so at the lowest priority, so that a respawn after a killed runaway query
        # does not slow the queries being answered meanwhile.
        _set_priority(proc.pid, LOW_PRIORITY)
        child.close()
        conn = Connection(parent.detach())
        if not conn.poll(60):
            proc.kill()
            proc.wait()
            conn.close()
            raise StoreError("a query worker did not start within 60 s")
        try:
            hello = conn.recv()
        except (EOFError, OSError):
            hello = ("failed", "it exited")
        if hello[0] != "ready":
            proc.wait(5)
            conn.close()
            raise StoreError(f"a query worker could not open the store {snapshot}: {hello[1]}")
        _set_priority(proc.pid, 0)  # ready: normal priority (where the system allows it)
        return _Worker(proc, conn, snapshot)

    def _add(self, w: _Worker, *, spare: bool = False) -> None:
        with self.lock:
            if self.closed:
                self._stop(w)
                return
            self.live.add(w)
        (self.spare if spare else self.idle).put(w)

    def _replace(self, w: _Worker) -> None:
        """Kill `w` now, put the spare in its place, start a successor in the background."""
        self._stop(w)
        with self.lock:
            self.live.discard(w)
        try:
            self.idle.put(self.spare.get_nowait())
            to_spare = True
        except queue.Empty:
            to_spare = False
        threading.Thread(target=self._respawn, args=(to_spare,), daemon=True,
                         name="kg-respawn").start()

    def _respawn(self, to_spare: bool) -> None:
        for attempt in range(3):
            if self.closed:
                return
            snapshot = self.snapshots.get()
            with self.lock:
                self.starting.append(snapshot)
            try:
                self._add(self._spawn(snapshot), spare=to_spare)
                return
            except StoreError as e:
                if self.closed:
                    return
                log.error("query worker restart failed (%s), attempt %d", e, attempt + 1)
                time.sleep(0.5)
            finally:
                with self.lock:
                    self.starting.remove(snapshot)

    @staticmethod
    def _stop(w: _Worker) -> None:
        if w.proc.poll() is None:
            w.proc.kill()
        try:
            w.proc.wait(2)
        except subprocess.TimeoutExpired:
            log.error("query worker %d did not stop", w.proc.pid)
        w.conn.close()

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and `kg` status)."""
        with self.lock:
            return [w.proc.pid for w in self.live]

    # -- running -----------------------------------------------------------------------

    def run(self, job: Job) -> bytes:
        try:
            w = self.idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(f"all {self.size} query workers stayed busy for "
                               f"{self.timeout:g} s; retry later") from None
        if w.proc.poll() is not None:
            self._replace(w)
            return self.run(job)
        job.snapshot = self.snapshots.get()
        old = w.snapshot
        w.snapshot = job.snapshot  # before the worker opens it, so that prune keeps it
        demoted = False
        try:
            w.conn.send(job)
            # A query still running after a moment yields the cores to short ones: its
            # worker drops to the lowest priority, so that a runaway query slows other
            # clients' quick queries as little as possible until its time is up.
            if not w.conn.poll(min(DEMOTE_AFTER, self.timeout)):
                demoted = _set_priority(w.proc.pid, LOW_PRIORITY)
                if not w.conn.poll(max(0.0, self.timeout - DEMOTE_AFTER)):
                    self._replace(w)
                    raise _timeout_error(self.timeout)
            header = w.conn.recv()
            payload = w.conn.recv_bytes() if header[0] == "ok" else b""
        except (EOFError, OSError, BrokenPipeError):
            self._replace(w)
            raise QueryError("the query engine stopped while running this query (too "
                             "complex or too deeply nested?); nothing was answered") from None
        if demoted and not _set_priority(w.proc.pid, 0):
            self._replace(w)  # an unprivileged server cannot raise it back: use a fresh one
        else:
            self.idle.put(w)
        if old != job.snapshot:
            with self.lock:
                in_use = {x.snapshot for x in self.live} | set(self.starting)
            self.snapshots.prune(in_use)
        if header[0] == "error":
            raise engine_error(header[1], header[2])
        return payload

    def changed(self) -> None:
        self.snapshots.get(force=True)

    def close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
            workers = list(self.live)
            self.live.clear()
        for w in workers:
            self._stop(w)
        self.snapshots.close()


# -- the in-memory store: threads ----------------------------------------------------------

class ThreadRunner(Runner):
    """Runs queries in threads of this process (the in-memory store cannot be shared).

    The answer is a 503 at the time limit, but the thread's work goes on to its end:
    pyoxigraph cannot be interrupted. Serve a store folder where that matters.
    """

    def __init__(self, ox_store: ox.Store, *, workers: int, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.ox = ox_store
        self.slots = threading.BoundedSemaphore(max(1, workers))

    def run(self, job: Job) -> bytes:
        if not self.slots.acquire(timeout=self.timeout):
            raise QueryTimeout(f"all query threads stayed busy for {self.timeout:g} s; "
                               "retry later")
        outcome: list[Any] = []

        def work() -> None:
            try:
                outcome.append(execute(self.ox, job))
            except EngineError as e:
                outcome.append(e)
            finally:
                self.slots.release()

        # A daemon thread: a runaway query must not hold the process open at exit.
        thread = threading.Thread(target=work, daemon=True, name="kg-query")
        thread.start()
        thread.join(self.timeout)
        if not outcome:
            raise _timeout_error(self.timeout)
        if isinstance(outcome[0], EngineError):
            raise engine_error(outcome[0].kind, outcome[0].message)
        return outcome[0]


# -- a remote SPARQL endpoint --------------------------------------------------------------

class RemoteRunner(Runner):
    """Forwards checked queries to a remote endpoint; reformats and caps its answers."""

    def __init__(self, url: str, *, timeout: float, user: str = "", password: str = "") -> None:
        super().__init__(timeout=timeout)
        self.url = url
        self.auth = None
        if user:
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            mgr.add_password(None, url, user, password)
            self.auth = urllib.request.HTTPDigestAuthHandler(mgr)
        self.opener = urllib.request.build_opener(*([self.auth] if self.auth else []))

    def run(self, job: Job) -> bytes:
        graph = job.form in ("CONSTRUCT", "DESCRIBE")
        params: list[tuple[str, str]] = [("query", job.query)]
        params += [("default-graph-uri", g) for g in job.default_graphs or []]
        params += [("named-graph-uri", g) for g in job.named_graphs or []]
        req = urllib.request.Request(
            self.url, data=urllib.parse.urlencode(params).encode(), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/n-triples" if graph
                     else "application/sparql-results+json"})
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                data = resp.read()
        except TimeoutError:
            raise _timeout_error(self.timeout) from None
        except urllib.error.HTTPError as e:
            detail = e.read()[:500].decode("utf-8", "replace")
            if 400 <= e.code < 500:
                raise QueryError(f"the remote endpoint refused the query: {detail}") from e
            raise StoreError(f"the remote endpoint failed ({e.code}): {detail}") from e
        except urllib.error.URLError as e:
            raise StoreError(f"the remote endpoint {self.url} is unreachable: {e.reason}") from e
        try:
            if graph:
                result: Any = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
            else:
                result = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            return serialize_result(result, job)
        except EngineError as e:
            raise engine_error(e.kind, e.message) from e
        except SyntaxError as e:
            raise StoreError(f"the remote endpoint's answer does not parse: {e}") from e


def make_runner(store: Any, settings: dict[str, Any]) -> Runner:
    """The runner that fits `store`: worker processes for a store folder, else as above."""
    timeout = float(settings["query_timeout"])
    workers = int(settings["query_workers"])
    if getattr(store, "path", None) is not None and hasattr(store, "ox"):
        return ProcessRunner(store, workers=workers, timeout=timeout)
    if hasattr(store, "ox"):
        return ThreadRunner(store.ox, workers=workers, timeout=timeout)
    url = str(getattr(store, "query_url", None) or getattr(store, "endpoint", None)
              or store.location).removeprefix("sparql+")
    return RemoteRunner(url, timeout=timeout, user=settings.get("store_user", ""),
                        password=settings.get("store_password", ""))
