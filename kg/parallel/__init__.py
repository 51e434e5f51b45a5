"""The build engines, by name (`ENGINES`, a lazy registry: an engine's module is imported only
when it is asked for): the same extraction as `kg.pipeline.build`, on one CPU or more.

* `serial.build_serial` ("local") — one process, article after article (the default).
* `workers.build_local` ("workers") — a process pool on one machine (`kg build --workers N`): workers parse
  and return each article's graph as N-Triples text; the parent writes them in input order.
* `dask_engine.build_dask` — a Dask cluster (`kg build --engine dask`): each task writes one
  N-Quads shard file (`shards`), which the client then loads into the store.

Both stream: input is read lazily and only a bounded number of batches is in flight.  This
package imports nothing itself, so `kg.parallel.write` (store helpers) costs no spaCy import,
and dask is imported only by `dask_engine`, when that engine is asked for.
"""

from __future__ import annotations

from typing import Any

from kg.plugins import Registry

ENGINES: Registry[Any] = Registry("engine")
ENGINES.register("local", "kg.parallel.serial", "build_serial")
ENGINES.register("workers", "kg.parallel.workers", "build_local")
ENGINES.register("dask", "kg.parallel.dask_engine", "build_dask")
