"""The process runner's fast paths keep its guarantees: kept answers are never stale, a
kept answer needs no worker, workers run at normal priority once started, and a client's
"ran long lately" mark expires."""
from __future__ import annotations

import io
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import URIRef

from kg.errors import LimitExceeded, QueryTimeout, TooManyRequests
from kg.sparql import limits, zygote
from kg.sparql.execute import Job
from kg.sparql.runner import SETTLED, ProcessRunner, ResultCache, _process_cpu
from kg.store.base import Store

COUNT = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
CROSS = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture
def store(chain_store: Store) -> Store:
    """The chain test data in a store folder (tests/sparql/conftest.py)."""
    return chain_store


@pytest.fixture
def runner(store: Store) -> Iterator[ProcessRunner]:
    """One worker, a 2 s limit, and every answer kept (however cheap it was)."""
    r = ProcessRunner(store, workers=1, timeout=2.0)
    r.cache = ResultCache(min_cpu=0.0)
    yield r
    r.close()


def count(runner: ProcessRunner, query: str = COUNT) -> int:
    body = runner.run(Job(query=query, form="SELECT", fmt="json"))
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def add(store: Store, n: int, tag: str) -> None:
    nt = "".join(f"<http://x/{tag}{i}> <http://x/p> \"{i}\" .\n" for i in range(n))
    store.load(io.BytesIO(nt.encode()), "nt", URIRef(f"http://x/{tag}"))


def settle(runner: ProcessRunner) -> None:
    """Wait until the storage engine's background work after a write (flushes, compactions:
    new files, so a new snapshot, though the data is the same) has ended."""
    for _ in range(50):
        before = runner.snapshots.count
        time.sleep(SETTLED * 3)
        count(runner)
        if runner.snapshots.count == before:
            return


def test_kept_answer_is_dropped_by_a_write_at_once_and_later(store: Store,
                                                            runner: ProcessRunner) -> None:
    """A write straight to the store (not through the endpoint) is seen by the next query,
    whether it comes at once (the store's folder just changed) or after the folder has
    settled (the fingerprint's fast path)."""
    before = count(runner)
    assert count(runner) == before                 # kept, and the same
    add(store, 3, "a")                             # at once
    assert count(runner) == before + 3
    time.sleep(SETTLED * 3)
    assert count(runner) == before + 3             # kept again, after the folder settled
    time.sleep(SETTLED * 3)
    add(store, 2, "b")                             # a write to a settled folder
    assert count(runner) == before + 5


def test_kept_answer_needs_no_worker(store: Store, runner: ProcessRunner) -> None:
    """While the only worker runs a runaway query, a kept answer still comes at once."""
    add(store, 400, "bulk")
    expected = count(runner)
    settle(runner)
    outcome: list[BaseException] = []

    def runaway() -> None:
        try:
            count(runner, CROSS)
        except QueryTimeout as e:
            outcome.append(e)

    t = threading.Thread(target=runaway)
    t.start()
    time.sleep(0.3)
    start = time.monotonic()
    assert count(runner) == expected
    assert time.monotonic() - start < 0.5
    t.join(5)
    assert outcome and isinstance(outcome[0], QueryTimeout)


def test_low_priority_jobs_leave_a_worker_to_the_others(store: Store) -> None:
    """Two runaway queries of a client marked slow take one of two workers, not both: a
    quick query of another client is answered at once."""
    add(store, 400, "bulk")
    runner = ProcessRunner(store, workers=2, timeout=2.0)
    try:
        outcome: list[str] = []

        def runaway() -> None:
            job = Job(query=CROSS, form="SELECT", fmt="json", low_priority=True)
            try:
                runner.run(job)
            except QueryTimeout as e:
                outcome.append(str(e))

        threads = [threading.Thread(target=runaway) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        start = time.monotonic()
        assert count(runner) > 400
        assert time.monotonic() - start < 0.5
        for t in threads:
            t.join(10)
        assert len(outcome) == 2   # each stopped at the limit, or never given a worker
    finally:
        runner.close()


def test_refusals_are_not_kept(runner: ProcessRunner) -> None:
    """A query past the row cap is refused each time: no error is kept as an answer."""
    job = Job(query="SELECT * { GRAPH ?g { ?s ?p ?o } }", form="SELECT", fmt="json",
              max_rows=2)
    for _ in range(2):
        with pytest.raises(LimitExceeded):
            runner.run(job)
    assert not runner.cache.entries


def _policies(pid: int) -> set[tuple[int, int]]:
    """(scheduling policy, niceness) of every thread of `pid`."""
    out = set()
    for tid in os.listdir(f"/proc/{pid}/task"):
        out.add((os.sched_getscheduler(int(tid)), os.getpriority(os.PRIO_PROCESS, int(tid))))
    return out


@pytest.mark.skipif(not hasattr(os, "sched_getscheduler") or not Path("/proc/self/task").exists(),
                    reason="per-thread scheduling is read from Linux /proc")
def test_workers_run_every_thread_at_normal_priority(store: Store,
                                                     runner: ProcessRunner) -> None:
    """Workers start low (so that a respawn does not slow the queries being answered) and
    then rise: all their threads, not just the first (a storage-engine thread left low
    made quick queries wait behind runaway ones), also after a runaway query's worker was
    killed and replaced."""
    normal = {(os.SCHED_OTHER, 0)}
    for pid in runner.pids():
        assert _policies(pid) == normal
    add(store, 400, "bulk")
    with pytest.raises(QueryTimeout):
        count(runner, CROSS)
    deadline = time.monotonic() + 10
    while len(runner.pids()) < runner.size + 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(runner.pids()) == runner.size + 1
    for pid in runner.pids():
        assert _policies(pid) == normal


@pytest.mark.parametrize("kind", ["slow", "runaway"])
def test_marks_expire_and_stay_apart(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    lim = limits.ClientLimiter(concurrency=2, seconds_per_minute=60)
    monkeypatch.setattr(limits, "SLOW_FOR", 0.2)
    other = "runaway" if kind == "slow" else "slow"
    assert not lim.marked(kind, "a")
    lim.mark(kind, "a")
    assert lim.marked(kind, "a") and not lim.marked(kind, "b")
    assert not lim.marked(other, "a")
    time.sleep(0.3)
    assert not lim.marked(kind, "a")


def test_seconds_budget_counts_only_the_last_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The running total of a client's query seconds drops what leaves the window."""
    now = [1000.0]
    monkeypatch.setattr(limits.time, "monotonic", lambda: now[0])
    lim = limits.ClientLimiter(concurrency=2, seconds_per_minute=1.0)
    for _ in range(3):
        with lim.slot("a"):
            now[0] += 0.4
    with pytest.raises(limits.TooManyRequests):
        with lim.slot("a"):
            pass
    now[0] += limits.WINDOW - 0.5      # the first query's seconds leave the window
    with lim.slot("a"):
        pass


def _ppid(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


@pytest.mark.skipif(not zygote.AVAILABLE, reason="workers are forked only on Linux")
def test_a_killed_worker_is_replaced_by_a_fork_of_the_zygote(runner: ProcessRunner) -> None:
    """A runaway query's worker is killed (no zombie left) and its successor is forked by
    the zygote: the replacement has not paid for a Python start (~0.1 s of CPU)."""
    assert runner.zygote is not None
    zygote_pid = runner.zygote.proc.pid
    assert {_ppid(p) for p in runner.pids()} == {zygote_pid}
    before = set(runner.pids())
    with pytest.raises(QueryTimeout):
        runner.run(Job(query=CROSS, form="SELECT", fmt="json"))
    for pid in before - set(runner.pids()):
        assert not os.path.exists(f"/proc/{pid}"), "the killed worker was not reaped"
    deadline = time.monotonic() + 10
    while len(runner.pids()) < runner.size + 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    fresh = set(runner.pids()) - before
    assert fresh and all(_ppid(p) == zygote_pid for p in fresh)
    # CPU of a forked worker so far: opening a snapshot, no interpreter start.
    assert all((_process_cpu(p) or 0) < 0.08 for p in fresh)
    assert count(runner) > 0


@pytest.mark.skipif(not zygote.AVAILABLE, reason="workers are forked only on Linux")
def test_workers_still_start_when_the_zygote_is_gone(runner: ProcessRunner) -> None:
    assert runner.zygote is not None
    runner.zygote.proc.kill()
    runner.zygote.proc.wait()
    with pytest.raises(QueryTimeout):
        runner.run(Job(query=CROSS, form="SELECT", fmt="json"))
    assert count(runner) > 0
    deadline = time.monotonic() + 10
    while len(runner.pids()) < runner.size + 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(runner.pids()) == runner.size + 1
    assert os.getpid() in {_ppid(p) for p in runner.pids()}   # started as subprocesses


def test_queries_past_the_concurrency_wait_in_a_short_queue() -> None:
    """One slot, a queue of one: the second query waits and runs when the slot frees, a
    third is refused at once, and one that waits longer than `wait` is refused then."""
    limiter = limits.ClientLimiter(concurrency=1, seconds_per_minute=600, queue=1, wait=1.5)
    outcome: dict[str, Any] = {}

    def second() -> None:
        start = time.monotonic()
        with limiter.slot("a"):
            outcome["second"] = time.monotonic() - start

    with limiter.slot("a"):
        waiter = threading.Thread(target=second)
        waiter.start()
        time.sleep(0.1)
        start = time.monotonic()
        with pytest.raises(TooManyRequests), limiter.slot("a"):
            pass
        assert time.monotonic() - start < 0.05           # the queue is full: no wait
        with limiter.slot("b"):                           # another client: not affected
            pass
        time.sleep(0.2)
    waiter.join(2)
    assert 0.25 <= outcome["second"] < 1.5

    with limiter.slot("a"):
        start = time.monotonic()
        with pytest.raises(TooManyRequests), limiter.slot("a"):
            pass
        assert 1.45 <= time.monotonic() - start < 3.0    # waited its `wait`, then refused
    assert not limiter.queued


def test_other_clients_queries_do_not_wake_a_clients_queue(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A query waiting for its client's slot wakes when that slot frees, not at the end of
    every query of the others: a runaway client's queue woken at each quick request of
    the others made their p99 5-10× (tests/sparql/test_hostile.py)."""
    wakeups: list[str] = []

    class Counted(threading.Condition):
        def wait(self, timeout: float | None = None) -> bool:
            woken = super().wait(timeout)
            if threading.current_thread().name == "queued":   # not the Events' own waits
                wakeups.append("queued")
            return woken

    monkeypatch.setattr(limits.threading, "Condition", Counted)
    limiter = limits.ClientLimiter(concurrency=1, seconds_per_minute=600, queue=1, wait=30)
    got = threading.Event()

    def queued() -> None:
        with limiter.slot("a"):
            got.set()

    release = threading.Event()

    def holder() -> None:
        with limiter.slot("a"):
            release.wait(10)

    first = threading.Thread(target=holder)
    first.start()
    while not limiter.running.get("a"):
        time.sleep(0.01)
    waiter = threading.Thread(target=queued, name="queued")
    waiter.start()
    while not limiter.queued.get("a"):
        time.sleep(0.01)
    for _ in range(50):                                  # another client's quick queries
        with limiter.slot("b"):
            pass
    time.sleep(0.1)
    assert wakeups == [] and not got.is_set()
    release.set()                                        # its own slot frees: its turn
    assert got.wait(5)
    first.join(5)
    waiter.join(5)
    assert wakeups == ["queued"] and not limiter.queued


def test_a_queued_query_reads_its_clients_marks_when_its_turn_comes() -> None:
    """A query that waited in its client's queue while the client's running query was
    stopped at the time limit is a runaway's too: it reads the marks when it gets its slot,
    not when it arrived."""
    from kg.settings import load
    from kg.sparql.service import SparqlService

    release = threading.Event()
    seen: list[bool] = []

    class Runner:
        def run(self, job: Job) -> bytes:
            seen.append(job.yields)
            if len(seen) == 1:
                release.wait(5)                    # the first holds the only slot
            return b"{}"

    settings = load({"client_concurrency": 1, "client_queue": 1, "query_timeout": 5})
    svc = SparqlService(None, settings, runner=Runner())  # type: ignore[arg-type]
    query = "SELECT * { ?s ?p ?o }"
    first = threading.Thread(target=svc.query, args=(query,), kwargs={"client": "a"})
    first.start()
    while not seen:
        time.sleep(0.01)
    second = threading.Thread(target=svc.query, args=(query,), kwargs={"client": "a"})
    second.start()
    while not svc.limiter.queued:
        time.sleep(0.01)                           # the second waits in the queue
    svc.limiter.mark("runaway", "a")               # as the runner does at the time limit
    release.set()
    first.join(5)
    second.join(5)
    assert seen == [False, True]


def test_a_runaway_query_does_not_start_while_the_server_is_busy(runner: ProcessRunner
                                                                 ) -> None:
    """While a request is being served (held open here: no gap a timer could take for
    quiet), a runaway client's query is refused at its limit without taking a worker, so
    none is killed for it; once the server is quiet, it runs."""
    busy, done = threading.Event(), threading.Event()

    def request() -> None:
        with runner.yielding.serving():
            busy.set()
            done.wait(10)

    serving = threading.Thread(target=request)
    serving.start()
    busy.wait(5)
    workers = set(runner.pids())
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match="otherwise idle"):
        runner.run(Job(query=COUNT + " # runaway", form="SELECT", fmt="json", yields=True))
    assert time.monotonic() - start >= runner.timeout
    assert set(runner.pids()) == workers
    done.set()
    serving.join(5)
    body = runner.run(Job(query=COUNT + " # runaway, quiet", form="SELECT", fmt="json",
                          yields=True))
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 0
