"""Where `kg push` sends graphs: a Graph Store HTTP Protocol (GSP) URL and the per-graph URLs.

GSP addresses a graph indirectly: `GSP_URL?graph=<IRI>` (or `GSP_URL?default`).  Servers put
the GSP service at different paths — Oxigraph `/store`, Fuseki `/DATASET/data`, GraphDB
`/repositories/REPO/rdf-graphs/service` — so the base URL of an Oxigraph server is enough, and
any other server is given with --gsp-url.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from kg.errors import EXIT_REMOTE, KgError


class PushError(KgError):
    """A push that cannot be done or was refused by the server."""

    exit_code = EXIT_REMOTE


# Oxigraph's own service paths: a user may paste any of them as the endpoint.
_OXIGRAPH_SERVICES = ("/query", "/update", "/store")


# Query endpoints, not Graph Store ones: Virtuoso's and Fuseki's `/sparql`, GraphDB's
# `/repositories/REPO`, Blazegraph's `/namespace/NS/sparql`.  Pasted as --endpoint they turn into
# `…/sparql/store`, which no server has: the error then says what to give instead.
_QUERY_ENDPOINT_ENDINGS = ("/sparql", "/sparql-auth", "/query")
_ADVICE = ("give the server's Graph Store endpoint with --gsp-url: Virtuoso …/sparql-graph-crud-auth, "
           "Fuseki …/DATASET/data, GraphDB …/repositories/REPO/rdf-graphs/service")


@dataclass(frozen=True)
class PushTarget:
    gsp_url: str  # never holds user information: it is printed
    # The URL as given, user information included (kg.push.credentials reads it); never printed.
    given: httpx.URL | None = field(default=None, repr=False, compare=False)
    looks_like_query_endpoint: bool = False

    @classmethod
    def from_endpoint(cls, endpoint: str, gsp_url: str | None = None) -> PushTarget:
        """`--endpoint http://host:7878` (or …/query, …/update, …/store) → `http://host:7878/store`;
        an explicit `--gsp-url` wins.  A `user:password@` in the URL is taken off (see `given`)."""
        option = "--gsp-url" if gsp_url else "--endpoint"
        given = _parse(gsp_url if gsp_url is not None else endpoint, option)
        url = given.copy_with(userinfo=b"")
        if gsp_url is not None:
            return cls(str(url), given, url.path.rstrip("/").endswith(_QUERY_ENDPOINT_ENDINGS))
        path = url.path.rstrip("/")
        if path.endswith(_QUERY_ENDPOINT_ENDINGS[:2]):  # not Oxigraph's: BASE/store would not exist
            raise PushError(f"--endpoint {url} is a SPARQL query endpoint, not a Graph Store one: {_ADVICE}")
        for service in _OXIGRAPH_SERVICES:
            if path.endswith(service):
                path = path[: -len(service)]
                break
        return cls(str(url.copy_with(path=path + "/store", query=None, fragment=None)), given)

    def hint(self) -> str:
        """What to add to a refusal when the URL was a query endpoint, not a Graph Store one."""
        if not self.looks_like_query_endpoint:
            return ""
        return f" (the URL given is a SPARQL query endpoint; {_ADVICE})"

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
    except (httpx.InvalidURL, TypeError):
        raise PushError(f"{option} {_redacted(text)!r} is not a URL") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise PushError(f"{option} must be an http:// or https:// URL with a host, not {_redacted(text)!r}")
    return url


def _redacted(text: str) -> str:
    """`text` with anything between `//` and `@` (user information) replaced: error messages
    about a malformed URL must not print a password written in it."""
    head, sep, rest = text.partition("//")
    if sep and "@" in rest.split("/", 1)[0]:
        return f"{head}//***@{rest.split('@', 1)[1]}"
    return text
