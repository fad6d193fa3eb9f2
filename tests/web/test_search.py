"""Search: numbers in any spelling, accents ignored, facets, paging, refresh on change."""
from __future__ import annotations

import pytest

from kg.search import SearchIndex, id_key, id_tokens, tokens
from tests.web.conftest import ingest_hostile


@pytest.mark.parametrize(("text", "expected"), [
    ("Chính quyền đô thị", ["chinh", "quyen", "do", "thi"]),
    ("ĐẢNG ỦY Phường", ["dang", "uy", "phuong"]),
    ("97/2019/QH14", ["97", "2019", "qh14"]),
    ("", []),
])
def test_tokens_fold_accents_and_case(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize(("ident", "parts"), [
    ("97/2019/QH14", {"97", "2019", "qh14", "qh", "14"}),
    ("171-KH/TU", {"171", "kh", "tu"}),
    ("32/2021/NĐ-CP", {"32", "2021", "nd", "cp"}),
])
def test_id_tokens_split_every_piece(ident, parts):
    assert id_tokens(ident) == parts


@pytest.mark.parametrize(("a", "b"), [
    ("97/2019/QH14", "97 2019 qh14"),
    ("32/2021/NĐ-CP", "32/2021/ND-CP"),
    ("171-KH/TU", "171 kh tu"),
])
def test_id_key_ignores_spelling(a, b):
    assert id_key(a) == id_key(b)


@pytest.mark.parametrize(("query", "ident"), [
    ("97/2019/QH14", "97/2019/QH14"),
    ("97/2019/qh14", "97/2019/QH14"),
    ("nq 97 2019", "97/2019/QH14"),
    ("NQ 97/2019", "97/2019/QH14"),
    ("Nghị quyết 97", "97/2019/QH14"),
    ("nghi quyet so 97/2019/QH14", "97/2019/QH14"),
    ("171 KH TU", "171-KH/TU"),
    ("171-KH/TU", "171-KH/TU"),
    ("kế hoạch 171", "171-KH/TU"),
    ("03-TT/QU", "03-TT/QU"),
    ("32/2021/ND-CP", "32/2021/NĐ-CP"),
    ("nghi dinh 32 2021", "32/2021/NĐ-CP"),
])
def test_number_in_any_spelling_ranks_the_document_first(sample_store, query, ident):
    res = SearchIndex(sample_store).search(query)
    assert res.hits, query
    assert res.hits[0]["ident"] == ident


def test_search_is_accent_insensitive(sample_store):
    ix = SearchIndex(sample_store)
    plain = ix.search("duc giang")
    accented = ix.search("Đức Giang")
    assert plain.total > 0
    assert [h["node"] for h in plain.hits] == [h["node"] for h in accented.hits]
    assert any(h["kind"] == "body" and "Đức Giang" in h["label"] for h in plain.hits)


def test_search_by_words_of_a_title(sample_store):
    hits = SearchIndex(sample_store).search("chinh quyen do thi").hits
    assert hits
    for h in hits:
        text = " ".join(tokens(" ".join(filter(None, [h["label"], h["title"]]))))
        assert "chinh quyen do thi" in text or h["issuer_labels"]


def test_unknown_words_find_nothing(sample_store):
    assert SearchIndex(sample_store).search("zzqx 4242").total == 0


def test_facet_counts_agree_with_filtered_results(sample_store):
    ix = SearchIndex(sample_store)
    res = ix.search("")
    assert res.facets["kind"]
    for facet in ("kind", "type", "level", "year"):
        for f in res.facets[facet]:
            filtered = ix.search("", filters={facet: f["value"]}, per_page=100)
            assert filtered.total == f["n"], (facet, f)


def test_filter_by_issuer_lists_what_the_body_issued(sample_store):
    ix = SearchIndex(sample_store)
    issuers = ix.search("", filters={"kind": "document"}).facets["issuer"]
    assert issuers
    body = issuers[0]["value"]
    res = ix.search("", filters={"issuer": body}, per_page=100)
    assert res.total == issuers[0]["n"]
    assert all(body in h["issuers"] for h in res.hits)


def test_paging_splits_the_results(sample_store):
    ix = SearchIndex(sample_store)
    everything = ix.search("", per_page=100)
    assert everything.total >= 3
    pages = [ix.search("", page=p, per_page=2) for p in (1, 2)]
    assert pages[0].total == everything.total
    assert pages[0].pages == -(-everything.total // 2)
    nodes = [h["node"] for p in pages for h in p.hits]
    assert nodes == [h["node"] for h in everything.hits[:4]]


def test_index_refreshes_when_a_source_is_added(sample_store):
    ix = SearchIndex(sample_store, check_every=0.0)
    before = ix.search("onerror").total
    ingest_hostile(sample_store)
    after = ix.search("onerror")
    assert before == 0
    assert after.total > 0
    assert any(h["kind"] == "source" for h in after.hits)
