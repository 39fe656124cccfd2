"""Shared test set-up: the tests directory is importable (render, replica)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


# -- archives for the query, people and export tests (tests/query_archive.py) --
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def page_archive(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """(db path, pages): the corpus rendered, extracted and stored like the crawler does."""
    from query_archive import build_page_archive

    return build_page_archive(tmp_path_factory.mktemp("pages") / "kyanh-archive.db")


@pytest.fixture(scope="session")
def people_archive(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """(db path, records): annotated attendees and synthetic namesakes, stored as records."""
    from query_archive import build_people_archive

    return build_people_archive(tmp_path_factory.mktemp("people") / "kyanh-archive.db")
