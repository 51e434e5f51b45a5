"""Commands: `kg query`, `kg quotes`, `kg stats` — read-only views of the store."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.errors import QueryError
from kg.store import DEFAULT_STORE_PATH, QuoteStore

StoreOption = Annotated[
    Path, typer.Option("--store", help="Store directory (as written by `kg build`).", show_default=True)
]


class ResultFormat(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


@app.command("query")
def query_command(
    sparql: Annotated[
        str | None, typer.Argument(help="SPARQL query; `-` reads it from standard input.", show_default=False)
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "-f", "--file", help="Read the query from FILE.rq.", exists=True, dir_okay=False, readable=True
        ),
    ] = None,
    fmt: Annotated[
        ResultFormat, typer.Option("--format", help="Result format for SELECT/ASK.")
    ] = ResultFormat.table,
    store: StoreOption = DEFAULT_STORE_PATH,
    timeout: Annotated[
        float | None, typer.Option("--timeout", min=0.0, help="Give up after SECONDS.", show_default=False)
    ] = None,
    named: Annotated[
        str | None,
        typer.Option("--named", help="Run the saved query NAME (queries/NAME.rq).", show_default=False),
    ] = None,
    params: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            help="Bind a saved query's parameter: name=value (a string) or name=<IRI>; repeatable.",
            show_default=False,
        ),
    ] = None,
    list_named_queries: Annotated[
        bool, typer.Option("--list-named", help="List the saved queries and their parameters.")
    ] = False,
) -> None:
    """Run a SPARQL query over all articles (contract prefixes such as schema:, qg:, qgid: are predeclared).

    CONSTRUCT and DESCRIBE results print as Turtle. The union of article graphs repeats a triple once per article holding it: use SELECT DISTINCT or COUNT(DISTINCT …) to count things. Saved queries: `kg query --list-named`, then `kg query --named NAME --param name=value`; values are written into the query's VALUES lines as escaped SPARQL terms, never pasted as text.
    """
    from kg.query import run_query
    from kg.query.named import bind_params, list_named, load_named

    if list_named_queries:
        typer.echo(_named_table(list_named()), nl=False)
        return
    sources = sum(x is not None for x in (sparql, file, named))
    if sources != 1:
        raise QueryError("give the query as an argument, with -f FILE or with --named NAME (exactly one)")
    if named is not None:
        query = load_named(named)
        # The values go into the query's `VALUES ?name { UNDEF }` lines as escaped SPARQL terms
        # (kg.query.named); on the local store, the query's Oxigraph-only form when it has one.
        text = query.bound(bind_params(query, params or []), oxigraph=True)
    elif params:
        raise QueryError("--param binds the parameters of a saved query: use it with --named NAME")
    else:
        text = (
            _read_query(file, str(file))
            if file is not None
            else _read_query(None, "standard input")
            if sparql == "-"
            else sparql or ""
        )
    with QuoteStore.open(store, read_only=True) as st:
        out = run_query(st, text or "", fmt.value, timeout=timeout)
    typer.echo(out, nl=False)


def _read_query(path: Path | None, name: str) -> str:
    """A query file (or stdin) of at most MAX_QUERY_BYTES, read no further: `-f /dev/zero`
    or a mistaken multi-gigabyte file is refused instead of filling memory."""
    from kg.store.sparql_limits import MAX_QUERY_BYTES

    try:
        if path is None:
            data = sys.stdin.buffer.read(MAX_QUERY_BYTES + 1)
        else:
            with open(path, "rb") as f:
                data = f.read(MAX_QUERY_BYTES + 1)
    except OSError as err:
        raise QueryError(f"cannot read the query from {name}: {err.strerror or err}") from None
    if len(data) > MAX_QUERY_BYTES:
        raise QueryError(f"the query in {name} is over {MAX_QUERY_BYTES:,} bytes, the limit for a query")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise QueryError(f"the query in {name} is not UTF-8 text (byte {err.start:,})") from None


def _named_table(queries: list) -> str:
    from kg.query.table import render_table

    rows = []
    for q in queries:
        params = ", ".join(f"{p.name}{'?' if p.optional else ''}" for p in q.params)
        rows.append([q.name, params, f"{q.title}: {q.description}" if q.description else q.title])
    return render_table(["name", "params", "what it shows"], rows)


@app.command("quotes")
def quotes_command(
    speaker: Annotated[
        str | None,
        typer.Option(
            "--speaker",
            help="Only quotations whose speaker's name contains NAME (any case).",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = DEFAULT_STORE_PATH,
    clusters: Annotated[
        bool,
        typer.Option("--clusters", help="The statements repeated across articles instead, most repeated first "
                     "(articles, publishers, occurrences, canonical text, where it was first seen)."),
    ] = False,
) -> None:
    """Who said what: speaker, cue, quotation (shortened), type and article."""
    from kg.query import quotes_table

    with QuoteStore.open(store, read_only=True) as st:
        if clusters:
            from kg.query.clusters import clusters_table

            typer.echo(clusters_table(st, speaker), nl=False)
            return
        typer.echo(quotes_table(st, speaker), nl=False)


@app.command("stats")
def stats_command(
    store: StoreOption = DEFAULT_STORE_PATH,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as a JSON object.")] = False,
) -> None:
    """Counts of articles, quotations by type, people, organisations, groups, places, events, triples."""
    from kg.query import render_stats, stats

    with QuoteStore.open(store, read_only=True) as st:
        counts = stats(st)
    typer.echo(json.dumps(counts, indent=2) if as_json else render_stats(counts), nl=as_json)
