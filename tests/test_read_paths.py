"""Walking folders and reading files from disk: order, hidden files, loops, files that vanish."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.read import iter_paths, read_path

SENTENCE = "Ủy ban nhân dân xã Tân Lập ban hành Kế hoạch số 45/KH-UBND ngày 12/4/2023."


def _tree(root: Path) -> None:
    for rel in ("b.txt", "a.html", "sub/c.docx", "sub/deeper/d.pdf", "sub/e.csv",
                "f.json", "g.jsonl", ".hidden.txt", ".git/config.txt", "notes.md",
                "image.png", "sub/README"):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SENTENCE, encoding="utf-8")


def test_iter_paths_expands_folders_sorted_and_skips_hidden_and_unsupported(tmp_path) -> None:
    _tree(tmp_path)
    found = [p.relative_to(tmp_path).as_posix() for p in iter_paths([tmp_path])]
    assert found == ["a.html", "b.txt", "f.json", "g.jsonl", "sub/c.docx", "sub/deeper/d.pdf",
                     "sub/e.csv"]


def test_iter_paths_yields_named_files_as_given(tmp_path) -> None:
    _tree(tmp_path)
    named = [tmp_path / "notes.md", tmp_path / "missing.txt", tmp_path / "b.txt"]
    assert list(iter_paths(named)) == named


def test_iter_paths_survives_a_symlink_loop(tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "a" / "loop").symlink_to(tmp_path)             # a/loop -> the root
    (tmp_path / "self").symlink_to(tmp_path / "self")          # a link to itself
    (tmp_path / "p").symlink_to(tmp_path / "q")                # p -> q -> p
    (tmp_path / "q").symlink_to(tmp_path / "p")
    found = list(iter_paths([tmp_path, tmp_path / "a" / "loop"]))
    assert found == [tmp_path / "a" / "x.txt"]


def test_iter_paths_reports_each_real_file_once(tmp_path) -> None:
    (tmp_path / "x.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "alias.txt").symlink_to(tmp_path / "x.txt")
    assert len(list(iter_paths([tmp_path]))) == 1


def test_a_file_that_vanishes_during_the_walk_is_an_error_when_read(tmp_path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(SENTENCE, encoding="utf-8")
    walk = iter_paths([tmp_path])
    first = next(walk)
    (tmp_path / "b.txt").unlink()
    rest = list(walk)
    assert [p.name for p in [first, *rest]] == ["a.txt", "b.txt", "c.txt"]
    assert read_path(first).text == SENTENCE
    with pytest.raises(InputError, match=r"b\.txt: no such file \(moved or deleted\?\)"):
        read_path(rest[0])
    assert read_path(rest[1]).text == SENTENCE


def test_a_folder_that_cannot_be_listed_is_reported_when_read(tmp_path, monkeypatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):                     # as for a folder without read permission (root
        if Path(path) == locked:           # can list any folder, so chmod proves nothing)
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = list(iter_paths([tmp_path]))
    assert found == [tmp_path / "a.txt", locked]
    with pytest.raises(InputError, match="locked: is a folder"):
        read_path(found[1])


def test_read_path_of_a_folder_or_a_pipe_is_refused(tmp_path) -> None:
    with pytest.raises(InputError, match="is a folder, not a file"):
        read_path(tmp_path)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_path(fifo)


def test_read_path_sets_an_absolute_locator(tmp_path, monkeypatch) -> None:
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    doc = read_path(Path("a.txt"))
    assert doc.locator == str(tmp_path / "a.txt") and doc.name == "a.txt"
