"""The counting queries that fill the summary graph, read from queries/summary/NAME.rq: each lies
beside the saved query that reads its counts (queries/NAME.rq), that query's Oxigraph-only form
(queries/oxigraph/NAME.rq) and its plain form over the articles (queries/plain/NAME.rq)."""

from __future__ import annotations

from kg.resources import QUERIES_DIR

SUMMARY_QUERIES_DIR = QUERIES_DIR / "summary"

# The files spell the separator of GROUP_CONCAT as an escape; the engine is sent the character
# itself, as ever (engines differ on escapes inside literals).
_UNIT_SEPARATOR_ESCAPE = "\\u001F"


def counting_query(name: str) -> str:
    """The SPARQL of queries/summary/NAME.rq (comments included; the store predeclares the prefixes)."""
    text = (SUMMARY_QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
    return text.replace(_UNIT_SEPARATOR_ESCAPE, "\u001f")
