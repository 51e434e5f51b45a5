"""The store at size: bulk-load time, query latency and export times on a big store.

Given a store built by `kg build` (e.g. by `scaling.py` on a 1k or 10k corpus: ≥ 1 M triples),
it measures, in one process:

  load     the store dumped as N-Quads, then loaded into a fresh store two ways: the way
           `kg build --engine dask` loads its shards (`Store.load`, one transaction per file)
           and pyoxigraph's `bulk_load` (no transaction; what `oxigraph load` uses) — ratio
           of ours to bulk_load
  queries  every SPARQL example of the docs (docs/queries.md, docs/extraction.md: the README's
           examples before they moved, numbered as then: "README #N") and every saved query in queries/ (parameters
           taken from the store: its most quoted speaker and organisation), plus the queries
           behind `kg stats` and `kg quotes --speaker`; each run --repeat times, median wall
           time, rows returned, results consumed completely
  exports  `kg export` Turtle, N-Quads, GraphML (full and speakers flavours) to temporary files,
           against Oxigraph's own N-Quads dump of the store (Rust end to end, unsorted: the floor
           for writing every quad out once); ours sort, so exports are byte-identical across builds

Nothing is asserted; the numbers are printed as a Markdown table.

    .venv/bin/python benchmarks/store_at_size.py --store /tmp/scale/store-10000-2 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.export import WRITERS  # noqa: E402
from kg.export.graphml import write as write_graphml  # noqa: E402
from kg.query.named import list_named, parse_value  # noqa: E402
from kg.query.quotes import quote_rows  # noqa: E402
from kg.query.stats import stats  # noqa: E402
from kg.store import QuoteStore  # noqa: E402

README_SPARQL = re.compile(r"```sparql\n(.*?)```", re.S)

_TOP_SPEAKER = """
SELECT ?name (COUNT(?q) AS ?n) WHERE {
  GRAPH ?g { ?q a schema:Quotation ; schema:spokenByCharacter ?p . ?p a schema:Person ; schema:name ?name }
} GROUP BY ?name ORDER BY DESC(?n) ?name LIMIT 1"""
_TOP_ORG = """
SELECT ?name (COUNT(?q) AS ?n) WHERE {
  GRAPH ?g { ?q a schema:Quotation ; schema:spokenByCharacter ?o . ?o a schema:Organization ; schema:name ?name }
} GROUP BY ?name ORDER BY DESC(?n) ?name LIMIT 1"""


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def median_time(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        seconds, result = timed(func)
        times.append(seconds)
    return statistics.median(times), result


def first_value(store: QuoteStore, sparql: str) -> str:
    rows = list(store.query(sparql))  # type: ignore[arg-type]
    return str(rows[0][0].value) if rows else "nobody"


def query_cases(store: QuoteStore) -> list[tuple[str, Callable[[], int]]]:
    """(label, run) pairs; run() consumes the whole result and returns its row count."""
    cases: list[tuple[str, Callable[[], int]]] = []
    examples = [ex for doc in ("docs/queries.md", "docs/extraction.md")
                for ex in README_SPARQL.findall((REPO / doc).read_text(encoding="utf-8"))]
    for n, sparql in enumerate(examples):
        first_line = next((ln for ln in sparql.splitlines() if ln.strip().startswith("#")), "").strip("# ").strip()
        label = f"README #{n + 1}" + (f" ({first_line[:45]})" if first_line else "")
        cases.append((label, lambda q=sparql: sum(1 for _ in store.query(q))))  # type: ignore[misc]
    speaker, org = first_value(store, _TOP_SPEAKER), first_value(store, _TOP_ORG)
    values = {"entity": speaker, "org": org, "top": "20"}  # the saved queries' parameter names
    for named in list_named():
        # Optional parameters are bound too (a user asking about one organisation), and the
        # query is also timed without them when it has any (the whole listing).
        bindings = {p.name: parse_value(values.get(p.name, speaker)) for p in named.params}
        if any(p.optional for p in named.params):
            required = {p.name: bindings[p.name] for p in named.params if not p.optional}
            cases.append((f"saved `{named.name}` (no optional parameters)",
                          lambda q=named.sparql, b=required: sum(1 for _ in store.query(q, bindings=b))))
        label = f"saved `{named.name}`" + (f" ({', '.join(f'{k}={v.value}' for k, v in bindings.items())})" if bindings else "")
        cases.append((label, lambda q=named.sparql, b=bindings: sum(1 for _ in store.query(q, bindings=b))))
    cases.append(("`kg stats`", lambda: len(stats(store))))
    cases.append((f"`kg quotes --speaker {speaker}`", lambda: len(quote_rows(store, speaker))))
    return cases


def measure_load(store: QuoteStore, workdir: Path) -> list[tuple[str, float, str]]:
    dump = workdir / "dump.nq"
    seconds, _ = timed(lambda: store.ox.dump(str(dump), ox.RdfFormat.N_QUADS))
    rows = [("dump to N-Quads (Oxigraph)", seconds, f"{dump.stat().st_size / 1e6:,.0f} MB")]
    fresh = ox.Store(str(workdir / "load-ours"))
    ours, _ = timed(lambda: fresh.load(path=str(dump), format=ox.RdfFormat.N_QUADS))
    rows.append(("`Store.load`, one transaction (as `--engine dask` loads each shard; here one file)", ours,
                 f"{len(fresh):,} quads"))
    fresh = None  # type: ignore[assignment]  # closes it before the next load
    bulk = ox.Store(str(workdir / "load-bulk"))
    base, _ = timed(lambda: bulk.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS))
    rows.append(("bulk_load (`oxigraph load`), baseline", base, f"ours / bulk = {ours / base:.2f}"))
    return rows


def measure_exports(store: QuoteStore, workdir: Path) -> list[tuple[str, float, str]]:
    out = workdir / "export.out"
    rows = []
    raw, _ = timed(lambda: store.ox.dump(str(out), ox.RdfFormat.N_QUADS))
    rows.append(("Oxigraph's own N-Quads dump, unsorted, no Python (baseline)", raw,
                 f"{out.stat().st_size / 1e6:,.0f} MB"))
    writers: list[tuple[str, Callable[[Any], None]]] = [
        ("`kg export --format turtle`", lambda f: WRITERS["turtle"](store, f)),
        ("`kg export --format nquads`", lambda f: WRITERS["nquads"](store, f)),
        ("`kg export --format graphml`", lambda f: write_graphml(store, f, "full")),
        ("`kg export --format graphml --flavour speakers`", lambda f: write_graphml(store, f, "speakers")),
    ]
    for label, write in writers:
        def run(w: Callable[[Any], None] = write) -> None:
            with open(out, "wb") as f:
                w(f)
        seconds, _ = timed(run)
        rows.append((label, seconds, f"{out.stat().st_size / 1e6:,.1f} MB; {seconds / raw:.1f}× the baseline"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", required=True, type=Path, help="a store made by kg build")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query; the median is reported")
    parser.add_argument("--skip-load", action="store_true", help="skip the dump/load measurement")
    parser.add_argument("--skip-exports", action="store_true", help="skip the export measurement")
    parser.add_argument("--only", type=re.compile, metavar="REGEX",
                        help="time only the queries whose label matches (e.g. 'README #1|top=20')")
    args = parser.parse_args(argv)
    with QuoteStore.open(args.store, read_only=True) as store:
        quads = len(store.ox)
        counts = stats(store)
        print(f"store {args.store}: {quads:,} quads, {counts.get('articles', 0):,} articles, "
              f"{counts.get('quotations', 0):,} quotations; pyoxigraph {ox.__version__}")
        with tempfile.TemporaryDirectory(prefix="qg-store-size-", dir=os.environ.get("QG_BENCH_TMP")) as tmp:
            workdir = Path(tmp)
            if not args.skip_load:
                print("\n| step | wall s | note |\n|---|--:|---|")
                for label, seconds, note in measure_load(store, workdir):
                    print(f"| {label} | {seconds:.1f} | {note} |")
            print(f"\n| query | median s (of {args.repeat}) | rows |\n|---|--:|--:|")
            for label, run in query_cases(store):
                if args.only and not args.only.search(label):
                    continue
                run()  # warm the caches once; the median is over the repeats after it
                seconds, rows = median_time(run, args.repeat)
                print(f"| {label} | {seconds:.3f} | {rows:,} |")
            if not args.skip_exports:
                print("\n| export | wall s | size; vs baseline |\n|---|--:|---|")
                for label, seconds, note in measure_exports(store, workdir):
                    print(f"| {label} | {seconds:.1f} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
