"""The words of a quotation, as compared across articles.

Outlets render one statement differently: curly or straight quotes and apostrophes, an ellipsis
where words were cut, an editor's [bracketed] insertion, a dash for a comma, capitals in a
headline.  None of that is a different statement, so comparison runs on the words alone:
Unicode-folded (NFKC), case-folded, apostrophes dropped inside words ("don't" = "dont" = "don’t"),
and every run of other characters a single word break.  Nothing else is rewritten — no stemming,
no synonyms, no stop-word removal: two renderings match on the words they share, never on what
they might mean (kg.clusters.match).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_APOSTROPHES = re.compile(r"[\u2019\u2018\u02bc\u0060\u00b4']")
_NOT_WORD = re.compile(r"[^\w]+|_+")


@dataclass(frozen=True)
class Words:
    """A quotation's normalised words, and the same joined by single spaces."""

    tokens: tuple[str, ...]
    text: str

    def __len__(self) -> int:
        return len(self.tokens)


def words(text: str) -> Words:
    """The normalised words of `text` (see the module's docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    tokens = tuple(_NOT_WORD.sub(" ", _APOSTROPHES.sub("", folded)).split())
    return Words(tokens, " ".join(tokens))


def shingles(tokens: tuple[str, ...], size: int) -> set[str]:
    """The distinct runs of `size` consecutive words (the whole text when it is shorter)."""
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}
