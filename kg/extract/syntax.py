"""Small helpers over spaCy tokens: noun-phrase extents, clause spans, character offsets."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from kg.extract.lexicon import ALL_MARKS

# Left dependents that belong to a noun phrase naming a speaker ("the US-led coalition",
# "Iraq's government", "Iraqi government spokesman Saad al-Hadithi").
NP_LEFT_DEPS = frozenset(
    {"det", "amod", "compound", "poss", "nummod", "nmod", "quantmod", "advmod", "predet"}
)
# Right dependents that stay inside a name ("Te Kaurinui Robert Parata" sometimes parses flat).
NP_RIGHT_DEPS = frozenset({"flat", "compound"})
TRIM_CHARS = " \t\n,.;:—–-"
_ENTITIES_KEY = ("quotegraph", "entities")


def entities(doc: Doc) -> tuple[Span, ...]:
    """`doc.ents`, built once per Doc.

    spaCy builds a new tuple of Spans over the whole document on every `doc.ents` (and every
    `span.ents`) access; resolution asks thousands of times per article, which made it
    quadratic in article length.  The pipeline never changes entities after it has run.
    """
    cached = doc.user_data.get(_ENTITIES_KEY)
    if cached is None:
        cached = doc.user_data[_ENTITIES_KEY] = tuple(doc.ents)
    return cached


def entities_in(span: Span) -> tuple[Span, ...]:
    """`span.ents`: the entities lying wholly inside `span`, in order."""
    ents = entities(span.doc)
    inside = []
    for ent in ents[bisect.bisect_left(ents, span.start, key=lambda e: e.start) :]:
        if ent.end > span.end:  # entities never overlap: none after this one fits either
            break
        inside.append(ent)
    return tuple(inside)


def np_bounds(head: Token) -> tuple[int, int]:
    """Token range [start, end) of the noun phrase headed by `head`, without clauses or appositions."""
    start = head.i
    for child in head.lefts:
        if child.dep_ in NP_LEFT_DEPS:
            start = min(start, child.left_edge.i)
    end = head.i + 1
    for child in head.rights:
        if child.dep_ in NP_RIGHT_DEPS and child.i == end:
            end = child.right_edge.i + 1
    return start, end


def np_span(head: Token) -> Span:
    start, end = np_bounds(head)
    return head.doc[start:end]


def strip_determiner(span: Span) -> Span:
    """'the Pentagon' → 'Pentagon'; 'an Iraqi government spokesman' → 'Iraqi government spokesman'."""
    start = span.start
    while (
        start < span.end - 1 and span.doc[start].dep_ in {"det", "predet"} and span.doc[start].pos_ == "DET"
    ):
        start += 1
    return span.doc[start : span.end]


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace and edge punctuation (closing quotation marks are not trimmed: a quoted
    fragment that ends a clause keeps its mark)."""
    while start < end and text[start] in TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in TRIM_CHARS:
        end -= 1
    return start, end


def contains_mark(text: str, start: int, end: int) -> bool:
    return any(ch in ALL_MARKS for ch in text[start:end])


def has_verb(tokens: Iterable[Token]) -> bool:
    return any(t.pos_ in {"VERB", "AUX"} for t in tokens)
