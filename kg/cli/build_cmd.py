"""`kg build`: articles → graph in the store."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from kg.cli import app
from kg.model import Analysis
from kg.pipeline import DEFAULT_STORE, build
from kg.read import DEFAULT_MAX_CHARS, check_inputs

err_console = Console(stderr=True)


@app.command("build")
def build_command(
    paths: list[str] = typer.Argument(..., help="Files or directories (.txt .jsonl .json .html), or - for stdin."),
    store: Path = typer.Option(Path(DEFAULT_STORE), "--store", "-s", help="On-disk store directory."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Warn about bad files/lines and go on."),
    force: bool = typer.Option(False, "--force", help="Rebuild articles even when unchanged."),
    max_chars: int = typer.Option(DEFAULT_MAX_CHARS, "--max-chars", help="Reject longer articles."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
    as_json: bool = typer.Option(False, "--json", help="Print a machine-readable summary."),
) -> None:
    """Read articles, extract who said what, and store the graph (one transaction per article)."""

    def warn(message: str) -> None:
        if not quiet:
            err_console.print(f"[yellow]warning:[/yellow] {message}", highlight=False)

    # The pre-pass validates everything before a single write and gives the progress total.
    total = check_inputs(paths, skip_bad=skip_bad, warn=None, max_chars=max_chars).articles
    show_bar = not quiet and not as_json and sys.stderr.isatty()
    progress = Progress(
        TextColumn("[bold]building"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[quotes]} quotations"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=not show_bar,
    )
    with progress:
        task = progress.add_task("build", total=total, quotes=0)
        found = 0

        def advance(analysis: Analysis | None) -> None:
            nonlocal found
            if analysis is not None:
                found += len(analysis.quotations)
            progress.update(task, advance=1, quotes=found)

        report = build(
            paths,
            store_path=store,
            skip_bad=skip_bad,
            force=force,
            max_chars=max_chars,
            warn=warn,
            on_article=advance,
            precheck=False,
        )
    if as_json:
        print(json.dumps({"store": str(store), **report.as_dict()}, indent=2, sort_keys=True))
    elif not quiet:
        kinds = ", ".join(f"{n} {t}" for t, n in report.by_type.items())
        print(
            f"built {report.articles_built} article(s), skipped {report.articles_skipped} unchanged; "
            f"{report.quotations} quotations ({kinds}) → {store}"
        )
