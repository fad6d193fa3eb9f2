"""The article of an HTML page as text, with the page's title, posting date and address.

A small tokenizer of our own feeds a flat tree walked with explicit stacks, so 10,000 nested
elements cost no recursion, and every input is read in linear time: the standard library's
`html.parser` (Python 3.11) takes minutes on a few kilobytes of unclosed tags ("<a <a <a…"),
and libxml2 silently cuts trees deeper than 256 levels. Scripts, styles, navigation, forms
and hidden elements never reach the text; attributes (event handlers, `javascript:` links)
are never text at all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from kg.read.meta import find_posted_date, iso_date

_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr"
                  .split())
# Subtrees whose text is never article text.
_SKIP = frozenset("script style noscript template svg math iframe object canvas head title "
                  "select button textarea option datalist nav aside menu dialog".split())
_BLOCK_PARA = frozenset("p h1 h2 h3 h4 h5 h6 table ul ol dl blockquote pre section article "
                        "figure header footer main address hr".split())
_BLOCK_LINE = frozenset("div li tr dt dd br caption figcaption form fieldset legend center"
                        .split())
_CELL = frozenset(("td", "th"))
_AUTO_CLOSE = frozenset("p li dt dd tr td th option".split())
# class/id words that mark page furniture inside a content area.
_FURNITURE = frozenset(
    "nav navbar navigation menu breadcrumb breadcrumbs sidebar footer share sharing social "
    "comment comments related advert advertisement ads banner cookie popup modal toolbar "
    "pagination tags tag-list print-button".split())
_CONTENT_HINTS = frozenset(
    "content article detail details news-detail article-body articlebody post entry "
    "entry-content post-content fulltext toanvan noidung main-content story body-text"
    .split())
_PUBLISHED_META = frozenset((
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "date", "dc.date", "dc.date.issued", "dcterms.issued", "citation_date",
    "citation_publication_date", "sailthru.date", "parsely-pub-date",
))
_SPLIT = re.compile(r"[\s_]+")
_NO_WORDS: frozenset[str] = frozenset()
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WS = re.compile(r"[ \t\r\n\f\v]+")


@dataclass
class HtmlPage:
    """What a page offers: its article text and the page's own metadata."""

    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class _Node:
    tag: str
    parent: int
    words: frozenset[str]
    skip: bool
    items: list[str | int] = field(default_factory=list)   # text, or index of a child node


# A start or end tag. Attribute names stop at "<" and every repetition is possessive, so a
# failed match ends at the next "<" or closing quote: no input makes matching quadratic.
_TAG = re.compile(
    r"""<(/?)([A-Za-z][A-Za-z0-9:._-]*+)((?:\s++[^\s/>"'=<]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'"""
    r"""|[^\s>"'<`=]++))?+|\s*+/(?!>))*+)\s*+(/?)>"""
)
_ATTR = re.compile(r"""([^\s/>"'=<]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"'<`=]+)))?""")
_RAW_TEXT = frozenset("script style xmp iframe noembed noframes noscript".split())
_RCDATA = frozenset(("title", "textarea"))


def tokenize(markup: str, sink: _TreeBuilder) -> None:
    """Feed `markup`'s tags and text to `sink`, in one left-to-right pass."""
    i, n = 0, len(markup)
    while i < n:
        j = markup.find("<", i)
        if j < 0:
            sink.handle_data(unescape(markup[i:]))
            return
        if j > i:
            sink.handle_data(unescape(markup[i:j]))
        if markup.startswith("<!--", j):
            k = markup.find("-->", j + 4)
            i = n if k < 0 else k + 3
            continue
        if markup.startswith("<![CDATA[", j):
            k = markup.find("]]>", j + 9)
            sink.handle_data(markup[j + 9:n if k < 0 else k])
            i = n if k < 0 else k + 3
            continue
        if markup.startswith(("<!", "<?"), j):
            k = markup.find(">", j + 2)
            i = n if k < 0 else k + 1
            continue
        match = _TAG.match(markup, j)
        if match is None:
            sink.handle_data("<")
            i = j + 1
            continue
        i = match.end()
        name = match.group(2).lower()
        if match.group(1):
            sink.handle_endtag(name)
            continue
        raw_attrs = match.group(3)
        attrs = [(m.group(1).lower(), unescape(m.group(2) or m.group(3) or m.group(4) or ""))
                 for m in _ATTR.finditer(raw_attrs)] if raw_attrs else []
        sink.handle_starttag(name, attrs)
        if match.group(4):
            sink.handle_endtag(name)
        elif name in _RAW_TEXT or name in _RCDATA:
            close = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE).search(markup, i)
            k = close.start() if close else n
            body = markup[i:k]
            sink.handle_data(unescape(body) if name in _RCDATA else body)
            sink.handle_endtag(name)
            i = close.end() if close else n


class _TreeBuilder:
    """Flat tree of the page plus the metadata in <head>."""

    def __init__(self) -> None:
        self.nodes: list[_Node] = [_Node("#root", -1, frozenset(), False)]
        self.stack: list[int] = [0]
        self.open_count: dict[str, int] = {}
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.canonical: str | None = None
        self._in_title = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str]]) -> None:
        a = {k: v for k, v in reversed(attrs)}         # the first of repeated names wins
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and "content" in a and key not in self.meta:
                self.meta[key] = a["content"]
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.canonical = self.canonical or a.get("href") or None
        elif tag == "title":
            self._in_title += 1
        if tag in _VOID:
            if tag in ("br", "hr"):
                self.nodes[self.stack[-1]].items.append("\n")
            return
        if tag in _AUTO_CLOSE and self.nodes[self.stack[-1]].tag == tag:
            self._pop()
        parent = self.stack[-1]
        words: frozenset[str] = _NO_WORDS
        hidden = False
        if a:
            words = frozenset(w for w in _SPLIT.split(f"{a.get('class', '')} {a.get('id', '')}"
                                                      .lower()) if w)
            hidden = "hidden" in a or a.get("aria-hidden") == "true" or (
                "style" in a and _HIDDEN_STYLE.search(a["style"]) is not None)
            itemprop = a.get("itemprop", "").lower()
            if itemprop:
                words = words | {f"itemprop:{itemprop}"}
            if a.get("role"):
                words = words | {f"role:{a['role'].lower()}"}
            if tag == "time" and ("pubdate" in a or itemprop == "datepublished") and \
                    a.get("datetime"):
                self.meta.setdefault("datepublished", a["datetime"])
        skip = self.nodes[parent].skip or tag in _SKIP or hidden
        index = len(self.nodes)
        self.nodes.append(_Node(tag, parent, words, skip))
        self.nodes[parent].items.append(index)
        self.stack.append(index)
        self.open_count[tag] = self.open_count.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title -= 1
        if not self.open_count.get(tag):
            return                                  # stray end tag: ignore, in O(1)
        while len(self.stack) > 1:
            if self._pop() == tag:
                break

    def _pop(self) -> str:
        tag = self.nodes[self.stack.pop()].tag
        self.open_count[tag] -= 1
        return tag

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        self.nodes[self.stack[-1]].items.append(data)


def _render(nodes: list[_Node], start: int, drop: frozenset[str]) -> str:
    """Text of the subtree at `start`, leaving out skipped nodes and `drop` furniture."""
    out: list[str] = []
    work: list[str | int] = [start]
    while work:
        item = work.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        node = nodes[item]
        if node.skip or (item != start and (node.words & drop or node.tag in drop)):
            continue
        if node.tag == "pre":
            out.append("\n\n")
            work.append("\n\n")
            work.extend(reversed(["\x00" + x if isinstance(x, str) else x for x in node.items]))
            continue
        sep = "\n\n" if node.tag in _BLOCK_PARA else "\n" if node.tag in _BLOCK_LINE else \
            "\t" if node.tag in _CELL else ""
        if sep:
            out.append(sep)
            work.append(sep)
        work.extend(reversed(node.items))
    return _tidy(out)


def _tidy(pieces: list[str]) -> str:
    """Join rendered pieces: collapse white space except in <pre>, at most one blank line."""
    out: list[str] = []
    space = True                      # the output ends in white space: drop leading spaces
    for piece in pieces:
        if piece in ("\n", "\n\n", "\t"):
            out.append(piece)
            space = True
        elif piece.startswith("\x00"):
            out.append(piece[1:])
            space = piece.endswith((" ", "\n", "\t"))
        else:
            piece = _WS.sub(" ", piece)
            if space and piece.startswith(" "):
                piece = piece[1:]
            if piece:
                out.append(piece)
                space = piece.endswith(" ")
    text = "\n".join(line.strip(" ") for line in "".join(out).split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return re.sub(r"[ \t]*\t[ \t]*", "\t", text).strip()


def _sizes(nodes: list[_Node]) -> list[int]:
    """Visible text length of every subtree; children always come after their parent."""
    size = [0] * len(nodes)
    for i in range(len(nodes) - 1, -1, -1):
        node = nodes[i]
        if node.skip:
            continue
        own = sum(len(x.strip()) for x in node.items if isinstance(x, str))
        size[i] += own
        if node.parent >= 0:
            size[node.parent] += size[i]
    return size


def _main_node(nodes: list[_Node]) -> tuple[int, str]:
    """The node that holds the article, and how it was chosen."""
    size = _sizes(nodes)
    body = next((i for i, n in enumerate(nodes) if n.tag == "body"), 0)
    total = max(1, size[body])
    semantic = [i for i, n in enumerate(nodes) if not n.skip and (
        n.tag in ("article", "main") or "itemprop:articlebody" in n.words
        or "role:main" in n.words)]
    hinted = [i for i, n in enumerate(nodes) if not n.skip and n.words & _CONTENT_HINTS]
    for group, how in ((semantic, "article element"), (hinted, "content block")):
        if group:
            best = max(group, key=lambda i: size[i])
            if size[best] >= 0.15 * total and size[best] >= 40:
                return best, how
    return body, "whole page"


def html_to_page(markup: str) -> HtmlPage:
    """Extract the article text, title, posting date and canonical address of a page.

    >>> page = html_to_page('<html><head><title>Tin - Cổng</title>'
    ...     '<meta property="article:published_time" content="2022-07-06T08:45:00+07:00">'
    ...     '</head><body><nav>Trang chủ | Tin tức</nav><article><h1>Hội nghị sơ kết</h1>'
    ...     '<p onclick="steal()">Phường tổ chức hội nghị.</p><script>var x=1;</script>'
    ...     '</article></body></html>')
    >>> page.text, page.title, page.published
    ('Hội nghị sơ kết\\n\\nPhường tổ chức hội nghị.', 'Hội nghị sơ kết', '2022-07-06')
    """
    builder = _TreeBuilder()
    tokenize(markup, builder)
    nodes = builder.nodes
    main, how = _main_node(nodes)
    drop = _FURNITURE | (frozenset(("header", "footer")) if how == "whole page" else frozenset())
    text = _render(nodes, main, drop)
    notes = [f"HTML: kept the {how}" + ("" if how == "whole page" else
                                         f" <{nodes[main].tag}>")]
    meta = builder.meta
    title = meta.get("og:title") or _first_heading(nodes, main) or \
        _WS.sub(" ", "".join(builder.title_parts)).strip() or None
    published = None
    for key in _PUBLISHED_META:
        if key in meta and iso_date(meta[key]):
            published = iso_date(meta[key])
            break
    if published is None:
        published = find_posted_date(text)
    url = builder.canonical or meta.get("og:url") or None
    return HtmlPage(text=text, title=title.strip() if title else None, published=published,
                    url=url, notes=notes)


def _first_heading(nodes: list[_Node], main: int) -> str | None:
    for i in range(main, len(nodes)):
        node = nodes[i]
        if node.tag == "h1" and not node.skip and _within(nodes, i, main):
            text = _render(nodes, i, frozenset())
            if text:
                return text
    return None


def _within(nodes: list[_Node], i: int, ancestor: int) -> bool:
    while i > ancestor:
        i = nodes[i].parent
    return i == ancestor


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag within its first 4 KB, if any."""
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None
