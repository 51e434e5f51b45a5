"""`kg stats`: what the store holds."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.graph.iris import CLUSTERS_GRAPH, IDENTITY_GRAPH, SUMMARY_GRAPH
from kg.graph.vocab import PREFIXES
from kg.query.table import render_table
from kg.store import QuoteStore
from kg.summary.state import has_summary

_S, _QG, _SEM = PREFIXES["schema"], PREFIXES["qg"], PREFIXES["sem"]

# Class IRI → key in the stats dictionary.
_CLASSES: dict[str, str] = {
    _S + "NewsArticle": "articles",
    _S + "Quotation": "quotations",
    _S + "Person": "persons",
    _S + "Organization": "organizations",
    _QG + "Group": "groups",
    _S + "Place": "places",
    _SEM + "Event": "events",
}

_BY_CLASS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?class { schema:NewsArticle schema:Quotation schema:Person schema:Organization
                  qg:Group schema:Place sem:Event }
  ?s a ?class
} GROUP BY ?class"""

# Only quotations have a qg:quoteType or a schema:spokenByCharacter, so no `?q a schema:Quotation`
# here: with it Oxigraph looks every quotation's type up one by one (50× slower on a
# big store; benchmarks/README.md, "Store at size").
_BY_QUOTE_TYPE = """
SELECT ?type (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q qg:quoteType ?type } GROUP BY ?type"""

# People, organisations, groups and places are counted as corpus entities (kg.identity.corpus:
# "Obama" and "Barack Obama" are one person) when the identity graph holds them.
_BY_KIND = """
SELECT ?kind (COUNT(DISTINCT ?e) AS ?n) WHERE {
  GRAPH <https://w3id.org/quotegraph/id/graph/identity> { ?e qg:entityKind ?kind } } GROUP BY ?kind"""
_KINDS = {"Person": "persons", "Organization": "organizations", "Group": "groups", "Place": "places"}

_ATTRIBUTED = """
SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q schema:spokenByCharacter ?who }"""


def stats(store: QuoteStore) -> dict[str, Any]:
    """Counts of articles, quotations (total, attributed, by type), entities by kind, events, named
    graphs (articles, and the identity, clusters and summary graphs when present) and quads, in all and by
    graph (`triples_by_graph`: the summary is derived data, not part of the exports); whether the
    summary graph is current."""
    out: dict[str, Any] = dict.fromkeys(_CLASSES.values(), 0)
    for sol in store.query(_BY_CLASS):  # type: ignore[union-attr]
        out[_CLASSES[sol["class"].value]] = int(sol["n"].value)
    corpus = {_KINDS[sol["kind"].value]: int(sol["n"].value) for sol in store.query(_BY_KIND)  # type: ignore[union-attr]
              if sol["kind"].value in _KINDS}
    if corpus:
        out.update(dict.fromkeys(_KINDS.values(), 0) | corpus)
    by_type = {"direct": 0, "mixed": 0, "indirect": 0}
    for sol in store.query(_BY_QUOTE_TYPE):  # type: ignore[union-attr]
        by_type[sol["type"].value.rsplit("#", 1)[-1].lower()] = int(sol["n"].value)
    out["quotations_by_type"] = by_type
    row = next(iter(store.query(_ATTRIBUTED)))  # type: ignore[arg-type]
    out["quotations_attributed"] = int(row["n"].value)
    out["graphs"] = len(store.graphs())
    out["triples_by_graph"] = triples_by_graph(store)
    out["triples"] = store.count_triples()
    # Whether the saved queries that read the summary graph can answer (kg.summary.refresh).
    out["summary"] = "current" if has_summary(store) else "missing (run `kg summarise`)"
    return out


_IN_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def triples_by_graph(store: QuoteStore) -> dict[str, int]:
    """Stored quads split by what holds them: the article graphs (what the exports are made
    from; an entity described by several articles is counted in each), the derived summary
    graph, the identity links, the quotation clusters, and the default graph (kg writes none there; data loaded by
    other means may be)."""
    counts: dict[str, int] = {}
    for name, iri in (("summary", SUMMARY_GRAPH), ("identity", IDENTITY_GRAPH), ("clusters", CLUSTERS_GRAPH)):
        rows = list(store.query(_IN_GRAPH, bindings={"g": iri}))  # type: ignore[arg-type]
        counts[name] = int(rows[0]["n"].value) if rows else 0
    counts["default graph"] = sum(1 for _ in store.ox.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return {"articles": store.count_triples() - sum(counts.values()), **counts}


def render_stats(counts: dict[str, Any], *, width: int | None = None) -> str:
    rows: list[list[str]] = []
    for key, value in counts.items():
        if isinstance(value, dict):
            rows.extend([f"{key.split('_by_')[0]} ({sub})", str(n)] for sub, n in value.items())
        elif key == "triples":
            rows.append(["triples (all)", str(value)])  # the sum of the rows above
        else:
            rows.append([key.replace("_", " "), str(value)])
    return render_table(["", "count"], rows, width=width)
