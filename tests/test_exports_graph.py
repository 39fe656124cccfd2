"""``export --format graphml`` read back by networkx, ``export --format parquet`` read back by pyarrow.

The archive is the crawler's archive of the corpus. Graph edges are compared
with counts taken straight from the attendee rows (and, for the offices checked,
from the gold annotations); Parquet tables with the SQLite tables they come from.
"""

from __future__ import annotations

import builtins
import itertools
import sqlite3
import unicodedata
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from huyenkyanh_archive.archive.export_parquet import TABLES as PARQUET_TABLES
from huyenkyanh_archive.archive.export_parquet import write_parquet_dir
from huyenkyanh_archive.archive.store import open_archive
from huyenkyanh_archive.cli import app
from huyenkyanh_archive.errors import QueryError
from huyenkyanh_archive.query.offices import office as ask
from tests.support import office_oracle as gold
from tests.support.office_oracle import CHECKED, holders, norm
from tests.support.query_archive import attendee, person_record

runner = CliRunner()


@pytest.fixture(scope="module")
def db(page_archive: Any) -> Path:
    return Path(page_archive[0])


@pytest.fixture(scope="module")
def graph(db: Path, tmp_path_factory: pytest.TempPathFactory) -> nx.Graph:
    out = tmp_path_factory.mktemp("graph") / "kyanh.graphml"
    done = runner.invoke(app, ["export", "--format", "graphml", "-o", str(out), "--db", str(db)])
    assert done.exit_code == 0, done.stderr
    g = nx.read_graphml(out)
    assert f"wrote {g.number_of_nodes() + g.number_of_edges()} nodes and edges" in done.stderr
    return g


def rows(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def people(g: nx.Graph) -> dict[str, dict[str, Any]]:
    return {n: d for n, d in g.nodes(data=True) if d.get("kind") == "person"}


def offices(g: nx.Graph) -> dict[str, dict[str, Any]]:
    return {n: d for n, d in g.nodes(data=True) if d.get("kind") == "office"}


def edges(g: nx.Graph, relation: str) -> dict[frozenset[str], dict[str, Any]]:
    return {frozenset((a, b)): d for a, b, d in g.edges(data=True) if d.get("relation") == relation}


# -- graphml ---------------------------------------------------------------------------


def test_every_person_and_every_office_is_a_node(db: Path, graph: nx.Graph) -> None:
    names = {k for (k,) in rows(db, "SELECT DISTINCT name_key FROM attendees")}
    assert set(people(graph)) == {f"p:{k}" for k in names}
    keys = {k for (k,) in rows(db, "SELECT key FROM offices")}
    assert set(offices(graph)) == {f"o:{k}" for k in keys}
    assert graph.number_of_nodes() == len(names) + len(keys)
    labels = {d["label"] for d in people(graph).values()}
    assert {"Hồ Huy Thành", "Nguyễn Tiến Hùng", "Dương Thị Vân Anh"} <= labels
    for d in graph.nodes.values():
        assert unicodedata.is_normalized("NFC", d["label"])


def test_office_nodes_carry_their_reading(db: Path, graph: nx.Graph) -> None:
    nodes = offices(graph)
    for key, label, kind, level, locality, n in rows(
            db, "SELECT key, label, kind, level, locality, articles FROM offices"):
        d = nodes[f"o:{key}"]
        assert (d["label"], d["office_kind"], d.get("level"), d.get("locality"), d["articles"]) == (
            label, kind, level, locality, n)
    kinds = {d["office_kind"] for d in nodes.values()}
    assert {"office", "rank", "membership"} <= kinds


def test_holds_edges_have_the_annotated_counts_and_spans(db: Path, graph: nx.Graph) -> None:
    holds = edges(graph, "holds")
    assert len(holds) == rows(db, "SELECT count(*) FROM office_holders")[0][0]
    by_office: dict[str, list[tuple[str, str, str, int]]] = defaultdict(list)
    for pair, d in holds.items():
        (person,) = [n for n in pair if n.startswith("p:")]
        (office,) = [n for n in pair if n.startswith("o:")]
        name = graph.nodes[person]["label"]
        by_office[office].append((name, d["first_day"], d["last_day"], d["articles"]))
    with open_archive(db, readonly=True) as arc:
        for g in CHECKED:
            key = ask(arc, g.ask).key  # type: ignore[union-attr]
            assert sorted(by_office[f"o:{key}"]) == sorted((h.name, h.first, h.last, h.articles) for h in holders(g))


def test_co_appearance_edges_match_a_direct_count(db: Path, graph: nx.Graph) -> None:
    per_article: dict[int, set[str]] = defaultdict(set)
    day: dict[int, str | None] = {}
    for article, name_key, d in rows(db, "SELECT article, name_key, day FROM attendees"):
        per_article[article].add(name_key)
        day[article] = d
    count: dict[frozenset[str], list[int]] = defaultdict(list)
    for article, keys in per_article.items():
        for a, b in itertools.combinations(sorted(keys), 2):
            count[frozenset((f"p:{a}", f"p:{b}"))].append(article)
    co = edges(graph, "co-appears")
    assert set(co) == set(count)
    for pair, arts in count.items():
        days = sorted(d for a in arts if (d := day[a]))
        got = co[pair]
        assert (got["articles"], got.get("first_day"), got.get("last_day")) == (
            len(arts), days[0] if days else None, days[-1] if days else None), pair


def test_co_appearances_of_two_leaders_are_the_annotated_articles_they_share(graph: nx.Graph) -> None:
    by_name = {d["label"]: n for n, d in people(graph).items()}
    arts: dict[str, set[str]] = defaultdict(set)
    for s in gold.sightings():
        arts[norm(s.name)].add(s.article)
    for a, b in [("Hồ Huy Thành", "Nguyễn Tiến Hùng"), ("Hồ Huy Thành", "Dương Thị Vân Anh")]:
        shared = arts[norm(a)] & arts[norm(b)]
        assert shared
        assert graph.edges[by_name[a], by_name[b]]["articles"] == len(shared)


def test_graphml_to_stdout_is_the_same_graph(db: Path, graph: nx.Graph, tmp_path: Path) -> None:
    done = runner.invoke(app, ["export", "--format", "graphml", "--db", str(db)])
    assert done.exit_code == 0
    path = tmp_path / "stdout.graphml"
    path.write_bytes(done.stdout_bytes)
    again = nx.read_graphml(path)
    assert set(again.nodes) == set(graph.nodes) and again.number_of_edges() == graph.number_of_edges()


# -- parquet ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parquet_dir(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pq") / "tables"
    done = runner.invoke(app, ["export", "--format", "parquet", "-o", str(out), "--db", str(db)])
    assert done.exit_code == 0, done.stderr
    assert f"in {len(PARQUET_TABLES)} tables to {out}" in done.stderr
    return out


SOURCE_TABLES = ["articles", "versions", "authors", "attendees", "persons", "offices", "office_holders", "office_forms"]


def test_every_table_is_a_file_with_the_rows_of_the_sqlite_table(db: Path, parquet_dir: Path) -> None:
    assert sorted(p.name for p in parquet_dir.iterdir()) == sorted(f"{t}.parquet" for t in SOURCE_TABLES)
    for table in SOURCE_TABLES:
        got = pq.read_table(parquet_dir / f"{table}.parquet")
        assert got.num_rows == rows(db, f"SELECT count(*) FROM {table}")[0][0], table
        assert got.num_rows > 0, table


@pytest.mark.parametrize("table", ["articles", "authors", "attendees", "offices", "office_holders", "office_forms"])
def test_tables_round_trip_column_for_column(db: Path, parquet_dir: Path, table: str) -> None:
    got = pq.read_table(parquet_dir / f"{table}.parquet").to_pylist()
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        want = [dict(r) for r in conn.execute(f"SELECT * FROM {table}")]
    assert sorted(got, key=repr) == sorted(want, key=repr)


def test_column_types_and_a_few_values(db: Path, parquet_dir: Path) -> None:
    offices_pq = pq.read_table(parquet_dir / "offices.parquet")
    assert offices_pq.schema.field("articles").type == pa.int64()
    assert offices_pq.schema.field("label").type == pa.string()
    assert offices_pq.schema.field("first_day").type == pa.string()
    by_label = {r["label"]: r for r in offices_pq.to_pylist()}
    chair = by_label["Chủ tịch UBND huyện Kỳ Anh"]
    (h,) = holders(gold.DISTRICT_CHAIR)
    assert (chair["first_day"], chair["last_day"], chair["holders"]) == (h.first, h.last, 1)
    persons = {r["name"]: r for r in pq.read_table(parquet_dir / "persons.parquet").to_pylist()}
    assert persons["Hồ Huy Thành"]["articles"] == rows(
        db, "SELECT count(DISTINCT article) FROM attendees WHERE name_key = ?", persons["Hồ Huy Thành"]["name_key"])[0][0]
    versions = pq.read_table(parquet_dir / "versions.parquet")
    assert "record" not in versions.schema.names  # the compressed record stays in the archive
    assert sorted(versions.column("content_sha256").to_pylist()) == sorted(
        v for (v,) in rows(db, "SELECT content_sha256 FROM versions"))
    for r in pq.read_table(parquet_dir / "attendees.parquet").to_pylist():
        assert unicodedata.is_normalized("NFC", r["name"])


def test_duckdb_reads_every_table(db: Path, parquet_dir: Path) -> None:
    con = duckdb.connect()
    for table in PARQUET_TABLES:
        path = parquet_dir / f"{table}.parquet"
        [(n,)] = con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()
        assert n == rows(db, f"SELECT count(*) FROM {table}")[0][0], table
    # A researcher's question in DuckDB gives SQLite's answer.
    top = con.execute(f"SELECT count(DISTINCT name_key) FROM read_parquet('{parquet_dir / 'office_holders.parquet'}')"
                      ).fetchall()[0][0]
    assert top == rows(db, "SELECT count(DISTINCT name_key) FROM office_holders")[0][0]


def test_parquet_needs_a_directory(db: Path, tmp_path: Path) -> None:
    done = runner.invoke(app, ["export", "--format", "parquet", "--db", str(db)])
    assert done.exit_code != 0 and done.stderr.count("\n") == 1 and "-o DIR" in done.stderr
    a_file = tmp_path / "file.parquet"
    a_file.write_text("x")
    done = runner.invoke(app, ["export", "--format", "parquet", "-o", str(a_file), "--db", str(db)])
    assert done.exit_code != 0 and done.stderr.count("\n") == 1 and "is a file" in done.stderr


def test_without_pyarrow_the_error_says_what_to_install(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with open_archive(db, readonly=True) as arc, pytest.raises(QueryError, match=r"kyanh-archive\[parquet\]"):
        write_parquet_dir(arc, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_undated_articles_and_a_name_listed_twice(tmp_path: Path) -> None:
    db = tmp_path / "small.db"
    a, b, c = "Lê Văn An", "Trần Thị Bình", "Phạm Văn Cường"
    records = [
        replace(person_record(1, "2000-01-01", "Bài 1", [attendee(a, "Chủ tịch UBND huyện"), attendee(b)]),
                published_at=None),
        person_record(2, "2021-05-01", "Bài 2", [attendee(a, "Chủ tịch UBND huyện"), attendee(b),
                                                 attendee(a.upper(), "Bí thư Huyện ủy")]),
        person_record(3, "2022-07-01", "Bài 3", [attendee(a, "CT UBND huyện"), attendee(c, "Phó Chủ tịch UBND huyện")]),
    ]
    with open_archive(db) as archive:
        for rec in records:
            gold.save_record(archive, rec)
    out = tmp_path / "g.graphml"
    assert runner.invoke(app, ["export", "-f", "graphml", "-o", str(out), "--db", str(db)]).exit_code == 0
    g = nx.read_graphml(out)
    by_name = {d["label"]: n for n, d in people(g).items()}
    assert set(by_name) == {a, b, c}  # one node for both written forms of a name
    ab, ac = g.edges[by_name[a], by_name[b]], g.edges[by_name[a], by_name[c]]
    assert (ab["articles"], ab["first_day"], ab["last_day"]) == (2, "2021-05-01", "2021-05-01")
    assert (ac["articles"], ac["first_day"], ac["last_day"]) == (1, "2022-07-01", "2022-07-01")
    chair = next(n for n, d in offices(g).items() if d["label"] == "Chủ tịch UBND huyện Kỳ Anh")
    held = g.edges[by_name[a], chair]
    # Three articles show him in it; the undated one counts but gives no day.
    assert (held["articles"], held["first_day"], held["last_day"]) == (3, "2021-05-01", "2022-07-01")
    assert not g.has_edge(by_name[b], chair)
    # The same archive as Parquet: NULLs stay NULL.
    pq_dir = tmp_path / "pq"
    assert runner.invoke(app, ["export", "-f", "parquet", "-o", str(pq_dir), "--db", str(db)]).exit_code == 0
    days = pq.read_table(pq_dir / "attendees.parquet").column("day").to_pylist()
    assert None in days and "2021-05-01" in days
