"""Test archives for the query, people and export tests.

- :func:`build_page_archive`: the crawler's archive of the loopback replica
  serving every corpus article (real pages, real extractor, real responses).
- :func:`build_people_archive`: records built directly (the corpus's annotated
  attendees plus synthetic namesakes and role changes), to test the people
  layer apart from the people extractor.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.crawl import crawl
from huyenkyanh_archive.extract import extract_article
from huyenkyanh_archive.extract.roles import expand_role
from huyenkyanh_archive.record import Article, Attendee
from huyenkyanh_archive.site.profile import load_profile
from tests.support.crawl_support import fast_options
from tests.support.render import load_corpus
from tests.support.replica import Replica


def plain(text: str) -> str:
    """An independent oracle for the fold: strip every combining mark, đ -> d, lower case."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass(slots=True)
class Page:
    article: dict[str, Any]
    body: bytes
    record: Article


def article_id_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def build_page_archive(path: Path) -> tuple[Path, list[Page]]:
    """Crawl the loopback replica of the portal serving the whole corpus."""
    corpus = load_corpus()
    prof = load_profile()
    # gzip on the wire, as the live portal serves: the WARC must still give the stored bytes.
    with Replica(corpus, per_page=8, gzip_pages=True) as replica:
        summary = crawl(path, prof, fast_options(replica))
        if not summary.ok or summary.new != len(corpus):
            raise RuntimeError(f"the fixture crawl failed: {summary.to_dict()}")
        pages = []
        for art in corpus:
            body = replica.page_bytes(Replica.article_id(art))
            record = extract_article(body, art["url"], profile=prof, source=art["url"])
            pages.append(Page(art, body, record))
    return path, pages


# -- people ----------------------------------------------------------------------

BASE = "http://kyanh.hatinh.gov.vn/kyanh/portal/read/tin-tuc-su-kien/news/"


def attendee(name: str, *roles: str) -> Attendee:
    return Attendee(name, list(roles), [expand_role(r) for r in roles])


def person_record(n: int, date: str, title: str, people: list[Attendee]) -> Article:
    url = f"{BASE}bai-{n}.html/{date.replace('-', '')}0800{n:02d}"
    return Article(
        source=url,
        url=url,
        article_id=article_id_of(url),
        site="kyanh",
        category="Tin tức - Sự kiện",
        title=title,
        published_at=f"{date}T08:00:00+07:00",
        body=title,
        attendees=people,
    )


# Two namesakes in different communes, never in one article, overlapping in time;
# and a third unplaced appearance that shares co-attendees with the Kỳ Tân one.
SYNTHETIC: list[tuple[str, str, list[Attendee]]] = [
    ("2021-03-02", "Kỳ Tân ra quân làm đường", [
        attendee("Nguyễn Văn Hải", "Chủ tịch UBND xã Kỳ Tân"), attendee("Lê Thị Mai", "Bí thư Đảng ủy xã Kỳ Tân")]),
    ("2021-06-10", "Kỳ Phong tổng kết vụ lúa", [
        attendee("Nguyễn Văn Hải", "Bí thư Đảng uỷ xã Kỳ Phong"), attendee("Trần Văn Lực", "Chủ tịch UBND xã Kỳ Phong")]),
    ("2022-01-15", "Kỳ Tân đón chuẩn nông thôn mới", [
        attendee("NGUYỄN VĂN HẢI", "Chủ tịch Ủy ban nhân dân xã Kỳ Tân"), attendee("Lê Thị Mai", "Bí thư Đảng ủy xã Kỳ Tân")]),
    ("2022-03-20", "Kỳ Phong khánh thành nhà văn hóa", [
        attendee("Nguyễn Văn Hải", "Bí thư Đảng ủy xã Kỳ Phong"), attendee("Trần Văn Lực", "Chủ tịch UBND xã Kỳ Phong")]),
    ("2022-08-01", "Trao quà cho hộ nghèo", [
        attendee("Nguyễn Văn Hải"), attendee("Lê Thị Mai", "Bí thư Đảng ủy xã Kỳ Tân")]),
    # One official whose career crosses two communes, tied by an article naming both.
    ("2020-05-05", "Kỳ Hà bầu lãnh đạo mới", [attendee("Phan Đình Toàn", "Chủ tịch UBND xã Kỳ Hà")]),
    ("2023-05-05", "Điều động cán bộ", [
        attendee("Phan Đình Toàn", "nguyên Chủ tịch UBND xã Kỳ Hà", "Bí thư Đảng ủy xã Kỳ Hải")]),
    ("2024-02-02", "Kỳ Hải ra quân", [attendee("Phan Đình Toàn", "Bí thư Đảng ủy xã Kỳ Hải")]),
    # A promotion: Phó Chủ tịch until 2020, Chủ tịch from 2021 (abbreviated and spelled out).
    ("2019-04-01", "Ra quân làm giao thông nông thôn", [attendee("Trần Đức Minh", "Phó Chủ tịch UBND huyện")]),
    ("2020-06-01", "Kiểm tra tiến độ xây dựng", [attendee("Trần Đức Minh", "Phó Chủ tịch Ủy ban nhân dân huyện")]),
    ("2021-08-01", "Tiếp công dân định kỳ", [attendee("Trần Đức Minh", "Chủ tịch UBND huyện")]),
    ("2022-09-01", "Tổng kết năm học", [attendee("Trần Đức Minh", "Chủ tịch Ủy ban nhân dân huyện")]),
    # Tone placement and case in a name: one person.
    ("2020-09-09", "Hội nghị nông dân", [attendee("Nguyễn Văn Hoà", "Chủ tịch Hội Nông dân huyện")]),
    ("2021-09-09", "Hội nghị nông dân lần 2", [attendee("nguyễn văn hòa", "Chủ tịch Hội Nông dân huyện")]),
]


def people_records() -> list[Article]:
    records = []
    for n, art in enumerate(load_corpus(), start=1):
        people = [attendee(a["name"], *a["roles"]) for a in art["gold"]["attendees"]]
        records.append(person_record(n, art["published_at"][:10], art["title"], people))
    for n, (date, title, people) in enumerate(SYNTHETIC, start=100):
        records.append(person_record(n, date, title, people))
    return records


def build_people_archive(path: Path) -> tuple[Path, list[Article]]:
    records = people_records()
    with open_archive(path) as archive:
        for rec in records:
            with archive.transaction():
                archive.articles.save(rec, article_id=rec.article_id or "", response_id=None, fetched_at="2025-06-01T00:00:00Z")
        with archive.transaction():
            archive.conn.execute(
                "INSERT INTO runs (started_at, finished_at, status, stats) VALUES (?, ?, ?, ?)",
                ("2025-06-01T00:00:00Z", "2025-06-01T00:05:00Z", "ok", json.dumps({"new": len(records)})),
            )
    return path, records
