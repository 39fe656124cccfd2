"""``export --format graphml``: people and offices as one graph, for Gephi, networkx, igraph.

Nodes:

- ``p:<name key>`` a person (one per name key, as the ``persons`` table counts them;
  namesakes that ``person`` splits by commune are one node here): ``label`` (the most
  written form of the name), ``articles``, ``first_day``, ``last_day``;
- ``o:<office key>`` an office (every kind): ``label``, ``office_kind`` (office, rank,
  membership, delegate, other), ``position``, ``organ``, ``level``, ``locality``,
  ``articles``, ``holders``, ``first_day``, ``last_day``.

Edges (undirected), with ``relation``:

- ``co-appears`` between two people: ``articles`` they share (as ``person_pairs``
  counts them) and the first and last day of those articles;
- ``holds`` from a person to an office: ``articles`` showing them in it, and the
  first and last day seen (``office_holders``).

Written as it is read (:func:`..graphml.write_graphml`): the co-appearances of one
person at a time, never the whole graph in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from ..graphml import AttrSpec, GraphEdge, GraphNode, write_graphml

if TYPE_CHECKING:
    from .store import Archive

__all__ = ["EDGE_KEYS", "NODE_KEYS", "GraphCounts", "write_graph"]

NODE_KEYS = (
    AttrSpec("label", "string"),
    AttrSpec("kind", "string"),
    AttrSpec("office_kind", "string"),
    AttrSpec("position", "string"),
    AttrSpec("organ", "string"),
    AttrSpec("level", "string"),
    AttrSpec("locality", "string"),
    AttrSpec("articles", "int"),
    AttrSpec("holders", "int"),
    AttrSpec("first_day", "string"),
    AttrSpec("last_day", "string"),
)
EDGE_KEYS = (
    AttrSpec("relation", "string"),
    AttrSpec("articles", "int"),
    AttrSpec("first_day", "string"),
    AttrSpec("last_day", "string"),
)


@dataclass(frozen=True, slots=True)
class GraphCounts:
    nodes: int
    edges: int


def _nodes(archive: Archive) -> Iterator[GraphNode]:
    conn = archive.conn
    for key, articles, first, last, name in conn.execute(
        "SELECT p.name_key, p.articles, p.first_day, p.last_day,"
        " (SELECT n.name FROM person_names n WHERE n.person = p.id ORDER BY n.articles DESC, n.name DESC LIMIT 1)"
        " FROM persons p ORDER BY p.name_key"
    ):
        yield GraphNode(f"p:{key}", {"label": name or key, "kind": "person", "articles": int(articles),
                                     "first_day": first, "last_day": last})
    for key, kind, label, position, organ, level, locality, articles, holders, first, last in conn.execute(
        "SELECT key, kind, label, position, organ, level, locality, articles, holders, first_day, last_day"
        " FROM offices ORDER BY key"
    ):
        yield GraphNode(f"o:{key}", {
            "label": label, "kind": "office", "office_kind": kind, "position": position, "organ": organ,
            "level": level, "locality": locality, "articles": int(articles), "holders": int(holders),
            "first_day": first, "last_day": last,
        })


def _edges(archive: Archive) -> Iterator[GraphEdge]:
    conn = archive.conn
    people = [r[0] for r in conn.execute("SELECT name_key FROM persons ORDER BY name_key")]
    # One person at a time, the others after it in key order: each pair once. Both sides
    # are read from covering indexes (attendees_person, attendees_article_name).
    for key in people:
        for other, n, first, last in conn.execute(
            "SELECT b.name_key, count(DISTINCT b.article), min(a.day), max(a.day)"
            " FROM attendees a JOIN attendees b ON b.article = a.article"
            " WHERE a.name_key = ? AND b.name_key > ? GROUP BY b.name_key ORDER BY b.name_key",
            (key, key),
        ).fetchall():
            yield GraphEdge(f"p:{key}", f"p:{other}",
                            {"relation": "co-appears", "articles": int(n), "first_day": first, "last_day": last})
    for name_key, office, n, first, last in conn.execute(
        "SELECT h.name_key, o.key, h.articles, h.first_day, h.last_day FROM office_holders h"
        " JOIN offices o ON o.id = h.office ORDER BY o.key, h.name_key"
    ):
        yield GraphEdge(f"p:{name_key}", f"o:{office}",
                        {"relation": "holds", "articles": int(n), "first_day": first, "last_day": last})


def write_graph(archive: Archive, out: IO[bytes]) -> GraphCounts:
    """Write the graph of people and offices to the binary stream ``out``."""
    nodes, edges = write_graphml(out, _nodes(archive), _edges(archive), node_keys=NODE_KEYS, edge_keys=EDGE_KEYS,
                                 graph_id="kyanh-archive")
    return GraphCounts(nodes, edges)
