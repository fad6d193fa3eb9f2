"""The generated corpus: implementation cascades down Vietnam's administrative tree.

Documents are made cascade by cascade, as they are in practice: a national resolution
(Party Central Committee, National Assembly, Government) is implemented by provinces'
Party committees and People's Committees after a lag of weeks, their plans by districts,
and theirs by communes; laws are detailed by decrees and guided by ministries' circulars;
provinces start cascades of their own; normative documents are later amended or replaced.
Numbers are assigned afterwards in date order, per issuer and year (state documents,
Nghị định 30/2020/NĐ-CP Phụ lục I) or per type within a Party committee's term (Quy định
66-QĐ/TW), with gaps for the documents the corpus does not hold. Everything is drawn from
one `random.Random(seed)`: the same seed gives the same corpus.
"""
from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from kg.generate.admin import Bodies, Body, Unit, bodies, tree

START = date(2016, 1, 1)
END = date(2024, 12, 31)     # the pre-2025 tree: districts were abolished on 1/7/2025

# Topics of policy (our own wording), each with the phrase used in titles.
TOPICS = (
    "chuyển đổi số và phát triển chính quyền số",
    "đẩy mạnh cải cách hành chính, cải thiện môi trường đầu tư",
    "phòng, chống tham nhũng, lãng phí, tiêu cực",
    "xây dựng nông thôn mới nâng cao và kiểu mẫu",
    "bảo đảm trật tự an toàn giao thông",
    "phát triển kinh tế tư nhân",
    "bảo vệ môi trường và ứng phó với biến đổi khí hậu",
    "xây dựng, chỉnh đốn Đảng và hệ thống chính trị",
    "thực hành tiết kiệm, chống lãng phí",
    "phát triển văn hóa, xây dựng con người Việt Nam",
    "nâng cao hiệu quả công tác dân vận",
    "phát triển nguồn nhân lực chất lượng cao",
    "tăng cường quản lý đất đai và tài nguyên",
    "bảo đảm an sinh xã hội và giảm nghèo bền vững",
    "phổ biến, giáo dục pháp luật cho Nhân dân",
    "phát triển giáo dục và đào tạo",
    "chăm sóc, bảo vệ và nâng cao sức khỏe Nhân dân",
    "phòng cháy, chữa cháy và cứu nạn, cứu hộ",
    "sắp xếp đơn vị hành chính cấp huyện, cấp xã",
    "phát triển đô thị bền vững",
    "củng cố quốc phòng, an ninh ở cơ sở",
    "đổi mới, sắp xếp tổ chức bộ máy tinh gọn, hiệu lực, hiệu quả",
    "phát triển du lịch thành ngành kinh tế mũi nhọn",
    "khuyến khích khởi nghiệp đổi mới sáng tạo",
)

# Laws every local document is based on (real numbers and dates: facts, not text).
FOUNDATION = (
    ("77/2015/QH13", "luat", "Luật Tổ chức chính quyền địa phương", date(2015, 6, 19)),
    ("76/2015/QH13", "luat", "Luật Tổ chức Chính phủ", date(2015, 6, 19)),
    ("80/2015/QH13", "luat", "Luật Ban hành văn bản quy phạm pháp luật", date(2015, 6, 22)),
    ("47/2019/QH14", "luat", "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và "
     "Luật Tổ chức chính quyền địa phương", date(2019, 11, 22)),
    ("63/2020/QH14", "luat", "Luật sửa đổi, bổ sung một số điều của Luật Ban hành văn bản "
     "quy phạm pháp luật", date(2020, 6, 18)),
)

# Type key → code written in the symbol.
CODES = {
    "nghi-quyet": "NQ", "ke-hoach": "KH", "chuong-trinh": "CTr", "chi-thi": "CT",
    "ket-luan": "KL", "quyet-dinh": "QĐ", "nghi-dinh": "NĐ", "thong-tu": "TT", "luat": "",
    "huong-dan": "HD", "bao-cao": "BC", "thong-bao": "TB", "cong-van": "", "cong-dien": "CĐ",
    "thong-tri": "TT", "de-an": "ĐA",
}
CV_UNITS = ("VX", "KT", "NC", "TH", "ĐT", "NN", "KGVX", "TCD")


@dataclass(eq=False, slots=True)
class Doc:
    """One generated document; `rels` are (relation, target) pairs it states."""

    idx: int
    issuer: Body
    type: str
    form: str                 # state (n/yyyy/T-I), admin (n/T-I), party (n-T/I), cv (n/I-U)
    day: date
    topic: int
    rels: list[tuple[str, Doc]] = field(default_factory=list, repr=False)
    depth: int = 0
    number: int = 0
    id: str = ""
    title: str = ""
    signer: str = ""
    fixed_id: str = ""
    root: Doc | None = field(default=None, repr=False)

    @property
    def year(self) -> int:
        return self.day.year

    @property
    def parent(self) -> Doc | None:
        for rel, d in self.rels:
            if rel in ("implements", "details", "guides"):
                return d
        return None


@dataclass(slots=True, repr=False)
class News:
    """A news article about a body acting on a document."""

    idx: int
    doc: Doc
    day: date
    body: Body
    counts: list[tuple[Body, str, int]]      # (body, type key, how many)
    kind: str                                # so-ket, tong-ket, trien-khai


@dataclass(repr=False)
class Corpus:
    seed: int
    docs: list[Doc]
    news: list[News]
    bodies: Bodies


def _qh_term(day: date) -> int:
    return 13 if day < date(2016, 7, 20) else 14 if day < date(2021, 7, 20) else 15


def _party_term(body: Body, day: date) -> int:
    """Start year of the committee's term: numbers restart from 01 with each congress.

    Congresses sat mid-year (local ones in 2020, the national one in January 2021); the
    restart is put at a new year so that a number, its committee and its year stay unique,
    which is what the graph's identity of Party documents relies on (kg.ids).
    """
    if body.level == "central":
        return 2016 if day < date(2021, 1, 1) else 2021
    return 2015 if day < date(2021, 1, 1) else 2020


class Generator:
    """Draws a corpus of `n` documents from `seed`."""

    def __init__(self, n: int, seed: int, *, news_ratio: float = 0.2) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.seed = seed
        self.news_ratio = news_ratio
        self.t = tree()
        self.b = bodies()
        self.docs: list[Doc] = []
        # Cascades fill all but a thirtieth; amendments and replacements fill the rest.
        self.limit = n - n // 30
        # Cascades reach fewer districts and communes in a small corpus, so that a 10k corpus
        # still holds many cascades and the type mix of a large one.
        self.scale = min(1.0, max(0.01, n / 300_000))

    # -- helpers ---------------------------------------------------------------------------

    def full(self) -> bool:
        return len(self.docs) >= self.limit

    def add(self, issuer: Body, type_: str, form: str, day: date, topic: int,
            rels: list[tuple[str, Doc]] | None = None, *, root: Doc | None = None) -> Doc | None:
        if self.full() or day > END:
            return None
        depth = 1 + max((d.depth for _, d in rels or []), default=-1)
        d = Doc(len(self.docs), issuer, type_, form, day, topic, list(rels or []), depth,
                root=root)
        self.docs.append(d)
        return d

    def lag(self, median_days: float, sigma: float = 0.6) -> timedelta:
        """A lognormal lag: most steps take about the median, a few take much longer."""
        return timedelta(days=max(1, round(self.rng.lognormvariate(math.log(median_days),
                                                                      sigma))))

    def day(self, lo: date = START, hi: date = date(2023, 12, 31)) -> date:
        return lo + timedelta(days=self.rng.randrange((hi - lo).days + 1))

    def pick(self, units: list[Unit], frac: float) -> list[Unit]:
        k = min(len(units), max(0, round(len(units) * frac + self.rng.random() - 0.5)))
        return self.rng.sample(units, k) if k else []

    def bases(self, issuer: Body, day: date) -> list[tuple[str, Doc]]:
        """The Căn cứ of a state document: the organisation laws in force that day."""
        f = self.foundation
        if issuer.family == "party":
            return []
        if issuer.kind in ("chinh-phu", "thu-tuong", "bo"):
            out = [f[1]] + ([f[3]] if day >= f[3].day else [])
        else:
            out = [f[0]] + ([f[3]] if day >= f[3].day else [])
        return [("based_on", d) for d in out]

    # -- the corpus ------------------------------------------------------------------------

    def run(self) -> Corpus:
        self.foundation = []
        qh = self.b.central("quoc-hoi")
        for ident, type_, title, day in FOUNDATION:
            d = self.add(qh, type_, "state", day, 0)
            if d is None:
                break
            d.fixed_id, d.title = ident, title
            self.foundation.append(d)
        if len(self.foundation) == len(FOUNDATION):
            f = self.foundation
            f[3].rels += [("amends", f[0]), ("amends", f[1])]
            f[4].rels.append(("amends", f[2]))
        kinds = (self.party_national, self.law_national, self.gov_program, self.provincial,
                 self.standalone)
        weights = (0.28, 0.18, 0.18, 0.18, 0.18)
        while not self.full():
            self.rng.choices(kinds, weights)[0]()
        self.limit = self.n
        self.amendments()
        while not self.full():
            self.standalone()
        number(self.docs, self.rng)
        news = self.news()
        return Corpus(self.seed, self.docs, news, self.b)

    def local_chain(self, parents: dict[int, list[Doc]], unit: Unit, day: date, topic: int,
                    root: Doc) -> None:
        """The Party committee and the People's Committee of `unit` act on their parents'."""
        party_parent = parents.get(id(unit.parent), []) if unit.parent else []
        b = self.b
        level = unit.level
        p_type = self.rng.choice(("ke-hoach", "ke-hoach", "chuong-trinh", "nghi-quyet")
                                 if level != "commune" else ("ke-hoach", "nghi-quyet"))
        mine: list[Doc] = []
        ptarget = party_parent[0] if party_parent else root
        pd = self.add(b.party[id(unit)], p_type, "party", day + self.lag(40), topic,
                      [("implements", ptarget)], root=root)
        if pd is not None:
            mine.append(pd)
        if self.rng.random() < 0.8:
            target = pd or ptarget
            up = party_parent[1:2]      # the UBND plan one level up
            u_type = self.rng.choices(("ke-hoach", "quyet-dinh", "cong-van"), (14, 3, 3))[0]
            ud = self.add(b.ubnd[id(unit)], u_type, "cv" if u_type == "cong-van" else "admin",
                          (pd.day if pd else day) + self.lag(25),
                          topic, [("implements", target)] + [("based_on", u) for u in up]
                          + self.bases(b.ubnd[id(unit)], day), root=root)
            if ud is not None:
                mine.append(ud)
        if level == "province" and self.rng.random() < 0.25:
            hd = self.add(b.hdnd[id(unit)], "nghi-quyet", "state", day + self.lag(120), topic,
                          [("implements", root)] + self.bases(b.hdnd[id(unit)], day), root=root)
            if hd is not None:
                mine.append(hd)
        if mine:
            parents[id(unit)] = mine

    def cascade(self, root: Doc, start_units: list[Unit], *, prov_frac: tuple[float, float],
                topic: int) -> None:
        """Carry `root` down: provinces, then their districts, then their communes."""
        parents: dict[int, list[Doc]] = {}
        rng = self.rng
        for prov in self.pick(start_units, rng.uniform(*prov_frac)):
            if self.full():
                return
            self.local_chain(parents, prov, root.day, topic, root)
            if id(prov) not in parents:
                continue
            pday = parents[id(prov)][0].day
            dfrac = rng.uniform(0.3, 0.9) * self.scale ** 0.5
            for dist in self.pick(prov.children, dfrac):
                self.local_chain(parents, dist, pday, topic, root)
                if id(dist) not in parents:
                    continue
                dday = parents[id(dist)][0].day
                cfrac = rng.uniform(0.15, 0.7) * self.scale
                for com in self.pick(dist.children, cfrac):
                    self.local_chain(parents, com, dday, topic, root)

    def party_national(self) -> None:
        rng = self.rng
        issuer = self.b.central(rng.choice(("ban-chap-hanh-trung-uong", "bo-chinh-tri",
                                            "bo-chinh-tri", "ban-bi-thu")))
        type_ = {"ban-bi-thu": rng.choice(("chi-thi", "ket-luan")),
                 "bo-chinh-tri": rng.choice(("nghi-quyet", "ket-luan", "chi-thi"))}.get(
            issuer.key, "nghi-quyet")
        topic = rng.randrange(len(TOPICS))
        root = self.add(issuer, type_, "party", self.day(), topic)
        if root is None:
            return
        cp = self.add(self.b.central("chinh-phu"), "nghi-quyet", "admin",
                      root.day + self.lag(90), topic, [("implements", root)], root=root)
        for m in rng.sample(self.b.ministries, rng.randrange(0, 3)):
            self.add(m, "ke-hoach", "admin", (cp or root).day + self.lag(45), topic,
                     [("implements", cp or root)], root=root)
        self.cascade(root, self.t.provinces, prov_frac=(0.6, 1.0), topic=topic)

    def law_national(self) -> None:
        rng = self.rng
        topic = rng.randrange(len(TOPICS))
        qh = self.b.central("quoc-hoi")
        law = self.add(qh, rng.choice(("luat", "luat", "nghi-quyet")), "state",
                       self.day(hi=date(2023, 6, 30)), topic)
        if law is None:
            return
        decrees = []
        for _ in range(rng.randrange(1, 4)):
            d = self.add(self.b.central("chinh-phu"), "nghi-dinh", "state",
                         law.day + self.lag(120), topic,
                         [("details", law)] + self.bases(self.b.central("chinh-phu"), law.day),
                         root=law)
            if d:
                decrees.append(d)
        for d in decrees:
            for m in rng.sample(self.b.ministries, rng.randrange(0, 2)):
                self.add(m, "thong-tu", "state", d.day + self.lag(90), topic,
                         [("guides", d)] + self.bases(m, d.day), root=law)
        plan = self.add(self.b.central("thu-tuong"), "quyet-dinh", "admin",
                        law.day + self.lag(40), topic, [("implements", law)], root=law)
        self.cascade(plan or law, self.t.provinces, prov_frac=(0.5, 0.95), topic=topic)

    def gov_program(self) -> None:
        rng = self.rng
        topic = rng.randrange(len(TOPICS))
        issuer = self.b.central(rng.choice(("chinh-phu", "thu-tuong")))
        type_ = "nghi-quyet" if issuer.key == "chinh-phu" else rng.choice(
            ("chi-thi", "quyet-dinh", "cong-dien"))
        root = self.add(issuer, type_, "admin", self.day(), topic)
        if root is None:
            return
        for m in rng.sample(self.b.ministries, rng.randrange(1, 4)):
            self.add(m, rng.choice(("ke-hoach", "quyet-dinh")), "admin",
                     root.day + self.lag(30), topic, [("implements", root)], root=root)
        self.cascade(root, self.t.provinces, prov_frac=(0.3, 0.8), topic=topic)

    def provincial(self) -> None:
        rng = self.rng
        prov = rng.choice(self.t.provinces)
        topic = rng.randrange(len(TOPICS))
        issuer = self.b.party[id(prov)]
        root = self.add(issuer, rng.choice(("nghi-quyet", "chi-thi", "ket-luan")), "party",
                        self.day(), topic)
        if root is None:
            return
        parents = {id(prov): [root]}
        ud = self.add(self.b.ubnd[id(prov)], "ke-hoach", "admin", root.day + self.lag(30),
                      topic, [("implements", root)] + self.bases(self.b.ubnd[id(prov)],
                                                                   root.day), root=root)
        if ud:
            parents[id(prov)].append(ud)
        dfrac = rng.uniform(0.5, 1.0) * self.scale ** 0.3
        for dist in self.pick(prov.children, dfrac):
            self.local_chain(parents, dist, root.day, topic, root)
            if id(dist) in parents:
                for com in self.pick(dist.children, rng.uniform(0.2, 0.8) * self.scale ** 0.7):
                    self.local_chain(parents, com, parents[id(dist)][0].day, topic, root)

    def standalone(self) -> None:
        """Day-to-day documents: decisions, reports, official letters, notices."""
        rng = self.rng
        level = rng.choices(("central", "province", "district", "commune"), (1, 3, 4, 4))[0]
        topic = rng.randrange(len(TOPICS))
        day = self.day(hi=END)
        if level == "central":
            m = rng.choice(self.b.ministries)
            self.add(m, rng.choice(("quyet-dinh", "thong-tu", "cong-van")),
                     "state" if rng.random() < 0.3 else "admin", day, topic, self.bases(m, day))
            return
        unit = rng.choice(self.t.units(level))
        for _ in range(rng.randrange(1, 6)):
            ub = self.b.ubnd[id(unit)]
            type_ = rng.choices(("quyet-dinh", "cong-van", "bao-cao", "thong-bao", "ke-hoach"),
                                (4, 4, 2, 1, 2))[0]
            form = "cv" if type_ == "cong-van" else (
                "state" if type_ == "quyet-dinh" and level == "province" and rng.random() < 0.4
                else "admin")
            self.add(ub, type_, form, day + timedelta(days=rng.randrange(200)), topic,
                     self.bases(ub, day))

    def amendments(self) -> None:
        """Later documents amend or replace some normative ones (same issuer, 1–5 years on)."""
        rng = self.rng
        normative = [d for d in self.docs if d.form == "state" and not d.fixed_id]
        rng.shuffle(normative)
        for d in normative:
            if self.full():
                return
            rel = "amends" if rng.random() < 0.7 else "replaces"
            later = d.day + self.lag(700, 0.5)
            if later > END:
                continue
            a = self.add(d.issuer, d.type, "state", later, d.topic,
                         [(rel, d)] + self.bases(d.issuer, later), root=d.root)
            if a is not None and d.parent is not None:
                a.rels.append(("based_on", d.parent))

    def news(self) -> list[News]:
        rng = self.rng
        local = [d for d in self.docs if d.issuer.level in ("district", "commune")
                 and d.parent is not None]
        pool = local or self.docs
        out = []
        for i in range(round(len(self.docs) * self.news_ratio)):
            d = rng.choice(pool)
            unit = d.issuer.unit
            day = min(END, d.day + self.lag(150))
            counts: list[tuple[Body, str, int]] = []
            if unit is not None:
                com = unit if unit.level == "commune" else rng.choice(unit.children or [unit])
                counts = [(self.b.party[id(com)], rng.choice(("nghi-quyet", "ke-hoach")),
                           rng.randrange(1, 5)),
                          (self.b.ubnd[id(com)], "van-ban", rng.randrange(1, 9))]
            out.append(News(i, d, day, d.issuer, counts,
                            rng.choice(("so-ket", "tong-ket", "trien-khai"))))
        return out


# --- numbers ------------------------------------------------------------------------------

_GAP = {"central": 4, "province": 12, "district": 5, "commune": 1}


def _series(d: Doc) -> tuple:
    if d.form == "party":
        # The Central Committee, the Politburo and the Secretariat share one "/TW" series.
        who = d.issuer.code if d.issuer.level == "central" else d.issuer.key
        return (who, d.type, _party_term(d.issuer, d.day))
    return (d.issuer.key, d.year, "normative" if d.form == "state" else "administrative")


def number(docs: list[Doc], rng: random.Random) -> None:
    """Give each document its number and symbol, in date order within its series."""
    counters: dict[tuple, int] = {}
    for d in sorted(docs, key=lambda d: (d.day, d.idx)):
        if d.fixed_id:
            d.id = d.fixed_id
            continue
        key = _series(d)
        gap = 1 if d.form in ("state", "party") else 1 + int(rng.expovariate(
            1 / _GAP[d.issuer.level]))
        n = counters.get(key, 0) + gap
        counters[key] = n
        d.number = n
        d.id = format_id(d)


def issuer_code(d: Doc) -> str:
    code = d.issuer.code
    if code in ("QH", "UBTVQH"):
        return f"{code}{_qh_term(d.day)}"
    return code


def format_id(d: Doc) -> str:
    """The number and symbol as written (Nghị định 30/2020 Phụ lục I; Quy định 66-QĐ/TW)."""
    issuer = issuer_code(d)
    code = CODES[d.type]
    if d.form == "party":
        return f"{d.number:02d}-{code}/{issuer}"
    if d.form == "cv":
        unit = CV_UNITS[zlib.crc32(d.issuer.key.encode()) % len(CV_UNITS)]
        return f"{d.number}/{issuer}-{unit}"
    sym = f"{code}-{issuer}" if code else issuer
    if d.form == "state":
        return f"{d.number}/{d.year}/{sym}"
    return f"{d.number}/{sym}"


def generate(n: int, seed: int, *, news_ratio: float = 0.2) -> Corpus:
    """A corpus of `n` documents (plus amendments' share) and news articles about them."""
    if n < 1:
        raise ValueError("the corpus needs at least one document")
    return Generator(n, seed, news_ratio=news_ratio).run()
