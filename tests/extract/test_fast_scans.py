"""The fast forms of the extractor's whole-text scans find exactly what the plain forms find.

Each scan that was rewritten for speed (a literal that the regex engine can jump to, a
search for the words of a pattern before the pattern, a look-behind moved after the first
letter) is compared here with the plain pattern it replaces, on strings built at random
from the pieces that matter to it: line breaks, spaces, punctuation, the words themselves.
"""
from __future__ import annotations

import doctest
import random
import re

import pytest

from kg.extract import bodies, documents, fold, people, relations
from kg.extract.documents import RELATION_LABEL_LINE, relation_label_starts
from kg.extract.fold import trie_pattern, views, word_start_alternation
from kg.extract.relations import (
    _FRONT_RX,
    _ISSUE_RX,
    _LINE_END_CUT,
    _front_matches,
    _line_end_cuts,
)
from kg.extract.rules import ISSUE_VERBS, SURNAMES


def _strings(pieces: list[str], n: int = 3000, seed: int = 1, most: int = 14) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, most))) for _ in range(n)]


@pytest.mark.parametrize("module", [relations, documents, people, bodies])
def test_extract_module_doctests(module):
    assert doctest.testmod(module).failed == 0


FRONT_PIECES = ["de", "d", "e", "ade", " ", "  ", "   ", "    ", "thuc hien", "can cu", " vao",
                "vao", "trien khai", " thi hanh", " thuc hien", "quan triet", " va thuc hien",
                "x", "1", ",", ".", "\n"]


def test_front_matches_are_the_matches_of_the_purpose_pattern():
    for s in _strings(FRONT_PIECES) + [
            "de  thuc hien; can cu vao x, trien khai thi hanh", "de\n\nthuc hien",
            "quan triet va thuc hien", "1thuc hien", "dde thuc hien", "de    can cu"]:
        want = [(m.span(), m.group(1)) for m in _FRONT_RX.finditer(s)]
        assert [(m.span(), m.group(1)) for m in _front_matches(s)] == want, s


LINE_PIECES = ["\n", "\n\n", " ", "\t", ".", ";", ":", "!", "?", "|", "a", "Điều 1", " \t"]


def test_line_end_cuts_are_those_of_the_line_end_pattern():
    for s in _strings(LINE_PIECES):
        assert _line_end_cuts(s) == [m.end() + 1 for m in _LINE_END_CUT.finditer(s)], s


LABEL_PIECES = ["\n", " ", "\t", "Văn bản được căn cứ", "VĂN BẢN HƯỚNG DẪN", "văn bản bị thay thế",
                "Văn bản liên quan cùng nội dung", "x", "Văn bản sửa đổi, bổ sung", "."]


def test_relation_label_starts_are_the_label_lines():
    for s in _strings(LABEL_PIECES, most=8):
        want = [m.start() + (s[m.start()] == "\n") for m in RELATION_LABEL_LINE.finditer(s)]
        assert relation_label_starts(s) == want, s


def test_surname_search_finds_what_a_plain_alternation_finds():
    plain = re.compile(r"(?<!\w)(?:" + "|".join(sorted(set(SURNAMES), key=len, reverse=True))
                       + r") (?=\w)")
    pieces = [*SURNAMES[:20], " ", "  ", "a", "X", "Minh", ",", "1", "\n", "ông "]
    for s in _strings(pieces, seed=2):
        for pos in range(0, len(s) + 1, 3):
            got = people._SURNAME_RX.search(s, pos, pos + 30)
            want = plain.search(s, pos, pos + 30)
            assert (got and got.span()) == (want and want.span()), (s, pos)


def test_issue_verbs_found_where_a_plain_alternation_finds_them():
    verbs = [views(k).bare for k in ISSUE_VERBS]
    plain = re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, verbs))
                       + r")(?![a-z0-9])")
    for s in _strings([*verbs, " ", "a", "1", "da ", "thong", "ban", ","], seed=3):
        assert [m.span() for m in _ISSUE_RX.finditer(s)] == [m.span() for m in plain.finditer(s)]


def test_word_start_alternation_keeps_the_order_of_words_sharing_a_letter():
    rx = re.compile(word_start_alternation(["ban", "ban hanh"], "[a-z]"))
    assert rx.match("ban hanh").group() == "ban"      # as "(?<![a-z])(?:ban|ban hanh)" does


def test_trie_pattern_matches_as_longest_first_alternation_in_any_branch_order():
    rnd = random.Random(4)
    for _ in range(200):
        phrases = {"".join(rnd.choice("tdcxa ") for _ in range(rnd.randint(1, 6))).strip() or "t"
                   for _ in range(rnd.randint(1, 12))}
        trie = re.compile(trie_pattern(phrases))
        plain = re.compile("|".join(map(re.escape, sorted(phrases, key=len, reverse=True))))
        for s in _strings(["t", "d", "c", "x", "a", " "], n=30, seed=rnd.random()):
            for i in range(len(s)):
                got, want = trie.match(s, i), plain.match(s, i)
                assert (got and got.group()) == (want and want.group())


def test_views_fold_every_lookalike_and_keep_offsets():
    pieces = ["Đ", "đ", "Ð", "ð", "–", "\u00a0", "\t", "“", "a", "\n", "…", "≥", "\x00", "ẫ", "İ"]
    for s in _strings(pieces, seed=5):
        v = views(s)
        assert v.flat == s.translate(fold._FIX).replace("\n", " "), s
        assert len(v.bare) == len(s), s
        assert v.bare == v.low.translate(fold._bare_table()), s
