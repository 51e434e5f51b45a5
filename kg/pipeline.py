"""The whole job, as a library call: read → extract/resolve → graph → store.

    from kg.pipeline import build
    report = build(["articles/"], store_path="kg.db")
    report = build(["articles/"], store_path="kg.db", workers=4)          # process pool
    report = build(["articles/"], store_path="kg.db", engine="dask")      # Dask (local cluster)

The CLI (`kg build`) is a thin shell over this function.  The parallel engines live in
kg.parallel and are imported only when asked for (the dask one pulls in dask.distributed).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kg.graph import analysis_to_graph, article_iri, article_key
from kg.model import Analysis, Article
from kg.read import DEFAULT_MAX_CHARS, check_inputs, iter_articles
from kg.store import QuoteStore
from kg.summary.refresh import SummaryReport, refresh_summary
from kg.summary.state import has_summary

if TYPE_CHECKING:  # spaCy loads in ~1 s: only building needs it, not `kg query` or `kg --help`
    from spacy.language import Language

DEFAULT_STORE = "kg.db"
DEFAULT_PARTITION_SIZE = 200  # articles per Dask task / shard: big enough to amortise scheduling

Engine = Literal["local", "dask"]
# Called as articles finish (built or skipped): (articles done, quotations they held).
ProgressFn = Callable[[int, int], None]


@dataclass
class BuildReport:
    articles_built: int = 0
    articles_skipped: int = 0  # unchanged since the last build (same content hash)
    # Of articles_built: those that replaced a stored article of the same id with other text (an
    # edited article, or a different one given the id of another): never silent.
    articles_replaced: int = 0
    quotations: int = 0
    by_type: dict[str, int] = field(default_factory=lambda: {"direct": 0, "mixed": 0, "indirect": 0})
    warnings: list[str] = field(default_factory=list)
    engine: str = "local"
    workers: int = 1
    # Dask engine only: the shard files of this build and how many were already there.
    shard_dir: str | None = None
    shards_written: int = 0
    shards_reused: int = 0
    loaded: bool = True  # False with load=False (`--no-load`): the shards were left for `oxigraph load`
    # The store's summary graph (kg.summary.refresh): recomputed when the build changed the store
    # or found it without one; None when it was already current, left out (summarise=False) or
    # nothing was loaded.  summary_current says whether the saved queries that read it will run.
    summary: SummaryReport | None = None
    summary_current: bool = False

    def record(self, quotations: int, by_type: Mapping[str, int], articles: int = 1) -> None:
        self.articles_built += articles
        self.quotations += quotations
        for kind, n in by_type.items():
            self.by_type[kind] = self.by_type.get(kind, 0) + n

    def as_dict(self) -> dict[str, object]:
        summary: dict[str, object] = {
            "articles_built": self.articles_built,
            "articles_skipped": self.articles_skipped,
            "articles_replaced": self.articles_replaced,
            "quotations": self.quotations,
            "by_type": dict(self.by_type),
            "warnings": list(self.warnings),
            "engine": self.engine,
            "workers": self.workers,
        }
        if self.summary is not None:
            summary["summary"] = {"speakers": self.summary.speakers, "pairs": self.summary.pairs,
                                  "events": self.summary.events, "addressees": self.summary.addressees,
                                  "names": self.summary.names, "clusters": self.summary.clusters}
        if self.loaded:  # with --no-load the store was not consulted
            summary["summary_current"] = self.summary_current
        if self.shard_dir is not None:
            summary.update(
                shard_dir=self.shard_dir,
                shards_written=self.shards_written,
                shards_reused=self.shards_reused,
                loaded=self.loaded,
            )
        return summary


Triage = Literal["new", "unchanged", "rebuilt", "replaced"]


class StoredArticles:
    """What the store holds before a build (article IRI → content hash and id), to tell each
    incoming article apart: new, unchanged (skipped unless forced), rebuilt (unchanged but
    forced) or replacing a stored article with other text — counted and, when the stored
    article's id differs (two ids giving one IRI key), named in a warning."""

    def __init__(self, index: Mapping[str, tuple[str, str | None]], *, force: bool = False) -> None:
        self._index = index
        self._force = force

    @classmethod
    def of(cls, store: QuoteStore, *, force: bool = False) -> StoredArticles:
        return cls(store.article_index(), force=force)

    def triage(self, article: Article, report: BuildReport, warn: Callable[[str], None] | None = None) -> Triage:
        """Classify `article` and count a replacement in `report` (warning through `warn`)."""
        stored = self._index.get(str(article_iri(article_key(article.id))))
        if stored is None:
            return "new"
        digest, stored_id = stored
        if digest == article.digest:
            return "rebuilt" if self._force else "unchanged"
        report.articles_replaced += 1
        if warn is not None and stored_id is not None and stored_id != article.id:
            warn(
                f"{article.origin}: id {article.id!r} gives the IRI key of the stored article {stored_id!r}, "
                "which it replaces"
            )
        return "replaced"


def default_shard_dir(store_path: str | os.PathLike[str]) -> Path:
    path = Path(store_path)
    return path.with_name(path.name + ".shards")


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
    workers: int = 1,
    engine: Engine = "local",
    scheduler: str | None = None,
    shard_dir: str | os.PathLike[str] | None = None,
    load: bool = True,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    on_progress: ProgressFn | None = None,
    summarise: bool = True,
    on_summary: Callable[[], None] | None = None,
    article_id: str | None = None,
) -> BuildReport:
    """Build (or update) the store from articles at `paths`.

    Bad input stops the build before anything is written (a streaming pre-pass), unless
    `skip_bad` is set, in which case bad items are reported through `warn` and skipped.  Each
    article is written in its own transaction, so an interrupted build leaves complete articles
    only, and the next build completes the rest.  Unchanged articles are skipped unless `force`.

    `workers` > 1 runs extraction in a process pool (engine "local"); engine "dask" runs it on a
    Dask cluster at `scheduler` (default: a local cluster of `workers` processes), writing N-Quads
    shards to `shard_dir` (default `<store>.shards/`) and loading them unless `load` is False.
    `on_article` receives each Analysis and is only available in the single-process build (the
    parallel engines never hold Analyses in this process); `on_progress` works everywhere.

    At the end the store's summary graph is recomputed if the build changed the store (a few per
    cent of a build; minutes on a store of millions of quads), and `on_summary` is called just
    before.  `summarise=False` leaves it out of date instead, for frequent small updates of a big
    store: the saved queries that read it then refuse until `kg summarise` runs.

    Two inputs with one id are an InputError before anything is written (with `skip_bad` the later
    is kept under a suffixed id, see kg.read.ids); `article_id` names the one article of the input
    (`kg build --id`).  An article replacing a stored one with other text is counted in
    `articles_replaced`.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    parallel = engine == "dask" or workers > 1
    if parallel and on_article is not None:
        raise ValueError("on_article needs the single-process build (workers=1); use on_progress")
    report = BuildReport(engine=engine, workers=workers)

    def warn_and_keep(message: str) -> None:
        report.warnings.append(message)
        if warn is not None:
            warn(message)

    def progress(articles: int, quotations: int) -> None:
        if on_progress is not None:
            on_progress(articles, quotations)

    def finish(store: QuoteStore | str | os.PathLike[str]) -> None:
        _finish(store, report, summarise, on_summary, warn_and_keep)

    if precheck:
        check_inputs(paths, skip_bad=skip_bad, warn=None, max_chars=max_chars, article_id=article_id)
    articles = iter_articles(paths, skip_bad=skip_bad, warn=warn_and_keep, max_chars=max_chars, article_id=article_id)

    if engine == "dask":
        from kg.parallel.dask_engine import build_dask

        build_dask(
            articles,
            store_path,
            report=report,
            progress=progress,
            workers=workers,
            scheduler=scheduler,
            shard_dir=Path(shard_dir) if shard_dir is not None else default_shard_dir(store_path),
            load=load,
            force=force,
            partition_size=partition_size,
            warn=warn_and_keep,
        )
        if load:
            finish(store_path)
        return report
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}; expected 'local' or 'dask'")
    if workers > 1:
        from kg.parallel.workers import build_local

        build_local(articles, store_path, report=report, progress=progress, workers=workers, force=force,
                    warn=warn_and_keep)
        finish(store_path)
        return report

    from kg.analysis import analyse_many
    from kg.nlp import load_nlp

    nlp = nlp or load_nlp()
    with QuoteStore.open(store_path) as store:
        stored = StoredArticles.of(store, force=force)

        def changed(articles: Iterator[Article]) -> Iterator[Article]:
            for article in articles:
                if stored.triage(article, report, warn_and_keep) == "unchanged":
                    report.articles_skipped += 1
                    progress(1, 0)
                    if on_article is not None:
                        on_article(None)
                    continue
                yield article

        for analysis in analyse_many(changed(articles), nlp):
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
    return report


def _finish(
    store: QuoteStore | str | os.PathLike[str],
    report: BuildReport,
    summarise: bool,
    on_summary: Callable[[], None] | None,
    warn: Callable[[str], None],
) -> None:
    """After the articles: the corpus entities (kg.identity.corpus, in the identity graph, with the
    alias rules stored there) and the summary graph (kg.summary.refresh), which counts them."""
    if not isinstance(store, QuoteStore):
        with QuoteStore.open(store) as opened:
            _finish(opened, report, summarise, on_summary, warn)
        return
    _summarise(store, report, summarise, on_summary)


def _summarise(store: QuoteStore, report: BuildReport, enabled: bool, on_start: Callable[[], None] | None) -> None:
    """Recompute the summary graph when this build wrote articles or the store has none (unless
    disabled), and record whether it is current.

    A few per cent of the build it follows (three aggregate queries, a count of co-quoted pairs and a
    diff against the stored counts: ~10 s per million quads), and an unchanged store is left alone.
    """
    current = has_summary(store)
    if enabled and (report.articles_built or not current):
        if on_start is not None:
            on_start()
        report.summary = refresh_summary(store)
        current = True
    report.summary_current = current
