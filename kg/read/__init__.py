"""The "read" stage: a source file or page in, its main text and source metadata out.

It knows formats and encodings, nothing about law. Each decision that is not plain UTF-8
text (a legacy font converted, front matter taken off, the article picked out of a page) is
written to `SourceDoc.notes`; what cannot be read is a `kg.errors.InputError` naming the file.

    doc = read_path(Path("plan.docx"))        # -> SourceDoc(text=…, title=…, notes=[…])
    for path in iter_paths([Path("corpus")]):  # folders expanded, sorted, loops safe
        ...
"""
from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.normalize import normalize
from kg.read.docx import docx_text
from kg.read.encoding import decode_text, repair_unicode
from kg.read.htmltext import declared_charset, html_to_page
from kg.read.meta import find_posted_date, is_url, iso_date, split_front_matter
from kg.read.pdf import pdf_text
from kg.read.registers import (
    BUILTIN_MAPPINGS,
    ColumnMapping,
    RegisterRow,
    parse_register,
    read_register,
)

__all__ = [
    "BUILTIN_MAPPINGS", "MAX_BYTES", "SUPPORTED_SUFFIXES", "ColumnMapping", "RegisterRow",
    "SourceDoc", "iter_paths", "read_bytes", "read_path", "read_register",
]

#: Largest source accepted, in bytes. (A candidate for a `KG_*` setting.)
MAX_BYTES = 50 * 1024 * 1024

TEXT_SUFFIXES = frozenset((".txt",))
HTML_SUFFIXES = frozenset((".html", ".htm", ".xhtml"))
REGISTER_SUFFIXES = frozenset((".csv", ".json", ".jsonl", ".ndjson"))
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | REGISTER_SUFFIXES | {".docx", ".pdf"}

MEDIA_TYPES = {
    "text": "text/plain", "html": "text/html", "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".csv": "text/csv", ".json": "application/json", ".jsonl": "application/jsonl",
    ".ndjson": "application/jsonl",
}

# File signatures of formats that are never a text source (a PNG renamed .txt, an archive).
_NOT_TEXT = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"), (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"), (b"\x00\x00\x01\x00", "an icon"),
    (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz archive"), (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office file (.doc/.xls); save it as "
     ".docx or PDF"),
    (b"%!PS", "a PostScript file"), (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image"),
)


def _looks_like_html(text: str) -> bool:
    """Whether text opens as an HTML document (after any XML prolog and comments)."""
    head = text[:4096].lstrip("\ufeff \t\r\n")
    while head.startswith(("<!--", "<?xml")):
        end = head.find("-->" if head.startswith("<!--") else "?>")
        if end < 0:
            return False
        head = head[end + 3 if head.startswith("<!--") else end + 2:].lstrip()
    return head[:15].lower().startswith(("<!doctype html", "<html>", "<html "))


@dataclass
class SourceDoc:
    """One source as read: its bytes, its normalized main text, and what the source says of
    itself (title, posting date, address). `rows` is set for structured registers instead
    of `text`."""

    locator: str
    name: str
    media_type: str
    raw: bytes = field(repr=False)
    sha256: str
    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    kind: str | None = None
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    rows: list[RegisterRow] | None = None


def _check_size(size: int, where: str) -> None:
    if size > MAX_BYTES:
        raise InputError(f"{where}: too large ({size} bytes; the limit is {MAX_BYTES} bytes)")


def read_file_bytes(path: Path) -> bytes:
    """The bytes of a regular file, refused past MAX_BYTES before reading it whole."""
    where = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{where}: no such file (moved or deleted?)") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{where}: is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{where}: not a regular file (device, pipe or socket)")
    _check_size(info.st_size, where)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{where}: no such file (moved or deleted?)") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot read: {exc.strerror or exc}") from None
    _check_size(len(data), where)              # it may have grown since the stat
    return data


def read_path(path: Path) -> SourceDoc:
    """Read the file at `path` (any supported format) into a SourceDoc."""
    path = Path(path)
    locator = str(path.absolute())
    return read_bytes(read_file_bytes(path), name=path.name, locator=locator)


def read_bytes(data: bytes, *, name: str, locator: str) -> SourceDoc:
    """Read a source given as bytes; `name` (its file name) helps choose the format."""
    where = locator or name
    _check_size(len(data), where)
    if not data:
        raise InputError(f"{where}: the file is empty (0 bytes)")
    suffix = Path(name).suffix.lower()
    head = data[:1024]
    for magic, what in _NOT_TEXT:
        if data.startswith(magic):
            raise InputError(f"{where}: is {what}, not a text document")
    if data.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in head):
        kind = "pdf"
    elif data.startswith(b"PK\x03\x04") or suffix == ".docx":
        kind = "docx"
    elif suffix == ".pdf":
        raise InputError(f"{where}: named .pdf but is not a PDF (no %PDF header)")
    elif suffix in REGISTER_SUFFIXES:
        kind = suffix
    elif suffix in HTML_SUFFIXES:
        kind = "html"
    else:
        kind = "text"
    digest = hashlib.sha256(data).hexdigest()
    doc = SourceDoc(locator=locator, name=name, media_type=MEDIA_TYPES[kind], raw=data,
                    sha256=digest, text="")
    if kind == "pdf":
        text, doc.title, doc.notes = pdf_text(data, where=where)
        _finish_binary(doc, text)
    elif kind == "docx":
        if not data.startswith(b"PK\x03\x04"):
            raise InputError(f"{where}: named .docx but is not a zip archive")
        text, doc.title, doc.notes = docx_text(data, where=where)
        doc.encoding = "utf-8"
        _finish_binary(doc, text)
    elif kind in REGISTER_SUFFIXES:
        doc.rows, doc.encoding, doc.notes = parse_register(data, name=name, where=where)
    else:
        decoded = decode_text(data, where=where,
                              declared=declared_charset(data) if kind == "html" else None)
        doc.encoding, doc.notes = decoded.encoding, decoded.notes
        if kind == "text" and _looks_like_html(decoded.text):
            kind = "html"
            doc.media_type = MEDIA_TYPES["html"]
            doc.notes.append(f"HTML content in a {suffix or 'suffix-less'} file: read as HTML")
        if kind == "html":
            _finish_html(doc, decoded.text)
        else:
            _finish_text(doc, decoded.text)
    if doc.rows is None and not doc.text.strip():
        raise InputError(f"{where}: has no text")
    return doc


def _finish_text(doc: SourceDoc, text: str) -> None:
    """Plain text: front matter becomes metadata, the rest is the text."""
    meta, body = split_front_matter(text.lstrip("\ufeff"))
    if meta:
        doc.notes.append(f"front matter: {', '.join(meta)}")
    doc.url = next((v for v in (meta.get("url"), meta.get("source")) if is_url(v)), None)
    doc.kind = meta.get("kind") or None
    doc.title = normalize(meta["title"]) if meta.get("title") else None
    doc.text = normalize(body)
    doc.published = iso_date(meta.get("published") or meta.get("date")) or \
        find_posted_date(doc.text)


def _finish_html(doc: SourceDoc, markup: str) -> None:
    page = html_to_page(markup)
    doc.text = normalize(page.text)
    doc.title = normalize(page.title) if page.title else None
    doc.published = page.published
    doc.url = page.url if is_url(page.url) else None
    doc.notes.extend(page.notes)


def _finish_binary(doc: SourceDoc, text: str) -> None:
    """Text out of a .docx or PDF: legacy-font runs converted, then normalized."""
    text, note = repair_unicode(text)
    if note:
        doc.notes.append(note)
    doc.text = normalize(text)
    doc.title = normalize(doc.title) if doc.title else None
    doc.published = find_posted_date(doc.text)


def iter_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders (recursively, sorted, hidden entries skipped) to supported files.

    Paths given directly are yielded as they are, whatever their suffix; problems with them
    (gone, unreadable) surface when they are read. A folder is never entered twice (real
    paths are tracked), so symlink loops end; a folder that cannot be listed is yielded
    itself, for `read_path` to report.
    """
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()
    for start in paths:
        start = Path(start)
        if not start.is_dir():
            yield start
            continue
        pending = [start]
        found: list[Path] = []
        while pending:
            folder = pending.pop()
            real = os.path.realpath(folder)
            if real in seen_dirs:
                continue
            seen_dirs.add(real)
            try:
                entries = list(os.scandir(folder))
            except OSError:
                found.append(folder)
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    is_dir = entry.is_dir()
                    is_file = not is_dir and entry.is_file()
                except OSError:
                    continue
                if is_dir:
                    pending.append(Path(entry.path))
                elif is_file and Path(entry.name).suffix.lower() in SUPPORTED_SUFFIXES:
                    real_file = os.path.realpath(entry.path)
                    if real_file not in seen_files:
                        seen_files.add(real_file)
                        found.append(Path(entry.path))
        yield from sorted(found)
