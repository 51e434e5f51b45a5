"""One Article → its Analysis: extraction (kg.extract) and resolution (kg.resolve) put together,
with the events and normalised times that need both.

    >>> from kg.nlp import load_nlp
    >>> from kg.analysis import analyse
    >>> analysis = analyse(article, load_nlp())

The names are resolved lazily (PEP 562) so that importing this package does not load spaCy.
"""

from __future__ import annotations

from typing import Any

__all__ = ["analyse", "analyse_many", "analysis_from_doc"]


def __getattr__(name: str) -> Any:
    if name in {"analyse", "analyse_many", "analysis_from_doc"}:
        from kg.analysis import article

        return getattr(article, name)
    raise AttributeError(f"module 'kg.analysis' has no attribute {name!r}")
