"""Reading text files: every encoding a Vietnamese file comes in, and the bad inputs refused.

The sentences are our own; each test encodes them the way a real file would hold them.
"""
from __future__ import annotations

import doctest
import struct
import zlib

import pytest

import kg.read
import kg.read.encoding
import kg.read.legacy
import kg.read.meta
from kg.errors import InputError
from kg.normalize import fold, normalize
from kg.read import read_bytes, read_path
from kg.read.encoding import decode_text, is_syllable, repair_unicode
from kg.read.legacy import (
    latin1_view,
    tcvn3_to_unicode,
    unicode_to_cp1258,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)

TEXT = (
    "Ủy ban nhân dân xã Tân Lập ban hành Kế hoạch số 45/KH-UBND ngày 12 tháng 4 năm 2023 "
    "về việc triển khai thực hiện Nghị quyết số 18/NQ-HĐND của Hội đồng nhân dân huyện.\n"
    "Các phòng, ban chuyên môn có trách nhiệm phối hợp thực hiện, báo cáo kết quả trước "
    "ngày 30 tháng 6 năm 2023; đồng thời rà soát những thủ tục còn vướng mắc.\n"
)
# Without upper-case toned letters, which TCVN3 (ABC) cannot tell from lower-case ones.
TEXT_LOWER_TONES = TEXT.replace("Ủy", "Uỷ")


def read(data: bytes, name: str = "van-ban.txt") -> kg.read.SourceDoc:
    return read_bytes(data, name=name, locator=f"/tmp/{name}")


@pytest.mark.parametrize("module", [kg.read.encoding, kg.read.legacy, kg.read.meta])
def test_doctests_pass(module) -> None:
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


# --- Unicode encodings -------------------------------------------------------------------------
def test_read_utf8() -> None:
    doc = read(TEXT.encode("utf-8"))
    assert doc.text == normalize(TEXT)
    assert doc.encoding == "utf-8" and doc.notes == []
    assert doc.media_type == "text/plain"


def test_read_utf8_with_bom() -> None:
    doc = read(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert doc.text == normalize(TEXT) and doc.encoding == "utf-8-sig"
    assert not doc.text.startswith("\ufeff")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_read_utf16_with_and_without_bom(codec: str) -> None:
    doc = read(TEXT.encode(codec))
    assert doc.text == normalize(TEXT)
    if codec != "utf-16":
        assert doc.encoding == codec
        assert any("without byte order mark" in n for n in doc.notes)


def test_read_utf32_with_bom() -> None:
    assert read(TEXT.encode("utf-32")).text == normalize(TEXT)


def test_read_decomposed_unicode_is_composed() -> None:
    import unicodedata
    doc = read(unicodedata.normalize("NFD", TEXT).encode("utf-8"))
    assert doc.text == normalize(TEXT)


def test_read_crlf_line_ends() -> None:
    assert read(TEXT.replace("\n", "\r\n").encode()).text == normalize(TEXT)


# --- legacy 8-bit encodings --------------------------------------------------------------------
def test_read_windows_1258() -> None:
    data = unicode_to_cp1258(TEXT)
    assert b"\xcc" in data or b"\xec" in data or b"\xf2" in data    # combining tone bytes
    doc = read(data)
    assert doc.text == normalize(TEXT)
    assert doc.encoding == "cp1258"
    assert any("Windows-1258" in n for n in doc.notes)


def test_read_tcvn3_is_converted_not_rejected() -> None:
    doc = read(unicode_to_tcvn3(TEXT_LOWER_TONES))
    assert doc.text == normalize(TEXT_LOWER_TONES)
    assert doc.encoding == "tcvn3"
    assert any("TCVN3" in n for n in doc.notes)


def test_read_tcvn3_upper_case_tones_come_out_lower_case() -> None:
    doc = read(unicode_to_tcvn3("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n" + TEXT))
    assert fold(doc.text) == fold(normalize("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n" + TEXT))


def test_read_vni_is_converted_not_rejected() -> None:
    text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n" + TEXT
    doc = read(unicode_to_vni(text))
    assert doc.text == normalize(text)
    assert doc.encoding == "vni"
    assert any("VNI" in n for n in doc.notes)


@pytest.mark.parametrize(("encode", "kind"), [
    (unicode_to_tcvn3, "TCVN3"), (unicode_to_vni, "VNI"), (unicode_to_cp1258, "Windows-1258"),
    (lambda t: t.encode("utf-8"), "UTF-8"),
])
def test_legacy_text_inside_a_unicode_file_is_converted(encode, kind) -> None:
    """A .VnTime run pasted into a Unicode file, or UTF-8 read as cp1252 and saved again."""
    garbled = latin1_view(encode(TEXT_LOWER_TONES))
    doc = read(garbled.encode("utf-8"))
    assert doc.text == normalize(TEXT_LOWER_TONES)
    assert doc.encoding == "utf-8"
    assert any(kind in n for n in doc.notes)


def test_mixed_document_converts_only_the_legacy_lines() -> None:
    genuine = "Tháng 5 năm 2023\nÔng Nguyễn Văn An, Chủ tịch\n"
    legacy = latin1_view(unicode_to_tcvn3(TEXT_LOWER_TONES))
    text, note = repair_unicode(genuine + legacy)
    assert text == genuine + TEXT_LOWER_TONES
    assert note == "converted 2 line(s) from TCVN3 (ABC)"


def test_genuine_text_with_latin1_symbols_is_left_alone() -> None:
    text = "Nhiệt độ 25°C, diện tích 12 m², giá 1.000 € © 2023\nSố liệu ½ năm"
    assert repair_unicode(text) == (text, None)
    assert read(text.encode()).notes == []


@pytest.mark.parametrize(("table", "reverse"), [
    (tcvn3_to_unicode, unicode_to_tcvn3), (vni_to_unicode, unicode_to_vni),
])
def test_legacy_tables_round_trip_every_lower_case_letter(table, reverse) -> None:
    letters = "aàáảãạăằắẳẵặâầấẩẫậđeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
    assert table(latin1_view(reverse(letters))) == letters


def test_vni_round_trips_every_upper_case_letter() -> None:
    letters = "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴ"
    assert vni_to_unicode(latin1_view(unicode_to_vni(letters))) == letters


@pytest.mark.parametrize(("word", "ok"), [
    ("nghiêng", True), ("khuỷu", True), ("quốc", True), ("giữa", True), ("gì", True),
    ("thuở", True), ("hoà", True), ("hòa", True), ("oanh", True),
    ("Hµ", False), ("Néi", False), ("vieät", False), ("ñöôïc", False), ("tìc", False),
    ("áà", False),
])
def test_is_syllable_table(word: str, ok: bool) -> None:
    assert is_syllable(word) is ok


# --- bad input ---------------------------------------------------------------------------------
def test_empty_file_is_refused() -> None:
    with pytest.raises(InputError, match=r"/tmp/van-ban.txt: the file is empty"):
        read(b"")


@pytest.mark.parametrize("data", [b"   \n\t\r\n", b"\xef\xbb\xbf", "\ufeff \n".encode("utf-16")])
def test_whitespace_only_file_has_no_text(data: bytes) -> None:
    with pytest.raises(InputError, match="has no text"):
        read(data)


def test_front_matter_only_file_has_no_text() -> None:
    with pytest.raises(InputError, match="has no text"):
        read(b"source: https://example.gov.vn/a\nkind: news\n---\n\n")


def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + \
            struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_png_renamed_txt_is_refused() -> None:
    with pytest.raises(InputError, match=r"anh\.txt: is a PNG image, not a text document"):
        read(_png(), name="anh.txt")


@pytest.mark.parametrize(("data", "what"), [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG"),
    (b"\x1f\x8b\x08\x00" + bytes(range(256)), "gzip"),
    (b"\x7fELF\x02\x01\x01" + bytes(200), "executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "legacy Office"),
])
def test_known_binary_formats_are_refused(data: bytes, what: str) -> None:
    with pytest.raises(InputError, match=what):
        read(data)


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 40,                              # every byte value, NULs included
    bytes((i * 7 + 3) % 32 for i in range(5000)),        # control characters, no NULs
])
def test_binary_file_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match="binary file"):
        read(data, name="data.txt")


def test_invalid_utf8_is_refused_with_the_byte_offset() -> None:
    good = TEXT.encode("utf-8")
    with pytest.raises(InputError, match=r"invalid UTF-8 at byte 40 .*damaged"):
        read(good[:40] + b"\xff\xc3(" + good[40:])


def test_text_in_no_vietnamese_encoding_is_refused() -> None:
    data = "Ça coûte très cher, où est la gare ? Naïve déjà vu, garçon.".encode("latin-1")
    with pytest.raises(InputError, match="not UTF-8, and not Vietnamese text"):
        read(data)


def test_text_over_the_limit_is_refused(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(kg.read, "MAX_BYTES", 1000)
    big = tmp_path / "lon.txt"
    big.write_bytes(TEXT.encode() * 10)
    with pytest.raises(InputError, match=r"lon\.txt: too large \(\d+ bytes; the limit is 1000"):
        read_path(big)
    with pytest.raises(InputError, match="too large"):
        read(TEXT.encode() * 10)
    assert read(TEXT.encode()).text        # under the limit: read


def test_decode_text_names_the_file_in_every_error() -> None:
    for data in (b"\x00\x01\x02\x03" * 100, b"abc\xff\xfe" + "ệ".encode() * 10):
        with pytest.raises(InputError, match="^/some/file.txt: "):
            decode_text(data, where="/some/file.txt")
