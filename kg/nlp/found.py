"""What extraction hands to resolution: a quotation found in a parsed article, its cue and the
spaCy spans of its speaker and addressee, not yet resolved to entities.

The one type the two stages share besides kg.model (kg.extract makes these, kg.resolve reads
them), so neither stage imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token


@dataclass
class Cue:
    token: Token
    text: str  # as written: "said", "told", "summed up", "according to"
    lemma: str
    needs_quote: bool  # reports speech only when its complement holds a quoted fragment


@dataclass
class RawQuote:
    start: int
    end: int
    type: str
    paragraph: int
    cue: Cue | None = None
    speaker: Span | None = None
    addressee: Span | None = None
    channel: str | None = None
    time_text: str | None = None
    sentence: tuple[int, int] = (0, 0)
    inherit: bool = False  # attribution to be taken from a neighbouring quote
    rule: str = ""  # the quotation rule that found it (kg.rules)
    speaker_rule: str | None = None  # the speaker rule that found `speaker`
