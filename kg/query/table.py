"""Plain-text rendering shared by the query commands: compact terms and tables as strings."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from prettytable import PrettyTable, TableStyle

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
    """A plain-text table with box-drawing borders, fitted to `width` (default: the terminal's) by
    wrapping the widest columns first.  Cells are data, never markup.

    prettytable, not rich: rich measures and wraps every cell through its segment machinery, which
    made a 10,000-row listing over ten times slower than prettytable does."""
    body = [[str(cell) for cell in row] for row in rows]
    if not headers:  # e.g. `SELECT * WHERE { }`: rows without columns, which prettytable cannot draw
        return ""
    table = PrettyTable(list(headers))
    table.set_style(TableStyle.SINGLE_BORDER)
    table.align = "l"
    if title:
        table.title = title
    table.add_rows(body)
    columns = [(h, *(row[i] for row in body)) for i, h in enumerate(headers)]
    natural = [max(len(line) for text in column for line in text.split("\n")) for column in columns]
    # A column keeps room for its longest word (up to 24 characters), so that names, ids and
    # query names wrap between words rather than inside them.
    words = [min(24, max((len(word) for text in column for word in text.split()), default=0)) for column in columns]
    room = (width or shutil.get_terminal_size((120, 24)).columns) - (3 * len(headers) + 1)  # "│ " … " │"
    table.max_width = dict(zip(headers, _fit(natural, words, room), strict=True))
    return table.get_string() + "\n"


def _fit(natural: list[int], words: list[int], room: int, floor: int = 10) -> list[int]:
    """Column widths that sum to at most `room` when they can, narrowing the widest columns first
    to a common cap (as rich does): a long quotation wraps, a name column keeps its width.  No
    column goes below `floor` characters or its longest word."""
    if sum(natural) <= room:
        return natural
    kept = [min(w, max(floor, word)) for w, word in zip(natural, words, strict=True)]

    def widths(cap: int) -> list[int]:
        return [min(w, max(cap, k)) for w, k in zip(natural, kept, strict=True)]

    low, high = 0, max(natural)  # the largest cap that fits, by bisection
    while low < high:
        cap = (low + high + 1) // 2
        if sum(widths(cap)) <= room:
            low = cap
        else:
            high = cap - 1
    return widths(low)
