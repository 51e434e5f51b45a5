"""Parallel and distributed builds: the same extraction as `kg.pipeline.build`, on more CPUs.

* `workers.build_local` — a process pool on one machine (`kg build --workers N`): workers parse
  and return each article's graph as N-Triples text; the parent writes them in input order.
* `dask_engine.build_dask` — a Dask cluster (`kg build --engine dask`): each task writes one
  N-Quads shard file (`shards`), which the client then loads into the store.

Both stream: input is read lazily and only a bounded number of batches is in flight.  Nothing
here imports dask until the dask engine is asked for.
"""

from kg.parallel.results import ArticleResult, article_result, extract_batch

__all__ = ["ArticleResult", "article_result", "extract_batch"]
