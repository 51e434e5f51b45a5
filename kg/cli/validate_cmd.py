"""Command: `kg validate` — check RDF files and/or a store against the quotegraph SHACL shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rdflib import Graph

from kg.cli import command
from kg.cli.options import DEFAULT_STORE, StoreOption, TextOrJson, format_option
from kg.errors import EXIT_INVALID
from kg.validate import load_rdf_file, load_store_union, validate_graph


@command("validate", example="kg validate --store kg.db")
def validate(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FILE",
            help="RDF files to check (Turtle, N-Triples, TriG, N-Quads, …).",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = DEFAULT_STORE,
    full: Annotated[bool, typer.Option("--full", help="Print pyshacl's complete report.")] = False,
    fmt: Annotated[TextOrJson, format_option("text: a summary (or the full report); json: the verdict as an object.")] = TextOrJson.text,
) -> None:
    """Check graphs against the quotegraph SHACL shapes (ontology/shapes.ttl).

    Checks the FILEs given, and the store when --store is given or no FILE is (the union of all its named graphs). Exits 0 when everything conforms and 9 with a summary of the violations otherwise.
    """
    source = ctx.get_parameter_source("store")
    check_store = not files or (source is not None and source.name != "DEFAULT")  # given on the command line
    graph = Graph()
    for path in files or []:
        load_rdf_file(path, graph)
    if check_store:
        union = load_store_union(store)
        if files:
            graph += union
        else:
            graph = union  # no copy of a possibly large store
    report = validate_graph(graph)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps({"conforms": report.conforms, "triples": report.triples, "violations": report.violations,
                               "results": list(report.results)}, indent=2, ensure_ascii=False))
    else:
        typer.echo(report.results_text if full else report.summary())
    if not report.conforms:
        raise typer.Exit(EXIT_INVALID)
