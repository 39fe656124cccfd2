"""The archive's schema: migrations as frozen text, and the views.

Each migration is the SQL that took the previous schema version to the next,
written once and never edited: an archive at version N is upgraded by running
steps N+1.. in order, whatever today's code looks like. ``PRAGMA user_version``
holds the number of steps applied (:data:`SCHEMA_VERSION` is the number of
steps). Some steps add columns or tables that are derived from rows already
stored; they name the *rebuild* (see :mod:`.database`) that fills them, and
rebuilds run once after every pending step, with today's code on today's
schema.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Migration", "MIGRATIONS", "SCHEMA_VERSION", "VIEWS"]


@dataclass(frozen=True, slots=True)
class Migration:
    sql: str
    rebuilds: tuple[str, ...] = ()  # names of derived data to recompute after the upgrade


_V1 = """
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    options TEXT,
    stats TEXT
);
CREATE TABLE IF NOT EXISTS responses (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT 'GET',
    status INTEGER NOT NULL,
    http_version TEXT,
    request_headers TEXT,
    headers TEXT NOT NULL,
    body_sha256 TEXT REFERENCES blobs(sha256),
    fetched_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS responses_url ON responses(url);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    site TEXT,
    category TEXT,
    folder TEXT,
    title TEXT,
    published_at TEXT,
    date_text TEXT,
    lead TEXT,
    body TEXT,
    captions TEXT,
    byline TEXT,
    source_name TEXT,
    extractor_version TEXT,
    etag TEXT,
    last_modified TEXT,
    first_seen TEXT NOT NULL,
    last_checked TEXT NOT NULL,
    last_changed TEXT NOT NULL,
    removed_at TEXT,
    version_count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published_at);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    article INTEGER NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    response_id INTEGER REFERENCES responses(id),
    fetched_at TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    record TEXT NOT NULL,
    UNIQUE (article, version)
);
CREATE TABLE IF NOT EXISTS authors (
    article INTEGER NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    PRIMARY KEY (article, position)
);
CREATE TABLE IF NOT EXISTS attendees (
    id INTEGER PRIMARY KEY,
    article INTEGER NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    role TEXT,
    role_key TEXT,
    role_expanded TEXT
);
CREATE INDEX IF NOT EXISTS attendees_article ON attendees(article);
CREATE INDEX IF NOT EXISTS attendees_name_fold ON attendees(name_fold);
CREATE INDEX IF NOT EXISTS attendees_name_key ON attendees(name_key);
CREATE TABLE IF NOT EXISTS images (
    article INTEGER NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    src TEXT NOT NULL,
    caption TEXT,
    PRIMARY KEY (article, position)
);
CREATE TABLE IF NOT EXISTS related (
    article INTEGER NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    title TEXT,
    PRIMARY KEY (article, position)
);
CREATE TABLE IF NOT EXISTS frontier (
    article_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    folder TEXT,
    discovered_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE TABLE IF NOT EXISTS assets (
    url TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    content_type TEXT,
    size INTEGER NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS article_assets (
    article INTEGER NOT NULL REFERENCES articles(id),
    url TEXT NOT NULL REFERENCES assets(url),
    PRIMARY KEY (article, url)
);
-- External content on articles, so Datasette detects it; the index holds the
-- folded text (fold() keeps offsets, so snippet() highlights the original).
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, lead, body, captions,
    content="articles", content_rowid="id",
    tokenize="unicode61 remove_diacritics 2"
);
"""

# v2: the crawl's memory of folder walks (a folder whose walk has reached its
# last page once may stop early on later runs) and per-article failure notes.
_V2 = """
CREATE TABLE IF NOT EXISTS folders (
    site TEXT NOT NULL,
    folder TEXT NOT NULL,
    complete_at TEXT,
    last_walked TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (site, folder)
);
CREATE INDEX IF NOT EXISTS versions_response ON versions(response_id);
CREATE INDEX IF NOT EXISTS responses_run ON responses(run_id);
"""

# v3: the article index on attendees also carries the person's key, so "who appears with
# whom" is answered from the index alone (asked by the query layer); same size, one index.
_V3 = """
CREATE INDEX IF NOT EXISTS attendees_article_name ON attendees(article, name_key);
DROP INDEX IF EXISTS attendees_article;
"""

# v4: bodies compressed with zstandard against a dictionary that is an archived page
# of the site (see blobs.py); rows written before keep codec 'zlib'.
_V4 = """
ALTER TABLE blobs ADD COLUMN codec TEXT NOT NULL DEFAULT 'zlib';
ALTER TABLE blobs ADD COLUMN dict TEXT REFERENCES blobs(sha256);
CREATE TABLE IF NOT EXISTS blob_dicts (
    sha256 TEXT PRIMARY KEY REFERENCES blobs(sha256),
    created_at TEXT NOT NULL
);
"""

# v5: per-person summaries kept at write time (people_summary.py); each attendee row
# carries its article's day, and one index serves a person's rows by role and date.
_V5 = """
ALTER TABLE attendees ADD COLUMN day TEXT;
CREATE INDEX IF NOT EXISTS attendees_person ON attendees(name_key, role_key, day, article);
DROP INDEX IF EXISTS attendees_name_key;
CREATE INDEX IF NOT EXISTS articles_category_folder ON articles(category, folder);
CREATE TABLE IF NOT EXISTS persons (
    id INTEGER PRIMARY KEY,
    name_key TEXT NOT NULL UNIQUE,
    articles INTEGER NOT NULL DEFAULT 0,
    first_day TEXT,
    first_article INTEGER REFERENCES articles(id),
    last_day TEXT,
    last_article INTEGER REFERENCES articles(id)
);
CREATE TABLE IF NOT EXISTS person_names (
    person INTEGER NOT NULL REFERENCES persons(id),
    name TEXT NOT NULL,
    articles INTEGER NOT NULL,
    PRIMARY KEY (person, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS person_role_spans (
    person INTEGER NOT NULL REFERENCES persons(id),
    role_key TEXT NOT NULL,
    articles INTEGER NOT NULL DEFAULT 0,
    first_day TEXT,
    first_article INTEGER REFERENCES articles(id),
    last_day TEXT,
    last_article INTEGER REFERENCES articles(id),
    PRIMARY KEY (person, role_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS person_role_forms (
    person INTEGER NOT NULL REFERENCES persons(id),
    role_key TEXT NOT NULL,
    role TEXT NOT NULL,
    role_expanded TEXT NOT NULL,
    articles INTEGER NOT NULL,
    PRIMARY KEY (person, role_key, role, role_expanded)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS person_pairs (
    person INTEGER NOT NULL REFERENCES persons(id),
    other INTEGER NOT NULL REFERENCES persons(id),
    articles INTEGER NOT NULL,
    PRIMARY KEY (person, other)
) WITHOUT ROWID;
"""

# Offices as entities (office_summary.py): every attendee role read as an office key
# (position, organ, level, locality); who held which office when, kept at write time.
_OFFICES = """
CREATE TABLE IF NOT EXISTS offices (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    position TEXT,
    organ TEXT,
    level TEXT,
    locality TEXT,
    articles INTEGER NOT NULL DEFAULT 0,
    holders INTEGER NOT NULL DEFAULT 0,
    first_day TEXT,
    first_article INTEGER REFERENCES articles(id),
    last_day TEXT,
    last_article INTEGER REFERENCES articles(id)
);
CREATE TABLE IF NOT EXISTS office_holders (
    office INTEGER NOT NULL REFERENCES offices(id),
    name_key TEXT NOT NULL,
    articles INTEGER NOT NULL DEFAULT 0,
    first_day TEXT,
    first_article INTEGER REFERENCES articles(id),
    last_day TEXT,
    last_article INTEGER REFERENCES articles(id),
    PRIMARY KEY (office, name_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS office_holders_person ON office_holders(name_key, office);
CREATE TABLE IF NOT EXISTS office_forms (
    office INTEGER NOT NULL REFERENCES offices(id),
    name_key TEXT NOT NULL,
    role TEXT NOT NULL,
    role_key TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    position TEXT,
    organ TEXT,
    level TEXT,
    locality TEXT,
    articles INTEGER NOT NULL,
    PRIMARY KEY (office, name_key, role, role_key, label)
) WITHOUT ROWID;
"""

# v7: the site as it is. Sections are what the site's menus, sitemaps and feeds name (the
# profile's folders become seeds: their walks carry over); an article is known by every key
# its addresses give (the id, or a folder-free key from an id-less address), so learning its
# id later does not make a second article; a response says which source it came from (the
# live host, the Wayback Machine, a WARC file) and, for archives, the capture it was.
_V7 = """
CREATE TABLE IF NOT EXISTS sections (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    name TEXT,
    kind TEXT NOT NULL DEFAULT 'listing',
    found_by TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_walked TEXT,
    complete_at TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    gone_at TEXT,
    gone_reason TEXT,
    etag TEXT,
    last_modified TEXT
);
INSERT OR IGNORE INTO sections (url, name, kind, found_by, first_seen, last_walked, complete_at, pages)
SELECT '/' || site || '/portal/folder/' || folder, folder, 'listing', 'profile', coalesce(last_walked, ''),
       last_walked, complete_at, pages FROM folders;
DROP TABLE folders;
CREATE TABLE IF NOT EXISTS article_keys (
    key TEXT PRIMARY KEY,
    article INTEGER REFERENCES articles(id)
);
INSERT OR IGNORE INTO article_keys (key, article) SELECT article_id, id FROM articles;
CREATE INDEX IF NOT EXISTS article_keys_article ON article_keys(article);
ALTER TABLE responses ADD COLUMN source TEXT NOT NULL DEFAULT 'live';
ALTER TABLE responses ADD COLUMN provenance TEXT;
ALTER TABLE responses ADD COLUMN archive_url TEXT;
CREATE INDEX IF NOT EXISTS responses_archive_url ON responses(archive_url) WHERE archive_url IS NOT NULL;
CREATE INDEX IF NOT EXISTS versions_article_time ON versions(article, fetched_at);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(_V1),
    Migration(_V2),
    Migration(_V3),
    Migration(_V4),
    Migration(_V5, rebuilds=("attendee_days", "people_summaries")),
    Migration(_OFFICES, rebuilds=("office_summaries",)),
    Migration(_V7),
)
SCHEMA_VERSION = len(MIGRATIONS)

# Views for researchers (sqlite3, sqlite-utils, Datasette): the common questions
# without joins. Created on a writable open when missing (CREATE VIEW IF NOT EXISTS).
VIEWS = """
CREATE VIEW IF NOT EXISTS article_people AS
SELECT a.article_id, substr(a.published_at, 1, 10) AS date, a.title, a.url,
       p.name AS person, p.role, p.role_expanded, p.name_key, p.role_key, p.position
FROM attendees p JOIN articles a ON a.id = p.article;
CREATE VIEW IF NOT EXISTS person_roles AS
SELECT p.name_key, min(p.name) AS person, p.role_key, min(p.role) AS role,
       min(substr(a.published_at, 1, 10)) AS first_seen, max(substr(a.published_at, 1, 10)) AS last_seen,
       count(DISTINCT p.article) AS articles
FROM attendees p JOIN articles a ON a.id = p.article
WHERE p.role_key IS NOT NULL
GROUP BY p.name_key, p.role_key;
CREATE VIEW IF NOT EXISTS article_summary AS
SELECT a.article_id, substr(a.published_at, 1, 10) AS date, a.folder, a.category, a.title, a.url,
       (SELECT group_concat(name, '; ') FROM (SELECT name FROM authors WHERE article = a.id ORDER BY position)) AS authors,
       (SELECT count(DISTINCT position) FROM attendees WHERE article = a.id) AS people,
       a.version_count AS versions, a.removed_at
FROM articles a;
"""
