"""Recognition and resolution: text in, plain dataclasses with character spans out.

    >>> from kg.extract import extract
    >>> x = extract("Kế hoạch số 171-KH/TU về việc thực hiện Nghị quyết số 97/2019/QH14.")
    >>> [(r.source, r.rel, r.target) for r in x.relations]
    [('171-KH/TU', 'implements', '97/2019/QH14')]
"""
from __future__ import annotations

from kg.extract.catalogue import Catalogue
from kg.extract.engine import Context, extract
from kg.extract.model import (
    Body,
    Correction,
    DocumentRef,
    Event,
    Extraction,
    Person,
    Relation,
)

__all__ = ["Body", "Catalogue", "Context", "Correction", "DocumentRef", "Event", "Extraction",
           "Person", "Relation", "extract", "extract_source"]


def extract_source(source: object, *, catalogue: Catalogue | None = None) -> Extraction:
    """Extract a read source (`kg.read.SourceDoc`): its text, or its register rows.

    A register's rows are first written out as text (`registers.register_text`), which
    becomes the source's text, so that evidence offsets point into what the store keeps.
    """
    from kg.extract.registers import register_text

    rows = getattr(source, "rows", None)
    if rows is not None:
        source.text = register_text(rows)  # type: ignore[attr-defined]
    return extract(source.text, source=source.locator,  # type: ignore[attr-defined]
                   catalogue=catalogue)
