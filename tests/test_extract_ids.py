"""Numbers and symbols: the three families, canonical spelling, repairs, and what is not one."""
from __future__ import annotations

import doctest

import pytest

from kg.extract import catalogue, dates, fold, ids, places
from kg.extract.ids import parse, scan

PARSE_ROWS = [
    # (written, id, family, type key, issuer code)
    ("97/2019/QH14", "97/2019/QH14", "state", None, "QH"),
    ("32/2021/NĐ-CP", "32/2021/NĐ-CP", "state", "nghi-dinh", "CP"),
    ("32/2021/ND-CP", "32/2021/NĐ-CP", "state", "nghi-dinh", "CP"),   # ASCII-folded Đ
    ("32/2021/NÐ-CP", "32/2021/NĐ-CP", "state", "nghi-dinh", "CP"),   # Ð (eth) for Đ
    ("88/2014/QD-UBND", "88/2014/QĐ-UBND", "state", "quyet-dinh", "UBND"),
    ("653/2019/UBTVQH14", "653/2019/UBTVQH14", "state", None, "UBTVQH"),
    ("16/2017/TT-BTC", "16/2017/TT-BTC", "state", "thong-tu", "BTC"),
    ("21/2024/NQHĐND", "21/2024/NQ-HĐND", "state", "nghi-quyet", "HĐND"),
    ("20/2016/QĐ-TTG", "20/2016/QĐ-TTg", "state", "quyet-dinh", "TTG"),
    ("115/KH-UBND", "115/KH-UBND", "administrative", "ke-hoach", "UBND"),
    ("31/VBHN-VPQH", "31/VBHN-VPQH", "administrative", "van-ban-hop-nhat", "VPQH"),
    ("12/NQ-CP", "12/NQ-CP", "administrative", "nghi-quyet", "CP"),
    ("171-KH/TU", "171-KH/TU", "party", "ke-hoach", "TU"),
    ("03-TT/QU", "03-TT/QU", "party", "thong-tri", "QU"),
    ("100 - KL/TW", "100-KL/TW", "party", "ket-luan", "TW"),
    ("06- CTr/QƯ", "06-CTr/QU", "party", "chuong-trinh", "QU"),
    ("03-Ctr/TU", "03-CTr/TU", "party", "chuong-trinh", "TU"),
    ("70-TB/TWngày", "70-TB/TW", "party", "thong-bao", "TW"),
    ("97/2019/QL14", "97/2019/QH14", "state", None, "QH"),
]


@pytest.mark.parametrize(("written", "ident", "family", "type_key", "issuer"), PARSE_ROWS)
def test_extract_parse_number_and_symbol(written, ident, family, type_key, issuer):
    p = parse(written)
    if ident is None:
        assert p is None
        return
    assert p is not None
    assert (p.id, p.family, p.type, p.issuer_code) == (ident, family, type_key, issuer)


def test_extract_typo_repair_is_recorded_as_correction():
    p = parse("Nghị quyết số 97/2019/QL14")
    assert p is not None and p.repaired
    assert p.corrections[0].original == "97/2019/QL14"
    assert p.corrections[0].corrected == "97/2019/QH14"


NOT_IDS = [
    "06/07/2022 | 08:45",            # a posting date
    "giai đoạn 2005-2010",           # a range of years
    "Mã số: 01C-04/06-2020-3",       # a project code
    "dân số 170.706 nhân khẩu",
    "tỷ lệ 67/100 hộ",
    "999/2099/XX99",                 # letters that are no code
]


@pytest.mark.parametrize("text", NOT_IDS)
def test_extract_no_number_where_there_is_none(text):
    assert scan(fold.views(text).flat) == []


def test_extract_party_number_without_year_keeps_no_year():
    p = parse("35-CT/TW")
    assert p is not None and p.year is None and p.family == "party"


def test_extract_reference_broken_over_lines():
    text = "theo Nghị định số\n24/2014/NĐ-CP ngày 04 tháng 4 năm 2014"
    found = scan(fold.views(text).flat)
    assert [p.id for p in found] == ["24/2014/NĐ-CP"]
    assert text[found[0].start:found[0].end] == "24/2014/NĐ-CP"


@pytest.mark.parametrize("module", [ids, fold, dates, places, catalogue])
def test_extract_doctests(module):
    result = doctest.testmod(module)
    assert result.failed == 0
