"""The shape of the code: no god-objects in src/, no import-path edits in tests/ or bench/.

Limits, measured when they were set: the longest class was 243 lines
(``extract/people._Unit``) once the crawl engine's 448-line ``_Crawl`` was split
into walker, workers and writer; the longest module-level function 119 lines
(``query/people_index.resolve``). A unit that outgrows them is doing more than
one job: split it rather than raise the limit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "huyenkyanh_archive"
CLASS_MAX_LINES = 250
FUNCTION_MAX_LINES = 120


def _modules(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _sizes() -> list[tuple[str, str, int]]:
    """(kind, qualified name, lines) of every class and module-level function in src/."""
    out: list[tuple[str, str, int]] = []
    for path in _modules(SRC):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = path.relative_to(SRC).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                out.append(("class", f"{where}:{node.name}", _lines(node)))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                out.append(("function", f"{where}:{node.name}", _lines(node)))
    return out


def _lines(node: ast.stmt) -> int:
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return (node.end_lineno or node.lineno) - first + 1


def test_the_shape_scan_sees_the_code() -> None:
    sizes = _sizes()
    assert any(kind == "class" for kind, _, _ in sizes)
    assert any(name.endswith("crawl/run.py:crawl") for _, name, _ in sizes)


def test_no_class_over_the_limit() -> None:
    big = [f"{name}: {n} lines" for kind, name, n in _sizes() if kind == "class" and n > CLASS_MAX_LINES]
    assert not big, f"classes over {CLASS_MAX_LINES} lines (split them): {big}"


def test_no_module_level_function_over_the_limit() -> None:
    big = [f"{name}: {n} lines" for kind, name, n in _sizes() if kind == "function" and n > FUNCTION_MAX_LINES]
    assert not big, f"functions over {FUNCTION_MAX_LINES} lines (split them): {big}"


# Spelt in pieces so this file does not find itself.
_PATH_EDITS = ("sys" + ".path", "PYTHON" + "PATH", "site" + ".addsitedir")


@pytest.mark.parametrize("folder", ["tests", "bench"])
def test_no_import_path_edits(folder: str) -> None:
    """Tests and benches import the installed package and ``tests.support``, never a patched path."""
    found = [
        f"{path.relative_to(ROOT)}:{i}: {line.strip()}"
        for path in _modules(ROOT / folder)
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(edit in line for edit in _PATH_EDITS)
    ]
    assert not found, found
