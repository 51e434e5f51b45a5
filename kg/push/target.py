"""Where `kg push` sends graphs: a Graph Store HTTP Protocol (GSP) URL and the per-graph URLs.

GSP addresses a graph indirectly: `GSP_URL?graph=<IRI>` (or `GSP_URL?default`).  Servers put
the GSP service at different paths — Oxigraph `/store`, Fuseki `/DATASET/data`, GraphDB
`/repositories/REPO/rdf-graphs/service` — so the base URL of an Oxigraph server is enough, and
any other server is given with --gsp-url.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from kg.errors import KgError


class PushError(KgError):
    """A push that cannot be done or was refused by the server."""

    exit_code = 6


# Oxigraph's own service paths: a user may paste any of them as the endpoint.
_OXIGRAPH_SERVICES = ("/query", "/update", "/store")


@dataclass(frozen=True)
class PushTarget:
    gsp_url: str

    @classmethod
    def from_endpoint(cls, endpoint: str, gsp_url: str | None = None) -> PushTarget:
        """`--endpoint http://host:7878` (or …/query, …/update, …/store) → `http://host:7878/store`;
        an explicit `--gsp-url` wins."""
        url = _parse(gsp_url if gsp_url is not None else endpoint, "--gsp-url" if gsp_url else "--endpoint")
        if gsp_url is not None:
            return cls(str(url))
        path = url.path.rstrip("/")
        for service in _OXIGRAPH_SERVICES:
            if path.endswith(service):
                path = path[: -len(service)]
                break
        return cls(str(url.copy_with(path=path + "/store", query=None, fragment=None)))

    def graph_url(self, graph: str | None) -> httpx.URL:
        """The GSP URL of one named graph, or of the default graph when `graph` is None."""
        url = httpx.URL(self.gsp_url)
        if graph is None:
            # `?default` has no value; httpx would write `default=`, which some servers reject.
            query = url.query.decode("ascii")
            return url.copy_with(query=(query + "&" if query else "").encode("ascii") + b"default")
        return url.copy_merge_params({"graph": graph})


def _parse(text: str, option: str) -> httpx.URL:
    try:
        url = httpx.URL(text.strip())
    except (httpx.InvalidURL, TypeError) as err:
        raise PushError(f"{option} {text!r} is not a URL: {err}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise PushError(f"{option} must be an http:// or https:// URL with a host, not {text!r}")
    return url
