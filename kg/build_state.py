"""What a build reports (BuildReport) and what it finds already stored (StoredArticles: which
incoming articles are new, unchanged or replacing another), shared by kg.pipeline and the engines
of kg.parallel, below both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from kg.graph import article_iri, article_key
from kg.model import Article
from kg.store import QuoteStore

if TYPE_CHECKING:
    from kg.summary.refresh import SummaryReport

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

    def changed(
        self,
        articles: Iterable[Article],
        report: BuildReport,
        progress: ProgressFn,
        warn: Callable[[str], None] | None = None,
        on_skipped: Callable[[], None] | None = None,
    ) -> Iterator[Article]:
        """The articles to build: unchanged ones are counted as skipped (and reported to
        `progress`, then `on_skipped`) instead."""
        for article in articles:
            if self.triage(article, report, warn) == "unchanged":
                report.articles_skipped += 1
                progress(1, 0)
                if on_skipped is not None:
                    on_skipped()
                continue
            yield article
