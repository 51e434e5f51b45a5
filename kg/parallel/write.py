"""Writing worker output into the store: Dask shards through the raw pyoxigraph handle
(`QuoteStore.ox`), and the periodic flush of RocksDB's buffers.  Articles from pool workers go
through `QuoteStore.replace_article_ntriples` (one transaction each).

Kept here rather than in kg.store so the parallel engines need no new store API: shard loading
keeps the store's guarantee that an article is never half-written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pyoxigraph as ox

from kg.errors import StoreError
from kg.store import QuoteStore
from kg.store.messages import store_error


def load_shard(store: QuoteStore, path: str | os.PathLike[str], graphs: Iterable[str]) -> None:
    """Replace the named graphs of one shard with its N-Quads.

    Two transactions: the DROP of the shard's graphs, then `Store.load` of the file (transactional,
    and the file is small: one partition).  A crash in between leaves those articles absent, not
    half-written; absent articles have no content hash in the store, so the next build redoes them.
    """
    drops = " ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in graphs)
    store.invalidate_summary()
    try:
        if drops:
            store.ox.update(drops)
        store.ox.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except SyntaxError as err:
        raise StoreError(f"shard {path} is not valid N-Quads ({err}); delete it and rebuild") from None
    except OSError as err:
        raise store_error(store.path, err, "write") from None


class PeriodicFlush:
    """Calls `store.flush()` every `every` articles written.

    Without it the writing process's RSS climbs by hundreds of MB per thousand articles and only
    levels off at ~2.2 GB (RocksDB keeps the written data in memory buffers); flushing them to
    disk now and then keeps the writer at a few hundred MB (measured in benchmarks/README.md).
    """

    def __init__(self, store: QuoteStore, every: int = 500) -> None:
        self.store, self.every, self.pending = store, every, 0

    def wrote(self, articles: int = 1) -> None:
        self.pending += articles
        if self.pending >= self.every:
            self.pending = 0
            self.store.flush()
