"""Bounded work per article: pathological text costs time in proportion to its length.

1. Long runs of punctuation are cut into pieces before spaCy's tokenizer sees them.  It strips
   prefixes and suffixes one character at a time, re-slicing what is left, so one
   whitespace-free run of n quotation marks or `=` costs O(n²) (a 100 KB file of quotation marks:
   minutes; benchmarks/README.md, "How long do pathological texts take?").  Each run is tokenized in pieces of
   MIN_RUN characters instead, so every piece costs a bounded time; the tokenizer splits such
   runs into one token per mark anyway (`====` → `=`, `=`, `=`, `=`), and a run it keeps
   whole (`-=-=-=`) stays a few tokens per piece.  Runs shorter than MIN_RUN, and all other
   text, go through the stock tokenizer unchanged (tests/test_pipeline_speedups.py compares the
   annotations on real articles).

2. No sentence runs longer than MAX_UNBROKEN tokens without a `.`, `!`, `?` or line break: a
   sentence start is preset there (the parser keeps preset starts).  Parts of the extraction work
   per sentence in time that grows with the square of its length, which real sentences never make
   noticeable but a 100 KB text without a full stop did (`He said "` repeated: 160,000 characters
   57 s, and growing fourfold with each doubling).  Real sentences are far shorter (the longest
   in the dev set: 94 tokens), so articles are parsed exactly as before.

Measurements before and after: benchmarks/README.md, "How long do pathological texts take?".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

# Below this, a run costs the stock tokenizer well under a millisecond (64 marks: 0.1 ms).
MIN_RUN = 64
_RUN = re.compile(rf"[^\w\s]{{{MIN_RUN},}}")


class RunSplittingTokenizer:
    """Wraps a pipeline's tokenizer; picklable like it (workers receive the whole pipeline)."""

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        if _RUN.search(text) is None:
            return self.tokenizer(text)
        docs: list[Doc] = []
        pos = 0
        for run in _RUN.finditer(text):
            if run.start() > pos:
                docs.append(self.tokenizer(text[pos : run.start()]))
            pieces = [text[i : min(i + MIN_RUN, run.end())] for i in range(run.start(), run.end(), MIN_RUN)]
            pos = run.end()
            if text.startswith(" ", pos):  # one space after a token is its trailing whitespace
                pieces[-1] += " "
                pos += 1
            docs.extend(self.tokenizer(piece) for piece in pieces)
        if pos < len(text):
            docs.append(self.tokenizer(text[pos:]))
        doc = Doc.from_docs(docs, ensure_whitespace=False)
        assert doc.text == text  # offsets index the article text: never change it
        return doc

    # spaCy calls these on nlp.tokenizer when the pipeline is saved or copied
    def to_bytes(self, **kwargs: object) -> bytes:
        return self.tokenizer.to_bytes(**kwargs)  # type: ignore[attr-defined]

    def from_bytes(self, data: bytes, **kwargs: object) -> RunSplittingTokenizer:
        self.tokenizer.from_bytes(data, **kwargs)  # type: ignore[attr-defined]
        return self

    def __getattr__(self, name: str) -> object:  # vocab, rules, explain, …: the wrapped tokenizer's
        if name == "tokenizer":
            raise AttributeError(name)
        return getattr(self.tokenizer, name)


MAX_UNBROKEN = 400
_FULL_STOPS = frozenset(".!?\n")


@Language.component("long_sentence_breaks")
def long_sentence_breaks(doc: Doc) -> Doc:
    """Preset a sentence start after MAX_UNBROKEN tokens with no full stop or preset start."""
    if len(doc) <= MAX_UNBROKEN:
        return doc
    since = 0
    for token in doc:
        if token.is_sent_start:
            since = 0
        elif since >= MAX_UNBROKEN:
            token.is_sent_start = True
            since = 0
        since += 1
        if not _FULL_STOPS.isdisjoint(token.text):
            since = 0
    return doc


def install(nlp: Language) -> None:
    """Both bounds, on a pipeline that has the `paragraph_breaks` component (kg.nlp.load)."""
    nlp.tokenizer = RunSplittingTokenizer(nlp.tokenizer)
    nlp.add_pipe("long_sentence_breaks", after="paragraph_breaks")
