"""Session-wide fixtures: the spaCy model is loaded once and the sample is built once."""

from __future__ import annotations

from pathlib import Path

import pytest
from servers import virtuoso  # noqa: F401  (the session fixture, for every test module)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "examples" / "articles"
SAMPLE_GOLD = ROOT / "tests" / "data" / "sample" / "iraq-troops-gold.json"
DEV_DIR = ROOT / "tests" / "data" / "dev"
SHARED = ROOT.parent / "shared"
GRAPHML_XSD = ROOT / "tests" / "data" / "graphml-xsd" / "graphml.xsd"


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def sample_store_path(tmp_path_factory, nlp) -> Path:
    """A store holding the bundled sample, built once per test session; tests must not write to it."""
    from kg.pipeline import build

    path = tmp_path_factory.mktemp("sample") / "kg.db"
    build([str(SAMPLE_DIR)], store_path=path, nlp=nlp)
    return path


IDENTITY_DIR = ROOT / "tests" / "data" / "identity"


@pytest.fixture(scope="session")
def multi_store_path(tmp_path_factory, nlp) -> Path:
    """The dev articles, the sample, the sample again under another id (entities shared between
    article graphs) and two made-up articles quoting one person, one as "Barack Obama", the other
    only as "Obama"; built once per session with a plain `build`; tests must not write to it."""
    import shutil

    from kg.pipeline import build

    work = tmp_path_factory.mktemp("multi")
    articles = work / "articles"
    articles.mkdir()
    sample = next(SAMPLE_DIR.glob("*.txt"))
    for text in [*sorted(DEV_DIR.glob("*.txt")), sample, *sorted(IDENTITY_DIR.glob("obama-*.txt"))]:
        shutil.copy(text, articles / text.name)
    shutil.copy(sample, articles / f"again-{sample.name}")
    build([str(articles)], store_path=work / "kg.db", nlp=nlp)
    return work / "kg.db"
