"""The core never imports the web layer; only `kg serve` reaches it, lazily."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("web", "flask", "werkzeug", "jinja2")


def _imports(tree: ast.AST) -> list[tuple[str, ast.AST]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name.split(".")[0], node) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module.split(".")[0], node))
    return found


def _enclosing_functions(tree: ast.AST) -> dict[ast.AST, str]:
    owner: dict[ast.AST, str] = {}
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for child in ast.walk(fn):
                owner.setdefault(child, fn.name)
    return owner


def test_core_never_imports_web() -> None:
    offenders = []
    for path in sorted((ROOT / "kg").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        owner = _enclosing_functions(tree)
        for module, node in _imports(tree):
            if module not in FORBIDDEN:
                continue
            rel = path.relative_to(ROOT).as_posix()
            if rel == "kg/cli.py" and owner.get(node) == "serve":
                continue  # the one allowed, lazy reach into the web layer
            offenders.append(f"{rel}:{node.lineno} imports {module}")
    assert offenders == []


def test_layering_check_catches_a_violation(tmp_path: Path) -> None:
    tree = ast.parse("import os\nfrom web import create_app\n")
    assert [m for m, _ in _imports(tree) if m in FORBIDDEN] == ["web"]
