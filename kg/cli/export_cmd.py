"""Command: `kg export` — the store as Turtle, N-Quads, JSON-LD, GraphML or CSV."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.store import DEFAULT_STORE_PATH, QuoteStore


class GraphmlFlavour(str, Enum):
    full = "full"
    speakers = "speakers"


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
    flavour: Annotated[
        GraphmlFlavour | None,
        typer.Option(
            "--flavour",
            help="GraphML only: full (people, quotes, articles, events) or speakers (a weighted speaker network).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Export every article graph; the same store always gives byte-identical output.

    csv writes quotations.csv, entities.csv and events.csv into a directory, or the single table named by the file (e.g. -o entities.csv); to standard output it writes quotations. GraphML --flavour speakers: speakers and the entities they talk about, with weighted QUOTED_ABOUT and CO_QUOTED edges.
    """
    from kg.export import ExportError, export

    if flavour is not None and fmt is not ExportFormat.graphml:
        raise ExportError("--flavour applies to --format graphml only")
    if flavour is GraphmlFlavour.speakers:
        _export_speakers(store, out)
        return
    with QuoteStore.open(store, read_only=True) as st:
        if out == "-":
            sys.stdout.flush()  # anything already printed goes first
            export(st, fmt.value, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return
        written = export(st, fmt.value, out)
    for path in written:
        typer.echo(f"wrote {path}", err=True)


def _export_speakers(store: Path, out: str) -> None:
    # kg.export.export() knows formats, not flavours; the same atomic write, reused.
    from kg.export import _write_atomically
    from kg.export.graphml import write_speaker_graphml

    with QuoteStore.open(store, read_only=True) as st:
        if out == "-":
            sys.stdout.flush()
            write_speaker_graphml(st, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return
        _write_atomically(Path(out), lambda f: write_speaker_graphml(st, f))
    typer.echo(f"wrote {out}", err=True)
