"""One Graph Store request with retries: what is worth retrying and what is a refusal.

Retrying is safe here because every request is idempotent: PUT by definition, and POST of the
same triples again changes nothing in an RDF graph (a set) — quotegraph mints no blank nodes,
which are the one thing a repeated POST would duplicate.
"""

from __future__ import annotations

import html
import re
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
    client: httpx.Client,
    method: str,
    url: httpx.URL,
    body: bytes,
    retry: Retry,
    what: str,
    hint: str = "",
    auth_note: str = "",
) -> httpx.Response:
    """`method` `body` (N-Triples) to `url`; PushError on a 4xx or when the retries run out.
    `what` names the graph in messages (the graph URL itself is long and percent-encoded);
    `hint` is added to a refusal (what the URL may have wrong), `auth_note` to a 401 or 403 (whose
    credentials were sent, never the password)."""
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
        if not hint and response.status_code in (404, 405):
            hint = " (is --gsp-url the server's Graph Store endpoint?)"
        if response.status_code in (401, 403):
            hint = auth_note + hint
        raise PushError(f"server refused {method} of {what} at {where}: {_status_message(response)}{hint}")
    raise PushError(f"{method} of {what} to {where} failed after {retry.attempts} attempts: {last}")


def _status_message(response: httpx.Response) -> str:
    reason = useful_line(response)
    status = f"{response.status_code} {response.reason_phrase}".strip()
    return f"{status}: {reason}" if reason else status


# Lines of an error page that say nothing the status does not: "HTTP/1.1 403 Forbidden",
# "Error 42000", "403", "Forbidden".
_STATUS_ONLY = re.compile(r"(HTTP/\d(\.\d)?\s+)?\d{3}(\s+[A-Za-z -]+)?|error\s+\w+", re.IGNORECASE)
# Lines that carry the reason: an error code (Virtuoso's SQ110:, SR325:, 42000 Error …) or words
# servers use for it.
_REASON = re.compile(r"^[A-Z]{2}\d{3}:|\b(error|denied|not allowed|permission|forbidden|unauthori[sz]ed|"
                     r"invalid|cannot|failed|read-only|not found|unsupported)\b", re.IGNORECASE)
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<title>.*?</title>|<[^>]+>", re.IGNORECASE | re.DOTALL)


def useful_line(response: httpx.Response, limit: int = 300) -> str:
    """The line of an error answer that says why: the body's text (an HTML page's without its
    markup and title) minus lines repeating the status, preferring one with an error code or
    words like "denied"; "" for an empty body."""
    text = response.text
    if "html" in response.headers.get("content-type", "") or text.lstrip()[:1] == "<":
        text = html.unescape(_TAG.sub("\n", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    phrase = response.reason_phrase.lower()
    lines = [line for line in lines if line and not _STATUS_ONLY.fullmatch(line) and line.lower() != phrase]
    if not lines:
        return ""
    best = next((line for line in lines if _REASON.search(line)), lines[0])
    return best if len(best) <= limit else best[: limit - 1] + "…"


def _transport_message(err: httpx.TransportError) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    if isinstance(err, httpx.ConnectError):
        return f"cannot connect ({text})"
    if isinstance(err, httpx.TimeoutException):
        return f"timed out ({type(err).__name__})"
    return text
