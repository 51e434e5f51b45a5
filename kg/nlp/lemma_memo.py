"""The model's rule lemmatizer, memoised per (word, part of speech, morphology).

spaCy's rule lemmatizer already caches its answer under exactly that key, but it still walks
the Doc in Python, builds a Token and a MorphAnalysis per word and sets `lemma_` through the
string store: about 4% of the pipeline.  The lemma is a pure function of the key, so a whole
Doc can be looked up from one `doc.to_array` and written back with one `doc.from_array`.

`install(nlp)` gives the loaded lemmatizer a subclass whose `__call__` does that (spaCy calls
components through their type, so an instance attribute would not be seen).  Anything unusual
— another mode, `overwrite`, a missing part of speech — goes to the stock code.
"""

from __future__ import annotations

from typing import Any

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

_COLUMNS = [LEMMA, ORTH, POS, MORPH]
# Distinct (word, POS, morphology) keys kept (~40 MB); a thousand news articles have ~30,000.
# Clearing is always safe: the stock lemmatizer recomputes.
_MAX_MEMO = 250_000


def _memoised_call(self: Any, doc: Doc) -> Doc:
    if self.mode != "rule" or self.overwrite or not self._validated:
        return super(type(self), self).__call__(doc)
    rows = doc.to_array(_COLUMNS)
    lemmas = rows[:, 0].copy()
    memo: dict[tuple[int, int, int], int] = self.__dict__.setdefault("_qg_memo", {})
    if len(memo) > _MAX_MEMO:
        memo.clear()
    strings = doc.vocab.strings
    for i, (lemma, orth, pos, morph) in enumerate(rows.tolist()):
        if lemma:  # set earlier (the attribute ruler's exceptions); the stock code keeps it too
            continue
        if not pos:  # the stock code warns about a missing POS: let it
            return super(type(self), self).__call__(doc)
        key = (orth, pos, morph)
        found = memo.get(key)
        if found is None:
            found = memo[key] = strings.add(self.lemmatize(doc[i])[0])
        lemmas[i] = found
    doc.from_array([LEMMA], lemmas.astype(numpy.uint64).reshape(-1, 1))
    return doc


def install(nlp: Language, pipe_name: str = "lemmatizer") -> bool:
    """Memoise `nlp`'s rule lemmatizer; False (and nothing changed) when it is not one."""
    if pipe_name not in nlp.pipe_names:
        return False
    lemmatizer = nlp.get_pipe(pipe_name)
    if not isinstance(lemmatizer, Lemmatizer) or lemmatizer.mode != "rule":
        return False
    stock = type(lemmatizer)
    lemmatizer.__class__ = type(f"Memoised{stock.__name__}", (stock,), {"__call__": _memoised_call})
    return True
