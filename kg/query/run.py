"""`kg query`: run any SPARQL query and format its results."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Literal

import pyoxigraph as ox

from kg.errors import QueryError
from kg.graph.vocab import PREFIXES
from kg.query.table import render_table, show_term
from kg.store import QuoteStore
from kg.store.terms import triple_sort_key
from kg.summary.state import check_summary

ResultFormat = Literal["table", "csv", "tsv", "json"]
RESULT_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json")

_SERIALISERS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,  # SPARQL 1.1 Query Results JSON
}


def run_query(
    store: QuoteStore,
    sparql: str,
    fmt: ResultFormat = "table",
    *,
    bindings: Mapping[str, Any] | None = None,
    timeout: float | None = None,
    width: int | None = None,
    hidden: Collection[str] = (),
) -> str:
    """Results of `sparql` as text: SELECT/ASK in `fmt`; CONSTRUCT/DESCRIBE always as Turtle.

    `hidden` columns are left out of the table only: a saved query projects its parameters (pyoxigraph
    binds projected variables only), and a column repeating what the user typed is noise to a
    reader, while CSV/TSV/JSON stay the standard SPARQL results of the query as written."""
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"unknown result format {fmt!r}; expected one of {', '.join(RESULT_FORMATS)}")
    check_summary(store, sparql)
    result = store.query(sparql, bindings=bindings, timeout=timeout)
    try:
        if isinstance(result, ox.QueryBoolean):
            if fmt == "table":
                return "true\n" if bool(result) else "false\n"
            return _text(result.serialize(format=_SERIALISERS[fmt]))
        if isinstance(result, ox.QuerySolutions):
            if fmt == "table":
                return _solutions_table(result, width, hidden)
            return _text(result.serialize(format=_SERIALISERS[fmt]))
        # CONSTRUCT / DESCRIBE: an RDF graph, which only an RDF syntax represents faithfully.  The
        # union default graph repeats a triple once per article graph holding it: keep one.
        triples = sorted(set(result), key=triple_sort_key)
        return _text(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))
    except OSError as err:  # lazy results evaluate while being serialised
        raise QueryError(f"query failed: {' '.join(str(err).split())}") from None


def _solutions_table(result: ox.QuerySolutions, width: int | None, hidden: Collection[str] = ()) -> str:
    names = [v.value for v in result.variables if v.value not in hidden]
    rows = [[show_term(sol[name]) for name in names] for sol in result]
    footer = f"{len(rows)} row{'s' if len(rows) != 1 else ''}\n"
    return render_table(names, rows, width=width) + footer


def _text(data: bytes | None) -> str:
    text = (data or b"").decode("utf-8")
    return text if not text or text.endswith("\n") else text + "\n"
