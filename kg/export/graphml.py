"""The GraphML projection of docs/graph-contract.md: people, quotes, articles and events as a
property graph for Gephi, yEd, Cytoscape, igraph or networkx.

Node id = `n` + sha1(iri)[:16] (an NMTOKEN, and stable across builds); node attributes `label`,
`kind`, `iri` (none named `id`, which igraph reserves).  Edge id = `e` + sha1(source|label|target)[:16]
over the IRIs, written as the GraphML edge id through the MultiDiGraph key; edge attribute
`label`, plus `role` on MEMBER_OF.  Nodes are written sorted by id; edges sorted by (source,
target, id) — networkx emits edges grouped by source node, and this is the order that grouping
allows.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import IO

import networkx as nx

from kg.graph.vocab import PREFIXES
from kg.query.props import SCHEMA, collect, one
from kg.store import QuoteStore

KINDS: dict[str, str] = {  # class (prefixed) → kind, in priority order for multi-typed resources
    "schema:Quotation": "Quotation",
    "schema:NewsArticle": "Article",
    "sem:Event": "Event",
    "schema:Person": "Person",
    "schema:Organization": "Organization",
    "schema:Place": "Place",
    "qg:Group": "Group",
}

_CLASSES = f"""
SELECT DISTINCT ?n ?class WHERE {{ VALUES ?class {{ {" ".join(KINDS)} }} ?n a ?class }}"""

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

_MEMBERSHIPS = """
SELECT DISTINCT ?person ?org ?title WHERE {
  ?person a schema:Person ; schema:memberOf ?role .
  ?role a schema:OrganizationRole ; schema:memberOf ?org .
  OPTIONAL { ?role schema:roleName ?title }
}"""


def node_id(iri: str) -> str:
    return "n" + hashlib.sha1(iri.encode("utf-8")).hexdigest()[:16]


def edge_id(source: str, label: str, target: str) -> str:
    return "e" + hashlib.sha1(f"{source}|{label}|{target}".encode()).hexdigest()[:16]


def build_graph(store: QuoteStore) -> nx.MultiDiGraph:
    """The projection as a networkx MultiDiGraph, nodes and edges inserted in output order."""
    class_iri = {PREFIXES[c.split(":")[0]] + c.split(":")[1]: kind for c, kind in KINDS.items()}
    priority = list(KINDS.values())
    kinds: dict[str, set[str]] = defaultdict(set)
    for sol in store.query(_CLASSES):  # type: ignore[union-attr]
        kinds[sol["n"].value].add(class_iri[sol["class"].value])
    labels = collect(store, _LABELS)

    nodes: dict[str, dict[str, str]] = {}
    for iri, found in kinds.items():
        kind = min(found, key=priority.index)
        props = labels.get(iri, {})
        if kind == "Quotation":
            label = one(props, SCHEMA + "text")
        elif kind == "Article":
            label = one(props, SCHEMA + "headline") or one(props, SCHEMA + "identifier")
        else:
            label = one(props, SCHEMA + "name")
        nodes[iri] = {"label": label or _tail(iri), "kind": kind, "iri": iri}

    edges: dict[str, tuple[str, str, dict[str, str]]] = {}
    for sol in store.query(_EDGES):  # type: ignore[union-attr]
        s, label, t = sol["s"].value, sol["label"].value, sol["t"].value
        edges[edge_id(s, label, t)] = (s, t, {"label": label})
    # One MEMBER_OF edge per person/organisation pair, whatever the number of roles or articles.
    titles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for sol in store.query(_MEMBERSHIPS):  # type: ignore[union-attr]
        names = titles[(sol["person"].value, sol["org"].value)]  # created even without a title
        if sol["title"] is not None:
            names.add(sol["title"].value)
    for (person, org), names in titles.items():
        edges[edge_id(person, "MEMBER_OF", org)] = (
            person,
            org,
            {"label": "MEMBER_OF", "role": "; ".join(sorted(names))},
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
    # A MultiDiGraph's edge key becomes the GraphML edge id, so no duplicate `id` data attribute.
    nx.write_graphml(build_graph(store), out, encoding="utf-8", prettyprint=True)
