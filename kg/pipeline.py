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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kg.build_state import BuildReport, ProgressFn
from kg.model import Analysis
from kg.parallel import ENGINES
from kg.read import DEFAULT_MAX_CHARS, check_inputs, iter_articles
from kg.store import DEFAULT_STORE_PATH, QuoteStore
from kg.summary.refresh import refresh_summary
from kg.summary.state import has_summary

if TYPE_CHECKING:  # spaCy loads in ~1 s: only building needs it, not `kg query` or `kg --help`
    from spacy.language import Language

DEFAULT_STORE = DEFAULT_STORE_PATH  # one default store path, kg.store's
DEFAULT_PARTITION_SIZE = 200  # articles per Dask task / shard: big enough to amortise scheduling

Engine = Literal["local", "dask"]


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
        ENGINES.get("dask")(
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
        ENGINES.get("workers")(articles, store_path, report=report, progress=progress, workers=workers, force=force,
                               warn=warn_and_keep)
        finish(store_path)
        return report
    ENGINES.get("local")(articles, store_path, report=report, progress=progress, force=force, warn=warn_and_keep,
                         finish=finish, nlp=nlp, on_article=on_article)
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
