"""`kg build --engine dask`: extraction on a Dask cluster, one N-Quads shard per partition.

The client reads the input lazily, cuts it into partitions of `partition_size` articles (in input
order, before the unchanged-article filter, so partition boundaries do not move when part of the
corpus is already stored), and submits one task per partition that still has work.  Each task
writes one shard file (kg.parallel.shards) and returns its header; the client loads shards into
the store in input order.  At most ~2 tasks per worker thread are in flight, so neither the
client nor the scheduler ever holds the corpus.

The shard directory must be visible to the client and every worker at the same path (a shared
filesystem for a multi-machine cluster); quotegraph must be installed on the workers.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import dask
from distributed import Client, Future, LocalCluster, WorkerPlugin

from kg.build_state import BuildReport, StoredArticles
from kg.errors import KgError
from kg.model import Article
from kg.parallel.batching import batched
from kg.parallel.results import extract_batch
from kg.parallel.shards import ShardInfo, read_header, shard_path, write_shard
from kg.parallel.write import load_shard
from kg.store import QuoteStore

if TYPE_CHECKING:
    from spacy.language import Language

# The worker's statistical profiler and system monitor sample the compute thread's stack every
# few ms; on spaCy's deep stacks that cost ~20% of the workers' CPU in benchmarks/scaling.py
# runs.  Set for the local cluster; for a cluster of your own, set the same on its workers
# (DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False, DASK_DISTRIBUTED__ADMIN__SYSTEM_MONITOR__GIL__ENABLED=False).
WORKER_CONFIG = {"distributed.worker.profile.enabled": False, "distributed.admin.system-monitor.gil.enabled": False}
DEFAULT_CONNECT_TIMEOUT = 10.0  # seconds; distributed's own default (30 s) is long for a typo
IN_FLIGHT_PER_THREAD = 2

# ---------------------------------------------------------------------------- worker side

_model_lock = threading.Lock()


def _worker_nlp() -> Language:
    """The worker process's model: `load_nlp` is lru_cached, so this loads it once per process.

    Callers hold `_model_lock`, which serialises parsing too: a spaCy pipeline is not documented
    as thread-safe, and a worker started with several threads would otherwise share one.  Run
    workers with one thread each (`dask worker --nthreads 1`) and more processes instead.
    """
    from kg.nlp import load_nlp

    return load_nlp()


class LoadModel(WorkerPlugin):
    """Loads the spaCy model when a worker starts, so the first task is not slower than the rest."""

    name = "quotegraph-model"

    async def setup(self, worker: object) -> None:
        # In a thread: loading takes seconds, and blocking the worker's event loop that long
        # would miss heartbeats and log "event loop was unresponsive" warnings.
        await asyncio.get_running_loop().run_in_executor(None, self._load)

    @staticmethod
    def _load() -> None:
        with _model_lock:
            _worker_nlp()


def extract_partition(articles: list[Article], path: str) -> ShardInfo:
    """The task: analyse one partition and write its shard (atomically)."""
    with _model_lock:
        results = extract_batch(articles, _worker_nlp())
    return write_shard(Path(path), results)


# ---------------------------------------------------------------------------- client side


@contextmanager
def connect(scheduler: str | None, workers: int, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a fresh loopback-only LocalCluster."""
    if scheduler is None:
        # Nannies hand the config current at their creation to the worker processes they spawn.
        with dask.config.set(WORKER_CONFIG), LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # never the default 0.0.0.0:8787
            silence_logs=logging.ERROR,
        ) as cluster, Client(cluster) as client:
            client.register_plugin(LoadModel())
            yield client
        return
    try:
        client = Client(scheduler, timeout=timeout)
    # Whatever the connection attempt raises is a scheduler that cannot be reached: besides
    # OSError/TimeoutError, a loaded machine can have distributed's sync() cancel the attempt.
    except (Exception, asyncio.CancelledError) as err:
        reason = " ".join(str(err).split()) or type(err).__name__
        raise KgError(f"cannot connect to dask scheduler {scheduler!r}: {reason}") from None
    with client:
        client.register_plugin(LoadModel())
        yield client


@dataclass
class _Slot:
    """One partition on its way to the store: a running task, or a shard that already exists."""

    path: Path
    future: Future | None = None
    info: ShardInfo | None = None


def build_dask(
    articles: Iterator[Article],
    store_path: str | os.PathLike[str],
    *,
    report: BuildReport,
    progress: Callable[[int, int], None],
    workers: int,
    scheduler: str | None,
    shard_dir: Path,
    load: bool = True,
    force: bool = False,
    partition_size: int = 200,
    connect_timeout: float | None = None,
    warn: Callable[[str], None] | None = None,
) -> None:
    connect_timeout = DEFAULT_CONNECT_TIMEOUT if connect_timeout is None else connect_timeout

    shard_dir = shard_dir.absolute()  # workers may run elsewhere: never send a relative path
    try:
        shard_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise KgError(f"cannot create shard directory {shard_dir}: {err.strerror or err}") from None
    report.shard_dir, report.loaded = str(shard_dir), load

    # The store is opened before the cluster starts, so a locked or bad store fails in
    # milliseconds.  Without loading, the store is not consulted: the shards hold every article.
    store = QuoteStore.open(store_path) if load else None
    cluster = _LazyClient(scheduler, workers, connect_timeout)
    pending: deque[_Slot] = deque()
    try:
        stored = StoredArticles.of(store, force=force) if store is not None else StoredArticles({})

        def finish(slot: _Slot) -> None:
            if slot.future is not None:
                slot.info = slot.future.result()
                if not slot.path.exists():
                    raise KgError(
                        f"a dask worker wrote shard {slot.path} but this machine cannot see it: "
                        "--shards must be a directory shared by the client and all workers"
                    )
                report.shards_written += 1
            assert slot.info is not None
            if store is not None:  # there is a store to load into
                load_shard(store, slot.path, slot.info.graphs)
            report.record(slot.info.quotations, slot.info.by_type, articles=slot.info.articles)
            progress(slot.info.articles, slot.info.quotations)

        for partition in batched(articles, partition_size):
            todo = [a for a in partition if stored.triage(a, report, warn) != "unchanged"]
            if len(todo) < len(partition):
                report.articles_skipped += len(partition) - len(todo)
                progress(len(partition) - len(todo), 0)
            if not todo:
                continue
            path = shard_path(shard_dir, todo)
            info = None if force else read_header(path)
            if info is not None:
                report.shards_reused += 1
                pending.append(_Slot(path, info=info))
            else:
                future = cluster.client().submit(extract_partition, todo, str(path), pure=False)
                pending.append(_Slot(path, future=future))
            while len(pending) >= cluster.max_in_flight:
                finish(pending.popleft())
        while pending:
            finish(pending.popleft())
    finally:
        futures = [s.future for s in pending if s.future is not None]
        if futures:  # an error or Ctrl-C: stop the work nobody will collect
            cluster.client().cancel(futures)
        cluster.close()
        if store is not None:
            store.close()


class _LazyClient:
    """Connects (or starts the local cluster) on first use: a rerun whose shards all exist, or
    whose articles are all unchanged, never pays for starting workers."""

    def __init__(self, scheduler: str | None, workers: int, timeout: float) -> None:
        self._args = (scheduler, workers, timeout)
        self._stack = ExitStack()
        self._client: Client | None = None
        self.max_in_flight = max(2, IN_FLIGHT_PER_THREAD * workers)

    def client(self) -> Client:
        if self._client is None:
            self._client = self._stack.enter_context(connect(*self._args))
            threads = sum(self._client.nthreads().values()) or 1
            self.max_in_flight = max(2, IN_FLIGHT_PER_THREAD * threads)
        return self._client

    def close(self) -> None:
        self._stack.close()
