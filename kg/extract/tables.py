"""The domain's vocabulary as data: document types, relation types, kinds of bodies.

Extraction, the RDF emitter and the ontology's SKOS schemes all read these tables; a
test checks `ontology/*.ttl` declares every key here. Sources: Nghị định 30/2020/NĐ-CP
(Phụ lục III, type codes of administrative documents), Luật Ban hành VBQPPL (legal
normative types), Quy định 66-QĐ/TW and Hướng dẫn 36-HD/VPTW (Party documents).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocType:
    key: str           # stable slug, used in IRIs and JSON
    vi: str            # Vietnamese name as written in running text
    en: str
    codes: tuple[str, ...]  # type codes in numbers/symbols ("NQ", "KH"); Party codes included
    family: str        # "normative" (VBQPPL), "administrative", "party", "other"


DOC_TYPES: dict[str, DocType] = {t.key: t for t in (
    DocType("hien-phap", "Hiến pháp", "Constitution", (), "normative"),
    DocType("bo-luat", "Bộ luật", "Code", ("BLuat",), "normative"),
    DocType("luat", "Luật", "Law", ("L", "QH"), "normative"),
    DocType("phap-lenh", "Pháp lệnh", "Ordinance", ("PL",), "normative"),
    DocType("lenh", "Lệnh", "Order", ("L-CTN",), "normative"),
    DocType("nghi-quyet", "Nghị quyết", "Resolution", ("NQ",), "normative"),
    DocType("nghi-quyet-lien-tich", "Nghị quyết liên tịch", "Joint resolution", ("NQLT",),
            "normative"),
    DocType("nghi-dinh", "Nghị định", "Decree", ("NĐ",), "normative"),
    DocType("quyet-dinh", "Quyết định", "Decision", ("QĐ",), "normative"),
    DocType("thong-tu", "Thông tư", "Circular", ("TT",), "normative"),
    DocType("thong-tu-lien-tich", "Thông tư liên tịch", "Joint circular", ("TTLT",),
            "normative"),
    DocType("chi-thi", "Chỉ thị", "Directive", ("CT",), "administrative"),
    DocType("quy-che", "Quy chế", "Regulation (rules)", ("QC",), "administrative"),
    DocType("quy-dinh", "Quy định", "Regulation", ("QyĐ", "QĐi"), "administrative"),
    DocType("thong-cao", "Thông cáo", "Communiqué", ("TC",), "administrative"),
    DocType("thong-bao", "Thông báo", "Notice", ("TB",), "administrative"),
    DocType("huong-dan", "Hướng dẫn", "Guidance", ("HD",), "administrative"),
    DocType("chuong-trinh", "Chương trình", "Programme", ("CTr",), "administrative"),
    DocType("ke-hoach", "Kế hoạch", "Plan", ("KH",), "administrative"),
    DocType("phuong-an", "Phương án", "Scheme", ("PA",), "administrative"),
    DocType("de-an", "Đề án", "Project proposal", ("ĐA",), "administrative"),
    DocType("du-an", "Dự án", "Project", ("DA",), "administrative"),
    DocType("bao-cao", "Báo cáo", "Report", ("BC",), "administrative"),
    DocType("bien-ban", "Biên bản", "Minutes", ("BB",), "administrative"),
    DocType("to-trinh", "Tờ trình", "Submission", ("TTr",), "administrative"),
    DocType("hop-dong", "Hợp đồng", "Contract", ("HĐ",), "administrative"),
    DocType("cong-dien", "Công điện", "Official telegram", ("CĐ",), "administrative"),
    DocType("ban-ghi-nho", "Bản ghi nhớ", "Memorandum", ("BGN",), "administrative"),
    DocType("ban-thoa-thuan", "Bản thỏa thuận", "Agreement", ("BTT",), "administrative"),
    DocType("giay-uy-quyen", "Giấy ủy quyền", "Power of attorney", ("GUQ",), "administrative"),
    DocType("giay-moi", "Giấy mời", "Invitation", ("GM",), "administrative"),
    DocType("giay-gioi-thieu", "Giấy giới thiệu", "Letter of introduction", ("GGT",),
            "administrative"),
    DocType("giay-nghi-phep", "Giấy nghỉ phép", "Leave permit", ("GNP",), "administrative"),
    DocType("phieu-gui", "Phiếu gửi", "Dispatch slip", ("PG",), "administrative"),
    DocType("phieu-chuyen", "Phiếu chuyển", "Transfer slip", ("PC",), "administrative"),
    DocType("phieu-bao", "Phiếu báo", "Notification slip", ("PB",), "administrative"),
    DocType("cong-van", "Công văn", "Official letter", ("CV",), "administrative"),
    DocType("van-ban-hop-nhat", "Văn bản hợp nhất", "Consolidated text", ("VBHN",), "other"),
    DocType("ket-luan", "Kết luận", "Conclusion", ("KL",), "party"),
    DocType("thong-tri", "Thông tri", "Party circular (thông tri)", ("TT",), "party"),
    DocType("van-ban", "Văn bản", "Document", (), "other"),
)}


@dataclass(frozen=True)
class RelationType:
    key: str
    vi: str
    en: str
    inverse: str        # key of the inverse property, e.g. "implemented_by"
    inverse_vi: str
    inverse_en: str


# The taxonomy of ../shared/corpus/README.md, always from the acting document to its object.
RELATIONS: dict[str, RelationType] = {r.key: r for r in (
    RelationType("based_on", "căn cứ", "is based on", "basis_for", "là căn cứ của",
                 "is the basis for"),
    RelationType("implements", "thực hiện", "implements", "implemented_by", "được thực hiện bởi",
                 "is implemented by"),
    RelationType("details", "quy định chi tiết", "details", "detailed_by",
                 "được quy định chi tiết bởi", "is detailed by"),
    RelationType("guides", "hướng dẫn", "guides", "guided_by", "được hướng dẫn bởi",
                 "is guided by"),
    RelationType("amends", "sửa đổi, bổ sung", "amends", "amended_by", "được sửa đổi, bổ sung bởi",
                 "is amended by"),
    RelationType("replaces", "thay thế", "replaces", "replaced_by", "bị thay thế bởi",
                 "is replaced by"),
    RelationType("repeals", "bãi bỏ", "repeals", "repealed_by", "bị bãi bỏ bởi",
                 "is repealed by"),
    RelationType("reviews", "sơ kết, tổng kết", "reviews", "reviewed_by", "được sơ kết bởi",
                 "is reviewed by"),
    RelationType("promulgates", "ban hành kèm theo", "promulgates", "promulgated_by",
                 "được ban hành kèm theo", "is promulgated by"),
    RelationType("approves", "phê duyệt", "approves", "approved_by", "được phê duyệt bởi",
                 "is approved by"),
    RelationType("considers", "xét", "considers", "considered_by", "được xét bởi",
                 "is considered by"),
    RelationType("consolidates", "hợp nhất", "consolidates", "consolidated_by", "được hợp nhất bởi",
                 "is consolidated by"),
    RelationType("corrects", "đính chính", "corrects", "corrected_by", "được đính chính bởi",
                 "is corrected by"),
    RelationType("succeeds", "kế tục", "succeeds", "succeeded_by", "được kế tục bởi",
                 "is succeeded by"),
    RelationType("cites", "dẫn chiếu", "cites", "cited_by", "được dẫn chiếu bởi", "is cited by"),
)}

# Relations along which a document carries out another: the edges of a downstream trace.
IMPLEMENTATION_RELATIONS = ("implements", "details", "guides", "based_on")

LEVELS = ("central", "province", "district", "commune")
#: Levels from the centre down, then documents whose issuer's level is not known.
LEVEL_ORDER: tuple[str, ...] = (*LEVELS, "unknown")
_RANK = {lv: i for i, lv in enumerate(LEVEL_ORDER)}


def level_rank(level: str | None) -> int:
    """Position of a level from the centre (central 0 … commune 3; unknown, or anything
    else, 4): the most central of several is the least."""
    return _RANK.get(level or "unknown", _RANK["unknown"])

LEVEL_LABELS = {
    "central": ("Trung ương", "Central"),
    "province": ("Tỉnh / Thành phố", "Province / city"),
    "district": ("Quận / Huyện", "District"),
    "commune": ("Xã / Phường / Thị trấn", "Commune / ward"),
}


@dataclass(frozen=True)
class BodyKind:
    key: str
    vi: str
    en: str
    level: str | None   # None: the level comes from the place (UBND at any level)
    codes: tuple[str, ...] = ()  # issuer codes in symbols


BODY_KINDS: dict[str, BodyKind] = {k.key: k for k in (
    BodyKind("quoc-hoi", "Quốc hội", "National Assembly", "central", ("QH",)),
    BodyKind("ubtvqh", "Ủy ban Thường vụ Quốc hội", "Standing Committee of the National Assembly",
             "central", ("UBTVQH",)),
    BodyKind("chu-tich-nuoc", "Chủ tịch nước", "President", "central", ("CTN",)),
    BodyKind("chinh-phu", "Chính phủ", "Government", "central", ("CP",)),
    BodyKind("thu-tuong", "Thủ tướng Chính phủ", "Prime Minister", "central", ("TTg",)),
    BodyKind("bo", "Bộ", "Ministry", "central"),
    BodyKind("co-quan-trung-uong", "Cơ quan trung ương", "Central agency", "central"),
    BodyKind("ban-chap-hanh-trung-uong", "Ban Chấp hành Trung ương Đảng",
             "Party Central Committee", "central", ("TW",)),
    BodyKind("bo-chinh-tri", "Bộ Chính trị", "Politburo", "central"),
    BodyKind("ban-bi-thu", "Ban Bí thư", "Party Secretariat", "central"),
    BodyKind("ban-dang-trung-uong", "Ban Đảng Trung ương", "Central Party commission", "central"),
    BodyKind("hdnd", "Hội đồng nhân dân", "People's Council", None, ("HĐND",)),
    BodyKind("ubnd", "Ủy ban nhân dân", "People's Committee", None, ("UBND",)),
    BodyKind("thanh-uy", "Thành ủy / Tỉnh ủy", "Provincial Party Committee", "province", ("TU",)),
    BodyKind("quan-uy", "Quận ủy / Huyện ủy / Thị ủy", "District Party Committee", "district",
             ("QU", "HU")),
    BodyKind("dang-uy", "Đảng ủy", "Party Committee (commune, ward or agency)", None, ("ĐU",)),
    BodyKind("dang-uy-khoi", "Đảng ủy Khối", "Party Committee of a bloc", None, ("ĐUK",)),
    BodyKind("mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam", "Vietnam Fatherland Front Committee",
             None),
    BodyKind("so", "Sở", "Provincial department", "province"),
    BodyKind("phong", "Phòng", "District office", "district"),
    BodyKind("toa-an", "Tòa án nhân dân", "People's Court", None),
    BodyKind("vien-kiem-sat", "Viện kiểm sát nhân dân", "People's Procuracy", None),
    BodyKind("to-chuc", "Tổ chức", "Organisation", None),
)}
