"""Commands: `kg query`, `kg quotes`, `kg stats` — read-only views of the store."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from kg.cli import command
from kg.cli.options import (
    DEFAULT_STORE,
    JsonAlias,
    LimitOption,
    StoreOption,
    TableOrJson,
    format_option,
    wants_json,
)
from kg.errors import QueryError, UsageError
from kg.store import QuoteStore


class ResultFormat(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


@command("query", example="kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?q a schema:Quotation }' --format json")
def query_command(
    sparql: Annotated[
        str | None, typer.Argument(help="SPARQL query; `-` reads it from standard input.", show_default=False)
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "-f", "--file", metavar="FILE.rq", help="Read the query from FILE.rq.", exists=True, dir_okay=False, readable=True
        ),
    ] = None,
    fmt: Annotated[
        ResultFormat, format_option("Result format for SELECT/ASK (and for --list-named: table or json).")
    ] = ResultFormat.table,
    store: StoreOption = DEFAULT_STORE,
    timeout: Annotated[
        float | None, typer.Option("--timeout", min=0.0, metavar="SECONDS", help="Give up after SECONDS.", show_default=False)
    ] = None,
    named: Annotated[
        str | None,
        typer.Option("--named", metavar="NAME", help="Run the saved query NAME (queries/NAME.rq).", show_default=False),
    ] = None,
    params: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            metavar="NAME=VALUE",
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
        if fmt is ResultFormat.json:
            typer.echo(json.dumps([_named_dict(q) for q in list_named()], indent=2, ensure_ascii=False))
        elif fmt is ResultFormat.table:
            typer.echo(_named_table(list_named()), nl=False)
        else:
            raise UsageError(f"--list-named prints a table or json, not {fmt.value}")
        return
    sources = sum(x is not None for x in (sparql, file, named))
    if sources != 1:
        raise UsageError("give the query as an argument, with -f FILE or with --named NAME (exactly one)")
    if named is not None:
        query = load_named(named)
        # The values go into the query's `VALUES ?name { UNDEF }` lines as escaped SPARQL terms
        # (kg.query.named); on the local store, the query's Oxigraph-only form when it has one.
        text = query.bound(bind_params(query, params or []), oxigraph=True)
    elif params:
        raise UsageError("--param binds the parameters of a saved query: use it with --named NAME")
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


def _named_dict(query: object) -> dict[str, object]:
    q: Any = query
    return {"name": q.name, "title": q.title, "description": q.description,
            "params": [{"name": p.name, "optional": p.optional} for p in q.params]}


@command("quotes", example="kg quotes --speaker hadithi --limit 5")
def quotes_command(
    speaker: Annotated[
        str | None,
        typer.Option(
            "--speaker",
            metavar="NAME",
            help="Only quotations whose speaker's name contains NAME (any case).",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = DEFAULT_STORE,
    clusters: Annotated[
        bool,
        typer.Option("--clusters", help="The statements repeated across articles instead, most repeated first "
                     "(articles, publishers, occurrences, canonical text, where it was first seen)."),
    ] = False,
    fmt: Annotated[TableOrJson, format_option("table: quotations shortened for reading; json: every field, in full.")] = TableOrJson.table,
    limit: LimitOption = None,
) -> None:
    """Who said what: speaker, cue, quotation (shortened), type and article."""
    from kg.query import quote_rows, quotes_table
    from kg.query.clusters import cluster_rows, clusters_table

    with QuoteStore.open(store, read_only=True) as st:
        if fmt is TableOrJson.json:
            rows = cluster_rows(st, speaker) if clusters else quote_rows(st, speaker)
            typer.echo(json.dumps([asdict(r) for r in rows[:limit]], indent=2, ensure_ascii=False))
        elif clusters:
            typer.echo(clusters_table(st, speaker, limit=limit), nl=False)
        else:
            typer.echo(quotes_table(st, speaker, limit=limit), nl=False)


@command("stats", example="kg stats --store kg.db --format json")
def stats_command(
    store: StoreOption = DEFAULT_STORE,
    fmt: Annotated[TableOrJson, format_option()] = TableOrJson.table,
    as_json: JsonAlias = False,
) -> None:
    """Counts of articles, quotations by type, people, organisations, groups, places, events, triples."""
    from kg.query import render_stats, stats

    as_json = wants_json(fmt, as_json)
    with QuoteStore.open(store, read_only=True) as st:
        counts = stats(st)
    typer.echo(json.dumps(counts, indent=2) if as_json else render_stats(counts), nl=as_json)
