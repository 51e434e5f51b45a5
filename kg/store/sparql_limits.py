"""Limits a SPARQL text must meet before any parser sees it.

Oxigraph parses and evaluates SPARQL by recursive descent, one stack frame or more per level of
the syntax tree, and a tree deep enough overflows the stack: the process dies (SIGSEGV) instead
of failing.  Measured on pyoxigraph 0.5.13 with an 8 MB stack (the main thread's, and what the
Oxigraph server's request threads get), it takes 956 nested `[ … ]`, 1,031 steps of a `/` path,
2,187 nested `{ … }`, 2,500 chained BINDs, 4,531 nested `( … )`, 6,500 UNIONs or 9,125 `||` —
about 8 KB of stack per level at worst.  So before parsing, a small lexer (strings, IRIs and
comments skipped) measures the two things that make the tree deep:

* bracket depth — `(`, `[` and `{` open a level: at most MAX_DEPTH (64);
* operators and pattern keywords — every `|| && ! = != < > <= >= + - * / | ^` and every UNION,
  OPTIONAL, MINUS, BIND, FILTER, GRAPH, SERVICE, EXISTS, VALUES, SELECT may add a level, however
  they are arranged: at most MAX_OPERATORS (256) in the whole text.

Worst case within both limits: 64 × 8.4 KB + 256 × 7.9 KB ≈ 2.6 MB, a third of the 8 MB stack.
The operator limit also bounds the optimiser's time, which grows with the cube of a path's
length (a 500-step `/` path: 6 s to prepare, 256 steps 0.7 s).  Real queries are far below both:
the saved queries reach depth 10 and 52 operators.  The text itself is at
most MAX_QUERY_BYTES (1 MiB).  Lists that do not nest — VALUES rows, `IN (…)` members, triple
patterns separated by `.`, `;` and `,` — are not counted, so long generated lists still pass.

`SERVICE` makes the engine query another server (any internal service the serving host can
reach) and `LOAD` makes it fetch a URL: `kg serve` refuses both unless --allow-service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import QueryError

MAX_QUERY_BYTES = 1 << 20
MAX_DEPTH = 64
MAX_OPERATORS = 256

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                 |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<datatype>\^\^)
    | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<name>[\w:][\w:.\-%\\\u00b7]*)
    | (?P<operator>\|\||&&|!=|<=|>=|[!=<>+\-*/|^?])
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_KEYWORDS = frozenset(
    {"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "GRAPH", "SERVICE", "EXISTS", "VALUES", "SELECT"}
)
_REACHES_OUT = frozenset({"SERVICE", "LOAD"})


@dataclass(frozen=True)
class Shape:
    """What the lexer measured: the deepest bracket nesting, the operators, the keywords that
    reach other servers (upper case, in order of appearance, once each)."""

    depth: int
    operators: int
    reaches_out: tuple[str, ...]


def measure(text: str) -> Shape:
    depth = max_depth = operators = 0
    outward: list[str] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            max_depth = max(max_depth, depth)
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "operator":
            operators += 1
        elif kind == "name":
            word = match.group().upper()
            if word in _KEYWORDS:
                operators += 1
            if word in _REACHES_OUT and word not in outward:
                outward.append(word)
    return Shape(max_depth, operators, tuple(outward))


def check_sparql(text: str | bytes, *, allow_service: bool = True, what: str = "query") -> Shape:
    """Raise QueryError, in one line, when `text` is over a limit (or reaches other servers and
    `allow_service` is False); return its shape otherwise."""
    size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
    if size > MAX_QUERY_BYTES:
        raise QueryError(f"the {what} is {size:,} bytes; the limit is {MAX_QUERY_BYTES:,}")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as err:
            raise QueryError(f"the {what} is not UTF-8 text (byte {err.start:,})") from None
    shape = measure(text)
    if shape.depth > MAX_DEPTH:
        raise QueryError(
            f"the {what} nests brackets {shape.depth:,} deep; the limit is {MAX_DEPTH} "
            "(deeper nesting would overflow the SPARQL engine's stack)"
        )
    if shape.operators > MAX_OPERATORS:
        raise QueryError(
            f"the {what} has {shape.operators:,} operators and pattern keywords; the limit is {MAX_OPERATORS} "
            "(each may nest the engine's syntax tree a level deeper)"
        )
    if shape.reaches_out and not allow_service:
        words = " and ".join(shape.reaches_out)
        raise QueryError(
            f"{words} would make this server contact other servers; it is disabled (kg serve --allow-service)"
        )
    return shape
