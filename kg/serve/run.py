"""`kg serve`: the store as a SPARQL 1.1 Protocol endpoint, answered by the Oxigraph server.

Every query is answered by Oxigraph itself (`/query` with content negotiation, `/update` and
`/store` when writable, a YASGUI page at `/`), in processes kg starts and bounds
(kg.serve.backends: an address-space limit each, replaced when they die), behind a small HTTP
front (kg.serve.proxy) that refuses what would harm the server or reach past it
(kg.serve.guard: the Host and Origin of the request, the depth and size of its SPARQL, SERVICE)
and ends a request that runs past --timeout by killing the process evaluating it.

While it serves, kg holds the store's serving lock (kg.store.paths.SERVE_LOCK), so `kg build`
and the other writers refuse the store instead of changing it under the server.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import StoreError
from kg.serve.backends import BackendPool
from kg.serve.binary import ServeError, find_oxigraph, format_bind
from kg.serve.guard import HostRule
from kg.serve.proxy import FrontServer, ProxySettings
from kg.store import QuoteStore
from kg.store.paths import check_path, hold_serve_lock, is_locked
from kg.summary.state import has_summary

DEFAULT_PORT = 7878
DEFAULT_BIND = "127.0.0.1"
DEFAULT_TIMEOUT = 60  # seconds; one runaway query must not hold a CPU forever
DEFAULT_WORKERS = 2  # queries evaluated at once, each in its own Oxigraph process
DEFAULT_MEMORY_MB = 2048  # address space per Oxigraph process (an idle one takes ~0.5 GB of it)


@dataclass(frozen=True)
class ServeConfig:
    store: Path
    port: int = DEFAULT_PORT
    bind: str = DEFAULT_BIND
    allow_update: bool = False
    timeout: int | None = DEFAULT_TIMEOUT
    cors: bool = False
    workers: int = DEFAULT_WORKERS
    memory_mb: int | None = DEFAULT_MEMORY_MB
    allow_service: bool = False
    allow_hosts: tuple[str, ...] = ()

    @property
    def base_url(self) -> str:
        host = self.bind
        if _is_wildcard(host):  # reachable locally through loopback whatever the interface list
            host = "127.0.0.1" if ":" not in host else "::1"
        return f"http://{format_bind(host, self.port)}"


def check_config(config: ServeConfig, warn: Callable[[str], None]) -> None:
    """Refuse what cannot work before starting anything; warn about exposure.  With
    --allow-update a store that does not exist yet is created empty (a local write target)."""
    if not 0 < config.port < 65536:
        raise ServeError(f"port {config.port} is out of range (1-65535)")
    if config.workers < 1:
        raise ServeError(f"--workers must be at least 1, got {config.workers}")
    if config.memory_mb is not None and config.memory_mb < 256:
        raise ServeError(f"--memory-limit {config.memory_mb} MB is too small: an idle Oxigraph server takes ~500 MB")
    if config.allow_update and _no_store_yet(config.store):
        try:
            QuoteStore.open(config.store).close()
        except StoreError as err:
            raise ServeError(str(err)) from None
        warn(f"created an empty store at {config.store}")
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
        current = has_summary(store) or len(store.ox) == 0  # an empty store has nothing to count
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
    """Serve until kg is interrupted (Ctrl-C, SIGTERM); returns the exit status for kg."""

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    check_config(config, warn=log)
    lock = hold_serve_lock(config.store, f"pid {os.getpid()} at {config.base_url}")
    stop = _StopSignal()
    pool = None
    front = None
    try:
        pool = BackendPool(
            find_oxigraph(), config.store, size=config.workers, allow_update=config.allow_update,
            memory_mb=config.memory_mb, cors=config.cors, log=log,
        )
        settings = ProxySettings(
            rule=HostRule(config.bind, config.port, tuple(h.lower() for h in config.allow_hosts)),
            timeout=float(config.timeout) if config.timeout else None,
            cors=config.cors,
            allow_service=config.allow_service,
        )
        try:
            front = FrontServer((config.bind.strip("[]"), config.port), pool, settings, log)
        except OSError as err:
            raise ServeError(f"cannot serve on {format_bind(config.bind, config.port)}: {err.strerror or err}") from None
        threading.Thread(target=front.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True,
                         name="kg-serve-front").start()
        announce(_banner(config))
        while not stop.wait(0.5):
            pass
        return 0
    except KeyboardInterrupt:
        return 0  # Ctrl-C is how a server is stopped
    finally:
        if front is not None:
            front.shutdown()
            front.server_close()
        if pool is not None:
            pool.close()
        stop.restore()
        if lock is not None:
            os.close(lock)


def _no_store_yet(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


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


def _banner(config: ServeConfig) -> str:
    url = config.base_url
    mode = "read-write (SPARQL Update and Graph Store writes allowed)" if config.allow_update else "read-only"
    limit = f"{config.timeout} s per request, the answer included" if config.timeout else "none"
    memory = f"{config.memory_mb:,} MB of address space per engine" if config.memory_mb else "none"
    engines = "1 shared (read-write)" if config.allow_update else f"{config.workers}, one query each"
    return "\n".join(
        [
            f"Serving {config.store} with Oxigraph — {mode}; default graph = union of all graphs "
            "(the articles', the summary's and the identity links')",
            f"  SPARQL endpoint  {url}/query   (GET ?query=… or POST)",
            *([f"  SPARQL update    {url}/update", f"  graph store      {url}/store"] if config.allow_update else []),
            f"  query page       {url}/",
            f"  time limit       {limit}",
            f"  memory limit     {memory}; query engines: {engines}",
            f"  SERVICE, LOAD    {'allowed' if config.allow_service else 'refused (--allow-service)'}",
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
