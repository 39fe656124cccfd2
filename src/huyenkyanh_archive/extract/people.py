"""Attendees and their roles from article text (stub: being written)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ..record import Attendee


def extract_attendees(
    title: str,
    paragraphs: Sequence[str],
    captions: Sequence[str] = (),
    *,
    exclude: Collection[str] = (),
) -> list[Attendee]:
    """Every person taking part in the reported event, once, with roles as written.

    ``paragraphs`` is the lead then the body paragraphs; ``exclude`` holds the
    byline's author names (never attendees).
    """
    return []
