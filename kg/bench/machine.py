"""The machine a benchmark ran on, timing statistics, and memory of process trees."""
from __future__ import annotations

import math
import os
import platform
import socket
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def machine() -> dict[str, object]:
    """CPU model, cores, memory, Python and engine versions: noted beside every result."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    import pyoxigraph
    import rdflib

    return {"cpu": model or platform.processor(), "nproc": os.cpu_count(),
            "memory_gb": round(mem / 2**30, 1), "python": platform.python_version(),
            "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__,
            "platform": platform.platform(), "host": socket.gethostname()}


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def percentile(xs: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `xs`."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def repeat(fn: Callable[[], object], n: int) -> list[float]:
    return [timed(fn) for _ in range(n)]


def _status(pid: int) -> dict[str, int]:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmHWM:", "VmRSS:")):
                out[line.split(":")[0]] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return out


def tree_pids(pid: int) -> list[int]:
    """`pid` and its descendants (from /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(p.name))
    out, todo = [], [pid]
    while todo:
        q = todo.pop()
        out.append(q)
        todo.extend(children.get(q, []))
    return out


def tree_rss(pid: int) -> tuple[int, int]:
    """(current RSS, sum of peak RSS) in bytes over `pid` and its descendants."""
    rss = hwm = 0
    for q in tree_pids(pid):
        s = _status(q)
        rss += s.get("VmRSS", 0)
        hwm += s.get("VmHWM", 0)
    return rss, hwm


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_ms(header: str | None) -> float | None:
    """The `app` duration in ms of a W3C Server-Timing header (`app;dur=12.3`), if any:
    what `kg serve` says it spent on a request, without the network or the client."""
    for metric in (header or "").split(","):
        name, *params = (p.strip() for p in metric.split(";"))
        if name == "app":
            for p in params:
                if p.startswith("dur="):
                    try:
                        return float(p[4:])
                    except ValueError:
                        return None
    return None
