"""The whole job, as a library call: read → extract/resolve → graph → store.

    from kg.pipeline import build
    report = build(["articles/"], store_path="kg.db")

The CLI (`kg build`) is a thin shell over this function.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from spacy.language import Language

from kg.extract import analyse_many, load_nlp
from kg.graph import analysis_to_graph, article_iri, article_key
from kg.model import Analysis, Article
from kg.read import DEFAULT_MAX_CHARS, check_inputs, iter_articles
from kg.store import QuoteStore

DEFAULT_STORE = "kg.db"


@dataclass
class BuildReport:
    articles_built: int = 0
    articles_skipped: int = 0  # unchanged since the last build (same content hash)
    quotations: int = 0
    by_type: dict[str, int] = field(default_factory=lambda: {"direct": 0, "mixed": 0, "indirect": 0})
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "articles_built": self.articles_built,
            "articles_skipped": self.articles_skipped,
            "quotations": self.quotations,
            "by_type": dict(self.by_type),
            "warnings": list(self.warnings),
        }


def build(
    paths: Sequence[str],
    store_path: str | os.PathLike[str] = DEFAULT_STORE,
    *,
    nlp: Language | None = None,
    skip_bad: bool = False,
    force: bool = False,
    max_chars: int = DEFAULT_MAX_CHARS,
    warn: Callable[[str], None] | None = None,
    on_article: Callable[[Analysis | None], None] | None = None,
    precheck: bool = True,
) -> BuildReport:
    """Build (or update) the store from articles at `paths`.

    Bad input stops the build before anything is written (a streaming pre-pass), unless
    `skip_bad` is set, in which case bad items are reported through `warn` and skipped.  Each
    article is written in its own transaction, so an interrupted build leaves complete articles
    only, and the next build completes the rest.  Unchanged articles are skipped unless `force`.
    """
    report = BuildReport()

    def warn_and_keep(message: str) -> None:
        report.warnings.append(message)
        if warn is not None:
            warn(message)

    if precheck:
        check_inputs(paths, skip_bad=skip_bad, warn=None, max_chars=max_chars)
    nlp = nlp or load_nlp()
    with QuoteStore.open(store_path) as store:
        known = {} if force else store.article_hashes()

        def changed(articles: Iterator[Article]) -> Iterator[Article]:
            for article in articles:
                if known.get(str(article_iri(article_key(article.id)))) == article.digest:
                    report.articles_skipped += 1
                    if on_article is not None:
                        on_article(None)
                    continue
                yield article

        articles = iter_articles(paths, skip_bad=skip_bad, warn=warn_and_keep, max_chars=max_chars)
        for analysis in analyse_many(changed(articles), nlp):
            graph_iri, graph = analysis_to_graph(analysis)
            store.replace_article(graph_iri, graph)
            report.articles_built += 1
            report.quotations += len(analysis.quotations)
            for quotation in analysis.quotations:
                report.by_type[quotation.type] += 1
            if on_article is not None:
                on_article(analysis)
    return report
