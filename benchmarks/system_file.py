"""Runs whichever quotegraph `kg` is importable on a folder of NAME.txt files and writes its
quotations as a `kg eval --system` file, so that another version of the extractor (an older
commit checked out elsewhere) is scored by this version's rules:

    PYTHONPATH=/path/to/old/checkout .venv/bin/python benchmarks/system_file.py /tmp/polnear-test -o old.jsonl
    .venv/bin/kg eval --polnear PATH --split test --system old.jsonl

Only `analyse`, `load_nlp` and `kg.model.Article` are used (from `kg.analysis`/`kg.nlp`, or `kg.extract`
in versions before those packages).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kg.model import Article

try:
    from kg.analysis import analyse
    from kg.nlp import load_nlp
except ImportError:  # a quotegraph from before kg/analysis and kg/nlp (e.g. the baseline 93976dc)
    from kg.extract import analyse, load_nlp  # type: ignore[no-redef]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("texts", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    nlp = load_nlp()
    with args.output.open("w", encoding="utf-8") as out:
        for path in sorted(args.texts.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            analysis = analyse(Article(id=path.stem, text=text), nlp)
            for q in analysis.quotations:
                entity = analysis.entity(q.speaker)
                speaker = entity.name if entity else (q.speaker_mention.text if q.speaker_mention else None)
                line = {"doc": path.stem, "start": q.start, "end": q.end, "text": text[q.start : q.end],
                        "speaker": speaker, "type": q.type}  # fmt: skip
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
