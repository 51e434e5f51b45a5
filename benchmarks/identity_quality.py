"""Cluster quality of the corpus entities (kg.identity.corpus): pairwise precision and recall.

    .venv/bin/python benchmarks/identity_quality.py

Builds two stores in a temporary directory — the dev articles with the sample, and the same plus
the made-up Obama pair and the hard cases of tests/data/identity/hard (namesakes, one surname for
two people, acronyms stated and not) — and scores each against the gold clustering
(kg.eval.clusters; tests/data/identity/gold.json and hard-gold.json, every other item being what its node's IRI
says).  Prints each score with its false and missed merges; the numbers are in benchmarks/README.md.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from kg.eval.clusters import read_gold, score_clusters, score_text
from kg.nlp import load_nlp
from kg.pipeline import build
from kg.store import QuoteStore

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def main() -> None:
    nlp = load_nlp()
    gold = read_gold([DATA / "identity" / "gold.json", DATA / "identity" / "hard-gold.json"])
    sets = {
        "dev + sample": [*sorted((DATA / "dev").glob("*.txt")), *sorted((DATA / "sample").glob("*.txt"))],
        "dev + sample + Obama pair + hard cases": [
            *sorted((DATA / "dev").glob("*.txt")), *sorted((DATA / "sample").glob("*.txt")),
            *sorted((DATA / "identity").glob("obama-*.txt")), *sorted((DATA / "identity" / "hard").glob("*.txt"))],
        "hard cases alone": sorted((DATA / "identity" / "hard").glob("*.txt")),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for n, (title, files) in enumerate(sets.items()):
            articles = Path(tmp) / f"set-{n}"
            articles.mkdir()
            for path in files:
                shutil.copy(path, articles / path.name)
            store = Path(tmp) / f"kg-{n}.db"
            build([str(articles)], store_path=store, nlp=nlp)
            with QuoteStore.open(store, read_only=True) as st:
                print(score_text(title, score_clusters(st, gold)))


if __name__ == "__main__":
    main()
