"""A SPARQL 1.1 protocol endpoint (Oxigraph server, Virtuoso, Fuseki, …) read and written like the
local store: `query()` returns pyoxigraph solutions (the same rows `QuoteStore.query` gives, so the
summary and identity code runs on either), `update()` sends SPARQL 1.1 Update.

Oxigraph serves queries at `/query` and updates at `/update`; most other servers take both at one
URL (Virtuoso `/sparql`).  `Endpoint.from_url` accepts a server's base URL (Oxigraph), its query
URL, or an explicit update URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pyoxigraph as ox

from kg.errors import EXIT_REMOTE, KgError
from kg.graph.vocab import PREFIXES

TIMEOUT = 600.0
JSON_RESULTS = "application/sparql-results+json"


class EndpointError(KgError):
    """A server that could not be reached or refused a request."""

    exit_code = EXIT_REMOTE


def prologue() -> str:
    """The contract's PREFIX declarations (`QuoteStore.query` predeclares the same)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@dataclass(frozen=True)
class Endpoint:
    query_url: str
    update_url: str
    auth: tuple[str, str] | None = None  # HTTP digest credentials (Virtuoso's -auth endpoints)

    @classmethod
    def from_url(cls, url: str, update_url: str | None = None, auth: tuple[str, str] | None = None) -> Endpoint:
        try:
            parsed = httpx.URL(url.strip())
        except (httpx.InvalidURL, TypeError) as err:
            raise EndpointError(f"--endpoint {url!r} is not a URL: {err}") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise EndpointError(f"--endpoint must be an http:// or https:// URL with a host, not {url!r}")
        path = parsed.path.rstrip("/")
        if path in ("", "/query", "/update", "/store"):  # an Oxigraph server
            query = str(parsed.copy_with(path="/query"))
            update = str(parsed.copy_with(path="/update"))
        else:
            query = update = str(parsed)
        return cls(query, update_url or update, auth)

    def _auth(self) -> httpx.Auth | None:
        return httpx.DigestAuth(*self.auth) if self.auth else None

    def _post(self, url: str, data: Mapping[str, str], headers: Mapping[str, str]) -> httpx.Response:
        try:
            response = httpx.post(url, data=data, headers=headers, timeout=TIMEOUT, auth=self._auth())
        except httpx.HTTPError as err:
            raise EndpointError(f"{url}: {err}") from None
        if response.status_code >= 400:
            body = " ".join(response.text.split())[:300]
            raise EndpointError(f"{url} answered {response.status_code}: {body}")
        return response

    def query(self, sparql: str, *, bindings: Mapping[str, Any] | None = None) -> ox.QuerySolutions:
        """Runs a SELECT with the contract's prefixes declared; results as pyoxigraph solutions."""
        if bindings:
            raise EndpointError("bindings are not sent to a remote endpoint: write them into the query's VALUES lines")
        response = self._post(self.query_url, {"query": prologue() + sparql}, {"Accept": JSON_RESULTS})
        return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)  # type: ignore[return-value]

    def update(self, sparql: str) -> None:
        self._post(self.update_url, {"update": prologue() + sparql}, {})
