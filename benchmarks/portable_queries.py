"""The saved queries' plain SPARQL 1.1 forms (queries/*.rq) against their Oxigraph-only forms
(queries/oxigraph/*.rq, LATERAL) on one store: best of N wall-clock seconds per query.

    .venv/bin/python benchmarks/portable_queries.py --store /tmp/kg-2k.db [--repeat 3]

The numbers are in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kg.query.named import list_named, parse_value
from kg.store import QuoteStore

CASES = [
    ("top-speakers", {"top": "20"}), ("top-speakers", {}),
    ("speakers-quoted-together", {"top": "20"}), ("speakers-quoted-together", {}),
    ("statements-per-event", {"top": "20"}), ("statements-per-event", {}),
    ("addressees", {"top": "20"}), ("addressees", {}),
    ("who-said-what-about", {"entity": "iraq"}),
    ("quotes-by-organisation", {"org": "pentagon"}), ("quotes-by-organisation", {}),
]


def best(store: QuoteStore, sparql: str, repeat: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = sum(1 for _ in store.query(sparql))  # type: ignore[union-attr]
        times.append(time.perf_counter() - start)
    return min(times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    queries = {q.name: q for q in list_named()}
    with QuoteStore.open(args.store, read_only=True) as store:
        quads = len(store.ox)
        print(f"{args.store}: {quads:,} quads")
        print("| query | params | rows | SPARQL 1.1 (s) | Oxigraph form (s) |")
        print("|---|---|---|---|---|")
        for name, params in CASES:
            query = queries[name]
            bindings = {k: parse_value(v) for k, v in params.items()}
            portable, rows = best(store, query.bound(bindings), args.repeat)
            fast = "—"
            if query.oxigraph_sparql is not None:
                seconds, fast_rows = best(store, query.bound(bindings, oxigraph=True), args.repeat)
                assert fast_rows == rows, (name, params, rows, fast_rows)
                fast = f"{seconds:.3f}"
            shown = " ".join(f"{k}={v}" for k, v in params.items()) or "—"
            print(f"| {name} | {shown} | {rows:,} | {portable:.3f} | {fast} |")


if __name__ == "__main__":
    main()
