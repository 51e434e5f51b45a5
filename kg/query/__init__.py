"""query stage: SPARQL over the store, who-said-what tables and counts."""

from kg.query.quotes import QuoteRow, quote_rows, quotes_table
from kg.query.run import RESULT_FORMATS, ResultFormat, run_query
from kg.query.stats import render_stats, stats

__all__ = [
    "RESULT_FORMATS",
    "QuoteRow",
    "ResultFormat",
    "quote_rows",
    "quotes_table",
    "render_stats",
    "run_query",
    "stats",
]
