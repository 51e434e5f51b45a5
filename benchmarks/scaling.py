"""Scaling of `kg build`: wall time and peak memory, one process vs a pool vs Dask.

For each corpus size (synthetic JSON lines from `make_corpus.py`, seeded, cached in --dir) and
each configuration, it runs `python -m kg build CORPUS --store FRESH --quiet --json` in a
subprocess and measures:

  wall      from starting the command to its exit (includes interpreter start and model loads)
  art/s     articles / wall
  CPU s     user + system time of the command and all its descendants (pool workers, the fork
            server, Dask scheduler/nannies/workers), sampled every 0.2 s with psutil: on a busy
            machine this is steadier than wall time
  peak tree the largest sum of RSS over that process tree (same sampling)
  largest   the largest RSS of any one process of the tree
  quads     quads in the finished store (every configuration must give the same number)

Dask runs use --partition-size max(10, min(200, N / (10 × workers))) so that every worker
stays busy to the end.

--resume (with --keep) makes a long run survivable: the store is not wiped, `kg build` skips the
articles already in it (content hash), and each attempt ("piece") checkpoints its elapsed wall
time, CPU and peaks to `STORE.pieces.json` every 10 s, so an attempt that is killed still counts
up to its last checkpoint.  The row then reports the sum of the pieces' wall and CPU time, the
largest peak, and the quotations counted in the finished store.

Nothing is asserted: the numbers depend on the machine and on what else runs on it.

    .venv/bin/python benchmarks/scaling.py --sizes 1000 10000 --configs 1 2 dask:2
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pyoxigraph as ox
from make_corpus import write_corpus

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    articles: int
    config: str
    wall: float
    cpu: float  # user + system seconds of the whole process tree
    peak_tree_mb: float
    peak_single_mb: float
    quads: int
    quotations: int

    @property
    def rate(self) -> float:
        return self.articles / self.wall


def corpus(directory: Path, n: int, seed: int) -> Path:
    path = directory / f"corpus-{n}-seed{seed}.jsonl"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8", newline="\n") as out:
            write_corpus(n, out, seed)
        tmp.rename(path)
    return path


def config_args(config: str, shard_dir: Path) -> list[str]:
    """"N" → --workers N (1 = the single-process build); "dask:N" → a local Dask cluster of N."""
    if config.startswith("dask:"):
        return ["--engine", "dask", "--workers", config[5:], "--shards", str(shard_dir)]
    return ["--workers", config]


class TreeSampler(threading.Thread):
    """Samples a process and its descendants: peak summed RSS, peak single-process RSS, CPU time.

    Sampling (rather than wait4/getrusage) because pool workers are children of the fork server,
    which is never reaped by the build command, so their CPU would not show in its rusage.  CPU
    after a process's last sample (< one interval) is missed.
    """

    def __init__(self, pid: int, interval: float = 0.2, on_checkpoint=None) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak_tree = self.peak_single = 0
        self.cpu: dict[int, float] = {}
        self.done = threading.Event()
        self.on_checkpoint = on_checkpoint  # called every ~10 s with the sampler (resumable runs)

    def run(self) -> None:
        next_checkpoint = time.monotonic() + 10
        while not self.done.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for p in procs:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.ZombieProcess):
                    with p.oneshot():
                        rss = p.memory_info().rss
                        times = p.cpu_times()
                    total += rss
                    self.peak_single = max(self.peak_single, rss)
                    self.cpu[p.pid] = times.user + times.system
            self.peak_tree = max(self.peak_tree, total)
            if self.on_checkpoint is not None and time.monotonic() >= next_checkpoint:
                self.on_checkpoint(self)
                next_checkpoint = time.monotonic() + 10
            self.done.wait(self.interval)


def partition_size(n: int, config: str) -> int:
    """Enough Dask tasks to keep every worker busy to the end (≥ 10 per worker), at most 200."""
    workers = int(config.split(":")[1])
    return max(10, min(200, n // (10 * workers)))


class Pieces:
    """The attempts of one resumable build, persisted beside its store."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: list[dict] = json.loads(path.read_text()) if path.exists() else []
        self.current: dict | None = None

    def checkpoint(self, start: float, sampler: TreeSampler, finished: bool = False, read: float | None = None) -> None:
        self.current = {"wall": time.perf_counter() - start, "cpu": sum(sampler.cpu.values()),
                        "peak_tree": sampler.peak_tree, "peak_single": sampler.peak_single,
                        "finished": finished}
        if read is not None:  # how far the build has read its corpus: progress, for whoever waits
            self.current["corpus_read"] = round(read, 4)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps([*self.done, self.current], indent=1))
        tmp.replace(self.path)

    def totals(self) -> tuple[float, float, int, int]:
        every = [*self.done, *([self.current] if self.current else [])]
        return (sum(p["wall"] for p in every), sum(p["cpu"] for p in every),
                max(p["peak_tree"] for p in every), max(p["peak_single"] for p in every))


def corpus_read(proc: psutil.Process, corpus_path: Path) -> float | None:
    """The share of the corpus file the build process has read so far (its file offset), if open."""
    with contextlib.suppress(psutil.Error):
        for f in proc.open_files():
            if Path(f.path) == corpus_path.resolve():
                return f.position / max(1, corpus_path.stat().st_size)
    return None


def quotations_in(store: Path) -> int:
    query = ("SELECT (COUNT(?q) AS ?n) WHERE { GRAPH ?g { ?q a <https://schema.org/Quotation> } }")
    return int(next(iter(ox.Store.read_only(str(store)).query(query)))["n"].value)


def run_build(corpus_path: Path, n: int, config: str, work: Path, resume: bool = False) -> Run:
    store = work / f"kg-{n}-{config.replace(':', '')}.db"
    pieces = Pieces(store.with_name(store.name + ".pieces.json"))
    if not resume:
        pieces.done = []
        if store.exists():  # a fresh build: never measure an incremental one by accident
            shutil.rmtree(store)
    extra = ["--partition-size", str(partition_size(n, config))] if config.startswith("dask:") else []
    cmd = [sys.executable, "-m", "kg", "build", str(corpus_path), "--store", str(store), "--quiet", "--json",
           *config_args(config, work / f"shards-{n}"), *extra]
    start = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(
        proc.pid,
        on_checkpoint=lambda s: pieces.checkpoint(start, s, read=corpus_read(proc, corpus_path)) if resume else None,
    )
    sampler.start()
    out, err = proc.communicate()
    sampler.done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    pieces.checkpoint(start, sampler, finished=True)
    wall, cpu, peak_tree, peak_single = pieces.totals()
    summary = json.loads(out)
    # plain pyoxigraph: this process never imports kg
    quads = len(ox.Store.read_only(str(store)))
    quotations = quotations_in(store) if len(pieces.done) else int(summary["quotations"])
    return Run(n, config, wall, cpu, peak_tree / 2**20, peak_single / 2**20, quads, quotations)


def table(runs: list[Run]) -> str:
    rows = ["| articles | config | wall s | art/s | speed-up | CPU s | peak tree MB | largest process MB | quads | quotations |",
            "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    base: dict[int, float] = {}
    for r in runs:
        base.setdefault(r.articles, r.wall)
        rows.append(f"| {r.articles:,} | {r.config} | {r.wall:.1f} | {r.rate:.2f} | {base[r.articles] / r.wall:.2f}× "
                    f"| {r.cpu:,.0f} | {r.peak_tree_mb:,.0f} | {r.peak_single_mb:,.0f} | {r.quads:,} | {r.quotations:,} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--configs", nargs="+", default=["1", "2"],
                        help='"N" = --workers N (1 = single process), "dask:N" = --engine dask --workers N')
    parser.add_argument("--dir", type=Path, default=None, help="where corpora are cached (default: a temp dir)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None,
                        help="build the stores here and keep them (e.g. for store_at_size.py); default: a temp dir")
    parser.add_argument("--resume", action="store_true",
                        help="with --keep: continue an interrupted run (the attempts' times are summed)")
    args = parser.parse_args(argv)
    if args.resume and args.keep is None:
        parser.error("--resume needs --keep (the store to continue)")
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at start", file=sys.stderr)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="kg-scaling-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        corpora = args.dir or work
        corpora.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            path = corpus(corpora, n, args.seed)
            for config in args.configs:
                run = run_build(path, n, config, work, resume=args.resume)
                print(f"  {n} articles, config {config}: {run.wall:.1f} s, {run.rate:.2f} art/s, CPU {run.cpu:.0f} s, "
                      f"peak tree {run.peak_tree_mb:.0f} MB, load avg {os.getloadavg()[0]:.2f}", file=sys.stderr, flush=True)
                runs.append(run)
    print(table(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
