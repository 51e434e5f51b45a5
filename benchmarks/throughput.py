"""Throughput of `kg build` against the bare spaCy pipeline it runs on, in one process.

On the same synthetic articles (`benchmarks/make_corpus.py`, seeded), each model loaded and
warmed up once, before any timing:

  (a) spacy    — the baseline: `nlp.pipe(texts)` with the installed model exactly as shipped
                 (`kg.nlp.load.load_stock_pipeline()`), docs consumed and dropped;
  (a'') spacy, numpy BLAS — the stock model with only its matrix products moved from BLIS to
                 numpy's OpenBLAS (`kg.nlp.blas_ops`), to show how much of (a') is that
                 switch and how much the rest of quotegraph's changes;
  (a') kg nlp  — `nlp.pipe(texts)` with the pipeline quotegraph runs (`kg.extract.load_nlp()`:
                 the same model plus paragraph breaks, the indexed attribute ruler, the memoised
                 lemmatizer and numpy's BLAS);
  (b) extract  — `kg.analysis.analyse_many(articles, nlp)`: parsing + quotations + speakers;
  (c) build    — `kg.pipeline.build([corpus.jsonl], store_path=tmp/kg.db, nlp=nlp)`: reading,
                 extraction, RDF graphs and the on-disk store (a fresh store every time).

It prints docs/s and characters/s (wall clock, perf_counter) for each, and the ratios (b)/(a)
and (c)/(a); also process CPU time (process_time), which shared-machine load disturbs less.  With
--repeat N each stage runs N times (interleaved a, b, c) and the fastest run is reported.
`--ablate C` (repeatable, comma lists allowed) also times (a) and (b) with components C
disabled through `nlp.select_pipes`, and counts how the extracted quotations change.
Nothing is asserted: the numbers depend on the machine.

    .venv/bin/python benchmarks/throughput.py --articles 200 --repeat 1
    .venv/bin/python benchmarks/throughput.py --articles 200 --ablate lemmatizer --ablate ner
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from make_corpus import write_corpus
from spacy.language import Language

from kg.analysis import analyse_many
from kg.model import Analysis, Article
from kg.nlp import blas_ops, load_nlp
from kg.nlp.load import load_stock_pipeline
from kg.pipeline import build

T = TypeVar("T")

BATCH_SIZE = 16  # what analyse_many (and so build) uses; the baseline uses the same


@dataclass
class Timing:
    name: str
    seconds: float  # wall clock (time.perf_counter)
    cpu: float  # this process's CPU time (time.process_time), less sensitive to other load
    docs: int
    chars: int

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds

    @property
    def chars_per_s(self) -> float:
        return self.chars / self.seconds

    @property
    def docs_per_cpu_s(self) -> float:
        return self.docs / self.cpu


@dataclass(frozen=True)
class Outcome:
    """What extraction found, to see what disabling a component costs."""

    quotations: int
    with_speaker: int
    by_type: tuple[tuple[str, int], ...]


def read_articles(path: Path) -> list[Article]:
    with path.open(encoding="utf-8") as lines:
        return [Article(id=rec["id"], text=rec["text"]) for rec in map(json.loads, lines)]


def timed(func: Callable[[], T]) -> tuple[float, float, T]:
    """(wall seconds, CPU seconds, result)."""
    start, cpu_start = time.perf_counter(), time.process_time()
    result = func()
    return time.perf_counter() - start, time.process_time() - cpu_start, result


def run_spacy(nlp: Language, texts: list[str]) -> int:
    count = 0
    for _doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
        count += 1
    return count


def run_extract(nlp: Language, articles: list[Article]) -> list[Analysis]:
    return list(analyse_many(articles, nlp, batch_size=BATCH_SIZE))


def run_build(nlp: Language, corpus: Path, workdir: Path, round_no: int) -> int:
    store = workdir / f"kg-{round_no}.db"
    report = build([str(corpus)], store_path=store, nlp=nlp)
    if report.articles_built == 0:
        raise SystemExit(f"build wrote no article: {report.warnings}")
    return report.articles_built


def outcome(analyses: list[Analysis]) -> Outcome:
    quotes = [q for a in analyses for q in a.quotations]
    types: dict[str, int] = {}
    for q in quotes:
        types[q.type] = types.get(q.type, 0) + 1
    return Outcome(len(quotes), sum(q.speaker is not None for q in quotes), tuple(sorted(types.items())))


def best(timings: list[Timing]) -> Timing:
    return min(timings, key=lambda t: t.seconds)


def measure_main(
    stock: Language, stock_blas: Language, nlp: Language, corpus: Path, articles: list[Article],
    repeat: int, workdir: Path,
) -> list[Timing]:
    texts = [a.text for a in articles]
    chars = sum(map(len, texts))
    runs: dict[str, list[Timing]] = {"spacy": [], "spacy-blas": [], "kg-nlp": [], "extract": [], "build": []}
    for round_no in range(repeat):
        seconds, cpu, docs = timed(lambda: run_spacy(stock, texts))
        runs["spacy"].append(Timing("(a) spacy nlp.pipe, stock model", seconds, cpu, docs, chars))
        seconds, cpu, docs = timed(lambda: run_spacy(stock_blas, texts))
        runs["spacy-blas"].append(Timing("(a'') stock model, numpy BLAS", seconds, cpu, docs, chars))
        seconds, cpu, docs = timed(lambda: run_spacy(nlp, texts))
        runs["kg-nlp"].append(Timing("(a') nlp.pipe, quotegraph's pipeline", seconds, cpu, docs, chars))
        seconds, cpu, analyses = timed(lambda: run_extract(nlp, articles))
        runs["extract"].append(Timing("(b) analyse_many", seconds, cpu, len(analyses), chars))
        del analyses  # not kept alive (and scanned by the GC) while (c) runs
        gc.collect()
        seconds, cpu, built = timed(lambda r=round_no: run_build(nlp, corpus, workdir, r))
        runs["build"].append(Timing("(c) pipeline.build", seconds, cpu, built, chars))
    return [best(runs[key]) for key in ("spacy", "spacy-blas", "kg-nlp", "extract", "build")]


def measure_ablation(
    nlp: Language, articles: list[Article], disable: list[str], repeat: int
) -> tuple[Timing, Timing, Outcome]:
    texts = [a.text for a in articles]
    chars = sum(map(len, texts))
    spacy_runs: list[Timing] = []
    extract_runs: list[Timing] = []
    analyses: list[Analysis] = []
    label = "-" + ",-".join(disable)
    with nlp.select_pipes(disable=disable):
        for _ in range(repeat):
            seconds, cpu, docs = timed(lambda: run_spacy(nlp, texts))
            spacy_runs.append(Timing(f"(a) spacy {label}", seconds, cpu, docs, chars))
            seconds, cpu, result = timed(lambda: run_extract(nlp, articles))
            analyses = result
            extract_runs.append(Timing(f"(b) extract {label}", seconds, cpu, len(analyses), chars))
    return best(spacy_runs), best(extract_runs), outcome(analyses)


def describe_outcome(found: Outcome) -> str:
    types = ", ".join(f"{k} {v}" for k, v in found.by_type)
    return f"{found.quotations} quotations ({types}), {found.with_speaker} with a speaker"


def print_table(timings: list[Timing], baseline: Timing) -> None:
    print(f"{'stage':<40} {'wall s':>7} {'docs/s':>7} {'chars/s':>8} {'vs (a)':>7} {'cpu s':>7} {'docs/cpu-s':>10} {'vs (a)':>7}")
    for t in timings:
        ratio = t.docs_per_s / baseline.docs_per_s
        cpu_ratio = t.docs_per_cpu_s / baseline.docs_per_cpu_s
        print(f"{t.name:<40} {t.seconds:>7.2f} {t.docs_per_s:>7.2f} {t.chars_per_s:>8.0f} {ratio:>7.3f} "
              f"{t.cpu:>7.2f} {t.docs_per_cpu_s:>10.2f} {cpu_ratio:>7.3f}")


def warm_up(nlp: Language, articles: list[Article]) -> None:
    """Loads lazily built state (vocab, lookups, kg's lexicons) outside the timed runs."""
    run_extract(nlp, articles[:2])


def split_components(values: list[str]) -> list[list[str]]:
    return [[c.strip() for c in value.split(",") if c.strip()] for value in values]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1, help="runs per stage; the fastest is reported")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (make_corpus.py)")
    parser.add_argument("--ablate", action="append", default=[], metavar="COMPONENTS",
                        help="also time (a) and (b) with these components disabled, e.g. lemmatizer,ner")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.repeat < 1:
        parser.error("--articles and --repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ablations = split_components(args.ablate)
    stock, stock_blas, nlp = load_stock_pipeline(), load_stock_pipeline(), load_nlp()
    blas_ops.install(stock_blas)
    unknown = {c for comps in ablations for c in comps} - set(nlp.pipe_names)
    if unknown:
        raise SystemExit(f"unknown components {sorted(unknown)}; the pipeline is {nlp.pipe_names}")
    with tempfile.TemporaryDirectory(prefix="qg-throughput-") as tmp:
        workdir = Path(tmp)
        corpus = workdir / "corpus.jsonl"
        with corpus.open("w", encoding="utf-8", newline="\n") as out:
            count, chars = write_corpus(args.articles, out, args.seed)
        articles = read_articles(corpus)
        print(f"corpus: {count} articles, {chars} characters (seed {args.seed}); "
              f"pipeline {nlp.pipe_names}; batch size {BATCH_SIZE}; best of {args.repeat}")
        warm_up(nlp, articles)
        for model in (stock, stock_blas):
            run_spacy(model, [a.text for a in articles[:2]])
        timings = measure_main(stock, stock_blas, nlp, corpus, articles, args.repeat, workdir)
        baseline, same_blas, extract, built = timings[0], timings[1], timings[3], timings[4]
        print_table(timings, baseline)
        print(f"ratios (wall): (b)/(a) = {extract.docs_per_s / baseline.docs_per_s:.3f}, "
              f"(c)/(a) = {built.docs_per_s / baseline.docs_per_s:.3f}; "
              f"(CPU): (b)/(a) = {extract.docs_per_cpu_s / baseline.docs_per_cpu_s:.3f}, "
              f"(c)/(a) = {built.docs_per_cpu_s / baseline.docs_per_cpu_s:.3f}")
        print(f"against the stock model on the same BLAS (CPU): (b)/(a'') = "
              f"{extract.docs_per_cpu_s / same_blas.docs_per_cpu_s:.3f}, "
              f"(c)/(a'') = {built.docs_per_cpu_s / same_blas.docs_per_cpu_s:.3f}")
        if ablations:
            report_ablations(nlp, articles, ablations, args.repeat, timings)
    return 0


def report_ablations(
    nlp: Language, articles: list[Article], ablations: list[list[str]], repeat: int, full: list[Timing]
) -> None:
    print()
    print(f"full pipeline: {describe_outcome(outcome(run_extract(nlp, articles)))}")
    for disable in ablations:
        spacy_t, extract_t, found = measure_ablation(nlp, articles, disable, repeat)
        kg_nlp, extract = full[2], full[3]  # the same stages with nothing disabled
        print_table([spacy_t, extract_t], full[0])
        print(f"  speed-up vs full (wall / CPU): spacy x{spacy_t.docs_per_s / kg_nlp.docs_per_s:.3f}"
              f" / x{spacy_t.docs_per_cpu_s / kg_nlp.docs_per_cpu_s:.3f}, extract"
              f" x{extract_t.docs_per_s / extract.docs_per_s:.3f} / x{extract_t.docs_per_cpu_s / extract.docs_per_cpu_s:.3f}")
        print(f"  found: {describe_outcome(found)}")


if __name__ == "__main__":
    sys.exit(main())
