"""Make a derived named graph hold exactly a set of N-Triples lines, writing only the difference
(the identity graph, the quotation clusters and the summary graph are refreshed this way)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.store.oxstore import QuoteStore
from kg.store.sorting import sorted_distinct_lines


def differences(old: Iterator[bytes], new: Iterator[bytes]) -> Iterator[tuple[bool, bytes]]:
    """(added?, line) for the lines in one sorted stream and not the other."""
    o, n = next(old, None), next(new, None)
    while o is not None or n is not None:
        if n is None or (o is not None and o < n):
            yield False, o  # type: ignore[misc]
            o = next(old, None)
        elif o is None or n < o:
            yield True, n
            n = next(new, None)
        else:
            o, n = next(old, None), next(new, None)


def sync_graph(store: QuoteStore, graph: str, lines: Iterable[str], workdir: Path, batch: int = 50_000) -> int:
    """Make the named graph GRAPH hold exactly the N-Triples LINES, writing only the difference.

    The new lines and the stored ones are both written to files in WORKDIR, sorted on disk in
    bounded memory (kg.store.sorting) and compared line by line: a build that adds a few articles
    to a big store rewrites a few triples, not the whole graph (dropping and reloading the
    whole graph costs minutes on a big store).  Returns how many triples were added or removed."""
    new, old = workdir / f"{hashlib.sha1(graph.encode()).hexdigest()[:8]}-new.nt", workdir / "old.nt"
    with new.open("w", encoding="utf-8") as out:
        out.writelines(lines)
    store.ox.dump(str(old), ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    return write_differences(store, graph, old, new, batch)


def write_differences(store: QuoteStore, graph: str, old: Path, new: Path, batch: int = 50_000) -> int:
    """Remove from GRAPH the lines of file OLD not in NEW and add those of NEW not in OLD (both
    sorted on disk first), in batches of BATCH; returns how many triples were added or removed."""
    additions: list[bytes] = []
    removals: list[bytes] = []
    changed = 0
    for added, line in differences(sorted_distinct_lines(old), sorted_distinct_lines(new)):
        (additions if added else removals).append(line)
        changed += 1
        if len(additions) + len(removals) >= batch:
            store.write_derived(additions, removals, graph)
            additions, removals = [], []
    store.write_derived(additions, removals, graph)
    return changed
