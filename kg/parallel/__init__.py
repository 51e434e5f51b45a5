"""Parallel and distributed builds: the same extraction as `kg.pipeline.build`, on more CPUs.

* `workers.build_local` — a process pool on one machine (`kg build --workers N`): workers parse
  and return each article's graph as N-Triples text; the parent writes them in input order.
* `dask_engine.build_dask` — a Dask cluster (`kg build --engine dask`): each task writes one
  N-Quads shard file (`shards`), which the client then loads into the store.

Both stream: input is read lazily and only a bounded number of batches is in flight.  This
package imports nothing itself, so `kg.parallel.write` (store helpers) costs no spaCy import,
and dask is imported only by `dask_engine`, when that engine is asked for.
"""
