"""Command: `kg report` — the store as one self-contained HTML page of who said what."""

from __future__ import annotations

import sys

import typer

from kg.cli import command
from kg.cli.options import DEFAULT_STORE, OutputOption, StoreOption


@command("report", example="kg report --store kg.db -o report.html")
def report_command(
    out: OutputOption = "report.html",
    store: StoreOption = DEFAULT_STORE,
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
