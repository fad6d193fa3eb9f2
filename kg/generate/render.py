"""Texts of generated documents and news articles, with what they say as an Extraction.

The prose is ours (templates written for this project), laid out as real documents are:
issuer and national motto, "Số:" line, place and date, type and title, the Căn cứ /
Thực hiện preamble, numbered sections, the signature. Each text is built together with
its `Extraction` (documents, links with the sentence as evidence and its character span,
bodies with their hierarchy, the signer), so that the N-Quads dump says exactly what a
perfect extractor would read from the text.
"""
from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import date

from kg.extract.model import Body as XBody
from kg.extract.model import DocumentRef, Event, Extraction, Person, Relation
from kg.extract.tables import DOC_TYPES
from kg.generate.admin import Bodies, Body
from kg.generate.corpus import TOPICS, Doc, News

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý", "Lương", "Đinh", "Trịnh", "Đào", "Mai")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Ngọc", "Xuân", "Hồng",
          "Thu", "Anh", "Công", "Bá", "Đình", "Kim", "Mạnh", "Tiến")
GIVEN = ("Hùng", "Lan", "Dũng", "Hà", "Tuấn", "Hương", "Sơn", "Mai", "Long", "Thảo", "Bình",
         "Hòa", "Nam", "Ngân", "Phong", "Yến", "Quân", "Trang", "Cường", "Linh", "Thắng",
         "Huyền", "Khánh", "Vinh", "Hải", "Nga", "Tâm", "Trung", "Điệp", "Lâm")

_POST = {"ubnd": ("CHỦ TỊCH", "Chủ tịch"), "hdnd": ("CHỦ TỊCH", "Chủ tịch"),
         "thanh-uy": ("BÍ THƯ", "Bí thư"), "quan-uy": ("BÍ THƯ", "Bí thư"),
         "dang-uy": ("BÍ THƯ", "Bí thư"), "chinh-phu": ("THỦ TƯỚNG", "Thủ tướng"),
         "thu-tuong": ("THỦ TƯỚNG", "Thủ tướng"), "bo": ("BỘ TRƯỞNG", "Bộ trưởng"),
         "quoc-hoi": ("CHỦ TỊCH QUỐC HỘI", "Chủ tịch Quốc hội"),
         "ubtvqh": ("CHỦ TỊCH QUỐC HỘI", "Chủ tịch Quốc hội"),
         "ban-chap-hanh-trung-uong": ("TỔNG BÍ THƯ", "Tổng Bí thư"),
         "bo-chinh-tri": ("TỔNG BÍ THƯ", "Tổng Bí thư"),
         "ban-bi-thu": ("THƯỜNG TRỰC BAN BÍ THƯ", "Thường trực Ban Bí thư")}

# Our own sentences for the body of a plan or resolution; {t} is the topic, {b} the body.
PURPOSE = (
    "Quán triệt sâu sắc các quan điểm, mục tiêu, nhiệm vụ về {t}; tạo chuyển biến rõ rệt "
    "trong nhận thức và hành động của cán bộ, đảng viên và Nhân dân.",
    "Xác định cụ thể nội dung công việc, thời hạn hoàn thành và trách nhiệm của từng cơ quan, "
    "đơn vị trong việc {t} trên địa bàn.",
    "Bảo đảm sự lãnh đạo thống nhất của cấp ủy, sự quản lý, điều hành của chính quyền, phát "
    "huy vai trò giám sát của Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội.",
    "Việc triển khai phải nghiêm túc, thiết thực, phù hợp với điều kiện thực tế của địa phương, "
    "tránh hình thức, lãng phí.",
)
TASKS = (
    "Tổ chức học tập, quán triệt nội dung văn bản đến toàn thể cán bộ, đảng viên; hoàn thành "
    "trong quý {q} năm {y}.",
    "Rà soát, sửa đổi, bổ sung các quy chế, quy định có liên quan đến {t}.",
    "Đẩy mạnh công tác thông tin, tuyên truyền trên các phương tiện thông tin đại chúng và hệ "
    "thống truyền thanh cơ sở.",
    "Bố trí nguồn lực, kinh phí từ ngân sách và các nguồn hợp pháp khác để thực hiện các nhiệm "
    "vụ đề ra.",
    "Tăng cường kiểm tra, giám sát; định kỳ sáu tháng, hằng năm sơ kết, đánh giá kết quả và "
    "báo cáo cấp trên.",
    "Phát hiện, biểu dương, khen thưởng kịp thời các tập thể, cá nhân có thành tích tiêu biểu.",
    "Xây dựng cơ sở dữ liệu, ứng dụng công nghệ thông tin trong theo dõi, đánh giá việc thực "
    "hiện.",
)
NEWS_FILL = (
    "Các ý kiến tham luận tập trung làm rõ kết quả đạt được, những khó khăn, vướng mắc và "
    "kiến nghị, đề xuất giải pháp trong thời gian tới.",
    "Hội nghị đánh giá, công tác lãnh đạo, chỉ đạo được triển khai kịp thời, đồng bộ; nhận thức "
    "của cán bộ, đảng viên và Nhân dân có nhiều chuyển biến tích cực.",
    "Bên cạnh kết quả đạt được, việc thực hiện ở một số nơi còn chậm, nguồn lực còn hạn chế, "
    "công tác phối hợp giữa các ngành chưa thật chặt chẽ.",
    "Dịp này, nhiều tập thể và cá nhân có thành tích xuất sắc đã được khen thưởng.",
    "Phát biểu kết luận, đồng chí {p} đề nghị các chi bộ, cơ quan, đơn vị tiếp tục quán triệt, "
    "cụ thể hóa nhiệm vụ phù hợp với tình hình thực tế, phấn đấu hoàn thành các chỉ tiêu đề ra.",
)
NEWS_KIND = {"so-ket": ("sơ kết", "Hội nghị sơ kết"), "tong-ket": ("tổng kết", "Hội nghị tổng kết"),
             "trien-khai": ("triển khai", "Hội nghị triển khai")}


def person(body: Body, day: date) -> str:
    """The head of `body` in the term of `day` (the same name across its documents)."""
    term = 2016 if day.year < 2021 else 2021
    h = zlib.crc32(f"{body.key}|{term}".encode())
    return f"{SURNAMES[h % 20]} {MIDDLE[(h >> 5) % 18]} {GIVEN[(h >> 10) % 30]}"


def vi_date(d: date) -> str:
    return f"ngày {d.day:02d} tháng {d.month} năm {d.year}"


def short_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def type_vi(d: Doc) -> str:
    return DOC_TYPES[d.type].vi


def title(d: Doc) -> str:
    """The title of a document (after its type word)."""
    if d.title:
        return d.title
    t = TOPICS[d.topic]
    for rel, target in d.rels:
        if rel == "amends":
            return f"sửa đổi, bổ sung một số điều của {type_vi(target)} số {target.id}"
        if rel == "replaces":
            return f"về {t} (thay thế {type_vi(target)} số {target.id})"
        if rel == "details":
            return f"quy định chi tiết một số điều của {type_vi(target)} số {target.id}"
        if rel == "guides":
            return f"hướng dẫn thực hiện {type_vi(target)} số {target.id}"
        if rel == "implements":
            return f"thực hiện {type_vi(target)} số {target.id} về {t}"
    return f"về {t}"


class _Builder:
    """Accumulates text and the spans of what it says."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, s: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(s)
        self.pos += len(s)
        return start, self.pos

    def text(self) -> str:
        return "".join(self.parts)


def _chain(bodies: Bodies, body: Body, out: dict[str, XBody]) -> None:
    """Add `body` and the bodies above it, as the extractor places them."""
    b: Body | None = body
    while b is not None and b.key not in out:
        out[b.key] = XBody(b.key, b.name, b.kind, b.level, b.place, b.parent)
        b = bodies.by_key.get(b.parent) if b.parent else None


def doc_key(d: Doc) -> str:
    return f"{d.id}@{d.issuer.key}"


def ref(d: Doc, mention: str, start: int, end: int, *, self_: bool = False) -> DocumentRef:
    symbol = d.id.split("/", 1)[1] if "/" in d.id and d.form != "party" else d.id.split("-", 1)[-1]
    return DocumentRef(key=doc_key(d), id=d.id, type=d.type, number=str(d.number or
                       d.id.split("/")[0].split("-")[0]), year=d.year, symbol=symbol,
                       issuer=d.issuer.key, date=d.day.isoformat(),
                       title=title(d) if self_ else None,
                       signer=person(d.issuer, d.day) if self_ else None,
                       mention=mention, start=start, end=end, self=self_)


_EVIDENCE = {
    "based_on": "Căn cứ {m} {date} của {who};",
    "implements": "Thực hiện {m} {date} của {who} về {t};",
    "details": "{T} này quy định chi tiết một số điều của {m} {date} của {who}.",
    "guides": "{T} này hướng dẫn thực hiện {m} {date} của {who}.",
    "amends": "Sửa đổi, bổ sung một số điều của {m} {date} của {who} như sau:",
    "replaces": "{T} này thay thế {m} {date} của {who}.",
}


def render_doc(d: Doc, bodies: Bodies, *, seed: int) -> tuple[str, Extraction, str]:
    """The text of a document, what it says, and its kind (for the text's header)."""
    b = _Builder()
    kind = {"party": "party", "state": "legal"}.get(d.form, "plan" if d.type == "ke-hoach"
                                                      else "administrative")
    b.add(f"source: generated by kg generate (seed {seed}, document {d.idx})\n"
          f"kind: {kind}\n---\n")
    issuer = d.issuer
    b.add("\n".join(issuer.header) + "\n")
    b.add("ĐẢNG CỘNG SẢN VIỆT NAM\n" if d.form == "party" else
          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n")
    b.add("Số: " if d.form != "party" else "Số ")
    s0, s1 = b.add(d.id)
    b.add(f"\n{issuer.seat}, {vi_date(d.day)}\n\n{type_vi(d).upper()}\n")
    docs = [ref(d, d.id, s0, s1, self_=True)]
    b.add(title(d)[0].upper() + title(d)[1:] + "\n\n")
    xb: dict[str, XBody] = {}
    _chain(bodies, issuer, xb)
    rels: list[Relation] = []
    T = type_vi(d)
    body_rels = [(r, t) for r, t in d.rels if r in ("details", "guides", "amends", "replaces")]
    for rel, target in [(r, t) for r, t in d.rels if r not in dict(body_rels)]:
        _say(b, d, rel, target, T, docs, rels, xb, bodies)
        b.add("\n")
    if d.form == "party":
        b.add(f"Ban Thường vụ {issuer.name} xây dựng {T.lower()} như sau:\n\n")
    else:
        b.add(f"{issuer.name} ban hành {T} {title(d)}.\n\n")
    h = zlib.crc32(d.id.encode() + issuer.key.encode())
    b.add("I. MỤC ĐÍCH, YÊU CẦU\n")
    for i in range(2):
        b.add(f"{i + 1}. " + PURPOSE[(h + i) % len(PURPOSE)].format(t=TOPICS[d.topic]) + "\n")
    b.add("\nII. NHIỆM VỤ, GIẢI PHÁP\n")
    for rel, target in body_rels:
        _say(b, d, rel, target, T, docs, rels, xb, bodies)
        b.add("\n")
    for i in range(3 + h % 3):
        task = TASKS[((h >> 3) + i) % len(TASKS)]
        b.add(f"{i + 1}. " + task.format(t=TOPICS[d.topic], q=1 + (d.day.month - 1) // 3,
                                         y=d.year) + "\n")
    b.add("\nIII. TỔ CHỨC THỰC HIỆN\nCác cơ quan, đơn vị căn cứ nhiệm vụ được giao xây dựng "
          "kế hoạch cụ thể, tổ chức thực hiện và báo cáo kết quả về cơ quan thường trực.\n\n")
    post, post_vi = _POST.get(issuer.kind, ("THỦ TRƯỞNG", "Thủ trưởng"))
    name = person(issuer, d.day)
    b.add(("T/M BAN THƯỜNG VỤ" if d.form == "party" else f"TM. {issuer.name.upper()}")
          + f"\n{post}\n")
    p0, p1 = b.add(name)
    b.add("\n")
    ex = Extraction(source="", documents=docs, relations=rels, bodies=list(xb.values()),
                    people=[Person(name, post_vi, issuer.key, p0, p1)])
    return b.text(), ex, kind


def _say(b: _Builder, d: Doc, rel: str, target: Doc, T: str, docs: list[DocumentRef],
         rels: list[Relation], xb: dict[str, XBody], bodies: Bodies) -> None:
    """One sentence stating `rel` to `target`, recorded as a mention and a link."""
    tmpl = _EVIDENCE[rel]
    mention = f"{type_vi(target)} số {target.id}"
    if target.title and target.type == "luat":
        mention = f"{target.title} số {target.id}"
    before, after = tmpl.split("{m}")
    head = before.format(T=T)
    tail = after.format(date=vi_date(target.day) if rel == "based_on" else
                        f"ngày {short_date(target.day)}", who=target.issuer.name,
                        t=TOPICS[target.topic])
    start = b.pos
    b.add(head)
    m0, m1 = b.add(mention)
    b.add(tail)
    key = doc_key(target)
    if all(x.key != key for x in docs):
        docs.append(ref(target, mention, m0, m1))
    _chain(bodies, target.issuer, xb)
    rels.append(Relation(doc_key(d), rel, key, head + mention + tail, start, b.pos))


def render_news(n: News, bodies: Bodies, *, seed: int) -> tuple[str, Extraction, str]:
    """A news article about a body reviewing or launching its work on a document."""
    b = _Builder()
    d = n.doc
    word, event = NEWS_KIND[n.kind]
    b.add(f"source: generated by kg generate (seed {seed}, news {n.idx})\nkind: news\n---\n")
    who = n.body
    b.add(f"{who.short} {word} việc thực hiện {type_vi(d)} số {d.id}\n\n")
    docs: list[DocumentRef] = []
    rels: list[Relation] = []
    xb: dict[str, XBody] = {}
    _chain(bodies, who, xb)
    start = b.pos
    b.add(f"Ngày {short_date(n.day)}, {who.name} tổ chức {event.lower()} việc thực hiện ")
    m0, m1 = b.add(f"{type_vi(d)} số {d.id}")
    b.add(f" ngày {short_date(d.day)} về {TOPICS[d.topic]}. ")
    docs.append(ref(d, f"{type_vi(d)} số {d.id}", m0, m1))
    events = [Event(n.kind, f"{event} {type_vi(d)} số {d.id}", n.day.isoformat(), who.key,
                    doc_key(d), start, b.pos)]
    parent = d.parent
    if parent is not None:
        s = b.pos
        b.add(f"Theo báo cáo, sau khi {type_vi(parent)} số ")
        p0, p1 = b.add(parent.id)
        b.add(f" của {parent.issuer.name} được ban hành, {who.short} đã kịp thời cụ thể hóa "
              f"bằng {type_vi(d)} số {d.id}. ")
        docs.append(ref(parent, parent.id, p0, p1))
        _chain(bodies, parent.issuer, xb)
        rels.append(Relation(doc_key(d), "implements", doc_key(parent),
                             b.text()[s:], s, b.pos))
    b.add("\n\n")
    for body, type_, count in n.counts:
        _chain(bodies, body, xb)
        s = b.pos
        b.add(f"Đến nay, {body.name} đã ban hành ")
        c0, c1 = b.add(f"{count:02d} {DOC_TYPES[type_].vi.lower()}")
        b.add(f" để triển khai thực hiện {type_vi(d)} số {d.id}. ")
        key = f"unnumbered: {body.key}, {type_}, {count}"
        docs.append(DocumentRef(key=key, id=None, type=type_, issuer=body.key,
                                mention=b.text()[c0:c1], start=c0, end=c1, count=count))
        rels.append(Relation(key, "implements", doc_key(d), b.text()[s:], s, b.pos))
    h = zlib.crc32(f"{seed}|news|{n.idx}".encode())
    speaker_body = bodies.by_key.get(who.parent or "") or who
    speaker = person(speaker_body, n.day)
    post = _POST.get(speaker_body.kind, ("", "Thủ trưởng"))[1]
    b.add("\n\n")
    b.add("Dự hội nghị có đồng chí ")
    q0, q1 = b.add(speaker)
    b.add(f", {post} {speaker_body.name}. ")
    people = [Person(speaker, post, speaker_body.key, q0, q1)]
    _chain(bodies, speaker_body, xb)
    for i in range(3):
        b.add(NEWS_FILL[(h + i) % len(NEWS_FILL)].format(p=speaker) + " ")
    b.add("\n")
    ex = Extraction(source="", documents=docs, relations=rels, bodies=list(xb.values()),
                    people=people, events=events)
    return b.text(), ex, "news"


@dataclass
class GeneratedSource:
    """What kg.rdf.Emitter needs of a source (the SourceLike protocol)."""

    locator: str
    name: str
    sha256: str
    media_type: str
    text: str
    title: str | None
    published: str | None
    url: str | None = None


def source_of(name: str, text: str, day: date, title_: str) -> GeneratedSource:
    raw = text.encode("utf-8")
    return GeneratedSource(locator=f"generated:{name}", name=name,
                           sha256=hashlib.sha256(raw).hexdigest(), media_type="text/plain",
                           text=text, title=title_, published=day.isoformat())
