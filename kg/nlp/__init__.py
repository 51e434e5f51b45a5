"""The spaCy layer under extraction and resolution: loading the model (`load`), the bounds and
speed patches installed into it (`bounded`, `blas_ops`, `lemma_memo`, `rule_index`), helpers over
parsed tokens (`syntax`, `quotemarks`), the word lists both stages read (`lexicon`), names as text
(`names`), and what extraction hands to resolution (`found`).

`load_nlp` is resolved lazily (PEP 562): importing a light module of this package, such as
`kg.nlp.names`, does not load spaCy — `kg query` and `kg export` never need it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_nlp"]


def __getattr__(name: str) -> Any:
    if name == "load_nlp":
        from kg.nlp.load import load_nlp

        return load_nlp
    raise AttributeError(f"module 'kg.nlp' has no attribute {name!r}")
