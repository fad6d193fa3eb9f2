"""Text layer of a PDF, with pypdf.

Only PDFs that carry text are read: a scan (images only) or a file locked with a password is
an InputError that says so, rather than an empty source that silently yields nothing.
"""
from __future__ import annotations

import io
import re

from kg.errors import InputError

_LETTER = re.compile(r"[^\W\d_]")


def pdf_text(data: bytes, *, where: str) -> tuple[str, str | None, list[str]]:
    """Text of every page (pages separated by a blank line), the title, and notes."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    notes: list[str] = []
    # pypdf parses untrusted bytes and fails on damaged files with many exception types;
    # each is reported to the user with its type and message (never swallowed).
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError:
                raise InputError(f"{where}: the PDF is encrypted (AES) and cannot be opened "
                                 "here; save an unencrypted copy") from None
            if not opened:
                raise InputError(f"{where}: the PDF is encrypted with a password; save an "
                                 "unencrypted copy")
            notes.append("PDF encrypted without a user password: opened")
        pages: list[str] = []
        empty: list[int] = []
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            if not _LETTER.search(text):
                empty.append(number)
            pages.append(text.strip())
        title = None
        meta = reader.metadata
        if meta is not None and meta.title:
            title = str(meta.title).strip() or None
    except InputError:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise InputError(f"{where}: the PDF is encrypted: {exc}") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            AssertionError, OSError, RecursionError, ZeroDivisionError) as exc:
        raise InputError(f"{where}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    if not pages or len(empty) == len(pages):
        raise InputError(f"{where}: the PDF has no text layer (a scan?); run OCR on it first")
    if empty:
        shown = ", ".join(map(str, empty[:10])) + (" …" if len(empty) > 10 else "")
        notes.append(f"PDF pages without text (scanned?): {shown}")
    return "\n\n".join(p for p in pages if p), title, notes
