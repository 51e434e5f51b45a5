"""The Oxigraph server processes behind `kg serve`, each bounded in memory and supervised.

Every backend is the real `oxigraph serve-read-only` (or, with --allow-update, the one
read-write `oxigraph serve` the store's lock allows) on a free port of 127.0.0.1, started with

* an address-space limit (RLIMIT_AS, `--memory-limit`): a query that needs more (a sort over a
  cartesian product grew to 24 GB) fails to allocate and the process aborts, instead of the
  kernel's OOM killer picking something on the machine;
* MALLOC_ARENA_MAX=2, so glibc does not reserve 64 MB of address space per thread;
* a parent-death signal, so no backend outlives kg.

A read-only backend answers one request at a time: the watchdog in kg.serve.proxy can then end a
query that runs past `--timeout` by killing its process alone (Oxigraph cannot cancel a query
once it streams, and its own timeout ends the stream as if it were complete).  A backend that
dies or is killed is replaced.  The read-write backend is shared by all requests (RocksDB allows
one writer), so killing it fails the others in flight too.
"""

from __future__ import annotations

import os
import queue
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.serve.binary import ServeError, server_command

STARTUP_SECONDS = 30.0
STOP_SECONDS = 5.0


@dataclass
class Backend:
    """One Oxigraph process; `killed_for` says why the watchdog ended it (None: it was not)."""

    proc: subprocess.Popen[bytes]
    port: int
    killed_for: str | None = None
    output: list[str] = field(default_factory=list)

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self, reason: str) -> None:
        if self.killed_for is None:
            self.killed_for = reason
        if self.proc.poll() is None:
            self.proc.kill()

    def death(self) -> str:
        """Why the process ended, for the error answer of the request it was serving."""
        if self.killed_for is not None:
            return self.killed_for
        code = self.proc.poll()
        if code is None:
            return "the query engine stopped answering"
        if any("memory allocation" in line for line in self.output) or code == -signal.SIGABRT:
            return "the query needed more memory than the engine's limit"
        if code < 0:
            return f"the query engine died ({signal.Signals(-code).name})"
        return f"the query engine exited with status {code}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _limits(memory_bytes: int | None) -> Callable[[], None]:
    """preexec_fn: the address-space limit, and SIGKILL when kg dies (libc loaded here, in the
    parent: the child may only make the calls between fork and exec)."""
    prctl = None
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            prctl = ctypes.CDLL(None, use_errno=True).prctl
        except (OSError, AttributeError):
            prctl = None

    def apply() -> None:  # pragma: no cover - runs in the child
        if memory_bytes is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        if prctl is not None:
            prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG

    return apply


class BackendPool:
    """`size` backends over one store; `acquire` lends one to a request until `release`."""

    def __init__(
        self,
        binary: str,
        store: Path,
        *,
        size: int,
        allow_update: bool,
        memory_mb: int | None,
        cors: bool,
        log: Callable[[str], None],
    ) -> None:
        self._binary, self._store, self._cors = binary, store, cors
        self._allow_update = allow_update
        self._memory = memory_mb * 1024 * 1024 if memory_mb else None
        self._log = log
        self._closed = False
        self._lock = threading.Lock()
        self.restarts = 0
        # Read-write: one process shared by `size` request slots.  Read-only: one process each.
        self._processes = 1 if allow_update else size
        self._idle: queue.Queue[Backend] = queue.Queue()
        self._shared: Backend | None = None
        self._slots = threading.BoundedSemaphore(size)
        self._all: list[Backend] = []
        for _ in range(self._processes):
            backend = self._start()
            self._all.append(backend)
            if allow_update:
                self._shared = backend
            else:
                self._idle.put(backend)

    # ------------------------------------------------------------------ lending

    def acquire(self, wait: float) -> Backend | None:
        """A live backend for one request, or None when none was free within `wait` seconds."""
        deadline = time.monotonic() + wait
        if not self._slots.acquire(timeout=wait):
            return None
        if self._shared is not None:
            with self._lock:
                if not self._shared.alive:
                    self._shared = self._replace(self._shared)
                return self._shared
        try:
            backend = self._idle.get(timeout=max(deadline - time.monotonic(), 0.0))
        except queue.Empty:
            self._slots.release()
            return None
        if not backend.alive:
            backend = self._replace(backend)
        return backend

    def release(self, backend: Backend) -> None:
        if self._shared is None:
            if not backend.alive and not self._closed:
                backend = self._replace(backend)
            self._idle.put(backend)
        self._slots.release()

    def _replace(self, dead: Backend) -> Backend:
        """A new process in place of `dead` (killed by the watchdog, or out of memory)."""
        _stop(dead.proc)
        backend = self._start()
        with self._lock:
            self._all = [backend if b is dead else b for b in self._all]
            self.restarts += 1
        return backend

    # ------------------------------------------------------------------ processes

    def _start(self) -> Backend:
        port = free_port()
        argv = server_command(
            self._binary, self._store, "127.0.0.1", port, allow_update=self._allow_update, cors=self._cors
        )
        env = dict(os.environ, RUST_BACKTRACE="0", RUST_LIB_BACKTRACE="0", MALLOC_ARENA_MAX="2")
        try:
            proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                preexec_fn=_limits(self._memory),
            )
        except OSError as err:
            raise ServeError(f"cannot run {argv[0]}: {err.strerror or err}") from None
        backend = Backend(proc, port)
        threading.Thread(target=self._relay, args=(backend,), daemon=True, name="kg-serve-relay").start()
        self._wait_listening(backend)
        return backend

    def _relay(self, backend: Backend) -> None:
        """Keep the last lines (the reason a backend died) and pass on what is worth saying."""
        assert backend.proc.stdout is not None
        for raw in backend.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            if not line:
                continue
            backend.output = [*backend.output[-20:], line]
            if not line.startswith(("Listening for requests", "stack backtrace", "skipping backtrace", "note: run with")):
                self._log(f"oxigraph: {line}")

    def _wait_listening(self, backend: Backend) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if backend.proc.poll() is not None:
                time.sleep(0.1)  # let the relay read the last lines
                reason = next((ln[6:].strip() for ln in backend.output if ln.startswith("Error:")), None)
                raise ServeError(f"the Oxigraph server did not start: {reason or (backend.output or ['no message'])[-1]}")
            try:
                with socket.create_connection(("127.0.0.1", backend.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        _stop(backend.proc)
        raise ServeError(f"the Oxigraph server did not start listening within {STARTUP_SECONDS:.0f} s")

    def pids(self) -> list[int]:
        with self._lock:
            return [b.proc.pid for b in self._all]

    def close(self) -> None:
        self._closed = True
        with self._lock:
            backends = list(self._all)
        for backend in backends:
            _stop(backend.proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.wait()
