"""Query timeouts.  pyoxigraph cannot cancel a query, so a timed query runs in a daemon thread
that the caller stops waiting for; the abandoned evaluation ends on its own or with the process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.store.messages import one_line

QueryResult = ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple]


def materialise(result: QueryResult) -> tuple[str, Any]:
    """Evaluate a lazy result completely into thread-portable data.

    pyoxigraph's QuerySolutions/QueryBoolean are bound to the thread that made them, so the
    worker hands back bytes (SPARQL JSON results) or plain Triples, rebuilt by `rebuild`.
    """
    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        return "results", result.serialize(format=ox.QueryResultsFormat.JSON)
    return "triples", list(result)


def rebuild(kind: str, data: Any) -> QueryResult:
    if kind == "results":
        # A fresh QuerySolutions/QueryBoolean with .variables and .serialize(), like an untimed one.
        return ox.parse_query_results(data, ox.QueryResultsFormat.JSON)  # type: ignore[return-value]
    return data


def run_with_timeout(fn: Callable[[], Any], timeout: float) -> Any:
    """fn() in a worker thread; QueryError if it has not finished after `timeout` seconds."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as err:  # re-raised in the caller's thread
            box["error"] = err

    # Daemon: an abandoned query must not keep the interpreter alive at exit.  pyoxigraph
    # releases the GIL while evaluating, so the caller wakes up on time.
    worker = threading.Thread(target=target, name="kg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryError(f"query timed out after {timeout:g} s")
    if "error" in box:
        err = box["error"]
        if isinstance(err, OSError):
            raise QueryError(f"query failed: {one_line(str(err))}") from None
        raise err
    return box["value"]
