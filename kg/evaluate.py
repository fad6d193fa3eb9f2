"""Score extraction on a corpus folder with the project's scorer (`tools/score_extraction.py`).

`evaluate(corpus)` reads every text of `corpus` (front matter as metadata), extracts, and
runs the scorer found at `<corpus>/../tools/score_extraction.py` on the predictions and
`<corpus>/gold.jsonl`, returning its summary dict.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import tempfile
from pathlib import Path
from types import ModuleType

from kg.errors import InputError
from kg.extract import Catalogue, Context, extract

TEXT_SUFFIXES = (".txt",)


def _scorer(corpus: Path, path: Path | None = None) -> ModuleType:
    path = path or corpus.parent / "tools" / "score_extraction.py"
    if not path.is_file():
        raise InputError(f"no scorer at {path}")
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    if spec is None or spec.loader is None:
        raise InputError(f"cannot load scorer {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _read(path: Path) -> tuple[str, dict[str, str]]:
    """Text and metadata of one corpus file, through `kg.read` when it is there."""
    try:
        from kg.read import read_path
    except ImportError:  # the reader is another module's work; fall back to the header
        raw = path.read_text(encoding="utf-8-sig")
        return _strip_front_matter(raw)
    doc = read_path(path)
    meta = {k: str(v) for k in ("url", "title", "published", "kind")
            if (v := getattr(doc, k, None)) is not None}
    return doc.text or "", meta


def _strip_front_matter(raw: str) -> tuple[str, dict[str, str]]:
    lines = raw.split("\n")
    meta: dict[str, str] = {}
    for i, line in enumerate(lines[:20]):
        if line.strip() == "---" and i > 0:
            return "\n".join(lines[i + 1:]), meta
        k, sep, v = line.partition(":")
        if not sep:
            break
        meta[k.strip()] = v.strip()
    return raw, {}


def predict(corpus: Path, *, catalogue: Catalogue | None = None) -> list[dict]:
    """One scorer-form prediction per text of `corpus`."""
    out = []
    for path in sorted(Path(corpus).iterdir()):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        text, meta = _read(path)
        ctx = Context(source=meta.get("url", "") or meta.get("source", ""),
                      title=meta.get("title"))
        out.append(extract(text, source=path.name, catalogue=catalogue, context=ctx).to_json())
    return out


def evaluate(corpus: Path, *, catalogue: Catalogue | None = None,
             scorer: Path | None = None, per_file: list[str] | None = None) -> dict:
    """Extract every text of `corpus` and return the scorer's summary dict.

    `scorer`: the scoring script (default `<corpus>/../tools/score_extraction.py`);
    `per_file`: a list that receives the scorer's per-text lines (misses and extras)."""
    corpus = Path(corpus)
    gold = corpus / "gold.jsonl"
    if not gold.is_file():
        raise InputError(f"no gold.jsonl in {corpus}")
    mod = _scorer(corpus, scorer)
    preds = predict(corpus, catalogue=catalogue)
    with tempfile.TemporaryDirectory() as tmp:
        pred_path = Path(tmp) / "pred.jsonl"
        pred_path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds),
                             encoding="utf-8")
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            mod.main(["--gold", str(gold), "--pred", str(pred_path), "--json"]
                     + (["--per-file"] if per_file is not None else []))
    if per_file is not None:
        per_file.extend(ln for ln in buf.getvalue().splitlines() if not ln.startswith("{"))
    for line in buf.getvalue().splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise InputError("the scorer printed no summary")
