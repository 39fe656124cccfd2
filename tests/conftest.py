"""Shared test set-up: the archives the query, people and export tests share."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def page_archive(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """(db path, pages): the corpus rendered, extracted and stored like the crawler does."""
    from tests.support.query_archive import build_page_archive

    return build_page_archive(tmp_path_factory.mktemp("pages") / "kyanh-archive.db")


@pytest.fixture(scope="session")
def people_archive(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """(db path, records): annotated attendees and synthetic namesakes, stored as records."""
    from tests.support.query_archive import build_people_archive

    return build_people_archive(tmp_path_factory.mktemp("people") / "kyanh-archive.db")
