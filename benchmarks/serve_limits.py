"""What `kg serve`'s bounds hold in practice: time to answer the hostile queries, and memory.

    .venv/bin/python benchmarks/serve_limits.py --store kg.db                 # defaults: --timeout 5, 2 engines, 2,048 MB
    .venv/bin/python benchmarks/serve_limits.py --store kg.db --memory-limit 1024 --timeout 10

Starts `kg serve` on a copy of the store, samples the resident memory (RSS) and address space
(VMS) of its processes every 20 ms, and sends, one after the other: a trivial query, 10,000
nested parentheses, COUNT and ORDER BY over the 4-way cartesian product (the ORDER BY also twice
at once, filling both engines), and a 3-way product streamed as CSV.  For each it prints the
status, the seconds to the answer, and the peak RSS and VMS of one engine (an Oxigraph process),
of the front (kg itself) and of the whole server (front and engines summed at one instant).  The
memory bound of the whole server is engines × --memory-limit (address space, hence RSS too) plus
the front's RSS.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil

PRODUCT_4 = "?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l"
# name → (query, how many copies are sent at once)
QUERIES = {
    "trivial": ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", 1),
    "10,000 nested ( )": ("SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }", 1),
    "COUNT 4-way product": (f"SELECT (COUNT(*) AS ?n) WHERE {{ {PRODUCT_4} }}", 1),
    "ORDER BY 4-way product": (f"SELECT * WHERE {{ {PRODUCT_4} }} ORDER BY ?a ?l LIMIT 1", 1),
    "ORDER BY 4-way product, 2 at once": (f"SELECT * WHERE {{ {PRODUCT_4} }} ORDER BY ?a ?l LIMIT 1", 2),
    "3-way product, streamed": ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", 1),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sampler:
    def __init__(self, front: psutil.Process) -> None:
        self.front = front
        self.peaks = {"engine_rss": 0, "engine_vms": 0, "front_rss": 0, "total_rss": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                front_rss = self.front.memory_info().rss
                total = front_rss
                self.peaks["front_rss"] = max(self.peaks["front_rss"], front_rss)
                for engine in self.front.children(recursive=True):
                    info = engine.memory_info()
                    total += info.rss
                    self.peaks["engine_rss"] = max(self.peaks["engine_rss"], info.rss)
                    self.peaks["engine_vms"] = max(self.peaks["engine_vms"], info.vms)
                # the whole server at one instant: the front and every engine
                self.peaks["total_rss"] = max(self.peaks["total_rss"], total)
            except psutil.Error:
                pass
            time.sleep(0.02)


def send(base: str, query: str) -> str:
    """POST the query, read the whole answer; its status and size, or where it was cut."""
    status, received = "no answer", 0
    try:
        with httpx.stream("POST", f"{base}/query", data={"query": query}, headers={"Accept": "text/csv"},
                          timeout=600) as r:
            status = str(r.status_code)
            for piece in r.iter_bytes():
                received += len(piece)
        return f"{status} ({received:,} bytes)"
    except httpx.HTTPError as err:
        return f"{status}, cut after {received:,} bytes ({type(err).__name__})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--timeout", type=int, default=5)
    parser.add_argument("--memory-limit", type=int, default=2048)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "kg.db"
        shutil.copytree(args.store, store)
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port), "--timeout",
             str(args.timeout), "--memory-limit", str(args.memory_limit), "--workers", str(args.workers)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            front = psutil.Process(proc.pid)
            idle = [e.memory_info() for e in front.children()]
            print(f"idle: front RSS {front.memory_info().rss / 2**20:.0f} MB; engines "
                  + ", ".join(f"RSS {m.rss / 2**20:.0f} MB / VMS {m.vms / 2**20:.0f} MB" for m in idle))
            print("| query | answer | seconds | engine peak RSS MB | engine peak VMS MB | front peak RSS MB "
                  "| server peak RSS MB |")
            print("|---|---|--:|--:|--:|--:|--:|")
            for name, (query, copies) in QUERIES.items():
                with Sampler(front) as sampler, ThreadPoolExecutor(copies) as pool:
                    started = time.monotonic()
                    answers = list(pool.map(lambda q: send(base, q), [query] * copies))
                    seconds = time.monotonic() - started
                p = sampler.peaks
                print(f"| {name} | {'; '.join(answers)} | {seconds:.2f} | {p['engine_rss'] / 2**20:.0f} | "
                      f"{p['engine_vms'] / 2**20:.0f} | {p['front_rss'] / 2**20:.0f} | {p['total_rss'] / 2**20:.0f} |",
                      flush=True)
                time.sleep(1.0)  # let a replaced engine start
        finally:
            proc.terminate()
            proc.wait(30)


if __name__ == "__main__":
    main()
