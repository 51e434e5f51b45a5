"""`kg push`: every article graph of the store into a SPARQL server, by the Graph Store protocol.

One named graph at a time, in batches of N-Triples: the first batch of a graph is PUT when
replacing (the graph becomes exactly what is sent), every other batch is POSTed (added).  Only
the store's terms are serialised (pyoxigraph writes the N-Triples), never user text by hand.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import httpx
import pyoxigraph as ox

from kg.export.order import sorted_union_triples
from kg.push.credentials import Credentials, ServerAuth
from kg.push.http import Retry, send
from kg.push.target import PushError, PushTarget
from kg.store import QuoteStore
from kg.store.oxstore import SUMMARY_GRAPH_IRI

REQUEST_TIMEOUT = httpx.Timeout(120.0, connect=10.0)  # a big batch may take the server a while
_SUMMARY = ox.NamedNode(SUMMARY_GRAPH_IRI)


@dataclass
class PushReport:
    target: str
    graphs: int = 0
    triples: int = 0
    requests: int = 0
    seconds: float = 0.0
    per_graph: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        g = "graph" if self.graphs == 1 else "graphs"
        r = "request" if self.requests == 1 else "requests"
        return (
            f"pushed {self.graphs} {g}, {self.triples:,} triples to {self.target} "
            f"in {self.seconds:.1f} s ({self.requests} {r})"
        )


def push(
    store: QuoteStore,
    target: PushTarget,
    *,
    graph: str | None = None,
    replace: bool = False,
    batch_size: int = 50_000,
    retry: Retry | None = None,
    client: httpx.Client | None = None,
    credentials: Credentials | None = None,
    warn: Callable[[str], None] | None = None,
) -> PushReport:
    """Push `store` to `target`: each named graph to the same graph IRI on the server, or with
    `graph` the union of everything into that one graph — except the summary graph, which keeps
    its own graph there, so the saved queries that read it work on the server too.

    `credentials` are sent as the server asks (Digest or Basic, kg.push.credentials); the
    password appears in no message, and the URLs printed carry no user information."""
    if batch_size < 1:
        raise PushError("--batch-size must be at least 1")
    if graph is not None:
        try:
            ox.NamedNode(graph)
        except ValueError as err:
            raise PushError(f"--graph {graph!r} is not an absolute IRI: {err}") from None
    retry = retry or Retry()
    report = PushReport(target=target.gsp_url)
    started = time.monotonic()
    own_client = client is None
    auth = ServerAuth(credentials, warn) if credentials is not None else None
    client = client or httpx.Client(timeout=REQUEST_TIMEOUT, follow_redirects=False)
    if auth is not None:
        client.auth = auth
    try:
        for name, triples in _sources(store, graph):
            report.per_graph[name or "(default graph)"] = _push_graph(
                client, target, name, triples, replace, batch_size, retry, report, target.hint(), _auth_note(credentials)
            )
            report.graphs += 1
    finally:
        if own_client:
            client.close()
    report.seconds = time.monotonic() - started
    return report


def _sources(store: QuoteStore, graph: str | None) -> Iterator[tuple[str | None, Iterable[ox.Triple]]]:
    """(target graph IRI or None for the default graph, its triples), graphs in sorted order."""
    if graph is not None:
        if graph == SUMMARY_GRAPH_IRI:
            raise PushError(f"--graph {graph} is the summary graph's own IRI: choose another one")
        # The exports' union (kg.export.order): every triple once — an entity described by many
        # articles is sent once — but the summary's, deduplicated on disk in bounded memory.
        yield graph, sorted_union_triples(store)
        if store.ox.contains_named_graph(_SUMMARY):
            yield SUMMARY_GRAPH_IRI, (q.triple for q in store.ox.quads_for_pattern(None, None, None, _SUMMARY))
        return
    default = store.ox.quads_for_pattern(None, None, None, ox.DefaultGraph())
    first = next(default, None)
    if first is not None:  # kg writes named graphs only; keep anything added by other means
        yield None, (q.triple for q in itertools.chain([first], default))
    for iri in store.graphs():
        yield iri, (q.triple for q in store.ox.quads_for_pattern(None, None, None, ox.NamedNode(iri)))


def _push_graph(
    client: httpx.Client,
    target: PushTarget,
    name: str | None,
    triples: Iterable[ox.Triple],
    replace: bool,
    batch_size: int,
    retry: Retry,
    report: PushReport,
    hint: str = "",
    auth_note: str = "",
) -> int:
    url = target.graph_url(name)
    what = f"graph <{name}>" if name else "the default graph"
    sent = 0
    batches = _batches(triples, batch_size)
    first = next(batches, [])  # an empty graph still gets its PUT when replacing: it must be emptied
    for i, batch in enumerate(itertools.chain([first], batches)):
        if not batch and not (replace and i == 0):
            continue
        method = "PUT" if replace and i == 0 else "POST"
        body = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""
        try:
            send(client, method, url, body, retry, what, hint, auth_note)
        except PushError as err:
            done = f" ({sent:,} of its triples were sent before)" if sent else ""
            raise PushError(f"{err}{done}") from None
        sent += len(batch)
        report.requests += 1
        report.triples += len(batch)
    return sent


def _auth_note(credentials: Credentials | None) -> str:
    """Added to a 401/403: whose credentials were sent (never the password), or that none were."""
    if credentials is not None:
        return f" (sent as user {credentials.user!r}, the password from {credentials.source})"
    return " (no credentials were sent: --user NAME, with --password-env VAR, ~/.netrc or a prompt)"


def _batches(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    it = iter(triples)
    while batch := list(itertools.islice(it, size)):
        yield batch
