"""Precision, recall and F1 for one article and summed over a gold set.

Two levels are scored with the same one-to-one matching (see `kg.eval.match`):

* detection   — a found quotation counts when it matches a gold quotation;
* end-to-end  — it counts only when it matches AND its speaker is right.

Overall numbers are micro-averaged: counts are summed over all articles, then divided.

Per type (direct / mixed / indirect), recall is by *gold* type (of the gold quotes of that type,
how many were found) and precision by *predicted* type (of the quotes the system labelled with
that type, how many match a gold quote of any type).  A system that does not type its quotes
therefore has no per-type precision.

A ratio with a zero denominator is None (shown "n/a").  F1 is the harmonic mean of P and R when
both exist; when one is missing, F1 is 0 if the other is 0 (nothing found where there was
something to find, or only false positives where there was nothing) and None otherwise (a
per-type slice of a system that does not type its quotes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.eval.gold import QUOTE_TYPES, GoldDoc, GoldQuote
from kg.eval.match import match_spans, spans_match, speaker_matches
from kg.eval.predict import Prediction


@dataclass(frozen=True)
class Score:
    """Counts behind one P/R/F1 triple; recall and precision numerators may differ per type."""

    gold: int = 0  # gold quotations considered
    predicted: int = 0  # found quotations considered
    tp_gold: int = 0  # of the gold ones, how many were matched (recall numerator)
    tp_predicted: int = 0  # of the found ones, how many matched (precision numerator)

    @property
    def precision(self) -> float | None:
        return self.tp_predicted / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.tp_gold / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            # Nothing found while there was something to find (or the reverse) is a plain 0; a
            # per-type slice can also have hits on one side only (a system that does not type its
            # quotes, or typed them differently from gold), where an F1 would mean nothing.
            other = r if p is None else p
            return 0.0 if other == 0 else None
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def __add__(self, other: Score) -> Score:
        return Score(
            self.gold + other.gold,
            self.predicted + other.predicted,
            self.tp_gold + other.tp_gold,
            self.tp_predicted + other.tp_predicted,
        )


@dataclass(frozen=True)
class Levels:
    """The detection and end-to-end scores of one slice (an article, a type, the whole set)."""

    detection: Score = Score()
    end_to_end: Score = Score()

    def __add__(self, other: Levels) -> Levels:
        return Levels(self.detection + other.detection, self.end_to_end + other.end_to_end)


@dataclass(frozen=True)
class Pair:
    """A gold quotation and the found quotation matched to it."""

    gold: GoldQuote
    found: Prediction
    speaker_ok: bool


@dataclass(frozen=True)
class SpeakerTally:
    """Of the matched quotations whose gold source is mentioned one way, how many got the speaker."""

    matched: int = 0
    right: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.right / self.matched if self.matched else None

    def __add__(self, other: SpeakerTally) -> SpeakerTally:
        return SpeakerTally(self.matched + other.matched, self.right + other.right)


MENTION_KINDS = ("name", "description", "pronoun")


@dataclass
class DocResult:
    """Scores and errors of one article."""

    doc: GoldDoc
    overall: Levels
    by_type: dict[str, Levels]
    pairs: list[Pair] = field(default_factory=list)
    missed: list[GoldQuote] = field(default_factory=list)  # gold quotes nothing matched
    false_positives: list[Prediction] = field(default_factory=list)  # found quotes matching no gold
    speech: Levels = field(default_factory=Levels)  # speech cues only (see score_doc)
    by_mention: dict[str, SpeakerTally] = field(default_factory=dict)

    @property
    def wrong_speakers(self) -> list[Pair]:
        return [p for p in self.pairs if not p.speaker_ok and p.gold.scored]

    def negative_hit(self, found: Prediction) -> str | None:
        """The note of a gold negative this false positive matches, if any (why it is wrong)."""
        for neg in self.doc.negatives:
            if spans_match((neg.start, neg.end), (found.start, found.end)):
                return neg.note or "annotated as not a quotation"
        return None


@dataclass
class EvalResult:
    """Per-article results of one evaluation and their micro-averaged sums."""

    docs: list[DocResult]
    source: str = ""  # what produced the predictions, for the report header

    @property
    def overall(self) -> Levels:
        return sum((d.overall for d in self.docs), Levels())

    @property
    def by_type(self) -> dict[str, Levels]:
        return {t: sum((d.by_type[t] for d in self.docs), Levels()) for t in QUOTE_TYPES}

    @property
    def speech(self) -> Levels:
        return sum((d.speech for d in self.docs), Levels())

    @property
    def by_mention(self) -> dict[str, SpeakerTally]:
        return {k: sum((d.by_mention.get(k, SpeakerTally()) for d in self.docs), SpeakerTally()) for k in MENTION_KINDS}

    @property
    def has_speech_slice(self) -> bool:
        """True when the gold tells speech cues from others (PolNeAR), so the slice means something."""
        return any(not q.speech for d in self.docs for q in d.doc.quotes)

    @property
    def has_mention_kinds(self) -> bool:
        return any(q.mention_kind for d in self.docs for q in d.doc.quotes)


def score_doc(doc: GoldDoc, found: Sequence[Prediction]) -> DocResult:
    """Match one article's found quotations to its gold ones and count.

    Gold quotations marked unscored (no source given) take part in matching, so that the system's
    quotation matched to one is neither a hit nor a false positive, and are left out of every count.
    The speech slice does the same with the gold quotations of non-speech cues ("believes").
    """
    # Sorting by position makes the report read in text order whatever order the system used.
    found = sorted(found, key=lambda p: (p.start, p.end))
    matched = match_spans([(q.start, q.end) for q in doc.quotes], [(p.start, p.end) for p in found])
    pairs = [
        Pair(doc.quotes[gi], found[fi], speaker_matches(found[fi].speaker, doc.quotes[gi].speakers))
        for gi, fi in matched
    ]
    speaker_ok = {gi: pair.speaker_ok for (gi, _), pair in zip(matched, pairs, strict=True)}
    matched_gold = set(speaker_ok)
    matched_found = {fi for _, fi in matched}
    gold_of = {fi: gi for gi, fi in matched}

    def levels(gold_sel: list[bool], found_sel: list[bool]) -> Levels:
        """Scores over the selected gold and found quotes (a type, or all of them)."""
        det_gold = sum(1 for gi, _ in matched if gold_sel[gi])
        det_found = sum(1 for _, fi in matched if found_sel[fi])
        e2e_gold = sum(1 for gi, _ in matched if gold_sel[gi] and speaker_ok[gi])
        e2e_found = sum(1 for gi, fi in matched if found_sel[fi] and speaker_ok[gi])
        n_gold, n_found = sum(gold_sel), sum(found_sel)
        return Levels(
            Score(n_gold, n_found, det_gold, det_found), Score(n_gold, n_found, e2e_gold, e2e_found)
        )

    def found_outside(excluded: list[bool]) -> list[bool]:
        """Found quotes not matched to an excluded gold quote."""
        return [not (fi in gold_of and excluded[gold_of[fi]]) for fi in range(len(found))]

    scored = [q.scored for q in doc.quotes]
    speech = [q.scored and q.speech for q in doc.quotes]
    counted = found_outside([not s for s in scored])
    by_type = {
        t: levels(
            [s and q.type == t for q, s in zip(doc.quotes, scored, strict=True)],
            [c and p.type == t for p, c in zip(found, counted, strict=True)],
        )
        for t in QUOTE_TYPES
    }
    by_mention: dict[str, SpeakerTally] = {}
    for gi, _ in matched:
        kind = doc.quotes[gi].mention_kind
        if kind and doc.quotes[gi].scored:
            by_mention[kind] = by_mention.get(kind, SpeakerTally()) + SpeakerTally(1, int(speaker_ok[gi]))
    return DocResult(
        doc=doc,
        overall=levels(scored, counted),
        by_type=by_type,
        pairs=pairs,
        missed=[q for gi, q in enumerate(doc.quotes) if gi not in matched_gold and q.scored],
        false_positives=[p for fi, p in enumerate(found) if fi not in matched_found],
        speech=levels(speech, found_outside([not s for s in speech])),
        by_mention=by_mention,
    )
