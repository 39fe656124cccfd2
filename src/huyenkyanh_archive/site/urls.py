"""Addresses: canonical forms, article identity, staying on the site.

The same article reached under two folders, over https, with ``www.``, a
trailing slash or tracking parameters is one article: its identity is the
portal's id, and :func:`parse_article_url` gives it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from .profile import Profile

_TRACKING_PREFIXES = ("utm_", "fb", "gclid", "mc_", "_ga", "zarsrc", "gidzl")


@dataclass(frozen=True, slots=True)
class ArticleRef:
    article_id: str
    folder: str | None
    url: str  # canonical: the profile's host and scheme, no query, no trailing slash


def bare_host(host: str | None) -> str:
    host = (host or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def site_hosts(profile: Profile) -> set[str]:
    return {bare_host(urlsplit(profile.base_url).hostname)} | {bare_host(h) for h in profile.host_aliases}


def is_on_site(url: str, profile: Profile) -> bool:
    """True for http(s) URLs on the profile's host or one of its aliases."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bare_host(parts.hostname) in site_hosts(profile)


def is_private_address(url: str) -> bool:
    """A literal private, loopback or link-local IP address that pages must never make us follow."""
    try:
        host = urlsplit(url).hostname or ""
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False


def strip_tracking(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(_TRACKING_PREFIXES)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def absolute(href: str, base: str) -> str | None:
    """``href`` resolved against ``base``; None for javascript:, mailto:, data: and malformed links."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def parse_article_url(url: str, profile: Profile) -> ArticleRef | None:
    """The article an address points to, or None when it is no article of this site."""
    if not is_on_site(url, profile):
        return None
    path = urlsplit(url).path
    m = profile.article_re.match(path)
    if m:
        groups = m.groupdict()
        canonical = profile.base_url + path.rstrip("/")
        return ArticleRef(groups["id"], groups.get("folder"), canonical)
    if profile.article_alt_re is not None:
        m = profile.article_alt_re.match(path)
        if m:
            return ArticleRef(m.group("id"), m.groupdict().get("folder"), profile.base_url + path.rstrip("/"))
    return None
