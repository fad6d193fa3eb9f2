"""Extraction speed, reproducibly: `python -m kg.extract.perf [GAZETTE_DIR] [--files N]`.

Prints the throughput on the gazette texts (MB/s of UTF-8 input on one core, median of 3
runs), the time of a 1 MB adversarial input (best of 2) and of dense reference text.
`kg bench` measures the same throughput inside its harness; this is the quick loop for
working on the extractor. Speed bars are checked here and in `kg bench`, never in tests.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

GAZETTE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "vn-legal" / \
    "congbao-8chude" / "docs"


def adversarial(n: int, seed: int = 7) -> str:
    """Digit runs, slashes, dashes, "số", type words and half-formed numbers, `n` chars."""
    rnd = random.Random(seed)
    parts = ["1234567890" * 3, "/", "-", " - ", "số ", "Số: ", "Nghị quyết số ", "12/2019/",
             "QH14", "KH-", "/TU", "ngày ", "tháng ", "năm 2019", "Căn cứ ", "thực hiện ",
             "đồng chí ", "Nguyễn ", "\n", "ĐU", "01 nghị quyết, ", "UBND phường ", "1/",
             "2/2/", "3-", "//--//", "0" * 50, "1" * 2000, "-" * 500]
    out, size = [], 0
    while size < n:
        p = rnd.choice(parts)
        out.append(p)
        size += len(p)
    return "".join(out)[:n]


def dense(reps: int) -> str:
    """Reference after reference: "số 97/2019/QH14 ngày " repeated."""
    return "số 97/2019/QH14 ngày " * reps


def best_seconds(text: str, n: int = 2) -> float:
    """The fastest of `n` runs of `extract(text)`, in seconds (the least disturbed one)."""
    from kg.extract import extract
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        extract(text)
        best = min(best, time.perf_counter() - t0)
    return best


def gazette_texts(folder: Path, limit: int | None = None) -> list[tuple[str, str]]:
    from kg.read import read_path
    files = sorted(Path(folder).glob("*/*.txt"))
    if limit:
        files = files[::max(1, len(files) // limit)][:limit]
    return [(str(f), read_path(f).text or "") for f in files]


def throughput(texts: list[tuple[str, str]], repeats: int = 3) -> tuple[float, float]:
    """MB/s (UTF-8 bytes of the texts) over `texts`, median of `repeats` runs: by the wall
    clock (what `kg bench` reports) and by this process's CPU time (one core's work,
    whatever else the machine is running)."""
    from kg.extract import extract
    mb = sum(len(t.encode("utf-8")) for _, t in texts) / 1e6
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        for name, t in texts:
            extract(t, source=name)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return mb / statistics.median(wall), mb / statistics.median(cpu)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gazette", nargs="?", type=Path, default=GAZETTE)
    ap.add_argument("--files", type=int, default=None, help="use N texts spread evenly")
    args = ap.parse_args(argv)
    from kg.extract import extract
    from kg.extract.places import gazetteer
    gazetteer()  # loaded once a process: not a text's cost
    texts = gazette_texts(args.gazette, args.files)
    mb = sum(len(t.encode("utf-8")) for _, t in texts) / 1e6
    extract("Kế hoạch số 1/KH-UBND")     # compiles the shared scan once
    wall, cpu = throughput(texts)
    print(f"gazette: {len(texts)} texts, {mb:.1f} MB: {wall:.2f} MB/s wall, {cpu:.2f} MB/s CPU "
          f"(median of 3, bar >= 5; load average {os.getloadavg()[0]:.1f})")
    print(f"adversarial 1 MB: {best_seconds(adversarial(1_000_000)):.3f} s (bar < 1 s); "
          f"100 KB: {best_seconds(adversarial(100_000)):.3f} s")
    t1, t4 = best_seconds(dense(1000)), best_seconds(dense(4000))
    print(f"dense references: 1000 reps {t1:.3f} s, 4000 reps {t4:.3f} s "
          f"({len(dense(4000)) / t4 / 1e3:.0f} KB/s, 4x input costs {t4 / t1:.1f}x)")


if __name__ == "__main__":
    main()
