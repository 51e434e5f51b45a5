"""Commands: `kg entities` (identities across articles, and why) and `kg who` (what one speaker said)."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.errors import KgError
from kg.store import DEFAULT_STORE_PATH, QuoteStore

StoreOption = Annotated[
    Path, typer.Option("--store", help="Store directory (as written by `kg build`).", show_default=True)
]
AliasesOption = Annotated[
    Path | None,
    typer.Option(
        "--aliases",
        help="CSV of name,alias rows that pin identities; an alias like Q42 adds owl:sameAs to Wikidata (offline).",
        exists=True,
        dir_okay=False,
        readable=True,
        show_default=False,
    ),
]


class Kind(str, Enum):
    all = "all"
    person = "person"
    organization = "organization"
    group = "group"
    place = "place"


class Format(str, Enum):
    table = "table"
    json = "json"


@app.command("entities")
def entities_command(
    store: StoreOption = DEFAULT_STORE_PATH,
    explain: Annotated[
        str | None, typer.Option("--explain", help="Say why the names of NAME's entity were linked (or not).", show_default=False)
    ] = None,
    aliases: AliasesOption = None,
    kind: Annotated[Kind, typer.Option("--kind", help="Which entities to list.")] = Kind.all,
    link: Annotated[
        bool, typer.Option("--link", help="Recompute the corpus entities and owl:sameAs links in the store's identity graph now, with --aliases kept for later builds (kg build does it too).")
    ] = False,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Corpus entities (people, organisations, groups, places) across articles: name variants, articles, and the links between their nodes."""
    from kg.identity import identities, read_alias_table
    from kg.query.entity_text import explain_text, identities_table, report_dict
    from kg.summary.refresh import link_store

    table = read_alias_table(aliases) if aliases is not None else []
    with QuoteStore.open(store, read_only=not link) as st:
        report = link_store(st, table) if link else identities(st, table)
    for warning in report.warnings:
        typer.echo(f"kg: warning: {warning}", err=True)
    if explain is not None:
        found = report.find(explain)
        if not found:
            raise KgError(f"no person or organisation called “{explain}” in {store}")
        if fmt is Format.json:
            typer.echo(json.dumps([report_dict(report, i) for i in found], indent=2, ensure_ascii=False))
        else:
            typer.echo("\n".join(explain_text(report, i) for i in found), nl=False)
        return
    wanted = [i for i in report.identities if kind is Kind.all or i.kind.lower() == kind.value]
    if fmt is Format.json:
        typer.echo(json.dumps([report_dict(report, i) for i in wanted], indent=2, ensure_ascii=False))
    else:
        typer.echo(identities_table(wanted), nl=False)
        if link:
            links = sum(len(i.members) - 1 + len(i.wikidata) for i in report.identities)
            typer.echo(f"wrote {links} owl:sameAs link(s) to the identity graph")


@app.command("who")
def who_command(
    name: Annotated[str, typer.Argument(help="A speaker's name, any form (\"Warner\", \"Mark R. Warner\").")],
    store: StoreOption = DEFAULT_STORE_PATH,
    aliases: AliasesOption = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Everything a speaker said: to whom, when, in which articles, under which roles."""
    from kg.identity import identities, read_alias_table
    from kg.query.who import who, who_text

    table = read_alias_table(aliases) if aliases is not None else []
    with QuoteStore.open(store, read_only=True) as st:
        report = identities(st, table)
        found = report.find(name)
        if not found:
            raise KgError(f"no person or organisation called “{name}” in {store}")
        if len(found) > 1:
            people = [i for i in found if i.kind == "Person"]
            found = people if len(people) == 1 else found
        if len(found) > 1:
            choices = "; ".join(f"{i.name} ({', '.join(i.articles)})" for i in found)
            raise KgError(f"“{name}” could be {len(found)} entities: {choices}; give a fuller name")
        result = who(st, found[0])
    if fmt is Format.json:
        typer.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(who_text(result), nl=False)
