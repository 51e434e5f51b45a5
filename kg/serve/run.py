"""`kg serve`: the store as a SPARQL 1.1 Protocol endpoint, served by the real Oxigraph server.

kg only checks, starts and stops the server; every request is answered by Oxigraph itself
(`/query` with content negotiation, `/update` and `/store` when writable, a YASGUI page at `/`).

Why a supervised child and not exec(): we wait until the port accepts connections before
announcing the URL, turn start-up failures (port taken, bad address) into one line instead of a
Rust backtrace, and stop the server when kg is stopped — including by SIGKILL on Linux, where
the child is asked to die with its parent.
"""

from __future__ import annotations

import collections
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import StoreError
from kg.serve.binary import ServeError, find_oxigraph, format_bind, server_command
from kg.store import QuoteStore
from kg.store.paths import check_path, is_locked
from kg.store.summary import has_summary

DEFAULT_PORT = 7878
DEFAULT_BIND = "127.0.0.1"
DEFAULT_TIMEOUT = 60  # seconds; one runaway query must not hold a CPU forever
STARTUP_SECONDS = 15.0
STOP_SECONDS = 5.0


@dataclass(frozen=True)
class ServeConfig:
    store: Path
    port: int = DEFAULT_PORT
    bind: str = DEFAULT_BIND
    allow_update: bool = False
    timeout: int | None = DEFAULT_TIMEOUT
    cors: bool = False

    @property
    def base_url(self) -> str:
        host = self.bind
        if _is_wildcard(host):  # reachable locally through loopback whatever the interface list
            host = "127.0.0.1" if ":" not in host else "::1"
        return f"http://{format_bind(host, self.port)}"


def check_config(config: ServeConfig, warn: Callable[[str], None]) -> None:
    """Refuse what cannot work before starting anything; warn about exposure."""
    if not 0 < config.port < 65536:
        raise ServeError(f"port {config.port} is out of range (1-65535)")
    try:
        check_path(config.store, read_only=True)
    except StoreError as err:
        raise ServeError(str(err)) from None
    if is_locked(config.store):
        # The read-only server cannot coexist with a writer (Oxigraph: "undefined behavior"), and
        # `oxigraph serve` would fail to take the lock anyway.
        raise ServeError(
            f"store {config.store} is open for writing by another process (`kg build`, `kg serve --allow-update`?); "
            "stop it first: the Oxigraph server cannot serve a store while another process writes it"
        )
    _check_port_free(config)
    # The server answers from whatever summary the store holds (kg query refuses a stale one; an
    # HTTP endpoint cannot say so per query): say it once, here.
    with QuoteStore.open(config.store, read_only=True) as store:
        current = has_summary(store)
    if not current:
        warn(
            f"warning: the summary graph of {config.store} is out of date or missing: the saved queries that read it "
            f"(top-speakers, speakers-quoted-together, statements-per-event, and the name lookups of "
            f"who-said-what-about and quotes-by-organisation) will answer from it as it is; "
            f"run `kg summarise --store {config.store}` first"
        )
    if not _is_loopback(config.bind):
        what = "read-write" if config.allow_update else "read-only"
        warn(
            f"warning: binding {config.bind} exposes the {what} endpoint beyond this machine, "
            "with no authentication"
        )


def serve(config: ServeConfig, announce: Callable[[str], None] = print) -> int:
    """Run the server until it exits or kg is interrupted; returns the exit status for kg."""
    check_config(config, warn=lambda m: print(m, file=sys.stderr))
    argv = server_command(
        find_oxigraph(),
        config.store,
        config.bind,
        config.port,
        allow_update=config.allow_update,
        timeout=config.timeout,
        cors=config.cors,
    )
    env = dict(os.environ, RUST_BACKTRACE="0", RUST_LIB_BACKTRACE="0")  # errors as one line
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=_death_signal_setter(),
        )
    except OSError as err:
        raise ServeError(f"cannot run {argv[0]}: {err.strerror or err}") from None
    output = _Relay(proc)
    stop = _StopSignal()
    try:
        _wait_until_listening(proc, config, output)
        announce(_banner(config))
        output.forwarding = True  # from now on the server's own messages reach the terminal
        while proc.poll() is None and not stop.is_set():
            stop.wait(0.2)
        if proc.poll() is not None:
            raise ServeError(f"the Oxigraph server stopped unexpectedly: {output.error_line()}")
        return 0
    except KeyboardInterrupt:
        return 0  # Ctrl-C is how a server is stopped
    finally:
        _stop(proc)
        stop.restore()


# ---------------------------------------------------------------------------------- helpers


def _is_wildcard(host: str) -> bool:
    return host.strip("[]") in ("0.0.0.0", "::")


def _is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: assume it may be reachable from elsewhere


def _check_port_free(config: ServeConfig) -> None:
    """Fail early and clearly when the port is taken: a server already listening there would
    otherwise answer our readiness probe for the one that is about to fail."""
    host = config.bind.strip("[]")
    if host == "localhost":
        host = "127.0.0.1"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((host, config.port))
    except OSError as err:
        reason = err.strerror or str(err)
        raise ServeError(f"cannot serve on {format_bind(config.bind, config.port)}: {reason}") from None


def _death_signal_setter() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to SIGTERM the child when kg dies (even by SIGKILL), so no
    orphaned server keeps the port.  libc is loaded here, in the parent: the child, between fork
    and exec, must only make the call."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def set_death_signal() -> None:  # pragma: no cover - runs in the child
        prctl(pr_set_pdeathsig, int(signal.SIGTERM))

    return set_death_signal


class _Relay:
    """Reads the server's output in a thread: kept (for error messages) until the server is up,
    then forwarded to stderr."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.lines: collections.deque[str] = collections.deque(maxlen=50)
        self.forwarding = False
        self._thread = threading.Thread(target=self._run, args=(proc,), daemon=True)
        self._thread.start()

    def _run(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            self.lines.append(line)
            if self.forwarding and line:
                print(f"oxigraph: {line}", file=sys.stderr, flush=True)

    def error_line(self) -> str:
        self._thread.join(timeout=1.0)  # the process has exited: let the last lines arrive
        for line in self.lines:
            if line.startswith("Error:"):
                return line[len("Error:") :].strip()
        meaningful = [line for line in self.lines if line.strip()]
        return meaningful[-1].strip() if meaningful else "no message"


def _wait_until_listening(proc: subprocess.Popen[bytes], config: ServeConfig, output: _Relay) -> None:
    host = config.base_url.split("//", 1)[1].rsplit(":", 1)[0].strip("[]")
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServeError(f"cannot serve on {format_bind(config.bind, config.port)}: {output.error_line()}")
        try:
            with socket.create_connection((host, config.port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise ServeError(f"the Oxigraph server did not start listening within {STARTUP_SECONDS:.0f} s")


def _banner(config: ServeConfig) -> str:
    url = config.base_url
    mode = "read-write (SPARQL Update and Graph Store writes allowed)" if config.allow_update else "read-only"
    limit = f"{config.timeout} s per query" if config.timeout else "none"
    return "\n".join(
        [
            f"Serving {config.store} with Oxigraph — {mode}; default graph = union of all article graphs",
            f"  SPARQL endpoint  {url}/query   (GET ?query=… or POST)",
            *([f"  SPARQL update    {url}/update", f"  graph store      {url}/store"] if config.allow_update else []),
            f"  query page       {url}/",
            f"  query timeout    {limit}",
            "Press Ctrl-C to stop.",
        ]
    )


class _StopSignal(threading.Event):
    """Set by SIGTERM (a service manager, a test), which then stops the server like Ctrl-C."""

    def __init__(self) -> None:
        super().__init__()
        self._installed = threading.current_thread() is threading.main_thread()  # signals are its
        if self._installed:
            self._previous = signal.signal(signal.SIGTERM, lambda signum, frame: self.set())

    def restore(self) -> None:
        if self._installed:
            signal.signal(signal.SIGTERM, self._previous if self._previous is not None else signal.SIG_DFL)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
