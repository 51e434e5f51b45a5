"""Does the learned cue step (rule `reported-learned`, kg/extract/learned.py) help beyond the
rules?  The same extractor with the step off and on, scored by `kg eval`'s rules: on PolNeAR splits
(speech cues, end to end, by type) and on the gold sets of this repository.

    .venv/bin/python benchmarks/learned_cues.py --polnear PATH/TO/PolNeAR --split dev \\
        --gold tests/data/dev --gold tests/data/sample

The model is trained on PolNeAR train and its threshold chosen on dev (tools/train_cue_model.py);
run the test split once, for the reported number.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.eval import EvalResult, ExtractorProvider, evaluate_docs
from kg.eval.gold import load_all
from kg.eval.polnear import load_split
from kg.nlp import load_nlp


def f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def row(setting: str, corpus: str, r: EvalResult, speech: bool) -> str:
    levels = r.speech if speech else r.overall
    e2e = levels.end_to_end
    by_type = r.by_type
    learned = sum(1 for d in r.docs for p in d.pairs if p.found.rule == "reported-learned" and p.gold.scored)
    learned += sum(1 for d in r.docs for p in d.false_positives if p.rule == "reported-learned")
    cells = [
        setting,
        corpus,
        f"{f(e2e.precision)} / {f(e2e.recall)} / {f(e2e.f1)}",
        f(levels.detection.precision),
        f(levels.detection.recall),
        *(f(by_type[t].end_to_end.f1) for t in ("direct", "mixed", "indirect")),
        f(by_type["indirect"].detection.recall),
        str(learned),
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", type=Path)
    parser.add_argument("--split", action="append", choices=["dev", "test"], default=[])
    parser.add_argument("--gold", action="append", default=[], help="a folder of *-gold.json (repeatable)")
    args = parser.parse_args()
    print("| setting | corpus | end-to-end P / R / F1 | quotation P | quotation R "
          "| direct F1 | mixed F1 | indirect F1 | indirect R (detection) | learned quotations |")
    print("|" + "---|" * 10)
    nlp = load_nlp()
    corpora = [(f"PolNeAR {s} (speech cues)", load_split(args.polnear, s), True) for s in args.split]
    if args.gold:
        corpora.append((" + ".join(args.gold), load_all(args.gold), False))
    for name, docs, speech in corpora:
        for setting, learned in (("rules only", False), ("rules + learned", True)):
            result = evaluate_docs(docs, ExtractorProvider(nlp, learned=learned))
            print(row(setting, name, result, speech), flush=True)


if __name__ == "__main__":
    main()
