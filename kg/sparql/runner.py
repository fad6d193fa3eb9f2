"""Query runners: where a checked query runs, and how its time limit is enforced.

pyoxigraph has no query timeout and cannot be interrupted from Python, and RocksDB does not
support reading a store from a second process while one writes. So, for the embedded store
on disk, `ProcessRunner` keeps a pool of worker processes, each reading a *snapshot* of the
store (a RocksDB checkpoint made by `Store.backup`, hard links, ~0.1 s). A snapshot is
replaced when the store's files change (a write, an ingest): the next job names the new
one and the worker reopens. A worker past the time limit is killed (SIGKILL gives its CPU
back at once) and a fresh one takes its place, forked from a zygote that has imported
the engine once (kg.sparql.zygote): ~17 ms and 0.01 s of CPU instead of a Python start.

A query still running after DEMOTE_AFTER seconds, having used the CPU for at least half of
that, yields the cores to short ones: its worker is moved to SCHED_IDLE (and niceness 19)
until it answers or is killed. A client whose query hit the time limit or used the CPU
long lately (LONG_RUN) has its next ones start there at once, and they may not take the
last idle worker.
Answers that cost the engine much CPU are kept (`ResultCache`) for as long as the snapshot
they were computed on is the current one: a snapshot never changes, so a kept answer is
exactly what the engine would give again; any write makes a new snapshot and drops them.

`ThreadRunner` serves the in-memory store (tests, demos), which no other process can read:
it answers 503 at the time limit, but the engine's thread runs on until the query ends
(a documented limitation; serve a store folder in production). `RemoteRunner` forwards
to a remote SPARQL endpoint with a socket timeout, and caps rows the same way.
"""
from __future__ import annotations

import atexit
import contextlib
import logging
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError, LimitExceeded, QueryError, QueryTimeout, StoreError
from kg.sparql.execute import EngineError, Job, execute, serialize_result
from kg.sparql.formats import NotAcceptable
from kg.sparql.zygote import AVAILABLE as ZYGOTE
from kg.sparql.zygote import Zygote

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

# Seconds after a change of the store's folder during which its files are always scanned.
SETTLED = 0.1


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
        # (folder mtime, write-ahead logs' paths, their stats, the whole fingerprint) of the
        # last full scan: see _fingerprint.
        self.scanned: tuple[int, tuple[str, ...], tuple, tuple] = (0, (), (), ())
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)

    def _fingerprint(self) -> tuple:
        """Names, sizes and times of the store's files: it changes when the store does.

        A write appends to a write-ahead log (*.log: its size grows); anything else that
        changes the data adds, removes or renames files (SST files are never rewritten),
        which changes the folder's mtime. So while the folder's mtime and the logs' stats
        are those of the last full scan, that scan's answer stands (3 stat calls rather
        than one per file). A folder changed within SETTLED seconds is always scanned:
        file times are coarse (a clock tick), and a change in the same tick as the last
        scan would leave the folder's mtime as it was.
        """
        try:
            folder = os.stat(self.db).st_mtime_ns
        except OSError:
            return ()
        mtime, logs, log_stats, whole = self.scanned
        if folder == mtime and logs and time.time_ns() - folder > SETTLED * 1e9:
            try:
                now = tuple((st.st_size, st.st_mtime_ns) for st in map(os.stat, logs))
            except OSError:  # a log was removed: a change, scanned below
                now = ()
            if now == log_stats:
                return whole
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
        whole = tuple(sorted(out))
        logs = tuple(str(self.db / name) for name, _, _ in whole if name.endswith(".log"))
        self.scanned = (folder, logs, tuple((size, t) for name, size, t in whole
                                            if name.endswith(".log")), whole)
        return whole

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
# it is demoted to (besides SCHED_IDLE, where the system allows it).
DEMOTE_AFTER = 0.1
LOW_PRIORITY = 19
# A query stopped at the time limit, or one that used the CPU for half of LONG_RUN seconds
# (or a quarter of the time limit, if less), marks its client: the client's next queries
# start at the lowest priority (kg.sparql.limits.SLOW_FOR) and may not take the last idle
# worker. (CPU, not time: under load, a query that waited for a core is no runaway.)
LONG_RUN = 1.0

_IDLE = getattr(os, "SCHED_IDLE", None)
_OTHER = getattr(os, "SCHED_OTHER", None)


def _threads(pid: int) -> list[int]:
    """The thread ids of process `pid` (Linux); just `pid` where /proc does not tell."""
    try:
        return [int(t) for t in os.listdir(f"/proc/{pid}/task")] or [pid]
    except (OSError, ValueError):
        return [pid]


def _set_priority(pid: int, niceness: int, *, idle: bool = False) -> bool:
    """Set a worker's niceness; False when the system refuses (raising needs privilege).

    With `idle`, the worker also moves to SCHED_IDLE where Linux offers it (demoted
    queries): it then runs only on a core nothing else wants, so that a runaway query
    costs the other clients' queries next to nothing. Without it, the normal policy.
    On Linux both are set per thread: every thread of the worker is set (the storage
    engine's threads started while it was low must not stay there: a query that waits on
    one of them would wait for the cores to be idle).
    """
    for tid in _threads(pid):
        try:
            if _IDLE is not None and _OTHER is not None:
                try:
                    os.sched_setscheduler(tid, _IDLE if idle else _OTHER, os.sched_param(0))
                except PermissionError:
                    if not idle:
                        return False
            os.setpriority(os.PRIO_PROCESS, tid, niceness)
        except ProcessLookupError:
            if tid == pid:
                return False
        except PermissionError:
            return False
    return True


# Answers kept by ResultCache: only those that took the engine at least CACHE_MIN_CPU
# seconds of CPU (cheap ones are as fast to compute again), at most CACHE_ENTRY_BYTES each
# and CACHE_BYTES in all.
CACHE_BYTES = 32 * 1024 * 1024
CACHE_ENTRY_BYTES = 1024 * 1024
CACHE_MIN_CPU = 0.01


def _cache_key(job: Job) -> tuple:
    return (job.query, job.form, job.fmt, job.base_iri, job.max_rows,
            None if job.default_graphs is None else tuple(job.default_graphs),
            None if job.named_graphs is None else tuple(job.named_graphs))


class ResultCache:
    """Costly answers computed on the current snapshot, least recently used out first.

    A snapshot is never written, so an answer computed on it stays exact while it is the
    current one; when the current snapshot changes, every kept answer is dropped. Errors
    (time limit, row cap, syntax) are never kept: each such query is run and refused anew.
    """

    def __init__(self, max_bytes: int = CACHE_BYTES, *, entry_bytes: int = CACHE_ENTRY_BYTES,
                 min_cpu: float = CACHE_MIN_CPU) -> None:
        self.max_bytes = max_bytes
        self.entry_bytes = min(entry_bytes, max_bytes)
        self.min_cpu = min_cpu
        self.lock = threading.Lock()
        self.snapshot = ""
        self.bytes = 0
        self.entries: OrderedDict[tuple, bytes] = OrderedDict()

    def _at(self, snapshot: str) -> None:
        if snapshot != self.snapshot:
            self.entries.clear()
            self.bytes = 0
            self.snapshot = snapshot

    def get(self, snapshot: str, job: Job) -> bytes | None:
        if not self.max_bytes:
            return None
        key = _cache_key(job)
        with self.lock:
            self._at(snapshot)
            body = self.entries.get(key)
            if body is not None:
                self.entries.move_to_end(key)
            return body

    def put(self, snapshot: str, job: Job, body: bytes, cpu: float) -> None:
        if not self.max_bytes or cpu < self.min_cpu or len(body) > self.entry_bytes:
            return
        key = _cache_key(job)
        with self.lock:
            if snapshot != self.snapshot:
                return  # computed on a snapshot that is no longer the current one
            old = self.entries.pop(key, None)
            if old is not None:
                self.bytes -= len(old)
            self.entries[key] = body
            self.bytes += len(body)
            while self.bytes > self.max_bytes:
                _, dropped = self.entries.popitem(last=False)
                self.bytes -= len(dropped)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.bytes = 0


class Yielding:
    """Queries of runaway clients run only while the server has nothing else to do.

    A demoted worker (see DEMOTE_AFTER) runs at SCHED_IDLE, which should give its core to
    any other task at once; yet on this 2-vCPU virtual machine runaway queries still made
    a quick client's requests 5-7× slower at the 99th percentile (p90 2-3×), even when
    stopped only while a request was being served: any work of theirs beside the client's,
    in the server or not, showed in its tail. So the queries of a client whose query ran
    into the time limit lately (`Job.yields`, kg.sparql.limits) are stopped (SIGSTOP) as
    soon as another client's request (`serving`) or a job at normal priority starts, and
    continued (SIGCONT) once nothing has been served for `quiet` seconds: they get the
    server's idle time, and their time limit runs on meanwhile. Such a query does not even
    start while the server is busy (`wait_quiet`): it would stand still, and one refused
    at its limit without having started needs no worker killed and replaced. Other long
    queries are only demoted: under load they must still progress. Measured with
    tests/sparql/test_hostile.py: the benign p99 beside runaway queries went from 5.1-6.8×
    its p99 alone to 1.9-5.0× (it swings with the machine), the p90 from 2.2× to 1.3-1.4×;
    with queries not started while the server is busy, and the per-client queue
    (kg.sparql.limits), p99 1.5-3.8× and p90 1.0-1.12× (median of the turns, 19 runs);
    since that queue wakes only on its own client's slots (it woke at every quick request
    of the others, and the server's main loop waited for the GIL), 1.2-1.6× when the
    machine is quiet, where it was 3.6-5.9×.
    """

    def __init__(self, quiet: float = 0.05) -> None:
        self.quiet = quiet
        self.lock = threading.Lock()
        self.wake = threading.Condition(self.lock)
        self.running = 0                # requests and jobs being served at normal priority
        self.last = 0.0                 # when `running` last fell to 0
        self.stopped = False            # whether the stoppable workers are stopped
        self.stoppable: set[int] = set()  # pids of the workers running a runaway query
        self.local = threading.local()  # whether this thread's request or job is counted
        self.closed = False
        self.quiet_now = threading.Condition(self.lock)  # for `wait_quiet`
        threading.Thread(target=self._resume_when_quiet, daemon=True,
                         name="kg-yielding").start()

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        """Around the serving of a request: runaway queries stand still from now until
        the server has been quiet a while."""
        counted = self._counted()
        if not counted:
            self._enter()
        try:
            yield
        finally:
            if not counted and self._counted():
                self._leave()

    def wait_quiet(self, deadline: float) -> bool:
        """Wait until the server has been quiet a while, as runaway queries need to run
        at all; False if it was not before `deadline` (time.monotonic()). The waiting
        thread stops counting as activity: a request that came in before its client was
        marked must not keep the server busy for itself."""
        if self._counted():
            self._leave()
        with self.lock:
            while self.stopped and not self.closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.quiet_now.wait(left)
            return True

    def job_starts(self, pid: int, *, runaway: bool) -> bool:
        """A job starts on worker `pid`, a runaway client's or not; returns whether it
        counts on its own (an ordinary job outside any request: the CLI, a bench)."""
        if runaway:
            self.runaway(pid)
            return False
        if self._counted():
            return False
        self._enter()
        return True

    def runaway(self, pid: int) -> None:
        """Worker `pid` now runs a runaway client's query: stopped whenever something else
        is served; the thread waiting for it stops counting as activity (it must not hold
        the others, or itself, still)."""
        if self._counted():
            self._leave()
        with self.lock:
            self.stoppable.add(pid)
            if self.stopped:
                self._signal({pid}, signal.SIGSTOP)

    def job_ends(self, pid: int, *, owned: bool) -> None:
        """The job on worker `pid` ended (answered, failed, or its worker killed)."""
        self.forget(pid)
        if owned and self._counted():
            self._leave()

    def forget(self, pid: int) -> None:
        """Worker `pid` runs no runaway query any more (or is about to be killed: its pid
        may be reused); left running, never stopped idle."""
        with self.lock:
            if pid in self.stoppable:
                self.stoppable.discard(pid)
                self._signal({pid}, signal.SIGCONT)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self._signal(self.stoppable, signal.SIGCONT)
            self.stoppable.clear()
            self.wake.notify()
            self.quiet_now.notify_all()

    def _counted(self) -> bool:
        return getattr(self.local, "counted", False)

    def _enter(self) -> None:
        self.local.counted = True
        with self.lock:
            self.running += 1
            if not self.stopped:
                self.stopped = True
                self._signal(self.stoppable, signal.SIGSTOP)

    def _leave(self) -> None:
        self.local.counted = False
        with self.lock:
            self.running -= 1
            if self.running == 0:
                self.last = time.monotonic()
                self.wake.notify()

    def _resume_when_quiet(self) -> None:
        with self.lock:
            while not self.closed:
                if not self.stopped or self.running:
                    self.wake.wait()
                    continue
                left = self.last + self.quiet - time.monotonic()
                if left > 0:
                    self.wake.wait(left)
                    continue
                self.stopped = False
                self._signal(self.stoppable, signal.SIGCONT)
                self.quiet_now.notify_all()

    @staticmethod
    def _signal(pids: set[int], sig: int) -> None:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)


class _Worker:
    def __init__(self, proc: Any, conn: Any, snapshot: str, cpu: float | None) -> None:
        self.proc = proc
        self.conn = conn
        self.snapshot = snapshot
        self.cpu = cpu          # the process's CPU seconds when it last answered (idle since)


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system, all threads) process `pid` used; None off Linux."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, ValueError, IndexError):
        return None


class ProcessRunner(Runner):
    """A pool of `workers` processes; a job past `timeout` seconds gets its worker killed."""

    def __init__(self, store: Any, *, workers: int, timeout: float,
                 memory_limit: int = 0, cache_bytes: int = CACHE_BYTES) -> None:
        super().__init__(timeout=timeout)
        self.size = max(1, workers)
        self.memory_limit = memory_limit
        # Workers are forked from a zygote where the system allows (kg.sparql.zygote).
        self.zygote = Zygote() if ZYGOTE else None
        self.snapshots = Snapshots(store)
        self.cache = ResultCache(cache_bytes)
        self.yielding = Yielding()
        # Idle workers, and the threads waiting for one: jobs of clients whose queries ran
        # long lately (`job.low_priority`) wait for two, so that one is always left for
        # the other clients while their runaway queries take the rest.
        self.free: list[_Worker] = []
        pool_lock = threading.Lock()
        self.wake_any = threading.Condition(pool_lock)   # for jobs that may take the last
        self.wake_low = threading.Condition(pool_lock)   # for jobs that leave one
        self.waiting = [0, 0]                            # threads waiting on each
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
        # Forked by the zygote, or else a plain subprocess; not multiprocessing: the
        # worker must not re-import the server's __main__ (spawn/forkserver do), nor
        # inherit its threads (fork).
        proc: Any
        if self.zygote is not None and self.zygote.alive():
            proc, conn = self.zygote.spawn(snapshot, self.memory_limit)
        else:
            parent, child = socket.socketpair()
            proc = subprocess.Popen(
                [sys.executable, "-m", "kg.sparql.worker", str(child.fileno()), snapshot,
                 str(self.memory_limit)],
                pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, close_fds=True)
            child.close()
            conn = Connection(parent.detach())
        # A starting worker (imports, opening the snapshot) takes a core for a moment: it
        # does so at niceness 19, so that a respawn after a killed runaway query does not
        # slow the queries being answered meanwhile, yet ahead of runaway queries (those
        # are SCHED_IDLE), so that it is ready soon.
        _set_priority(proc.pid, LOW_PRIORITY)
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
        return _Worker(proc, conn, snapshot, hello[2] if len(hello) > 2 else None)

    def _add(self, w: _Worker, *, spare: bool = False) -> None:
        with self.lock:
            if self.closed:
                self._stop(w)
                return
            self.live.add(w)
        if spare:
            self.spare.put(w)
        else:
            self._give(w)

    def _replace(self, w: _Worker) -> None:
        """Kill `w` now, put the spare in its place, start a successor in the background."""
        self._stop(w)
        with self.lock:
            self.live.discard(w)
        try:
            self._give(self.spare.get_nowait())
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

    def _give(self, w: _Worker) -> None:
        """Return an idle worker to the pool, and wake one thread that may take it."""
        with self.wake_any:
            self.free.append(w)
            if self.waiting[0]:
                self.wake_any.notify()
            elif self.waiting[1] and len(self.free) > self._kept:
                self.wake_low.notify()

    @property
    def _kept(self) -> int:
        """Idle workers a low-priority job must leave to the others."""
        return 1 if self.size > 1 else 0

    def _take(self, low: bool) -> _Worker:
        """An idle worker; a low-priority job waits until it is not the last one."""
        keep = self._kept if low else 0
        deadline = time.monotonic() + self.timeout
        with self.wake_any:
            while len(self.free) <= keep:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise QueryTimeout(f"all {self.size} query workers stayed busy for "
                                       f"{self.timeout:g} s; retry later")
                self.waiting[low] += 1
                try:
                    (self.wake_low if low else self.wake_any).wait(left)
                finally:
                    self.waiting[low] -= 1
            w = self.free.pop()
            if self.waiting[0] and self.free or self.waiting[1] and len(self.free) > self._kept:
                # Several workers came back at once: pass the turn on.
                (self.wake_any if self.waiting[0] else self.wake_low).notify()
            return w

    def _stop(self, w: _Worker) -> None:
        self.yielding.forget(w.proc.pid)   # before the kill: its pid may be reused after
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
        kept = self.cache.get(self.snapshots.get(), job)
        if kept is not None:
            return kept
        # A runaway client's query starts only once the server is quiet (Yielding): under
        # load it would stand still anyway, and one that never starts needs no worker to
        # be killed and started again. Its time limit runs from now all the same.
        deadline = time.monotonic() + self.timeout
        if job.yields and not self.yielding.wait_quiet(deadline):
            job.ran_long = job.timed_out = True
            raise QueryTimeout(
                "this client's queries ran into the time limit lately, so they run only "
                f"while the server is otherwise idle, and it was not for {self.timeout:g} s "
                "(KG_QUERY_TIMEOUT); nothing was answered: retry later")
        w = self._take(job.low_priority)
        if w.proc.poll() is not None:
            self._replace(w)
            return self.run(job)
        job.snapshot = self.snapshots.get()
        old = w.snapshot
        w.snapshot = job.snapshot  # before the worker opens it, so that prune keeps it
        # A client whose queries ran long lately starts low at once (job.low_priority).
        demoted = job.low_priority and _set_priority(w.proc.pid, LOW_PRIORITY, idle=True)
        pid = w.proc.pid
        owned = self.yielding.job_starts(pid, runaway=job.yields)
        try:
            w.conn.send(job)
            # A query still running after a moment yields the cores to short ones: its
            # worker drops to the lowest priority, so that a runaway query slows other
            # clients' quick queries as little as possible until its time is up. One that
            # has waited for a core rather than used one is not demoted (under load it
            # would starve): it is looked at again DEMOTE_AFTER later.
            start = time.monotonic()
            until = deadline if job.yields else start + self.timeout
            while not w.conn.poll(max(0.0, min(self.timeout if demoted else DEMOTE_AFTER,
                                               until - time.monotonic()))):
                if time.monotonic() >= until:
                    job.ran_long = job.timed_out = True
                    self._replace(w)
                    raise _timeout_error(self.timeout)
                if not demoted and self._cpu_used(w, start) >= DEMOTE_AFTER / 2:
                    demoted = _set_priority(w.proc.pid, LOW_PRIORITY, idle=True)
            header = w.conn.recv()
            payload = w.conn.recv_bytes() if header[0] == "ok" else b""
        except (EOFError, OSError, BrokenPipeError):
            self._replace(w)
            raise QueryError("the query engine stopped while running this query (too "
                             "complex or too deeply nested?); nothing was answered") from None
        finally:
            self.yielding.job_ends(pid, owned=owned)
        w.cpu = header[-1]
        if demoted and not _set_priority(w.proc.pid, 0):
            self._replace(w)  # an unprivileged server cannot raise it back: use a fresh one
        else:
            self._give(w)
        if header[0] == "ok":
            job.ran_long = header[2] >= self._long_cpu
            self.cache.put(job.snapshot, job, payload, header[2])
        if old != job.snapshot:
            with self.lock:
                in_use = {x.snapshot for x in self.live} | set(self.starting)
            self.snapshots.prune(in_use)
        if header[0] == "error":
            raise engine_error(header[1], header[2])
        return payload

    @property
    def _long_cpu(self) -> float:
        """CPU seconds after which a query marks its client (see LONG_RUN)."""
        return min(LONG_RUN, self.timeout / 2) / 2

    @staticmethod
    def _cpu_used(w: _Worker, start: float) -> float:
        """CPU seconds worker `w` used on its current job (wall seconds if unknown)."""
        now = _process_cpu(w.proc.pid)
        if now is None or w.cpu is None:
            return time.monotonic() - start
        return now - w.cpu

    def changed(self) -> None:
        self.cache.clear()
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
        if self.zygote is not None:
            self.zygote.close()
        self.yielding.close()
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
        return ProcessRunner(store, workers=workers, timeout=timeout,
                             cache_bytes=int(float(settings["query_cache_mb"]) * 2**20))
    if hasattr(store, "ox"):
        return ThreadRunner(store.ox, workers=workers, timeout=timeout)
    url = str(getattr(store, "query_url", None) or getattr(store, "endpoint", None)
              or store.location).removeprefix("sparql+")
    return RemoteRunner(url, timeout=timeout, user=settings.get("store_user", ""),
                        password=settings.get("store_password", ""))
