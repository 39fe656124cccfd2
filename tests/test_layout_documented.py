"""README "Layout" describes the tree of ``src/huyenkyanh_archive`` as it is.

Every package (``name/``) and module (``name.py``, ``package/name.py``) has
one row in the Layout table, and every row names one that exists. The
imports follow the data flow the section states.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "huyenkyanh_archive"
README = ROOT / "README.md"

# What the Layout section says the imports never do: package -> packages it does not import.
FORBIDDEN_IMPORTS = {
    "extract": {"crawl", "archive", "query", "cli"},
    "archive": {"crawl", "query", "cli"},
    "query": {"crawl", "cli"},
    "crawl": {"query", "cli"},
    "sources": {"cli"},
}


def layout_section() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^## Layout\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, "README.md has no '## Layout' section"
    return match.group(1)


def documented_paths() -> list[str]:
    """The first cell of each row of the Layout table, when it is one `path`."""
    paths = []
    for line in layout_section().splitlines():
        m = re.match(r"^\|\s*`([^`]+)`\s*\|", line)
        if m:
            paths.append(m.group(1))
    return paths


def tree_paths() -> set[str]:
    """Every package as ``dir/`` and every module but ``__init__.py`` as ``dir/name.py``."""
    out: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "__pycache__" in path.parts:
            continue
        rel = path.relative_to(SRC)
        if path.name == "__init__.py":
            if rel.parent != Path("."):
                out.add(rel.parent.as_posix() + "/")
        else:
            out.add(rel.as_posix())
    return out


def test_the_layout_table_is_found() -> None:
    paths = documented_paths()
    assert "archive/" in paths and "crawl/engine.py" in paths


def test_every_package_and_module_is_in_the_layout() -> None:
    missing = sorted(tree_paths() - set(documented_paths()))
    assert not missing, f"add a line to README 'Layout' for: {missing}"


def test_the_layout_lists_nothing_that_is_gone() -> None:
    gone = sorted(set(documented_paths()) - tree_paths())
    assert not gone, f"README 'Layout' lists packages or modules that do not exist: {gone}"


def test_each_path_is_listed_once() -> None:
    paths = documented_paths()
    twice = sorted({p for p in paths if paths.count(p) > 1})
    assert not twice, twice


def _imported_packages(path: Path) -> set[str]:
    """The top-level units of huyenkyanh_archive that a module imports (``archive``, ``clock``, ...)."""
    rel = path.relative_to(SRC)
    package = list(rel.parent.parts)
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = base + (node.module.split(".") if node.module else [])
                names = [target[0]] if target else [alias.name for alias in node.names]
            elif node.module and node.module.split(".")[0] == "huyenkyanh_archive":
                parts = node.module.split(".")[1:]
                names = [parts[0]] if parts else [alias.name for alias in node.names]
            else:
                continue
            out.update(names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "huyenkyanh_archive" and len(parts) > 1:
                    out.add(parts[1])
    return out


def test_the_imports_follow_the_data_flow() -> None:
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        unit = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        imported = _imported_packages(path) - {unit}
        if "cli" in imported:
            wrong.append(f"{rel.as_posix()} imports cli/ (nothing may: it is the top)")
        for bad in sorted(imported & FORBIDDEN_IMPORTS.get(unit, set())):
            wrong.append(f"{rel.as_posix()} imports {bad}/")
    assert not wrong, wrong
