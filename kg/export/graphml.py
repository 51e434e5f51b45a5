"""GraphML for Gephi, yEd, Cytoscape, Neo4j (APOC), igraph or networkx, in two flavours.

`full` — the projection of docs/graph-contract.md: people, quotes, articles and events.
`speakers` — a speaker network (see `write_speaker_graphml` below).

Full flavour:

Node id = `n` + sha1(iri)[:16] (an NMTOKEN, and stable across builds); node attributes `label`,
`kind`, `iri` (none named `id`, which igraph reserves).  Edge id = `e` + sha1(source|label|target)[:16]
over the IRIs, written as the GraphML edge id through the MultiDiGraph key; edge attribute
`label`, plus `role` on MEMBER_OF.  Nodes are written sorted by id; edges sorted by (source,
target, id) — networkx emits edges grouped by source node, and this is the order that grouping
allows.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from kg import facts
from kg.facts.props import SCHEMA, Props, collect, names, one
from kg.graph.vocab import NODE_KINDS
from kg.store import QuoteStore
from kg.store.sorting import sort_workspace, sorted_distinct_lines

FLAVOURS: tuple[str, ...] = ("full", "speakers")

_CLASSES = f"""
SELECT DISTINCT ?n ?class WHERE {{ VALUES ?class {{ {" ".join(f"<{iri}>" for iri in NODE_KINDS)} }} ?n a ?class }}"""

# Candidate labels; the articleBody is deliberately not among them.
_LABELS = """
SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?p { schema:name schema:text schema:headline schema:identifier }
  ?s ?p ?o
}"""

_EDGES = """
SELECT DISTINCT ?s ?label ?t WHERE {
  { ?t a schema:Quotation ; schema:spokenByCharacter ?s . BIND("SAID" AS ?label) }
  UNION { ?s a schema:Quotation ; schema:isPartOf ?t . BIND("PART_OF" AS ?label) }
  UNION { ?s a schema:Quotation ; qg:addressee ?t . BIND("ADDRESSED_TO" AS ?label) }
  UNION { ?s a schema:Quotation ; schema:about ?t . BIND("ABOUT" AS ?label) }
  UNION { ?s a schema:NewsArticle ; schema:mentions ?t . BIND("MENTIONS" AS ?label) }
  UNION { ?t a sem:Event ; sem:hasActor ?s . BIND("PARTICIPATED_IN" AS ?label) }
  UNION { ?s a sem:Event ; sem:hasPlace ?t . BIND("TOOK_PLACE_IN" AS ?label) }
  UNION { ?s a schema:NewsArticle ; schema:publisher ?t . BIND("PUBLISHED_BY" AS ?label) }
}"""



def node_id(iri: str) -> str:
    return "n" + hashlib.sha1(iri.encode("utf-8")).hexdigest()[:16]


def edge_id(source: str, label: str, target: str) -> str:
    return "e" + hashlib.sha1(f"{source}|{label}|{target}".encode()).hexdigest()[:16]


# Class IRI → its rank in NODE_KINDS (the lower, the more telling when a resource has several).
_CLASS_RANK = {iri: n for n, iri in enumerate(NODE_KINDS)}
_KIND_NAMES = list(NODE_KINDS.values())


def _kinds(store: QuoteStore) -> dict[str, str]:
    """IRI → its one kind (the first of NODE_KINDS it has)."""
    found: dict[str, int] = {}
    for sol in store.query(_CLASSES):  # type: ignore[union-attr]
        iri, rank = sol["n"].value, _CLASS_RANK[sol["class"].value]
        found[iri] = min(found.get(iri, rank), rank)
    return {iri: _KIND_NAMES[rank] for iri, rank in found.items()}


def _memberships(store: QuoteStore) -> dict[tuple[str, str], set[str]]:
    """(person, organisation) → the titles of the person's roles in it, whatever the articles."""
    titles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for role in facts.roles(store):
        if role.organization is not None:
            titles[(role.person, role.organization)].add(role.title)
    return titles


def _label(kind: str, props: Props, iri: str) -> str:
    """A node's label: a quotation's text, an article's headline (or identifier), otherwise the
    name; the IRI's last segment when there is none."""
    if kind == "Quotation":
        label = one(props, SCHEMA + "text")
    elif kind == "Article":
        label = one(props, SCHEMA + "headline") or one(props, SCHEMA + "identifier")
    else:
        label = one(props, SCHEMA + "name")
    return label or _tail(iri)


def build_graph(store: QuoteStore) -> nx.MultiDiGraph:
    """The projection as a networkx MultiDiGraph, nodes and edges inserted in output order."""
    kinds = _kinds(store)
    labels = collect(store, _LABELS)

    nodes: dict[str, dict[str, str]] = {}
    for iri, kind in kinds.items():
        nodes[iri] = {"label": _label(kind, labels.get(iri, {}), iri), "kind": kind, "iri": iri}

    edges: dict[str, tuple[str, str, dict[str, str]]] = {}
    for sol in store.query(_EDGES):  # type: ignore[union-attr]
        s, label, t = sol["s"].value, sol["label"].value, sol["t"].value
        edges[edge_id(s, label, t)] = (s, t, {"label": label})
    # One MEMBER_OF edge per person/organisation pair, whatever the number of roles or articles.
    titles = _memberships(store)
    for (person, org), role_names in titles.items():
        edges[edge_id(person, "MEMBER_OF", org)] = (
            person,
            org,
            {"label": "MEMBER_OF", "role": "; ".join(sorted(role_names))},
        )

    for s, t, _ in edges.values():
        for iri in (s, t):  # an endpoint without a contract class still gets a node
            nodes.setdefault(iri, {"label": _tail(iri), "kind": "Other", "iri": iri})

    graph = nx.MultiDiGraph()
    for nid, attrs in sorted((node_id(iri), attrs) for iri, attrs in nodes.items()):
        graph.add_node(nid, **attrs)
    ordered = sorted((node_id(s), node_id(t), eid, attrs) for eid, (s, t, attrs) in edges.items())
    for src, tgt, eid, attrs in ordered:
        graph.add_edge(src, tgt, key=eid, **attrs)
    return graph


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def write_graphml(store: QuoteStore, out: IO[bytes]) -> None:
    """The full flavour, streamed: the same bytes as `nx.write_graphml(build_graph(store), out,
    encoding="utf-8", prettyprint=True)` (tests/test_export.py compares them), in bounded memory.

    Building the networkx graph held every node, label and edge of the store at once (1.1 GB at
    3 M quads).  Here each query row becomes one line of a temporary file — node facts keyed by
    node id, edges by (source, target, id) — the files are sorted on disk (kg.store.sorting) and
    each node is assembled from its group of lines while the output is written.  Only the
    person–organisation memberships are gathered in memory (their role titles are joined).
    Characters XML 1.0 cannot carry are dropped (lxml, under networkx, refused the whole export).
    """
    with sort_workspace() as tmp:
        node_facts, edge_lines = tmp / "nodes.txt", tmp / "edges.txt"
        classed, memberships = _write_facts(store, node_facts, edge_lines)
        # Every edge end is a node; without edges, a node is a resource with a contract class.
        has_nodes = edge_lines.stat().st_size > 0 or bool(classed)
        write = _BufferedWriter(out)
        write(_GRAPHML_OPEN.rstrip("\n"))  # networkx starts the first key on the same line
        keys = [("d0", "node", "label"), ("d1", "node", "kind"), ("d2", "node", "iri")] if has_nodes else []
        if edge_lines.stat().st_size:
            keys.append(("d3", "edge", "label"))
        if memberships:
            keys.append(("d4", "edge", "role"))
        for key, domain, name in reversed(keys):  # networkx puts each new key first
            write(f'<key id="{key}" for="{domain}" attr.name="{name}" attr.type="string"/>\n')
        write('<graph edgedefault="directed">')
        for nid, facts in itertools.groupby(sorted_distinct_lines(node_facts), key=lambda line: line[:17]):
            block = _node_block(nid.decode("ascii"), facts)
            if block:
                write(block)
        for line in sorted_distinct_lines(edge_lines):
            ids, fields = line.decode("utf-8").split("\t", 1)
            source, target, eid = ids.split(" ")
            data = "".join(f'  <data key="{key}">{_text(value)}</data>\n'
                           for key, value in zip(("d3", "d4"), json.loads(fields), strict=False))
            write(f'<edge source="{source}" target="{target}" id="{eid}">\n{data}</edge>\n')
        write("</graph></graphml>")
        write.flush()


def _write_facts(store: QuoteStore, node_facts: Path, edge_lines: Path) -> tuple[int, int]:
    """One line per query row: node facts (`NID\tK\trank\tIRI` for a class, `NID\tL\t[p, o]` for
    a candidate label, `NID\tE\tIRI` for an edge end) and edges (`SRC TGT EID\t[label, role?]`),
    strings as JSON so that a line never breaks.  Returns (class facts, membership edges)."""
    classed = 0
    with node_facts.open("w", encoding="utf-8") as nodes, edge_lines.open("w", encoding="utf-8") as edges:
        for sol in store.query(_CLASSES):  # type: ignore[union-attr]
            iri = sol["n"].value
            classed += 1
            nodes.write(f"{node_id(iri)}\tK\t{_CLASS_RANK[sol['class'].value]}\t{json.dumps(iri)}\n")
        for sol in store.query(_LABELS):  # type: ignore[union-attr]
            fact = [sol["p"].value, sol["o"].value]
            nodes.write(f"{node_id(sol['s'].value)}\tL\t{json.dumps(fact, ensure_ascii=False)}\n")
        titles = _memberships(store)

        def edge(source: str, label: str, target: str, role: str | None) -> None:
            for iri in (source, target):  # an endpoint without a contract class still gets a node
                nodes.write(f"{node_id(iri)}\tE\t{json.dumps(iri)}\n")
            fields = [label] if role is None else [label, role]
            edges.write(f"{node_id(source)} {node_id(target)} {edge_id(source, label, target)}\t"
                        f"{json.dumps(fields, ensure_ascii=False)}\n")

        for sol in store.query(_EDGES):  # type: ignore[union-attr]
            edge(sol["s"].value, sol["label"].value, sol["t"].value, None)
        for (person, org), names in titles.items():
            edge(person, "MEMBER_OF", org, "; ".join(sorted(names)))
    return classed, len(titles)


def _node_block(nid: str, facts: Iterable[bytes]) -> str:
    """One node's XML from its fact lines (kinds, candidate labels, edge ends); "" when it is no
    node (a labelled resource that has no contract class and is no edge's end)."""
    kind_rank: int | None = None
    iri: str | None = None
    labels: dict[str, set[str]] = defaultdict(set)
    for raw in facts:
        _, tag, rest = raw.decode("utf-8").split("\t", 2)
        if tag == "K":
            position, quoted = rest.split("\t", 1)
            kind_rank = int(position) if kind_rank is None else min(kind_rank, int(position))
            iri = json.loads(quoted)
        elif tag == "E":
            iri = iri or json.loads(rest)
        else:
            predicate, value = json.loads(rest)
            labels[predicate].add(value)
    if iri is None:
        return ""
    if kind_rank is None:
        kind, label = "Other", _tail(iri)
    else:
        kind = _KIND_NAMES[kind_rank]
        label = _label(kind, labels, iri)
    return (f'<node id="{nid}">\n  <data key="d0">{_text(label)}</data>\n  <data key="d1">{_text(kind)}</data>\n'
            f'  <data key="d2">{_text(iri)}</data>\n</node>\n')


def _text(value: str) -> str:
    """Element text exactly as lxml writes it (& < > and carriage returns escaped)."""
    return (_NOT_XML.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


class _BufferedWriter:
    """Encodes text and writes it in chunks of about 1 MB."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.parts, self.size = out, [], 0

    def __call__(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= 1 << 20:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.parts).encode("utf-8"))
        self.parts, self.size = [], 0


# ------------------------------------------------------------------------ speakers flavour
#
# Nodes: every speaker (Person, Organization, Group) and every entity a speaker talks about
# (those may also be places).  Edges, weighted:
#   QUOTED_ABOUT  speaker → entity, weight = quotations of the speaker about it (schema:about);
#   CO_QUOTED     speaker — speaker, weight = articles quoting both; symmetric, written once from
#                 the lower node id to the higher (networkx rejects per-edge directed="false").
# Written by hand rather than by networkx because the GraphML key ids matter to importers:
# Neo4j APOC takes node labels from `<data key="labels">` and the relationship type from an
# edge's first `<data key="label">` (key ids, not attr.name); Gephi maps attr.name `label` and
# `weight` (and, beware, the key ids d3/d7, which yEd uses for labels) to its own properties;
# Cytoscape fills its `name` and `interaction` columns from attributes of those names.


# (key id, for, attr.name, attr.type) in output order.  No key named `id` (igraph reserves it).
_SPEAKER_KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("labels", "node", "labels", "string"),
    ("node_label", "node", "label", "string"),
    ("name", "node", "name", "string"),
    ("kind", "node", "kind", "string"),
    ("iri", "node", "iri", "string"),
    ("quotations", "node", "quotations", "int"),
    ("mentioned_in", "node", "mentioned_in", "int"),
    ("label", "edge", "label", "string"),
    ("interaction", "edge", "interaction", "string"),
    ("weight", "edge", "weight", "int"),
)
_GRAPHML_OPEN = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Attrs = dict[str, str | int]


def speaker_network(store: QuoteStore) -> tuple[dict[str, Attrs], dict[str, tuple[str, str, Attrs]]]:
    """(node id → attributes, edge id → (source id, target id, attributes)) of the network."""
    from kg.identity.corpus import canonical_entities

    # Nodes are corpus entities (kg.identity.corpus): "Obama" and "Barack Obama" are one speaker.
    corpus = canonical_entities(store)

    def node(iri: str) -> str:
        return corpus[iri][0] if iri in corpus else iri

    speakers_of: dict[str, set[str]] = defaultdict(set)  # quotation → speakers
    quoted_in: dict[str, set[str]] = defaultdict(set)  # article → speakers
    quotes, _ = facts.quotations(store)
    for q, p in quotes.items():
        for speaker, article in itertools.product(p.get(SCHEMA + "spokenByCharacter", ()), p.get(SCHEMA + "isPartOf", ())):
            speakers_of[q].add(node(speaker))
            quoted_in[article].add(node(speaker))
    about: Counter[tuple[str, str]] = Counter()
    mentioned: Counter[str] = Counter()
    for q, p in quotes.items():
        for entity in map(node, p.get(SCHEMA + "about", ())):
            mentioned[entity] += 1
            for speaker in speakers_of.get(q, ()):
                if speaker != entity:  # a speaker naming itself is no tie in a network
                    about[(speaker, entity)] += 1
    spoken = Counter(s for speakers in speakers_of.values() for s in speakers)
    co_quoted: Counter[tuple[str, str]] = Counter()
    for speakers in quoted_in.values():
        for a, b in combinations(sorted(speakers, key=node_id), 2):
            co_quoted[(a, b)] += 1

    iris = set(spoken) | {entity for _, entity in about}
    kinds, display = _kinds(store), names(store)
    for _, (entity, name, kind) in corpus.items():
        kinds[entity], display[entity] = kind, name
    nodes: dict[str, Attrs] = {}
    for iri in iris:
        kind = kinds.get(iri, "Other")
        label = display.get(iri) or _tail(iri)
        nodes[node_id(iri)] = {
            "labels": f":{kind}:Speaker" if spoken[iri] else f":{kind}",
            "node_label": label,
            "name": label,
            "kind": kind,
            "iri": iri,
            "quotations": spoken[iri],
            "mentioned_in": mentioned[iri],
        }
    edges: dict[str, tuple[str, str, Attrs]] = {}
    for relation, weights in (("QUOTED_ABOUT", about), ("CO_QUOTED", co_quoted)):
        for (s, t), weight in weights.items():
            attrs: Attrs = {"label": relation, "interaction": relation, "weight": weight}
            edges[edge_id(s, relation, t)] = (node_id(s), node_id(t), attrs)
    return nodes, edges


def write_speaker_graphml(store: QuoteStore, out: IO[bytes]) -> None:
    nodes, edges = speaker_network(store)
    lines = [_GRAPHML_OPEN]
    for key, domain, name, kind in _SPEAKER_KEYS:
        lines.append(f'  <key id="{key}" for="{domain}" attr.name="{name}" attr.type="{kind}"/>\n')
    lines.append('  <graph id="speakers" edgedefault="directed">\n')
    for nid in sorted(nodes):
        lines.append(f'    <node id="{nid}">\n{_data(nodes[nid].items())}    </node>\n')
    for src, tgt, eid in sorted((s, t, eid) for eid, (s, t, _) in edges.items()):
        attrs = edges[eid][2]  # `label` first: APOC reads the relationship type from the first <data>
        lines.append(
            f"    <edge id={quoteattr(eid)} source={quoteattr(src)} target={quoteattr(tgt)}>\n"
            f"{_data(attrs.items())}    </edge>\n"
        )
    lines.append("  </graph>\n</graphml>\n")
    out.write("".join(lines).encode("utf-8"))


def _data(items: Iterable[tuple[str, str | int]]) -> str:
    return "".join(
        f'      <data key="{key}">{escape(_NOT_XML.sub("", str(value)))}</data>\n' for key, value in items
    )


def write(store: QuoteStore, out: IO[bytes], flavour: str = "full") -> None:
    """GraphML of `flavour` (full | speakers)."""
    if flavour == "full":
        write_graphml(store, out)
    elif flavour == "speakers":
        write_speaker_graphml(store, out)
    else:
        raise ValueError(f"unknown GraphML flavour {flavour!r}; expected one of {', '.join(FLAVOURS)}")
