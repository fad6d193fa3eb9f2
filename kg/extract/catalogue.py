"""An in-memory index of known documents, to link a document named without its number.

"Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015" gets its number
(77/2015/QH13) only if the catalogue knows a law of that title and date: never invented.
The store fills a catalogue from ingested data; `Catalogue.load(path)` reads JSON Lines
(`{"id", "type", "title", "date", "issuer"}` a line).
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.errors import InputError
from kg.extract.fold import views


@dataclass(frozen=True)
class Known:
    """One known document."""

    id: str
    type: str | None = None      # type key ("luat")
    title: str | None = None     # name without the type word ("Tổ chức chính quyền địa phương")
    date: str | None = None      # ISO date of issue
    issuer: str | None = None    # body key or name


def title_key(title: str) -> str:
    """Fold a title for comparison: no case, no diacritics, single spaces.

    >>> title_key("Tổ chức  Chính phủ")
    'to chuc chinh phu'
    """
    return re.sub(r"[^a-z0-9]+", " ", views(title).bare).strip()


class Catalogue:
    """Known documents, looked up by id or by (type, title[, date])."""

    def __init__(self, docs: list[Known] | None = None) -> None:
        self._by_id: dict[str, Known] = {}
        self._by_title: dict[tuple[str | None, str], list[Known]] = {}
        for d in docs or []:
            self.add(d.id, type=d.type, title=d.title, date=d.date, issuer=d.issuer)

    def __len__(self) -> int:
        return len(self._by_id)

    def add(self, id: str, *, type: str | None = None, title: str | None = None,
            date: str | None = None, issuer: str | None = None) -> Known:
        """Add (or complete) a known document."""
        k = Known(id, type, title, date, issuer)
        self._by_id[id] = k
        if title:
            self._by_title.setdefault((type, title_key(title)), []).append(k)
        return k

    def get(self, id: str) -> Known | None:
        return self._by_id.get(id)

    def find(self, type: str | None, title: str, date: str | None = None) -> Known | None:
        """The one document of this type and title (and date, if given); None if unknown
        or ambiguous."""
        cands = self._by_title.get((type, title_key(title)), [])
        if date:
            cands = [c for c in cands if c.date == date]
        return cands[0] if len(cands) == 1 else None

    @classmethod
    def load(cls, path: Path) -> Catalogue:
        """Read a JSON Lines catalogue."""
        cat = cls()
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read catalogue {path}: {e}") from e
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                cat.add(row["id"], type=row.get("type"), title=row.get("title"),
                        date=row.get("date"), issuer=row.get("issuer"))
            except (ValueError, KeyError, TypeError) as e:
                raise InputError(f"{path}:{n}: not a catalogue row: {e}") from e
        return cat

    def dump(self, path: Path) -> None:
        Path(path).write_text("".join(json.dumps(asdict(k), ensure_ascii=False) + "\n"
                                      for k in self._by_id.values()), encoding="utf-8")
