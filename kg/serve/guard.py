"""What `kg serve` checks in a request before any Oxigraph process sees it.

* `Host` must name this server: its bound address, `localhost`, or a name given with
  --allow-host.  A page on another site whose DNS name is re-pointed at 127.0.0.1 (DNS
  rebinding) sends its own name, and is refused.
* `Origin`, when a browser sends one, must be such a host too unless --cors: a page elsewhere
  cannot make the endpoint run queries (or, with --allow-update, writes) for it.
* The SPARQL text of `/query` and `/update` (URL parameter, form field or body) meets
  kg.store.sparql_limits: size, bracket depth and operator count (deeper would overflow the
  engine's stack and kill it), and no SERVICE or LOAD unless --allow-service.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from kg.errors import QueryError
from kg.store.sparql_limits import MAX_QUERY_BYTES, check_sparql

# A form-encoded query is at most three bytes per byte of SPARQL (%XX), plus the other fields.
MAX_FORM_BYTES = 3 * MAX_QUERY_BYTES + 64 * 1024
SPARQL_PATHS = {"/query": "query", "/update": "update"}


class Refusal(Exception):
    """A request answered by kg serve itself: HTTP `status` with a one-line `reason`."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class HostRule:
    """The names this server answers to."""

    bind: str
    port: int
    extra: tuple[str, ...] = ()

    def allows(self, host_header: str | None) -> bool:
        if host_header is None:
            return True  # HTTP/1.0 clients; browsers always send Host
        host, port = _split_host(host_header.strip().lower())
        if port is not None and port != self.port:
            return False
        if host in self.extra or host == "localhost":
            return True
        bind = self.bind.strip("[]").lower()
        if host == bind:
            return True
        literal = _ip(host)
        if literal is None:
            return False  # a DNS name nobody allowed: the rebinding case
        if bind in ("0.0.0.0", "::"):
            return True  # bound everywhere: any of this machine's addresses, written as an address
        bound = ipaddress.ip_address("127.0.0.1") if bind == "localhost" else _ip(bind)
        return bound is not None and bound.is_loopback and literal.is_loopback

    def allows_origin(self, origin: str | None) -> bool:
        if origin is None:
            return True
        if origin == "null":  # sandboxed frames, file:// pages
            return False
        parts = urlsplit(origin)
        if not parts.hostname:
            return False
        port = parts.port or (443 if parts.scheme == "https" else 80)
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        return self.allows(f"{host}:{port}")


def _split_host(value: str) -> tuple[str, int | None]:
    if value.startswith("["):
        end = value.find("]")
        host, rest = value[1:end], value[end + 1 :]
        port = rest[1:] if rest.startswith(":") else None
    elif value.count(":") == 1:
        host, port = value.split(":")
    else:
        host, port = value, None
    try:
        return host, int(port) if port else None
    except ValueError:
        return host, -1  # never equal to ours


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def sparql_texts(path: str, query_string: str, content_type: str, body: bytes) -> Iterable[str]:
    """Every SPARQL text a request to /query or /update carries (the URL's `query`/`update`
    parameters, a form's fields, or the whole body)."""
    field = SPARQL_PATHS[path]
    yield from parse_qs(query_string, keep_blank_values=True).get(field, [])
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        if len(body) > MAX_FORM_BYTES:
            raise Refusal(413, f"the form is {len(body):,} bytes; the limit is {MAX_FORM_BYTES:,}")
        try:
            form = parse_qs(body.decode("ascii"), keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise Refusal(400, "the form is not URL-encoded text") from None
        yield from form.get(field, [])
    elif kind in ("application/sparql-query", "application/sparql-update"):
        try:
            yield body.decode("utf-8")
        except UnicodeDecodeError as err:
            raise Refusal(400, f"the {field} is not UTF-8 text (byte {err.start:,})") from None


def check_request(
    rule: HostRule,
    *,
    path: str,
    query_string: str,
    headers: dict[str, str],
    body: bytes,
    cors: bool,
    allow_service: bool,
) -> None:
    """Raise Refusal when the request must not reach Oxigraph."""
    host = headers.get("host")
    if not rule.allows(host):
        raise Refusal(
            403,
            f"Host {host!r} is not this server's address (DNS rebinding protection); "
            "start kg serve with --allow-host NAME to accept that name",
        )
    if not cors and not rule.allows_origin(headers.get("origin")):
        raise Refusal(403, f"requests from pages at {headers.get('origin')!r} are refused (kg serve --cors allows them)")
    if path not in SPARQL_PATHS:
        return
    for text in sparql_texts(path, query_string, headers.get("content-type", ""), body):
        try:
            check_sparql(text, allow_service=allow_service, what=SPARQL_PATHS[path])
        except QueryError as err:
            raise Refusal(400, str(err)) from None
