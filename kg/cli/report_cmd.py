"""Command: `kg report` — the store as one self-contained HTML page of who said what."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.store import DEFAULT_STORE_PATH


@app.command("report")
def report_command(
    out: Annotated[
        str,
        typer.Option("-o", "--output", help="HTML file to write (`-` = standard output)."),
    ] = "report.html",
    store: Annotated[
        Path, typer.Option("--store", help="Store directory (as written by `kg build`).")
    ] = DEFAULT_STORE_PATH,
) -> None:
    """Write an HTML report: corpus summary, speakers, network, timeline and every article with its quotations highlighted.

    The page is self-contained (plotly.js and styles inline, nothing loaded from the network) and the same store always gives the same bytes.
    """
    # Imported here so `kg --help` does not pay for plotly and networkx.
    from kg.report import render_report, write_report
    from kg.store import QuoteStore

    if out == "-":
        with QuoteStore.open(store, read_only=True) as st:
            page = render_report(st)
        sys.stdout.flush()
        sys.stdout.buffer.write(page.encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    path = write_report(store, out)
    typer.echo(f"wrote {path}", err=True)
