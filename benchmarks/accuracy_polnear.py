"""The PolNeAR accuracy table of benchmarks/README.md: quotegraph and other systems, one row each,
scored by `kg eval`'s rules on the splits asked for.

    .venv/bin/python benchmarks/accuracy_polnear.py PATH_TO_POLNEAR --split dev --split test \\
        --system "textacy 0.13 (per paragraph)=/tmp/textacy-paragraph-{split}.jsonl"

`{split}` in a system file name is replaced by each split.  Tune on train and dev only; the test
split is for the reported number.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.eval import EvalResult, ExtractorProvider, SystemFileProvider, evaluate_docs
from kg.eval.polnear import load_split
from kg.eval.score import Score


def f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def prf(score: Score) -> str:
    return f"{f(score.precision)} / {f(score.recall)} / {f(score.f1)}"


def row(name: str, split: str, r: EvalResult) -> str:
    by_type = r.by_type
    mention = r.by_mention
    cells = [
        name,
        split,
        prf(r.overall.end_to_end),
        prf(r.speech.end_to_end),
        f(r.speech.detection.precision),
        *(f(by_type[t].end_to_end.f1) for t in ("direct", "mixed", "indirect")),
        *(f"{f(mention[k].accuracy)} ({mention[k].matched})" for k in ("name", "description", "pronoun")),
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("polnear", type=Path)
    parser.add_argument("--split", action="append", choices=["train", "dev", "test"])
    parser.add_argument("--system", action="append", default=[], metavar="NAME=FILE")
    parser.add_argument("--no-quotegraph", action="store_true", help="score only the --system files")
    args = parser.parse_args()
    print(
        "| system | split | end-to-end P / R / F1 (all cues) | end-to-end P / R / F1 (speech cues) "
        "| quotation precision (speech) | direct F1 | mixed F1 | indirect F1 "
        "| speaker right: name | description | pronoun |"
    )
    print("|" + "---|" * 11)
    extractor = ExtractorProvider()
    for split in args.split or ["dev"]:
        docs = load_split(args.polnear, split)
        if not args.no_quotegraph:
            print(row("quotegraph", split, evaluate_docs(docs, extractor)), flush=True)
        for spec in args.system:
            name, _, path = spec.partition("=")
            provider = SystemFileProvider(path.replace("{split}", split))
            print(row(name, split, evaluate_docs(docs, provider)), flush=True)


if __name__ == "__main__":
    main()
