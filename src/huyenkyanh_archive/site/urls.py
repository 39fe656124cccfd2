"""Addresses: canonical forms, article identity keys, staying on the site.

**The identity rule.** An article is known by *keys*, read from its address
(and, once fetched, from the page's canonical, ``og:url``, print and share
links: :mod:`.page_ids`):

- the portal's 14-digit id (``20230203143649``) wherever an address or the
  page gives it: this is the strongest key;
- otherwise a key from the address that names no folder or host:
  ``read:news/<slug>`` for the old platform's id-less addresses,
  ``tin-bai:<n>`` for the newer software (any ``/vi``, ``/en`` prefix, any
  section, any trailing slug), ``bai-viet:<slug>``, and ``path:/<path>`` for
  a site known only by its address;
- the same article reached under two folders, over ``https``, with
  ``www.``, the old host, a trailing slash or tracking parameters has the
  same keys.

A 14-digit id decides: two addresses with different ids are two articles
even when their slugs are the same (portals reuse titles year after year).
A key without an id matches an article known by it that has no id yet, and
an id-less address matches any article its key names.

Keys are matched across forms: an id-form address also gives the slug key,
so an article first archived from its id-less address is found again when a
listing later links it with its id, and the id is then learned, not a second
article made (the archive keeps every key of an article: ``article_keys``).
An article whose page gives the id its address lacks (a canonical link) is
named by that id from its first save.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from .profile import Profile

__all__ = ["ARTICLE_ID_RE", "ArticleRef", "KeyIndex", "names_known", "absolute", "bare_host", "is_on_site", "is_private_address",
           "looks_like_article_path", "parse_article_url", "path_key", "site_hosts", "strip_tracking"]

_TRACKING_PREFIXES = ("utm_", "fb", "gclid", "mc_", "_ga", "zarsrc", "gidzl")
ARTICLE_ID_RE = re.compile(r"^\d{14}$")


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """What an address says of an article."""

    key: str  # the strongest identity key
    keys: tuple[str, ...]  # every key the address gives, strongest first
    folder: str | None  # the folder or section the address names (a hint, not identity)
    url: str  # canonical: the site's own host and scheme, no tracking, no trailing slash
    profile: str = ""  # the profile (software generation) whose address form matched

    @property
    def article_id(self) -> str | None:
        """The portal's 14-digit id, when the address carries it."""
        return next((k for k in self.keys if ARTICLE_ID_RE.match(k)), None)


def names_known(keys: Iterable[str], owner_has_id: Callable[[str], bool | None]) -> bool:
    """Whether ``keys`` (one article's, strongest first) name an article already known.

    ``owner_has_id(key)`` says whether the known article a key points to has a
    14-digit id (``None``: no known article has that key). An id-bearing address
    is known by its id, or by a weaker key of an article still without one; an
    id-less address by any of its keys.
    """
    keys = tuple(keys)
    ids = [k for k in keys if ARTICLE_ID_RE.match(k)]
    if any(owner_has_id(k) is not None for k in ids):
        return True
    for key in keys:
        if ARTICLE_ID_RE.match(key):
            continue
        has_id = owner_has_id(key)
        if has_id is not None and (not ids or not has_id):
            return True
    return False


class KeyIndex:
    """Keys of the articles seen so far (in one run), matched by :func:`names_known`."""

    __slots__ = ("_owner_has_id",)

    def __init__(self) -> None:
        self._owner_has_id: dict[str, bool] = {}

    def add(self, keys: Iterable[str]) -> None:
        keys = tuple(keys)
        has_id = any(ARTICLE_ID_RE.match(k) for k in keys)
        for key in keys:
            self._owner_has_id[key] = self._owner_has_id.get(key, False) or has_id

    def names(self, keys: Iterable[str]) -> bool:
        return names_known(keys, self._owner_has_id.get)


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


@functools.lru_cache(maxsize=8192)  # pure, and asked of every link of every page (menus repeat)
def strip_tracking(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(_TRACKING_PREFIXES)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def absolute(href: str, base: str) -> str | None:
    """``href`` resolved against ``base``; None for javascript:, mailto:, data: and malformed links."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    return _absolute(href, base)


def _absolute(href: str, base: str) -> str | None:
    if href.startswith("/") and not href.startswith("//") and "/." not in href:
        # An absolute path (most links of a portal): the base's origin and the path; only
        # relative paths need urljoin's dot-segment rules.
        origin = _origin(base)
        if origin is not None:
            target = href.split("#", 1)[0]
            return origin + (target[:-1] if target.endswith("?") else target)
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def parse_article_url(url: str, profile: Profile, *, assume_article: bool = False) -> ArticleRef | None:
    """The article an address points to, or None when it is no article of this site.

    ``assume_article``: for a site known only by its address, an address that a
    feed, a post sitemap or an item's heading gives as an article is one, whatever its shape.
    """
    if not is_on_site(url, profile):
        return None
    parts = urlsplit(url)
    path = parts.path
    for form in profile.article_forms:
        m = form.pattern.match(path)
        if not m:
            continue
        groups = m.groupdict()
        if groups.get("site") is not None and groups["site"] != profile.site:
            continue  # another portal of the same platform on this host
        keys = form.keys_for(groups)
        if not keys:
            continue
        folder = groups.get("section") or groups.get("folder")
        return ArticleRef(keys[0], keys, folder, profile.base_url + path.rstrip("/"), profile.name)
    if profile.generic and (assume_article and not _listing_segments(path) or looks_like_article_path(path, parts.query)) \
            and path.strip("/"):
        key = path_key(path, parts.query)
        query = _id_query(parts.query)
        # The address as the site writes it, trailing slash kept: WordPress answers /slug with a
        # redirect to /slug/ (the key has no slash: both are one article).
        return ArticleRef(key, (key,), None, profile.base_url + (path or "/") + (f"?{query}" if query else ""),
                          profile.name)
    return None


# -- addresses of a site known only by its address ---------------------------------

# Path segments that name listings, feeds and the site's machinery, never one article.
_NOT_ARTICLE_SEGMENTS = frozenset({
    "category", "categories", "chuyen-muc", "chuyenmuc", "danh-muc", "danhmuc", "tag", "tags", "the", "chu-de",
    "author", "tac-gia", "page", "trang", "feed", "rss", "atom", "search", "tim-kiem", "timkiem", "lien-he",
    "contact", "gioi-thieu", "about", "sitemap", "wp-content", "wp-admin", "wp-includes", "wp-json", "login",
    "dang-nhap", "folder", "comments", "amp", "print", "in-bai", "share", "lich-cong-tac", "so-do-website",
})
_FILE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|ico|bmp|pdf|docx?|xlsx?|pptx?|zip|rar|7z|css|js|xml|json|txt|mp[34]|avi|mov)$", re.I)
_PAGE_EXT = re.compile(r"\.(?:s?html?|php|aspx?|jsp)$", re.I)
_ID_PARAMS = ("p", "id", "newsid", "news_id", "articleid", "article_id", "itemid", "postid", "tin", "baiviet")


def _id_query(query: str) -> str:
    """The parameters of a query that identify a page (``?p=123``), sorted."""
    kept = sorted((k.lower(), v) for k, v in parse_qsl(query) if k.lower() in _ID_PARAMS and v.isdigit())
    return urlencode(kept)


def _listing_segments(path: str) -> bool:
    """A path through a listing, tag, feed or the site's machinery: never one article, whoever links it."""
    return any(s.lower() in _NOT_ARTICLE_SEGMENTS for s in path.split("/") if s)


def looks_like_article_path(path: str, query: str = "") -> bool:
    """The shape of one article's address on a site with no profile: a long slug
    (``/ky-anh-ra-quan-ho-tro-nguoi-dan/``, ``/tin-tuc/slug-123.html``) or an id
    parameter (``?p=123``); never a listing, tag, feed, search or file."""
    segments = [s for s in path.split("/") if s]
    if _id_query(query) and not any(s.lower() in _NOT_ARTICLE_SEGMENTS for s in segments):
        return True
    if not segments or _FILE_EXT.search(segments[-1]):
        return False
    if any(s.lower() in _NOT_ARTICLE_SEGMENTS for s in segments):
        return False
    stem = _PAGE_EXT.sub("", segments[-1])
    words = [w for w in re.split(r"[-_]+", stem) if w]
    if len(words) >= 4:
        return True
    has_number = any(w.isdigit() and len(w) >= 3 for w in words)
    return len(words) >= 2 and has_number or (bool(_PAGE_EXT.search(segments[-1])) and len(words) >= 3)


def path_key(path: str, query: str = "") -> str:
    """A site-known-by-address article's key: its path (and id parameters), no host."""
    clean = re.sub(r"/(?:index\.(?:s?html?|php))?$", "", path) or "/"
    q = _id_query(query)
    return "path:" + clean + (f"?{q}" if q else "")


@functools.lru_cache(maxsize=4096)
def _origin(base: str) -> str | None:
    """``scheme://netloc`` of an http(s) base, None otherwise."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"
