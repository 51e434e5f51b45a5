"""eval stage: score quotation extraction against gold annotations.

    from kg.eval import evaluate, ExtractorProvider, SystemFileProvider
    result = evaluate(["tests/data/dev"], ExtractorProvider())
    result.overall.end_to_end.f1

The matching rule is documented in `kg.eval.match`, the aggregation in `kg.eval.score`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kg.eval.gold import GoldDoc, GoldQuote, load_all
from kg.eval.match import match_spans, normalise_name, spans_match, speaker_matches
from kg.eval.predict import ExtractorProvider, Prediction, PredictionsProvider, SystemFileProvider
from kg.eval.score import DocResult, EvalResult, Levels, Score, score_doc

__all__ = [
    "DocResult",
    "EvalResult",
    "ExtractorProvider",
    "GoldDoc",
    "GoldQuote",
    "Levels",
    "Prediction",
    "PredictionsProvider",
    "Score",
    "SystemFileProvider",
    "evaluate",
    "evaluate_docs",
    "match_spans",
    "normalise_name",
    "score_doc",
    "spans_match",
    "speaker_matches",
]


def evaluate(gold_paths: Iterable[str | Path], predictions_provider: PredictionsProvider) -> EvalResult:
    """Score the provider's quotations on every gold article under `gold_paths`.

    `gold_paths` are directories (all their `NAME-gold.json`) or single gold files.  All gold is
    loaded and checked before the provider runs, so an annotation error surfaces at once rather
    than after minutes of extraction.
    """
    return evaluate_docs(load_all(gold_paths), predictions_provider)


def evaluate_docs(docs: Iterable[GoldDoc], predictions_provider: PredictionsProvider) -> EvalResult:
    """Score the provider's quotations on gold articles already loaded (e.g. a PolNeAR split)."""
    results = [score_doc(doc, predictions_provider(doc)) for doc in docs]
    return EvalResult(docs=results, source=str(getattr(predictions_provider, "label", "")))
