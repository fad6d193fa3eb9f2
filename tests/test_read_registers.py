"""Structured registers through column mappings: our fixtures, and the real registers in place."""
from __future__ import annotations

import csv
import json
import os
import unicodedata
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.read import BUILTIN_MAPPINGS, ColumnMapping, read_path, read_register
from kg.read.legacy import unicode_to_cp1258

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "read"


def shared_dir() -> Path:
    """The shared data folder (KG_SHARED, default ../shared beside the repo)."""
    return Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))


def vn_legal(rel: str) -> Path:
    path = shared_dir() / "data" / "vn-legal" / rel
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: set KG_SHARED")
        pytest.skip(f"{path} not present (set KG_SHARED)")
    return path


# --- our fixtures ------------------------------------------------------------------------------
def test_register_through_a_mapping_loaded_from_json() -> None:
    mapping = ColumnMapping.load(DATA / "register_custom.mapping.json")
    rows = read_register(DATA / "register_custom.csv", mapping)
    assert [r.row for r in rows] == [1, 2, 3]          # the blank line is not a record
    first, second, third = rows
    assert first.id == "45/KH-UBND" and first.type_label == "Kế hoạch"
    assert first.date == "2023-04-12" and first.signer == "Nguyễn Văn An"
    assert first.place == "xã Tân Lập" and first.issuer == "UBND xã Tân Lập"
    assert second.id == "18/NQ-HĐND" and "\u00d0" not in second.id      # Ð (U+00D0) → Đ
    assert third.date is None and third.notes == ["date: not a date: '31/02/2023'"]


def test_register_csv_with_missing_columns_names_them() -> None:
    with pytest.raises(InputError, match=r"register_missing_columns\.csv: register lacks "
                                         r"column\(s\) trich_yeu, hieu_luc"):
        read_register(DATA / "register_missing_columns.csv")


def test_register_missing_columns_of_a_given_mapping() -> None:
    mapping = ColumnMapping(name="x", id="Số hiệu", title="Tên", date="Ngày",
                            required=("id", "title", "date"))
    with pytest.raises(InputError, match=r"lacks column\(s\) Tên, Ngày required by mapping x"):
        read_register(DATA / "register_custom.csv", mapping)


def test_register_of_unknown_layout_needs_a_mapping(tmp_path) -> None:
    path = tmp_path / "khac.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a register layout this service knows"):
        read_register(path)


def test_json_register_with_nested_records_and_mixed_dates() -> None:
    mapping = ColumnMapping.from_dict(
        {"name": "y", "records": "data.items", "id": "so", "date": "ngay", "title": "ten"})
    rows = read_register(DATA / "documents.json", mapping)
    assert [(r.id, r.date) for r in rows] == [("12/2023/QĐ-UBND", "2023-03-01"),
                                              ("13/2023/QĐ-UBND", "2023-03-01")]


def test_mapping_with_unknown_keys_is_refused() -> None:
    with pytest.raises(InputError, match="unknown mapping key"):
        ColumnMapping.from_dict({"name": "z", "so_hieu": "id"})


def test_register_in_windows_1258_is_decoded(tmp_path) -> None:
    path = tmp_path / "cu.csv"
    path.write_bytes(unicode_to_cp1258(
        "so_ky_hieu,ngay_ban_hanh,trich_yeu,hieu_luc\n"
        "45/KH-UBND,12/04/2023,triển khai thực hiện chuyển đổi số,Văn bản đang có hiệu lực\n"))
    [row] = read_register(path)
    assert row.title == "triển khai thực hiện chuyển đổi số"
    assert row.issuer == "UBND tỉnh Bình Dương"           # the binh-duong layout, by header


@pytest.mark.parametrize(("body", "message"), [
    ("[" * 100_000, "nested too deeply|not valid JSON"),
    ('{"so_hieu": 1}\n{oops\n', r"not valid JSON \(line 2\)"),
    ("[1, 2]", "record 1 is not a JSON object"),
    ('{"a": 1}', "expected a JSON list"),
])
def test_damaged_json_registers_are_refused(tmp_path, body: str, message: str) -> None:
    path = tmp_path / ("r.jsonl" if "\n" in body else "r.json")
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_register(path)


def test_read_path_of_a_register_without_known_layout_names_the_file() -> None:
    with pytest.raises(InputError, match=r"register_custom\.csv: not a register layout"):
        read_path(DATA / "register_custom.csv")


def test_read_path_of_a_register_gives_rows_not_text(tmp_path) -> None:
    path = tmp_path / "bd.csv"
    path.write_text(",so_ky_hieu,ngay_ban_hanh,trich_yeu,hieu_luc,pdf\n"
                    "0,45/KH-UBND,12/04/2023,triển khai chuyển đổi số,,\n", encoding="utf-8")
    doc = read_path(path)
    assert doc.text == "" and doc.media_type == "text/csv"
    assert doc.rows is not None and doc.rows[0].id == "45/KH-UBND"
    assert doc.rows[0].status is None and doc.rows[0].url is None


# --- the real registers, read in place ---------------------------------------------------------
def test_binh_duong_register_row_counts_match_source_md() -> None:
    path = vn_legal("binh-duong/data_vanbanphapluatBinhDuong.csv")
    rows = read_register(path)
    assert len(rows) == 4056                                  # SOURCE.md: 4,056 rows
    with path.open(encoding="utf-8") as handle:
        raw = list(csv.DictReader(handle))
    assert len({(r["so_ky_hieu"], r["ngay_ban_hanh"]) for r in raw}) == 3609   # as SOURCE.md
    # With Ð repaired one more pair is the same document: 3159/QÐ-UBND and 3159/QĐ-UBND.
    assert len({(r.id, r.date) for r in rows}) == 3608
    assert sum("\u00d0" in r["so_ky_hieu"] for r in raw) == 49                  # as SOURCE.md
    assert not any("\u00d0" in (r.id or "") for r in rows)
    assert all(unicodedata.is_normalized("NFC", r.title or "") for r in rows)
    assert {r.issuer for r in rows} == {"UBND tỉnh Bình Dương"}
    assert all(r.date and r.date[:4] in {str(y) for y in range(2014, 2023)} for r in rows)
    statuses = [r.status for r in rows]
    assert statuses.count("Văn bản đang có hiệu lực") == 4007 and statuses.count(None) == 28


def test_son_la_register_row_counts_match_source_md() -> None:
    rows = read_register(vn_legal("son-la-congbao/van_ban.jsonl"))
    assert len(rows) == 367
    issuers = [r.issuer for r in rows]
    assert issuers.count("UBND Tỉnh") == 296 and issuers.count("HĐND Tỉnh") == 59
    assert sum(1 for i in issuers if i and i.startswith("HĐND xã")) == 12
    assert all("2026-03-31" <= (r.date or "") <= "2026-08-05" for r in rows)
    assert [r.status for r in rows].count("Chưa có hiệu lực") == 10
    assert all(r.place == "tỉnh Sơn La" and r.signer for r in rows)


def test_tvpl_register_keeps_the_57_rows_with_metadata() -> None:
    path = vn_legal("tvpl-luoc-do/links_2025-10-13_Result.json")
    rows = read_register(path)
    assert len(rows) == 57                       # 100 rows, 43 pages that failed to load
    by_id = {r.id: r for r in rows}
    decree = by_id["261/2025/NĐ-CP"]
    assert (decree.type_label, decree.issuer, decree.date, decree.signer) == \
        ("Nghị định", "Chính phủ", "2025-10-10", "Trần Hồng Hà")
    assert "tab4" in decree.extra                # the Lược đồ relations stay reachable
    doc = read_path(path)
    assert doc.rows is not None and len(doc.rows) == 57 and doc.text == ""
    assert any("skipped 43 rows" in n for n in doc.notes)


def test_builtin_mappings_are_chosen_by_header() -> None:
    names = {m.name for m in BUILTIN_MAPPINGS}
    assert names == {"binh-duong", "son-la-congbao", "tvpl-luoc-do"}
    for mapping in BUILTIN_MAPPINGS:
        again = ColumnMapping.from_dict(json.loads(json.dumps(mapping.to_dict())))
        assert again == mapping
