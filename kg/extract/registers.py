"""Structured registers (lists of documents) through the same engine as running text.

Each row is written out as one sentence of the register's own facts ("Quyết định số
1631/QĐ-UBND ngày 08/07/2022 của UBND tỉnh Bình Dương về …"), one paragraph a row, and
that text is extracted: the row's number, issuer and date become its document, and a
trích yếu such as "triển khai thực hiện Thông tư số 07/2022/TT-BTTTT" gives its link,
with the sentence as evidence. The rendering is what the store keeps as the source text.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from kg.extract.ids import parse
from kg.extract.tables import DOC_TYPES


class Row(Protocol):
    id: str | None
    type_label: str | None
    issuer: str | None
    date: str | None
    title: str | None


def row_sentence(row: Row) -> str | None:
    """One row as a sentence, or None when it has no number to identify it.

    >>> class R:
    ...     id, type_label, issuer, date = "1631/QĐ-UBND", None, "UBND tỉnh Bình Dương", None
    ...     title = "ban hành kế hoạch"
    >>> row_sentence(R())
    'Quyết định số 1631/QĐ-UBND của UBND tỉnh Bình Dương về ban hành kế hoạch.'
    """
    if not row.id:
        return None
    parsed = parse(row.id)
    label = row.type_label or (DOC_TYPES[parsed.type].vi if parsed and parsed.type else
                               "Công văn")
    parts = [f"{label} số {row.id}"]
    if row.date and len(row.date) == 10:
        y, m, d = row.date.split("-")
        parts.append(f"ngày {d}/{m}/{y}")
    if row.issuer:
        parts.append(f"của {row.issuer}")
    if row.title:
        parts.append(f"về {row.title.rstrip('. ')}")
    return " ".join(parts) + "."


def register_text(rows: Iterable[Row]) -> str:
    """The register as text: one paragraph a row, rows without a number left out."""
    return "\n\n".join(s for s in map(row_sentence, rows) if s)
