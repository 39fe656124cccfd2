"""Extraction: page bytes + URL + profile -> :class:`~huyenkyanh_archive.record.Article`. Pure, no I/O.

:func:`extract_article` is the one entry point the CLI, the crawler and
``reextract`` share: decode (:mod:`.decode`), read the page's fields
(:mod:`.page`), then parse the byline (:mod:`.bylines`) and the people
(:mod:`.people`, :mod:`.roles`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from ..errors import ExtractError
from ..record import Article
from ..site.profile import Profile, load_profile
from .bylines import parse_byline
from .decode import decode_html
from .page import PageFields, extract_page
from .people import extract_attendees
from .roles import expand_role

__all__ = ["extract_article", "extract_text", "default_profile", "PageFields"]


@lru_cache(maxsize=1)
def default_profile() -> Profile:
    return load_profile()


def extract_article(
    body: bytes,
    url: str | None = None,
    *,
    profile: Profile | None = None,
    headers: Mapping[str, str] | None = None,
    source: str | None = None,
) -> Article:
    """Turn one page into a record.

    ``url`` is where the page was fetched from (or ``--url``); ``headers`` the
    HTTP response headers (for the charset); ``source`` what the user gave
    (a file name or a URL). Raises :class:`ExtractError` with a one-line
    reason for input that is no readable page.
    """
    text = decode_html(body, headers)
    return extract_text(text, url, profile=profile, source=source)


def extract_text(text: str, url: str | None = None, *, profile: Profile | None = None, source: str | None = None) -> Article:
    """:func:`extract_article` for a page that is already text."""
    profile = profile or default_profile()
    page = extract_page(text, url, profile)
    if not page.title and not page.paragraphs:
        raise ExtractError("no article found: the page has neither a title nor any text")
    byline = parse_byline(page.byline)
    paragraphs = page.paragraphs
    captions = [i.caption for i in page.images if i.caption]
    attendees = extract_attendees(page.title or "", paragraphs, captions, exclude=byline.authors)
    for person in attendees:
        if not person.roles_expanded:
            person.roles_expanded = [expand_role(r) for r in person.roles]
    return Article(
        source=source or url or page.url or "<page>",
        url=page.url or url or source,
        article_id=page.article_id,
        site=page.site,
        category=page.category,
        title=page.title,
        published_at=page.published_at,
        date_text=page.date_text,
        lead=page.lead,
        body="\n\n".join(paragraphs),
        images=page.images,
        byline=page.byline,
        authors=list(byline.authors),
        source_name=byline.source_name,
        attendees=attendees,
        related=page.related,
    )
