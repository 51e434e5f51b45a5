"""`kg push` with credentials, against real servers: Virtuoso 7's authenticated Graph Store
endpoint (HTTP Digest; no anonymous write grant) and, for HTTP Basic, a real Oxigraph server
behind a small Basic-auth gate (no SPARQL server here speaks Basic by itself).

Every run goes through the command line in a subprocess, and the password is looked for in
everything it printed — on success and on each kind of failure.
"""

from __future__ import annotations

import base64
import http.client
import os
import subprocess
import sys
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from servers import Virtuoso, free_port, oxigraph_server
from test_robustness import fingerprint

from kg.push.credentials import CredentialError, Credentials, resolve
from kg.store import QuoteStore

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "pw-Zq8#not-printed"  # distinctive: any occurrence in any output is a leak
WRITER = "qg_writer"
READER = "qg_reader"


def kg(*args: object, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("KG_DEBUG", "NETRC")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env=environment, input=stdin, timeout=240)


def assert_no_secret(run: subprocess.CompletedProcess[str]) -> None:
    printed = run.stdout + run.stderr
    assert PASSWORD not in printed, printed
    for encoded in (base64.b64encode(f"{WRITER}:{PASSWORD}".encode()).decode(), PASSWORD.replace("#", "%23")):
        assert encoded not in printed, printed


def graph_triples_local(store: Path) -> dict[str, set[tuple[str, str, str]]]:
    """Named graph → its triples as (subject, predicate, object's lexical value) — the form both
    stores agree on: Virtuoso keeps every value but folds integer types (xsd:nonNegativeInteger
    offsets come back as xsd:integer)."""
    out: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    with QuoteStore.open(store, read_only=True) as st:
        for q in st.quads():
            out[q.graph_name.value].add((q.subject.value, q.predicate.value, q.object.value))
    return out


def graph_triples_virtuoso(server: Virtuoso, graphs: list[str]) -> dict[str, set[tuple[str, str, str]]]:
    out: dict[str, set[tuple[str, str, str]]] = {}
    for g in graphs:
        r = httpx.get(server.gsp, params={"graph": g}, headers={"Accept": "application/n-triples"}, timeout=60)
        r.raise_for_status()
        out[g] = {(t.subject.value, t.predicate.value, t.object.value)
                  for t in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)}
    return out


@pytest.fixture(autouse=True)
def store_untouched(sample_store_path: Path) -> Iterator[None]:
    """kg push only reads: the pushed store keeps its quads whatever the server answers."""
    before = fingerprint(sample_store_path)
    yield
    assert fingerprint(sample_store_path) == before


@pytest.fixture(scope="module")
def users(virtuoso: Virtuoso) -> Virtuoso:
    virtuoso.create_user(WRITER, PASSWORD)
    virtuoso.create_user(READER, PASSWORD, sparql_update=False)
    return virtuoso


# ------------------------------------------------------------------------------ Virtuoso, Digest


def test_push_into_authenticated_virtuoso_loses_nothing(users: Virtuoso, sample_store_path: Path) -> None:
    """The documented recipe: the Debian server on loopback, the -auth Graph Store endpoint, a
    user with SPARQL_UPDATE, nobody else allowed to write."""
    server = users
    try:
        # no anonymous write grant: the plain endpoint refuses, with Virtuoso's own reason
        anonymous = kg("push", "--gsp-url", server.gsp, "--store", sample_store_path)
        assert anonymous.returncode == 6 and anonymous.stderr.count("\n") == 1, anonymous.stderr
        assert "403 Forbidden: SR575:SECURITY: No permission" in anonymous.stderr
        assert "no credentials were sent" in anonymous.stderr
        assert server.user_graphs() == []

        run = kg("push", "--gsp-url", server.gsp_auth, "--user", WRITER, "--password-env", "QG_PASSWORD",
                 "--store", sample_store_path, "--replace", env={"QG_PASSWORD": PASSWORD})
        assert run.returncode == 0, run.stderr
        local = graph_triples_local(sample_store_path)
        total = sum(len(t) for t in local.values())
        assert run.stderr.startswith(f"pushed {len(local)} graphs, {total} triples to {server.gsp_auth} ")
        assert_no_secret(run)
        remote = graph_triples_virtuoso(server, sorted(local))
        assert {g: len(t) for g, t in remote.items()} == {g: len(t) for g, t in local.items()}  # distinct triples per graph
        assert remote == local
    finally:
        server.clear()


@pytest.mark.parametrize(
    ("case", "args", "env", "expected"),
    [
        ("wrong password", ["--user", WRITER, "--password-env", "QG_PASSWORD"], {"QG_PASSWORD": PASSWORD + "x"},
         f"401 Unauthorized (sent as user '{WRITER}', the password from $QG_PASSWORD)"),
        ("user without update rights", ["--user", READER, "--password-env", "QG_PASSWORD"], {"QG_PASSWORD": PASSWORD},
         "403 Forbidden: SR575:SECURITY: No permission"),
        ("password in the URL", [], {}, "401 Unauthorized (sent as user 'nobody', the password from the endpoint URL)"),
        ("password in the URL, with KG_DEBUG", [], {"KG_DEBUG": "1"}, "401 Unauthorized"),
    ],
)
def test_refusals_carry_the_reason_and_never_the_password(
    users: Virtuoso, sample_store_path: Path, case: str, args: list[str], env: dict[str, str], expected: str
) -> None:
    gsp = users.gsp_auth
    if "URL" in case:
        gsp = gsp.replace("http://", f"http://nobody:{PASSWORD.replace('#', '%23')}@")
    run = kg("push", "--gsp-url", gsp, *args, "--store", sample_store_path, env=env)
    assert run.returncode == 6, run.stderr
    assert expected in run.stderr, run.stderr
    assert_no_secret(run)
    assert users.user_graphs() == []


def test_password_in_the_url_is_taken_off_it(users: Virtuoso, sample_store_path: Path) -> None:
    """The case found: `--gsp-url http://u:p@…` pushed and printed `pushed … to http://u:p@…`.
    The user information is used as credentials and printed nowhere."""
    url_password = PASSWORD.replace("#", "%23")
    gsp = users.gsp_auth.replace("http://", f"http://{WRITER}:{url_password}@")
    try:
        run = kg("push", "--gsp-url", gsp, "--store", sample_store_path, "--replace")
        assert run.returncode == 0, run.stderr
        assert_no_secret(run)
        assert f"{WRITER}:" not in run.stdout + run.stderr
        local = graph_triples_local(sample_store_path)
        assert graph_triples_virtuoso(users, sorted(local)) == local
    finally:
        users.clear()


def test_password_from_netrc(users: Virtuoso, sample_store_path: Path, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {WRITER} password {PASSWORD}\n")
    netrc.chmod(0o600)
    try:
        run = kg("push", "--gsp-url", users.gsp_auth, "--store", sample_store_path, env={"NETRC": str(netrc)})
        assert run.returncode == 0, run.stderr
        assert_no_secret(run)
        assert len(users.user_graphs()) == len(graph_triples_local(sample_store_path))
        # a netrc entry for another login is not used for --user
        run = kg("push", "--gsp-url", users.gsp_auth, "--user", READER, "--store", sample_store_path,
                 env={"NETRC": str(netrc)})
        assert run.returncode == 6 and f"no password for user '{READER}'" in run.stderr
        # a broken netrc is one line that does not quote it
        netrc.write_text(f"machine 127.0.0.1 login {WRITER} password {PASSWORD} macdef\n")
        run = kg("push", "--gsp-url", users.gsp_auth, "--store", sample_store_path, env={"NETRC": str(netrc)})
        assert_no_secret(run)
    finally:
        users.clear()


def test_password_from_the_prompt_on_a_terminal(users: Virtuoso, sample_store_path: Path) -> None:
    """On a terminal kg asks (getpass: no echo); the password typed is sent, never shown."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "kg", "push", "--gsp-url", users.gsp_auth, "--user", WRITER,
                             "--store", str(sample_store_path)], stdin=slave, stdout=slave, stderr=slave, cwd=ROOT,
                            env={k: v for k, v in os.environ.items() if k not in ("KG_DEBUG", "NETRC")})
    os.close(slave)
    seen = b""
    try:
        while b"password for" not in seen:
            seen += os.read(master, 1024)
        os.write(master, PASSWORD.encode() + b"\n")
        while True:
            try:
                piece = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not piece:
                break
            seen += piece
        assert proc.wait(timeout=120) == 0, seen
        text = seen.decode("utf-8", "replace")
        assert f"password for {WRITER} at 127.0.0.1: " in text and "pushed " in text
        assert PASSWORD not in text
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
        users.clear()


def test_credentials_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = httpx.URL("http://127.0.0.1:8890/sparql-graph-crud-auth")
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    monkeypatch.setenv("QG_PW", "from-env")
    assert resolve(url, user="u", password_env="QG_PW") == Credentials("u", "from-env", "$QG_PW")
    assert "from-env" not in repr(resolve(url, user="u", password_env="QG_PW"))
    with pytest.raises(CredentialError, match="--password-env needs --user"):
        resolve(url, user=None, password_env="QG_PW")
    with pytest.raises(CredentialError, match="QG_UNSET: the environment variable is not set"):
        resolve(url, user="u", password_env="QG_UNSET")
    assert resolve(url, user=None, password_env=None) is None  # anonymous
    asked = resolve(url, user="u", password_env=None, interactive=True, prompt=lambda text: "typed")
    assert asked == Credentials("u", "typed", "the prompt")
    with pytest.raises(CredentialError, match="no password for user 'u' at 127.0.0.1"):
        resolve(url, user="u", password_env=None, interactive=False)


# ------------------------------------------------------------------------------ Basic


@contextmanager
def basic_gate(backend: str, user: str, password: str) -> Iterator[str]:
    """A real HTTP server asking for Basic credentials, forwarding accepted requests to `backend`."""
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    target = httpx.URL(backend)

    class Gate(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_PUT(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="quotegraph test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            upstream = http.client.HTTPConnection(target.host, target.port)
            upstream.request(self.command, self.path, body=body, headers={"Content-Type": self.headers["Content-Type"]})
            answer = upstream.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_POST = do_PUT

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Gate)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_push_with_basic_auth(tmp_path: Path, sample_store_path: Path) -> None:
    with oxigraph_server(tmp_path / "target") as base, basic_gate(base, WRITER, PASSWORD) as gate:
        run = kg("push", "--endpoint", gate, "--user", WRITER, "--password-env", "QG_PASSWORD",
                 "--store", sample_store_path, "--replace", env={"QG_PASSWORD": PASSWORD})
        assert run.returncode == 0, run.stderr
        assert_no_secret(run)
        r = httpx.get(f"{base}/store", headers={"Accept": "application/n-quads"}, timeout=30)
        with QuoteStore.open(sample_store_path, read_only=True) as st:
            assert set(ox.parse(r.content, format=ox.RdfFormat.N_QUADS)) == set(st.quads())
        wrong = kg("push", "--endpoint", gate, "--user", WRITER, "--password-env", "QG_PASSWORD",
                   "--store", sample_store_path, env={"QG_PASSWORD": "nope"})
        assert wrong.returncode == 6 and "401 Unauthorized (sent as user" in wrong.stderr
        assert_no_secret(wrong)
