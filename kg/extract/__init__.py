"""extract stage: one Article → its Analysis (quotations with resolved speakers, entities).

    >>> from kg.extract import load_nlp, analyse
    >>> analysis = analyse(article, load_nlp())

The names are resolved lazily (PEP 562) so that importing a light module of this package, such as
`kg.extract.lexicon`, does not load spaCy — `kg query` and `kg export` never need it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["analyse", "analyse_many", "analysis_from_doc", "load_nlp"]


def __getattr__(name: str) -> Any:
    if name == "load_nlp":
        from kg.extract.nlp import load_nlp

        return load_nlp
    if name in {"analyse", "analyse_many", "analysis_from_doc"}:
        from kg.extract import analysis

        return getattr(analysis, name)
    raise AttributeError(f"module 'kg.extract' has no attribute {name!r}")
