"""Source metadata found in text: the corpus front matter, dates, the page's posting date.

These are facts about the *source* (where it came from, when it was posted), which later
stages must not mistake for facts about the documents the text talks about.
"""
from __future__ import annotations

import datetime as dt
import re

_FRONT_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,30})[ \t]*:[ \t]*(.*)")
_URL = re.compile(r"https?://\S+\Z")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a leading `key: value` block closed by a `---` line from the text after it.

    The corpus writes where a text comes from this way (`source:`, `kind:`); it is metadata,
    not text to extract from. Text without such a block comes back unchanged.

    >>> split_front_matter("source: https://x.vn/a\\nkind: news\\n---\\nNội dung")
    ({'source': 'https://x.vn/a', 'kind': 'news'}, 'Nội dung')
    >>> split_front_matter("Số: 12/KH-UBND\\n---\\nx")[0]      # one key is not enough
    {}
    """
    lines = text.split("\n", 41)
    meta: dict[str, str] = {}
    for i, line in enumerate(lines[:41]):
        if line.strip() == "---":
            if meta and (i >= 2 or {"source", "kind", "url", "title"} & meta.keys()):
                return meta, "\n".join(lines[i + 1:])
            return {}, text
        match = _FRONT_KEY.fullmatch(line.strip())
        if not match:
            return {}, text
        meta[match.group(1).lower()] = match.group(2).strip()
    return {}, text


def is_url(value: str | None) -> bool:
    """Whether a front-matter value is a web address rather than a description."""
    return bool(value and _URL.match(value.strip()))


_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def iso_date(value: object) -> str | None:
    """An ISO date from the forms registers and pages use, or None when it is not a date.

    >>> [iso_date(v) for v in ("06/07/2022", "2026-05-19", "2025-10-10T08:45:00+07:00",
    ...                        "5-3-2021", "31/02/2020", "Dữ liệu đang cập nhật", None)]
    ['2022-07-06', '2026-05-19', '2025-10-10', '2021-03-05', None, None, None]
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    match = _YMD.match(value)
    if match:
        y, m, d = (int(g) for g in match.groups())
    else:
        match = _DMY.fullmatch(value) or _DMY.match(value)
        if not match:
            return None
        d, m, y = (int(g) for g in match.groups())
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


# Web pages print their posting date near the top: "Ngày đăng 06/07/2022 | 08:45".
_POSTED = re.compile(
    r"(?:Ngày đăng|Đăng ngày|Ngày xuất bản|Ngày cập nhật|Cập nhật(?: lúc)?|Thời gian đăng)"
    r"\s*:?\s*(?:\d{1,2}:\d{2}\s*(?:,|-)?\s*)?(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4})",
    re.IGNORECASE,
)


def find_posted_date(text: str, *, within: int = 3000) -> str | None:
    """The page's own posting date from a "Ngày đăng dd/mm/yyyy" line near the top, as ISO.

    >>> find_posted_date("Tin tức\\nNgày đăng 06/07/2022 | 08:45 | Lượt xem: 97\\n…")
    '2022-07-06'
    """
    match = _POSTED.search(text[:within])
    return iso_date(match.group(1)) if match else None
