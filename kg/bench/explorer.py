"""The graph explorer in a real browser: layout time and smoothness at 2,000 nodes.

Debian's chromium, driven by Playwright, opens /explore of a `kg serve`, loads the whole
graph (?all=1&limit=2000, the most linked documents), and measures in the page with
performance.now(): the time from the click to the first frame drawn with the layout, then
the time to each layout (by level, by time, dagre tree) drawn, then the frames while the
graph is panned and zoomed for about two seconds — by a user's gestures (mouse drag, then
wheel: input events dispatched in the page, one a frame; cytoscape's viewport shortcuts
apply) and by the API (cy.viewport each frame, as the keyboard navigation does). Frames are
requestAnimationFrame callbacks: fps is their count over the time, the worst frame the
longest gap between two, up to half a second after the last event (the graph's full
redraw once a gesture ends counts). The bench's store serves when its whole graph has 2,000 nodes;
a smaller size (`kg bench --quick`) gets a generated store of its own.

`python -m kg.bench.explorer URL [--runs N]` prints the medians as JSON (for a server that
is already running).
"""
from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.bench import Config, Row
from kg.bench.machine import median

NODES = 2000                 # the "smooth at 2,000 nodes" (the page's ?all=1&limit=2000)
FPS_BAR = 30.0
LAYOUT_BAR_MS = 2000.0
DOCS_PER_NODE = 0.8          # generated documents per node of the whole graph, with room
LAYOUTS = ("level", "time", "dagre")
GESTURE_SECONDS = 2.0
SETTLE_MS = 500              # frames after the last gesture: the full redraw when it ends
VIEWPORT = {"width": 1280, "height": 900}
# How chromium runs here (the browser tests launch it so too): no sandbox for root, no GPU,
# no background connections (the closed network refuses them).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

# Resolves once the graph has been drawn after the next layout: its layoutstop, then the
# renderer's next frame ('render'), then one more animation frame (that frame is on screen).
_DRAWN = """
window.__bench = window.__bench || {};
window.__bench.drawnAfterLayout = function (cy, t0) {
  return new Promise(function (resolve) {
    cy.one("layoutstop", function () {
      var stop = performance.now();
      cy.one("render", function () {
        requestAnimationFrame(function () {
          resolve({ stop: stop - t0, drawn: performance.now() - t0 });
        });
      });
    });
  });
};
"""

_LOAD_ALL = """() => {
  var cy = window.__explorer.cy;
  var t0 = performance.now();
  var p = window.__bench.drawnAfterLayout(cy, t0);
  document.getElementById("ex-all").click();
  return p.then(function (r) {
    r.nodes = cy.nodes().length; r.edges = cy.edges().length;
    r.big = document.getElementById("cy").classList.contains("big");
    r.timings = window.__explorer.timings || null;
    return r;
  });
}"""

_LAYOUT = """(name) => {
  var cy = window.__explorer.cy;
  var radio = document.querySelector("input[name=layout][value=" + name + "]");
  var t0 = performance.now();
  var p = window.__bench.drawnAfterLayout(cy, t0);
  radio.checked = true;
  radio.dispatchEvent(new Event("change"));
  return p;
}"""

_FRAMES_START = """() => {
  var b = window.__bench, gen = (b.gen || 0) + 1, frames = [];
  b.gen = gen;                          // a loop left from the last recording stops itself
  b.frames = frames;
  b.recording = true;
  function tick(t) {
    if (!b.recording || b.gen !== gen) { return; }
    frames.push(t);
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
}"""

# fps over the frames up to `until` (the last gesture; all frames when not given), the worst
# frame over all of them (so the redraw once a gesture ends counts too).
_FRAMES_STOP = """(until) => {
  var b = window.__bench;
  b.recording = false;
  var f = b.frames, gaps = [], upto = f.filter(function (t) { return !until || t <= until; });
  for (var i = 1; i < f.length; i++) { gaps.push(f[i] - f[i - 1]); }
  var span = upto.length > 1 ? upto[upto.length - 1] - upto[0] : 0;
  return { frames: upto.length, ms: span, fps: span ? (upto.length - 1) * 1000 / span : 0,
           worst: gaps.length ? Math.max.apply(null, gaps) : 0 };
}"""

# The API way: a new viewport every animation frame, a slow zoom out and in while panning.
_API_PAN_ZOOM = """(seconds) => new Promise(function (resolve) {
  var cy = window.__explorer.cy;
  var z0 = cy.zoom(), p0 = Object.assign({}, cy.pan()), t0 = performance.now();
  function step(t) {
    var s = (t - t0) / 1000;
    if (s >= seconds) { cy.viewport({ zoom: z0, pan: p0 }); resolve(t); return; }
    var z = z0 * (1 + 0.8 * Math.sin(s * Math.PI));
    cy.viewport({ zoom: z,
                  pan: { x: p0.x + 250 * Math.sin(s * 3), y: p0.y + 150 * Math.cos(s * 3) } });
    requestAnimationFrame(step);
  }
  requestAnimationFrame(step);
})"""

# A user's gestures, one input event per animation frame, dispatched in the page (no round
# trip to the driver per event): a press on an empty point of the top canvas (so that the drag
# pans rather than moves a node), a drag in circles for half the time, then the wheel turned
# out and in. Cytoscape takes them as a user's: its viewport shortcuts apply. Resolves with
# how far the viewport moved, to check that the gestures did pan and zoom.
_GESTURES = """(seconds) => new Promise(function (resolve) {
  var cy = window.__explorer.cy, el = document.getElementById("cy");
  var box = el.getBoundingClientRect();
  var canvases = el.querySelectorAll("canvas"), top = canvases[canvases.length - 1];
  var pts = cy.nodes().map(function (n) { return n.renderedPosition(); });
  var best = null, bestD = -1;
  for (var fy = 0.2; fy <= 0.8; fy += 0.05) {
    for (var fx = 0.2; fx <= 0.8; fx += 0.05) {
      var x = box.width * fx, y = box.height * fy, d = Infinity;
      for (var i = 0; i < pts.length; i++) {
        var dx = pts[i].x - x, dy = pts[i].y - y;
        d = Math.min(d, dx * dx + dy * dy);
      }
      if (d > bestD) { bestD = d; best = { x: box.left + x, y: box.top + y }; }
    }
  }
  var z0 = cy.zoom(), p0 = Object.assign({}, cy.pan()), panned = 0, zoomed = 0;
  function mouse(type, x, y) {
    (type === "mousedown" ? top : window).dispatchEvent(new MouseEvent(type, {
      bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0,
      buttons: type === "mouseup" ? 0 : 1, view: window }));
  }
  mouse("mousedown", best.x, best.y);
  var t0 = performance.now(), frame = 0, pressed = true;
  function step(t) {
    var s = (t - t0) / 1000;
    if (s < seconds / 2) {
      mouse("mousemove", best.x + 120 * Math.sin(s * 6), best.y + 80 * (1 - Math.cos(s * 6)));
      var p = cy.pan();
      panned = Math.max(panned, Math.abs(p.x - p0.x) + Math.abs(p.y - p0.y));
    } else if (s < seconds) {
      if (pressed) { mouse("mouseup", best.x, best.y); pressed = false; }
      top.dispatchEvent(new WheelEvent("wheel", { bubbles: true, cancelable: true,
        clientX: best.x, clientY: best.y, deltaY: (Math.floor(frame / 10) % 2) ? -40 : 40,
        deltaMode: 0, view: window }));
      frame++;
      zoomed = Math.max(zoomed, Math.abs(Math.log(cy.zoom() / z0)));
    } else {
      resolve({ panned: panned, zoomed: zoomed, end: t });
      return;
    }
    requestAnimationFrame(step);
  }
  requestAnimationFrame(step);
})"""


def chromium_path() -> str | None:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).exists() else None


def _one_run(browser: Any, url: str, seconds: float) -> dict[str, Any]:
    ctx = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url.rstrip("/") + "/explore")
        page.evaluate(f"() => {{ {_DRAWN} }}")
        out: dict[str, Any] = {"load": page.evaluate(_LOAD_ALL)}
        for name in LAYOUTS:
            out[name] = page.evaluate(_LAYOUT, name)
            out[name]["used"] = page.evaluate("window.__explorer.layout || ''")
        page.evaluate(_LAYOUT, "level")          # the default layout for the viewport tests
        page.wait_for_timeout(300)
        page.evaluate(_FRAMES_START)
        page.wait_for_timeout(int(seconds * 500))
        out["idle"] = page.evaluate(_FRAMES_STOP)
        page.evaluate(_FRAMES_START)
        moved = page.evaluate(_GESTURES, seconds)
        page.wait_for_timeout(SETTLE_MS)
        out["gesture"] = page.evaluate(_FRAMES_STOP, moved["end"]) | moved
        page.wait_for_timeout(300)
        page.evaluate(_FRAMES_START)
        end = page.evaluate(_API_PAN_ZOOM, seconds)
        page.wait_for_timeout(SETTLE_MS)
        out["api"] = page.evaluate(_FRAMES_STOP, end)
        out["errors"] = errors
        return out
    finally:
        ctx.close()


def explorer(cfg: Config, work: Path, store_dir: Path, label: str,
             log: Callable[[str], None]) -> list[Row]:
    """The explorer's rows at 2,000 nodes: the bench's store when it holds that many in the
    whole-graph view, else a generated store of its own (say so in the note)."""
    from kg.bench.parts import Server, _na

    why = ("playwright is not installed" if importlib.util.find_spec("playwright") is None
           else "chromium is not installed (/usr/bin/chromium)" if chromium_path() is None
           else "")
    if why:
        return [_na("explorer", "pan & zoom, layouts at 2,000 nodes", why, label)]
    server = Server.kg_serve(store_dir)
    own: Path | None = None
    try:
        server.wait()
        where = f"the bench's {label}"
        if (have := _node_count(server.url)) < NODES:
            server.stop()
            docs = round(NODES / DOCS_PER_NODE)
            log(f"  explorer: {have:,} nodes at {label}; a store of {docs:,} documents")
            own = work / "explorer-store"
            _make_store(cfg, work, own, docs)
            where = f"own store of {docs:,} docs ({label} give {have:,} nodes)"
            server = Server.kg_serve(own)
            server.wait()
        try:
            res = measure(server.url, cfg.repeats, log=log)
        except Exception as e:           # playwright's own errors: a row, not a lost size
            if type(e).__module__.startswith("playwright"):
                raise RuntimeError(f"the browser failed: {e}"[:300]) from e
            raise
    finally:
        server.stop()
        if own is not None:
            shutil.rmtree(own, ignore_errors=True)
    return rows(res["median"], cfg.repeats, where)


def rows(m: dict[str, Any], runs: int, where: str) -> list[Row]:
    """Table rows from the medians of `measure`."""
    from kg.bench.parts import verdict

    size = f"{m['nodes']:,} nodes, {m['edges']:,} edges"
    at_bar = m["nodes"] >= NODES

    def judged(ok: bool) -> str:
        return verdict(ok) if at_bar else "info"

    common = (f"median of {runs}; {where}"
              + ("" if at_bar else f"; the bar is set at {NODES:,} nodes")
              + (f"; page errors: {'; '.join(m['errors'])[:200]}" if m["errors"] else ""))
    bar_fps = f"≥ {FPS_BAR:.0f} fps at {NODES:,} nodes"
    bar_ms = f"≤ {LAYOUT_BAR_MS / 1000:.0f} s at {NODES:,} nodes"
    out = [
        Row("explorer", "pan & zoom by mouse (drag, then wheel)", size, m["gesture_fps"], "fps",
            bar=bar_fps, verdict=judged(m["gesture_fps"] >= FPS_BAR),
            note=f"worst frame {m['gesture_worst_ms']:.0f} ms; {GESTURE_SECONDS:.0f} s of "
            f"one event a frame; idle page {m['idle_fps']:.0f} fps; Debian's chromium, "
            f"drawing without GPU; {common}",
            extra={k: v for k, v in m.items() if k != "errors"}),
        Row("explorer", "pan & zoom by the API (cy.viewport each frame)", size, m["api_fps"],
            "fps", bar=bar_fps, verdict=judged(m["api_fps"] >= FPS_BAR),
            note=f"worst frame {m['api_worst_ms']:.0f} ms; {common}"),
        Row("explorer", "whole graph: click → first layout drawn", size, m["load_ms"], "ms",
            bar=bar_ms, verdict=judged(m["load_ms"] <= LAYOUT_BAR_MS),
            note=f"of which fetch {m['fetch_ms']:.0f}, add {m['add_ms']:.0f}, layout "
            f"{m['layout_ms']:.0f} ms, the rest drawing; {common}"),
    ]
    used = {"tree": "our layered layout (dagre draws 500 nodes or fewer); ",
            "dagre": "dagre; "}.get(m["dagre_used"], "")
    for k, name in {"level": "by level", "time": "by time", "dagre": "tree"}.items():
        out.append(Row("explorer", f"layout {name} → drawn", size, m[f"{k}_ms"], "ms",
                       bar=bar_ms, verdict=judged(m[f"{k}_ms"] <= LAYOUT_BAR_MS),
                       note=(used if k == "dagre" else "") + common))
    return out


def _node_count(url: str) -> int:
    with urllib.request.urlopen(f"{url}/explore/data?all=1&limit={NODES}", timeout=300) as r:
        return len(json.load(r)["nodes"])


def _make_store(cfg: Config, work: Path, store: Path, docs: int) -> None:
    """`kg generate`, `kg import`, `kg catalog`: a store of `docs` generated documents."""
    from kg.generate import generate, write_nquads

    dump = work / "explorer.nq"
    with dump.open("wb") as f:
        write_nquads(generate(docs, cfg.seed), f, base_iri=cfg.base_iri)
    try:
        for args in (["import", str(dump)], ["catalog"]):
            subprocess.run([sys.executable, "-m", "kg.cli", "--store", str(store), *args],
                           check=True, capture_output=True, timeout=1800)
    finally:
        dump.unlink(missing_ok=True)


def measure(url: str, runs: int = 3, *, seconds: float = GESTURE_SECONDS,
            log: Callable[[str], None] = lambda s: None) -> dict[str, Any]:
    """`runs` fresh pages of `url`/explore; every run's numbers and their medians."""
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        raise RuntimeError("chromium is not installed (/usr/bin/chromium)")
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            for i in range(runs):
                r = _one_run(browser, url, seconds)
                log(f"  explorer run {i + 1}: {r['load']['nodes']} nodes, "
                    f"load {r['load']['drawn']:.0f} ms, " + ", ".join(
                        f"{k} {r[k]['drawn']:.0f} ms" for k in LAYOUTS) + ", " + ", ".join(
                        f"{k} {r[k]['fps']:.0f} fps / {r[k]['worst']:.0f} ms"
                        for k in ("idle", "gesture", "api")))
                results.append(r)
        finally:
            browser.close()
    med: dict[str, Any] = {
        "nodes": results[0]["load"]["nodes"], "edges": results[0]["load"]["edges"],
        "big": results[0]["load"]["big"],
        "load_ms": median([r["load"]["drawn"] for r in results]),
        "dagre_used": results[0]["dagre"]["used"],
        "errors": sorted({e for r in results for e in r["errors"]})}
    for k in ("fetch", "add", "layout"):
        med[f"{k}_ms"] = median([(r["load"]["timings"] or {}).get(k, float("nan"))
                                 for r in results])
    for k in LAYOUTS:
        med[f"{k}_ms"] = median([r[k]["drawn"] for r in results])
    for k in ("idle", "gesture", "api"):
        med[f"{k}_fps"] = median([r[k]["fps"] for r in results])
        med[f"{k}_worst_ms"] = median([r[k]["worst"] for r in results])
    return {"median": med, "runs": results}


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=GESTURE_SECONDS)
    a = ap.parse_args()
    res = measure(a.url, a.runs, seconds=a.seconds, log=lambda s: print(s, file=sys.stderr))
    print(json.dumps(res["median"], indent=1))
