"""Sorting the lines of a file in bounded memory: runs sorted in memory and spilled to files, then
merged (`heapq.merge`), equal neighbours dropped.  Used by the exports (kg.export.order: canonical
N-Triples / N-Quads order) and by the summary graph's refresh (kg.summary.refresh: a diff of sorted
lines), so it imports nothing heavier than the standard library.
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

RUN_LINES = 500_000  # lines sorted in memory at a time (~150 MB of N-Triples with their keys)


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
