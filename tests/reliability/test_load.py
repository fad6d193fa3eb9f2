"""64 concurrent clients mixing pages, JSON and SPARQL against waitress: zero errors.

Quick by default (KG_LOAD_SECONDS, 8 s); `KG_FULL=1` runs the issue's full 60 s.
Latencies are reported (printed and written to test-artifacts/load.json), not asserted.
"""
from __future__ import annotations

import json
import os
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from tests.reliability.conftest import artifacts

CLIENTS = 64
SECONDS = 60.0 if os.environ.get("KG_FULL") else float(os.environ.get("KG_LOAD_SECONDS", "8"))
QUERY = ("PREFIX eli: <http://data.europa.eu/eli/ontology#> "
         "SELECT ?d ?id WHERE { ?d eli:id_local ?id } ORDER BY ?id LIMIT 50")


def _mix(base: str) -> list[tuple[str, dict[str, str]]]:
    sparql = base + "/sparql?" + urllib.parse.urlencode({"query": QUERY})
    return [
        (base + "/", {"Accept": "text/html"}),
        (base + "/index.json", {}),
        (base + "/search?q=97%2F2019%2FQH14", {"Accept": "text/html"}),
        (base + "/search.json?q=chinh+quyen+do+thi", {}),
        (base + "/api/stats", {}),
        (sparql, {"Accept": "application/sparql-results+json"}),
        (sparql, {"Accept": "text/csv"}),
    ]


def test_64_clients_mixing_pages_json_and_sparql(live_server: str) -> None:
    mix = _mix(live_server)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS

    def client(n: int) -> None:
        i = n
        while time.monotonic() < stop_at:
            url, headers = mix[i % len(mix)]
            i += 1
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                            timeout=30) as resp:
                    resp.read()
                    ok = resp.status == 200
            except (urllib.error.URLError, OSError) as e:
                ok, why = False, f"{url}: {e}"
            else:
                why = f"{url}: status {resp.status}"
            with lock:
                latencies.append(time.perf_counter() - start)
                if not ok:
                    errors.append(why)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SECONDS + 60)
    q = statistics.quantiles(latencies, n=100)
    report = {"clients": CLIENTS, "seconds": SECONDS, "requests": len(latencies),
              "errors": len(errors), "median_ms": round(statistics.median(latencies) * 1000, 1),
              "p99_ms": round(q[98] * 1000, 1), "throughput_rps": round(len(latencies) / SECONDS)}
    (artifacts() / "load.json").write_text(json.dumps(report, indent=1))
    print("load:", report)
    assert errors == [], errors[:5]
    assert len(latencies) >= CLIENTS
