"""A register (CSV/JSON list of documents) ingests as documents with links from trích yếu."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest import Pipeline
from kg.query import Queries
from tests.conftest import BASE, shared_dir

OWN = """so_ky_hieu,ngay_ban_hanh,trich_yeu,hieu_luc,pdf
812/KH-UBND,03/03/2021,triển khai thực hiện nghị quyết số 97/2019/qh14,Văn bản đang có hiệu lực,
77/QÐ-UBND,15/01/2021,ban hành quy chế làm việc của ủy ban nhân dân tỉnh,Văn bản đang có hiệu lực,
,20/02/2021,dòng không có số ký hiệu,,
"""



def _all_ids(store) -> list[dict]:
    from kg.query import _rows

    return _rows(store, "SELECT DISTINCT ?id WHERE { ?d a kg:Document ; eli:id_local ?id }")


def test_own_register_rows_become_documents_with_links(store, tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_text(OWN, encoding="utf-8")
    report = Pipeline(store, base_iri=BASE).ingest_paths([path])
    assert not report.failed
    ids = {r["id"] for r in _all_ids(store)}
    assert {"812/KH-UBND", "77/QĐ-UBND", "97/2019/QH14"} <= ids  # Ð repaired to Đ
    plan = Queries(store).find_documents("812/KH-UBND")[0]
    assert plan["date"] == "2021-03-03"
    links = Queries(store).document(plan["doc"])["outgoing"]
    assert [(x["rel"], x["label"]) for x in links] == [("implements",
                                                        "Nghị quyết 97/2019/QH14")]


def test_real_register_of_binh_duong(store) -> None:
    path = shared_dir() / "data/vn-legal/binh-duong/data_vanbanphapluatBinhDuong.csv"
    if not path.exists():
        pytest.skip(f"{path} not present (set KG_SHARED)")
    Pipeline(store, base_iri=BASE).ingest_paths([path])
    q = Queries(store)
    found = q.find_documents("3532/UBND-VX")
    assert len(found) == 1
    out = {(x["rel"], x["label"]) for x in q.document(found[0]["doc"])["outgoing"]}
    assert ("implements", "Thông tư 07/2022/TT-BTTTT") in out
    # every numbered row is a document: 3,608 distinct (number, date) pairs, some numbers
    # repeat across years, so at least 3,400 distinct numbers
    assert len(_all_ids(store)) > 3400
