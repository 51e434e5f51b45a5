"""Plain-text rendering shared by the query commands: compact terms and rich tables as strings."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kg.graph.vocab import PREFIXES

# Longest namespace first so qgid:… wins over a shorter prefix of the same IRI.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact_iri(iri: str) -> str:
    """`https://schema.org/name` → `schema:name` (for display only; not valid Turtle in general)."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def show_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """A term as a person wants to read it in a table cell."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    title: str | None = None,
    width: int | None = None,
) -> str:
    """A rich table rendered to a string (no colour codes, no markup interpretation of cells)."""
    table = Table(title=title, show_lines=False)
    for h in headers:
        table.add_column(h, overflow="fold")
    for row in rows:
        # Text() keeps "[bold]" and friends inside data literal instead of rich markup.
        table.add_row(*(Text(cell) for cell in row))
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width or shutil.get_terminal_size((120, 24)).columns,
        color_system=None,
        force_terminal=False,
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.print(table)
    return buf.getvalue()
