"""When two quotations by one speaker are occurrences of one statement, and how.

Three relations, tested on normalised words (kg.clusters.text) with rapidfuzz, never on meaning:

* **exact** — the same words;
* **excerpt** — the shorter is a contiguous run of the longer's words, at least
  `MIN_EXCERPT_WORDS` long (an outlet quoting part of a statement, or reporting it indirectly
  with the same words: "X said that <the same words>");
* **variant** — a near-identical rendering, at least `MIN_VARIANT_WORDS` long: the same length
  give or take a fifth, and at most one word in five changed (word-level Levenshtein similarity
  ≥ `WORD_SIMILARITY`) or the characters almost all the same (rapidfuzz `fuzz.ratio` ≥
  `CHAR_SIMILARITY`: spelling variants, a dropped hyphen); or a near-identical rendering of a
  part of the longer (`fuzz.partial_ratio` ≥ `PARTIAL_SIMILARITY`: the best-aligned stretch of
  the longer, characters compared).

A paraphrase — the same point in other words ("taxes will not go up" / "there will be no new
taxes") — shares too few words to pass any of them, and is kept apart: no synonyms, no
embeddings.  Short quotations ("No comment.") match exactly or not at all, since a one-word
change in five words is another statement ("we will now…" / "we will not…").
"""

from __future__ import annotations

from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from kg.clusters.text import Words

Relation = Literal["exact", "excerpt", "variant"]

MIN_EXCERPT_WORDS = 6
MIN_VARIANT_WORDS = 8
LENGTH_RATIO = 0.8  # a whole-text variant is at least this long relative to the other
WORD_SIMILARITY = 0.8
CHAR_SIMILARITY = 92.0
PARTIAL_SIMILARITY = 92.0

RELATION_RANK: dict[Relation, int] = {"exact": 0, "excerpt": 1, "variant": 2}


def relation(a: Words, b: Words) -> Relation | None:
    """How `a` and `b` are one statement (in either direction), or None when they are not."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if not short.tokens:
        return None
    if short.text == long.text:
        return "exact"
    if len(short) >= MIN_EXCERPT_WORDS and f" {short.text} " in f" {long.text} ":
        return "excerpt"
    if len(short) < MIN_VARIANT_WORDS:
        return None
    if len(short) >= LENGTH_RATIO * len(long):
        if Levenshtein.normalized_similarity(short.tokens, long.tokens) >= WORD_SIMILARITY:
            return "variant"
        if fuzz.ratio(short.text, long.text, score_cutoff=CHAR_SIMILARITY):
            return "variant"
        return None
    if fuzz.partial_ratio(short.text, long.text, score_cutoff=PARTIAL_SIMILARITY):
        return "variant"
    return None
