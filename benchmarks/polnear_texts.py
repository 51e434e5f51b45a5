"""Writes the article texts of one PolNeAR split as NAME.txt files into a folder of your choice,
for tools that read plain texts (the textacy peer, an older quotegraph) — never into this project.

    .venv/bin/python benchmarks/polnear_texts.py PATH_TO_POLNEAR --split test -o /tmp/polnear-test

PATH_TO_POLNEAR is a checkout of github.com/networkdynamics/PolNeAR or a bare git directory of it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.eval.polnear import load_split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("polnear", type=Path)
    parser.add_argument("--split", default="dev", choices=["train", "dev", "test"])
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    docs = load_split(args.polnear, args.split)
    for doc in docs:
        (args.output / f"{doc.name}.txt").write_text(doc.text, encoding="utf-8")
    print(f"wrote {len(docs)} texts to {args.output}")


if __name__ == "__main__":
    main()
