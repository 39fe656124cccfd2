"""A streaming GraphML writer, for graphs of people and offices.

GraphML is what Gephi, Cytoscape, yEd, networkx and igraph all read. The
writer takes nodes and edges as iterables and writes them as they come, in
batches, so an export of the whole archive never holds the graph in memory
(only the node ids, to refuse an edge to a node that was never written).

Text is NFC; characters XML 1.0 cannot carry (control characters, lone
surrogates, U+FFFE/U+FFFF) are dropped and ``&``, ``<``, ``>``, ``"`` escaped,
so any name from any page makes a file every reader opens. Attribute values
are checked against their declared type (``AttrSpec``) before anything is
written for them: a wrong type is a ``ValueError``, not a file that a reader
later refuses. GraphML has no date type: dates go as ISO strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

from .vietnamese import nfc

__all__ = ["AttrSpec", "GraphNode", "GraphEdge", "write_graphml", "ATTR_TYPES"]

ATTR_TYPES = ("string", "int", "long", "double", "float", "boolean")

_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)
_BATCH = 512  # elements per write: few syscalls, bounded memory
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


@dataclass(frozen=True, slots=True)
class AttrSpec:
    """A declared attribute: its name, GraphML type and optional default."""

    name: str
    type: str = "string"  # one of ATTR_TYPES
    default: object | None = None


@dataclass(frozen=True, slots=True)
class GraphNode:
    id: str
    attrs: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GraphEdge:
    source: str
    target: str
    attrs: Mapping[str, object] = field(default_factory=dict)
    id: str | None = None


def _text(value: str) -> str:
    """NFC, XML-safe, escaped; CR and CRLF become LF (what an XML parser would make of them)."""
    value = nfc(value).replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML_RE.sub("", value).translate(_ESCAPES)


def _value(spec: AttrSpec, value: object) -> str:
    """The value as GraphML text, after checking it fits the declared type."""
    kind = spec.type
    if kind == "string":
        if not isinstance(value, str):
            raise ValueError(f"attribute {spec.name!r} is a string, got {type(value).__name__}: {value!r}")
        return _text(value)
    if kind in ("int", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"attribute {spec.name!r} is an {kind}, got {type(value).__name__}: {value!r}")
        if kind == "int" and not -(2**31) <= value < 2**31:
            raise ValueError(f"attribute {spec.name!r} is a 32-bit int; {value} needs type 'long'")
        return str(value)
    if kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"attribute {spec.name!r} is a {kind}, got {type(value).__name__}: {value!r}")
        number = float(value)
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "INF" if number > 0 else "-INF"
        return repr(number)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"attribute {spec.name!r} is a boolean, got {type(value).__name__}: {value!r}")
        return "true" if value else "false"
    raise ValueError(f"attribute {spec.name!r}: unknown GraphML type {kind!r} (one of {', '.join(ATTR_TYPES)})")


def _declare(specs: Sequence[AttrSpec], domain: str, first_id: int) -> tuple[dict[str, tuple[str, AttrSpec]], str]:
    """Key ids by attribute name, and the ``<key>`` elements."""
    keys: dict[str, tuple[str, AttrSpec]] = {}
    lines = []
    for i, spec in enumerate(specs, first_id):
        if spec.name in keys:
            raise ValueError(f"{domain} attribute {spec.name!r} declared twice")
        if spec.type not in ATTR_TYPES:
            raise ValueError(f"{domain} attribute {spec.name!r}: unknown GraphML type {spec.type!r}")
        key_id = f"d{i}"
        keys[spec.name] = (key_id, spec)
        head = f'<key id="{key_id}" for="{domain}" attr.name="{_text(spec.name)}" attr.type="{spec.type}"'
        if spec.default is None:
            lines.append(head + "/>\n")
        else:
            lines.append(head + f"><default>{_value(spec, spec.default)}</default></key>\n")
    return keys, "".join(lines)


def _data(keys: Mapping[str, tuple[str, AttrSpec]], attrs: Mapping[str, object], what: str) -> str:
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue  # missing data: GraphML leaves the element out
        declared = keys.get(name)
        if declared is None:
            raise ValueError(f"{what}: attribute {name!r} is not declared")
        key_id, spec = declared
        parts.append(f'<data key="{key_id}">{_value(spec, value)}</data>')
    return "".join(parts)


def write_graphml(
    out: IO[bytes],
    nodes: Iterable[GraphNode],
    edges: Iterable[GraphEdge],
    *,
    node_keys: Sequence[AttrSpec],
    edge_keys: Sequence[AttrSpec],
    directed: bool = False,
    graph_id: str = "G",
) -> tuple[int, int]:
    """Write one graph; returns (nodes, edges) written.

    Nodes are written before edges; an edge whose end was not among the nodes,
    a node id given twice, an undeclared attribute or a value of the wrong type
    raises ``ValueError`` (what was written so far is then an incomplete file:
    write to a temporary name and rename when this returns).
    """
    nkeys, ndecl = _declare(node_keys, "node", 0)
    ekeys, edecl = _declare(edge_keys, "edge", len(node_keys))
    mode = "directed" if directed else "undirected"
    out.write((_HEADER + ndecl + edecl + f'<graph id="{_text(graph_id)}" edgedefault="{mode}">\n').encode("utf-8"))

    batch: list[str] = []

    def flush() -> None:
        out.write("".join(batch).encode("utf-8"))
        batch.clear()

    seen: set[str] = set()
    for node in nodes:
        node_id = _text(node.id)
        if not node_id or node_id in seen:
            raise ValueError(f"node id {node.id!r} is empty or given twice")
        seen.add(node_id)
        data = _data(nkeys, node.attrs, f"node {node.id!r}")
        batch.append(f'<node id="{node_id}">{data}</node>\n' if data else f'<node id="{node_id}"/>\n')
        if len(batch) >= _BATCH:
            flush()
    edge_count = 0
    for edge in edges:
        source, target = _text(edge.source), _text(edge.target)
        for end in (source, target):
            if end not in seen:
                raise ValueError(f"edge {edge.source!r} -> {edge.target!r}: node {end!r} was not written")
        ident = f' id="{_text(edge.id)}"' if edge.id else ""
        data = _data(ekeys, edge.attrs, f"edge {edge.source!r} -> {edge.target!r}")
        open_tag = f'<edge{ident} source="{source}" target="{target}"'
        batch.append(f"{open_tag}>{data}</edge>\n" if data else f"{open_tag}/>\n")
        edge_count += 1
        if len(batch) >= _BATCH:
            flush()
    batch.append("</graph>\n</graphml>\n")
    flush()
    return len(seen), edge_count
