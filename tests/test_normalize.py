"""normalize() gives one spelling of a text; fold() the key that search compares."""
from __future__ import annotations

import doctest
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.normalize
from kg.normalize import fold, normalize


def test_doctests_pass() -> None:
    result = doctest.testmod(kg.normalize)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize(("text", "expected"), [
    # old-style tone placement becomes the modern one, any case
    ("hoà bình", "hòa bình"),
    ("HOÀ BÌNH", "HÒA BÌNH"),
    ("Thuỵ Khuê", "Thụy Khuê"),
    ("khoẻ mạnh, tuỳ ý, huỷ bỏ", "khỏe mạnh, tùy ý, hủy bỏ"),
    ("oà khóc", "òa khóc"),
    ("Hoà.", "Hòa."),
    # syllables that are the same in both styles stay as they are
    ("quý, quỳ, quỷ", "quý, quỳ, quỷ"),
    ("hoàng, khuyến, khuỷu, ngoài, thuở", "hoàng, khuyến, khuỷu, ngoài, thuở"),
    ("hòa thuận", "hòa thuận"),
    # decomposed (combining) marks composed
    ("Nghi\u0323 quyê\u0301t", "Nghị quyết"),
    ("Vie\u0302\u0323t Nam", "Việt Nam"),
    # line ends, BOM, zero-width characters, odd spaces, hyphen look-alikes
    ("a\r\nb\rc\u2028d", "a\nb\nc\nd"),
    ("\ufeffQuyết\u200b định\u00ad", "Quyết định"),
    ("số\u00a045/KH\u2011UBND", "số 45/KH-UBND"),
    ("dòng một   \ndòng hai\t\n", "dòng một\ndòng hai\n"),
    ("đồng chí A – Chủ tịch", "đồng chí A – Chủ tịch"),     # en dash is punctuation: kept
    ("a\x00b\x07c", "abc"),
])
def test_normalize_table(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_normalize_old_and_modern_styles_meet() -> None:
    assert normalize("Thuỷ lợi hoà bình") == normalize("Thủy lợi hòa bình")


@pytest.mark.parametrize(("text", "expected"), [
    ("Chính quyền đô thị", "chinh quyen do thi"),
    ("ĐẢNG ỦY PHƯỜNG ĐỨC GIANG", "dang uy phuong duc giang"),
    ("Đảng uỷ", "dang uy"),
    ("hoà", "hoa"),
    ("hòa", "hoa"),
    ("QÐ-UBND", "qd-ubnd"),                 # Latin Eth look-alike
    ("Nghi\u0323 quyê\u0301t", "nghi quyet"),  # decomposed input
    ("97/2019/QH14", "97/2019/qh14"),
])
def test_fold_table(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_keeps_offsets_of_normalized_text() -> None:
    text = normalize("Ủy ban nhân dân phường Đức Giang, quận Long Biên")
    folded = fold(text)
    assert len(folded) == len(text)
    start = folded.index("duc giang")
    assert text[start:start + len("duc giang")] == "Đức Giang"


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_normalize_never_raises_and_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    "aăâeêioôơuưyAĂÂEÊIOÔƠUƯYdđĐqQhHnNgG \n\r\t\u00a0\u200b\ufeff\u0300\u0301\u0303\u0309\u0323"
    "àáảãạèéẻẽẹòóỏõọùúủũụỳýỷỹỵÒÓỎÕỌÙÚỦŨỤỲÝỶỸỴ.,-")))
def test_normalize_idempotent_on_vietnamese_letters(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert unicodedata.is_normalized("NFC", once)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_fold_never_raises_is_idempotent_and_keeps_length(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    marks = sum(1 for c in text if unicodedata.combining(c))
    assert len(folded) == len(text) - marks
