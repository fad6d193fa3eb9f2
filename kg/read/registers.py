"""Structured registers: CSV, JSON or JSONL lists of documents, read through a column mapping.

A register names its columns its own way (`so_ky_hieu`, `so_hieu`, `doc_info.so_hieu`…).
A `ColumnMapping` says which column holds which field; built-in mappings cover the real
registers in `../shared/data/vn-legal/` and are chosen by the header, any other register
gets a mapping from a small JSON file. Values are cleaned as text (NFC, `Ð` → `Đ`, dates to
ISO) but not interpreted: telling a decision from a plan is the recognizer's job.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.normalize import normalize
from kg.read.encoding import decode_text
from kg.read.meta import iso_date

FIELDS = ("id", "type_label", "issuer", "date", "in_force", "status", "title", "signer", "url")
_DATE_FIELDS = ("date", "in_force")


@dataclass
class RegisterRow:
    """One document of a register, fields cleaned; `row` is its 1-based place in the file."""

    row: int
    id: str | None = None
    type_label: str | None = None
    issuer: str | None = None
    date: str | None = None
    in_force: str | None = None
    status: str | None = None
    title: str | None = None
    signer: str | None = None
    url: str | None = None
    place: str | None = None            # the register's jurisdiction, when the mapping knows it
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)   # the columns no field took


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of a register holds which field; nested JSON keys are dotted paths.

    `records` is the dotted path to the list in a JSON document (empty: the top level is the
    list). `issuer_default` fills `issuer` when the register has none (a province's own
    list); `place` is copied to every row. `required` names the fields whose columns must
    exist, else the register is refused.
    """

    name: str
    id: str | None = None
    type_label: str | None = None
    issuer: str | None = None
    date: str | None = None
    in_force: str | None = None
    status: str | None = None
    title: str | None = None
    signer: str | None = None
    url: str | None = None
    records: str = ""
    issuer_default: str | None = None
    place: str | None = None
    required: tuple[str, ...] = ("id",)

    def columns(self) -> dict[str, str]:
        """Field name → column, for the fields this mapping fills."""
        return {f: getattr(self, f) for f in FIELDS if getattr(self, f)}

    def required_columns(self) -> list[str]:
        return [getattr(self, f) for f in self.required if getattr(self, f)]

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "mapping") -> ColumnMapping:
        """A mapping from a JSON object such as {"name": "x", "id": "so_hieu", …}."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"{where}: unknown mapping key(s) {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(known))}")
        values = dict(data)
        values.setdefault("name", where)
        if "required" in values:
            values["required"] = tuple(values["required"])
            bad = [f for f in values["required"] if f not in FIELDS]
            if bad:
                raise InputError(f"{where}: 'required' names unknown field(s) {bad}")
        return cls(**values)

    @classmethod
    def load(cls, path: Path) -> ColumnMapping:
        """Read a mapping from a small JSON file."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: cannot read the column mapping: {exc}") from None
        if not isinstance(data, dict):
            raise InputError(f"{path}: a column mapping is a JSON object")
        return cls.from_dict(data, where=str(path))

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "", ())}


# The registers of ../shared/data/vn-legal/ (see its SOURCE.md).
BUILTIN_MAPPINGS: tuple[ColumnMapping, ...] = (
    ColumnMapping(
        name="binh-duong", id="so_ky_hieu", date="ngay_ban_hanh", title="trich_yeu",
        status="hieu_luc", url="pdf",
        # The list is "Văn bản chỉ đạo điều hành" of UBND tỉnh Bình Dương: the issuer is
        # the province's People's Committee, never written in a row.
        issuer_default="UBND tỉnh Bình Dương", place="tỉnh Bình Dương",
        required=("id", "date", "title", "status")),
    ColumnMapping(
        name="son-la-congbao", id="so_hieu", type_label="loai_van_ban",
        issuer="co_quan_ban_hanh", date="ngay_ban_hanh", in_force="ngay_hieu_luc",
        status="tinh_trang", title="trich_yeu", signer="nguoi_ky", url="source_url",
        place="tỉnh Sơn La", required=("id", "type_label", "issuer", "date", "title")),
    ColumnMapping(
        name="tvpl-luoc-do", id="doc_info.so_hieu", type_label="doc_info.loai_van_ban",
        issuer="doc_info.noi_ban_hanh", date="doc_info.ngay_ban_hanh",
        in_force="doc_info.ngay_hieu_luc", status="doc_info.tinh_trang",
        signer="doc_info.nguoi_ky", url="url",
        required=("id", "type_label", "issuer", "date")),
)


def detect_mapping(columns: Iterable[str], *, where: str) -> ColumnMapping:
    """The built-in mapping whose required columns the header has, or an InputError that
    names what the closest one misses."""
    have = set(columns)
    fits = [m for m in BUILTIN_MAPPINGS if set(m.required_columns()) <= have]
    if fits:
        return max(fits, key=lambda m: len(set(m.columns().values()) & have))
    closest = max(BUILTIN_MAPPINGS, key=lambda m: len(set(m.required_columns()) & have))
    if not set(closest.required_columns()) & have:
        shown = ", ".join(sorted(have)[:20]) or "none"
        raise InputError(f"{where}: not a register layout this service knows (columns: "
                         f"{shown}); give a column mapping")
    missing = [c for c in closest.required_columns() if c not in have]
    raise InputError(f"{where}: register lacks column(s) {', '.join(missing)} "
                     f"(closest known layout: {closest.name})")


def _get(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _keys(record: dict[str, Any]) -> set[str]:
    """Top-level keys and one level of nested ones, dotted."""
    keys = set()
    for key, value in record.items():
        keys.add(key)
        if isinstance(value, dict):
            keys.update(f"{key}.{sub}" for sub in value)
    return keys


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = normalize(str(value)).strip()
    # Real registers write Latin Eth (U+00D0) for Đ; it looks the same and breaks matching.
    text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    return text or None


def _rows(records: Iterator[tuple[int, dict[str, Any]]], mapping: ColumnMapping,
          ) -> tuple[list[RegisterRow], int]:
    """Rows with a value in at least one required column, and how many were skipped."""
    columns = mapping.columns()
    used_top = {c.split(".")[0] for c in columns.values()}
    out: list[RegisterRow] = []
    skipped = 0
    for number, record in records:
        values = {f: _clean(_get(record, c)) for f, c in columns.items()}
        if not any(values.get(f) for f in mapping.required):
            skipped += 1                 # a crawl's empty row (a page that failed to load)
            continue
        row = RegisterRow(row=number, place=mapping.place)
        for f, value in values.items():
            if f in _DATE_FIELDS and value is not None:
                iso = iso_date(value)
                if iso is None:
                    row.notes.append(f"{f}: not a date: {value!r}")
                value = iso
            setattr(row, f, value)
        if row.issuer is None and mapping.issuer_default:
            row.issuer = mapping.issuer_default
        row.extra = {k: v for k, v in record.items() if k not in used_top and k}
        out.append(row)
    return out, skipped


def _check_required(mapping: ColumnMapping, have: set[str], *, where: str) -> None:
    missing = [c for c in mapping.required_columns() if c not in have]
    if missing:
        raise InputError(f"{where}: register lacks column(s) {', '.join(missing)} "
                         f"required by mapping {mapping.name}")


def _csv_records(text: str, mapping: ColumnMapping | None, *, where: str,
                 ) -> tuple[ColumnMapping, Iterator[tuple[int, dict[str, Any]]]]:
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(f"{where}: the register is empty") from None
    except csv.Error as exc:
        raise InputError(f"{where}: damaged CSV header: {exc}") from None
    chosen = mapping or detect_mapping(header, where=where)
    _check_required(chosen, set(header), where=where)

    def records() -> Iterator[tuple[int, dict[str, Any]]]:
        number = 0
        try:
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                number += 1
                yield number, dict(zip(header, cells, strict=False))
        except csv.Error as exc:
            raise InputError(f"{where}: damaged CSV near line {reader.line_num}: "
                             f"{exc}") from None

    return chosen, records()


def _json_records(text: str, mapping: ColumnMapping | None, *, where: str, lines: bool,
                  ) -> tuple[ColumnMapping, Iterator[tuple[int, dict[str, Any]]]]:
    items: list[tuple[int, Any]] = []
    number = 0
    try:
        if lines:
            for number, line in enumerate(text.split("\n"), start=1):
                if line.strip():
                    items.append((number, json.loads(line)))
        else:
            data = json.loads(text)
            path = mapping.records if mapping else ""
            if path:
                data = _get(data, path) if isinstance(data, dict) else None
            if not isinstance(data, list):
                raise InputError(f"{where}: expected a JSON list of documents"
                                 + (f" at {path!r}" if path else ""))
            items = list(enumerate(data, start=1))
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply") from None
    except ValueError as exc:
        at = f" (line {number})" if lines else ""
        raise InputError(f"{where}: not valid JSON{at}: {exc}") from None
    bad = next((n for n, item in items if not isinstance(item, dict)), None)
    if bad is not None:
        raise InputError(f"{where}: record {bad} is not a JSON object")
    have: set[str] = set()
    for _, item in items[:200]:
        have |= _keys(item)
    chosen = mapping or detect_mapping(have, where=where)
    _check_required(chosen, have, where=where)
    return chosen, iter(items)


def parse_register(data: bytes, *, name: str, where: str,
                   mapping: ColumnMapping | None = None,
                   ) -> tuple[list[RegisterRow], str, list[str]]:
    """Rows of a register given as bytes (format from `name`'s suffix), encoding, notes."""
    decoded = decode_text(data, where=where)
    text = decoded.text.replace("\r\n", "\n")
    suffix = Path(name).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        chosen, records = _json_records(text, mapping, where=where, lines=True)
    elif suffix == ".json":
        chosen, records = _json_records(text, mapping, where=where, lines=False)
    else:
        chosen, records = _csv_records(text, mapping, where=where)
    rows, skipped = _rows(records, chosen)
    notes = [*decoded.notes, f"register read with mapping {chosen.name}: {len(rows)} rows"]
    if skipped:
        notes.append(f"skipped {skipped} rows with nothing in the required columns "
                     f"({', '.join(chosen.required_columns())})")
    return rows, decoded.encoding, notes


def read_register(path: Path, mapping: ColumnMapping | None = None) -> list[RegisterRow]:
    """Rows of the register at `path`, through `mapping` or the built-in one its header fits."""
    from kg.read import read_file_bytes

    path = Path(path)
    rows, _, _ = parse_register(read_file_bytes(path), name=path.name, where=str(path),
                             mapping=mapping)
    return rows
