"""The gazette texts' "Căn cứ" links against the official relations of tvpl-luoc-do.

thuvienphapluat.vn's "Lược đồ" lists, for each of its rows, the documents a document is
based on ("Văn bản được căn cứ"). Where a gazette text of congbao-8chude is the same
document as a tvpl row (same number and symbol), its extracted based_on links are compared
with that list. Both sides are matched by number and symbol: tvpl's `doc_info.so_hieu`,
each target's title text or, failing that, its address slug; the gazette text's own number
and the numbers it cites. Prints what overlaps and the agreement; asserts only a floor.
Run with `pytest -s tests/test_extract_tvpl.py` to see the report.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from kg.extract import extract
from kg.extract.ids import parse

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("KG_VN_LEGAL", ROOT / ".." / "shared" / "data" / "vn-legal"))
TVPL = DATA / "tvpl-luoc-do" / "links_2025-10-13_Result.json"
GAZETTE = DATA / "congbao-8chude" / "docs"
BASED_ON = "Văn bản được căn cứ"

# "...-Luat-To-chuc-Chinh-phu-2025-so-63-2025-QH15-639242.aspx" → 63, 2025, QH15
_SLUG = re.compile(r"(?<![A-Za-z0-9])(\d{1,5})-(?:((?:19|20)\d\d)-)?([A-Z][A-Za-z0-9]*(?:-[A-Z]"
                   r"[A-Za-z0-9]*)*)(?=-|\.aspx)")


def key(ident: str | None) -> str | None:
    """A comparison key: the canonical id, upper case, without leading zeros."""
    p = parse(ident) if ident else None
    return re.sub(r"^0+(?=\d)", "", p.id.upper()) if p else None


def target_key(t: dict) -> str | None:
    """The number and symbol of a tvpl target: from its title, else from its address."""
    k = key(t.get("text") or "")
    if k:
        return k
    slug = (t.get("href") or "").rsplit("/", 1)[-1]
    for m in _SLUG.finditer(slug):
        num, year, sym = m.groups()
        k = key(f"{num}/{year}/{sym}" if year else f"{num}/{sym}")
        if k:
            return k
    return None


def tvpl_rows() -> dict[str, dict[str, set[str]]]:
    """Row key → {relation label → target keys} for rows with a number."""
    rows = json.loads(TVPL.read_text(encoding="utf-8"))
    out: dict[str, dict[str, set[str]]] = {}
    for r in rows:
        k = key(((r.get("doc_info") or {}).get("so_hieu")) or "")
        if not k:
            continue
        rels = ((r.get("tab4") or {}).get("relations")) or {}
        out[k] = {label: {tk for t in targets if (tk := target_key(t))}
                  for label, targets in rels.items()}
    return out


def gazette() -> dict[str, dict]:
    """Gazette text name → its own key, its based_on target keys, every key it cites."""
    from kg.read import read_path
    out = {}
    for path in sorted(GAZETTE.glob("*/*.txt")):
        x = extract(read_path(path).text or "", source=str(path))
        own = next((d for d in x.documents if d.self and d.id), None)
        cited = {k for d in x.documents if (k := key(d.id))}
        based = {key(x.document(r.target).id) for r in x.relations
                 if r.rel == "based_on" and own is not None and r.source == own.key
                 and x.document(r.target) is not None and x.document(r.target).id}
        name = str(path.relative_to(GAZETTE))
        out[name] = {"own": key(own.id) if own else None, "based_on": based - {None},
                     "cited": cited}
    return out


def index_numbers() -> set[str]:
    """The gazette's own index of its texts (so_hieu "Nghị định số 200/2026/NĐ-CP")."""
    path = GAZETTE.parent / "index.json"
    rows = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    out = set()
    for r in rows:     # a number, or a slug "thong-tu-so-22-2026-tt-bnnmt-469587"
        for field in (r.get("so_hieu") or "", r.get("slug") or ""):
            m = _INDEX_SLUG.search(field)
            k = key(field) or (m and key(f"{m[1]}/{m[2]}/{m[3].upper()}" if m[2]
                                         else f"{m[1]}/{m[3].upper()}"))
            if k:
                out.add(k)
                break
    return out


_INDEX_SLUG = re.compile(r"-so-(\d{1,5})-(?:((?:19|20)\d\d)-)?([a-z][a-z0-9-]*?)-\d+$")


@pytest.mark.skipif(not TVPL.is_file() or not GAZETTE.is_dir(), reason="no vn-legal data")
def test_tvpl_agreement_on_based_on():
    rows = tvpl_rows()
    texts = gazette()
    own = {g["own"]: name for name, g in texts.items() if g["own"]}
    all_targets = {t for labels in rows.values() for ts in labels.values() for t in ts}
    based_targets = {t for labels in rows.values() for t in labels.get(BASED_ON, ())}
    cited = set().union(*(g["cited"] for g in texts.values()))
    same = sorted(set(rows) & set(own))
    listed = index_numbers()
    print(f"gazette index numbers: {len(listed)}; tvpl rows among them: "
          f"{sorted(set(rows) & listed)}")
    print(f"\ntvpl rows with a number: {len(rows)}; targets parsed: {len(all_targets)} "
          f"({len(based_targets)} under '{BASED_ON}')")
    print(f"gazette texts: {len(texts)}, with their own number: {len(own)}; "
          f"numbers they cite: {len(cited)}")
    print(f"same document on both sides (tvpl row = gazette text): {same}")
    print(f"tvpl targets that are gazette texts: {sorted(all_targets & set(own))}")
    print(f"tvpl 'căn cứ' targets also cited by gazette texts: {len(based_targets & cited)} "
          f"{sorted(based_targets & cited)[:20]}")
    tp = fp = fn = 0
    for k in same:
        gold, got = rows[k].get(BASED_ON, set()), texts[own[k]]["based_on"]
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
        print(f"  {k}: tvpl {sorted(gold)} extracted {sorted(got)}")
    if same:
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        print(f"based_on agreement on {len(same)} documents: P {p:.3f} R {r:.3f}")
        assert r >= 0.5, (tp, fp, fn)
    else:
        print("no document is on both sides: no agreement can be computed")
    # the matching itself must work: tvpl's targets parse, and the gazette texts cite
    # documents that tvpl's rows are based on (the laws everybody cites)
    assert len(based_targets) >= 100
    assert len(based_targets & cited) >= 10
