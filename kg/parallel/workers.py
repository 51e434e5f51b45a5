"""`kg build --workers N`: extraction in a local process pool, writes in the parent.

Why this shape:
* spawn/forkserver, never fork: the parent holds an open RocksDB store and spaCy/BLAS state that
  must not be duplicated into children.
* The model is loaded once per worker by the pool initializer and kept in a module global; tasks
  carry only articles, never the model.
* RocksDB takes one writer, so workers return N-Triples text and the parent does every write,
  one transaction per article, in input order (the same final store as a serial build even when
  an id repeats).
* Bounded in flight: at most `2 × workers` batches are submitted ahead of the oldest unwritten
  one (`Executor.map` would queue the whole corpus), so memory stays flat on huge inputs.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from spacy.language import Language

from kg.build_state import BuildReport, StoredArticles
from kg.errors import KgError
from kg.model import Article
from kg.parallel.batching import batched
from kg.parallel.results import ArticleResult, extract_batch
from kg.store import QuoteStore

BATCH_SIZE = 8  # articles per task: amortises pickling/IPC, small enough to keep workers busy
IN_FLIGHT_PER_WORKER = 2

_nlp: Language | None = None  # the worker's model, loaded once by _init_worker


def _init_worker() -> None:
    global _nlp
    # Ctrl-C reaches the whole process group; only the parent should react (it shuts the pool
    # down), otherwise every worker prints its own KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from kg.nlp import load_nlp

    _nlp = load_nlp()


def _extract(batch: list[Article]) -> list[ArticleResult]:
    if _nlp is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker model not loaded")
    return extract_batch(batch, _nlp)


def pool_context() -> multiprocessing.context.BaseContext:
    """forkserver where available, else spawn.

    The fork server is a clean process (no store, no threads) that imports spaCy, rdflib and
    kg once; each worker forks from it and only has to load the model, instead of paying the
    imports again as a spawned worker would.  (The preload applies when this process starts
    its fork server, i.e. on the first pool.)
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["__main__", "kg.parallel.results"])
    return ctx


def build_local(
    articles: Iterator[Article],
    store_path: str | os.PathLike[str],
    *,
    report: BuildReport,
    progress: Callable[[int, int], None],
    workers: int,
    force: bool = False,
    batch_size: int = BATCH_SIZE,
    warn: Callable[[str], None] | None = None,
) -> None:
    with QuoteStore.open(store_path) as store:
        stored = StoredArticles.of(store, force=force)

        def write(results: list[ArticleResult]) -> None:
            for result in results:
                store.replace_article_ntriples(result.graph_iri, result.ntriples)
                report.record(result.quotations, result.by_type)
                progress(1, result.quotations)

        pool = ProcessPoolExecutor(max_workers=workers, mp_context=pool_context(), initializer=_init_worker)
        pending: deque[Future[list[ArticleResult]]] = deque()
        try:
            for batch in batched(stored.changed(articles, report, progress, warn), batch_size):
                pending.append(pool.submit(_extract, batch))
                while len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                    write(pending.popleft().result())
            while pending:
                write(pending.popleft().result())
        except BrokenProcessPool:
            raise KgError(
                "a build worker died (killed, or out of memory?); the articles written so far are kept, "
                "rerun to finish"
            ) from None
        except BaseException:
            # An error or Ctrl-C: workers hold nothing worth saving (the parent does every write),
            # so stop them now instead of letting them finish the batches already queued.
            _stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    # ProcessPoolExecutor has no public way to do this before Python 3.14 (terminate_workers).
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()
