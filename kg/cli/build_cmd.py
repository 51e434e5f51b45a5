"""`kg build`: articles → graph in the store (one process, a process pool, or a Dask cluster)."""

from __future__ import annotations

import json
import os
import sys
from contextlib import nullcontext
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from kg.cli import command
from kg.cli.options import DEFAULT_STORE, JsonAlias, StoreOption, TextOrJson, format_option, wants_json
from kg.errors import StoreError
from kg.pipeline import DEFAULT_PARTITION_SIZE, build, default_shard_dir
from kg.read import DEFAULT_MAX_CHARS, check_inputs

# soft_wrap: a warning stays one line (naming its file) even when stderr is a pipe, not a terminal.
err_console = Console(stderr=True, soft_wrap=True)


class EngineChoice(str, Enum):
    local = "local"
    dask = "dask"


class RateColumn(ProgressColumn):
    """Articles per second since the start (rich's speed columns are for bytes, and its windowed
    speed jumps when a pool or a Dask partition hands back many articles at once)."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 and task.completed else None
        return Text(f"{rate:.1f} art/s" if rate else "– art/s", style="progress.data.speed")


@command("build", example="kg build examples/articles --store kg.db")
def build_command(
    paths: Annotated[
        list[str], typer.Argument(help="Files or directories (.txt .jsonl .json .html), or - for stdin.")
    ],
    store: StoreOption = DEFAULT_STORE,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Warn about bad files/lines and go on.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild articles even when unchanged (and rewrite shards).")
    ] = False,
    max_chars: Annotated[int, typer.Option("--max-chars", help="Reject longer articles.")] = DEFAULT_MAX_CHARS,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    fmt: Annotated[TextOrJson, format_option("text: a summary in words; json: the build report as a JSON object.")] = TextOrJson.text,
    as_json: JsonAlias = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", "-w", min=0,
            help="Worker processes (0 = one per CPU). With --engine dask: workers of the local cluster.",
        ),
    ] = 1,
    engine: Annotated[
        EngineChoice,
        typer.Option(
            "--engine", case_sensitive=False,
            help="local: this machine (a process pool when --workers > 1); dask: a Dask cluster writing N-Quads shards.",
        ),
    ] = EngineChoice.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", metavar="tcp://HOST:PORT",
            help="Dask scheduler to use (default: start a local cluster on 127.0.0.1). Needs --engine dask.",
        ),
    ] = None,
    shards: Annotated[
        Path | None,
        typer.Option(
            "--shards", metavar="DIR", help="Shard directory for --engine dask (default: STORE.shards/), shared by all workers.",
        ),
    ] = None,
    no_load: Annotated[
        bool,
        typer.Option("--no-load", help="--engine dask: write the shards only (load them later, e.g. `oxigraph load`)."),
    ] = False,
    partition_size: Annotated[
        int, typer.Option("--partition-size", min=1, help="--engine dask: articles per task and shard.")
    ] = DEFAULT_PARTITION_SIZE,
    article_id: Annotated[
        str | None,
        typer.Option(
            "--id", metavar="ID",
            help="The id of the one article the input holds (a pipe or stdin otherwise gets its content hash).",
            show_default=False,
        ),
    ] = None,
    no_summary: Annotated[
        bool,
        typer.Option(
            "--no-summary",
            help="Leave the summary graph (speaker, pair and event counts) out of date; run `kg summarise` "
                 "later. For frequent small updates of a big store: recounting takes minutes there.",
        ),
    ] = False,
) -> None:
    """Read articles, extract who said what, and store the graph (one transaction per article)."""
    as_json = wants_json(fmt, as_json)
    dask = engine is EngineChoice.dask
    if not dask:
        for given, flag in ((scheduler is not None, "--scheduler"), (shards is not None, "--shards"),
                            (no_load, "--no-load"), (partition_size != DEFAULT_PARTITION_SIZE, "--partition-size")):
            if given:
                raise typer.BadParameter(f"{flag} needs --engine dask", param_hint=flag)
    workers = workers or os.cpu_count() or 1

    def warn(message: str) -> None:
        if not quiet:
            err_console.print(f"[yellow]warning:[/yellow] {message}", highlight=False)

    # The pre-pass validates everything before a single write and gives the progress total.
    if article_id is not None and not article_id.strip():
        raise typer.BadParameter("the id must not be empty", param_hint="--id")
    total = check_inputs(paths, skip_bad=skip_bad, warn=None, max_chars=max_chars, article_id=article_id).articles
    show_bar = not quiet and not as_json and sys.stderr.isatty()
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[quotes]} quotations"),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=not show_bar,
    )
    with progress:
        task = progress.add_task("building", total=total, quotes=0)
        found = 0

        def advance(articles: int, quotations: int) -> None:
            nonlocal found
            found += quotations
            progress.update(task, advance=articles, quotes=found)

        def summarising() -> None:
            # The corpus-wide recount comes after the last article: say so, or a big store's bar
            # would sit at 100% for minutes.
            progress.update(task, description="summarising")

        report = build(
            paths,
            store_path=store,
            skip_bad=skip_bad,
            force=force,
            max_chars=max_chars,
            warn=warn,
            on_progress=advance,
            precheck=False,
            workers=workers,
            engine=engine.value,
            scheduler=scheduler,
            shard_dir=shards if shards is not None else (default_shard_dir(store) if dask else None),
            load=not no_load,
            partition_size=partition_size,
            summarise=not no_summary,
            on_summary=summarising,
            article_id=article_id,
        )
    if as_json:
        print(json.dumps({"store": str(store), **report.as_dict()}, indent=2, sort_keys=True))
    elif not quiet:
        kinds = ", ".join(f"{n} {t}" for t, n in report.by_type.items())
        where = f"→ {store}" if report.loaded else f"→ shards in {report.shard_dir} (not loaded)"
        replaced = f" ({report.articles_replaced} replacing a stored article of the same id)" if report.articles_replaced else ""
        print(
            f"built {report.articles_built} article(s){replaced}, skipped {report.articles_skipped} unchanged; "
            f"{report.quotations} quotations ({kinds}) {where}"
        )
        if report.shard_dir is not None:
            print(f"shards: {report.shards_written} written, {report.shards_reused} reused in {report.shard_dir}")
        if report.summary is not None:
            print(f"summary: {report.summary.speakers:,} speaker tallies, {report.summary.pairs:,} co-quoted pairs, "
                  f"{report.summary.events:,} event tallies, {report.summary.addressees:,} addressees, "
                  f"{report.summary.names:,} names")
        elif report.loaded and not report.summary_current:
            print(f"summary: out of date (--no-summary); run `kg summarise --store {store}`")


@command("summarise", example="kg summarise --store kg.db --format json")
def summarise_command(
    store: StoreOption = DEFAULT_STORE,
    fmt: Annotated[TextOrJson, format_option("text: the counts in words; json: as a JSON object.")] = TextOrJson.text,
    as_json: JsonAlias = False,
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", help="Summarise what this SPARQL server holds instead of a local store (its query URL, "
                     "or an Oxigraph server's base URL); written there with SPARQL 1.1 Update.", show_default=False),
    ] = None,
    update_endpoint: Annotated[
        str | None, typer.Option("--update-endpoint", help="The server's update URL, when not the query URL "
                                 "(Oxigraph: base/update, found from the base URL).", show_default=False)
    ] = None,
) -> None:
    """Recompute the corpus entities and the summary graph the saved queries read.

    The summary: speaker tallies, co-quoted pairs, event and addressee tallies and the name index. `kg build` does this itself; run it after loading data by other means (`oxigraph load`), or with --endpoint on a SPARQL server that articles were pushed to from one store or several."""
    from kg.store import QuoteStore
    from kg.summary.refresh import refresh_summary, summarise_endpoint

    as_json = wants_json(fmt, as_json)
    if endpoint is not None:
        from kg.store.remote import Endpoint

        report = summarise_endpoint(Endpoint.from_url(endpoint, update_endpoint))
        where = endpoint
        _print_summary(where, report, as_json)
        return
    if not store.is_dir():
        raise StoreError(f"no store at {store} (build one with `kg build ARTICLES --store {store}`)")
    # A spinner on a terminal: on a big store this takes minutes.
    spinner = err_console.status(f"summarising {store}") if sys.stderr.isatty() and not as_json else nullcontext()
    with QuoteStore.open(store) as opened, spinner:
        report = refresh_summary(opened)
    _print_summary(str(store), report, as_json)


def _print_summary(store: str, report: Any, as_json: bool) -> None:
    counts = {"store": store, "speakers": report.speakers, "pairs": report.pairs, "events": report.events,
              "addressees": report.addressees, "names": report.names, "changed": report.changed}
    if as_json:
        print(json.dumps(counts, indent=2, sort_keys=True))
    else:
        print(f"summary of {store}: {report.speakers:,} speaker tallies, {report.pairs:,} co-quoted pairs, "
              f"{report.events:,} event tallies, {report.addressees:,} addressees, {report.names:,} names "
              f"({report.changed:,} triples changed)")
