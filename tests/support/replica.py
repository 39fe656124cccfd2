"""A replica of the portal on 127.0.0.1: a real HTTP/1.1 server for tests and benchmarks.

Serves annotated articles (``tests/fixtures/corpus/*.json`` or synthetic ones)
through the portal's address scheme: folder pages newest first with a pager,
article pages, robots.txt, a home page with the menu, and same-host assets.
Articles can be added, edited and deleted while it runs; ETag/Last-Modified
with conditional GET (304). Every request is logged with a timestamp.

Faults (all seeded, all bounded: a path fails at most ``max_per_path``
times, so a client that retries enough always gets through): 5xx at a rate,
429 with Retry-After, latency, truncated bodies (Content-Length larger than
what is sent, then close), connection resets, stalls past a read timeout,
redirect loops, off-site redirects, a gzip bomb.
"""

from __future__ import annotations

import copy
import email.utils
import gzip
import hashlib
import random
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from tests.support.render import FOLDER_NAMES, Menu, article_path, esc, folder_of, render_listing, render_portal_article

SITE = "kyanh"
BASE = f"/{SITE}/portal"
_ARTICLE = re.compile(rf"^{BASE}/read/(?P<folder>[^/]+)/news/(?P<slug>[^/]*)\.html/(?P<id>\d{{14}})/?$")
_IDLESS = re.compile(rf"^{BASE}/read/(?P<folder>[^/]+)/news/(?P<slug>[^/]+)\.html/?$")
_FOLDER = re.compile(rf"^{BASE}/folder/(?P<folder>[^/]+?)(?:/(?P<page>\d+)\.html)?/?$")


@dataclass
class Faults:
    """What goes wrong, and how often. Rates are per request, drawn from a seeded RNG."""

    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503)
    rate_429: float = 0.0
    retry_after: str = "1"  # seconds or an HTTP-date
    latency: float = 0.0  # seconds before every response
    truncate_rate: float = 0.0
    reset_rate: float = 0.0
    stall_rate: float = 0.0
    stall_seconds: float = 2.0
    max_per_path: int = 3  # a path fails at most this many times, so retries always win
    spare: Callable[[str], bool] = lambda path: path == "/robots.txt"  # paths that never fail at random
    redirect_loop: set[str] = field(default_factory=set)  # paths answering a redirect loop
    offsite_redirect: set[str] = field(default_factory=set)  # paths redirecting to another host
    offsite_target: str = "http://example.com"  # where they redirect to (the path is kept)
    gzip_bomb: set[str] = field(default_factory=set)  # paths answering a gzip bomb
    bomb_size: int = 64 * 1024 * 1024


@dataclass
class LogEntry:
    t: float  # time.monotonic() when the request line was read
    wall: float
    method: str
    path: str  # with the query string
    status: int
    fault: str | None
    headers: dict[str, str]
    sent: float = 0.0  # time.monotonic() when the answer was written (or the connection dropped)


class Replica:
    """The portal served from a list of article dicts (the corpus JSON form)."""

    def __init__(
        self,
        articles: Iterable[dict[str, Any]] = (),
        *,
        per_page: int = 10,
        robots: str = "User-agent: *\nAllow: /\n",
        faults: Faults | None = None,
        seed: int = 0,
        gzip_pages: bool = False,
        gone_status: int = 404,
        page_size: str = "full",
        host: str = "127.0.0.1",
        menu: Menu | None = None,
        folder_names: dict[str, str] | None = None,
    ) -> None:
        """``menu`` and ``folder_names``: the site's own folders in sub-menus (default: the profile's, flat)."""
        self.per_page = per_page
        self.folder_names = folder_names if folder_names is not None else FOLDER_NAMES
        self.site_menu = (menu, self.folder_names) if menu is not None else None
        self.robots = robots
        self.faults = faults or Faults()
        self.gzip_pages = gzip_pages
        self.gone_status = gone_status
        self.page_size = page_size  # "full" (portal weight) or "light"
        self.host = host
        self._random = random.Random(seed)
        self._lock = threading.RLock()
        self._articles: dict[str, dict[str, Any]] = {}
        self._meta: dict[str, dict[str, Any]] = {}  # id -> version, modified, extra folders, hrefs
        self._listings: dict[str, list[str]] = {}
        self._slugs: dict[str, str] = {}  # slug -> id: the id-less addresses
        self._dirty = True
        self._fail_counts: dict[str, int] = {}
        self.log: list[LogEntry] = []
        self.assets: dict[str, bytes] = {}
        for art in articles:
            self.add(art)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- content -----------------------------------------------------------
    @staticmethod
    def article_id(article: dict[str, Any]) -> str:
        return article["url"].rstrip("/").rsplit("/", 1)[1]

    def add(self, article: dict[str, Any], *, also_in: Iterable[str] = (), href: str | None = None,
            canonical: bool = False) -> str:
        """Publish ``article``; ``also_in`` lists it under more folders, ``href`` overrides its listing link,
        ``canonical`` gives its page a ``<link rel="canonical">`` (with the id)."""
        aid = self.article_id(article)
        with self._lock:
            self._articles[aid] = copy.deepcopy(article)
            self._slugs[article_path(article).split("/")[6].removesuffix(".html")] = aid
            self._meta[aid] = {"version": 1, "modified": time.time(), "also_in": list(also_in), "href": href,
                               "canonical": canonical}
            self._dirty = True
        return aid

    def edit(self, article_id: str, **changes: Any) -> None:
        with self._lock:
            self._articles[article_id].update(changes)
            meta = self._meta[article_id]
            meta["version"] += 1
            meta["modified"] = time.time()
            self._dirty = True

    def delete(self, article_id: str) -> None:
        with self._lock:
            del self._articles[article_id]
            del self._meta[article_id]
            self._dirty = True

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._articles

    @property
    def articles(self) -> list[dict[str, Any]]:
        with self._lock:
            return [copy.deepcopy(a) for a in self._articles.values()]

    def page_bytes(self, article_id: str) -> bytes:
        """The article page exactly as served."""
        with self._lock:
            return self._render_article(self._articles[article_id]).encode("utf-8")

    def _render_article(self, art: dict[str, Any]) -> str:
        page = render_portal_article(art, site_menu=self.site_menu)
        if self._meta.get(self.article_id(art), {}).get("canonical"):
            page = page.replace("</title>", f'</title>\n<link rel="canonical" href="{esc(art["url"])}">', 1)
        return page

    def _folder_ids(self, folder: str) -> list[str]:
        with self._lock:
            if self._dirty:
                listings: dict[str, list[tuple[str, str]]] = {}
                for aid, art in self._articles.items():
                    for f in [folder_of(art), *self._meta[aid]["also_in"]]:
                        listings.setdefault(f, []).append((art.get("published_at") or "", aid))
                self._listings = {f: [aid for _, aid in sorted(v, reverse=True)] for f, v in listings.items()}
                self._dirty = False
            return self._listings.get(folder, [])

    def folders(self) -> list[str]:
        self._folder_ids("")
        return sorted(self._listings)

    def pages(self, folder: str) -> int:
        return max(1, -(-len(self._folder_ids(folder)) // self.per_page))

    def _render_listing(self, folder: str, page: int) -> str | None:
        ids = self._folder_ids(folder)
        pages = max(1, -(-len(ids) // self.per_page))
        if page > pages or (folder not in self._listings and folder not in self.folder_names):
            return None
        with self._lock:
            items = []
            for aid in ids[(page - 1) * self.per_page:page * self.per_page]:
                art = self._articles[aid]
                if folder != folder_of(art):
                    # Listed under another folder: the link carries that folder in its path.
                    path = article_path(art).split("/")
                    path[4] = folder
                    art = {**art, "url": "http://h" + "/".join(path)}
                items.append((aid, art))
            text = render_listing(folder, [a for _, a in items], page=page, pages=pages, site_menu=self.site_menu)
            for aid, art in items:
                href = self._meta[aid]["href"]
                if href:
                    text = text.replace(f'href="{article_path(art)}"', f'href="{href}"')
        return text

    def home(self) -> str:
        if self.site_menu is not None:
            from tests.support.render import _menu

            return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Kỳ Anh</title></head><body>'
                    f"{_menu(BASE, self.site_menu)}</body></html>")
        links = "".join(f'<li><a href="{BASE}/folder/{f}">{n}</a></li>' for f, n in FOLDER_NAMES.items())
        return f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Kỳ Anh</title></head><body><ul class="menu">{links}</ul></body></html>'

    # -- the log -------------------------------------------------------------
    def requests(self, predicate: Callable[[LogEntry], bool] | None = None) -> list[LogEntry]:
        with self._lock:
            return [e for e in self.log if predicate is None or predicate(e)]

    def article_requests(self) -> list[LogEntry]:
        return self.requests(lambda e: "/portal/read/" in e.path)

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()
            self._fail_counts.clear()

    # -- serving -------------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the replica first"
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> Replica:
        replica = self

        class Handler(self._handler_base()):  # type: ignore[misc]
            pass

        Handler.replica = replica
        self._server = _QuietServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def _handler_base(self) -> type[_Handler]:
        """The request handler class: other replicas (other software) route other addresses."""
        return _Handler

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Replica:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _draw_fault(self, path: str) -> str | None:
        f = self.faults
        bare = urlsplit(path).path
        if bare in f.redirect_loop:
            return "redirect_loop"
        if bare in f.offsite_redirect:
            return "offsite_redirect"
        if bare in f.gzip_bomb:
            return "gzip_bomb"
        if f.spare(bare):
            return None
        with self._lock:
            if self._fail_counts.get(path, 0) >= f.max_per_path:
                return None
            r = self._random.random()
            fault = None
            for name, rate in (
                ("error", f.error_rate),
                ("429", f.rate_429),
                ("truncate", f.truncate_rate),
                ("reset", f.reset_rate),
                ("stall", f.stall_rate),
            ):
                if r < rate:
                    fault = name
                    break
                r -= rate
            if fault:
                self._fail_counts[path] = self._fail_counts.get(path, 0) + 1
                if fault == "error":
                    fault = f"error:{self._random.choice(f.error_statuses)}"
            return fault


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up mid-answer (timeouts, caps) are part of the tests


_BOMBS: dict[int, bytes] = {}


def _bomb(size: int) -> bytes:
    if size not in _BOMBS:
        buf = gzip.compress(b"\0" * size, compresslevel=9)
        _BOMBS[size] = buf
    return _BOMBS[size]


def _http_date(ts: float) -> str:
    return email.utils.formatdate(ts, usegmt=True)


class _Handler(BaseHTTPRequestHandler):
    replica: Replica
    protocol_version = "HTTP/1.1"
    # Without this every two-part response waits on Nagle + delayed ACK (~40 ms).
    disable_nagle_algorithm = True
    timeout = 10  # idle keep-alive connections end by themselves
    server_version = "ReplicaPortal/1.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        rep = self.replica
        t, wall = time.monotonic(), time.time()
        fault = rep._draw_fault(self.path)
        entry = LogEntry(t, wall, self.command, self.path, 0, fault, {k.lower(): v for k, v in self.headers.items()})
        with rep._lock:
            rep.log.append(entry)
        if rep.faults.latency:
            time.sleep(rep.faults.latency)
        try:
            self._answer(entry, fault)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            entry.sent = time.monotonic()

    # -- answers ---------------------------------------------------------------
    def _send(self, entry: LogEntry, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              ctype: str = "text/html; charset=utf-8") -> None:
        entry.status = status
        self.send_response(status)
        hdrs = {"Content-Type": ctype, **(headers or {})}
        if body and self.replica.gzip_pages and "gzip" in self.headers.get("Accept-Encoding", "") \
                and "Content-Encoding" not in hdrs:
            body = gzip.compress(body, compresslevel=1)
            hdrs["Content-Encoding"] = "gzip"
        hdrs["Content-Length"] = str(len(body))
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD" and status != 304:
            self.wfile.write(body)

    def _answer(self, entry: LogEntry, fault: str | None) -> None:
        rep = self.replica
        path = urlsplit(self.path).path
        if fault == "redirect_loop":
            # P -> P?loop=1 -> P -> ...
            self._send(entry, 302, headers={"Location": path if "loop=1" in self.path else path + "?loop=1"})
            return
        if fault == "offsite_redirect":
            self._send(entry, 301, headers={"Location": rep.faults.offsite_target + path})
            return
        if fault == "gzip_bomb":
            self._send(entry, 200, _bomb(rep.faults.bomb_size), headers={"Content-Encoding": "gzip"})
            return
        if fault and fault.startswith("error:"):
            self._send(entry, int(fault[6:]), b"<html><body>Service unavailable</body></html>")
            return
        if fault == "429":
            self._send(entry, 429, b"slow down", headers={"Retry-After": rep.faults.retry_after}, ctype="text/plain")
            return
        if fault == "stall":
            entry.status = -1
            time.sleep(rep.faults.stall_seconds)
            self.close_connection = True
            return
        if fault == "reset":
            entry.status = -2
            # SO_LINGER 0: close() sends RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        status, body, headers, ctype = self._route(path)
        if fault == "truncate" and not (status == 200 and len(body) > 10):
            fault = entry.fault = None  # nothing to cut short: the answer goes out whole, no fault happened
        if fault == "truncate":
            entry.status = -3
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_WR)
            return
        self._send(entry, status, body, headers, ctype)

    def _article(self, aid: str) -> tuple[int, bytes, dict[str, str], str]:
        """Article ``aid`` with its validators, 304 to a matching conditional GET, or gone."""
        rep = self.replica
        with rep._lock:
            art = rep._articles.get(aid)
            meta = dict(rep._meta.get(aid) or {})
        if art is None:
            return rep.gone_status, b"<html><body>Not found</body></html>", {}, "text/html; charset=utf-8"
        etag = f'"{aid}-{meta["version"]}"'
        modified = _http_date(meta["modified"])
        validators = {"ETag": etag, "Last-Modified": modified}
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if inm is not None:
            if etag in [v.strip() for v in inm.split(",")]:
                return 304, b"", validators, "text/html; charset=utf-8"
        elif ims is not None:
            try:
                since = email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                since = -1
            if int(meta["modified"]) <= since:
                return 304, b"", validators, "text/html; charset=utf-8"
        return 200, rep._render_article(art).encode(), validators, "text/html; charset=utf-8"

    def _route(self, path: str) -> tuple[int, bytes, dict[str, str], str]:
        rep = self.replica
        if path == "/robots.txt":
            return 200, rep.robots.encode(), {}, "text/plain; charset=utf-8"
        if path.rstrip("/") in (BASE, ""):
            return 200, rep.home().encode(), {}, "text/html; charset=utf-8"
        m = _ARTICLE.match(path)
        if m:
            return self._article(m.group("id"))
        m = _IDLESS.match(path)
        if m:
            return self._article(rep._slugs.get(m.group("slug"), ""))
        m = _FOLDER.match(path)
        if m:
            text = rep._render_listing(m.group("folder"), int(m.group("page") or 1))
            if text is None:
                return 404, b"<html><body>Not found</body></html>", {}, "text/html; charset=utf-8"
            return 200, text.encode(), {}, "text/html; charset=utf-8"
        if path in rep.assets:
            data = rep.assets[path]
            ctype = "application/pdf" if path.endswith(".pdf") else "image/jpeg"
            return 200, data, {"ETag": '"' + hashlib.sha1(data).hexdigest() + '"'}, ctype
        return 404, b"<html><body>Not found</body></html>", {}, "text/html; charset=utf-8"


def synthetic_articles(n: int, corpus: list[dict[str, Any]], *, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` articles made by varying the corpus: new ids, titles and dates, same prose."""
    rng = random.Random(seed)
    out = []
    base = time.mktime((2019, 1, 1, 8, 0, 0, 0, 0, -1))
    folders = list(FOLDER_NAMES)
    for i in range(n):
        src = corpus[i % len(corpus)]
        ts = base + i * 3600 * 5 + rng.randrange(3600)
        lt = time.localtime(ts)
        aid = time.strftime("%Y%m%d%H%M%S", lt)
        folder = folders[i % len(folders)]
        title = f"{src['title']} (bản {i + 1})"
        art = copy.deepcopy(src)
        art.update(
            id=f"syn-{i + 1:05d}",
            url=f"http://kyanh.hatinh.gov.vn{BASE}/read/{folder}/news/bai-viet-so-{i + 1}.html/{aid}",
            category=FOLDER_NAMES[folder],
            title=title,
            published_at=time.strftime("%Y-%m-%dT%H:%M:00+07:00", lt),
            date_text=time.strftime("%H:%M %d/%m/%Y", lt),
        )
        out.append(art)
    return out


# -- the old software with a site's own folders -------------------------------------------
# Folders seen in the real portal's published addresses, unlike the profile's six (only
# quoc-phong-an-ninh is in both), in sub-menus; the old folder each one takes articles from.
VARIANT_FOLDERS = {
    "tin-tuc-su-kien": ("tintuc", "Tin tức"),
    "tin-tuc-khac": ("chinh-tri", "Chính trị"),
    "kinh-te": ("thong-tin-ve-nong-nghiep", "Thông tin về nông nghiệp"),
    "van-hoa-xa-hoi": ("hoi-dong-nhan-dan-huyen-1", "Hội đồng nhân dân huyện"),
    "quoc-phong-an-ninh": ("quoc-phong-an-ninh", "Quốc phòng - An ninh"),
}
VARIANT_MENU: Menu = (
    ("Tin tức", ("tintuc", "chinh-tri")),
    ("Lĩnh vực", ("thong-tin-ve-nong-nghiep", "quoc-phong-an-ninh")),
    ("Chính quyền", ("hoi-dong-nhan-dan-huyen-1",)),
)


def idless_path(article: dict[str, Any]) -> str:
    """``/kyanh/portal/read/<folder>/news/<slug>.html``: the address without its id."""
    return article_path(article).rsplit("/", 1)[0]


def variant_replica(corpus: Iterable[dict[str, Any]], **kwargs: Any) -> Replica:
    """The old software serving its own folder set (:data:`VARIANT_FOLDERS`) in sub-menus;
    every third article linked without its id, half of those with the id only in the
    page's canonical link. ``replica.idless`` and ``replica.canonical`` name them."""
    names = {new: name for new, name in VARIANT_FOLDERS.values()}
    rep = Replica(menu=VARIANT_MENU, folder_names=names, **kwargs)
    rep.idless, rep.canonical = set(), set()  # type: ignore[attr-defined]
    for i, src in enumerate(corpus):
        art = copy.deepcopy(src)
        old = folder_of(art)
        new, name = VARIANT_FOLDERS.get(old, (old, art["category"]))
        path = article_path(art).split("/")
        path[4] = new
        art["url"] = art["url"][: art["url"].index("/", 8)] + "/".join(path)
        art["category"] = name
        idless = i % 3 == 0
        rep.add(art, href=idless_path(art) if idless else None, canonical=idless and i % 6 == 0)
        if idless:
            rep.idless.add(Replica.article_id(art))  # type: ignore[attr-defined]
            if i % 6 == 0:
                rep.canonical.add(Replica.article_id(art))  # type: ignore[attr-defined]
    return rep
