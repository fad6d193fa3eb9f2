"""Hostile queries against a live server: each refused or stopped within the limit + 1 s,
no request leaves for SERVICE or LOAD, the server stays up, and a benign client beside
them (another loopback address, so another client to the limits) still gets answers."""
from __future__ import annotations

import http.client
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT
from tests.sparql.live import Server

LIMIT = 2.0
CROSS = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
REGEX = ('SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . '
         'FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?i)), "^(a+)+$")) }')
BENIGN = 'SELECT ?l { ?d <http://data.europa.eu/eli/ontology#id_local> "97/2019/QH14" ; ' \
         '<http://www.w3.org/2000/01/rdf-schema#label> ?l }'


class Recorder:
    """A listening socket on loopback that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    r = Recorder()
    yield r
    r.close()


def ask(server: Server, query: str, *, source: str = "127.0.0.1", method: str = "POST",
        timeout: float = 30) -> tuple[int, bytes, dict[str, str]]:
    """Send `query`; return status, body and headers. `source` picks the client address."""
    host = urllib.parse.urlsplit(server.url)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=timeout,
                                      source_address=(source, 0))
    if method == "GET":
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
    else:
        conn.request("POST", "/sparql", body=query.encode(),
                     headers={"Content-Type": "application/sparql-query"})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body, {k.lower(): v for k, v in resp.getheaders()}


@pytest.fixture
def hostile_server(live_factory) -> Server:
    # Three workers, two queries at once per client: one client cannot take them all.
    server = live_factory(query_timeout=LIMIT, query_workers=3, client_concurrency=2)
    from kg.store.base import Store

    store: Store = server.store
    _add_bulk(store)
    return server


def _descendants_cpu() -> dict[int, int]:
    """utime+stime (ticks) of this process's descendants (query workers are children of
    the runner's zygote), by pid."""
    parents, ticks = {}, {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(pid)] = int(fields[1])
        ticks[int(pid)] = int(fields[11]) + int(fields[12])
    ours = {os.getpid()}
    grew = True
    while grew:
        found = {p for p, parent in parents.items() if parent in ours} - ours
        grew = bool(found)
        ours |= found
    ours.discard(os.getpid())
    return {p: ticks[p] for p in ours}


HOSTILE = {
    "cross product": CROSS,
    "catastrophic regex": REGEX,
    "deep nesting": "SELECT * { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "LOAD": "LOAD <http://127.0.0.1:{port}/data.ttl>",
    "INSERT": "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
    "DELETE WHERE": "DELETE WHERE { ?s ?p ?o }",
    "SERVICE": "SELECT * { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "service lower case": "select * { service silent <http://localhost:{port}/> { ?s ?p ?o } }",
    "SERVICE by prefix":
        "PREFIX e: <http://127.0.0.1:{port}/> SELECT * { SERVICE e:q { ?s ?p ?o } }",
    "SERVICE by base": "BASE <http://127.0.0.1:{port}/> SELECT * { SERVICE <q> { ?s ?p ?o } }",
    "SERVICE variable":
        "SELECT * { BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SERVICE escaped": "SELECT * { \\u0053ERVICE <http://[::1]:{port}/> { ?s ?p ?o } }",
    "SERVICE after string escape":
        'SELECT * { ?s ?p "\\u0022" SERVICE <http://127.0.0.1:{port}/> {} "x" }',
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_query_is_refused_or_stopped_in_time(hostile_server: Server, recorder: Recorder,
                                                     name: str) -> None:
    query = HOSTILE[name].replace("{port}", str(recorder.port))
    start = time.monotonic()
    status, body, _ = ask(hostile_server, query)
    took = time.monotonic() - start
    assert took <= LIMIT + 1, f"{name}: answered after {took:.1f} s"
    assert status in (400, 403, 413, 503), (status, body)
    assert json.loads(body)["error"]
    assert recorder.connections == 0
    # The server is still up, and answers.
    status, body, _ = ask(hostile_server, BENIGN)
    assert status == 200 and b"97/2019/QH14" in body


def test_stopped_query_gives_its_cpu_back(hostile_server: Server) -> None:
    before = set(hostile_server.service.runner.pids())
    status, _, _ = ask(hostile_server, CROSS)
    assert status == 503
    time.sleep(1.0)
    after = set(hostile_server.service.runner.pids())
    killed = before - after
    assert len(killed) == 1
    for pid in killed:
        assert not os.path.exists(f"/proc/{pid}"), "the stopped worker still exists"
    # No process of ours keeps burning CPU once the answer is given (respawned workers idle).
    runner = hostile_server.service.runner
    deadline = time.monotonic() + 10
    while len(runner.pids()) < runner.size + 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    first = _descendants_cpu()
    time.sleep(1.0)
    second = _descendants_cpu()
    busy = sum(second[p] - first.get(p, 0) for p in second)
    assert busy < 20, f"children used {busy} ticks in an idle second"


def test_benign_client_is_served_beside_hostile_ones(hostile_server: Server) -> None:
    results: list[tuple[int, float]] = []
    stop = threading.Event()

    def attacker() -> None:
        while not stop.is_set():
            ask(hostile_server, CROSS)

    attackers = [threading.Thread(target=attacker, daemon=True) for _ in range(4)]
    for t in attackers:
        t.start()
    time.sleep(0.3)
    for _ in range(8):
        start = time.monotonic()
        status, body, _ = ask(hostile_server, BENIGN, source="127.0.0.2")
        results.append((status, time.monotonic() - start))
        time.sleep(0.2)
    stop.set()
    for t in attackers:
        t.join(LIMIT + 5)
    assert [s for s, _ in results] == [200] * 8
    assert max(t for _, t in results) <= LIMIT + 1


def test_too_many_queries_at_once_wait_their_turn_then_get_429(hostile_server: Server
                                                                ) -> None:
    """Six runaway queries at once from one client with two slots and a queue of two: two
    run, two wait and run when those are stopped, two are refused at once (429)."""
    answers: list[tuple[int, float, dict[str, str]]] = []

    def one() -> None:
        start = time.monotonic()
        status, _, headers = ask(hostile_server, CROSS)
        answers.append((status, time.monotonic() - start, headers))

    threads = [threading.Thread(target=one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(3 * LIMIT + 10)
    assert sorted(s for s, _, _ in answers) == [429, 429, 503, 503, 503, 503], answers
    assert all(took < 1 and int(h["retry-after"]) >= 1
               for s, took, h in answers if s == 429)
    stopped = sorted(took for s, took, _ in answers if s == 503)
    assert stopped[-1] >= 2 * LIMIT, stopped          # the queued two ran after the first


def test_a_query_queued_behind_runaway_ones_runs_on_an_idle_server(hostile_server: Server
                                                                    ) -> None:
    """The same three cross products with nobody else asking: the third, whose request
    came in before its client was marked, must not hold the server busy for itself: it
    runs (and is stopped at the limit) instead of waiting for a quiet that never comes."""
    answers: list[bytes] = []

    def one() -> None:
        answers.append(ask(hostile_server, CROSS, source="127.0.0.5")[1])

    first = [threading.Thread(target=one) for _ in range(2)]
    for t in first:
        t.start()
    time.sleep(0.3)
    one()
    for t in first:
        t.join(LIMIT + 5)
    assert len(answers) == 3 and all(b"stopped after" in a for a in answers), answers


def test_query_seconds_per_minute_are_limited(live_factory) -> None:
    server = live_factory(query_timeout=1.0, client_seconds_per_minute=1.5)
    statuses = [ask(server, CROSS)[0] for _ in range(3)]
    assert statuses[:2] == [503, 503]
    status, body, headers = ask(server, BENIGN)
    assert status == 429 and int(headers["retry-after"]) > 1
    assert b"KG_CLIENT_SECONDS_PER_MINUTE" in body
    # Another client is not affected.
    assert ask(server, BENIGN, source="127.0.0.3")[0] == 200


def test_ten_megabyte_query_is_refused(live: Server) -> None:
    big = "SELECT * { ?s ?p ?o } # " + "x" * 10_000_000
    start = time.monotonic()
    status, _, _ = ask(live, big)
    assert status == 413
    assert time.monotonic() - start <= LIMIT + 1
    assert ask(live, BENIGN)[0] == 200


def test_query_over_the_length_setting_is_refused(live_factory) -> None:
    server = live_factory(max_query_length=200)
    status, body, _ = ask(server, BENIGN + " " * 300, method="GET")
    assert status == 413 and b"KG_MAX_QUERY_LENGTH" in body


def test_rows_past_the_cap_are_an_error_not_a_truncation(live_factory) -> None:
    server = live_factory(max_rows=5)
    status, body, _ = ask(server, "SELECT * { GRAPH ?g { ?s ?p ?o } }")
    assert status == 413 and b"KG_MAX_ROWS" in body
    status, body, _ = ask(server, "SELECT * { GRAPH ?g { ?s ?p ?o } } LIMIT 5")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 5


def test_allowed_service_is_called(live_factory, recorder: Recorder) -> None:
    """The allow-list really allows: the engine calls a listed endpoint (and only it)."""
    endpoint = f"http://127.0.0.1:{recorder.port}/sparql"
    server = live_factory(service_allow=(endpoint,))
    status, _, _ = ask(server, f"SELECT * {{ SERVICE SILENT <{endpoint}> {{ ?s ?p ?o }} }}")
    assert status == 200
    assert recorder.connections >= 1
    status, _, _ = ask(server, f"SELECT * {{ SERVICE <{endpoint}x> {{ ?s ?p ?o }} }}")
    assert status == 403


def _benign_latencies(server: Server, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        status, _, _ = ask(server, BENIGN, source="127.0.0.2")
        assert status == 200
        out.append(time.perf_counter() - start)
    return out


def _pct(values: list[float], p: float) -> float:
    return sorted(values)[max(0, int(len(values) * p) - 1)]


def _p99(values: list[float]) -> float:
    return _pct(values, 0.99)


# Turns of alone-then-beside, and requests in each: the p99 of 500 is the 5th slowest,
# not thrown by one hiccup of the virtual machine (200 made it the 2nd).
ROUNDS = 7
SAMPLES = 500

# Hostile clients in a process of their own (their HTTP work must not share the test's
# interpreter with the benign client and the server): each thread sends its query again
# as soon as it is answered (after a 429, 50 ms later) until stdin closes.
ATTACKERS = r"""
import http.client, sys, threading, time
port, queries = int(sys.argv[1]), sys.argv[2:]
stop = threading.Event()
def attack(query):
    while not stop.is_set():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/sparql", body=query.encode(),
                     headers={"Content-Type": "application/sparql-query"})
        status = conn.getresponse().status
        conn.close()
        if status == 429:
            time.sleep(0.05)
threads = [threading.Thread(target=attack, args=(q,)) for q in queries]
for t in threads:
    t.start()
sys.stdin.read()
stop.set()
for t in threads:
    t.join()
"""


# Issue #10's goal for the ratio of the benign p99 beside hostile queries to alone, and
# the guard asserted. Measured here (median of the turns, 500 requests each): with runaway
# queries only demoted to SCHED_IDLE, p99 5.1-6.8× and p90 2.2-2.3×; since the queries of
# a client that ran into the limit also stand still while others are served
# (kg.sparql.runner.Yielding), p99 1.9-5.0× (quiet hours 1.9-2.9) and p90 1.3-1.4×; since
# a client's queries past its concurrency wait in a short queue instead of being refused
# and resent every 50 ms, and a runaway client's queries start only when the server is
# quiet, p99 1.5-3.8× over 19 runs (at or under 2 in 11) and p90 1.0-1.12× (the first
# turn, a fresh attacker's first query running until the limit, 4-16×); since a client's
# queue wakes only when its own slot frees (kg.sparql.limits: it woke at each end of the
# benign client's queries, and the server's main loop waited for the GIL), p99 1.2-1.6×
# over 7 runs on a quiet machine (3.6-5.9× before), the first turn 2.9-8.9×. Both the goal
# (median of the turns) and the p90 guard are asserted; the ratios are printed and kept in
# test-artifacts/hostile.json.
GOAL_RATIO = 2.0
GUARD_P90_RATIO = 1.8


def test_benign_p99_beside_hostile_queries_stays_near_its_p99_alone(live_factory) -> None:
    """Issue #10: a benign client's p99 beside hostile queries (cross products and a
    catastrophic REGEX, fired without pause by another client, each stopped at the limit,
    its worker killed and replaced) against its p99 alone.

    The machine is shared and noisy, so alone and beside are measured in turns, ROUNDS
    times; the median of the turns' ratios is held to the 2× goal (and written to
    test-artifacts/hostile.json), that of their p90s to GUARD_P90_RATIO; every turn's p99
    beside must stay far below the time limit (an eighth of it)."""
    limit = 1.0
    server = live_factory(query_timeout=limit, query_workers=3, client_concurrency=2)
    _add_bulk(server.store)
    port = urllib.parse.urlsplit(server.url).port
    _benign_latencies(server, 20)  # warm
    ratios, p90_ratios = [], []
    all_alone: list[float] = []
    all_beside: list[float] = []
    for _ in range(ROUNDS):
        alone = _benign_latencies(server, SAMPLES)
        attackers = subprocess.Popen([sys.executable, "-c", ATTACKERS, str(port),
                                      CROSS, REGEX, CROSS, REGEX], stdin=subprocess.PIPE)
        try:
            time.sleep(0.3)
            beside = _benign_latencies(server, SAMPLES)
        finally:
            assert attackers.stdin is not None
            attackers.stdin.close()
            attackers.wait(limit + 10)  # its last queries stopped: the next turn is alone
        ratios.append(_p99(beside) / _p99(alone))
        p90_ratios.append(_pct(beside, 0.9) / _pct(alone, 0.9))
        all_alone += alone
        all_beside += beside
        print(f"benign p99 alone {_p99(alone) * 1000:.1f} ms, beside hostile "
              f"{_p99(beside) * 1000:.1f} ms")
        assert _p99(beside) <= limit / 8
    pooled = _p99(all_beside) / _p99(all_alone)
    median = statistics.median(ratios)
    report = {"turns": ROUNDS, "ratios": [round(r, 2) for r in ratios],
              "median_ratio": round(median, 2), "pooled_ratio": round(pooled, 2),
              "p99_alone_ms": round(_p99(all_alone) * 1000, 1),
              "p99_beside_ms": round(_p99(all_beside) * 1000, 1),
              "goal": GOAL_RATIO, "goal_met": median <= GOAL_RATIO,
              "p90_ratios": [round(r, 2) for r in p90_ratios],
              "p90_median_ratio": round(statistics.median(p90_ratios), 2),
              "p90_guard": GUARD_P90_RATIO}
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "hostile.json").write_text(json.dumps(report, indent=1))
    print("benign beside hostile:", report)
    assert statistics.median(p90_ratios) <= GUARD_P90_RATIO, report
    assert median <= GOAL_RATIO, report


def _add_bulk(store) -> None:
    """Enough triples that the cross products run for minutes."""
    nt = "".join(f"<http://x/s{i}> <http://x/p{i % 7}> \"aaaaaaaaaaaaaaaaaaaa{i}\" .\n"
                 for i in range(400))
    from rdflib import URIRef

    store.load(io.BytesIO(nt.encode()), "nt", URIRef("http://x/bulk"))


# ~0.6 s of engine time on the hostile servers' data (a 2-way join with a filter); the
# count depends on the bound: a second spelling is not the answer the cache just kept.
MEDIUM = ("SELECT (COUNT(*) AS ?n) {{ ?a ?b ?c . ?d ?e ?f "
          "FILTER(STRLEN(CONCAT(STR(?c), STR(?f))) > {}) }}")


def test_long_queries_progress_under_load_unless_their_client_ran_into_the_limit(
        live_factory) -> None:
    """Under a benign client's steady stream, a long query of an ordinary client still
    finishes (demoted, never stopped); the same kind of query of a client whose query was
    stopped at the time limit lately gets only the idle time, and is refused at the limit
    (that it does not even start while the server is busy: tests/sparql/test_runner.py)."""
    server = live_factory(query_timeout=4.0, query_workers=3, client_concurrency=2)
    _add_bulk(server.store)
    stop = threading.Event()
    served = [0]

    def benign(source: str) -> None:
        while not stop.is_set():
            assert ask(server, BENIGN, source=source)[0] == 200
            served[0] += 1

    assert ask(server, CROSS, source="127.0.0.3")[0] == 503     # 127.0.0.3 ran into it
    runner = server.service.runner
    deadline = time.monotonic() + 10
    while len(runner.pids()) < runner.size + 1 and time.monotonic() < deadline:
        time.sleep(0.05)                                          # its worker replaced
    # two benign clients: the server is never quiet for 50 ms between their requests
    streams = [threading.Thread(target=benign, args=(a,), daemon=True)
               for a in ("127.0.0.2", "127.0.0.6")]
    for stream in streams:
        stream.start()
    try:
        time.sleep(0.2)
        status, body, _ = ask(server, MEDIUM.format(3))           # an ordinary client
        assert status == 200, body
        assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 100_000
        status, body, _ = ask(server, MEDIUM.format(4), source="127.0.0.3")
        assert status == 503, body                                # the runaway client
    finally:
        stop.set()
        for stream in streams:
            stream.join(10)
    assert served[0] > 100
