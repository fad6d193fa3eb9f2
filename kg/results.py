"""Rows of a SELECT as a text table, JSON, CSV or TSV (for the CLI)."""
from __future__ import annotations

import csv
import io
import json

from rdflib import Literal, URIRef
from rdflib.term import Node


def format_rows(rows: list[dict[str, Node]], fmt: str) -> str:
    names: list[str] = []
    for row in rows:
        for k in row:
            if k not in names:
                names.append(k)
    if fmt == "json":
        return json.dumps([{k: str(v) for k, v in r.items()} for r in rows],
                          ensure_ascii=False, indent=1) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        if fmt == "csv":
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(names)
            for r in rows:
                w.writerow([str(r[k]) if k in r else "" for k in names])
        else:
            buf.write("\t".join(f"?{n}" for n in names) + "\n")
            for r in rows:
                buf.write("\t".join(r[k].n3() if k in r else "" for k in names) + "\n")
        return buf.getvalue()
    table = [[_cell(r.get(k)) for k in names] for r in rows]
    widths = [max([len(n), *(len(t[i]) for t in table)]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(t, widths, strict=True)) for t in table]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines) + "\n"


def _cell(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return str(term)
    return str(term)
