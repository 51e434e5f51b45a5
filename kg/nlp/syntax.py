"""Small helpers over spaCy tokens: noun-phrase extents, clause spans, character offsets."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import numpy
from spacy.attrs import LOWER, POS
from spacy.tokens import Doc, Span, Token

from kg.nlp.lexicon import ALL_MARKS

# Left dependents that belong to a noun phrase naming a speaker ("the US-led coalition",
# "Iraq's government", "Iraqi government spokesman Saad al-Hadithi").
NP_LEFT_DEPS = frozenset(
    {"det", "amod", "compound", "poss", "nummod", "nmod", "quantmod", "advmod", "predet"}
)
# Right dependents that stay inside a name ("Te Kaurinui Robert Parata" sometimes parses flat).
NP_RIGHT_DEPS = frozenset({"flat", "compound"})
TRIM_CHARS = " \t\n,.;:—–-"
_ENTITIES_KEY = ("quotegraph", "entities")
_TEXT_KEY = ("quotegraph", "text")


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per Doc (spaCy joins every token's text on each access)."""
    cached = doc.user_data.get(_TEXT_KEY)
    if cached is None:
        cached = doc.user_data[_TEXT_KEY] = doc.text
    return cached


def token_indices(doc: Doc, pos: Iterable[str] = (), lower: Iterable[str] = ()) -> list[int]:
    """Indices of the tokens whose coarse part of speech is in `pos` or whose lower-cased text is
    in `lower`, read from one `doc.to_array` instead of making a Token object for every word
    (the scans that look for cue verbs and event triggers only ever act on these)."""
    strings = doc.vocab.strings  # a str key gives its hash (POS symbols are their own ids)
    columns = doc.to_array([POS, LOWER])
    pos_ids = numpy.array([strings[p] for p in pos], dtype=numpy.uint64)
    lower_ids = numpy.array([strings[w] for w in lower], dtype=numpy.uint64)
    wanted = numpy.isin(columns[:, 0], pos_ids) | numpy.isin(columns[:, 1], lower_ids)
    return numpy.flatnonzero(wanted).tolist()


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
