"""Quotation clusters (kg.clusters): pairwise precision and recall on a made-up corpus, and what
clustering costs at 10k and 100k articles' worth of quotations.

The corpus is generated deterministically (seeded) from real texts: every sentence of eight words
or more in `tests/data/**/*.txt` and `examples/articles/*.txt` is a possible statement.  Speakers
are drawn with a Zipf-like skew (a few are quoted very often); each article quotes
`--per-article` statements.  A quotation repeats one of its speaker's earlier statements with
probability `--repeat` (the more often a statement was quoted, the likelier it is picked again),
rendered as

* exact words with other punctuation, case and quotation marks (30 %),
* an excerpt: a contiguous run of 6 words or more, at the start, middle or end (25 %),
* reworded: one or two words changed, dropped or added, or a middle stretch cut out with "…" (25 %),
* the same words reported indirectly ("that …", lower-cased, marks dropped) (20 %);

otherwise it is a new statement: a sentence the speaker has not said (while there are any: a
speaker quoted thousands of times runs out of sentences and says one again, which is then the same
statement), or (5 %) a *paraphrase* of one they have — most words replaced, the order shuffled — which the gold clustering counts as a
different statement, as the matching must (no semantic guessing).

Gold: one cluster per (speaker, statement).  System: kg.clusters.group per speaker.  Pairwise
precision = pairs put together by both / pairs put together by the system; recall = pairs put
together by both / pairs together in the gold.  Time and peak memory (ru_maxrss of this process,
and tracemalloc's peak for the clustering alone) are measured for the clustering step: grouping
every speaker's quotations, as `kg build` does for the speakers that changed.

    .venv/bin/python benchmarks/quote_clusters.py --articles 2000              # quality
    .venv/bin/python benchmarks/quote_clusters.py --articles 10000 100000 --no-quality   # cost
    .venv/bin/python benchmarks/quote_clusters.py --articles 10000 --store     # also kg's refresh on a store
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import resource
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.clusters import Occurrence, group

REPO = Path(__file__).resolve().parent.parent
SOURCE_GLOBS = ("tests/data/**/*.txt", "examples/articles/*.txt")
_SENTENCE = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[“\"A-Z])")
_STRIP = "“”\"‘’ \n\t"
FILLERS = ("really", "very", "also", "still", "now", "just", "certainly", "clearly")
SWAPS = {"the": "a", "a": "the", "will": "would", "is": "was", "are": "were", "we": "they", "our": "their",
         "not": "never", "have": "had", "can": "could", "this": "that", "that": "this", "and": "but"}


def sentences(repo: Path = REPO) -> list[str]:
    """Every distinct sentence of 8 to 60 words in the real texts, in a fixed order."""
    found: dict[str, None] = {}
    for pattern in SOURCE_GLOBS:
        for path in sorted(repo.glob(pattern)):
            for paragraph in path.read_text(encoding="utf-8").split("\n"):
                for sentence in _SENTENCE.split(paragraph):
                    s = sentence.strip(_STRIP)
                    if 8 <= len(s.split()) <= 60:
                        found.setdefault(s, None)
    return list(found)


@dataclass(frozen=True)
class Generated:
    occurrence: Occurrence
    speaker: int
    statement: tuple[int, int]  # gold: (speaker, statement number)


def _punctuate(text: str, rng: random.Random) -> str:
    text = text.rstrip(".,;:")
    choice = rng.randrange(4)
    if choice == 0:
        return f"“{text},”"
    if choice == 1:
        return f"\"{text.upper() if rng.random() < 0.1 else text}.\""
    if choice == 2:
        return text.replace(",", "") + "!"
    return f"‘{text.lower()}’"


def _excerpt(words: list[str], rng: random.Random) -> str:
    size = rng.randint(6, max(6, len(words) - 2))
    start = rng.choice((0, len(words) - size, rng.randint(0, len(words) - size)))
    return " ".join(words[start : start + size])


def _reword(words: list[str], rng: random.Random) -> str:
    out = list(words)
    kind = rng.randrange(4)
    if kind == 3 and len(out) >= 14:  # a middle stretch cut, marked with an ellipsis
        cut = rng.randint(5, len(out) - 5)
        return " ".join(out[:cut]) + " … " + " ".join(out[cut + rng.randint(1, 2):])
    for _ in range(1 if len(out) < 15 else 2):
        i = rng.randrange(len(out))
        if kind == 0:
            out[i] = SWAPS.get(out[i].lower(), FILLERS[rng.randrange(len(FILLERS))])
        elif kind == 1 and len(out) > 8:
            del out[i]
        else:
            out.insert(i, FILLERS[rng.randrange(len(FILLERS))])
    return " ".join(out)


def _paraphrase(words: list[str], rng: random.Random, vocabulary: list[str]) -> str:
    out = [w if rng.random() < 0.4 else vocabulary[rng.randrange(len(vocabulary))] for w in words]
    half = len(out) // 2
    return " ".join(out[half:] + out[:half])


def generate(articles: int, per_article: int, repeat: float, seed: int, pool: list[str]) -> Iterator[Generated]:
    """The corpus's quotations, article by article (deterministic for the same arguments)."""
    rng = random.Random(seed)
    vocabulary = sorted({w for s in pool for w in s.split()})
    speakers = max(50, articles // 2)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(speakers)]
    said: dict[int, list[tuple[int, str]]] = defaultdict(list)  # speaker → (statement, text) per occurrence
    used: dict[int, set[int]] = defaultdict(set)
    paraphrases: list[str] = []
    dates = [f"2024-{1 + d // 28:02d}-{1 + d % 28:02d}" for d in range(336)]
    for a in range(articles):
        article_id = f"synth-{a:06d}"
        date = dates[a * len(dates) // articles]
        who = rng.choices(range(speakers), weights=weights, k=per_article)
        offset = 0
        for n, speaker in enumerate(who):
            history = said[speaker]
            if history and rng.random() < repeat:
                statement, text = history[rng.randrange(len(history))]
                words = text.split()
                roll = rng.random()
                kind = "direct"
                if roll < 0.30:
                    rendered = _punctuate(text, rng)
                elif roll < 0.55:
                    rendered = _excerpt(words, rng)
                elif roll < 0.80:
                    rendered = _reword(words, rng)
                else:
                    rendered, kind = "that " + text.strip(_STRIP).rstrip(".").lower(), "indirect"
                    rendered = rendered[len("that "):]
            else:
                if history and rng.random() < 0.05:
                    _, text = history[rng.randrange(len(history))]
                    text = _paraphrase(text.split(), rng, vocabulary)
                    statement = len(pool) + len(paraphrases)  # a statement of its own
                    paraphrases.append(text)
                else:
                    # A sentence the speaker has not said yet, while there are some; the statement
                    # is the sentence, so saying it again (a busy speaker) is the same statement.
                    statement = rng.randrange(len(pool))
                    while statement in used[speaker] and len(used[speaker]) < len(pool):
                        statement = rng.randrange(len(pool))
                    used[speaker].add(statement)
                    text = pool[statement]
                rendered, kind = text, "direct"
            history.append((statement, text))
            quote = f"https://w3id.org/quotegraph/id/quote/{article_id}/{offset}-{offset + len(rendered)}"
            yield Generated(Occurrence(quote, f"https://w3id.org/quotegraph/id/article/{article_id}", article_id,
                                       rendered, kind, offset, offset + len(rendered), date, f"source-{a % 40}"),
                            speaker, (speaker, statement))
            offset += len(rendered) + 1 + n


def _pairs(counts: Counter) -> int:
    return sum(c * (c - 1) // 2 for c in counts.values())


@dataclass
class Result:
    articles: int
    quotations: int
    speakers: int
    clusters_2plus: int
    seconds: float
    traced_peak_mb: float
    rss_mb: float
    precision: float | None = None
    recall: float | None = None


def run(articles: int, per_article: int, repeat: float, seed: int, pool: list[str], quality: bool) -> Result:
    by_speaker: dict[int, list[Occurrence]] = defaultdict(list)
    gold: dict[str, tuple[int, int]] = {}
    for g in generate(articles, per_article, repeat, seed, pool):
        by_speaker[g.speaker].append(g.occurrence)
        if quality:
            gold[g.occurrence.quote] = g.statement
    quotations = sum(len(v) for v in by_speaker.values())
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    system: dict[str, tuple[int, int]] = {}
    repeated = 0
    for speaker in sorted(by_speaker):
        for number, cluster in enumerate(group(by_speaker[speaker])):
            repeated += len(cluster.articles) >= 2
            if quality:
                for o, _ in cluster.members:
                    system[o.quote] = (speaker, number)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = Result(articles, quotations, len(by_speaker), repeated, seconds, peak / 2**20,
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if quality:
        both = Counter((system[q], gold[q]) for q in gold)
        together_both = _pairs(both)
        result.precision = together_both / max(1, _pairs(Counter(system.values())))
        result.recall = together_both / max(1, _pairs(Counter(gold.values())))
    return result


def store_refresh(articles: int, per_article: int, repeat: float, seed: int, pool: list[str]) -> None:
    """kg's own refresh on a real store holding the corpus: article graphs written from the
    generated quotations (no spaCy), then the identity and clusters graphs computed from scratch,
    then again after 10 more articles (the incremental case)."""
    import tempfile

    from kg.clusters.store import refresh_clusters
    from kg.graph import analysis_to_graph
    from kg.identity.corpus import refresh_identity
    from kg.model import Analysis, Article, Entity, Quotation
    from kg.store import QuoteStore

    def analyses(extra: int) -> Iterator[Analysis]:
        current: list[Generated] = []
        for g in generate(articles + extra, per_article, repeat, seed, pool):
            if current and current[0].occurrence.article_id != g.occurrence.article_id:
                yield _analysis(current)
                current = []
            current.append(g)
        if current:
            yield _analysis(current)

    def _analysis(items: list[Generated]) -> Analysis:
        first = items[0].occurrence
        text = ""
        quotations, entities = [], {}
        for g in items:
            o = g.occurrence
            text += " " * (o.start - len(text)) + o.text
            key = f"speaker {g.speaker}"
            entities[key] = Entity(key=key, kind="Person", name=f"Speaker {g.speaker:06d}")
            quotations.append(Quotation(content=o.text, start=o.start, end=o.end, type=o.type, cue="said", speaker=key))  # type: ignore[arg-type]
        return Analysis(Article(id=first.article_id, text=text, published=first.date, source=first.source), quotations, entities)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kg.db"
        stream = analyses(10)
        started = time.perf_counter()
        with QuoteStore.open(path) as st:
            for n, analysis in enumerate(stream):
                if n == articles:
                    break
                st.replace_article(*analysis_to_graph(analysis))
            print(f"  store: {articles} articles written in {time.perf_counter() - started:.0f} s, {len(st.ox):,} quads")
            for label in ("from scratch", "nothing changed"):
                started = time.perf_counter()
                refresh_identity(st)
                identity = time.perf_counter() - started
                report = refresh_clusters(st)
                print(f"  {label}: identity {identity:.1f} s, clusters {time.perf_counter() - started - identity:.1f} s "
                      f"({report.speakers} speakers in 2+ articles, {report.reclustered} reclustered, "
                      f"{report.clusters} clusters, {report.changed} triples written)")
            rest = list(stream)[:10]
            if analysis is not None:
                rest.insert(0, analysis)
            for analysis in rest:
                st.replace_article(*analysis_to_graph(analysis))
            started = time.perf_counter()
            refresh_identity(st)
            identity = time.perf_counter() - started
            report = refresh_clusters(st)
            print(f"  +{len(rest)} articles: identity {identity:.1f} s, clusters {time.perf_counter() - started - identity:.1f} s "
                  f"({report.reclustered} speakers reclustered, {report.clusters} clusters, {report.changed} triples written)")
        print(f"  peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[2000])
    parser.add_argument("--per-article", type=int, default=20, help="quotations per article (the real corpus: ~20)")
    parser.add_argument("--repeat", type=float, default=0.3, help="probability that a quotation repeats a statement")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-quality", action="store_true", help="time and memory only (no gold kept)")
    parser.add_argument("--store", action="store_true", help="also kg's refresh on a store (writes the articles first)")
    args = parser.parse_args(argv)
    pool = sentences()
    print(f"{len(pool)} real sentences as statements; {args.per_article} quotations per article, repeat {args.repeat}, seed {args.seed}")
    for n in args.articles:
        r = run(n, args.per_article, args.repeat, args.seed, pool, not args.no_quality)
        line = (f"{r.articles:>7} articles: {r.quotations:,} quotations, {r.speakers:,} speakers, "
                f"{r.clusters_2plus:,} statements in 2+ articles; clustering {r.seconds:.1f} s "
                f"({r.quotations / r.seconds:,.0f} quotations/s), traced peak {r.traced_peak_mb:.0f} MB, RSS {r.rss_mb:.0f} MB")
        if r.precision is not None:
            line += f"; pairwise precision {r.precision:.4f}, recall {r.recall:.4f}"
        print(line, flush=True)
        if args.store:
            store_refresh(n, args.per_article, args.repeat, args.seed, pool)
    return 0


if __name__ == "__main__":
    sys.exit(main())
