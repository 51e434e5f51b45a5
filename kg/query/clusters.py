"""`kg quotes --clusters`: the statements repeated most across articles (kg.clusters), and the
cluster of each quotation for `kg who` and the report."""

from __future__ import annotations

from dataclasses import dataclass

from kg.clusters.store import CLUSTERS_GRAPH_IRI
from kg.graph.iris import IDENTITY_GRAPH
from kg.query.table import render_table, truncate
from kg.store import QuoteStore

_CL, _ID = f"<{CLUSTERS_GRAPH_IRI}>", f"<{IDENTITY_GRAPH}>"

_CLUSTERS = f"""
SELECT ?c ?s ?speaker ?text ?articles ?sources ?occurrences ?first ?date WHERE {{
  GRAPH {_CL} {{
    ?c a qg:QuotationCluster ; qg:clusterSpeaker ?s ; qg:canonicalText ?text ; qg:articleCount ?articles ;
       qg:sourceCount ?sources ; qg:occurrenceCount ?occurrences ; qg:firstSeenArticle ?a .
    OPTIONAL {{ ?c qg:firstSeenDate ?date }}
  }}
  GRAPH {_ID} {{ ?s schema:name ?speaker }}
  GRAPH ?g {{ ?a schema:identifier ?first }}
}}"""
# Corpus entities any of whose names contains ?needle (bound by the engine, never spliced in).
_SPEAKERS_NAMED = f"""
SELECT DISTINCT ?s ?needle WHERE {{
  GRAPH {_ID} {{ ?s a qg:CorpusEntity ; schema:name|schema:alternateName ?n }}
  FILTER(CONTAINS(LCASE(STR(?n)), LCASE(STR(?needle)))) }}"""
# Each clustered quotation with its cluster's counts and first sighting.
_OCCURRENCES = f"""
SELECT ?q ?c ?articles ?first ?date WHERE {{
  GRAPH {_CL} {{ ?c qg:hasOccurrence ?q ; qg:articleCount ?articles ; qg:firstSeenArticle ?a .
                 OPTIONAL {{ ?c qg:firstSeenDate ?date }} }}
  GRAPH ?g {{ ?a schema:identifier ?first }}
}}"""


@dataclass(frozen=True)
class ClusterRow:
    iri: str
    speaker: str
    speaker_iri: str
    text: str  # the canonical text
    articles: int
    sources: int
    occurrences: int
    first_article: str  # identifier
    first_date: str | None

    @property
    def first_seen(self) -> str:
        return self.first_article + (f" ({self.first_date})" if self.first_date else "")


@dataclass(frozen=True)
class Membership:
    """What a clustered quotation's cluster says: for "also in N other articles"."""

    cluster: str
    articles: int
    first_article: str
    first_date: str | None

    def also_in(self) -> str:
        others = self.articles - 1
        first = self.first_article + (f", {self.first_date}" if self.first_date else "")
        return f"also in {others} other article{'s' if others != 1 else ''} (first seen {first})"


def cluster_rows(store: QuoteStore, speaker: str | None = None) -> list[ClusterRow]:
    """Repeated statements, most articles first (then most occurrences, speaker, text), optionally
    of the speakers whose name (any of their names) contains `speaker`, any case."""
    wanted = None
    if speaker:
        wanted = {r["s"].value for r in store.query(_SPEAKERS_NAMED, bindings={"needle": speaker})}  # type: ignore[union-attr]
    rows = {}
    for r in store.query(_CLUSTERS):  # type: ignore[union-attr]
        if wanted is not None and r["s"].value not in wanted:
            continue
        row = ClusterRow(r["c"].value, r["speaker"].value, r["s"].value, r["text"].value, int(r["articles"].value),
                         int(r["sources"].value), int(r["occurrences"].value), r["first"].value,
                         r["date"].value if r["date"] is not None else None)
        rows[row.iri] = min(row, rows.get(row.iri, row), key=lambda x: (x.speaker, x.first_article))
    return sorted(rows.values(), key=lambda r: (-r.articles, -r.occurrences, r.speaker, r.text, r.iri))


def clusters_table(store: QuoteStore, speaker: str | None = None, *, width: int | None = None,
                   limit: int | None = None) -> str:
    rows = cluster_rows(store, speaker)
    shown = rows[:limit]
    body = [[str(r.articles), str(r.sources), str(r.occurrences), r.speaker, truncate(r.text, 90), r.first_seen] for r in shown]
    footer = f"{len(rows)} repeated statement{'s' if len(rows) != 1 else ''} (in two articles or more)"
    footer = (f"{len(shown)} of {footer}" if len(shown) < len(rows) else footer) + "\n"
    return render_table(["articles", "sources", "occurrences", "speaker", "statement", "first seen"], body, width=width) + footer


def memberships(store: QuoteStore) -> dict[str, Membership]:
    """Quotation IRI → its cluster, for every quotation in one."""
    out: dict[str, Membership] = {}
    for r in store.query(_OCCURRENCES):  # type: ignore[union-attr]
        m = Membership(r["c"].value, int(r["articles"].value), r["first"].value, r["date"].value if r["date"] is not None else None)
        out[r["q"].value] = min(m, out.get(r["q"].value, m), key=lambda x: (x.cluster, x.first_article))
    return out
