"""Only ``archive/`` writes SQL against the archive's tables: every other module asks it.

The scan reads every string literal (f-string text included) of every module
in ``src/huyenkyanh_archive`` outside ``archive/`` and fails on a statement
that writes: INSERT, REPLACE, UPDATE … SET, DELETE FROM, CREATE/DROP/ALTER,
VACUUM, ANALYZE, REINDEX or a PRAGMA assignment. (Reads go through archive/
too today: no module outside it runs SQL at all.)
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "huyenkyanh_archive"
OWNER = SRC / "archive"

# Statements of two or more words in any case; the one-word ones in upper case
# only, so that prose ("analyze the page") is not read as SQL.
WRITE = re.compile(
    r"(?i:\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE\s+(?:OR\s+\w+\s+)?[\w\"]+\s+SET|DELETE\s+FROM"
    r"|CREATE\s+(?:UNIQUE\s+|TEMP\s+|TEMPORARY\s+|VIRTUAL\s+)?(?:TABLE|INDEX|VIEW|TRIGGER)"
    r"|DROP\s+(?:TABLE|INDEX|VIEW|TRIGGER)|ALTER\s+TABLE|PRAGMA\s+\w+\s*=))"
    r"|\b(?:VACUUM|ANALYZE|REINDEX)\b"
)


def _literals(tree: ast.AST) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            out.append((node.lineno, "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)))
    return out


def _writes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [f"{path.relative_to(SRC)}:{line}: {m.group(0)!r}"
            for line, text in _literals(tree) if (m := WRITE.search(text))]


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_scan_finds_the_archives_own_writes() -> None:
    found = [w for p in _modules() if OWNER in p.parents for w in _writes(p)]
    assert any("INSERT" in w.upper() for w in found) and any("CREATE" in w.upper() for w in found)


def test_the_scan_reads_prose_as_prose() -> None:
    assert not WRITE.search("the writer deletes from the frontier and updates the summary; analyze the page")
    assert WRITE.search("ANALYZE") and WRITE.search("CREATE INDEX IF NOT EXISTS x ON y(z)")
    assert WRITE.search("update persons set articles = articles - 1")
    assert WRITE.search('INSERT OR IGNORE INTO blobs (sha256) VALUES (?)')


def test_no_sql_writes_outside_archive() -> None:
    found = [w for p in _modules() if OWNER not in p.parents for w in _writes(p)]
    assert not found, f"SQL writes outside archive/ (move them behind an archive method): {found}"
