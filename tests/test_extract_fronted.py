"""A purpose clause that opens a sentence ("Thực hiện …, X ban hành …") and unit codes after
an issuer's code ("BYT-DP"). Sentences written for these tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import extract
from kg.extract.ids import parse

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def links(text: str) -> set[tuple[str, str, str, float]]:
    """(mention of the source document, relation, target key, confidence)."""
    x = extract(text)
    return {(x.document(r.source).mention, r.rel, r.target, r.confidence) for r in x.relations}


NQ97 = ("Quốc hội ban hành Nghị quyết số 97/2019/QH14 ngày 27/11/2019 về thí điểm tổ chức mô "
        "hình chính quyền đô thị tại thành phố Hà Nội. ")

FRONTED_ROWS = [
    pytest.param(   # count documents of two coordinated clauses, across the ";"
        "Thực hiện Kế hoạch số 58-KH/QU ngày 10/3/2022 của Quận ủy Hoàng Mai, Đảng ủy phường "
        "Định Công đã ban hành 02 nghị quyết và 01 chương trình; UBND phường ban hành 03 văn "
        "bản triển khai các nhiệm vụ chuyển đổi số tại phường.",
        {("02 nghị quyết", "implements", "58-KH/QU", 1.0),
         ("01 chương trình", "implements", "58-KH/QU", 1.0),
         ("03 văn bản", "implements", "58-KH/QU", 1.0)}, id="thuc-hien-counts"),
    pytest.param(
        "Căn cứ Quyết định số 215/QĐ-UBND ngày 02/02/2023 của UBND quận, UBND phường Thạch Bàn "
        "ban hành Kế hoạch số 27/KH-UBND ngày 06/02/2023 về tổ chức ngày hội đọc sách.",
        {("Kế hoạch số 27/KH-UBND", "based_on", "215/QĐ-UBND", 1.0)}, id="can-cu-numbered"),
    pytest.param(   # a numbered and a counted document, one in each clause
        "Để thực hiện Chỉ thị số 08-CT/TU ngày 14/6/2021 của Thành ủy, Ban Thường vụ Quận ủy ban "
        "hành Kế hoạch số 19-KH/QU; Ủy ban nhân dân quận ban hành 02 văn bản chỉ đạo.",
        {("Kế hoạch số 19-KH/QU", "implements", "08-CT/TU", 1.0),
         ("02 văn bản", "implements", "08-CT/TU", 1.0)}, id="de-thuc-hien"),
    pytest.param(   # a typed document without a number
        "Triển khai Nghị quyết số 15-NQ/TW ngày 05/5/2022 của Bộ Chính trị, Thành ủy đã xây "
        "dựng Chương trình hành động phát triển Thủ đô đến năm 2030.",
        {("Chương trình hành động phát triển Thủ đô đến năm", "implements", "15-NQ/TW", 1.0)},
        id="trien-khai-typed"),
    pytest.param(   # a document after a cue of the main clause is its object, not issued
        "Thực hiện Kế hoạch số 58-KH/QU của Quận ủy, UBND phường ban hành 02 văn bản thực hiện "
        "Nghị định số 45/2021/NĐ-CP.",
        {("02 văn bản", "implements", "58-KH/QU", 1.0),
         ("02 văn bản", "implements", "45/2021/NĐ-CP", 1.0)}, id="object-of-inner-cue"),
    pytest.param(   # "theo …" names a reference, not a document issued
        "Thực hiện Kế hoạch số 58-KH/QU của Quận ủy, UBND phường ban hành Kế hoạch số "
        "33/KH-UBND theo Hướng dẫn số 12-HD/BTGTU.",
        {("Kế hoạch số 33/KH-UBND", "implements", "58-KH/QU", 1.0)}, id="theo-reference"),
    pytest.param(   # nothing issued: nothing implements
        "Thực hiện Kế hoạch số 58-KH/QU của Quận ủy, phường tổ chức hội nghị cho 300 đảng viên.",
        set(), id="nothing-issued"),
    pytest.param(   # no fronted document: the topic still links (a guess, 0.6)
        NQ97 + "UBND phường Ngọc Thụy ban hành 03 văn bản thực hiện thí điểm mô hình chính "
        "quyền đô thị.",
        {("03 văn bản", "implements", "97/2019/QH14", 0.6)}, id="topic-without-fronted"),
    pytest.param(   # the fronted document beats the topic guess
        NQ97 + "Thực hiện Kế hoạch số 58-KH/QU của Quận ủy, UBND phường Ngọc Thụy ban hành 03 "
        "văn bản thực hiện thí điểm mô hình chính quyền đô thị.",
        {("03 văn bản", "implements", "58-KH/QU", 1.0)}, id="fronted-beats-topic"),
    pytest.param(   # not where the sentence opens: no purpose clause
        "Quận ủy tiếp nhận Kế hoạch số 58-KH/QU, đồng thời UBND phường ban hành 02 văn bản.",
        set(), id="not-fronted"),
]


@pytest.mark.parametrize(("text", "expected"), FRONTED_ROWS)
def test_extract_fronted_purpose_clause(text, expected):
    assert links(text) == expected


def test_extract_sample_ward_documents_implement_the_circular():
    text = (SAMPLES / "01-phuong-duc-giang-so-ket.txt").read_text(encoding="utf-8")
    x = extract(text)
    counted = {d.key: d for d in x.documents if d.count is not None}
    assert sorted(d.count for d in counted.values()) == [1, 1, 4]
    for key in counted:
        targets = {r.target for r in x.relations if r.source == key}
        assert targets == {"03-TT/QU"}, key


UNIT_CODE_ROWS = [
    # (written, id, issuer code, repaired)
    ("3652/byt-dp", "3652/BYT-DP", "BYT", False),    # a ministry's unit (dự phòng), lower case
    ("3652/BYT-DP", "3652/BYT-DP", "BYT", False),
    ("215/UBND-VP", "215/UBND-VP", "UBND", False),    # not "UBND-CP"
    ("97/2019/QL14", "97/2019/QH14", "QH", True),     # the National Assembly's pattern: repaired
    ("115/KH-UBNO", "115/KH-UBND", "UBND", True),     # no issuer code before: repaired
]


@pytest.mark.parametrize(("written", "ident", "issuer", "repaired"), UNIT_CODE_ROWS)
def test_extract_unit_code_after_issuer_is_not_repaired(written, ident, issuer, repaired):
    p = parse(written)
    assert p is not None
    assert (p.id, p.issuer_code, p.repaired) == (ident, issuer, repaired)
    assert bool(p.corrections) is repaired


def test_extract_register_title_keeps_unit_code():
    x = extract("Sở Y tế nhận công văn số 3652/byt-dp ngày 10/7/2022 của bộ y tế về phòng dịch.")
    doc = next(d for d in x.documents if d.id)
    assert doc.id == "3652/BYT-DP" and not doc.corrections
