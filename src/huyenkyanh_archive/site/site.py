"""A site across its software generations, as the crawl and the sources see it.

One site (the Kỳ Anh portal) may be served by the old platform, the newer
software, or both at once, under several hosts, and may be fetched from
another address (a mirror, a loopback replica: ``fetch_base``). :class:`Site`
answers, for any address: is it on the site, which article is it (its keys,
whatever generation's form it is written in), which section, and which
generation's profile reads its page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from urllib.parse import urlsplit

from ..errors import ProfileError
from .page_ids import self_addresses
from .profile import Profile, SectionForm, load_profile
from .urls import ARTICLE_ID_RE, ArticleRef, absolute, bare_host, parse_article_url, site_hosts, strip_tracking

__all__ = ["SectionRef", "Site", "load_site", "site_of"]

# Addresses whose article lookup is remembered: the menus' links, met on every page,
# stay in it; an article's own addresses are met two or three times in a run. A bound,
# not a dict of every address, so memory stays flat however large the site: a miss
# costs ~12 us (11,544 misses in a 3,000-article crawl: 0.14 s of its 20).
_ARTICLE_CACHE = 1024


@dataclass(frozen=True, slots=True)
class SectionRef:
    """What an address says of a section (a listing page)."""

    name: str  # the folder or section slug
    first_page: str  # the canonical address of its first page, on the site's own host
    page: int  # which page this address is
    form: SectionForm | None  # the profile form that matched, if any


@dataclass(frozen=True, slots=True)
class Site:
    """The generations of one site (oldest first: the profile named first) and where to fetch it."""

    generations: tuple[Profile, ...]
    fetch_base: str  # scheme://host[:port] the requests go to
    # Worked out once: every link of every page is asked about (menus repeat on each page).
    _hosts: frozenset[str] = field(init=False, repr=False, compare=False)
    _fetch_host: str = field(init=False, repr=False, compare=False)
    _article: Callable[[str], ArticleRef | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hosts: set[str] = set()
        for p in self.generations:
            hosts |= site_hosts(p)
        object.__setattr__(self, "_hosts", frozenset(hosts))
        object.__setattr__(self, "_fetch_host", bare_host(urlsplit(self.fetch_base).hostname))
        object.__setattr__(self, "_article", lru_cache(maxsize=_ARTICLE_CACHE)(self._find_article))

    @property
    def main(self) -> Profile:
        return self.generations[0]

    @property
    def base_url(self) -> str:
        """The site's own address: records keep it whatever the fetch address."""
        return self.main.base_url

    @property
    def name(self) -> str:
        return self.main.site

    @property
    def generic(self) -> bool:
        return self.main.generic

    def hosts(self) -> set[str]:
        """Every host the site was served under (bare: no ``www.``)."""
        return set(self._hosts)

    def with_fetch_base(self, base_url: str | None) -> Site:
        return replace(self, fetch_base=(base_url or self.main.base_url).rstrip("/"))

    def on_site(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        if parts.scheme not in ("http", "https"):
            return False
        host = bare_host(parts.hostname)
        return host in self._hosts or host == self._fetch_host

    def canonical(self, url: str) -> str:
        """``url`` on the site's own host and scheme (the fetch address and aliases mapped back)."""
        parts = urlsplit(url)
        query = f"?{parts.query}" if parts.query else ""
        return self.base_url + (parts.path or "/") + query

    def fetch_url(self, url: str) -> str:
        """``url`` on the address requests go to."""
        parts = urlsplit(url)
        query = f"?{parts.query}" if parts.query else ""
        return self.fetch_base + (parts.path or "/") + query

    # -- articles ----------------------------------------------------------------
    def article(self, url: str) -> ArticleRef | None:
        """The article an address points to, in any generation's address form."""
        return self._article(url)

    def _find_article(self, url: str) -> ArticleRef | None:
        if not self.on_site(url):
            return None
        site_url = strip_tracking(self.canonical(url))
        for profile in self.generations:
            found = parse_article_url(site_url, profile)
            if found is not None:
                return found
        return None

    def profile_for(self, url: str) -> Profile:
        """The generation whose markup an address's page is read with."""
        ref = self.article(url)
        if ref is not None:
            for p in self.generations:
                if p.name == ref.profile:
                    return p
        return self.main

    def page_keys(self, text: str, url: str) -> tuple[str, ...]:
        """Keys the page gives of itself (canonical, og:url, print and share links) that
        the address did not: the id of an article reached by an address without it."""
        keys: list[str] = []
        for address in self_addresses(text):
            if address.startswith("id:"):
                if ARTICLE_ID_RE.match(address[3:]):
                    keys.append(address[3:])
                continue
            full = absolute(address, url)
            ref = self.article(full) if full else None
            if ref is not None:
                keys.extend(ref.keys)
        own = self.article(url)
        seen = set(own.keys) if own else set()
        # The id first: it is the strongest key.
        keys.sort(key=lambda k: 0 if ARTICLE_ID_RE.match(k) else 1)
        return tuple(k for k in dict.fromkeys(keys) if k not in seen)

    # -- sections ----------------------------------------------------------------
    def section(self, url: str) -> SectionRef | None:
        """The section an address is a page of, by the profiles' section forms."""
        if not self.on_site(url):
            return None
        parts = urlsplit(self.canonical(url))
        for profile in self.generations:
            for form in profile.section_forms:
                m = form.pattern.match(parts.path)
                if not m:
                    continue
                groups = m.groupdict()
                if groups.get("site") is not None and groups["site"] != profile.site:
                    continue
                name = groups.get("section") or parts.path.strip("/")
                page = int(groups.get("page") or _query_page(parts.query) or 1)
                first = parts.path if not groups.get("page") else _strip_page(parts.path, m.start("page"))
                return SectionRef(name, self.base_url + first.rstrip("/"), page, form)
        return None


def _query_page(query: str) -> int | None:
    for part in query.split("&"):
        k, _, v = part.partition("=")
        if k in ("page", "p", "trang") and v.isdigit():
            return int(v)
    return None


def _strip_page(path: str, start: int) -> str:
    # "/x/folder/kinh-te/3.html" -> "/x/folder/kinh-te"
    return path[:start].rstrip("/")


def load_site(spec: str | None = None, *, base_url: str | None = None) -> Site:
    """The site a ``--site`` value names (a profile name or file, or an address), with
    every newer generation its profile names in ``successors``."""
    return site_of(load_profile(spec), base_url=base_url)


def site_of(first: Profile, *, base_url: str | None = None) -> Site:
    """The site of a loaded profile, with its successors."""
    generations = [first]
    for name in first.successors:
        try:
            nxt = load_profile(name)
        except ProfileError as exc:
            raise ProfileError(f"{first.source}: successor {name!r}: {exc}") from None
        if nxt.site != first.site:
            nxt = nxt.with_site(first.site)
        generations.append(replace(nxt, base_url=first.base_url, host_aliases=first.host_aliases))
    return Site(tuple(generations), (base_url or first.base_url).rstrip("/"))
