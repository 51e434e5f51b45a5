"""`kg build` on one process (the default engine, "local" with one worker): parse, write and
report each article in turn, in input order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from spacy.language import Language

from kg.analysis import analyse_many
from kg.build_state import BuildReport, ProgressFn, StoredArticles
from kg.graph import analysis_to_graph
from kg.model import Analysis, Article
from kg.nlp import load_nlp
from kg.store import QuoteStore


def build_serial(
    articles: Iterator[Article],
    store_path: str | os.PathLike[str],
    *,
    report: BuildReport,
    progress: ProgressFn,
    force: bool = False,
    warn: Callable[[str], None] | None = None,
    finish: Callable[[QuoteStore], None],
    nlp: Language | None = None,
    on_article: Callable[[Analysis | None], None] | None = None,
) -> None:
    """Build ARTICLES into the store; `finish` runs on the still open store at the end, and
    `on_article` receives each Analysis (None for an unchanged article, skipped)."""
    nlp = nlp or load_nlp()
    with QuoteStore.open(store_path) as store:
        stored = StoredArticles.of(store, force=force)
        skipped = (lambda: on_article(None)) if on_article is not None else None
        for analysis in analyse_many(stored.changed(articles, report, progress, warn, skipped), nlp):
            graph_iri, graph = analysis_to_graph(analysis)
            store.replace_article(graph_iri, graph)
            by_type: dict[str, int] = {}
            for quotation in analysis.quotations:
                by_type[quotation.type] = by_type.get(quotation.type, 0) + 1
            report.record(len(analysis.quotations), by_type)
            progress(1, len(analysis.quotations))
            if on_article is not None:
                on_article(analysis)
        finish(store)
