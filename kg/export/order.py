"""The canonical order every RDF exporter writes in: by subject, rdf:type first, then predicate
and object, all compared as N-Triples text.  It depends on content only, never on insertion
order, store internals or Python's per-process hashing.

The sort runs in bounded memory (`sorted_distinct_lines`, also used for N-Quads): Oxigraph writes
the lines to a temporary file (in Rust), runs of `RUN_LINES` lines are sorted in memory and
spilled to their own files, and the runs are merged (`heapq.merge`), equal neighbours dropped —
the triples of the union, each once.  Sorting the whole union in memory took 2.4 GB of RSS for
a 3 M-quad store's Turtle export; this takes 0.6 GB, in the same time.
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg.store import QuoteStore
from kg.store.oxstore import SUMMARY_GRAPH_IRI

# Exports hold the articles, not the summary graph's counts derived from them (kg.store.summary):
# `kg summarise` recomputes those after a reload.
_SUMMARY = ox.NamedNode(SUMMARY_GRAPH_IRI)
_SUMMARY_QUAD_END = f" {_SUMMARY} .".encode()

_RDF_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RUN_LINES = 500_000  # lines sorted in memory at a time (~150 MB of N-Triples with their keys)


def _line_key(line: bytes) -> tuple[bytes, bool, bytes]:
    # Canonical N-Triples: single spaces between terms and none inside IRIs or blank node
    # labels, so the first two fields are exactly the subject and predicate.
    subject, predicate, _ = line.split(b" ", 2)
    return subject, predicate != _RDF_TYPE, line


def _dump_union(store: QuoteStore, path: Path) -> None:
    """Every triple of every graph (default and named, but the summary) as N-Triples lines; a
    triple held by several graphs is written once per graph."""
    with path.open("wb") as out:
        store.ox.dump(out, ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        for graph in store.ox.named_graphs():
            if graph != _SUMMARY:
                store.ox.dump(out, ox.RdfFormat.N_TRIPLES, from_graph=graph)


def _spill_runs(
    source: Path, workdir: Path, key: Callable[[bytes], Any] | None, keep: Callable[[bytes], bool] | None
) -> list[Path]:
    runs: list[Path] = []

    def spill(lines: set[bytes]) -> None:
        run = workdir / f"{source.stem}-run-{len(runs)}.nt"  # sorts sharing a directory never collide
        run.write_bytes(b"".join(line + b"\n" for line in sorted(lines, key=key)))
        runs.append(run)

    chunk: set[bytes] = set()
    with source.open("rb") as lines:
        for line in lines:
            line = line.rstrip(b"\n")
            if line and (keep is None or keep(line)):
                chunk.add(line)
            if len(chunk) >= RUN_LINES:
                spill(chunk)
                chunk = set()
    if chunk:
        spill(chunk)
    return runs


def sorted_distinct_lines(
    source: Path, key: Callable[[bytes], Any] | None = None, keep: Callable[[bytes], bool] | None = None
) -> Iterator[bytes]:
    """The distinct non-empty lines of the file `source` (without newlines) for which `keep` is
    true (all when None), sorted by `key` (plain bytes order when None), in bounded memory: sorted
    runs spilled beside `source`, then merged.  `source` is deleted once split into runs."""
    with ExitStack() as stack:
        runs = _spill_runs(source, source.parent, key, keep)
        source.unlink()
        files: list[IO[bytes]] = [stack.enter_context(run.open("rb")) for run in runs]
        streams = [(line.rstrip(b"\n") for line in f) for f in files]
        previous = None
        for line in heapq.merge(*streams, key=key):
            if line != previous:
                yield line
                previous = line


@contextmanager
def sort_workspace() -> Iterator[Path]:
    """A temporary directory for one sort; a failure inside it (a full disk) says where, so the
    error is not taken for one writing the export itself."""
    with tempfile.TemporaryDirectory(prefix="qg-sort-") as tmp:
        try:
            yield Path(tmp)
        except OSError as err:
            raise OSError(
                err.errno, f"{err.strerror or err} (while sorting in {tmp}; set TMPDIR to a disk with room)"
            ) from None


def iter_sorted_union_lines(store: QuoteStore) -> Iterator[bytes]:
    """Distinct N-Triples lines of the union (without newlines), in canonical order."""
    with sort_workspace() as tmp:
        union = tmp / "union.nt"
        _dump_union(store, union)
        yield from sorted_distinct_lines(union, key=_line_key)


def iter_sorted_quad_lines(store: QuoteStore) -> Iterator[bytes]:
    """Every quad but the summary graph's as an N-Quads line (without newline), in bytes order
    (`LC_ALL=C sort`).  pyoxigraph writes canonical N-Quads, one quad per line with newlines
    inside literals escaped, so sorting the lines sorts the quads, and a line ending in the
    summary graph's IRI is a quad of that graph (kg writes nothing to the default graph); the
    store holds each quad once, so dropping equal lines drops nothing."""
    with sort_workspace() as tmp:
        dump = tmp / "dump.nq"
        store.ox.dump(str(dump), ox.RdfFormat.N_QUADS)
        yield from sorted_distinct_lines(dump, keep=lambda line: not line.endswith(_SUMMARY_QUAD_END))


def sorted_union_triples(store: QuoteStore) -> Iterator[ox.Triple]:
    """The union's distinct triples in canonical order (`iter_sorted_union_lines`), as pyoxigraph
    Triples for the serialisers, parsed back from a sorted file."""
    with sort_workspace() as tmp:
        path = tmp / "sorted.nt"
        with path.open("wb") as out:
            for line in iter_sorted_union_lines(store):
                out.write(line + b"\n")
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            yield quad.triple
