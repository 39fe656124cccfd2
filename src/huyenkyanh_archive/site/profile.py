"""Site profiles: addresses and selectors as data (TOML files).

A profile describes one generation of a site's software: its home, the
address forms of its articles and sections (each a regular expression with
named groups, and for articles the identity keys it yields), the markup
selectors, and the site's hosts. A site that moved to newer software names
the newer generation's profile in ``successors``; the crawl handles
whichever the host serves.

A profile is looked up by name among the files shipped in
``huyenkyanh_archive/site/profiles/`` or read from a path. Errors name the
file and the fix.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import ProfileError

__all__ = ["DEFAULT_PROFILE", "AddressForm", "Profile", "SectionForm", "available_profiles", "generations",
           "generic_profile", "load_profile", "profile_from_dict"]

DEFAULT_PROFILE = "hatinh-portal"

_KNOWN_KEYS = {
    "name", "base_url", "site", "folders", "urls", "selectors", "site_name", "description", "host_aliases",
    "successors", "articles", "sections", "district", "province",
}
_GROUP_RE = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class AddressForm:
    """One way an article's address is written, and the identity keys it gives.

    ``keys`` are templates over the pattern's named groups, strongest first; a
    key whose value is 14 digits is the portal's article id. A template naming
    an empty or missing group gives no key.
    """

    pattern: re.Pattern[str]
    keys: tuple[str, ...]
    name: str = ""

    def keys_for(self, groups: dict[str, str | None]) -> tuple[str, ...]:
        out = []
        for template in self.keys:
            names = _GROUP_RE.findall(template)
            if all(groups.get(n) for n in names):
                out.append(template.format(**{n: groups[n] for n in names}))
        return tuple(out)


@dataclass(frozen=True, slots=True)
class SectionForm:
    """One way a section's (listing's) address is written, and how its page N is addressed.

    ``page`` is a path template over the pattern's groups (``{page}`` the page
    number), or ``?page={page}`` for a query parameter on the first page's address.
    """

    pattern: re.Pattern[str]
    page: str | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    base_url: str
    site: str
    folders: tuple[str, ...]
    urls: dict[str, str]
    selectors: dict[str, str]
    site_name: str | None = None
    description: str = ""
    host_aliases: tuple[str, ...] = ()
    source: str = ""
    successors: tuple[str, ...] = ()
    article_forms: tuple[AddressForm, ...] = ()
    section_forms: tuple[SectionForm, ...] = ()
    district: str | None = None  # the district a bare "huyện" in a role means
    province: str | None = None  # the province a bare "tỉnh" means
    generic: bool = False  # no profile: a site known only by its address
    # Legacy single patterns (``urls.article``/``urls.article_alt``), kept for older profile files.
    article_re: re.Pattern[str] = field(default=re.compile(r"(?!x)x"), compare=False, repr=False)
    article_alt_re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def with_site(self, site: str) -> Profile:
        """The same platform profile for another site segment (another portal)."""
        return replace(self, site=site, site_name=None if site != self.site else self.site_name)

    def with_base_url(self, base_url: str) -> Profile:
        return replace(self, base_url=base_url.rstrip("/"))

    def url_for(self, key: str, **values: Any) -> str:
        path = self.urls[key].format(site=self.site, **values)
        return self.base_url.rstrip("/") + path

    @property
    def home_url(self) -> str:
        return self.url_for("home") if "home" in self.urls else self.base_url + "/"


def _compile(pattern: str, what: str, source: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ProfileError(f"{source}: {what} is not a valid regular expression ({exc}); fix the pattern") from None


def _article_forms(data: dict[str, Any], urls: dict[str, Any], source: str) -> tuple[AddressForm, ...]:
    forms: list[AddressForm] = []
    for i, item in enumerate(data.get("articles") or []):
        if not isinstance(item, dict) or not isinstance(item.get("pattern"), str) or not item.get("keys"):
            raise ProfileError(f"{source}: [[articles]] #{i + 1} needs pattern = '<regex>' and keys = [\"{{group}}\", …]")
        keys = item["keys"]
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise ProfileError(f"{source}: [[articles]] #{i + 1}: keys must be a list of templates like \"{{id}}\"")
        pattern = _compile(item["pattern"], f"[[articles]] #{i + 1} pattern", source)
        missing = sorted({n for k in keys for n in _GROUP_RE.findall(k)} - set(pattern.groupindex))
        if missing:
            raise ProfileError(f"{source}: [[articles]] #{i + 1}: keys name group(s) {', '.join(missing)}"
                               " that the pattern does not have")
        forms.append(AddressForm(pattern, tuple(keys), str(item.get("name", ""))))
    # Older profiles: one id pattern (and an alternative); the id group is the key.
    for legacy in ("article", "article_alt"):
        if isinstance(urls.get(legacy), str):
            pattern = _compile(urls[legacy], f"urls.{legacy}", source)
            if "id" not in pattern.groupindex:
                raise ProfileError(f"{source}: urls.{legacy} needs a named group (?P<id>…) for the article's identity")
            forms.append(AddressForm(pattern, ("{id}",), legacy))
    return tuple(forms)


def _section_forms(data: dict[str, Any], source: str) -> tuple[SectionForm, ...]:
    forms = []
    for i, item in enumerate(data.get("sections") or []):
        if not isinstance(item, dict) or not isinstance(item.get("pattern"), str):
            raise ProfileError(f"{source}: [[sections]] #{i + 1} needs pattern = '<regex>'")
        page = item.get("page")
        if page is not None and not isinstance(page, str):
            raise ProfileError(f"{source}: [[sections]] #{i + 1}: page must be a template like \"?page={{page}}\"")
        forms.append(SectionForm(_compile(item["pattern"], f"[[sections]] #{i + 1} pattern", source), page))
    return tuple(forms)


def profile_from_dict(data: dict[str, Any], source: str = "<profile>") -> Profile:
    missing = [k for k in ("name", "base_url", "site") if not isinstance(data.get(k), str)]
    urls = data.get("urls")
    if not isinstance(urls, dict):
        missing.append("[urls]")
    elif not isinstance(urls.get("article"), str) and not data.get("articles"):
        missing.append("urls.article (or [[articles]])")
    if missing:
        raise ProfileError(f"{source}: missing or misspelt key(s) {', '.join(missing)}; see the shipped hatinh-portal.toml")
    assert isinstance(urls, dict)
    selectors = data.get("selectors") or {}
    if not isinstance(selectors, dict):
        raise ProfileError(f"{source}: [selectors] must be a table of name = \"css selector\"")
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise ProfileError(f"{source}: unknown key(s) {', '.join(unknown)}; expected some of {', '.join(sorted(_KNOWN_KEYS))}")
    forms = _article_forms(data, urls, source)
    legacy = [f for f in forms if f.name == "article"]
    alt = [f for f in forms if f.name == "article_alt"]
    return Profile(
        name=data["name"],
        base_url=data["base_url"].rstrip("/"),
        site=data["site"],
        folders=tuple(data.get("folders") or ()),
        urls={str(k): str(v) for k, v in urls.items()},
        selectors={str(k): str(v) for k, v in selectors.items()},
        site_name=data.get("site_name"),
        description=data.get("description", ""),
        host_aliases=tuple(data.get("host_aliases") or ()),
        source=source,
        successors=tuple(data.get("successors") or ()),
        article_forms=forms,
        section_forms=_section_forms(data, source),
        district=data.get("district"),
        province=data.get("province"),
        article_re=legacy[0].pattern if legacy else re.compile(r"(?!x)x"),
        article_alt_re=alt[0].pattern if alt else None,
    )


def available_profiles() -> list[str]:
    folder = resources.files("huyenkyanh_archive.site") / "profiles"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def generic_profile(address: str) -> Profile:
    """A site known only by its address: no address forms, no selectors; the crawl
    discovers its sections and the extractor reads its pages by generic evidence."""
    parts = urlsplit(address.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProfileError(f"{address!r}: give a site as http(s)://host/ or a profile name")
    host = parts.hostname.lower()
    base = f"{parts.scheme}://{parts.netloc.lower()}"
    home = parts.path if parts.path not in ("", "/") else "/"
    bare = host[4:] if host.startswith("www.") else host
    aliases = tuple(h for h in (bare, f"www.{bare}") if h != host)
    return Profile(
        name=f"site:{host}", base_url=base, site=bare, folders=(), urls={"home": home}, selectors={},
        site_name=None, description=f"generic profile of {base}", host_aliases=aliases, source=address,
        generic=True,
    )


def load_profile(name_or_path: str | Path | None = None) -> Profile:
    """Load a shipped profile by name, a profile file by path, or a generic profile for
    an ``http(s)://`` address.

    ``NAME:SITE`` selects another site of the same platform, e.g.
    ``hatinh-portal:camxuyen``.
    """
    spec = str(name_or_path or DEFAULT_PROFILE)
    if spec.startswith(("http://", "https://")):
        return generic_profile(spec)
    site: str | None = None
    path = Path(spec)
    if not path.suffix == ".toml" and ":" in spec:
        spec, site = spec.split(":", 1)
        path = Path(spec)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ProfileError(f"{path}: no such profile file; give a path to a .toml profile or one of: {', '.join(available_profiles())}")
        text = path.read_bytes()
        source = str(path)
    else:
        res = resources.files("huyenkyanh_archive.site") / "profiles" / f"{spec}.toml"
        if not res.is_file():
            raise ProfileError(f"unknown site profile {spec!r}; choose one of: {', '.join(available_profiles())},"
                               " give a .toml file, or a site's address (https://…)")
        text = res.read_bytes()
        source = f"profiles/{spec}.toml"
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{source}: not valid TOML ({exc}); fix the file") from None
    profile = profile_from_dict(data, source)
    return profile.with_site(site) if site else profile


@functools.lru_cache(maxsize=64)
def _successors(names: tuple[str, ...], site: str) -> tuple[Profile, ...]:
    out = []
    for name in names:
        try:
            nxt = load_profile(name)
        except ProfileError:
            continue  # a broken successor is reported by the crawl (site_of); reading a page goes on
        out.append(nxt if nxt.site == site else nxt.with_site(site))
    return tuple(out)


def generations(profile: Profile) -> tuple[Profile, ...]:
    """``profile`` and the newer software generations it names, oldest first."""
    return (profile, *_successors(profile.successors, profile.site)) if profile.successors else (profile,)
