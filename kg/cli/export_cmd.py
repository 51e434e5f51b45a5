"""Command: `kg export` — the store as Turtle, N-Quads, JSON-LD, GraphML or CSV."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import command
from kg.cli.options import DEFAULT_STORE, OutputOption, StoreOption, format_from_extension, format_option
from kg.errors import UsageError
from kg.store import QuoteStore


class GraphmlFlavour(str, Enum):
    full = "full"
    speakers = "speakers"


class ExportFormat(str, Enum):
    turtle = "turtle"
    nquads = "nquads"
    jsonld = "jsonld"
    graphml = "graphml"
    csv = "csv"


# The format an -o name asks for when --format is not given ("/": a directory of CSV tables).
FORMAT_OF_EXTENSION = {
    ".ttl": "turtle", ".turtle": "turtle",
    ".nq": "nquads", ".nquads": "nquads",
    ".jsonld": "jsonld", ".json": "jsonld",
    ".graphml": "graphml",
    ".csv": "csv", "/": "csv",
}


@command("export", example="kg export --store kg.db -o graph.graphml")
def export_command(
    out: OutputOption,
    fmt: Annotated[
        ExportFormat | None,
        format_option("Output format (default: from the -o extension: .ttl .nq .jsonld .graphml .csv, a directory "
                      "→ csv; turtle for `-` and devices)."),
    ] = None,
    store: StoreOption = DEFAULT_STORE,
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

    The format follows the -o extension unless --format is given; an extension with no format is refused (exit 2). csv writes quotations.csv, entities.csv and events.csv into a directory, or the single table named by the file (e.g. -o entities.csv); to standard output it writes quotations. GraphML --flavour speakers: speakers and the entities they talk about, with weighted QUOTED_ABOUT and CO_QUOTED edges.
    """
    from kg.export import export

    if fmt is None:
        if Path(out).suffix.lower() in (".html", ".htm"):
            raise UsageError(f"kg export does not write HTML ({out}): `kg report -o {out}` does")
        fmt = ExportFormat(format_from_extension(out, FORMAT_OF_EXTENSION, stream_default="turtle", what="export"))
    if flavour is not None and fmt is not ExportFormat.graphml:
        raise UsageError("--flavour applies to --format graphml only")
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
    # kg.export.export() knows formats, not flavours; the same atomic write (kg.output).
    from kg.export import ExportError
    from kg.export.graphml import write_speaker_graphml
    from kg.output import write_output

    with QuoteStore.open(store, read_only=True) as st:
        if out == "-":
            sys.stdout.flush()
            write_speaker_graphml(st, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return
        write_output(out, lambda f: write_speaker_graphml(st, f), error=ExportError)
    typer.echo(f"wrote {out}", err=True)
