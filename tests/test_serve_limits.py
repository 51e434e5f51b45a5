"""`kg serve` against hostile requests: the real command in a subprocess, the real Oxigraph
processes behind it, real HTTP.  What one request did to the server before (a stack overflow
from nested parentheses, 24 GB for a sort over a cartesian product, a timeout that did not stop
a streaming answer, SERVICE calls into the local network, any Host header accepted) now ends in
a clear answer, and the server keeps answering; the store keeps its quads throughout.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import pytest
from servers import free_port, oxigraph_server, wait_ready
from test_robustness import (
    CARTESIAN,
    NESTED_10K,
    assert_one_line_error,
    copy_store,
    fingerprint,
    kg_env,
    run_kg,
)

from kg.serve.guard import HostRule
from kg.store.sparql_limits import MAX_DEPTH, MAX_OPERATORS, check_sparql

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 4  # seconds: --timeout of the server under test
MEMORY_MB = 1024  # --memory-limit of each engine
CSV = {"Accept": "text/csv"}
# A sort over the 4-way cartesian product: every row must be held before the first comes out.
SORTED_CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a ?l LIMIT 1"
# A 3-way product streams at once: ~500 M rows, far more than TIMEOUT seconds of output.
STREAMING = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@dataclass
class Served:
    base: str
    store: Path
    proc: subprocess.Popen[str]
    log: list[str] = field(default_factory=list)

    def engines(self) -> list[psutil.Process]:
        return [p for p in psutil.Process(self.proc.pid).children() if "oxigraph" in p.name()]

    def post(self, query: str, **kwargs: object) -> httpx.Response:
        return httpx.post(f"{self.base}/query", data={"query": query}, headers=kwargs.pop("headers", CSV),  # type: ignore[arg-type]
                          timeout=120, **kwargs)  # type: ignore[arg-type]

    def alive(self) -> bool:
        r = self.post("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return self.proc.poll() is None and r.status_code == 200 and r.text.splitlines()[0] == "n"


@contextlib.contextmanager
def kg_serve(store: Path, *extra: str) -> Iterator[Served]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT, env=kg_env(),
    )
    served = Served(f"http://127.0.0.1:{port}", store, proc)

    def collect() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            served.log.append(line.rstrip("\n"))

    threading.Thread(target=collect, daemon=True).start()
    try:
        wait_ready(served.base, proc)  # type: ignore[arg-type]
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def served(sample_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    store = copy_store(sample_store_path, tmp_path_factory.mktemp("served") / "kg.db")
    with kg_serve(store, "--timeout", str(TIMEOUT), "--memory-limit", str(MEMORY_MB), "--workers", "2") as server:
        yield server


@pytest.fixture(scope="module")
def served_fingerprint(served: Served) -> tuple[int, str]:
    return fingerprint(served.store)


def test_nested_parentheses_are_refused_before_parsing(served: Served, served_fingerprint: tuple[int, str]) -> None:
    """10,000 nested parentheses overflowed the engine's stack and killed the server."""
    for r in (served.post(NESTED_10K), httpx.get(f"{served.base}/query", params={"query": NESTED_10K}, timeout=60),
              httpx.post(f"{served.base}/query", content=NESTED_10K.encode(),
                         headers={"Content-Type": "application/sparql-query"}, timeout=60)):
        assert r.status_code == 400, r.text
        assert r.text == ("the query nests brackets 10,002 deep; the limit is 64 (deeper nesting would overflow "
                          "the SPARQL engine's stack)\n")
    assert served.alive()
    assert fingerprint(served.store) == served_fingerprint


def test_a_query_at_the_limits_does_not_overflow(served: Served) -> None:
    """The deepest and busiest text the limits let through, in the costliest shapes measured
    (nested blank-node lists and path steps: ~8 KB of stack a level), runs to its end."""
    path = "/".join(["<http://x/p>"] * (MAX_OPERATORS - 1))
    query = ("SELECT * WHERE { ?s <http://x/p> " + "[ <http://x/p> " * (MAX_DEPTH - 1) + "1" + " ]" * (MAX_DEPTH - 1)
             + f" . ?s {path} ?o }}")
    shape = check_sparql(query)
    assert (shape.depth, shape.operators) == (MAX_DEPTH, MAX_OPERATORS)
    r = served.post(query)
    assert r.status_code == 200 and sorted(r.text.splitlines()[0].split(",")) == ["o", "s"]
    assert served.alive()
    local = run_kg("query", query, "--store", served.store, "--format", "csv")  # pyoxigraph, main thread
    assert local.code == 0 and sorted(local.out.splitlines()[0].split(",")) == ["o", "s"], local.describe()


def test_the_time_limit_holds_for_counting_a_cartesian_product(served: Served, served_fingerprint: tuple[int, str]) -> None:
    """COUNT over the 4-way product ran 59 s under `--timeout 5`: Oxigraph does not look at the
    clock while counting.  The watchdog kills the engine evaluating it; the answer is 503."""
    r = served.post(CARTESIAN)
    assert r.status_code == 503, r.text
    assert r.text == f"the POST /query ran past the time limit of {TIMEOUT} s\n"
    assert served.alive()
    assert fingerprint(served.store) == served_fingerprint


def test_the_memory_limit_holds_for_sorting_a_cartesian_product(served: Served, served_fingerprint: tuple[int, str]) -> None:
    """ORDER BY over the 4-way product grew to 24 GB.  Each engine's address space is capped:
    the sort fails to allocate, the engine ends, the answer is 503, another engine takes over.
    The engines' resident memory is sampled meanwhile: none goes over the limit."""
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            for engine in served.engines():
                with contextlib.suppress(psutil.Error):
                    peak = max(peak, engine.memory_info().rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        # twice: the second lands on a freshly started engine; and the front used to drop the
        # connection without an answer when the dying engine's socket closed before its exit showed
        answers = [served.post(SORTED_CARTESIAN) for _ in range(2)]
    finally:
        done.set()
        sampler.join()
    for r in answers:
        assert r.status_code == 503, r.text
        assert r.text in ("the query needed more memory than the engine's limit\n",
                          f"the POST /query ran past the time limit of {TIMEOUT} s\n")
    assert 0 < peak <= MEMORY_MB * 1024 * 1024
    assert served.alive()
    assert fingerprint(served.store) == served_fingerprint


def test_a_streaming_answer_cut_by_the_time_limit_is_never_a_complete_200(served: Served) -> None:
    """Oxigraph's own timeout ended such a stream like a finished one: a truncated CSV with 200.
    Past the first MiB the answer is committed; when the watchdog stops it later, the chunked
    transfer is left unfinished, which every client reports."""
    got = 0
    with pytest.raises(httpx.RemoteProtocolError, match="incomplete chunked read"), \
            httpx.stream("POST", f"{served.base}/query", data={"query": STREAMING}, headers=CSV, timeout=120) as r:
        assert r.status_code == 200 and r.headers["transfer-encoding"] == "chunked"
        for piece in r.iter_bytes():
            got += len(piece)
    assert got > 1 << 20
    deadline = time.monotonic() + 10
    while not any("cut off, the client sees a truncated transfer" in line for line in served.log):
        assert time.monotonic() < deadline, served.log
        time.sleep(0.1)
    assert served.alive()


def test_service_and_load_are_refused(served: Served) -> None:
    """SERVICE let any caller make the server query services on its network (and hang on one
    that never answers); LOAD makes it fetch a URL."""
    r = served.post("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert r.status_code == 400
    assert r.text == "SERVICE would make this server contact other servers; it is disabled (kg serve --allow-service)\n"
    r = httpx.post(f"{served.base}/update", data={"update": "LOAD <http://127.0.0.1:9/x.ttl>"}, timeout=30)
    assert r.status_code == 400 and r.text.startswith("LOAD would make this server contact other servers")
    assert served.alive()


def test_allow_service_lets_service_through(sample_store_path: Path, tmp_path: Path) -> None:
    import pyoxigraph as ox

    remote = ox.Store(str(tmp_path / "remote"))
    remote.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("from elsewhere")))
    del remote
    with oxigraph_server(tmp_path / "remote") as other, \
            kg_serve(copy_store(sample_store_path, tmp_path / "kg.db"), "--allow-service") as server:
        r = server.post(f"SELECT ?o WHERE {{ SERVICE <{other}/query> {{ ?s ?p ?o }} }}")
        assert r.status_code == 200 and r.text.splitlines() == ["o", "from elsewhere"]


def test_a_service_that_never_answers_is_cut_by_the_time_limit(sample_store_path: Path, tmp_path: Path) -> None:
    """Even with --allow-service: a SERVICE call to an endpoint that accepts the connection and
    never answers ignored the timeout, and left its thread and socket behind."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel accepts connections; nobody ever reads or answers
        port = silent.getsockname()[1]
        store = copy_store(sample_store_path, tmp_path / "kg.db")
        with kg_serve(store, "--allow-service", "--timeout", str(TIMEOUT)) as server:
            started = time.monotonic()
            r = server.post(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
            assert r.status_code == 503, r.text
            assert r.text == f"the POST /query ran past the time limit of {TIMEOUT} s\n"
            assert time.monotonic() - started < TIMEOUT + 30  # the bound holds (slack: a shared machine)
            assert server.alive()

            def held() -> list[object]:  # connections of the server's processes to the silent endpoint
                procs = [psutil.Process(server.proc.pid), *psutil.Process(server.proc.pid).children(recursive=True)]
                return [c for p in procs for c in p.net_connections() if c.raddr and c.raddr.port == port]

            deadline = time.monotonic() + 10
            while held():
                assert time.monotonic() < deadline, held()
                time.sleep(0.2)
        assert fingerprint(store) == fingerprint(sample_store_path)


@pytest.mark.parametrize(
    ("host", "allowed"),
    [("127.0.0.1:{port}", True), ("localhost:{port}", True), ("[::1]:{port}", True), ("127.0.0.1:1", False),
     ("attacker.example:{port}", False), ("attacker.example", False), ("127.0.0.1.nip.io:{port}", False)],
)
def test_host_header_must_name_this_server(served: Served, host: str, allowed: bool) -> None:
    """DNS rebinding: a page on attacker.example, its name re-pointed at 127.0.0.1, reaches the
    server with its own name in Host."""
    port = served.base.rsplit(":", 1)[1]
    r = served.post("ASK {}", headers={**CSV, "Host": host.format(port=port)})
    assert r.status_code == (200 if allowed else 403), r.text
    if not allowed:
        assert "is not this server's address (DNS rebinding protection)" in r.text


def test_cross_origin_requests_are_refused_without_cors(served: Served) -> None:
    r = served.post("ASK {}", headers={**CSV, "Origin": "http://attacker.example"})
    assert r.status_code == 403 and "kg serve --cors allows them" in r.text
    port = served.base.rsplit(":", 1)[1]
    assert served.post("ASK {}", headers={**CSV, "Origin": f"http://127.0.0.1:{port}"}).status_code == 200


def test_host_rule() -> None:
    rule = HostRule("0.0.0.0", 7878, ("kg.internal",))
    assert rule.allows("192.168.1.4:7878") and rule.allows("kg.internal:7878") and rule.allows(None)
    assert not rule.allows("evil.example:7878") and not rule.allows("192.168.1.4:80")


def test_kg_build_refuses_a_served_store(served: Served, served_fingerprint: tuple[int, str]) -> None:
    """The server reads the store without a RocksDB lock: a build would change it underneath."""
    run = run_kg("build", ROOT / "tests" / "data" / "dev" / "wapo-1.txt", "--store", served.store)
    assert_one_line_error(run, 3, f"store {served.store} is being served by `kg serve` "
                                  f"(pid {served.proc.pid} at {served.base}): stop it before writing to the store")
    assert fingerprint(served.store) == served_fingerprint


def test_allow_update_on_a_new_path_creates_an_empty_store(tmp_path: Path, sample_store_path: Path) -> None:
    store = tmp_path / "target.db"
    with kg_serve(store, "--allow-update") as server:
        assert f"created an empty store at {store}" in server.log[0]
        push = run_kg("push", "--endpoint", server.base, "--store", sample_store_path, "--replace")
        assert push.code == 0, push.describe()
    assert fingerprint(store) == fingerprint(sample_store_path)
