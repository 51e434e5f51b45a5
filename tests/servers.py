"""Real SPARQL servers for the tests, on 127.0.0.1 and free ports, always stopped.

- `oxigraph_server(location)`: the `oxigraph` binary (from the `oxigraph` wheel) serving a store
  directory; a context manager yielding the base URL (`/query`, `/update`, `/store`).
- `start_virtuoso(directory)` / the session fixture `virtuoso`: OpenLink Virtuoso 7 (Debian
  `virtuoso-opensource-7`, installed by `.ci/run`) with its own database directory and ini, its
  SQL port and HTTP port both free loopback ports.  The handle runs SQL through `isql-vt`,
  creates users with SPARQL update rights (for `/sparql-auth` and `/sparql-graph-crud-auth`,
  HTTP digest auth), opens the anonymous endpoints to updates when a test needs that, and drops
  graphs between tests.

A test module that needs Virtuoso asks for the `virtuoso` fixture (registered in conftest.py);
a test that must not share a server calls `start_virtuoso(tmp_path)` itself and `stop()`s it.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

READY_SECONDS = 20.0
VIRTUOSO_READY_SECONDS = 90.0  # a fresh database is created on first start: a few seconds here
VIRTUOSO_BINARY = "virtuoso-t"
ISQL_BINARY = "isql-vt"
VIRTUOSO_VAD_DIR = "/usr/share/virtuoso-opensource-7/vad"


# ------------------------------------------------------------------------------ shared helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen[bytes]) -> int:
    """SIGTERM, then SIGKILL after 10 s; returns the exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def wait_ready(base: str, proc: subprocess.Popen[bytes], *, path: str = "/query",
               seconds: float = READY_SECONDS) -> None:
    """Bounded wait until `base + path` answers `ASK {}` with 200; fails if the process died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"server exited with {proc.returncode}: {out[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}{path}", params={"query": "ASK {}"}, timeout=1.0).status_code == 200:
                return
        time.sleep(0.1)
    pytest.fail(f"server at {base}{path} not ready within {seconds} s")


# ------------------------------------------------------------------------------ Oxigraph


@contextlib.contextmanager
def oxigraph_server(location: Path, *, read_only: bool = False, union: bool = False) -> Iterator[str]:
    """`oxigraph serve` (or `serve-read-only`) on LOCATION; yields the base URL."""
    from kg.serve import find_oxigraph

    port = free_port()
    argv = [find_oxigraph(), "serve-read-only" if read_only else "serve", "--location", str(location)]
    argv += ["--bind", f"127.0.0.1:{port}"] + (["--union-default-graph"] if union else [])
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
        yield base
    finally:
        stop(proc)


# ------------------------------------------------------------------------------ Virtuoso


def virtuoso_available() -> bool:
    return shutil.which(VIRTUOSO_BINARY) is not None and shutil.which(ISQL_BINARY) is not None


def _virtuoso_ini(directory: Path, sql_port: int, http_port: int) -> str:
    # Only what a test server needs: everything inside DIRECTORY, both ports on loopback,
    # small buffers (two cores, other servers beside it), no plugins.
    return f"""\
[Database]
DatabaseFile       = {directory}/virtuoso.db
ErrorLogFile       = {directory}/virtuoso.log
LockFile           = {directory}/virtuoso.lck
TransactionFile    = {directory}/virtuoso.trx
xa_persistent_file = {directory}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {directory}/virtuoso-temp.db
TransactionFile    = {directory}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = ., {directory}, {VIRTUOSO_VAD_DIR}
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
VADInstallDir            = {VIRTUOSO_VAD_DIR}/
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxQueryMem              = 512M
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 4
NumberOfBuffers          = 10000
MaxDirtyBuffers          = 6000

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {directory}/vsp
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
EnabledGzipContent          = 0

[AutoRepair]
BadParentLinks = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
ResultSetMaxRows           = 100000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 120
DeferInferenceRulesInit    = 0
"""


class VirtuosoError(RuntimeError):
    pass


@dataclass
class Virtuoso:
    """A running Virtuoso 7 started by `start_virtuoso`.

    `base` is the HTTP root: the SPARQL protocol endpoint is `sparql` (`/sparql`), the Graph
    Store Protocol `gsp` (`/sparql-graph-crud`); their authenticated forms `sparql_auth` and
    `gsp_auth` take HTTP digest credentials of a user made by `create_user`.
    """

    directory: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen[bytes]
    dba_password: str = "dba"
    users: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def sparql_auth(self) -> str:
        return f"{self.base}/sparql-auth"

    @property
    def gsp(self) -> str:
        return f"{self.base}/sparql-graph-crud"

    @property
    def gsp_auth(self) -> str:
        return f"{self.base}/sparql-graph-crud-auth"

    def isql(self, sql: str, *, timeout: float = 120.0) -> str:
        """Runs SQL statements (`;`-separated) as dba through `isql-vt`; raises on any error."""
        argv = [ISQL_BINARY, f"127.0.0.1:{self.sql_port}", "dba", self.dba_password,
                "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT",
                f"exec={sql}"]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
        output = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in output:
            raise VirtuosoError(f"isql failed ({done.returncode}): {sql[:200]!r}\n{output[-2000:]}")
        return output

    def create_user(self, name: str, password: str, *, sparql_update: bool = True) -> tuple[str, str]:
        """A SQL/web user that may query (and, by default, update) over `/sparql-auth` and
        `/sparql-graph-crud-auth`; returns the (user, password) pair for httpx.DigestAuth.
        Asking again for a user this server already made returns it (the session fixture is shared)."""
        if name in self.users:
            if self.users[name] != password:
                raise VirtuosoError(f"user {name} exists on this server with another password")
            return name, password
        self.isql(f"DB.DBA.USER_CREATE('{name}', '{password}')")
        if sparql_update:
            self.isql(f'GRANT SPARQL_UPDATE TO "{name}"')
            # read and write on every graph, whatever the default graph permissions are
            self.isql(f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{name}', 7)")
        else:
            self.isql(f'GRANT SPARQL_SELECT TO "{name}"')
        self.users[name] = password
        return name, password

    def allow_anonymous_update(self) -> None:
        """Lets the anonymous `/sparql` and `/sparql-graph-crud` endpoints write (user SPARQL)."""
        self.isql('GRANT SPARQL_UPDATE TO "SPARQL"')
        self.isql("DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 7)")

    def user_graphs(self) -> list[str]:
        """Named graphs that hold triples, other than Virtuoso's own system graphs."""
        r = httpx.post(self.sparql, data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                       headers={"Accept": "application/sparql-results+json"}, timeout=60)
        r.raise_for_status()
        graphs = [b["g"]["value"] for b in r.json()["results"]["bindings"]]
        return sorted(g for g in graphs if not _is_system_graph(g))

    def clear(self) -> None:
        """Drops every graph a test loaded (system graphs stay)."""
        for graph in self.user_graphs():
            self.isql(f"SPARQL CLEAR GRAPH <{graph}>")

    def load_nquads(self, path: Path) -> None:
        """Bulk-loads an N-Quads file (every quad into its own graph) with Virtuoso's loader."""
        target = self.directory / "load"
        target.mkdir(exist_ok=True)
        for old in target.iterdir():
            old.unlink()
        shutil.copy(path, target / "data.nq")
        self.isql("DELETE FROM DB.DBA.load_list")
        self.isql(f"ld_dir('{target}', 'data.nq', 'http://example.org/unused-default-graph')")
        self.isql("rdf_loader_run()")
        out = self.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL")
        if out.strip():
            raise VirtuosoError(f"bulk load of {path} failed:\n{out}")
        self.isql("checkpoint")

    def stop(self) -> int:
        return stop(self.process)


def _is_system_graph(graph: str) -> bool:
    return graph.startswith(("http://www.openlinksw.com/", "http://localhost:", "http://127.0.0.1:",
                             "http://www.w3.org/2002/07/owl", "http://www.w3.org/ns/ldp",
                             "urn:activitystreams-owl:map", "urn:core:services:sparql", "virtrdf:",
                             "http://localhost", "http://localuriqaserver/"))


def start_virtuoso(directory: Path) -> Virtuoso:
    """Starts Virtuoso 7 with a fresh database in DIRECTORY and waits until `/sparql` answers.
    Skips (outside CI) when the Debian package is not installed; in CI (`CI=true`) that fails."""
    import os

    if not virtuoso_available():
        message = "virtuoso-opensource-7 is not installed (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vsp").mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(_virtuoso_ini(directory, sql_port, http_port))
    # its console output goes to a file: a pipe nobody reads would fill and stall the server
    with open(directory / "console.log", "wb") as console:
        proc = subprocess.Popen([VIRTUOSO_BINARY, "+foreground", "+configfile", str(ini)], cwd=directory,
                                stdout=console, stderr=subprocess.STDOUT)
    server = Virtuoso(directory=directory, sql_port=sql_port, http_port=http_port, process=proc)
    try:
        wait_ready(server.base, proc, path="/sparql", seconds=VIRTUOSO_READY_SECONDS)
    except BaseException:
        server.stop()
        for log in (directory / "console.log", directory / "virtuoso.log"):
            if log.exists():
                print(log.read_text(errors="replace")[-3000:])
        raise
    return server


@contextlib.contextmanager
def virtuoso_server(directory: Path) -> Iterator[Virtuoso]:
    server = start_virtuoso(directory)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """One Virtuoso 7 for the whole session; tests that load data `clear()` it when done."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
