"""Whether a store's summary graph is current: the marker node `qgid:summary`, typed
`qg:StoreSummary` with its `qg:summaryFormat` (kg.summary.refresh writes it last and removes it
first).  The queries check it before they read the counts."""

from __future__ import annotations

from kg.errors import QueryError
from kg.store.oxstore import SUMMARY_GRAPH_IRI, QuoteStore

SUMMARY_FORMAT = 4
_HAS_SUMMARY = f"""ASK {{ GRAPH <{SUMMARY_GRAPH_IRI}> {{
  <{SUMMARY_GRAPH_IRI}> a qg:StoreSummary ; qg:summaryFormat {SUMMARY_FORMAT} }} }}"""


def has_summary(store: QuoteStore) -> bool:
    return bool(store.query(_HAS_SUMMARY))


def reads_summary(sparql: str) -> bool:
    """Whether a query reads the summary graph (by its IRI or its `qgid:summary` short form)."""
    return SUMMARY_GRAPH_IRI in sparql or "qgid:summary" in sparql


def check_summary(store: QuoteStore, sparql: str) -> None:
    """A query over the summary of a store that has none would answer with no rows: say why instead."""
    if reads_summary(sparql) and not has_summary(store):
        raise QueryError(
            f"the store {store.path} has no current summary graph (a build with --no-summary, an "
            f"interrupted build, data loaded by other means, or a summary written by an older quotegraph), "
            f"and this query reads it: run `kg summarise --store {store.path}`"
        )
