"""Command: `kg export` — the store as Turtle, N-Quads, JSON-LD, GraphML or CSV."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.store import DEFAULT_STORE_PATH, QuoteStore


class ExportFormat(str, Enum):
    turtle = "turtle"
    nquads = "nquads"
    jsonld = "jsonld"
    graphml = "graphml"
    csv = "csv"


@app.command("export")
def export_command(
    out: Annotated[
        str,
        typer.Option(
            "-o",
            "--output",
            help="Output file (`-` = standard output); for csv a directory or TABLE.csv.",
            show_default=False,
        ),
    ],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Output format.")] = ExportFormat.turtle,
    store: Annotated[
        Path, typer.Option("--store", help="Store directory (as written by `kg build`).")
    ] = DEFAULT_STORE_PATH,
) -> None:
    """Export every article graph; the same store always gives byte-identical output.

    csv writes quotations.csv, entities.csv and events.csv into a directory, or the single table named by the file (e.g. -o entities.csv); to standard output it writes quotations.
    """
    from kg.export import export

    with QuoteStore.open(store, read_only=True) as st:
        if out == "-":
            sys.stdout.flush()  # anything already printed goes first
            export(st, fmt.value, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return
        written = export(st, fmt.value, out)
    for path in written:
        typer.echo(f"wrote {path}", err=True)
