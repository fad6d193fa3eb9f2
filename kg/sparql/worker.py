"""The body of a query worker process: open a store snapshot read-only, answer jobs.

A worker reads from a pipe: a Job, answers a header `("ok", n_bytes)` then the bytes, or
`("error", kind, message)`. It reopens its store when a job names a newer snapshot. It
holds nothing the server needs, so the server kills it (SIGKILL) when a query runs past
its time and starts another: that is how the time limit really stops the work.
"""
from __future__ import annotations

import os
import resource
import sys
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.sparql.execute import EngineError, Job, execute


def main(conn: Connection, snapshot: str, memory_limit: int) -> None:
    """Serve jobs from `conn` until the pipe closes."""
    if memory_limit:
        # A runaway query dies of a MemoryError-like abort instead of swapping the machine.
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    path = snapshot
    try:
        store = ox.Store.read_only(path)
    except OSError as e:
        conn.send(("failed", str(e)))
        return
    conn.send(("ready", os.getpid()))
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
            except OSError as e:
                conn.send(("error", "StoreError", f"cannot open the store snapshot: {e}"))
                return
        try:
            payload = execute(store, job)
        except EngineError as e:
            conn.send(("error", e.kind, e.message))
            continue
        except MemoryError:
            conn.send(("error", "LimitExceeded", "the query needs more memory than a "
                       "query worker may use"))
            continue
        conn.send(("ok", len(payload)))
        conn.send_bytes(payload)


if __name__ == "__main__":
    main(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]))
