"""Runaway queries run only while the server is otherwise idle (kg.sparql.runner.Yielding):
checked on real busy processes, by their state in /proc."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from kg.sparql.runner import Yielding

QUIET = 0.05


def state(pid: int) -> str:
    """'T' when stopped, else R/S/…: the third field of /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def becomes(pid: int, stopped: bool, within: float = 2.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if (state(pid) == "T") == stopped:
            return True
        time.sleep(0.005)
    return False


@pytest.fixture
def busy() -> Iterator[int]:
    """A process that burns a core, as a runaway query does."""
    proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    yield proc.pid
    proc.kill()
    proc.wait()


@pytest.fixture
def yielding() -> Iterator[Yielding]:
    y = Yielding(quiet=QUIET)
    yield y
    y.close()


def in_thread(fn) -> None:
    """Run `fn` in a thread of its own (each request is served by one)."""
    t = threading.Thread(target=fn)
    t.start()
    t.join(10)


def test_runaway_work_stops_while_a_request_is_served_and_goes_on_once_quiet(
        busy: int, yielding: Yielding) -> None:
    yielding.runaway(busy)
    assert becomes(busy, stopped=False)          # nothing else served: it runs
    with yielding.serving():
        assert becomes(busy, stopped=True)
        time.sleep(3 * QUIET)
        assert state(busy) == "T"                # still, for as long as the request lasts
    left = time.monotonic()
    assert becomes(busy, stopped=False)
    assert time.monotonic() - left >= QUIET * 0.9   # and only once the server was quiet


def test_requests_close_together_keep_it_stopped(busy: int, yielding: Yielding) -> None:
    """A client asking again and again (gaps shorter than the quiet time) never lets a
    runaway query take a core beside it, not even between its requests."""
    def request() -> None:
        with yielding.serving():
            time.sleep(0.002)

    yielding.runaway(busy)
    in_thread(request)
    assert becomes(busy, stopped=True)
    seen = set()
    for _ in range(20):
        time.sleep(QUIET / 5)
        seen.add(state(busy))
        in_thread(request)
    assert seen == {"T"}
    assert becomes(busy, stopped=False)


def test_a_request_whose_own_query_is_a_runaway_does_not_hold_it(busy: int,
                                                               yielding: Yielding) -> None:
    def request() -> None:
        with yielding.serving():
            yielding.runaway(busy)            # its query is a runaway's
            assert becomes(busy, stopped=False, within=1.0)

    in_thread(request)
    assert state(busy) != "T"


def test_a_job_outside_any_request_counts_on_its_own(busy: int, yielding: Yielding) -> None:
    yielding.runaway(busy)
    owned = yielding.job_starts(12345, runaway=False)
    assert owned and becomes(busy, stopped=True)
    yielding.job_ends(12345, owned=owned)
    assert becomes(busy, stopped=False)


def test_a_worker_forgotten_or_closed_is_never_left_stopped(busy: int,
                                                            yielding: Yielding) -> None:
    yielding.runaway(busy)
    with yielding.serving():
        assert becomes(busy, stopped=True)
        yielding.forget(busy)                # its query ended, or it is about to be killed
        assert becomes(busy, stopped=False)
        yielding.runaway(busy)
        assert becomes(busy, stopped=True)
        yielding.close()
        assert becomes(busy, stopped=False)
