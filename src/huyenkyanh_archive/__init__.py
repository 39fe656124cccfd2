"""kyanh-archive: archive and extract Vietnamese local-government news portals."""

from __future__ import annotations

from .record import EXTRACTOR_VERSION, Article, Attendee, Image, RelatedLink

__version__ = "0.1.0"

__all__ = ["Article", "Attendee", "Image", "RelatedLink", "EXTRACTOR_VERSION", "__version__"]
