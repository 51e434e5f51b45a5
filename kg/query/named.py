"""Saved queries: `queries/NAME.rq` files run by name with bound parameters.

Each file opens with a comment header, one field per line, fields separated by blank lines:

    # title: Who said what about …

    # description: Quotations that mention an entity …

    # param: entity — what the value means

    # param: org? — a trailing `?` makes the parameter optional

(The blank lines are for other tools: SPARQLWrapper drops a comment line only when a newline that
no other comment took precedes it, then takes the first query keyword it finds — in a header of
consecutive lines, every second line stays, and "Addressees" reads as ADD.)  An indented comment
line (`#   …`) continues the field above.

Every file is plain SPARQL 1.1 and declares each parameter as `VALUES ?name { UNDEF }`, on a line
of its own at the top of its WHERE clause: binding a parameter is replacing that UNDEF by a value,
which every engine honours — `kg query --param`, a SPARQLWrapper or rdflib client, or a hand-edited
query sent over the SPARQL protocol.  `kg` writes the value as a SPARQL term (`name=value` a
string literal, escaped; `name=<IRI>` an IRI, checked), so a value such as `x" } ?s ?p ?o {` is
just a string.  Appending a VALUES block after the query (rdflib's `initBindings` over
SPARQLStore) would not bind it: the query does not project its parameters.

A query may also have a faster, Oxigraph-only form (SPARQL 1.2 `LATERAL`) in
`queries/oxigraph/NAME.rq`, with the same parameters and rows; `kg query --named` runs that one on
the local store (benchmarks/README.md has the difference), the plain one is for every other engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
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
    oxigraph_sparql: str | None = None  # the Oxigraph-only form (queries/oxigraph/NAME.rq), if any

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def bound(self, bindings: dict[str, ox.NamedNode | ox.Literal], *, oxigraph: bool = False) -> str:
        """The query text with each parameter's `VALUES ?name { UNDEF }` given its value (those
        not in BINDINGS stay UNDEF); the Oxigraph-only form when asked for and there is one."""
        text = self.oxigraph_sparql if oxigraph and self.oxigraph_sparql is not None else self.sparql
        return bind_text(text, bindings, where=str(self.path))


def parse_header(name: str, text: str, path: Path) -> NamedQuery:
    """The header fields of one .rq file (the leading block of `#` lines)."""
    fields: dict[str, list[str]] = {"title": [], "description": []}
    params: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue  # fields are separated by blank lines; an indented line still continues one
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
            query = parse_header(path.stem, path.read_text(encoding="utf-8"), path)
            fast = directory / "oxigraph" / path.name
            if fast.is_file():
                query = replace(query, oxigraph_sparql=fast.read_text(encoding="utf-8"))
            found.append(query)
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


def parameter_line(name: str) -> re.Pattern[str]:
    """The line that declares parameter NAME: `VALUES ?name { UNDEF }` (spacing free)."""
    return re.compile(rf"^(?P<indent>[ \t]*)VALUES[ \t]+\?{re.escape(name)}[ \t]*\{{[ \t]*UNDEF[ \t]*\}}", re.MULTILINE)


def bind_text(sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal], where: str = "the query") -> str:
    """SPARQL with each `VALUES ?name { UNDEF }` line given the value bound to NAME.  Values are
    pyoxigraph terms, whose str() is their N-Triples form: a valid, escaped SPARQL term."""
    for name, value in bindings.items():
        pattern = parameter_line(name)
        if len(pattern.findall(sparql)) != 1:
            raise QueryError(f"{where}: parameter {name} needs exactly one `VALUES ?{name} {{ UNDEF }}` line")
        line = f"VALUES ?{name} {{ {value} }}"
        sparql = pattern.sub(lambda m, line=line: m["indent"] + line, sparql)
    return sparql


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
