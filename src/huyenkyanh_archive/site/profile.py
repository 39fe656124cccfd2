"""Site profiles: addresses and selectors as data (TOML files).

A profile is looked up by name among the files shipped in
``huyenkyanh_archive/profiles/`` or read from a path. Errors name the file
and the fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ProfileError

DEFAULT_PROFILE = "hatinh-portal"

_REQUIRED_URLS = ("folder", "folder_page", "article")


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


def _compile(pattern: str, what: str, source: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ProfileError(f"{source}: urls.{what} is not a valid regular expression ({exc}); fix the pattern") from None


def profile_from_dict(data: dict[str, Any], source: str = "<profile>") -> Profile:
    missing = [k for k in ("name", "base_url", "site") if not isinstance(data.get(k), str)]
    urls = data.get("urls")
    if not isinstance(urls, dict):
        missing.append("[urls]")
    else:
        missing += [f"urls.{k}" for k in _REQUIRED_URLS if not isinstance(urls.get(k), str)]
    if missing or not isinstance(urls, dict):
        raise ProfileError(f"{source}: missing or misspelt key(s) {', '.join(missing)}; see the shipped hatinh-portal.toml")
    selectors = data.get("selectors") or {}
    if not isinstance(selectors, dict):
        raise ProfileError(f"{source}: [selectors] must be a table of name = \"css selector\"")
    known = {"name", "base_url", "site", "folders", "urls", "selectors", "site_name", "description", "host_aliases"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ProfileError(f"{source}: unknown key(s) {', '.join(unknown)}; expected some of {', '.join(sorted(known))}")
    return Profile(
        name=data["name"],
        base_url=data["base_url"].rstrip("/"),
        site=data["site"],
        folders=tuple(data.get("folders") or ()),
        urls=dict(urls),
        selectors={str(k): str(v) for k, v in selectors.items()},
        site_name=data.get("site_name"),
        description=data.get("description", ""),
        host_aliases=tuple(data.get("host_aliases") or ()),
        source=source,
        article_re=_compile(urls["article"], "article", source),
        article_alt_re=_compile(urls["article_alt"], "article_alt", source) if urls.get("article_alt") else None,
    )


def available_profiles() -> list[str]:
    folder = resources.files("huyenkyanh_archive.site") / "profiles"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_profile(name_or_path: str | Path | None = None) -> Profile:
    """Load a shipped profile by name, or a profile file by path.

    ``NAME:SITE`` selects another site of the same platform, e.g.
    ``hatinh-portal:camxuyen``.
    """
    spec = str(name_or_path or DEFAULT_PROFILE)
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
            raise ProfileError(f"unknown site profile {spec!r}; choose one of: {', '.join(available_profiles())}, or give a .toml file")
        text = res.read_bytes()
        source = f"profiles/{spec}.toml"
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{source}: not valid TOML ({exc}); fix the file") from None
    profile = profile_from_dict(data, source)
    return profile.with_site(site) if site else profile
