"""Benchmark: query latency and size of a large archive.

Builds a synthetic archive (default 100,000 articles, 3-6 KB of Vietnamese
text each, 5-15 attendees drawn from a pool of a few thousand people, every
article's ~50 KB portal page stored as the crawler stores it: zstd against a
dictionary page, see blobs.py)
through the store's own write path, then reports:

- database size per article (and the largest tables), and the raw pages'
  share against a baseline measured in the same run: the same pages
  compressed one by one with zlib (how the archive stored them before v4);
- ``search`` latency p50/p95 over a fixed set of queries, against a baseline
  measured in the same run: the same questions asked with a ``LIKE '%…%'``
  scan over the articles table (what a researcher without the index does);
- ``person`` latency p50/p95/max over people met at random in articles
  (random attendee rows), and for each of the five most frequent people,
  with the default listing (the earliest and latest 50 articles) and with
  every article listed (``--articles 0``); the baseline is the same
  timeline built the way it was before the per-person summaries: by the
  resolver, from every appearance of the name.

The archive is measured after ``kyanh-archive optimize`` (``--no-optimize``
to measure it as written). Goals: search p95 < 50 ms, person < 100 ms,
< 20 KB per article.

    python -m bench.query                 # 100,000 articles (a few minutes)
    python -m bench.query --articles 5000 # quick
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from pathlib import Path

from tests.support.render import FOLDER_NAMES, load_corpus, render_portal_article

from huyenkyanh_archive import query
from huyenkyanh_archive.archive.optimize import optimize
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.extract.roles import expand_role
from huyenkyanh_archive.query import names, persons
from huyenkyanh_archive.query import offices as office_queries
from huyenkyanh_archive.record import Article, Attendee, Image
from huyenkyanh_archive.response import Response

ROOT = Path(__file__).resolve().parent.parent

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh"]
MIDDLE = ["Văn", "Thị", "Đình", "Hữu", "Minh", "Quốc", "Thanh", "Xuân", "Ngọc", "Trọng", "Đức", "Huy", "Thu", "Hồng", "Tiến", "Mạnh"]
GIVEN = ["Thành", "Hùng", "Hải", "Lan", "Hoa", "Nam", "Bình", "Toàn", "Hòa", "Dũng", "Tuấn", "Hằng", "Mai", "Vân", "Sơn",
         "Long", "Phong", "Trung", "Nga", "Hà", "Thủy", "Lực", "Quang", "Khánh", "Linh", "Tâm", "Yến", "Đông", "Hiếu", "Lợi"]
COMMUNES = ["Kỳ Tân", "Kỳ Phong", "Kỳ Hà", "Kỳ Hải", "Kỳ Tây", "Kỳ Lạc", "Kỳ Văn", "Kỳ Xuân", "Kỳ Châu", "Kỳ Bắc",
            "Kỳ Trung", "Kỳ Thượng", "Kỳ Sơn", "Kỳ Thư", "Kỳ Khang", "Kỳ Đồng", "Kỳ Giang", "Kỳ Tiến", "Kỳ Phú", "Kỳ Thọ"]
DISTRICT_ROLES = ["Bí thư Huyện ủy", "Phó Bí thư Huyện ủy", "Chủ tịch UBND huyện", "Phó Chủ tịch UBND huyện",
                  "Chủ tịch HĐND huyện", "UVBTV Huyện ủy", "Chủ tịch UB MTTQ huyện", "Trưởng phòng Nông nghiệp và PTNT huyện",
                  "Giám đốc Trung tâm Y tế huyện", "Trưởng Công an huyện", "Chỉ huy trưởng Ban CHQS huyện"]
COMMUNE_ROLES = ["Chủ tịch UBND xã {c}", "Bí thư Đảng ủy xã {c}", "Phó Chủ tịch UBND xã {c}", "Chủ tịch Hội LHPN xã {c}"]

QUERIES = [
    "ho huy thanh", "Hồ Huy Thành", "HO HUY THANH", "dang uy", '"Đảng ủy xã"', '"Bí thư Huyện ủy"', "nong thon moi",
    "thanh*", "khánh thành", '"Kỳ Tân"', "hoà OR hòa", "quốc phòng NOT an ninh", "phòng chống thiên tai",
    "hợp tác xã", "giải phóng mặt bằng", "tết trồng cây", "ky phong", "huy hiệu đảng", "thanh niên", "bão lũ",
]
FILTERED = [
    ("dang uy", {"since": "2021", "until": "2022"}),
    ("khánh thành", {"category": "kinh-te"}),
    ("hội nghị", {"person": "Hồ Huy Thành"}),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Generator:
    """Vietnamese-like text from word-bigram models of the annotated corpus.

    Each corpus article is one topic with its own model, and a generated
    article keeps to one topic (with some general paragraphs), so topical words
    are as concentrated as in a real archive instead of appearing everywhere.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        corpus = load_corpus()
        general = self._model(corpus)
        self.general = [self._paragraph(*general) for _ in range(600)]
        self.topics = []
        for art in corpus:
            model = self._model([art])
            title = art["title"]
            for person in sorted({a["name"] for a in art["gold"]["attendees"]}, key=len, reverse=True):
                title = title.replace(person, "\x00")
            self.topics.append((title, [self._paragraph(*model) for _ in range(60)]))

    @staticmethod
    def _model(articles: list[dict]) -> tuple[list[str], dict[str, list[str]]]:  # type: ignore[type-arg]
        nexts: dict[str, list[str]] = defaultdict(list)
        starts = []
        for art in articles:
            # The corpus's people become slots for the generated article's own attendees:
            # otherwise its few leaders would be named in every synthetic article.
            names = sorted({a["name"] for a in art["gold"]["attendees"]} | set(art["gold"]["authors"]), key=len, reverse=True)
            for text in [art["lead"]] + [b.get("text") or b.get("caption") or "" for b in art["blocks"]]:
                for name in names:
                    text = text.replace(name, "\x00")
                words = text.split()
                if words:
                    starts.append(words[0])
                for a, b in zip(words, words[1:], strict=False):
                    nexts[a].append(b)
        return starts, nexts

    def _sentence(self, starts: list[str], nexts: dict[str, list[str]]) -> str:
        word = self.rng.choice(starts)
        out = [word]
        while len(out) < 60 and not word.endswith(".") and nexts.get(word):
            word = self.rng.choice(nexts[word])
            out.append(word)
        return " ".join(out).rstrip(",;:") + ("" if out[-1].endswith(".") else ".")

    def _paragraph(self, starts: list[str], nexts: dict[str, list[str]]) -> str:
        text = ""
        while len(text) < self.rng.randint(250, 600):
            text += (" " if text else "") + self._sentence(starts, nexts)
        return text

    def article(self, size: int, names: list[str]) -> tuple[str, list[str]]:
        """(title, paragraphs) of about ``size`` bytes of UTF-8 text naming ``names``."""
        title, pool = self.rng.choice(self.topics)
        parts: list[str] = []
        total = 0
        while total < size:
            part = self.rng.choice(pool if self.rng.random() < 0.8 else self.general)
            part = "".join(piece + (self.rng.choice(names) if i else "") for i, piece in enumerate(part.split("\x00")))
            part = _fill(part, names, self.rng)
            parts.append(part)
            total += len(part.encode("utf-8"))
        return _fill(title, names, self.rng), parts


def _fill(text: str, names: list[str], rng: random.Random) -> str:
    pieces = text.split("\x00")
    return pieces[0] + "".join(rng.choice(names) + p for p in pieces[1:])


def make_people(rng: random.Random, size: int) -> list[tuple[str, list[str], int, int]]:
    """(name, roles, first year, last year), most prominent first.

    Each district office has one holder at a time (two over the decade, with a
    hand-over); commune officials and others are active a few years each.
    """
    names: set[str] = set()
    while len(names) < size:
        names.add(f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}")
    ordered = sorted(names)
    rng.shuffle(ordered)
    people: list[tuple[str, list[str], int, int]] = []
    for i, role in enumerate(DISTRICT_ROLES):
        handover = rng.randint(2018, 2022)
        people.append((ordered[2 * i], [role], 2015, handover))
        people.append((ordered[2 * i + 1], [role], handover, 2025))
    people[0] = ("Hồ Huy Thành", ["Tỉnh ủy viên", "Bí thư Huyện ủy"], 2019, 2025)
    for name in ordered[len(people):]:
        first = rng.randint(2013, 2025)
        last = min(2025, first + rng.randint(1, 7))
        if rng.random() < 0.4:
            roles = [rng.choice(COMMUNE_ROLES).format(c=rng.choice(COMMUNES))]
        elif rng.random() < 0.3:
            roles = [f"Trưởng thôn {rng.choice(GIVEN)} {rng.choice(GIVEN)}"]
        else:
            roles = []
        people.append((name, roles, first, last))
    return people


def build(path: Path, n: int, seed: int) -> float:
    rng = random.Random(seed)
    gen = Generator(rng)
    pool = make_people(rng, 3000)
    # Zipf-like prominence: district leaders appear in many articles, most people in few.
    weights = [1 / (i + 1) ** 0.5 for i in range(len(pool))]
    # People drawn from those active in the article's year, by prominence.
    by_year: dict[int, tuple[list[int], list[float]]] = {}
    for year in range(2015, 2026):
        active = [i for i, (_n, _r, lo, hi) in enumerate(pool) if lo <= year <= hi]
        by_year[year] = (active, list(itertools.accumulate(weights[i] for i in active)))
    folders = list(FOLDER_NAMES)
    start = time.perf_counter()
    with open_archive(path) as archive:
        with archive.transaction():
            for i in range(n):
                day = 1_420_070_400 + rng.randrange(11 * 365) * 86400  # 2015..2025
                tm = time.gmtime(day)
                date = time.strftime("%Y-%m-%d", tm)
                hh, mm = rng.randrange(7, 19), rng.randrange(60)
                folder = rng.choice(folders[:5])
                ident = f"{time.strftime('%Y%m%d', tm)}{hh:02d}{mm:02d}{i % 100:02d}{i:06d}"
                url = f"http://kyanh.hatinh.gov.vn/kyanh/portal/read/{folder}/news/bai-viet-{i}.html/{ident}"
                indices, cum = by_year[tm.tm_year]
                want, chosen = rng.randint(5, 15), set()
                while len(chosen) < want:
                    chosen.update(rng.choices(indices, cum_weights=cum, k=want - len(chosen)))
                attendees = [Attendee(pool[j][0], list(pool[j][1]), [expand_role(r) for r in pool[j][1]]) for j in sorted(chosen)]
                intro = "Dự có các đồng chí: " + "; ".join(
                    f"{a.name} - {', '.join(a.roles)}" if a.roles else a.name for a in attendees
                ) + "."
                title, paras = gen.article(rng.randint(3000, 6000), [a.name for a in attendees])
                body_parts = [intro, *paras]
                lead = body_parts[1][:300]
                captions = [f"Đồng chí {attendees[0].name} phát biểu tại buổi lễ.", "Quang cảnh hội nghị."]
                blocks = [{"type": "p", "text": t} for t in body_parts[2:]]
                blocks.insert(1, {"type": "img", "src": f"/kyanh/portal/images/{ident}-1.jpg", "caption": captions[0]})
                blocks.append({"type": "img", "src": f"/kyanh/portal/images/{ident}-2.jpg", "caption": captions[1]})
                page = {
                    "url": url, "category": FOLDER_NAMES[folder], "title": title, "lead": lead,
                    "date_text": f"{hh:02d}:{mm:02d} {tm.tm_mday:02d}/{tm.tm_mon:02d}/{tm.tm_year}",
                    "blocks": [{"type": "p", "text": intro}] + blocks, "byline": "Trà Giang - Anh Đức", "related": [],
                }
                body = render_portal_article(page).encode("utf-8")
                record = Article(
                    source=url, url=url, article_id=ident, site="kyanh", category=FOLDER_NAMES[folder], title=title,
                    published_at=f"{date}T{hh:02d}:{mm:02d}:00+07:00", date_text=page["date_text"], lead=lead,
                    body="\n\n".join([intro] + body_parts[2:]),
                    images=[Image(b["src"], b["caption"]) for b in blocks if b["type"] == "img"],
                    byline="Trà Giang - Anh Đức", authors=["Trà Giang", "Anh Đức"], attendees=attendees,
                )
                fetched = f"{date}T{hh:02d}:{mm:02d}:30.000000Z"
                rid = archive.bodies.add_response(Response(
                    url=url, status=200, body=body, fetched_at=fetched,
                    headers=[("Content-Type", "text/html; charset=utf-8"), ("Server", "Microsoft-IIS/8.5"),
                             ("Content-Length", str(len(body)))],
                    request_headers=[("User-Agent", "kyanh-archive/bench"), ("Accept-Encoding", "gzip, deflate")],
                ), "article")
                archive.articles.save(record, article_id=ident, response_id=rid, fetched_at=fetched, folder=folder)
                if (i + 1) % 10000 == 0:
                    print(f"  built {i + 1:,} articles ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
        archive.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        archive.conn.execute("ANALYZE")
    return time.perf_counter() - start


CPU_MS: dict[str, list[float]] = defaultdict(list)


def timed(fn, repeat: int, kind: str = "") -> list[float]:  # type: ignore[no-untyped-def]
    """Wall-clock ms per run; the CPU ms of the same runs go to CPU_MS[kind]: on a shared
    machine the wall clock counts other jobs' time slices, the CPU time does not."""
    out = []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - t) * 1000)
        if kind:
            CPU_MS[kind].append((time.process_time() - c) * 1000)
    return out


def like_baseline(archive, text: str) -> None:  # type: ignore[no-untyped-def]
    # The same question without the index: every matching article found (ranking needs them all)
    # by a substring scan. It is the weaker question, too: LIKE folds neither diacritics nor đ.
    words = [w.strip('"*()') for w in text.split() if w not in ("AND", "OR", "NOT")]
    cond = " AND ".join("(title LIKE ? OR lead LIKE ? OR body LIKE ? OR captions LIKE ?)" for _ in words)
    params = [f"%{w}%" for w in words for _ in range(4)]
    archive.conn.execute(f"SELECT id FROM articles WHERE {cond}", params).fetchall()


def resolver_timeline(archive, name: str):  # type: ignore[no-untyped-def]
    """The baseline: ``person NAME --articles 0`` as built before the per-person summaries,
    by the resolver from every appearance of the name (still the path for namesakes)."""
    key = names.name_keys_for(archive, name)[0]
    res, refs = persons._resolve_key(archive, key)
    return persons._timeline(archive, res.entities[0], refs, split=False, why=[], co_limit=10, limit=None)


def office_scan(archive, label: str):  # type: ignore[no-untyped-def]
    """The baseline: an office's holders with their first/last day and evidence counted from the
    attendee rows of its written forms, as without the per-office summaries."""
    return archive.conn.execute(
        "SELECT p.name_key, min(substr(a.published_at, 1, 10)), max(substr(a.published_at, 1, 10)),"
        " count(DISTINCT p.article) FROM attendees p JOIN articles a ON a.id = p.article"
        " WHERE p.role IN (SELECT f.role FROM office_forms f JOIN offices o ON o.id = f.office WHERE o.label = ?)"
        " GROUP BY p.name_key ORDER BY 2", (label,)).fetchall()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--db", type=Path, help="keep the archive here (default: a temporary file)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    ap.add_argument("--baseline-queries", type=int, default=6, help="queries also timed as a LIKE scan (slow)")
    ap.add_argument("--reuse", action="store_true", help="measure the archive at --db as it is (built earlier)")
    ap.add_argument("--no-optimize", action="store_true", help="skip `kyanh-archive optimize` after building")
    args = ap.parse_args()

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="kyanh-bench-")
        args.db = Path(tmp.name) / "bench.db"
    if args.reuse and args.db.exists():
        build_s = float("nan")
        with open_archive(args.db, readonly=True) as archive:
            args.articles = archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    else:
        for stale in (args.db, Path(f"{args.db}-wal"), Path(f"{args.db}-shm")):
            stale.unlink(missing_ok=True)
        print(f"building {args.articles:,} articles into {args.db} ...", file=sys.stderr)
        build_s = build(args.db, args.articles, args.seed)
        if not args.no_optimize:
            done = optimize(args.db)
            print(f"optimize: index {done.index_pages_before:,} -> {done.index_pages_after:,} pages in {done.seconds:.1f} s",
                  file=sys.stderr)

    size = os.path.getsize(args.db)
    with open_archive(args.db, readonly=True) as archive:
        conn = archive.conn
        try:
            tables = conn.execute(
                "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12"
            ).fetchall()
        except Exception:  # noqa: BLE001 - dbstat is an optional SQLite feature
            tables = []
        people_rows = conn.execute("SELECT count(*), count(DISTINCT name_key) FROM attendees").fetchone()
        # Baseline for the raw pages: the same bodies compressed one by one with zlib.
        sample = [r[0] for r in conn.execute("SELECT sha256 FROM blobs ORDER BY random() LIMIT 500")]
        stored = sum(conn.execute("SELECT length(data) FROM blobs WHERE sha256 = ?", (d,)).fetchone()[0] for d in sample)
        as_zlib = sum(len(zlib.compress(archive.bodies.get(d) or b"", 6)) for d in sample)

        searches = [(q, {}) for q in QUERIES] + FILTERED
        for q, opts in searches:  # warm the page cache, as a researcher's second query would be
            query.search(archive, q, **opts)  # type: ignore[arg-type]
        search_ms: list[float] = []
        per_query = []
        for q, opts in searches:
            runs = timed(lambda q=q, opts=opts: query.search(archive, q, **opts), args.repeat, "search")  # type: ignore[misc]
            search_ms += runs
            res = query.search(archive, q, **opts)  # type: ignore[arg-type]
            per_query.append((q, opts, statistics.median(runs), res.matches, res.exhaustive))
        base_ms: list[float] = []
        fts_same: list[float] = []
        for q in QUERIES[: args.baseline_queries]:
            base_ms += timed(lambda q=q: like_baseline(archive, q), 1)
            fts_same += timed(lambda q=q: query.search(archive, q), 1)

        top = conn.execute(
            "SELECT name, count(DISTINCT article) FROM attendees GROUP BY name_key ORDER BY 2 DESC LIMIT 5").fetchall()
        # People as a reader meets them: names of random attendee rows (so weighted by how often they appear).
        rng = random.Random(args.seed)
        max_id = conn.execute("SELECT max(id) FROM attendees").fetchone()[0]
        met = [conn.execute("SELECT name FROM attendees WHERE id >= ? LIMIT 1", (rng.randint(1, max_id),)).fetchone()[0]
               for _ in range(30)]
        person_ms: list[float] = []
        for name in met:
            query.person(archive, name)
            person_ms += timed(lambda name=name: query.person(archive, name), args.repeat, "person")
        top_ms = []
        for name, count in top:
            query.person(archive, name)
            default = statistics.median(timed(lambda name=name: query.person(archive, name), args.repeat))
            every = statistics.median(timed(lambda name=name: query.person(archive, name, article_limit=None), args.repeat))
            base = statistics.median(timed(lambda name=name: resolver_timeline(archive, name), max(1, args.repeat // 2)))
            top_ms.append((name, count, default, every, base))
        people_s = timed(lambda: query.people(archive, limit=50), 1)[0] / 1000

        # Offices: the most evidenced ones asked by label, as a researcher types them.
        labels = [r[0] for r in conn.execute(
            "SELECT label FROM offices WHERE kind = 'office' ORDER BY articles DESC LIMIT 12")]
        office_ms: list[float] = []
        office_base: list[float] = []
        for label in labels:
            office_queries.office(archive, label)
            office_ms += timed(lambda label=label: office_queries.office(archive, label), args.repeat, "office")
            office_base += timed(lambda label=label: office_scan(archive, label), 1)

    def fmt(ms: float) -> str:
        return f"{ms:.1f} ms"

    n = args.articles
    print()
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"articles: {n:,}; attendee rows: {people_rows[0]:,} ({people_rows[1]:,} distinct names); built in {build_s:.0f} s")
    print(f"database: {size / 1e6:.1f} MB = {size / n / 1024:.1f} KB per article (goal < 20 KB), raw page included")
    for name, bytes_ in tables:
        print(f"  {name:<28} {bytes_ / n / 1024:6.2f} KB/article")
    if sample:
        print(f"  raw pages: {stored / len(sample) / 1024:.2f} KB each stored (zstd + dictionary) vs"
              f" {as_zlib / len(sample) / 1024:.2f} KB with zlib (baseline, {len(sample)} pages):"
              f" {as_zlib / max(stored, 1):.1f}x smaller")
    print(f"search: p50 {fmt(percentile(search_ms, 50))}, p95 {fmt(percentile(search_ms, 95))} "
          f"over {len(searches)} queries x {args.repeat} (goal p95 < 50 ms)")
    print(f"  CPU time of the same runs: p50 {fmt(percentile(CPU_MS['search'], 50))}, p95 {fmt(percentile(CPU_MS['search'], 95))}")
    for q, opts, med, hits, exhaustive in per_query:
        extra = " " + " ".join(f"--{k} {v!r}" for k, v in opts.items()) if opts else ""
        count = f"{hits:,}" if hits is not None else ("-" if opts else ">" + f"{query.RANK_CAP:,}")
        how = "" if exhaustive else "  (ranked by title/lead)"
        print(f"  {fmt(med):>10}  {count:>7} matches  {q}{extra}{how}")
    ratio = statistics.median(base_ms) / statistics.median(fts_same)
    print(f"baseline LIKE scan, first {len(base_ms)} queries: p50 {fmt(statistics.median(base_ms))} "
          f"vs search {fmt(statistics.median(fts_same))} -> search is {ratio:.0f}x faster")
    print(f"person: p50 {fmt(percentile(person_ms, 50))}, p95 {fmt(percentile(person_ms, 95))}, max {fmt(max(person_ms))} "
          f"over 30 people met at random in articles, x {args.repeat} (goal < 100 ms)")
    print(f"  CPU time of the same runs: p50 {fmt(percentile(CPU_MS['person'], 50))}, p95 {fmt(percentile(CPU_MS['person'], 95))}")
    print("  the five most frequent people: default listing | every article listed | baseline (resolver) -> ratio")
    for name, count, ms, every, base in top_ms:
        print(f"  {fmt(ms):>10} | {fmt(every):>10} | {fmt(base):>10} -> {base / ms:.0f}x  {name} ({count:,} articles)")
    print(f"people directory (all entities resolved): {people_s:.1f} s")
    if office_ms:
        print(f"office: p50 {fmt(percentile(office_ms, 50))}, p95 {fmt(percentile(office_ms, 95))}, max {fmt(max(office_ms))}"
              f" over the {len(labels)} most evidenced offices x {args.repeat} (goal p95 < 50 ms)")
        print(f"  CPU time of the same runs: p50 {fmt(percentile(CPU_MS['office'], 50))},"
              f" p95 {fmt(percentile(CPU_MS['office'], 95))}")
        print(f"  baseline (holders by a scan of attendees, no summary tables): p50 {fmt(statistics.median(office_base))}"
              f" -> office is {statistics.median(office_base) / statistics.median(office_ms):.0f}x faster")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
