"""The model's dense layers multiplied by numpy's BLAS (OpenBLAS) instead of BLIS.

thinc's CPU backend (`NumpyOps`) sends every matrix product of the CNN token encoders and of the
parser/NER feature layers to BLIS.  On these machines BLIS runs a generic kernel (the virtual CPU
does not identify itself as a model BLIS has a kernel for) and is about three times slower per
CPU second than the OpenBLAS numpy ships, which picks its kernel from the CPU's features.  The two
tok2vec encoders (the shared one and NER's own) are about half of the model's time, most of it in
those products.

thinc has the switch: `NumpyOps(use_blis=False)` does `gemm` with `numpy.dot`; nothing else
changes (same inputs and shapes, float32 arithmetic equal up to summation order).
tests/test_pipeline_speedups.py checks the annotations stay equal to the stock model's.
OpenBLAS is held to one thread: parallelism is `kg build --workers`/`--engine dask`, and a BLAS
thread pool in every worker would oversubscribe the cores and make runs harder to compare.

The transition decoders (the parser's and NER's state steps) call BLAS from Cython through
thinc's `CBlas` handle, which cannot be repointed from Python; they keep BLIS.
"""

from __future__ import annotations

from spacy.language import Language
from thinc.api import NumpyOps
from threadpoolctl import threadpool_limits


def install(nlp: Language) -> NumpyOps:
    """Every thinc model node of `nlp`'s components now computes with one numpy-BLAS `NumpyOps`."""
    threadpool_limits(limits=1, user_api="blas")
    ops = NumpyOps(use_blis=False)
    for _name, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue  # rule-based components (attribute ruler, lemmatizer, ours)
        for node in model.walk():
            node.ops = ops
    return ops
