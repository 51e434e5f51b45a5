"""N-Quads shard files: one per Dask partition, named by what went into it.

A shard's name hashes the shard format, the quotegraph version and every input field of its
articles (id, text digest, title, url, date, source), so the same partition always maps to the
same file and a rerun skips shards that exist.  The first line is an N-Quads comment holding a
JSON header (counts and the named graphs inside), so a reused shard can be reported and its
graphs dropped before loading without parsing it; `oxigraph load` ignores the comment.

Files are written to a temporary name in the same directory and renamed: a shard that exists is
complete.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import kg
from kg.model import Article
from kg.parallel.results import ArticleResult

SHARD_FORMAT = 1
SUFFIX = ".nq"
_HEADER = "# quotegraph-shard "


@dataclass(frozen=True)
class ShardInfo:
    articles: int  # articles extracted into the shard (a repeated id counts each time, as in a serial build)
    quotations: int
    by_type: dict[str, int] = field(default_factory=dict)
    graphs: list[str] = field(default_factory=list)  # named graphs in the shard, in input order

    def to_json(self) -> str:
        return json.dumps(
            {"format": SHARD_FORMAT, "articles": self.articles, "quotations": self.quotations,
             "by_type": self.by_type, "graphs": self.graphs},
            sort_keys=True, ensure_ascii=True,
        )


def shard_name(articles: Iterable[Article]) -> str:
    digest = hashlib.sha256(f"quotegraph-shard {SHARD_FORMAT} {kg.__version__}\n".encode())
    for a in articles:
        # JSON keeps field boundaries unambiguous whatever the ids contain.
        record = [a.id, a.digest, a.title, a.url, a.published, a.source]
        digest.update(json.dumps(record, ensure_ascii=True).encode("ascii") + b"\n")
    return digest.hexdigest()[:32]


def shard_path(shard_dir: Path, articles: Sequence[Article]) -> Path:
    return shard_dir / f"{shard_name(articles)}{SUFFIX}"


def write_shard(path: Path, results: Sequence[ArticleResult]) -> ShardInfo:
    """Write the results as N-Quads (atomically) and return the header written."""
    # A repeated article id keeps its last version only, as a serial build's replace would.
    latest = {r.graph_iri: r for r in results}
    by_type: dict[str, int] = {}
    for r in results:
        for kind, n in r.by_type.items():
            by_type[kind] = by_type.get(kind, 0) + n
    info = ShardInfo(
        articles=len(results),
        quotations=sum(r.quotations for r in results),
        by_type=by_type,
        graphs=list(latest),
    )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as out:
            out.write(f"{_HEADER}{info.to_json()}\n")
            for graph_iri, result in latest.items():
                g = f" <{graph_iri}> .\n"
                # split("\n"), not splitlines(): literals may hold a raw U+2028 or U+0085.
                for line in result.ntriples.split("\n"):
                    if line:
                        out.write(line[:-2] + g)  # "s p o ." → "s p o <g> ."
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return info


def read_header(path: Path) -> ShardInfo | None:
    """The header of a complete shard, or None when there is no (usable) shard at `path`."""
    try:
        with open(path, encoding="utf-8") as f:
            first = f.readline()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not first.startswith(_HEADER):
        return None
    try:
        data = json.loads(first[len(_HEADER):])
        if data.get("format") != SHARD_FORMAT:
            return None
        return ShardInfo(
            articles=int(data["articles"]),
            quotations=int(data["quotations"]),
            by_type={str(k): int(v) for k, v in data["by_type"].items()},
            graphs=[str(g) for g in data["graphs"]],
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
