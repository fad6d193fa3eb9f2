"""The generated corpus: deterministic by seed, real number formats, real fan-outs."""
from __future__ import annotations

import hashlib
import io
import re
from collections import Counter

import pytest

from kg.generate import generate, write_nquads, write_texts
from kg.generate.admin import bodies, tree
from kg.ids import document_key

BASE = "https://w3id.org/vnkg/id/"


@pytest.fixture(scope="module")
def corpus():
    return generate(1500, 7)


def _dump(n: int, seed: int) -> bytes:
    buf = io.BytesIO()
    write_nquads(generate(n, seed), buf, base_iri=BASE)
    return buf.getvalue()


def test_same_seed_gives_the_same_dump_byte_for_byte():
    assert hashlib.sha256(_dump(300, 5)).digest() == hashlib.sha256(_dump(300, 5)).digest()


def test_another_seed_gives_another_corpus():
    assert _dump(300, 5) != _dump(300, 6)


def test_corpus_has_exactly_the_documents_asked_for(corpus):
    assert len(corpus.docs) == 1500
    assert len(corpus.news) == round(1500 * 0.2)


def test_admin_tree_has_the_pre_2025_fan_outs():
    t = tree()
    # 63 provinces; about 700 districts and 10,600 communes at their peak (the package's
    # 2025-01 data: 696 and 10,051 after the 2019-2024 mergers).
    assert len(t.provinces) == 63
    assert 650 <= len(t.districts) <= 720
    assert 9_900 <= len(t.communes) <= 10_700
    assert all(d.parent in t.provinces for d in t.districts[:50])
    fan = Counter(len(p.children) for p in t.provinces)
    assert min(fan) >= 5 and max(fan) <= 35      # Hà Nội has 30 districts
    hanoi = next(p for p in t.provinces if p.name == "Hà Nội")
    assert len(hanoi.children) == 30
    long_bien = next(d for d in hanoi.children if d.name == "Long Biên")
    assert "Đức Giang" in {c.name for c in long_bien.children}


def test_every_unit_key_and_body_key_is_unique():
    t = tree()
    keys = [u.key for level in ("province", "district", "commune") for u in t.units(level)]
    assert len(keys) == len(set(keys))
    b = bodies()
    assert len(b.by_key) == 3 * len(keys) + 7 + len(b.ministries)


def test_body_keys_follow_the_extractor_convention():
    b = bodies().by_key
    for key in ("thanh-uy/ha-noi", "quan-uy/long-bien", "ubnd/phuong-duc-giang",
                "dang-uy/phuong-duc-giang", "hdnd/thanh-pho-ha-noi", "quoc-hoi"):
        assert key in b
    assert b["ubnd/phuong-duc-giang"].parent == "ubnd/quan-long-bien"
    assert b["dang-uy/phuong-duc-giang"].parent == "quan-uy/long-bien"


def test_document_iris_are_unique(corpus):
    keys = Counter(document_key(d.id, year=d.year, place=d.issuer.place) for d in corpus.docs)
    assert [k for k, n in keys.items() if n > 1] == []


FORMS = {
    "party": re.compile(r"^\d{2,}-(NQ|KH|CTr|CT|KL|HD)/(TW|TU|HU|QU|ĐU)$"),
    "state": re.compile(r"^\d+/(19|20)\d\d/((NQ|NĐ|TT|QĐ)-[A-ZĐa-z]+|QH1[345])$"),
    "admin": re.compile(r"^\d+/(NQ|KH|QĐ|CT|CĐ|BC|TB)-[A-ZĐa-z]+$"),
    "cv": re.compile(r"^\d+/UBND-[A-ZĐ]+$|^\d+/B[A-ZĐ]+-[A-ZĐ]+$"),
}


def test_numbers_have_the_real_formats(corpus):
    for d in corpus.docs:
        assert FORMS[d.form].match(d.id), (d.form, d.id)


def test_numbers_parse_with_the_extractors_id_parser(corpus):
    ids = pytest.importorskip("kg.extract.ids")
    family = {"party": "party", "state": "state", "admin": "administrative",
              "cv": "administrative"}
    for d in corpus.docs:
        p = ids.parse(d.id)
        assert p is not None, d.id
        assert p.id == d.id
        assert p.family == family[d.form], d.id


def test_cascades_go_down_the_levels_with_lags(corpus):
    rank = {"central": 0, "province": 1, "district": 2, "commune": 3}
    steps = [(d, t) for d in corpus.docs for rel, t in d.rels if rel == "implements"]
    assert len(steps) > 500
    for d, t in steps:
        assert d.day > t.day                          # a lag of at least a day
        assert rank[d.issuer.level] >= rank[t.issuer.level]
    levels = Counter(d.issuer.level for d in corpus.docs)
    assert all(levels[lv] > 0 for lv in rank)


def test_amendments_and_replacements_point_back_in_time(corpus):
    changes = [(d, t) for d in corpus.docs for rel, t in d.rels if rel in ("amends", "replaces")]
    assert changes
    assert all(d.day > t.day and d.issuer is t.issuer for d, t in changes
               if not d.id.endswith("QH14"))


def test_texts_state_what_the_dump_says(tmp_path):
    c = generate(120, 3)
    stats = write_texts(c, tmp_path)
    files = sorted(tmp_path.glob("*/*.txt"))
    assert len(files) == stats.sources == 120 + 24
    import json
    manifest = [json.loads(x) for x in (tmp_path / "manifest.jsonl").read_text().splitlines()]
    for m in manifest[:40]:
        text = (tmp_path / m["file"]).read_text(encoding="utf-8")
        for ident in m["documents"]:
            assert ident in text
        if m["id"]:
            assert f"Số: {m['id']}" in text or f"Số {m['id']}" in text
        rels = {rel for _, rel, _ in m["relations"]}
        assert ("based_on" in rels) == ("Căn cứ " in text)
        assert ("implements" in rels) == ("Thực hiện " in text or "cụ thể hóa" in text)


def test_extractor_reads_the_generated_numbers(tmp_path):
    extract = pytest.importorskip("kg.extract").extract
    c = generate(120, 3)
    write_texts(c, tmp_path)
    import json
    manifest = [json.loads(x) for x in (tmp_path / "manifest.jsonl").read_text().splitlines()]
    found = wanted = 0
    for m in manifest:
        text = (tmp_path / m["file"]).read_text(encoding="utf-8")
        ex = extract(text, source=m["file"])
        got = {d.id for d in ex.documents}
        wanted += len(m["documents"])
        found += len(set(m["documents"]) & got)
    assert found / wanted > 0.9
