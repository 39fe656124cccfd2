"""``kyanh-archive extract``: files and loopback URLs, --json lines in order, readable output, per-page errors."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huyenkyanh_archive.cli import app
from huyenkyanh_archive.record import RECORD_FIELDS
from tests.support import render

CORPUS = render.load_corpus()
A, B, C = CORPUS[0], CORPUS[1], CORPUS[2]
runner = CliRunner()


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True
    routes: dict[str, tuple[bytes, str]] = {}
    seen_agents: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.seen_agents.append(self.headers.get("User-Agent", ""))
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        body, ctype = route
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    _Handler.routes = {
        render.article_path(A): (render.render_portal_article(A).encode(), "text/html; charset=utf-8"),
        # The charset only in the HTTP header: the page itself declares none.
        "/old/table.html": (render.render_table_article(B, declare_charset=False), "text/html; charset=windows-1258"),
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def pages(tmp_path: Path) -> dict[str, Path]:
    out = {
        "portal": tmp_path / "portal.html",
        "news": tmp_path / "news.html",
        "table": tmp_path / "table.html",
        "binary": tmp_path / "photo.html",
        "empty": tmp_path / "empty.html",
    }
    out["portal"].write_text(render.render_portal_article(A), "utf-8")
    out["news"].write_text(render.render_newspaper_article(B), "utf-8")
    out["table"].write_bytes(render.render_table_article(C))
    out["binary"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    out["empty"].write_bytes(b"")
    return out


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_json_one_line_per_page_in_order(pages: dict[str, Path]) -> None:
    result = runner.invoke(app, ["extract", "--json", str(pages["table"]), str(pages["portal"]), str(pages["news"])])
    assert result.exit_code == 0, result.output
    records = _lines(result.stdout)
    assert [r["title"] for r in records] == [C["title"], A["title"], B["title"]]
    assert [r["source"] for r in records] == [str(pages["table"]), str(pages["portal"]), str(pages["news"])]
    for r in records:
        assert tuple(r) == RECORD_FIELDS
    assert records[1]["published_at"] == A["published_at"]
    assert records[2]["url"] == render.newspaper_url(B)


def test_url_option_gives_identity_to_a_file(pages: dict[str, Path]) -> None:
    result = runner.invoke(app, ["extract", "--json", "--url", A["url"], str(pages["portal"])])
    assert result.exit_code == 0
    (record,) = _lines(result.stdout)
    assert record["url"] == A["url"]
    assert record["article_id"] == A["url"].rsplit("/", 1)[1]
    assert all(i["src"].startswith("http://kyanh.hatinh.gov.vn/") for i in record["images"])


def test_bad_pages_are_named_on_stderr_and_the_rest_still_printed(pages: dict[str, Path], tmp_path: Path) -> None:
    missing = tmp_path / "missing.html"
    args = ["extract", "--json", str(pages["binary"]), str(pages["portal"]), str(missing), str(pages["empty"]), str(pages["news"])]
    result = runner.invoke(app, args)
    assert result.exit_code == 65
    assert [r["title"] for r in _lines(result.stdout)] == [A["title"], B["title"]]
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 3
    assert str(pages["binary"]) in errors[0] and "PNG" in errors[0]
    assert str(missing) in errors[1] and "no such file" in errors[1]
    assert str(pages["empty"]) in errors[2] and "empty" in errors[2]


def test_readable_output(pages: dict[str, Path]) -> None:
    result = runner.invoke(app, ["extract", str(pages["portal"])], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    out = result.stdout
    assert A["title"] in out
    assert A["published_at"] in out
    assert A["byline"] in out
    for person in A["gold"]["attendees"][:2]:
        assert person["name"] in out


def test_urls_are_fetched_from_the_server(server: str) -> None:
    _Handler.seen_agents.clear()
    article_url = server + render.article_path(A)
    result = runner.invoke(app, ["extract", "--json", article_url, server + "/old/table.html", server + "/gone.html"])
    assert result.exit_code == 65
    records = _lines(result.stdout)
    assert [r["title"] for r in records] == [A["title"], B["title"]]
    assert records[0]["source"] == article_url
    # The windows-1258 page named its charset only in the HTTP header.
    assert records[1]["lead"] == B["lead"]
    assert "/gone.html" in result.stderr and "404" in result.stderr
    assert _Handler.seen_agents and all(ua.startswith("kyanh-archive/") for ua in _Handler.seen_agents)


def test_unknown_site_profile_is_one_line(pages: dict[str, Path]) -> None:
    result = runner.invoke(app, ["extract", "--site", "no-such-profile", str(pages["portal"])])
    assert result.exit_code == 78
    assert "unknown site profile" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_console_script_in_a_subprocess(pages: dict[str, Path]) -> None:
    code = "from huyenkyanh_archive.cli import app; app()"
    proc = subprocess.run(
        [sys.executable, "-c", code, "extract", "--json", str(pages["table"])],
        capture_output=True, text=True, encoding="utf-8", timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    (record,) = _lines(proc.stdout)
    assert record["title"] == C["title"]
    assert record["published_at"] == C["published_at"]
