"""One Graph Store request with retries: what is worth retrying and what is a refusal.

Retrying is safe here because every request is idempotent: PUT by definition, and POST of the
same triples again changes nothing in an RDF graph (a set) — quotegraph mints no blank nodes,
which are the one thing a repeated POST would duplicate.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from kg.push.target import PushError

NTRIPLES = "application/n-triples"
# Worth another try: overload and server-side failures.  501/505 are permanent refusals.
RETRY_STATUSES = frozenset({408, 429} | set(range(500, 600)) - {501, 505})


@dataclass
class Retry:
    attempts: int = 5  # in all, so 4 retries
    first_delay: float = 0.5  # seconds; doubled each time
    max_delay: float = 8.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int) -> float:
        return min(self.first_delay * 2**attempt, self.max_delay)


def send(
    client: httpx.Client, method: str, url: httpx.URL, body: bytes, retry: Retry, what: str
) -> httpx.Response:
    """`method` `body` (N-Triples) to `url`; PushError on a 4xx or when the retries run out.
    `what` names the graph in messages (the graph URL itself is long and percent-encoded)."""
    where = str(url.copy_with(query=None))
    last = ""
    for attempt in range(retry.attempts):
        if attempt:
            retry.sleep(retry.delay(attempt - 1))
        try:
            response = client.request(method, url, content=body, headers={"Content-Type": NTRIPLES})
        except httpx.TransportError as err:  # refused, reset, timed out: the server may come back
            last = _transport_message(err)
            continue
        if response.status_code < 300:
            return response
        if response.status_code in RETRY_STATUSES:
            last = _status_message(response)
            continue
        hint = " (is --gsp-url the server's Graph Store endpoint?)" if response.status_code in (404, 405) else ""
        raise PushError(f"server refused {method} of {what} at {where}: {_status_message(response)}{hint}")
    raise PushError(f"{method} of {what} to {where} failed after {retry.attempts} attempts: {last}")


def _status_message(response: httpx.Response) -> str:
    first = next((line.strip() for line in response.text.splitlines() if line.strip()), "")
    first = first if len(first) <= 200 else first[:199] + "…"
    status = f"{response.status_code} {response.reason_phrase}".strip()
    return f"{status}: {first}" if first else status


def _transport_message(err: httpx.TransportError) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    if isinstance(err, httpx.ConnectError):
        return f"cannot connect ({text})"
    if isinstance(err, httpx.TimeoutException):
        return f"timed out ({type(err).__name__})"
    return text
