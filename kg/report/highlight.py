"""Article text with quotation spans marked up, escaping everything that is not our own markup.

Spans may overlap (a mixed quote containing a direct one, or two reported clauses sharing words).
HTML elements must nest, so crossing spans are split: when a span ends, every span opened after
it that is still open is closed with it and reopened right after as a continuation fragment.  Every fragment of one span
carries the same `data-quote`, and only the first carries its `id`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Span:
    start: int
    end: int  # exclusive
    ident: str  # unique; becomes the first fragment's id
    classes: str
    attrs: Mapping[str, str]


def valid(span: Span, text: str) -> bool:
    """Whether the span can be drawn: non-empty and inside the text."""
    return 0 <= span.start < span.end <= len(text)


def highlight(text: str, spans: Sequence[Span]) -> Markup:
    """`text` escaped, with a <mark> per span (split into fragments where spans cross).

    Invalid spans (see `valid`) are ignored; the caller reports them.
    """
    ordered = sorted((s for s in spans if valid(s, text)), key=lambda s: (s.start, -s.end, s.ident))
    bounds = sorted({0, len(text)} | {s.start for s in ordered} | {s.end for s in ordered})
    starts: dict[int, list[Span]] = {}
    for s in ordered:
        starts.setdefault(s.start, []).append(s)
    out: list[str] = []
    stack: list[Span] = []
    opened: set[str] = set()
    for i, pos in enumerate(bounds):
        _close_at(pos, stack, out, opened)
        for s in starts.get(pos, []):
            out.append(_open(s, opened))
            stack.append(s)
        if i + 1 < len(bounds):
            out.append(str(escape(text[pos : bounds[i + 1]])))
    out.extend("</mark>" for _ in stack)  # unreachable for valid spans; keeps the HTML well formed
    return Markup("".join(out))


def _close_at(pos: int, stack: list[Span], out: list[str], opened: set[str]) -> None:
    """Close every span ending at `pos`, reopening the ones above it that go on."""
    ending = [i for i, s in enumerate(stack) if s.end == pos]
    if not ending:
        return
    lowest = ending[0]
    above = stack[lowest:]
    del stack[lowest:]
    out.extend("</mark>" for _ in above)
    for s in above:
        if s.end != pos:  # interrupted, not finished: continue it in a new fragment
            out.append(_open(s, opened))
            stack.append(s)


def _open(span: Span, opened: set[str]) -> str:
    first = span.ident not in opened
    opened.add(span.ident)
    classes = span.classes if first else f"{span.classes} q-cont"
    parts = [f'<mark class="{escape(classes)}"']
    if first:
        parts.append(f' id="{escape(span.ident)}"')
    parts.extend(f' {name}="{escape(value)}"' for name, value in span.attrs.items())
    return "".join(parts) + ">"
