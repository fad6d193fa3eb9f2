"""The body of a query worker process: open a store snapshot read-only, answer jobs.

A worker reads from a pipe: a Job, answers a header `("ok", n_bytes, cpu_seconds,
cpu_total)` then the bytes (the job's CPU seconds tell the server whether the answer is
worth keeping), or `("error", kind, message, cpu_total)`; cpu_total, the process's CPU
so far, lets the server tell how much CPU a running job has used. It reopens its store
when a job names a newer snapshot. It holds nothing the server needs, so the server kills
it (SIGKILL) when a query runs past its time and starts another: that is how the time
limit really stops the work.
"""
from __future__ import annotations

import os
import resource
import sys
import time
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.sparql.execute import EngineError, Job, execute


def _cpu() -> float:
    """CPU seconds this process used so far (the server reads its use on a job from it)."""
    t = os.times()
    return t.user + t.system


def main(conn: Connection, snapshot: str, memory_limit: int) -> None:
    """Serve jobs from `conn` until the pipe closes."""
    if memory_limit:
        # A runaway query dies of a MemoryError-like abort instead of swapping the machine.
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    path = snapshot
    try:
        store = ox.Store.read_only(path)
    except (OSError, RuntimeError) as e:   # RocksDB says "Corruption" of vanished files
        try:
            conn.send(("failed", str(e)))
        except OSError:  # the server stopped meanwhile (its snapshots are gone with it)
            pass
        return
    conn.send(("ready", os.getpid(), _cpu()))
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        if job.snapshot and job.snapshot != path:
            del store
            path = job.snapshot
            try:
                store = ox.Store.read_only(path)
            except (OSError, RuntimeError) as e:
                conn.send(("error", "StoreError", f"cannot open the store snapshot: {e}",
                           _cpu()))
                return
        cpu = time.thread_time()
        try:
            payload = execute(store, job)
        except EngineError as e:
            conn.send(("error", e.kind, e.message, _cpu()))
            continue
        except MemoryError:
            conn.send(("error", "LimitExceeded", "the query needs more memory than a "
                       "query worker may use", _cpu()))
            continue
        conn.send(("ok", len(payload), time.thread_time() - cpu, _cpu()))
        conn.send_bytes(payload)


if __name__ == "__main__":
    main(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]))
