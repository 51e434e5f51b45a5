"""The accuracy bar of issue 3, measured with `kg eval`'s own scorer on the bundled gold.

Dev set (six real articles): end-to-end F1 ≥ 0.85 overall and ≥ 0.75 on indirect speech;
the sample article: 1.00.  These thresholds guard against regressions; the per-article numbers
are printed by `kg eval tests/data/dev`.
"""

from __future__ import annotations

import pytest
from conftest import DEV_DIR, SAMPLE_GOLD

from kg.eval import evaluate
from kg.eval.predict import ExtractorProvider


@pytest.fixture(scope="module")
def dev_result(nlp):
    return evaluate([DEV_DIR], ExtractorProvider(nlp=nlp))


def test_dev_set_end_to_end_f1(dev_result):
    assert dev_result.overall.end_to_end.f1 >= 0.85


def test_dev_set_indirect_speech_f1(dev_result):
    assert dev_result.by_type["indirect"].end_to_end.f1 >= 0.75


def test_sample_article_is_perfect(nlp):
    result = evaluate([SAMPLE_GOLD], ExtractorProvider(nlp=nlp))
    assert result.overall.end_to_end.f1 == 1.0
    assert result.overall.detection.precision == 1.0
