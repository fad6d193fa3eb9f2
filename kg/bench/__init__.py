"""`kg bench`: speed and memory at real scale, beside in-run baselines.

Each part measures one thing several times and keeps the median; ratios to a baseline run
in the same process on the same machine are the headline, absolute numbers come second.
A part whose dependency is missing (a module not written yet, Virtuoso not installed)
gives a row that says "not available" and why, and the run goes on.
"""
from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kg.bench.machine import machine


@dataclass
class Row:
    """One line of the table: a measure, its value, the baseline, the ratio and the bar."""

    part: str
    measure: str
    size: str = ""
    value: float | None = None
    unit: str = ""
    baseline: float | None = None
    baseline_name: str = ""
    ratio: float | None = None
    bar: str = ""
    verdict: str = ""            # meets, misses, info, not available
    note: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Config:
    quick: bool = False
    sizes: list[int] = field(default_factory=lambda: [10_000, 100_000, 1_000_000])
    seed: int = 1
    repeats: int = 3
    mix_seconds: float = 30.0
    concurrency: tuple[int, ...] = (1, 8, 32)
    gazette: Path = Path("../shared/data/vn-legal/congbao-8chude/docs")
    extract_files: int | None = None
    ingest_gazette_files: int | None = None
    ingest_docs: int = 100_000
    page_repeats: int = 20
    cold_starts: int = 3
    base_iri: str = "https://w3id.org/vnkg/id/"
    work: Path | None = None
    virtuoso: bool = True
    rdflib_sparql: bool = True
    rdflib_sparql_max_quads: int = 3_000_000
    analytics_budget: float = 600.0

    @classmethod
    def quick_config(cls, **kw: object) -> Config:
        c = cls(quick=True, sizes=[1_000], repeats=3, mix_seconds=4.0, extract_files=40,
                ingest_gazette_files=20, ingest_docs=150, page_repeats=5, cold_starts=2,
                analytics_budget=30.0)
        for k, v in kw.items():
            setattr(c, k, v)
        return c


@dataclass
class Report:
    machine: dict
    config: dict
    started: str
    seconds: float = 0.0
    rows: list[Row] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"machine": self.machine, "config": self.config, "started": self.started,
                "seconds": round(self.seconds, 1), "rows": [asdict(r) for r in self.rows]}


def run(cfg: Config, *, log: Callable[[str], None] = print) -> Report:
    """Run every part; return the report (rows in table order)."""
    from kg.bench import parts

    t0 = time.perf_counter()
    report = Report(machine(), {k: str(v) if isinstance(v, Path) else v
                                for k, v in asdict(cfg).items()},
                    datetime.now(UTC).isoformat(timespec="seconds"))
    work = Path(tempfile.mkdtemp(prefix="kg-bench-", dir=cfg.work))
    try:
        for part in (parts.extraction, parts.ingest):
            report.rows += parts.guarded(part, cfg, work, log)
        for size in cfg.sizes:
            report.rows += parts.guarded(parts.at_size, cfg, work, log, size=size)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report.seconds = time.perf_counter() - t0
    return report


def fmt_num(x: float | None) -> str:
    if x is None:
        return "—"
    if x >= 1000:
        return f"{x:,.0f}"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def table(report: Report) -> str:
    """The report as a Markdown table (what `kg bench` prints and docs/benchmarks.md holds)."""
    m = report.machine
    head = (f"Machine: {m['cpu']}, {m['nproc']} cores, {m['memory_gb']} GB; Python "
            f"{m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}. "
            f"Run {report.started}, {report.seconds:.0f} s.\n\n")
    lines = ["| part | measure | size | value | baseline | ratio | bar | result |",
             "|---|---|---|---|---|---|---|---|"]
    for r in report.rows:
        value = f"{fmt_num(r.value)} {r.unit}".strip() if r.value is not None else "—"
        base = f"{fmt_num(r.baseline)} ({r.baseline_name})" if r.baseline is not None else \
            (r.baseline_name or "—")
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "—"
        result = r.verdict + (f": {r.note}" if r.note else "")
        lines.append(f"| {r.part} | {r.measure} | {r.size} | {value} | {base} | {ratio} | "
                     f"{r.bar or '—'} | {result.replace('|', '/')} |")
    return head + "\n".join(lines) + "\n"


def save(report: Report, path: Path | None = None) -> Path:
    """Write the JSON under bench-results/ (git-ignored) unless a path is given."""
    if path is None:
        stamp = report.started.replace(":", "").replace("-", "")[:15]
        path = Path("bench-results") / f"bench-{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2),
                    encoding="utf-8")
    return path
