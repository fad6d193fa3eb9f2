"""Shared view plumbing: every page is HTML for a browser and JSON for a program.

Pages speak Vietnamese by default and English on request: `?lang=en` switches and sets a
cookie that later pages follow (`?lang=vi` switches back). Templates call `t("key")`.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, g, jsonify, render_template, request

from kg.extract.tables import DOC_TYPES, LEVEL_LABELS, RELATIONS
from web.errors import wants_json

LANGS = ("vi", "en")
COOKIE = "lang"

# Interface strings, (Vietnamese, English). Labels of types, relations and levels come
# from kg.extract.tables, so that the UI and the ontology say the same thing.
STRINGS: dict[str, tuple[str, str]] = {
    "brand": ("Đồ thị văn bản", "VN Legal KG"),
    "home": ("Trang chủ", "Home"),
    "search": ("Tìm kiếm", "Search"),
    "search_ph": ("97/2019/QH14, chính quyền đô thị…", "97/2019/QH14, urban government…"),
    "explore": ("Khám phá đồ thị", "Graph explorer"),
    "query": ("Truy vấn SPARQL", "SPARQL editor"),
    "ontology": ("Ontology", "Ontology"),
    "lang_switch": ("English", "Tiếng Việt"),
    "skip": ("Bỏ qua, đến nội dung", "Skip to content"),
    "graph_holds": ("Đồ thị đang có", "What the graph holds"),
    "documents": ("văn bản", "documents"),
    "bodies": ("cơ quan", "bodies"),
    "sources": ("nguồn", "sources"),
    "links": ("liên kết", "links"),
    "triples": ("bộ ba", "triples"),
    "by_type": ("Theo loại văn bản", "By document type"),
    "by_level": ("Theo cấp ban hành", "By level of the issuer"),
    "last_ingest": ("Lần nạp gần nhất", "Last ingest"),
    "most_implemented": ("Được thực hiện, dẫn chiếu nhiều nhất",
                         "Most implemented and cited"),
    "recent_sources": ("Nguồn mới nạp", "Recent sources"),
    "results": ("kết quả", "results"),
    "shown_of": ("Hiển thị %d trên tổng số %d.", "%d shown of %d."),
    "shown_of_over": ("Hiển thị %d trên hơn %d.", "%d shown of over %d."),
    "approximate": ("Số lượng ước tính từ một mẫu các kết quả.",
                    "Counts estimated from a sample of the matches."),
    "no_results": ("Không có kết quả.", "No results."),
    "index_building": ("Chỉ mục tìm kiếm đang được xây dựng; vui lòng thử lại sau ít phút.",
                       "The search index is being built; please try again in a few minutes."),
    "filter_kind": ("Loại", "Kind"),
    "filter_type": ("Loại văn bản", "Document type"),
    "filter_issuer": ("Cơ quan ban hành", "Issuer"),
    "filter_level": ("Cấp", "Level"),
    "filter_year": ("Năm", "Year"),
    "clear_filters": ("Bỏ lọc", "Clear filters"),
    "prev": ("Trang trước", "Previous"),
    "next": ("Trang sau", "Next"),
    "page": ("Trang", "Page"),
    "kind_document": ("Văn bản", "Document"),
    "kind_docset": ("Văn bản chỉ biết số lượng", "Documents known by count"),
    "kind_body": ("Cơ quan", "Body"),
    "kind_source": ("Nguồn", "Source"),
    "kind_person": ("Người", "Person"),
    "facts": ("Thông tin", "Facts"),
    "from_source": ("nguồn", "source"),
    "validity": ("Hiệu lực", "Validity"),
    "validity_unknown": ("Chưa rõ", "Unknown"),
    "issuer": ("Cơ quan ban hành", "Issuer"),
    "date": ("Ngày ban hành", "Date of issue"),
    "number": ("Số, ký hiệu", "Number"),
    "type": ("Loại", "Type"),
    "title": ("Trích yếu", "Title"),
    "upstream": ("Căn cứ, thực hiện (lên đến gốc)", "Upstream (to the root)"),
    "downstream": ("Văn bản triển khai (theo cấp)", "Downstream (by level)"),
    "roots": ("Gốc", "Roots"),
    "no_upstream": ("Không dựa trên văn bản nào đã biết.", "Rests on no known document."),
    "no_downstream": ("Chưa có văn bản nào triển khai.", "Not implemented by any known document."),
    "trace_cut": ("Chuỗi triển khai vượt quá %d văn bản: trang này chỉ hiện %d văn bản gần nhất.",
                  "This trace reaches more than %d documents: this page shows the nearest %d."),
    "trace_whole_json": ("Toàn bộ chuỗi (JSON)", "The whole trace (JSON)"),
    "lag": ("sau", "after"),
    "days": ("ngày", "days"),
    "evidence": ("Bằng chứng của các liên kết", "Evidence of the links"),
    "open_evidence": ("xem câu trong nguồn", "see the sentence in the source"),
    "mentioned_in": ("Nguồn nhắc đến", "Mentioned in"),
    "corrections": ("Sửa lỗi", "Corrections"),
    "original": ("viết trong nguồn", "as written"),
    "corrected": ("đã sửa thành", "corrected to"),
    "print_trace": ("Bản in của chuỗi triển khai", "Print view of the trace"),
    "see_all": ("xem tất cả trong bản in", "see them all in the print view"),
    "more_issuers": ("cơ quan khác", "more issuers"),
    "more_sources": ("nguồn khác (xem JSON)", "more sources (see the JSON)"),
    "over_sources": ("trên %d nguồn", "over %d sources in all"),
    "print": ("In", "Print"),
    "explore_here": ("Xem trên đồ thị", "Open in the graph explorer"),
    "hierarchy": ("Vị trí trong hệ thống", "Place in the hierarchy"),
    "parents": ("Cấp trên", "Above"),
    "children": ("Cấp dưới", "Below"),
    "issued": ("Văn bản ban hành", "Documents issued"),
    "applies": ("Văn bản áp dụng cho cơ quan", "Documents that apply to this body"),
    "applies_help": ("Do cấp trên ban hành, hoặc có chuỗi triển khai đến cơ quan này.",
                     "Issued by the bodies above it, or reaching it through a chain."),
    "gaps": ("Chưa có văn bản triển khai", "Gaps: not implemented here yet"),
    "gaps_help": ("Văn bản cấp trên mà cơ quan này chưa có văn bản nào thực hiện.",
                  "Documents above it that no document of this body implements yet."),
    "no_gaps": ("Không có khoảng trống.", "No gaps."),
    "people": ("Người", "People"),
    "why": ("lý do", "why"),
    "source_text": ("Nội dung", "Text"),
    "mentions": ("Đề cập được nhận diện", "Recognized mentions"),
    "published": ("Ngày đăng", "Published"),
    "ingested": ("Nạp lúc", "Ingested"),
    "locator": ("Tệp / địa chỉ", "File / address"),
    "none": ("Không có.", "None."),
    "not_found": ("Không tìm thấy", "Not found"),
    "ex_title": ("Khám phá đồ thị", "Graph explorer"),
    "ex_start": ("Bắt đầu từ", "Start from"),
    "ex_start_ph": ("số văn bản hoặc tên cơ quan", "document number or body name"),
    "ex_load": ("Mở", "Open"),
    "ex_all": ("Toàn bộ đồ thị", "Whole graph"),
    "ex_relations": ("Quan hệ", "Relations"),
    "ex_types": ("Loại nút", "Node types"),
    "ex_layout": ("Bố cục", "Layout"),
    "ex_layout_level": ("Theo cấp", "By level"),
    "ex_layout_time": ("Theo thời gian", "Timeline"),
    "ex_layout_tree": ("Cây (dagre)", "Tree (dagre)"),
    "ex_path": ("Đường đi giữa hai văn bản", "Path between two documents"),
    "ex_from": ("Từ", "From"),
    "ex_to": ("Đến", "To"),
    "ex_find_path": ("Tô đường đi", "Highlight path"),
    "ex_export": ("Xuất", "Export"),
    "ex_help": ("Nhấn vào một nút để mở rộng; Enter trên nút đang chọn cũng mở rộng.",
                "Click a node to expand it; Enter expands the selected node."),
    "ex_selected": ("Đang chọn", "Selected"),
    "ex_open_page": ("Mở trang", "Open page"),
    "ex_more": ("Còn %d nút kề khác không được vẽ: xem trang của nút này.",
                "%d more neighbours are not drawn: see this node's page."),
    "q_title": ("Trình soạn truy vấn SPARQL", "SPARQL query editor"),
    "q_examples": ("Truy vấn mẫu", "Example queries"),
    "q_help": ("Chọn một truy vấn mẫu rồi nhấn nút chạy (Ctrl+Enter).",
               "Pick an example, then press run (Ctrl+Enter)."),
    "q_endpoint": ("Điểm truy cập", "Endpoint"),
    "json": ("JSON", "JSON"),
    "rel_passed_by": ("ban hành bởi", "issued by"),
    "rel_sub_of": ("trực thuộc", "part of"),
    "error": ("Lỗi", "Error"),
}


def lang() -> str:
    """The language of this request: ?lang=, then the cookie, then Vietnamese."""
    if "lang" not in g:
        asked = request.args.get("lang")
        g.lang = asked if asked in LANGS else (
            request.cookies.get(COOKIE) if request.cookies.get(COOKIE) in LANGS else "vi")
    return g.lang


def t(key: str) -> str:
    """An interface string in the request's language (the key itself when unknown)."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    return pair[1] if lang() == "en" else pair[0]


def type_label(key: str | None) -> str:
    if not key:
        return ""
    dt = DOC_TYPES.get(key)
    return (dt.en if lang() == "en" else dt.vi) if dt else key


def rel_label(key: str | None, *, inverse: bool = False) -> str:
    r = RELATIONS.get(key or "")
    if r is None:
        return key or ""
    if inverse:
        return r.inverse_en if lang() == "en" else r.inverse_vi
    return r.en if lang() == "en" else r.vi


def level_label(key: str | None) -> str:
    pair = LEVEL_LABELS.get(key or "")
    if pair is None:
        return t("validity_unknown")
    return pair[1] if lang() == "en" else pair[0]


def page(template: str, data: dict[str, Any], *, title: str | None = None,
         **extra: Any) -> Response:
    """Render `template` with `data`, or answer `data` as JSON when JSON is asked for."""
    if wants_json():
        resp = jsonify({"ok": True, **data})
    else:
        resp = Response(render_template(template, data=data, title=title, **extra),
                        mimetype="text/html")
    resp.headers["Vary"] = "Accept, Cookie"
    return resp


def url_with(**changes: Any) -> str:
    """This page's URL with some query arguments changed (None removes one)."""
    args = request.args.to_dict()
    for k, v in changes.items():
        if v is None or v == "":
            args.pop(k, None)
        else:
            args[k] = str(v)
    return request.path + ("?" + urlencode(args) if args else "")


def json_url() -> str:
    """The JSON twin of this page."""
    args = request.args.to_dict()
    args["format"] = "json"
    return request.path + "?" + urlencode(args)


def register_filters(app: Flask) -> None:
    """Template helpers: `local`, `short`, `href`, `days`, and the i18n functions."""
    from kg.ns import PREFIXES

    base = app.extensions["kg"].minter.base

    @app.template_filter("local")
    def local(iri: str | None) -> str:
        """An IRI minted under the base as its /id/ path; other web IRIs as they are."""
        if iri and iri.startswith(base):
            return "/id/" + iri[len(base):]
        return href(iri)

    @app.template_filter("href")
    def href(url: str | None) -> str:
        """A URL safe to put in href: http(s) or a local path, anything else "#"."""
        if not url:
            return "#"
        scheme = urlsplit(url).scheme.lower()
        if scheme in ("http", "https") or (not scheme and url.startswith("/")
                                            and not url.startswith("//")):
            return url
        return "#"

    @app.template_filter("short")
    def short(iri: str | None) -> str:
        if not iri:
            return ""
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns):]}"
        if iri.startswith(base):
            return iri[len(base):]
        return iri

    @app.template_filter("ddmmyyyy")
    def ddmmyyyy(iso: str | None) -> str:
        """An ISO date as Vietnamese write it (27/11/2019); other text unchanged."""
        if not iso:
            return ""
        s = str(iso)
        if len(s) >= 10 and s[4] == "-" and s[7] == "-":
            return f"{s[8:10]}/{s[5:7]}/{s[:4]}" + (f" {s[11:16]}" if len(s) > 11 else "")
        return s

    @app.context_processor
    def helpers() -> dict[str, Any]:
        return {"t": t, "lang": lang(), "type_label": type_label, "rel_label": rel_label,
                "level_label": level_label, "url_with": url_with, "json_url": json_url}

    @app.after_request
    def remember_lang(resp: Response) -> Response:
        asked = request.args.get("lang")
        if asked in LANGS and request.cookies.get(COOKIE) != asked:
            resp.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
        return resp
