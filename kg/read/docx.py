"""Text of a Word .docx file, read with zipfile and a streaming expat parser.

A .docx is a zip archive, so it can be a zip bomb (a few kilobytes that inflate to
gigabytes), and its XML could declare entities that expand without end. Both are refused
before any text is read: the archive's declared sizes and ratios are checked first, the
actual bytes inflated are counted again while reading (a zip can lie about its sizes), and
an XML document with a DOCTYPE is refused (WordprocessingML never has one).
"""
from __future__ import annotations

import io
import zipfile
from typing import IO
from xml.parsers import expat

from kg.errors import InputError

MAX_MEMBERS = 10_000
MAX_UNCOMPRESSED = 256 * 1024 * 1024   # all members together, as declared and as inflated
MAX_RATIO = 200                        # inflated / compressed, per member over 1 MB

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")


class _Refused(Exception):
    """Raised inside expat callbacks; turned into InputError outside them."""


def check_archive(archive: zipfile.ZipFile, *, where: str) -> None:
    """Refuse archives that would inflate past the limits, from their declared sizes."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputError(f"{where}: refused: the archive has {len(infos)} members "
                         f"(limit {MAX_MEMBERS})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and \
                info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise InputError(
                f"{where}: refused as a zip bomb: {info.filename} inflates "
                f"{info.compress_size} bytes to {info.file_size} "
                f"(over {MAX_RATIO} times)")
    if total > MAX_UNCOMPRESSED:
        raise InputError(f"{where}: refused as a zip bomb: it inflates to {total} bytes "
                         f"(limit {MAX_UNCOMPRESSED})")


class _Budget:
    """Counts inflated bytes across members, so a lying size header cannot get past it."""

    def __init__(self, where: str) -> None:
        self.left = MAX_UNCOMPRESSED
        self.where = where

    def read(self, stream: IO[bytes], size: int) -> bytes:
        chunk = stream.read(min(size, self.left + 1))
        self.left -= len(chunk)
        if self.left < 0:
            raise InputError(f"{self.where}: refused as a zip bomb: it inflates past "
                             f"{MAX_UNCOMPRESSED} bytes")
        return chunk


def _part_text(archive: zipfile.ZipFile, name: str, budget: _Budget) -> str:
    """Paragraph text of one WordprocessingML part; tracked deletions and field codes left out."""
    out: list[str] = []
    in_text = 0

    def start(tag: str, _attrs: dict[str, str]) -> None:
        nonlocal in_text
        ns, _, local = tag.rpartition(" ")
        if ns != _W:
            return
        if local == "t":
            in_text += 1
        elif local == "tab":
            out.append("\t")
        elif local in ("br", "cr"):
            out.append("\n")
        elif local == "noBreakHyphen":
            out.append("-")

    def end(tag: str) -> None:
        nonlocal in_text
        ns, _, local = tag.rpartition(" ")
        if ns != _W:
            return
        if local == "t":
            in_text -= 1
        elif local == "p":
            out.append("\n")
        elif local == "tc":
            out.append("\t")

    def chars(data: str) -> None:
        if in_text:
            out.append(data)

    def refuse(*_args: object) -> None:
        raise _Refused("a DOCTYPE or entity declaration")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    with archive.open(name) as stream:
        while chunk := budget.read(stream, 1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return "".join(out)


def _core_title(archive: zipfile.ZipFile, budget: _Budget) -> str | None:
    if "docProps/core.xml" not in archive.namelist():
        return None
    parts: list[str] = []
    depth = 0

    def start(tag: str, _attrs: dict[str, str]) -> None:
        nonlocal depth
        if tag == "http://purl.org/dc/elements/1.1/ title":
            depth += 1

    def end(tag: str) -> None:
        nonlocal depth
        if tag == "http://purl.org/dc/elements/1.1/ title":
            depth -= 1

    def chars(data: str) -> None:
        if depth:
            parts.append(data)

    def refuse(*_args: object) -> None:
        raise _Refused("a DOCTYPE or entity declaration")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = refuse
    with archive.open("docProps/core.xml") as stream:
        while chunk := budget.read(stream, 1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return "".join(parts).strip() or None


def docx_text(data: bytes, *, where: str) -> tuple[str, str | None, list[str]]:
    """Body text (then footnotes and endnotes), the title from the properties, and notes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise InputError(f"{where}: not a readable .docx (zip archive: {exc})") from None
    with archive:
        check_archive(archive, where=where)
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise InputError(f"{where}: a zip archive, but not a Word document "
                             "(no word/document.xml)")
        budget = _Budget(where)
        notes: list[str] = []
        texts: list[str] = []
        try:
            for part in _PARTS:
                if part in names:
                    text = _part_text(archive, part, budget).strip()
                    if text and part != _PARTS[0]:
                        notes.append(f"{part.split('/')[1].split('.')[0]} appended after "
                                     "the body")
                    texts.append(text)
            title = _core_title(archive, budget)
        except _Refused as exc:
            raise InputError(f"{where}: refused: its XML holds {exc}") from None
        except expat.ExpatError as exc:
            raise InputError(f"{where}: damaged .docx: {expat.ErrorString(exc.code)} "
                             f"at line {exc.lineno}") from None
        except (zipfile.BadZipFile, EOFError, NotImplementedError) as exc:
            raise InputError(f"{where}: damaged .docx: {exc}") from None
    return "\n\n".join(t for t in texts if t), title, notes
