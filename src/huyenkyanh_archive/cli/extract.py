"""``kyanh-archive extract``: one page (file or URL) -> one record.

Exit codes: 0 every page extracted; 65 at least one page could not be read
(each named on stderr, one line, the others still printed); 78 bad site
profile; 2 bad option.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import __version__
from ..errors import ArchiveError, ExtractError, FetchError
from ..extract import extract_article
from ..record import Article
from ..site.profile import Profile, load_profile
from . import app, errors_as_exit, stdout

if TYPE_CHECKING:
    from rich.panel import Panel

# httpx and rich's tables are imported where they are used: `extract --json` over
# files needs neither, and importing them is a good part of the start-up time.

USER_AGENT = f"kyanh-archive/{__version__} (extract; +https://github.com/kyanh-archive/kyanh-archive)"
TIMEOUT = 30.0
MAX_BYTES = 64 * 1024 * 1024


def fetch_page(url: str, *, timeout: float = TIMEOUT) -> tuple[bytes, str, Mapping[str, str]]:
    """One plain GET: (body, final URL, headers). FetchError with a one-line reason on failure."""
    import httpx

    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}) as client:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise FetchError(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
                    chunks.append(chunk)
                return b"".join(chunks), str(response.url), dict(response.headers)
    except httpx.HTTPError as exc:
        raise FetchError(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__) from None


def read_page(page: str, *, timeout: float = TIMEOUT) -> tuple[bytes, str | None, Mapping[str, str] | None]:
    """The bytes of a file or an http(s) URL, with the URL and headers when fetched."""
    if page.startswith(("http://", "https://")):
        return fetch_page(page, timeout=timeout)
    path = Path(page)
    try:
        return path.read_bytes(), None, None
    except FileNotFoundError:
        raise ExtractError("no such file") from None
    except IsADirectoryError:
        raise ExtractError("is a directory, not a page") from None
    except OSError as exc:
        raise ExtractError(exc.strerror or str(exc)) from None


def extract_one(page: str, *, url: str | None, profile: Profile, timeout: float = TIMEOUT) -> Article:
    body, fetched_url, headers = read_page(page, timeout=timeout)
    return extract_article(body, url or fetched_url, profile=profile, headers=headers, source=page)


def render_article(article: Article) -> Panel:
    """The record, readably."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()

    def row(name: str, value: object) -> None:
        if value not in (None, "", []):
            grid.add_row(name, value if isinstance(value, Text) else Text(str(value)))

    row("url", article.url)
    row("id", article.article_id)
    row("site", article.site)
    row("category", article.category)
    row("published", f"{article.published_at}  ({article.date_text})" if article.date_text else article.published_at)
    row("byline", article.byline)
    row("authors", ", ".join(article.authors))
    row("source", article.source_name)
    for person in article.attendees:
        roles = "; ".join(person.roles)
        row("attendee", Text.assemble((person.name, "bold"), (f" — {roles}" if roles else "", "")))
    row("lead", Text(article.lead or "", style="bold"))
    paragraphs = article.body.split("\n\n")[1:] if article.lead else article.body.split("\n\n")
    row("body", "\n\n".join(p for p in paragraphs if p))
    for image in article.images:
        row("image", f"{image.src}" + (f"\n  {image.caption}" if image.caption else ""))
    for link in article.related:
        row("related", f"{link.title}\n  {link.url}")
    row("extractor", article.extractor_version)
    return Panel(grid, title=Text(article.title or "(no title)", style="bold"), subtitle=article.source, expand=True)


@app.command("extract")
def extract_command(
    pages: Annotated[list[str], typer.Argument(help="Page files or http(s) URLs.", metavar="PAGE")],
    json_: Annotated[bool, typer.Option("--json", help="One JSON object per page, one a line.")] = False,
    url: Annotated[
        str | None, typer.Option("--url", help="The address the page(s) came from (canonical URL, relative links).")
    ] = None,
    site: Annotated[
        str | None, typer.Option("--site", help="Site profile: a shipped name (NAME or NAME:SITE) or a .toml file.")
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for a URL.", min=0.1)] = TIMEOUT,
) -> None:
    """Extract the article record from pages: title, date, lead, body, images, authors, attendees, related links."""
    with errors_as_exit():
        profile = load_profile(site)
    failed = 0
    with errors_as_exit():
        for page in pages:
            try:
                article = extract_one(page, url=url, profile=profile, timeout=timeout)
            except ArchiveError as exc:
                failed += 1
                sys.stdout.flush()
                print(f"kyanh-archive: {page}: {exc}", file=sys.stderr, flush=True)
                continue
            if json_:
                sys.stdout.write(article.to_json() + "\n")
                sys.stdout.flush()
            else:
                stdout.print(render_article(article))
    if failed:
        raise typer.Exit(ExtractError.exit_code)
