"""export stage: the store as Turtle, N-Quads, JSON-LD, GraphML or CSV tables.

Every exporter is deterministic: the same store content gives byte-identical files, whatever the
order articles were built in.  Files are written to a temporary sibling and renamed, so a failed
export never leaves a truncated file behind; devices, FIFOs, /dev/stdout and symlinks are written
through (kg.output).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO

from kg.export.csv import TABLES, write_table
from kg.output import OutputError, is_stream_target, write_output
from kg.plugins import Registry
from kg.store import QuoteStore

Writer = Callable[[QuoteStore, IO[bytes]], None]

# One file per format, by name; a format's module is imported only when it is exported (csv,
# several tables, is handled apart below).
WRITERS: Registry[Writer] = Registry("export format")
WRITERS.register("turtle", "kg.export.turtle", "write_turtle")
WRITERS.register("nquads", "kg.export.nquads", "write_nquads")
WRITERS.register("jsonld", "kg.export.jsonld", "write_jsonld")
WRITERS.register("graphml", "kg.export.graphml", "write_graphml")
FORMATS: tuple[str, ...] = (*WRITERS.names(), "csv")


class ExportError(OutputError):
    """An export that cannot be written (unknown format, bad output path)."""


def export(store: QuoteStore, fmt: str, out: str | os.PathLike[str] | IO[bytes]) -> list[Path]:
    """Write `store` as `fmt` to `out` (a path or a binary stream); returns the files written.

    csv: `out` a directory → quotations.csv, entities.csv and events.csv in it; a path named
    after one table (e.g. entities.csv) → that table; a stream, device or FIFO → the quotations table.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if not isinstance(out, str | os.PathLike):
        if fmt == "csv":
            write_table(store, "quotations", out)
        else:
            WRITERS.get(fmt)(store, out)
        return []
    path = Path(out)
    if fmt != "csv":
        _write_atomically(path, lambda f: WRITERS.get(fmt)(store, f))
        return [path]
    if path.suffix.lower() == ".csv":
        if path.stem not in TABLES:
            raise ExportError(
                f"cannot tell which table {path.name} is: name it {', '.join(t + '.csv' for t in TABLES)}, or give a directory"
            )
        _write_atomically(path, lambda f: write_table(store, path.stem, f))
        return [path]
    if is_stream_target(path):  # /dev/stdout, a FIFO, a terminal: one table, as for `-`
        _write_atomically(path, lambda f: write_table(store, "quotations", f))
        return [path]
    if path.exists() and not path.is_dir():
        raise ExportError(f"{path} is a file; csv export writes a directory of tables")
    written = []
    for name in TABLES:
        target = path / f"{name}.csv"
        _write_atomically(target, lambda f, name=name: write_table(store, name, f))
        written.append(target)
    return written


def _write_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Atomically for a regular file, through anything else (kg.output)."""
    write_output(path, write, error=ExportError)


__all__ = ["FORMATS", "ExportError", "export"]
