"""`kg eval`: precision / recall / F1 of quotation extraction against gold annotations."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kg.cli import app
from kg.eval import ExtractorProvider, PredictionsProvider, SystemFileProvider, evaluate
from kg.eval.report import print_table, to_json


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


@app.command("eval")
def eval_cmd(
    gold: Annotated[
        list[Path],
        typer.Argument(
            metavar="GOLD_DIR...",
            help="Directories of NAME.txt + NAME-gold.json pairs, or single NAME-gold.json files.",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="table for people, json for machines.")
    ] = OutputFormat.table,
    system: Annotated[
        Path | None,
        typer.Option(
            "--system",
            metavar="FILE.jsonl",
            help="Score another system's output instead of running ours: JSON lines with "
            "doc (the gold NAME), start, end, text, speaker (and optionally type).",
        ),
    ] = None,
    show_misses: Annotated[
        bool,
        typer.Option(
            "--show-misses/--no-show-misses",
            help="List missed gold quotes, false positives and wrong speakers.",
        ),
    ] = True,
) -> None:
    """Score quotation detection and end-to-end attribution (quote AND speaker) against gold.

    A found quotation matches a gold one when their character spans overlap by at least half of the shorter span (one-to-one, greedy by overlap).  The speaker is right when its normalised name equals, or contains as whole words, one of the gold names.  Per-type recall is by gold type, per-type precision by predicted type.
    """
    provider: PredictionsProvider = SystemFileProvider(system) if system is not None else ExtractorProvider()
    result = evaluate(gold, provider)

    if isinstance(provider, SystemFileProvider):
        # Lines for articles outside the gold set are not errors (a system may have run on more),
        # but silently dropping them would hide a misspelt `doc`, so say which were ignored.
        unknown = sorted(provider.doc_names - {d.doc.name for d in result.docs})
        if unknown:
            print(
                f"kg: warning: {system}: ignored lines for articles not in the gold set: {', '.join(unknown)}",
                file=sys.stderr,
            )

    if output_format is OutputFormat.json:
        typer.echo(to_json(result, show_misses=show_misses))
    else:
        console = Console()
        if not console.is_terminal:
            console = Console(width=120)  # rich's 80-column default squeezes the tables in pipes
        print_table(result, console, show_misses=show_misses)
