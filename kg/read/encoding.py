"""Bytes to Unicode text: which encoding a Vietnamese file is in, decided from evidence.

Real files arrive in UTF-8 (with or without BOM), UTF-16 (with or without BOM), Windows-1258,
or typed in the legacy TCVN3 (ABC) and VNI fonts, sometimes inside a Unicode file (a Word
run in .VnTime) or double-encoded (UTF-8 read as Windows-1252: "Viá»‡t"). The decision is
made by counting what each candidate decoding yields: well-formed Vietnamese syllables are
evidence for it, impossible syllables and stray Latin-1 symbols against it. Every decision
other than plain UTF-8 is written to `Decoded.notes`; what cannot be decided is an error.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from kg.errors import InputError
from kg.read.legacy import latin1_view, tcvn3_to_unicode, to_legacy_bytes, vni_to_unicode


@dataclass
class Decoded:
    """Text decoded from bytes, the encoding it was in, and what was done to get it."""

    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)


# --- what a Vietnamese syllable may look like ---------------------------------------------------
# Onsets and rhymes (vần, written without tone) of standard orthography. A syllable is an
# optional onset, a rhyme from this list, and at most one tone; stop codas (c, ch, p, t) take
# only sắc or nặng.
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")
_RHYMES = frozenset("""
a ai ao au ay ac ach am an ang anh ap at
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e eo ec em en eng ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
oc oe oen oeo oet oi om on ong ooc oong op ot
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua uân uâng uât uây uc uê uêch uênh ui um un ung uơ uôc uôi uôm uôn uông uôt up ut
uy uya uych uyên uyêt uynh uyp uyt uyu
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêt yêu
""".split())
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_STOP_TONES = {"", "\u0301", "\u0323"}
_WORD = re.compile(r"[^\W\d_]+")
# Latin-1 symbols that genuine Vietnamese text hardly ever holds, but TCVN3 read as cp1252 is
# full of (¸ is á, µ is à, ¹ is ạ…).
_ODD_SYMBOLS = frozenset(chr(c) for c in range(0xA1, 0xC0)) - set("«»°±©®§·")


def is_syllable(word: str) -> bool:
    """Whether `word` is a well-formed Vietnamese syllable (any case, any tone placement).

    >>> [is_syllable(w) for w in ("Nghị", "quyết", "hoà", "thuở", "Néi", "Haø", "hđnd")]
    [True, True, True, True, False, False, False]
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    for onset in (*_ONSETS, ""):
        if bare.startswith(onset):
            rhyme = bare[len(onset):]
            if rhyme in _RHYMES or (onset in ("gi", "qu") and rhyme == ""):
                if rhyme.endswith(("c", "ch", "p", "t")) and (tones[0] if tones else "") \
                        not in _STOP_TONES:
                    continue
                return True
    return False


@dataclass
class _Score:
    good: int = 0
    bad: int = 0

    @property
    def net(self) -> int:
        return self.good - self.bad


def _score(text: str, *, limit: int = 400_000) -> _Score:
    """Evidence that `text` is correctly decoded Vietnamese, from its first `limit` chars."""
    text = unicodedata.normalize("NFC", text[:limit])
    score = _Score()
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if word.isupper() and word.replace("Đ", "D").isascii():
            continue                                  # acronyms: HĐND, QĐ, NĐ
        if is_syllable(word):
            score.good += 1
        else:
            score.bad += 1
    score.bad += sum(1 for c in text if c in _ODD_SYMBOLS)
    return score


# --- candidate decodings of 8-bit text -------------------------------------------------------
_LEGACY_NAMES = {"cp1258": "Windows-1258", "tcvn3": "TCVN3 (ABC)", "vni": "VNI",
                 "utf-8": "UTF-8"}


def _candidates(raw: bytes) -> dict[str, str]:
    """Every way the 8-bit `raw` could be Vietnamese, decoded (failures left out)."""
    out: dict[str, str] = {}
    try:
        out["cp1258"] = unicodedata.normalize("NFC", raw.decode("cp1258"))
    except UnicodeDecodeError:
        pass
    view = latin1_view(raw)
    out["tcvn3"] = tcvn3_to_unicode(view)
    out["vni"] = vni_to_unicode(view)
    return out


def _best(candidates: dict[str, str]) -> tuple[str, _Score]:
    scored = {name: _score(text) for name, text in candidates.items()}
    name = max(scored, key=lambda n: (scored[n].net, -scored[n].bad))  # ties: first listed
    return name, scored[name]


# --- UTF-8 / UTF-16 sniffing ------------------------------------------------------------------
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xef][\x80-\xbf]{2}"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH = re.compile(rb"[\x80-\xff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes fall on every other byte, as ASCII does there."""
    sample = data[:65536]
    half = max(1, len(sample) // 2)
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= 0.2 * half and even <= 0.02 * half:
        return "utf-16-le"
    if even >= 0.2 * half and odd <= 0.02 * half:
        return "utf-16-be"
    return None


def _check_not_binary(text: str, where: str) -> None:
    sample = text[:200_000]
    if sample and len(_CONTROL.findall(sample)) > max(2, len(sample) // 200):
        raise InputError(f"{where}: looks like a binary file, not text (control characters)")


def decode_text(data: bytes, *, where: str, declared: str | None = None) -> Decoded:
    """Decode the bytes of a text file; `where` names the file in errors.

    `declared` is a charset the container states (an HTML meta tag), used when the bytes are
    not UTF-8 and decode under it. Raises InputError for binary or undecodable bytes.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"{where}: starts with a {codec.upper()} byte order mark "
                                 f"but is not valid {codec.upper()} at byte "
                                 f"{exc.start + len(bom)}") from None
            _check_not_binary(text, where)
            return _repair(Decoded(text, codec + ("-sig" if codec == "utf-8" else ""),
                                   [] if codec == "utf-8" else [f"{codec.upper()} with BOM"]))
    if b"\x00" in data[:65536]:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise InputError(f"{where}: looks like a binary file, not text (NUL bytes)")
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            raise InputError(f"{where}: looks like {utf16.upper()} without a byte order mark "
                             "but does not decode as such") from None
        _check_not_binary(text, where)
        return _repair(Decoded(text, utf16, [
            f"{utf16.upper()} without byte order mark, detected by its NUL bytes"]))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        multi = sum(len(m) for m in _UTF8_MULTI.findall(data))
        high = len(_HIGH.findall(data))
        if multi >= high / 2:
            raise InputError(f"{where}: invalid UTF-8 at byte {exc.start} "
                             f"({data[exc.start:exc.start + 4]!r}); the rest is UTF-8, so the "
                             "file is damaged rather than in another encoding") from None
    else:
        _check_not_binary(text, where)
        return _repair(Decoded(text, "utf-8"))
    return _decode_8bit(data, where=where, declared=declared)


def _decode_8bit(data: bytes, *, where: str, declared: str | None) -> Decoded:
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            codec = ""
        if codec and codec not in ("utf-8", "ascii"):
            try:
                text = unicodedata.normalize("NFC", data.decode(codec))
            except UnicodeDecodeError:
                pass
            else:
                _check_not_binary(text, where)
                return _repair(Decoded(text, codec, [f"decoded as {codec}, as the file "
                                                     "declares"]))
    candidates = _candidates(data)
    name, score = _best(candidates)
    text = candidates[name]
    _check_not_binary(text, where)
    if score.bad > score.good:
        raise InputError(
            f"{where}: not UTF-8, and not Vietnamese text in Windows-1258, TCVN3 or VNI "
            f"either ({score.bad} impossible words against {score.good}); convert it to "
            "UTF-8 first")
    verb = "decoded" if name == "cp1258" else "converted"
    return Decoded(text, name, [f"not UTF-8: {verb} from {_LEGACY_NAMES[name]} "
                                f"({score.good} Vietnamese words, {score.bad} odd ones)"])


def _repair(decoded: Decoded) -> Decoded:
    """Convert legacy-font or double-encoded lines inside Unicode text, noting what was done."""
    text, note = repair_unicode(decoded.text)
    if note:
        decoded.text = text
        decoded.notes.append(note)
    return decoded


def repair_unicode(text: str) -> tuple[str, str | None]:
    """Fix lines of Unicode text that are really TCVN3, VNI, Windows-1258 or UTF-8 bytes.

    Only lines made of 8-bit characters can be such; the kind is chosen on all of them
    together, and a line is converted only when that makes it better Vietnamese, so genuine
    lines of a mixed document stay as they are. Returns the text and a note, or None.

    >>> repair_unicode("Quyết định\\nUû ban nh©n d©n thµnh phè Hµ Néi")
    ('Quyết định\\nUỷ ban nhân dân thành phố Hà Nội', 'converted 1 line(s) from TCVN3 (ABC)')
    >>> repair_unicode("Ä\x90á»™i tuyá»ƒn Viá»‡t Nam")
    ('Đội tuyển Việt Nam', 'converted 1 line(s) from UTF-8')
    """
    lines = text.split("\n")
    legacy: list[tuple[int, bytes]] = []
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        raw = to_legacy_bytes(line)
        if raw is not None:
            legacy.append((i, raw))
    if not legacy:
        return text, None
    block = b"\n".join(raw for _, raw in legacy)
    asis = _score("\n".join(lines[i] for i, _ in legacy))
    if asis.bad < 2:
        return text, None
    candidates = _candidates(block)
    try:
        candidates = {"utf-8": block.decode("utf-8"), **candidates}
    except UnicodeDecodeError:
        pass
    name, best = _best(candidates)
    if best.net <= asis.net or best.bad * 4 > asis.bad:
        return text, None
    converted = 0
    for i, raw in legacy:
        new = _convert(raw, name)
        if new is not None and _score(new).bad < _score(lines[i]).bad:
            lines[i] = new
            converted += 1
    if not converted:
        return text, None
    return "\n".join(lines), f"converted {converted} line(s) from {_LEGACY_NAMES[name]}"


def _convert(raw: bytes, name: str) -> str | None:
    try:
        if name in ("utf-8", "cp1258"):
            return unicodedata.normalize("NFC", raw.decode(name))
    except UnicodeDecodeError:
        return None
    view = latin1_view(raw)
    return tcvn3_to_unicode(view) if name == "tcvn3" else vni_to_unicode(view)
