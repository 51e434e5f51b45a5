"""One speaker's quotations → clusters of occurrences of one statement.

Leader clustering over a total order of the occurrences, so the result is a function of the set
alone — any build order, any batching, gives the same clusters:

1. the occurrences are sorted longest first (words), direct before mixed before indirect, then by
   text, article and offsets;
2. each in turn joins the best cluster whose *leader* (the occurrence that started it: always at
   least as long as it) it is one statement with (kg.clusters.match: exact before excerpt before
   variant, then most shared shingles, then the older cluster) — or, failing that, a cluster one of
   whose renderings contains it word for word (an excerpt of a reworded occurrence) — or it
   becomes a leader itself.

Fuzzy comparisons are with leaders only — never with every member — so a cluster does not drift
through a chain of near-matches; a sentence two different statements share (a stump-speech line)
joins one of them, not both into one.

Candidates come from an inverted index of word shingles (`SHINGLE_WORDS` consecutive words) of
each cluster's leader and distinct renderings: an occurrence is compared only with the leaders that share at least a third of its
shingles (an excerpt shares all of them, a variant with a word in five changed about half), at most
`MAX_CANDIDATES` of them, most shared first.  Shingles found in more than `COMMON_SHINGLE`
leaders ("i dont think that") are skipped unless nothing rarer is left.  So the work per
occurrence is bounded by its length and the index's rare entries, not by the speaker's number of
quotations: no pair of statements is compared unless they share words.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.clusters.match import MIN_EXCERPT_WORDS, RELATION_RANK, Relation, relation
from kg.clusters.text import Words, shingles, words

SHINGLE_WORDS = 3
MAX_CANDIDATES = 40
COMMON_SHINGLE = 500
SHARED_FRACTION = 1 / 3
MAX_MEMBER_TEXTS = 64  # distinct renderings of a cluster that later excerpts are looked for in

TYPE_RANK = {"direct": 0, "mixed": 1, "indirect": 2}


@dataclass(frozen=True)
class Occurrence:
    """One quotation as the clustering sees it."""

    quote: str  # the quotation's IRI
    article: str  # its article's IRI
    article_id: str  # schema:identifier
    text: str
    type: str  # direct | mixed | indirect
    start: int
    end: int
    date: str | None = None  # the article's schema:datePublished as written (lexical form)
    source: str | None = None  # the article's publisher (its corpus entity's IRI when known)

    @property
    def seen_key(self) -> tuple[bool, str, str, int, str]:
        """Earliest first: dated before undated, by the date's YYYY-MM-DD (a date-time's day),
        then by article identifier and position."""
        day = self.date[:10] if self.date and len(self.date) >= 10 and self.date[4] == "-" else None
        return (day is None, day or "", self.article_id, self.start, self.quote)


@dataclass
class Cluster:
    leader: Occurrence
    members: list[tuple[Occurrence, Relation]] = field(default_factory=list)  # relation to the leader

    @property
    def articles(self) -> set[str]:
        return {o.article for o, _ in self.members}


def _order(item: tuple[Occurrence, Words]) -> tuple[int, int, str, str, int, str]:
    o, w = item
    return (-len(w), TYPE_RANK.get(o.type, 3), w.text, o.article_id, o.start, o.quote)


def group(occurrences: Sequence[Occurrence]) -> list[Cluster]:
    """The clusters of one speaker's occurrences (singletons included), in leader order."""
    items = sorted(((o, words(o.text)) for o in occurrences), key=_order)
    clusters: list[Cluster] = []
    leader_words: list[Words] = []
    texts: list[dict[str, Words]] = []  # each cluster's distinct member texts (normalised)
    index: dict[str, list[int]] = {}  # shingle → clusters whose leader or members have it
    known: list[set[str]] = []  # each cluster's shingles
    for occurrence, w in items:
        if not w.tokens:
            continue
        own = sorted(shingles(w.tokens, SHINGLE_WORDS))
        best = _best_cluster(w, own, index, leader_words, texts)
        if best is None:
            number = len(clusters)
            clusters.append(Cluster(occurrence, [(occurrence, "exact")]))
            leader_words.append(w)
            texts.append({})
            known.append(set())
            how: Relation = "exact"
        else:
            number, how = best
            clusters[number].members.append((occurrence, how))
        if w.text not in texts[number] and len(texts[number]) < MAX_MEMBER_TEXTS:
            texts[number][w.text] = w
            for shingle in own:
                if shingle not in known[number]:
                    known[number].add(shingle)
                    index.setdefault(shingle, []).append(number)
    return clusters


def _best_cluster(w: Words, own: list[str], index: dict[str, list[int]], leaders: list[Words],
                  texts: list[dict[str, Words]]) -> tuple[int, Relation] | None:
    """The cluster `w` joins: its leader related to it in any way (kg.clusters.match), or else one
    of its members' texts containing it word for word (an excerpt of a rendering the leader
    itself words differently); exact before excerpt before variant, then most shared shingles."""
    postings = [index[s] for s in own if s in index]
    if not postings:
        return None
    usable = [p for p in postings if len(p) <= COMMON_SHINGLE] or sorted(postings, key=len)[:2]
    shared = Counter(n for posting in usable for n in posting)
    need = max(1, math.ceil(SHARED_FRACTION * len(own)))
    ranked = sorted((n for n, count in shared.items() if count >= min(need, len(usable))),
                    key=lambda n: (-shared[n], n))[:MAX_CANDIDATES]
    found: list[tuple[int, int, int, Relation]] = []
    for n in ranked:
        how = relation(w, leaders[n])
        if how is None and len(w) >= MIN_EXCERPT_WORDS:
            padded = f" {w.text} "
            if any(padded in f" {t} " for t in texts[n]):
                how = "excerpt"
        if how is not None:
            found.append((RELATION_RANK[how], -shared[n], n, how))
    if not found:
        return None
    _, _, n, how = min(found)
    return n, how
