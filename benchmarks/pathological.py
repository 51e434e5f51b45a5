"""Time to analyse pathological texts, with and without the bounds of kg.nlp.bounded.

    .venv/bin/python benchmarks/pathological.py                       # every shape, both pipelines
    .venv/bin/python benchmarks/pathological.py --shapes quotes --sizes 2000 4000 8000 100000 --only bounded

"stock" is the pipeline kg ran before the bounds (the model's own tokenizer, no preset sentence
breaks); "bounded" is load_nlp() as shipped.  Each cell is one `analyse` call (parse and
extraction) in seconds; a size is not attempted when the previous one, grown quadratically,
predicts more than --budget seconds (it is then marked "> budget" with the prediction).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from kg.analysis import analyse
from kg.model import Article
from kg.nlp import load_nlp

SHAPES: dict[str, Callable[[int], str]] = {
    "quotes": lambda n: '"' * n,  # 100,000 of these: a 100 KB file
    "equals": lambda n: "=" * n,  # a text-mode separator line gone wrong
    "curly": lambda n: "\u201c" * n,
    "dashes": lambda n: "-=" * (n // 2),
    "unbroken": lambda n: 'He said "' * (n // 9),  # quotes, but never a full stop
    "prose": lambda n: ('"We will win," said Jane Doe. Officials told CNN that talks continue. ' * n)[:n],
}


def stock_pipeline():  # type: ignore[no-untyped-def]
    """load_nlp() as it was before kg.nlp.bounded: the wrapped tokenizer, no sentence cap."""
    from kg.nlp.load import load_nlp as fresh

    fresh.cache_clear()
    nlp = fresh()
    nlp.tokenizer = nlp.tokenizer.tokenizer
    nlp.remove_pipe("long_sentence_breaks")
    fresh.cache_clear()
    return nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", nargs="*", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--sizes", nargs="*", type=int, default=[2000, 4000, 8000, 16000, 100_000])
    parser.add_argument("--only", choices=["stock", "bounded"])
    parser.add_argument("--budget", type=float, default=600.0)
    args = parser.parse_args()
    pipelines = {"bounded": load_nlp}
    if args.only != "bounded":
        pipelines = {"stock": stock_pipeline, **({} if args.only == "stock" else {"bounded": load_nlp})}
    print(f"| pipeline | shape | {' | '.join(f'{n:,} chars' for n in args.sizes)} |")
    print(f"|---|---|{'--:|' * len(args.sizes)}")
    for name, make in pipelines.items():
        nlp = make()
        for shape in args.shapes:
            cells, last, previous = [], 0.0, 0
            for n in args.sizes:
                predicted = last * (n / previous) ** 2 if previous else 0.0
                if predicted > args.budget:
                    cells.append(f"(~{predicted:,.0f}, not run)")
                    last, previous = predicted, n
                    continue
                text = SHAPES[shape](n)
                started = time.perf_counter()
                analyse(Article(id="x", text=text), nlp)
                last, previous = time.perf_counter() - started, n
                cells.append(f"{last:.2f}")
            print(f"| {name} | {shape} | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()
