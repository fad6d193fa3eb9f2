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
           "Person", "Relation", "extract"]
