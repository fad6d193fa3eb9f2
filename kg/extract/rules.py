"""The rules of recognition as data: type words, codes, issuer codes, relation cues, posts.

Everything here is a table read by the small engines in this package; phrases are written
as a reader would write them and folded (lower case, no diacritics) when compiled, so a
row matches "Nghị quyết", "NGHỊ QUYẾT" and "Nghi quyet" alike. Sources: Nghị định
30/2020/NĐ-CP (Phụ lục I and III: number formats and type codes), Quy định 66-QĐ/TW and
Hướng dẫn 36-HD/VPTW (Party documents), Luật Ban hành VBQPPL (legal normative types), and
the relation labels of vbpl.vn ("Lược đồ", "Lịch sử hiệu lực").
"""
from __future__ import annotations

from dataclasses import dataclass

from kg.extract.tables import DOC_TYPES

# --- document types -------------------------------------------------------------------

# Words that name a document type in running text → type key (longest match wins).
TYPE_WORDS: dict[str, str] = {
    **{t.vi: t.key for t in DOC_TYPES.values()},
    "Quy định": "quy-dinh",
    "Văn bản hợp nhất": "van-ban-hop-nhat",
    "Thông tư liên tịch": "thong-tu-lien-tich",
    "Công văn": "cong-van",
    "Kết luận": "ket-luan",
    "Thông tri": "thong-tri",
    "Văn bản": "van-ban",
}

# Type codes in symbols (upper-cased for lookup) → type key. "TT" is thông tư for state
# issuers and thông tri for Party issuers (Quy định 66-QĐ/TW): see `PARTY_TYPE_OVERRIDES`.
TYPE_CODES: dict[str, str] = {
    "NQ": "nghi-quyet", "NQLT": "nghi-quyet-lien-tich", "NĐ": "nghi-dinh", "QĐ": "quyet-dinh",
    "TT": "thong-tu", "TTLT": "thong-tu-lien-tich", "CT": "chi-thi", "QC": "quy-che",
    "QYĐ": "quy-dinh", "QĐI": "quy-dinh", "TC": "thong-cao", "TB": "thong-bao",
    "HD": "huong-dan", "CTR": "chuong-trinh", "KH": "ke-hoach", "PA": "phuong-an",
    "ĐA": "de-an", "DA": "du-an", "BC": "bao-cao", "BB": "bien-ban", "TTR": "to-trinh",
    "HĐ": "hop-dong", "CĐ": "cong-dien", "BGN": "ban-ghi-nho", "BTT": "ban-thoa-thuan",
    "GUQ": "giay-uy-quyen", "GM": "giay-moi", "GGT": "giay-gioi-thieu",
    "GNP": "giay-nghi-phep", "PG": "phieu-gui", "PC": "phieu-chuyen", "PB": "phieu-bao",
    "CV": "cong-van", "KL": "ket-luan", "VBHN": "van-ban-hop-nhat", "PL": "phap-lenh",
    "L": "luat",
}
PARTY_TYPE_OVERRIDES: dict[str, str] = {"TT": "thong-tri"}

# The official spelling of codes whose case is mixed (read case-insensitively).
CODE_SPELLING: dict[str, str] = {
    "CTR": "CTr", "TTR": "TTr", "TTG": "TTg", "QĐI": "QĐi", "QYĐ": "QyĐ",
}

# --- issuers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    kind: str           # a key of kg.extract.tables.BODY_KINDS
    name: str           # how the body is named ("Bộ Tài chính")
    family: str         # "state" or "party"
    level: str | None = None   # None: from the place


ISSUER_CODES: dict[str, Issuer] = {
    "QH": Issuer("quoc-hoi", "Quốc hội", "state", "central"),
    "UBTVQH": Issuer("ubtvqh", "Ủy ban Thường vụ Quốc hội", "state", "central"),
    "VPQH": Issuer("co-quan-trung-uong", "Văn phòng Quốc hội", "state", "central"),
    "CTN": Issuer("chu-tich-nuoc", "Chủ tịch nước", "state", "central"),
    "CP": Issuer("chinh-phu", "Chính phủ", "state", "central"),
    "TTG": Issuer("thu-tuong", "Thủ tướng Chính phủ", "state", "central"),
    "VPCP": Issuer("co-quan-trung-uong", "Văn phòng Chính phủ", "state", "central"),
    "BTC": Issuer("bo", "Bộ Tài chính", "state", "central"),
    "BTP": Issuer("bo", "Bộ Tư pháp", "state", "central"),
    "BNV": Issuer("bo", "Bộ Nội vụ", "state", "central"),
    "BCA": Issuer("bo", "Bộ Công an", "state", "central"),
    "BQP": Issuer("bo", "Bộ Quốc phòng", "state", "central"),
    "BYT": Issuer("bo", "Bộ Y tế", "state", "central"),
    "BGDĐT": Issuer("bo", "Bộ Giáo dục và Đào tạo", "state", "central"),
    "BTNMT": Issuer("bo", "Bộ Tài nguyên và Môi trường", "state", "central"),
    "BXD": Issuer("bo", "Bộ Xây dựng", "state", "central"),
    "BCT": Issuer("bo", "Bộ Công Thương", "state", "central"),
    "BNNPTNT": Issuer("bo", "Bộ Nông nghiệp và Phát triển nông thôn", "state", "central"),
    "BNNMT": Issuer("bo", "Bộ Nông nghiệp và Môi trường", "state", "central"),
    "BLĐTBXH": Issuer("bo", "Bộ Lao động - Thương binh và Xã hội", "state", "central"),
    "BVHTTDL": Issuer("bo", "Bộ Văn hóa, Thể thao và Du lịch", "state", "central"),
    "BKHCN": Issuer("bo", "Bộ Khoa học và Công nghệ", "state", "central"),
    "BTTTT": Issuer("bo", "Bộ Thông tin và Truyền thông", "state", "central"),
    "BKHĐT": Issuer("bo", "Bộ Kế hoạch và Đầu tư", "state", "central"),
    "BGTVT": Issuer("bo", "Bộ Giao thông vận tải", "state", "central"),
    "BNG": Issuer("bo", "Bộ Ngoại giao", "state", "central"),
    "BDTTG": Issuer("bo", "Bộ Dân tộc và Tôn giáo", "state", "central"),
    "NHNN": Issuer("co-quan-trung-uong", "Ngân hàng Nhà nước Việt Nam", "state", "central"),
    "TTCP": Issuer("co-quan-trung-uong", "Thanh tra Chính phủ", "state", "central"),
    "UBDT": Issuer("co-quan-trung-uong", "Ủy ban Dân tộc", "state", "central"),
    "TANDTC": Issuer("toa-an", "Tòa án nhân dân tối cao", "state", "central"),
    "HĐTP": Issuer("toa-an", "Hội đồng Thẩm phán Tòa án nhân dân tối cao", "state", "central"),
    "VKSNDTC": Issuer("vien-kiem-sat", "Viện kiểm sát nhân dân tối cao", "state", "central"),
    "KTNN": Issuer("co-quan-trung-uong", "Kiểm toán nhà nước", "state", "central"),
    "HĐND": Issuer("hdnd", "Hội đồng nhân dân", "state"),
    "UBND": Issuer("ubnd", "Ủy ban nhân dân", "state"),
    "TW": Issuer("ban-chap-hanh-trung-uong", "Ban Chấp hành Trung ương Đảng", "party",
                 "central"),
    "VPTW": Issuer("ban-dang-trung-uong", "Văn phòng Trung ương Đảng", "party", "central"),
    "BTCTW": Issuer("ban-dang-trung-uong", "Ban Tổ chức Trung ương", "party", "central"),
    "BTGTW": Issuer("ban-dang-trung-uong", "Ban Tuyên giáo Trung ương", "party", "central"),
    "BTGDVTW": Issuer("ban-dang-trung-uong", "Ban Tuyên giáo và Dân vận Trung ương", "party",
                      "central"),
    "UBKTTW": Issuer("ban-dang-trung-uong", "Ủy ban Kiểm tra Trung ương", "party", "central"),
    "BDVTW": Issuer("ban-dang-trung-uong", "Ban Dân vận Trung ương", "party", "central"),
    "TU": Issuer("thanh-uy", "Thành ủy / Tỉnh ủy", "party", "province"),
    "HU": Issuer("quan-uy", "Huyện ủy", "party", "district"),
    "QU": Issuer("quan-uy", "Quận ủy", "party", "district"),
    "TXU": Issuer("quan-uy", "Thị xã ủy", "party", "district"),
    "ĐU": Issuer("dang-uy", "Đảng ủy", "party"),
    "ĐUK": Issuer("dang-uy-khoi", "Đảng ủy Khối", "party"),
    "BCSĐ": Issuer("dang-uy", "Ban cán sự đảng", "party"),
    "ĐĐ": Issuer("dang-uy", "Đảng đoàn", "party"),
    "CB": Issuer("dang-uy", "Chi bộ", "party"),
    "BTV": Issuer("thanh-uy", "Ban Thường vụ", "party"),
    "MTTQ": Issuer("mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam", "state"),
}

# Codes that may carry a term number ("QH14", "UBTVQH15").
TERM_CODES = ("UBTVQH", "QH")

# --- relation cues --------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    rel: str            # a key of kg.extract.tables.RELATIONS
    passive: bool = False   # the object acts on the subject ("được sửa đổi bởi X")
    scope: str | None = None  # "partial" for "bãi bỏ một số điều", "hết hiệu lực 1 phần"
    also: tuple[tuple[str, str | None], ...] = ()  # further (rel, scope) the phrase states
    opener: bool = False    # a cue only where a clause opens ("Xét Tờ trình …")


# Phrases (as written; folded when compiled) → cue. Longest phrase wins at a position.
CUES: dict[str, Cue] = {
    "căn cứ": Cue("based_on"),
    "căn cứ vào": Cue("based_on"),
    "theo quy định tại": Cue("based_on"),
    "theo đúng quy định tại": Cue("based_on"),
    "theo quy định của": Cue("based_on"),
    "thực hiện": Cue("implements"),
    "triển khai thực hiện": Cue("implements"),
    "triển khai thi hành": Cue("implements"),
    "tổ chức thực hiện": Cue("implements"),
    "tổ chức thi hành": Cue("implements"),
    "quán triệt và thực hiện": Cue("implements"),
    "quán triệt, triển khai thực hiện": Cue("implements"),
    "cụ thể hóa": Cue("implements"),
    "quy định chi tiết": Cue("details"),
    "quy định chi tiết thi hành": Cue("details"),
    "quy định chi tiết và hướng dẫn thi hành": Cue("details"),
    "hướng dẫn thi hành": Cue("guides"),
    "hướng dẫn thực hiện": Cue("guides"),
    "hướng dẫn": Cue("guides"),
    "sửa đổi, bổ sung": Cue("amends"),
    "sửa đổi bổ sung": Cue("amends"),
    "sửa đổi": Cue("amends"),
    "bổ sung một số điều": Cue("amends"),
    "thay thế": Cue("replaces"),
    "bãi bỏ": Cue("repeals"),
    "bãi bỏ một số điều": Cue("repeals", scope="partial"),
    "sửa đổi, bổ sung, bãi bỏ": Cue("amends", also=(("repeals", "partial"),)),
    "sửa đổi, bổ sung, bãi bỏ một số điều": Cue("amends", also=(("repeals", "partial"),)),
    "sơ kết": Cue("reviews"),
    "tổng kết": Cue("reviews"),
    "đánh giá kết quả thực hiện": Cue("reviews"),
    "đánh giá việc thực hiện": Cue("reviews"),
    "đánh giá kết quả": Cue("reviews"),
    "phê duyệt": Cue("approves"),
    "xét": Cue("considers", opener=True),
    "theo đề nghị": Cue("considers", opener=True),
    "hợp nhất": Cue("consolidates"),
    "đính chính": Cue("corrects"),
    "tiếp tục phát huy kết quả": Cue("succeeds"),
    "tiếp tục thực hiện": Cue("succeeds"),
    "kế thừa": Cue("succeeds"),
    "dẫn chiếu": Cue("cites"),
    # passive forms: the document after the cue acts on the one before (or on the text's own)
    "được sửa đổi, bổ sung": Cue("amends", passive=True),
    "được sửa đổi bổ sung": Cue("amends", passive=True),
    "được sửa đổi": Cue("amends", passive=True),
    "được bổ sung": Cue("amends", passive=True),
    "bị thay thế": Cue("replaces", passive=True),
    "được thay thế": Cue("replaces", passive=True),
    "bị bãi bỏ": Cue("repeals", passive=True),
    "bị hết hiệu lực 1 phần": Cue("repeals", passive=True, scope="partial"),
    "bị hết hiệu lực một phần": Cue("repeals", passive=True, scope="partial"),
    "hết hiệu lực 1 phần": Cue("repeals", passive=True, scope="partial"),
    "bị hết hiệu lực toàn bộ": Cue("repeals", passive=True),
    "bị hết hiệu lực": Cue("repeals", passive=True),
    "được hướng dẫn": Cue("guides", passive=True),
    "được quy định chi tiết": Cue("details", passive=True),
    "được đính chính": Cue("corrects", passive=True),
    "được hợp nhất": Cue("consolidates", passive=True),
    "ban hành kèm theo": Cue("promulgates", passive=True),
    "được ban hành kèm theo": Cue("promulgates", passive=True),
    "kèm theo": Cue("promulgates", passive=True),
}

# Cues whose relation is also implied by the acting text when they open a sentence.
SENTENCE_OPENERS = ("căn cứ", "thực hiện", "triển khai thực hiện", "triển khai thi hành",
                    "xét", "theo đề nghị", "quán triệt")

# Verbs by which a body issues a document ("UBND phường đã ban hành 04 văn bản").
ISSUE_VERBS = ("ban hành", "xây dựng", "thông qua", "phê duyệt")

# --- dates ----------------------------------------------------------------------------

# Labels that introduce the issue date of the document before them ("Ngày ban hành:").
ISSUE_DATE_LABELS = ("ngày ban hành", "ngày ký", "ngày ký xác thực", "ngày xác thực",
                     "ban hành ngày", "ký ngày")
# Labels of a web page's own metadata: their dates are not document dates.
PAGE_META_LABELS = ("ngày đăng", "lượt xem", "view count", "lượt đọc", "cập nhật",
                    "ngày cập nhật", "ngày có hiệu lực", "ngày hết hiệu lực")

# --- people ---------------------------------------------------------------------------

HONORIFICS = ("đồng chí", "đ/c", "ông", "bà", "TS.", "ThS.", "PGS.TS.", "PGS.", "GS.TS.", "GS.",
              "BS.", "KS.", "Thạc sĩ", "Tiến sĩ", "Luật sư", "Nhà giáo")
POSTS = ("Chủ tịch", "Phó Chủ tịch", "Bí thư", "Phó Bí thư", "Thường trực", "Trưởng ban",
         "Phó Trưởng ban", "Giám đốc", "Phó Giám đốc", "Thủ tướng", "Phó Thủ tướng",
         "Bộ trưởng", "Thứ trưởng", "Chủ nhiệm", "Phó Chủ nhiệm", "Trưởng phòng",
         "Phó Trưởng phòng", "Ủy viên", "Tổng Bí thư", "Chủ tịch nước", "Phó Chủ tịch nước",
         "Chánh Văn phòng", "Phó Chánh Văn phòng", "Vụ trưởng", "Cục trưởng", "Hiệu trưởng",
         "Tổ trưởng", "Trưởng", "Phó", "Tổng Giám đốc", "Viện trưởng", "Chánh án",
         "Tổng Thư ký", "Đại biểu", "Công an trưởng", "Chỉ huy trưởng", "Thư ký")
# Posts that appear as a signature's title line ("THỦ TƯỚNG" then the name).
SIGNER_TITLES = ("thủ tướng", "phó thủ tướng", "bộ trưởng", "thứ trưởng", "chủ tịch",
                 "phó chủ tịch", "bí thư", "phó bí thư", "chủ tịch quốc hội", "giám đốc",
                 "phó giám đốc", "chánh án", "viện trưởng", "tổng kiểm toán")
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Lương", "Cao", "Đoàn", "Đinh", "Trịnh",
            "Mai", "Tô", "Tạ", "Hà", "Chu", "Lâm", "Vương", "Phùng", "Kiều", "Lại", "Nghiêm",
            "Quách", "Thái", "Triệu", "Đào", "Trương", "Lưu", "Đàm", "Tăng", "La", "Khúc",
            "Doãn", "Thân", "Giang", "Hứa", "Kim", "Châu", "Từ", "Bạch", "Mạc", "Nông", "Lò",
            "Hầu", "Ninh", "Tống", "Quan", "Văn", "Vi", "Tôn", "Khổng", "Lã", "Đồng", "Diệp",
            "Âu", "Thạch", "Lục", "Ma", "Hoàng", "Ông", "Đào", "Phí", "Cù", "Cấn", "Đậu")
