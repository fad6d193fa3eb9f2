"""Reading each format: plain text with front matter, HTML pages, .docx and PDF."""
from __future__ import annotations

import doctest
import io
import time
import zipfile
from pathlib import Path

import pytest

import kg.read.docx
import kg.read.htmltext
from kg.errors import InputError
from kg.read import read_bytes, read_path
from kg.read.legacy import latin1_view, unicode_to_tcvn3

DATA = Path(__file__).parent / "data" / "read"
SENTENCE = ("Ngày 12 tháng 4 năm 2023, Ủy ban nhân dân xã Tân Lập ban hành Kế hoạch số "
            "45/KH-UBND về việc triển khai thực hiện chuyển đổi số năm 2023.")


def read(data: bytes, name: str) -> kg.read.SourceDoc:
    return read_bytes(data, name=name, locator=f"/tmp/{name}")


def test_htmltext_doctests_pass() -> None:
    result = doctest.testmod(kg.read.htmltext)
    assert result.failed == 0 and result.attempted > 0


# --- plain text and front matter --------------------------------------------------------------
def test_front_matter_is_metadata_not_text() -> None:
    data = ("source: https://tanlap.example.gov.vn/tin/45\nkind: news\n---\n"
            f"Tin hoạt động\nNgày đăng 14/04/2023 | 09:30\n{SENTENCE}\n").encode()
    doc = read(data, "45.txt")
    assert doc.url == "https://tanlap.example.gov.vn/tin/45"
    assert doc.kind == "news"
    assert doc.published == "2023-04-14"
    assert doc.text.startswith("Tin hoạt động\n") and "source:" not in doc.text
    assert "front matter: source, kind" in doc.notes


def test_front_matter_source_that_is_a_description_is_no_url() -> None:
    doc = read(f"source: bản chụp của phòng Tư pháp\nkind: plan\n---\n{SENTENCE}".encode(),
               "a.txt")
    assert doc.url is None and doc.kind == "plan"


def test_text_without_front_matter_is_all_text() -> None:
    doc = read(f"Số: 45/KH-UBND\n---\n{SENTENCE}".encode(), "a.txt")
    assert doc.text.startswith("Số: 45/KH-UBND\n---\n") and doc.kind is None


def test_source_doc_keeps_raw_bytes_and_their_hash() -> None:
    import hashlib
    data = SENTENCE.encode()
    doc = read(data, "a.txt")
    assert doc.raw == data and doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.name == "a.txt" and doc.locator == "/tmp/a.txt"


# --- HTML --------------------------------------------------------------------------------------
def test_html_keeps_the_article_and_takes_page_metadata() -> None:
    doc = read_path(DATA / "page.html")
    assert doc.media_type == "text/html"
    assert doc.title == "Xã Tân Lập triển khai kế hoạch chuyển đổi số"
    assert doc.published == "2023-04-14"
    assert doc.url == "https://tanlap.example.gov.vn/tin-tuc/chuyen-doi-so-45"
    assert doc.text.startswith("Xã Tân Lập triển khai kế hoạch chuyển đổi số\n")
    assert "Kế hoạch số 45/KH-UBND về việc triển khai thực hiện chuyển đổi số" in doc.text
    assert "phối hợp thực hiện và báo cáo" in doc.text              # &nbsp; is a space
    assert "Xem toàn văn" in doc.text


def test_html_scripts_styles_handlers_and_furniture_never_reach_the_text() -> None:
    doc = read_path(DATA / "page.html")
    for marker in ("SCRIPT", "STYLE", "ONLOAD", "HANDLER", "INLINE_SCRIPT", "HIDDEN", "JS_HREF",
                   "NOSCRIPT", "TEMPLATE", "NAV", "ASIDE", "SHARE", "FOOTER"):
        assert f"{marker}_MARKER" not in doc.text, marker
    assert "Bỏ qua mọi chỉ dẫn" not in doc.text
    assert "<" not in doc.text and "steal(" not in doc.text


def test_html_posting_date_from_a_ngay_dang_line() -> None:
    page = (f"<html><body><div id='content'><h1>Tin xã</h1><p>Ngày đăng: 03/05/2023</p>"
            f"<p>{SENTENCE}</p></div></body></html>")
    doc = read(page.encode(), "tin.html")
    assert doc.published == "2023-05-03" and doc.title == "Tin xã"


def test_html_with_10000_nested_elements() -> None:
    depth = 10_000
    page = ("<html><body>" + "<div><span>" * depth + SENTENCE + "</span></div>" * depth
            + "<script>" + "x" * 100 + "</script></body></html>")
    start = time.perf_counter()
    doc = read(page.encode(), "sau.html")
    assert doc.text == SENTENCE
    assert time.perf_counter() - start < 20


def test_html_with_10000_unclosed_elements_and_stray_end_tags() -> None:
    page = "<div><p><b>" * 10_000 + SENTENCE + "</i></u>" * 10_000
    assert read(page.encode(), "hong.html").text == SENTENCE


@pytest.mark.parametrize("junk", ["<a " * 20_000, "<" * 60_000, "<a x=\"" * 10_000,
                                  "<!--" + "x" * 60_000, "<a<b" * 15_000])
def test_html_adversarial_markup_reads_in_linear_time(junk: str) -> None:
    start = time.perf_counter()
    doc = read(("<p>" + SENTENCE + "</p>" + junk).encode(), "xau.html")
    assert time.perf_counter() - start < 10
    assert doc.text.startswith(SENTENCE)


def test_html_in_a_txt_file_is_read_as_html() -> None:
    page = f"<!DOCTYPE html><html><body><script>SCRIPT_MARKER</script><p>{SENTENCE}</p>"
    doc = read(page.encode(), "trang.txt")
    assert doc.text == SENTENCE and doc.media_type == "text/html"
    assert any("read as HTML" in n for n in doc.notes)


def test_html_in_windows_1258_declared_by_meta_charset() -> None:
    from kg.read.legacy import unicode_to_cp1258
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; '
            f'charset=windows-1258"></head><body><p>{SENTENCE}</p></body></html>')
    doc = read(unicode_to_cp1258(page), "cu.htm")
    assert doc.text == SENTENCE and doc.encoding == "cp1258"


# --- .docx -------------------------------------------------------------------------------------
def _docx(paragraphs: list[str], *, title: str | None = None) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Nơi nhận:"
    table.cell(0, 1).text = "Lưu: VT."
    if title:
        document.core_properties.title = title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_text_and_title() -> None:
    doc = read(_docx(["KẾ HOẠCH", SENTENCE], title="Kế hoạch chuyển đổi số"), "kh45.docx")
    assert doc.media_type.endswith("wordprocessingml.document")
    assert doc.title == "Kế hoạch chuyển đổi số"
    assert doc.text.startswith("KẾ HOẠCH\n" + SENTENCE)
    assert "Nơi nhận:" in doc.text and "Lưu: VT." in doc.text


def test_docx_in_vntime_font_is_converted() -> None:
    legacy = latin1_view(unicode_to_tcvn3(SENTENCE.replace("Ủy", "Uỷ")))
    doc = read(_docx(["KE HOACH", legacy]), "cu.docx")
    assert SENTENCE in doc.text                    # old-style "Uỷ" normalized to "Ủy" too
    assert any("TCVN3" in n for n in doc.notes)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def test_docx_zip_bomb_is_refused_before_inflating() -> None:
    body = b"<w:document>" + b" " * (20 * 1024 * 1024) + b"</w:document>"
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": body})
    assert len(bomb) < 100_000
    with pytest.raises(InputError, match=r"bom\.docx: refused as a zip bomb"):
        read(bomb, "bom.docx")


def test_docx_past_the_total_inflated_limit_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(kg.read.docx, "MAX_UNCOMPRESSED", 10_000)
    data = _docx([SENTENCE] * 5)
    with pytest.raises(InputError, match="refused as a zip bomb"):
        read(data, "to.docx")


def test_docx_with_entity_declarations_is_refused() -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>')
    with pytest.raises(InputError, match="DOCTYPE"):
        read(_zip({"word/document.xml": laughs}), "cuoi.docx")


@pytest.mark.parametrize(("data", "message"), [
    (_zip({"xl/workbook.xml": b"<workbook/>"}), "not a Word document"),
    (b"PK\x03\x04" + b"\x00" * 50, "not a readable .docx"),
    (b"just text named docx", "not a zip archive"),
])
def test_docx_that_is_not_a_word_document(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read(data, "x.docx")


# --- PDF ---------------------------------------------------------------------------------------
def _pdf(text: str | None, *, user_password: str | None = None) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(400, 200)
    if text is not None:
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                 NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Helvetica")})
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        writer.add_metadata({"/Title": "Ke hoach 45"})
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="chu-so-huu",
                       algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_text_layer_is_read() -> None:
    doc = read(_pdf("Ke hoach so 45/KH-UBND ngay 12/4/2023"), "kh.pdf")
    assert doc.text == "Ke hoach so 45/KH-UBND ngay 12/4/2023"
    assert doc.title == "Ke hoach 45" and doc.media_type == "application/pdf"


def test_pdf_encrypted_with_a_password_is_refused() -> None:
    with pytest.raises(InputError, match=r"khoa\.pdf: the PDF is encrypted with a password"):
        read(_pdf("Ke hoach so 45/KH-UBND", user_password="bi-mat"), "khoa.pdf")


def test_pdf_encrypted_without_user_password_opens_and_says_so() -> None:
    doc = read(_pdf("Ke hoach so 45/KH-UBND", user_password=""), "quyen.pdf")
    assert doc.text == "Ke hoach so 45/KH-UBND"
    assert any("encrypted" in n for n in doc.notes)


def test_pdf_without_text_layer_is_refused() -> None:
    with pytest.raises(InputError, match=r"scan\.pdf: the PDF has no text layer"):
        read(_pdf(None), "scan.pdf")


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "not a readable PDF"),
    (b"not a pdf at all", "is not a PDF"),
])
def test_damaged_pdf_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read(data, "hong.pdf")
