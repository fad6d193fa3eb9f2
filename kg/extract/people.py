"""People with their posts, and events (conferences, dialogues) with their dates.

People: an honorific ("đồng chí", "TS.") or a post ("Chủ tịch UBND phường") next to a
capitalised name of two to five syllables; signature blocks ("THỦ TƯỚNG" then a name);
the drafter's initials of a "Lưu:" line (Nghị định 30/2020/NĐ-CP, Phụ lục I).
"""
from __future__ import annotations

import re

from kg.extract.bodies import BodyFinder
from kg.extract.dates import all_dates
from kg.extract.documents import Docs
from kg.extract.fold import (
    NO_LOWER,
    Views,
    bare_line,
    hits,
    phrase_rx,
    register,
    word_start_alternation,
)
from kg.extract.model import Event, Person
from kg.extract.rules import HONORIFICS, POSTS, SIGNER_TITLES, SURNAMES


def _bare(s: str) -> str:
    return bare_line(s)


HON_TABLE = register("honorific", [_bare(h) for h in HONORIFICS])
_POST_BARE = sorted({_bare(p) for p in POSTS}, key=len, reverse=True)
_POST_RX = phrase_rx(_POST_BARE)
POST_TABLE = register("post", _POST_BARE)
_DASH = re.compile(r" {0,3}[-,:] {0,3}| {1,3}")
_SIGN_RX = re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(_bare(t)) for t in sorted(
    SIGNER_TITLES, key=len, reverse=True)) + r")$")
_LUU = re.compile(r"Lưu: ?[^\n|]{0,80}?\(\d{1,3}\) ?([A-ZĐ]\. ?[A-ZĐ][a-zà-ỹ]{1,8})")
# _SIGN_RX matches only a title that ends with one of these: str.endswith tests it first
_SIGN_ENDS = tuple(_bare(t) for t in SIGNER_TITLES)
_SURNAMES = set(SURNAMES)
_SURNAME_RX = re.compile(word_start_alternation(
    sorted(_SURNAMES, key=len, reverse=True), r"\w") + r" (?=\w)")
# a title line in capitals, up to six blank lines, then a line (the signer's name)
_SIGNATURE = re.compile(rf"\n[ \t]*({NO_LOWER}{{2,40}})\n(?:[ \t]*\n){{0,6}}"
                        r"[ \t]*([^\n]{4,40})\n?")


def _name_at(flat: str, pos: int, *, need_surname: bool, text: str | None = None
             ) -> tuple[str, int] | None:
    """A personal name starting at `pos`: 2–5 capitalised syllables, not all in capitals."""
    words: list[str] = []
    i = pos
    end = pos
    while len(words) < 5:
        j = i
        while j < len(flat) and j < i + 10 and flat[j].isalpha():
            j += 1
        w = flat[i:j]
        if not w or not w[0].isupper() or (len(w) > 1 and w.isupper()):
            break
        words.append(w)
        end = j
        if j < len(flat) and flat[j] == " " and j + 1 < len(flat) and flat[j + 1].isupper() \
                and (text is None or text[j] == " "):
            i = j + 1
        else:
            break
    if len(words) < 2:
        return None
    if need_surname and words[0] not in _SURNAMES:
        return None
    return " ".join(words), end


def _role_at(v: Views, pos: int) -> tuple[str, int] | None:
    """A post right at `pos` ("Chủ tịch UBND phường"), up to the next punctuation."""
    m = _POST_RX.match(v.bare, pos)
    if not m:
        return None
    end = m.end()
    words = 0
    while end < len(v.flat) and words < 5:
        j = end
        if v.flat[j] != " ":
            break
        k = j + 1
        while k < len(v.flat) and (v.flat[k].isalnum()):
            k += 1
        w = v.flat[j + 1:k]
        if not w or w.lower() in ("chủ", "trì", "và", "cùng", "đã", "phát", "báo", "tham", "dự",
                                  "tại", "có", "là", "đến", "với") or \
                (w[0].isupper() and _name_at(v.flat, j + 1, need_surname=True)):
            break
        end = k
        words += 1
    return " ".join(v.text[pos:end].split()), end


def find_people(v: Views, bf: BodyFinder) -> list[Person]:
    """People named in the text, once each (the first post seen)."""
    found: dict[str, Person] = {}

    def add(name: str, role: str | None, start: int, end: int) -> None:
        if role and role.isupper():
            role = role[0] + role[1:].lower()
        if name not in found:
            found[name] = Person(name, role, _body_in(bf, start, end), start, end)
        elif found[name].role is None and role:
            found[name].role = role

    for _, pos in hits(v, HON_TABLE):
        while pos < len(v.flat) and v.flat[pos] == " ":
            pos += 1
        got = _name_at(v.flat, pos, need_surname=False, text=v.text)
        if not got:
            continue
        name, end = got
        role = None
        d = _DASH.match(v.flat, end)
        if d:
            r = _role_at(v, d.end())
            if r:
                role = r[0]
        add(name, role, pos, end)
    # "Chủ tịch UBND phường Lương Hồng Điệp": a post, then a name with a known surname
    for ps, _ in hits(v, POST_TABLE):
        if not v.flat[ps].isupper() or not _SURNAME_RX.search(v.flat, ps, ps + 160):
            continue    # no known surname close after the post: no name follows it
        r = _role_at(v, ps)
        if not r:
            continue
        pos = r[1]
        while pos < len(v.flat) and v.flat[pos] in " ,:":
            pos += 1
        got = _name_at(v.flat, pos, need_surname=True, text=v.text)
        if got and got[0] not in found:
            add(got[0], r[0], pos, got[1])
    # a signature block: a title line in capitals, blank lines, then the name
    for m in _SIGNATURE.finditer(v.text):
        title, name = m.group(1).strip(), m.group(2).strip()
        if not title.isupper():
            continue
        folded = _bare(title).strip()
        if folded.endswith(_SIGN_ENDS) and _SIGN_RX.search(folded):
            got = _name_at(name, 0, need_surname=False)
            if got and got[0] == name:
                add(name, title, m.start(2), m.start(2) + len(name))
    for m in _LUU.finditer(v.text):
        add(m.group(1).replace(" ", ""), "người soạn thảo", m.start(1), m.end(1))
    return list(found.values())


def _body_in(bf: BodyFinder, start: int, end: int) -> str | None:
    for s, _, k in bf.ending_in(end, end + 120):
        if end <= s <= end + 60:
            return k
    return None


_EVENTS = ("hoi nghi so ket", "hoi nghi tong ket", "hoi nghi doi thoai", "buoi doi thoai",
           "doi thoai truc tiep", "hoi nghi", "le ky niem", "dai hoi")
EVENT_TABLE = register("event", _EVENTS)
_PAGE_META = re.compile(r"(?:ngay dang|luot xem|view count|luot doc|cap nhat)")


def find_events(v: Views, bf: BodyFinder, docs: Docs) -> list[Event]:
    """Conferences and dialogues, with the dates of their sentence (not page dates)."""
    out: list[Event] = []
    seen: set[str] = set()
    for ms, me in hits(v, EVENT_TABLE):
        kind = v.bare[ms:me]
        kind_key = ("so-ket" if "so ket" in kind else "tong-ket" if "tong ket" in kind else
                    "doi-thoai" if "doi thoai" in kind else "ky-niem" if "ky niem" in kind else
                    "dai-hoi" if "dai hoi" in kind else "hoi-nghi")
        end = me
        while end < len(v.text) and end < me + 120 and v.text[end] not in ".;\n,":
            end += 1
        label = " ".join(v.text[ms:end].split())
        sent_end = v.text.find(".", me, me + 600)   # bounded: a sentence, not the text
        sent_end = min(len(v.text), me + 600) if sent_end < 0 else sent_end
        line_start = v.text.rfind("\n", max(0, ms - 31), ms) + 1   # only the last 30 count
        dates = [d.iso for d in all_dates(v.bare, me, sent_end)
                 if not _PAGE_META.search(v.bare[max(line_start, d.start - 30):d.start])]
        reviews = None
        for mm in docs.mentions:
            if me <= mm.start < end + 40 and mm.key:
                reviews = mm.key
                break
        if kind_key in ("hoi-nghi",) and not dates:
            continue
        sig = f"{kind_key}:{dates[:1]}"
        if sig in seen:
            continue
        seen.add(sig)
        out.append(Event(kind_key, label, dates[0] if dates else None, None, reviews,
                         ms, end))
        if len(dates) > 1:
            for d in dates[1:]:
                out.append(Event(kind_key, label, d, None, reviews, ms, end))
    return out
