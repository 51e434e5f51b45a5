"""Command: `kg validate` — check RDF files and/or a store against the quotegraph SHACL shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rdflib import Dataset, Graph
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.util import guess_format

from kg.cli import app
from kg.errors import InputError, StoreError
from kg.validate import validate_graph

# Formats that carry named graphs: their quads are merged into one graph, like a store's union.
_QUAD_FORMATS = {"trig", "nquads", "trix"}


def load_rdf_file(path: Path, into: Graph) -> None:
    """Add the triples of an RDF file (format from its extension, Turtle by default) to `into`."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an RDF file")
    fmt = guess_format(str(path)) or "turtle"
    try:
        if fmt in _QUAD_FORMATS:
            dataset = Dataset()
            dataset.parse(path, format=fmt)
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                into.add((s, p, o))
        else:
            into.parse(path, format=fmt)
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from err
    except Exception as err:  # rdflib parsers raise many unrelated types for bad syntax
        raise InputError(f"{path}: not valid {fmt}: {_parse_error(err)}") from err


def _parse_error(err: Exception) -> str:
    """One line saying where and why parsing failed."""
    if isinstance(err, BadSyntax):  # Turtle/N3: its str() spans several lines of context
        return f"line {err.lines + 1}: {getattr(err, '_why', 'bad syntax')}"
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def load_store_union(path: Path) -> Graph:
    """All triples of all named graphs of a store."""
    if not path.exists():
        raise StoreError(f"{path}: no such store")
    try:
        from kg.store import QuoteStore  # imported here: only `--store` needs the store backend
    except ImportError as err:
        raise StoreError(f"{path}: store support is not available ({err})") from err
    with QuoteStore.open(path, read_only=True) as store:
        return store.union_graph()


@app.command("validate")
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FILE",
            help="RDF files to check (Turtle, N-Triples, TriG, N-Quads, …).",
            show_default=False,
        ),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Also check the union of all named graphs of this store."),
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Print pyshacl's complete report.")] = False,
) -> None:
    """Check graphs against the quotegraph SHACL shapes (ontology/shapes.ttl).

    Exits 0 when everything conforms and 1 with a summary of the violations otherwise.
    """
    if not files and store is None:
        raise InputError("nothing to validate: give FILE.ttl … and/or --store PATH")
    graph = Graph()
    for path in files or []:
        load_rdf_file(path, graph)
    if store is not None:
        union = load_store_union(store)
        if files:
            graph += union
        else:
            graph = union  # no copy of a possibly large store
    report = validate_graph(graph)
    typer.echo(report.results_text if full else report.summary())
    if not report.conforms:
        raise typer.Exit(1)
