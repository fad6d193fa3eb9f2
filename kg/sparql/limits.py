"""Per-client limits: queries at once, and query seconds per minute (429 with Retry-After).

As on the Wikidata Query Service, a client is its network address; one that runs too many
queries at once, or has used its query time of the last minute, waits, so that it cannot
starve the others. A client whose query ran long lately (past the runner's LONG_RUN, or
to the time limit) has its next queries start at the lowest CPU priority, so that a stream
of runaway queries does not take the cores from other clients even for a moment; one whose
query was stopped at the time limit lately has them run only while the server has nothing
else to do (kg.sparql.runner.Yielding).

A few queries past a client's concurrency wait for one of its slots rather than get a 429
at once (a queue of `queue` per client, as nginx's `limit_req burst`): a notebook with a
thread pool a little larger than the limit is served in turn, and a client that resends
at once whatever is refused is held to the pace its slots free up instead of making the
server refuse it dozens of times a second. Measured with tests/sparql/test_hostile.py
(runaway queries from four threads, two at a time): the benign client's p99 beside them
went from 3.9x its p99 alone to 1.8x (median of 7 turns), most of that tail being the
refused requests' connections, not the runaway queries.
"""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from kg.errors import TooManyRequests

WINDOW = 60.0
# Requests waiting in all clients' queues at once: each holds one of the web server's
# threads (kg serve runs 8), so that no number of clients can hold them all.
QUEUED_MAX = 4
# Seconds that the queries of a client whose query ran long start at the lowest priority.
SLOW_FOR = 30.0


class ClientLimiter:
    """Counts each client's running queries and the seconds its queries took lately."""

    def __init__(self, *, concurrency: int, seconds_per_minute: float, queue: int = 0,
                 wait: float = 10.0) -> None:
        self.concurrency = concurrency
        self.budget = seconds_per_minute
        self.queue = queue      # requests per client that may wait for a slot
        self.wait = wait        # seconds one waits at most before its 429
        self.lock = threading.Lock()
        # One condition per client with queries waiting: a slot freed wakes only its own
        # client's queue. (One for all woke every waiting query at each end of any query:
        # a runaway client's queue woke at every quick request of the others, and that
        # churn of threads and the GIL showed in their tail: p99 3 → 15–30 ms.)
        self.freed: dict[str, threading.Condition] = {}
        self.queued: dict[str, int] = {}
        self.running: dict[str, int] = {}
        self.spent: dict[str, deque[tuple[float, float]]] = {}  # (ended at, seconds)
        self.total: dict[str, float] = {}  # the sum of each client's `spent` seconds
        # client → when a query of its ran long / was stopped at the time limit, lately
        self.marks: dict[str, dict[str, float]] = {"slow": {}, "runaway": {}}

    def mark(self, kind: str, client: str) -> None:
        """A query of `client` ran long ("slow") or into the time limit ("runaway"): its
        next ones are treated so for SLOW_FOR seconds."""
        now = time.monotonic()
        with self.lock:
            marks = self.marks[kind]
            if len(marks) > 10_000:  # many clients: keep only the recent ones
                marks = self.marks[kind] = {c: t for c, t in marks.items()
                                            if t > now - SLOW_FOR}
            marks[client] = now

    def marked(self, kind: str, client: str) -> bool:
        """Whether `client` got the mark `kind` within the last SLOW_FOR seconds."""
        marks = self.marks[kind]
        at = marks.get(client)
        if at is None:
            return False
        if at > time.monotonic() - SLOW_FOR:
            return True
        with self.lock:
            if marks.get(client) == at:
                del marks[client]
        return False

    def _used(self, client: str, now: float) -> float:
        spent = self.spent.get(client)
        if not spent:
            return 0.0
        total = self.total[client]
        while spent and spent[0][0] < now - WINDOW:
            total -= spent.popleft()[1]
        if not spent:
            del self.spent[client]
            del self.total[client]
            return 0.0
        self.total[client] = total
        return max(0.0, total)

    def _retry_after(self, client: str, now: float) -> int:
        """Seconds until enough of the client's spent time leaves the window."""
        used = self._used(client, now)
        for ended, seconds in self.spent.get(client, ()):
            used -= seconds
            if used < self.budget:
                return max(1, math.ceil(ended + WINDOW - now))
        return int(WINDOW)

    @contextmanager
    def slot(self, client: str) -> Iterator[None]:
        """Hold one of `client`'s query slots while the block runs, and bill its time."""
        with self.lock:
            if self.running.get(client, 0) >= self.concurrency and not self._wait_turn(client):
                raise TooManyRequests(f"at most {self.concurrency} queries at once per client "
                                      "(KG_CLIENT_CONCURRENCY)", retry_after=1)
            now = time.monotonic()
            if self._used(client, now) >= self.budget:
                raise TooManyRequests(
                    f"this client used its {self.budget:g} query seconds of the last minute "
                    "(KG_CLIENT_SECONDS_PER_MINUTE)", retry_after=self._retry_after(client, now))
            self.running[client] = self.running.get(client, 0) + 1
        try:
            yield
        finally:
            end = time.monotonic()
            with self.lock:
                left = self.running.get(client, 1) - 1
                if left:
                    self.running[client] = left
                else:
                    self.running.pop(client, None)
                self.spent.setdefault(client, deque()).append((end, end - now))
                self.total[client] = self.total.get(client, 0.0) + (end - now)
                freed = self.freed.get(client)
                if freed is not None:
                    freed.notify_all()      # the few of its queue: one takes the slot

    def _wait_turn(self, client: str) -> bool:
        """With the lock held and `client` at its concurrency: wait in its queue until one of
        its slots is free (True), or say at once or after `wait` seconds that none is."""
        if self.queued.get(client, 0) >= self.queue or sum(self.queued.values()) >= QUEUED_MAX:
            return False
        self.queued[client] = self.queued.get(client, 0) + 1
        freed = self.freed.get(client)
        if freed is None:
            freed = self.freed[client] = threading.Condition(self.lock)
        deadline = time.monotonic() + self.wait
        try:
            while self.running.get(client, 0) >= self.concurrency:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                freed.wait(left)
            return True
        finally:
            self.queued[client] -= 1
            if not self.queued[client]:
                del self.queued[client]
                del self.freed[client]
