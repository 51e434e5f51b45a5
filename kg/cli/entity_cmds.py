"""Commands: `kg entities` (identities across articles, and why) and `kg who` (what one speaker said)."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import command
from kg.cli.options import DEFAULT_STORE, LimitOption, StoreOption, TableOrJson, format_option
from kg.errors import NotFoundError
from kg.store import QuoteStore

AliasesOption = Annotated[
    Path | None,
    typer.Option(
        "--aliases",
        metavar="FILE.csv",
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


@command("entities", example='kg entities --kind person --format json')
def entities_command(
    store: StoreOption = DEFAULT_STORE,
    explain: Annotated[
        str | None, typer.Option("--explain", metavar="NAME", help="Say why the names of NAME's entity were linked (or not).", show_default=False)
    ] = None,
    aliases: AliasesOption = None,
    kind: Annotated[Kind, typer.Option("--kind", help="Which entities to list.")] = Kind.all,
    link: Annotated[
        bool, typer.Option("--link", help="Recompute the corpus entities and owl:sameAs links in the store's identity graph now, with --aliases kept for later builds (kg build does it too).")
    ] = False,
    fmt: Annotated[TableOrJson, format_option()] = TableOrJson.table,
    limit: LimitOption = None,
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
            raise NotFoundError(f"no person or organisation called “{explain}” in {store}")
        if fmt is TableOrJson.json:
            typer.echo(json.dumps([report_dict(report, i) for i in found], indent=2, ensure_ascii=False))
        else:
            typer.echo("\n".join(explain_text(report, i) for i in found), nl=False)
        return
    wanted = [i for i in report.identities if kind is Kind.all or i.kind.lower() == kind.value][:limit]
    if fmt is TableOrJson.json:
        typer.echo(json.dumps([report_dict(report, i) for i in wanted], indent=2, ensure_ascii=False))
    else:
        typer.echo(identities_table(wanted), nl=False)
        if link:
            links = sum(len(i.members) - 1 + len(i.wikidata) for i in report.identities)
            typer.echo(f"wrote {links} owl:sameAs link(s) to the identity graph")


@command("who", example='kg who "Saad al-Hadithi" --store kg.db')
def who_command(
    name: Annotated[str, typer.Argument(help="A speaker's name, any form (\"Warner\", \"Mark R. Warner\").")],
    store: StoreOption = DEFAULT_STORE,
    aliases: AliasesOption = None,
    fmt: Annotated[TableOrJson, format_option()] = TableOrJson.table,
) -> None:
    """Everything a speaker said: to whom, when, in which articles, under which roles.

    A name matching several entities means the one person among them, if there is one; otherwise
    it is refused as ambiguous (exit 2). A name matching nothing exits 7.
    """
    from kg.identity import identities, read_alias_table
    from kg.query.who import find_speaker, who, who_text

    table = read_alias_table(aliases) if aliases is not None else []
    with QuoteStore.open(store, read_only=True) as st:
        result = who(st, find_speaker(identities(st, table), name, store))
    if fmt is TableOrJson.json:
        typer.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(who_text(result), nl=False)
