"""Saved queries: `queries/NAME.rq` files run by name with bound parameters.

Each file opens with a comment header:

    # title: Who said what about …
    # description: Quotations that mention an entity …
    #   (an indented comment line continues the field above)
    # param: entity — what the value means
    # param: org? — a trailing `?` makes the parameter optional

Parameter values are never spliced into the query text: they become pyoxigraph terms and are
bound by the engine (`QuoteStore.query(bindings=…)`), so a value such as `x" } ?s ?p ?o {` is just
a string.  `name=value` binds a plain string literal, `name=<IRI>` an IRI.  pyoxigraph only
binds variables that the SELECT projects, so every parameter must appear in the projection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError
from kg.resources import QUERIES_DIR

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIELD = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*)$", re.IGNORECASE)
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<optional>\?)?\s*(?:[—–:]|-{1,2}\s)\s*(?P<meaning>.*)$")


@dataclass(frozen=True)
class Param:
    name: str
    meaning: str
    optional: bool = False


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    sparql: str
    path: Path

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def parse_header(name: str, text: str, path: Path) -> NamedQuery:
    """The header fields of one .rq file (the leading block of `#` lines)."""
    fields: dict[str, list[str]] = {"title": [], "description": []}
    params: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            current = None
            continue
        if not stripped.startswith("#"):
            break  # the header ends at the first line of SPARQL
        found = _FIELD.match(stripped)
        if found:
            key, value = found.group(1).lower(), found.group(2).strip()
            if key == "param":
                params.append([value])
                current = params[-1]
            else:
                current = fields[key]
                current.append(value)
        elif current is not None and stripped[1:3] == "  ":
            current.append(stripped.lstrip("#").strip())  # "#   continued" (indented)
        else:
            current = None
    parsed = []
    for parts in params:
        m = _PARAM.match(" ".join(parts))
        if m is None:
            raise QueryError(f"{path}: cannot read `# param: {' '.join(parts)}` (write `# param: name — meaning`)")
        parsed.append(Param(m["name"], m["meaning"].strip(), optional=bool(m["optional"])))
    return NamedQuery(
        name=name,
        title=" ".join(fields["title"]) or name,
        description=" ".join(fields["description"]),
        params=tuple(parsed),
        sparql=text,
        path=path,
    )


def list_named(directory: Path | None = None) -> list[NamedQuery]:
    """Every saved query in `directory` (default: the repository's queries/), sorted by name."""
    directory = directory or QUERIES_DIR
    if not directory.is_dir():
        raise QueryError(f"no saved queries: {directory} is not a directory")
    found = []
    for path in sorted(directory.glob("*.rq")):
        if _NAME.match(path.stem):
            found.append(parse_header(path.stem, path.read_text(encoding="utf-8"), path))
    return found


def load_named(name: str, directory: Path | None = None) -> NamedQuery:
    # Looked up among the listed files, never joined onto a path: `--named ../x` finds nothing.
    queries = {q.name: q for q in list_named(directory)}
    if name not in queries:
        known = ", ".join(queries) or "none"
        raise QueryError(f"no saved query named {name!r} (saved queries: {known}; see `kg query --list-named`)")
    return queries[name]


def parse_value(text: str) -> ox.NamedNode | ox.Literal:
    """`<IRI>` → an IRI; anything else → a plain string literal (exactly as typed)."""
    if len(text) >= 2 and text.startswith("<") and text.endswith(">"):
        try:
            return ox.NamedNode(text[1:-1])
        except ValueError as err:
            raise QueryError(f"{text} is not a valid IRI: {err}") from None
    return ox.Literal(text)


def bind_params(query: NamedQuery, assignments: Iterable[str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """`name=value` strings → bindings, checked against the query's declared parameters."""
    bindings: dict[str, ox.NamedNode | ox.Literal] = {}
    declared = ", ".join(p.name for p in query.params) or "no parameters"
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        name = name.strip()
        if not sep or not name:
            raise QueryError(f"--param {assignment!r}: write it as name=value")
        if query.param(name) is None:
            raise QueryError(f"{query.name} has no parameter {name!r} (it takes {declared})")
        if name in bindings:
            raise QueryError(f"--param {name} given twice")
        bindings[name] = parse_value(value)
    for p in query.params:
        if not p.optional and p.name not in bindings:
            raise QueryError(f"{query.name} needs --param {p.name}=VALUE ({p.meaning})")
    return bindings
