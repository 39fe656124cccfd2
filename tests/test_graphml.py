"""GraphML writer: what networkx (and so Gephi's format) reads back is what was written."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from xml.etree import ElementTree

import networkx as nx
import pytest

from huyenkyanh_archive.graphml import AttrSpec, GraphEdge, GraphNode, write_graphml

NODE_KEYS = [
    AttrSpec("label", "string"),
    AttrSpec("kind", "string", default="person"),
    AttrSpec("articles", "int"),
    AttrSpec("weight", "double"),
    AttrSpec("split", "boolean"),
]
EDGE_KEYS = [
    AttrSpec("relation", "string"),
    AttrSpec("articles", "int"),
    AttrSpec("first_day", "string"),
    AttrSpec("last_day", "string"),
]

NODES = [
    GraphNode("p:hồ huy thành", {"label": "Hồ Huy Thành", "articles": 12, "weight": 0.5, "split": False}),
    GraphNode("p:nguyễn tiến hùng", {"label": "Nguyễn Tiến Hùng", "articles": 19, "weight": 1.25}),
    GraphNode(
        "o:bí thư|huyện ủy|huyện|kỳ anh",
        {"label": "Bí thư Huyện ủy Kỳ Anh", "kind": "office", "articles": 15},
    ),
    GraphNode("p:odd", {"label": 'A <b> & "c" \x00\x1b\r\nd', "split": True}),
]
EDGES = [
    GraphEdge(
        "p:hồ huy thành",
        "p:nguyễn tiến hùng",
        {"relation": "co-appears", "articles": 8, "first_day": "2022-09-05", "last_day": "2025-01-22"},
    ),
    GraphEdge(
        "p:hồ huy thành",
        "o:bí thư|huyện ủy|huyện|kỳ anh",
        {"relation": "holds", "articles": 12, "first_day": "2022-09-05", "last_day": "2025-05-15"},
    ),
]


def write(nodes: object = NODES, edges: object = EDGES, **kw: object) -> bytes:
    buf = io.BytesIO()
    write_graphml(buf, nodes, edges, node_keys=NODE_KEYS, edge_keys=EDGE_KEYS, **kw)  # type: ignore[arg-type]
    return buf.getvalue()


def read(data: bytes) -> nx.Graph:
    return nx.read_graphml(io.BytesIO(data))


def test_networkx_reads_back_nodes_attributes_and_types() -> None:
    g = read(write())
    assert not g.is_directed()
    assert set(g.nodes) == {n.id for n in NODES}
    thanh = g.nodes["p:hồ huy thành"]
    assert thanh["label"] == "Hồ Huy Thành"
    assert thanh["articles"] == 12 and type(thanh["articles"]) is int
    assert thanh["weight"] == 0.5 and type(thanh["weight"]) is float
    assert thanh["split"] is False
    office = g.nodes["o:bí thư|huyện ủy|huyện|kỳ anh"]
    assert office["kind"] == "office" and office["label"] == "Bí thư Huyện ủy Kỳ Anh"
    # A declared default is declared once (networkx keeps it as the graph's node default).
    assert g.graph["node_default"] == {"kind": "person"}
    assert "kind" not in g.nodes["p:nguyễn tiến hùng"]
    assert "split" not in g.nodes["p:nguyễn tiến hùng"]  # no value, no default: absent


def test_edges_with_counts_and_date_spans() -> None:
    g = read(write())
    assert g.number_of_edges() == 2
    co = g.edges["p:hồ huy thành", "p:nguyễn tiến hùng"]
    assert (co["relation"], co["articles"], co["first_day"], co["last_day"]) == (
        "co-appears",
        8,
        "2022-09-05",
        "2025-01-22",
    )
    holds = g.edges["o:bí thư|huyện ủy|huyện|kỳ anh", "p:hồ huy thành"]  # undirected: either order
    assert holds["articles"] == 12 and holds["last_day"] == "2025-05-15"


def test_directed_graphs_keep_their_direction() -> None:
    g = read(write(directed=True))
    assert g.is_directed()
    assert g.has_edge("p:hồ huy thành", "o:bí thư|huyện ủy|huyện|kỳ anh")
    assert not g.has_edge("o:bí thư|huyện ủy|huyện|kỳ anh", "p:hồ huy thành")


def test_text_is_escaped_nfc_and_free_of_control_characters() -> None:
    decomposed = unicodedata.normalize("NFD", "Dương Thị Vân Anh")
    data = write([*NODES, GraphNode("p:nfd", {"label": decomposed})], EDGES)
    ElementTree.fromstring(data)  # well-formed
    g = read(data)
    assert g.nodes["p:odd"]["label"] == 'A <b> & "c" \nd'
    label = g.nodes["p:nfd"]["label"]
    assert label == "Dương Thị Vân Anh" and unicodedata.is_normalized("NFC", label)
    assert b"&lt;b&gt; &amp; &quot;c&quot;" in data


def test_the_file_declares_graphml_and_its_keys() -> None:
    root = ElementTree.fromstring(write())
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    assert root.tag == f"{ns}graphml"
    keys = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.iter(f"{ns}key")}
    assert keys[("node", "articles")] == "int" and keys[("node", "weight")] == "double"
    assert keys[("edge", "first_day")] == "string" and keys[("node", "split")] == "boolean"
    ids = [k.get("id") for k in root.iter(f"{ns}key")]
    assert len(ids) == len(set(ids)) == len(NODE_KEYS) + len(EDGE_KEYS)
    (graph,) = root.iter(f"{ns}graph")
    assert graph.get("edgedefault") == "undirected"


@pytest.mark.parametrize(
    ("nodes", "edges", "message"),
    [
        ([GraphNode("a", {"articles": "12"})], [], "int"),
        ([GraphNode("a", {"articles": True})], [], "int"),
        ([GraphNode("a", {"articles": 2**40})], [], "long"),
        ([GraphNode("a", {"split": 1})], [], "boolean"),
        ([GraphNode("a", {"label": 5})], [], "string"),
        ([GraphNode("a", {"colour": "red"})], [], "not declared"),
        ([GraphNode("a"), GraphNode("a")], [], "twice"),
        ([GraphNode("a")], [GraphEdge("a", "b")], "not written"),
    ],
)
def test_bad_input_is_refused(nodes: list[GraphNode], edges: list[GraphEdge], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        write(nodes, edges)


def test_bad_declarations_are_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        write_graphml(io.BytesIO(), [], [], node_keys=[AttrSpec("a"), AttrSpec("a")], edge_keys=[])
    with pytest.raises(ValueError, match="type"):
        write_graphml(io.BytesIO(), [], [], node_keys=[AttrSpec("a", "date")], edge_keys=[])


class CountingWriter(io.BytesIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, data: object) -> int:  # type: ignore[override]
        self.writes += 1
        return super().write(data)  # type: ignore[arg-type]


def test_it_streams_large_graphs() -> None:
    consumed: list[int] = []

    def nodes() -> Iterator[GraphNode]:
        for i in range(5000):
            consumed.append(i)
            yield GraphNode(f"n{i}", {"label": f"Người {i}", "articles": i})

    def edges() -> Iterator[GraphEdge]:
        for i in range(4999):
            yield GraphEdge(f"n{i}", f"n{i + 1}", {"articles": 1, "first_day": "2020-01-01"})

    out = CountingWriter()
    counts = write_graphml(out, nodes(), edges(), node_keys=NODE_KEYS, edge_keys=EDGE_KEYS)
    assert counts == (5000, 4999)
    assert out.writes > 10  # written in batches as the iterables run, not in one piece at the end
    g = nx.read_graphml(io.BytesIO(out.getvalue()))
    assert g.number_of_nodes() == 5000 and g.number_of_edges() == 4999
    assert g.nodes["n4321"]["label"] == "Người 4321" and g.nodes["n4321"]["articles"] == 4321


def test_an_empty_graph_is_a_valid_file() -> None:
    g = read(write([], []))
    assert g.number_of_nodes() == 0
