"""Writing worker output into the store: Dask shards through the raw pyoxigraph handle
(`QuoteStore.ox`), counted towards the store's periodic flush of RocksDB's buffers.  Articles from
pool workers go through `QuoteStore.replace_article_ntriples` (one transaction each).

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
        store.wrote(_lines_in(path))
    except SyntaxError as err:
        raise StoreError(f"shard {path} is not valid N-Quads ({err}); delete it and rebuild") from None
    except OSError as err:
        raise store_error(store.path, err, "write") from None


def _lines_in(path: str | os.PathLike[str]) -> int:
    """The N-Quads lines of a shard (one partition: read in 1 MB pieces, never held whole)."""
    with open(path, "rb") as shard:
        return sum(piece.count(b"\n") for piece in iter(lambda: shard.read(1 << 20), b""))
