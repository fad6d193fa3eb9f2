"""Legacy 8-bit Vietnamese font encodings, TCVN3 (ABC) and VNI, as data, and their decoders.

Before Unicode (and long after: many offices still type in .VnTime or VNI-Times) Vietnamese
text was stored in font encodings that reuse the Windows-1252 code points. A file typed in
them, read as cp1252, shows "Hµ Néi" (TCVN3) or "Haø Noäi" (VNI) for "Hà Nội". The same
text also survives *inside* Unicode files: a Word document whose runs use .VnTime keeps the
Latin-1 characters, so the decoders work on text as well as on bytes.

The charts are the published ones:
- TCVN3 is the "VN3" set of TCVN 5712:1993 used by the ABC fonts (.VnTime, .VnArial). It
  encodes lower-case letters plus the seven upper-case base letters (Ă Â Ê Ô Ơ Ư Đ). Upper
  case toned letters live in separate "H" fonts (.VnTimeH) that draw the lower-case codes in
  capitals, so that case cannot be recovered from the bytes; such text comes out lower-case.
  (VN1 also puts upper-case letters in 0x80-0x9F and a few other slots; VN3 fonts do not,
  and in real files those bytes are Windows punctuation such as curly quotes or the degree
  sign, so they are left as cp1252.)
- VNI (VNI-Windows, VNI-Times) writes a toned vowel as its ASCII base letter followed by one
  diacritic byte, chosen from the same Latin-1 letters (upper-case forms for upper-case
  letters); a few letters (đ, ơ, ư, ĩ, ỉ, ị, ỵ) are single bytes.
"""
from __future__ import annotations

import unicodedata

# --- TCVN3 (ABC, VN3 subset of TCVN 5712:1993): byte -> Unicode -------------------------------
TCVN3: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}

# --- VNI-Windows -------------------------------------------------------------------------------
# Combining marks, named as VNI's own keys name them (1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng,
# 6 mũ, 8 trăng).
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
_TONE_MARKS = _ACUTE + _GRAVE + _HOOK + _TILDE + _DOT

# Diacritic byte (as its cp1252 lower-case character) -> marks it adds to the letter before it.
VNI_MARKS: dict[str, str] = {
    "ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT,
    "â": _CIRC,
    "á": _CIRC + _ACUTE, "à": _CIRC + _GRAVE, "å": _CIRC + _HOOK, "ã": _CIRC + _TILDE,
    "ä": _CIRC + _DOT,
    "ê": _BREVE,
    "é": _BREVE + _ACUTE, "è": _BREVE + _GRAVE, "ú": _BREVE + _HOOK, "ü": _BREVE + _TILDE,
    "ë": _BREVE + _DOT,
}
# Which base letters each kind of mark may follow (VNI never puts a circumflex on i, etc.).
_TONE_BASES = set("aeiouyAEIOUYơưƠƯ")
_CIRC_BASES = set("aeoAEO")
_BREVE_BASES = set("aA")

# Single diacritic bytes that are whole letters.
VNI_LETTERS: dict[str, str] = {
    "ñ": "đ", "ô": "ơ", "ö": "ư", "ó": "ĩ", "æ": "ỉ", "ò": "ị", "î": "ỵ",
    "Ñ": "Đ", "Ô": "Ơ", "Ö": "Ư", "Ó": "Ĩ", "Æ": "Ỉ", "Ò": "Ị", "Î": "Ỵ",
    # ì and í keep their cp1252 bytes: listed so the encoder writes them as one byte too.
    "ì": "ì", "í": "í", "Ì": "Ì", "Í": "Í",
}


def _marks_for(ch: str) -> str | None:
    return VNI_MARKS.get(ch.lower()) if ch.lower() in VNI_MARKS else None


def _accepts(base: str, marks: str) -> bool:
    if _CIRC in marks:
        return base in _CIRC_BASES
    if _BREVE in marks:
        return base in _BREVE_BASES
    return base in _TONE_BASES


_CP1252_HIGH = {
    b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xA0)
}


def latin1_view(data: bytes) -> str:
    """The bytes as the cp1252 characters a legacy font file shows, one character a byte.

    Bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) become the Latin-1 control
    of the same value, so the view is lossless.
    """
    return data.decode("latin-1").translate(_CP1252_HIGH)


def to_legacy_bytes(text: str) -> bytes | None:
    """The inverse of `latin1_view`; None when `text` holds characters no 8-bit file has."""
    for codec in ("latin-1", "cp1252"):
        try:
            return text.encode(codec)
        except UnicodeEncodeError:
            pass
    out = bytearray()                      # both kinds at once: cp1252 punctuation, C1 bytes
    for ch in text:
        o = ord(ch)
        if o < 0x100:
            out.append(o)
            continue
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            return None
    return bytes(out)


_TCVN3_CHARS = {chr(b): u for b, u in TCVN3.items()}
# Bytes 0x80-0x9F of TCVN3 files are Windows punctuation; the view already shows them so.
_TCVN3_TRANSLATE = str.maketrans(_TCVN3_CHARS)


def tcvn3_to_unicode(text: str) -> str:
    """Convert TCVN3 (ABC) text, seen through `latin1_view`, to NFC Unicode.

    >>> tcvn3_to_unicode(latin1_view(bytes.fromhex("48b5204ee969")))
    'Hà Nội'
    """
    return unicodedata.normalize("NFC", text.translate(_TCVN3_TRANSLATE))


def vni_to_unicode(text: str) -> str:
    """Convert VNI-Windows text, seen through `latin1_view`, to NFC Unicode.

    >>> vni_to_unicode("Haø Noäi, ngaøy 5 thaùng 3")
    'Hà Nội, ngày 5 tháng 3'
    >>> vni_to_unicode("ÑÖÔØNG")
    'ĐƯỜNG'
    """
    out: list[str] = []
    for ch in text:
        marks = _marks_for(ch)
        if marks is not None and out and _accepts(out[-1], marks):
            out[-1] = unicodedata.normalize("NFC", out[-1] + marks)
            continue
        out.append(VNI_LETTERS.get(ch, ch))
    return unicodedata.normalize("NFC", "".join(out))


def unicode_to_tcvn3(text: str) -> bytes:
    """Encode Unicode text in TCVN3, for tests and fixtures; upper-case toned letters fold to
    lower case as the .VnTimeH fonts would store them.
    """
    reverse = {u: b for b, u in TCVN3.items()}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in reverse:
            out.append(reverse[ch])
        elif ch.lower() in reverse and ch not in "ĂÂÊÔƠƯĐ":
            out.append(reverse[ch.lower()])
        else:
            out += ch.encode("cp1252")
    return bytes(out)


def unicode_to_vni(text: str) -> bytes:
    """Encode Unicode text in VNI-Windows, for tests and fixtures."""
    letters = {u: v for v, u in VNI_LETTERS.items()}
    marks_to_byte = {"".join(sorted(m)): k for k, m in VNI_MARKS.items()}
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in letters:
            out.append(letters[ch])
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        if base in "oOuU" and "\u031b" in marks:          # horn: ơ / ư are single letters
            base = letters[unicodedata.normalize("NFC", base + "\u031b")]
            marks = marks.replace("\u031b", "")
        if not marks:
            out.append(base)
            continue
        key = marks_to_byte["".join(sorted(marks))]
        out.append(base + (key.upper() if base.isupper() else key))
    return "".join(out).encode("cp1252")


def unicode_to_cp1258(text: str) -> bytes:
    """Encode Unicode text in Windows-1258, for tests and fixtures.

    cp1258 has precomposed letters for the vowel shapes (â, ơ, ư…) but writes the five tones
    as combining marks after them, which Python's codec only accepts in that decomposed order.
    """
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in _TONE_MARKS)
        shape = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out += shape.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)
