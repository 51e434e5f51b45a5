"""Deterministic synthetic corpus for throughput runs: N articles as JSON lines (`id`, `text`).

Every article is one of the real texts in `tests/data/dev/*.txt` and `examples/articles/*.txt`
(taken in turn, so any N has a fixed mix), with two seeded variations:

* person names: each capitalised full name that spaCy's NER tags PERSON in the source (2 to 4
  words, all capitalised) is replaced by a name from `NAMES`, and so is its surname where it
  stands alone ("Mr. Essid", "Parata said"), so an article keeps its coreference structure;
* paragraph order: the first line (headline or lead) stays, the other lines are shuffled.

The same N and --seed give byte-identical output.  Articles are written one at a time; only the
seven source texts are held in memory.

    .venv/bin/python benchmarks/make_corpus.py 200 /tmp/corpus.jsonl --seed 0
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

REPO = Path(__file__).resolve().parent.parent
SOURCE_GLOBS = ("tests/data/dev/*.txt", "examples/articles/*.txt")

NAMES: tuple[tuple[str, str], ...] = (
    ("Maria", "Lopez"), ("James", "Whitfield"), ("Aisha", "Okafor"), ("Daniel", "Brennan"),
    ("Yuki", "Tanaka"), ("Samuel", "Adeyemi"), ("Elena", "Petrova"), ("Omar", "Haddad"),
    ("Grace", "Thornton"), ("Lucas", "Ferreira"), ("Priya", "Raman"), ("Henry", "Caldwell"),
    ("Fatima", "Benali"), ("Peter", "Lindqvist"), ("Chloe", "Marchetti"), ("David", "Kowalski"),
    ("Nadia", "Rahimi"), ("Thomas", "Garrison"), ("Ingrid", "Solberg"), ("Marcus", "Delaney"),
    ("Leila", "Nasser"), ("George", "Pemberton"), ("Sofia", "Castellano"), ("Kwame", "Mensah"),
    ("Hannah", "Albright"), ("Victor", "Moreau"), ("Mei", "Zhang"), ("Robert", "Haskins"),
    ("Olga", "Ivanova"), ("Michael", "Ostrander"), ("Amara", "Nwosu"), ("Joseph", "Kerrigan"),
)

_NAME_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.")


@dataclass(frozen=True)
class Source:
    name: str
    lead: str  # first line, kept in place
    body: tuple[str, ...]  # the other lines, shuffled per article
    names: tuple[str, ...]  # person full names found in the text


def source_paths(repo: Path = REPO) -> list[Path]:
    return [path for pattern in SOURCE_GLOBS for path in sorted(repo.glob(pattern))]


def person_names(texts: list[str]) -> list[tuple[str, ...]]:
    """Capitalised multi-word PERSON entities of each text, in order of first appearance."""
    from kg.nlp import load_nlp  # the model is needed once, to find the names

    nlp = load_nlp()
    found: list[tuple[str, ...]] = []
    for doc in nlp.pipe(texts):
        names = [e.text for e in doc.ents if e.label_ == "PERSON" and _is_full_name(e.text)]
        found.append(tuple(dict.fromkeys(names)))
    return found


def _is_full_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(_NAME_WORD.fullmatch(w) for w in words)


def load_sources(repo: Path = REPO) -> list[Source]:
    paths = source_paths(repo)
    texts = [path.read_text(encoding="utf-8") for path in paths]
    sources = []
    for path, text, names in zip(paths, texts, person_names(texts), strict=True):
        lines = text.strip("\n").split("\n")
        sources.append(Source(path.stem, lines[0], tuple(lines[1:]), names))
    return sources


def name_mapping(names: tuple[str, ...], rng: random.Random) -> dict[str, str]:
    """Full name → new full name, and a surname that belongs to one name only → new surname."""
    picks = rng.sample(NAMES, k=min(len(names), len(NAMES)))
    mapping: dict[str, str] = {}
    surnames = [name.split()[-1] for name in names]
    for name, surname, (first, last) in zip(names, surnames, picks, strict=False):
        mapping[name] = f"{first} {last}"
        if surnames.count(surname) == 1 and not any(surname in other.split()[:-1] for other in names):
            mapping[surname] = last
    return mapping


def swap_names(text: str, mapping: dict[str, str]) -> str:
    """One pass, longest key first, so a replacement is never replaced again."""
    if not mapping:
        return text
    keys = sorted(mapping, key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + r")\b")
    return pattern.sub(lambda m: mapping[m.group(0)], text)


def make_article(source: Source, index: int, seed: int) -> dict[str, str]:
    rng = random.Random(f"{seed}:{index}")  # str seeds are hashed deterministically (sha512)
    body = list(source.body)
    rng.shuffle(body)
    text = "\n".join([source.lead, *body]) + "\n"
    return {"id": f"synth-{seed}-{index:06d}-{source.name}", "text": swap_names(text, name_mapping(source.names, rng))}


def iter_corpus(n: int, seed: int = 0, sources: list[Source] | None = None) -> Iterator[dict[str, str]]:
    sources = sources or load_sources()
    for index in range(n):
        yield make_article(sources[index % len(sources)], index, seed)


def write_corpus(n: int, out: TextIO, seed: int = 0) -> tuple[int, int]:
    """Writes N JSON lines; returns (articles, characters of text)."""
    articles = chars = 0
    for article in iter_corpus(n, seed):
        out.write(json.dumps(article, ensure_ascii=False) + "\n")
        articles += 1
        chars += len(article["text"])
    return articles, chars


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("out", help="output .jsonl path ('-' for stdout)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("n must be at least 1")
    if args.out == "-":
        articles, chars = write_corpus(args.n, sys.stdout, args.seed)
    else:
        with open(args.out, "w", encoding="utf-8", newline="\n") as out:
            articles, chars = write_corpus(args.n, out, args.seed)
    print(f"wrote {articles} articles, {chars} characters to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
