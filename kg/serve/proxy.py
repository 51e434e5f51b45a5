"""The HTTP front of `kg serve`: checks each request, lends it a backend, bounds its time.

Every request is read and checked (kg.serve.guard) before an Oxigraph backend
(kg.serve.backends) sees it, then forwarded unchanged; the answer comes back unchanged too —
status, headers (content negotiation is Oxigraph's) and body — with two exceptions:

* Time: a watchdog kills the backend when the whole answer has not been sent `timeout` seconds
  after the backend took the request.  Oxigraph's own timeout is not used: it cannot stop a
  query that is already streaming, and it ends such a stream the way a complete answer ends.
* Honest status: the first COMMIT_BYTES of the answer are held back.  An answer that ends, or
  fails, within them is sent whole with its real status (a failure as 503, never 200).  A longer
  one is sent chunked as it comes, and if it fails after that (the watchdog, the memory limit, a
  crash), the connection is closed without the final chunk: every HTTP client then reports a
  truncated transfer rather than a complete 200 answer, and kg serve logs the cut.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from kg.serve.backends import Backend, BackendPool
from kg.serve.guard import HostRule, Refusal, check_request

COMMIT_BYTES = 1 << 20
MAX_BODY_BYTES = 256 << 20  # Graph Store uploads with --allow-update (kg push sends ~10 MB batches)
CHUNK = 64 * 1024
# Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own business on each side.
_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"})


@dataclass(frozen=True)
class ProxySettings:
    rule: HostRule
    timeout: float | None  # seconds per request; None: no bound
    cors: bool
    allow_service: bool


class _Cut(Exception):
    """The backend failed after the answer was committed: close without the final chunk."""


class FrontServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], pool: BackendPool, settings: ProxySettings, log: Callable[[str], None]
    ) -> None:
        self.pool, self.settings, self.log = pool, settings, log
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FrontServer
    server_version = "quotegraph-kg-serve"

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = do_GET

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Successful requests are not logged (Oxigraph did not either); refusals and cuts are."""

    # ------------------------------------------------------------------ one request

    def _handle(self) -> None:
        settings = self.server.settings
        try:
            body = self._read_body()
            parts = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            check_request(
                settings.rule, path=parts.path, query_string=parts.query, headers=headers, body=body,
                cors=settings.cors, allow_service=settings.allow_service,
            )
        except Refusal as refusal:
            self._refuse(refusal.status, refusal.reason)
            return
        wait = settings.timeout if settings.timeout is not None else 3600.0
        backend = self.server.pool.acquire(wait)
        if backend is None:
            self._refuse(503, f"all query engines stayed busy for {wait:g} s; try again later")
            return
        watchdog = None
        if settings.timeout is not None:
            reason = f"the {self.command} {parts.path} ran past the time limit of {settings.timeout:g} s"
            watchdog = threading.Timer(settings.timeout, backend.kill, args=(reason,))
            watchdog.daemon = True
            watchdog.start()
        try:
            self._forward(backend, body)
        finally:
            if watchdog is not None:
                watchdog.cancel()
            self.server.pool.release(backend)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raise Refusal(411, "send the request body with a Content-Length, not chunked")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise Refusal(400, "the Content-Length is not a number") from None
        if length > MAX_BODY_BYTES:
            raise Refusal(413, f"the request body is {length:,} bytes; the limit is {MAX_BODY_BYTES:,}")
        return self.rfile.read(length) if length > 0 else b""

    def _forward(self, backend: Backend, body: bytes) -> None:
        upstream = http.client.HTTPConnection("127.0.0.1", backend.port)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP and k.lower() != "content-length"}
        headers["Host"] = f"127.0.0.1:{backend.port}"
        try:
            upstream.request(self.command, self.path, body=body if body or self.command in ("POST", "PUT") else None,
                             headers=headers)
            response = upstream.getresponse()
            self._relay(backend, response)
        except _Cut as cut:
            self.server.log(f"kg serve: {self.command} {self.path[:80]} answered {cut} — cut off, the client sees a "
                            "truncated transfer")
            self.close_connection = True
        except (OSError, http.client.HTTPException):
            if not _ended(backend):
                raise
            self._refuse(503, backend.death())
        finally:
            upstream.close()

    def _relay(self, backend: Backend, response: http.client.HTTPResponse) -> None:
        held = bytearray()
        finished = self.command == "HEAD" or response.status in (204, 304)
        while not finished and len(held) < COMMIT_BYTES:
            piece = response.read(CHUNK)  # raises if the backend dies: answered as 503 by _forward
            if not piece:
                finished = True
            held += piece
        if finished:
            self._send_head(response, length=len(held))
            if self.command != "HEAD":
                self._write(held)
            return
        self._send_head(response, length=None)  # committed: from here on, a failure is a cut
        sent = 0
        try:
            self._write_chunk(bytes(held))
            sent += len(held)
            while piece := response.read(CHUNK):
                self._write_chunk(piece)
                sent += len(piece)
        except (OSError, http.client.HTTPException) as err:
            if isinstance(err, (BrokenPipeError, ConnectionResetError)) and backend.alive and backend.killed_for is None:
                backend.kill("the client went away")  # nobody will read the rest: stop computing it
                return
            raise _Cut(f"{response.status} and {sent:,} bytes, then {backend.death()}") from None
        self._write(b"0\r\n\r\n")

    def _send_head(self, response: http.client.HTTPResponse, *, length: int | None) -> None:
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in _HOP and name.lower() != "content-length":
                self.send_header(name, value)
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _write_chunk(self, data: bytes) -> None:
        if data:
            self._write(b"%x\r\n" % len(data) + data + b"\r\n")

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def _refuse(self, status: int, reason: str) -> None:
        self.server.log(f"kg serve: {self.command} {self.path[:80]} → {status}: {reason}")
        payload = (reason + "\n").encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self._write(payload)
        except OSError:
            self.close_connection = True


def _ended(backend: Backend, grace: float = 2.0) -> bool:
    """Whether the backend that dropped the connection has died or was killed.  An engine that
    runs out of memory closes its sockets a moment before the process is reaped: wait for that
    (briefly) rather than mistake its death for a network error."""
    deadline = time.monotonic() + grace
    while backend.alive and backend.killed_for is None and time.monotonic() < deadline:
        time.sleep(0.02)
    return not backend.alive or backend.killed_for is not None
