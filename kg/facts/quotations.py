"""Quotations as property tables: each quotation's properties and those of its text selectors."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.facts.props import Props, collect
from kg.store import QuoteStore

_ALL = "SELECT DISTINCT ?s ?p ?o WHERE { ?s a schema:Quotation ; ?p ?o }"
_ALL_SELECTORS = "SELECT DISTINCT ?s ?p ?o WHERE { ?q a schema:Quotation ; oa:hasSelector ?s . ?s ?p ?o }"
# Some speakers' quotations: the speakers' IRIs given as VALUES (IRIs read back from the store,
# written out by pyoxigraph, so they are valid SPARQL), so that Oxigraph looks each speaker's
# quotations up rather than scanning every quotation of the store.  Joins stay inside each article
# graph; no `?s a schema:Quotation` (only quotations have a speaker, and the planner would start
# from it).
_BY_SPEAKERS = """
SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?who {{ {who} }}
  GRAPH ?g {{ ?s schema:spokenByCharacter ?who ; ?p ?o }} }}"""
_SELECTORS_BY_SPEAKERS = """
SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?who {{ {who} }}
  GRAPH ?g {{ ?q schema:spokenByCharacter ?who ; oa:hasSelector ?s . ?s ?p ?o }} }}"""


def quotations(store: QuoteStore, speakers: Iterable[str] | None = None) -> tuple[dict[str, Props], dict[str, Props]]:
    """(quotation IRI → its properties, selector IRI → its properties): every quotation's, or
    only those said by one of the `speakers` (IRIs of article-level nodes)."""
    if speakers is None:
        return collect(store, _ALL), collect(store, _ALL_SELECTORS)
    who = " ".join(str(ox.NamedNode(iri)) for iri in sorted(speakers))
    return collect(store, _BY_SPEAKERS.format(who=who)), collect(store, _SELECTORS_BY_SPEAKERS.format(who=who))
