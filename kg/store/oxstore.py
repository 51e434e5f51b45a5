"""QuoteStore: the on-disk RDF dataset (one named graph per article) over an embedded pyoxigraph store.

Why pyoxigraph: it is an ACID RocksDB store with a fast SPARQL engine and streaming serialisers,
so exports and queries never need the whole graph in rdflib.  The store is a directory; RocksDB
locks it, so one process writes at a time while read-only instances may read a quiescent store.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import QueryError, StoreError
from kg.graph.vocab import PREFIXES, bind_prefixes
from kg.store.terms import to_ox, to_rdflib

DEFAULT_STORE_PATH = Path("kg.db")

DumpFormat = Literal["nquads", "trig", "turtle", "ntriples"]
QueryResult = ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple]

_DUMP_FORMATS: dict[str, ox.RdfFormat] = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}

# Paths this process holds open read-write.  The lock probe below uses POSIX record locks, and
# closing any descriptor of a file drops *all* of this process's locks on it, so the probe must
# never run on a store this process is itself writing.
_OPEN_FOR_WRITING: dict[Path, int] = {}
_REGISTRY_LOCK = threading.Lock()

_ARTICLE_HASHES = """
SELECT ?article ?hash WHERE {
  GRAPH ?g { ?article a schema:NewsArticle ; qg:contentHash ?hash }
}"""


class QuoteStore:
    """An open store.  Use `QuoteStore.open(path)` (a context manager) rather than the constructor."""

    def __init__(self, store: ox.Store, path: Path, read_only: bool) -> None:
        self._store: ox.Store | None = store
        self.path = path
        self.read_only = read_only

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def open(cls, path: str | os.PathLike[str] = DEFAULT_STORE_PATH, read_only: bool = False) -> QuoteStore:
        """Open (read-write: create if missing) the store directory at `path`; errors → StoreError."""
        path = Path(path)
        _check_path(path, read_only)
        key = path.resolve()
        try:
            if read_only:
                # A read-only RocksDB instance takes no lock, and reading while another process
                # writes is undefined in Oxigraph: refuse instead of returning torn results.
                if key not in _OPEN_FOR_WRITING and _is_locked(path):
                    raise StoreError(f"store {path} is in use by another process")
                store = ox.Store.read_only(str(path))
            else:
                store = ox.Store(str(path))
        except OSError as err:
            raise _store_error(path, err, "open") from None
        if not read_only:
            with _REGISTRY_LOCK:
                _OPEN_FOR_WRITING[key] = _OPEN_FOR_WRITING.get(key, 0) + 1
        return cls(store, path, read_only)

    def close(self) -> None:
        """Flush writes and release the RocksDB lock (dropping the last reference closes the DB)."""
        if self._store is None:
            return
        store, self._store = self._store, None
        if not self.read_only:
            try:
                store.flush()
            except OSError as err:
                raise _store_error(self.path, err, "write") from None
            finally:
                key = self.path.resolve()
                with _REGISTRY_LOCK:
                    left = _OPEN_FOR_WRITING.get(key, 1) - 1
                    if left > 0:
                        _OPEN_FOR_WRITING[key] = left
                    else:
                        _OPEN_FOR_WRITING.pop(key, None)
        del store

    def __enter__(self) -> QuoteStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def ox(self) -> ox.Store:
        """The underlying pyoxigraph store, for callers that need an API not wrapped here."""
        if self._store is None:
            raise StoreError(f"store {self.path} is closed")
        return self._store

    # ------------------------------------------------------------------ writing

    def replace_article(self, graph_iri: str, graph: Graph) -> None:
        """Atomically replace the named graph `graph_iri` with the triples of `graph`.

        One SPARQL update request runs in one Oxigraph transaction, so the DROP and the INSERT
        commit together: a crash leaves the previous version, and rebuilding an article never
        leaves duplicates or a half-written graph.
        """
        store = self._writable()
        g = ox.NamedNode(graph_iri)
        # pyoxigraph's str() of a term is its N-Triples form, which is also valid SPARQL syntax
        # (escapes included), so no user text is ever spliced in unescaped.
        body = "\n".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ." for s, p, o in graph)
        update = f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}"
        try:
            store.update(update)
        except OSError as err:
            raise _store_error(self.path, err, "write") from None

    def remove_article(self, graph_iri: str) -> None:
        """Drop the named graph of one article (no-op if absent)."""
        try:
            self._writable().remove_graph(ox.NamedNode(graph_iri))
        except OSError as err:
            raise _store_error(self.path, err, "write") from None

    def flush(self) -> None:
        try:
            self._writable().flush()
        except OSError as err:
            raise _store_error(self.path, err, "write") from None

    def optimize(self) -> None:
        """Compact the RocksDB files; worth calling once after a large build."""
        try:
            self._writable().optimize()
        except OSError as err:
            raise _store_error(self.path, err, "write") from None

    # ------------------------------------------------------------------ reading

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Any] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run a SPARQL query over the union of all graphs (the contract prefixes are predeclared).

        `bindings` maps variable names (without `?`) to values (str/int/rdflib/pyoxigraph terms);
        they are substituted by the engine, never spliced into the text, and each must appear in
        the SELECT projection (a pyoxigraph rule).  Without `timeout` the result streams lazily;
        with one, it is evaluated completely in a worker thread and QueryError is raised when it
        runs out of time (the abandoned evaluation keeps a CPU busy until it ends or the process
        exits: pyoxigraph cannot cancel a query).
        """
        store = self.ox
        substitutions = {ox.Variable(k.lstrip("?$")): to_ox(v) for k, v in (bindings or {}).items()}

        def run() -> QueryResult:
            try:
                return store.query(
                    sparql,
                    prefixes=PREFIXES,
                    use_default_graph_as_union=True,
                    substitutions=substitutions or None,
                )
            except SyntaxError as err:
                raise QueryError(_syntax_message(sparql, err)) from None
            except (RuntimeError, ValueError) as err:
                raise QueryError(f"invalid query: {_one_line(str(err))}") from None
            except OSError as err:
                raise QueryError(f"query failed: {_one_line(str(err))}") from None

        if timeout is None:
            return run()
        return _rebuild(*_with_timeout(lambda: _materialise(run()), timeout))

    def article_hashes(self) -> dict[str, str]:
        """Article IRI → qg:contentHash, for incremental rebuilds."""
        return {
            row["article"].value: row["hash"].value
            for row in self.query(_ARTICLE_HASHES)  # type: ignore[union-attr]
        }

    def graphs(self) -> list[str]:
        """IRIs of all named graphs, sorted."""
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def count_triples(self, *, distinct: bool = False) -> int:
        """Stored quads; with `distinct`, triples of the union (shared entity facts counted once)."""
        if not distinct:
            return len(self.ox)
        row = next(
            iter(self.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"))
        )
        return int(row["n"].value)  # type: ignore[index]

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad, streamed in store order."""
        return self.ox.quads_for_pattern(None, None, None, None)

    def union_triples(self) -> Iterator[ox.Triple]:
        """Distinct triples of all graphs (default and named), streamed in store order."""
        for row in self.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"):  # type: ignore[union-attr]
            yield ox.Triple(row["s"], row["p"], row["o"])

    def union_ntriples(self) -> bytes:
        """The union as canonical N-Triples, serialised inside pyoxigraph (fast; may repeat lines)."""
        result = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        return result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""  # type: ignore[union-attr]

    def union_graph(self) -> Graph:
        """All triples as one rdflib Graph with the contract prefixes (for pyshacl and small data)."""
        graph = bind_prefixes(Graph())
        for t in self.union_triples():
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return graph

    def dump(self, fmt: DumpFormat, out: IO[bytes] | str | os.PathLike[str]) -> None:
        """Stream the store: N-Quads/TriG keep the named graphs; Turtle/N-Triples are of the union.

        Output is in store order; kg.export writes sorted, byte-reproducible files.
        """
        if fmt not in _DUMP_FORMATS:
            raise ValueError(f"unknown dump format {fmt!r}; expected one of {sorted(_DUMP_FORMATS)}")
        rdf_format = _DUMP_FORMATS[fmt]
        try:
            if rdf_format.supports_datasets:
                self.ox.dump(out, rdf_format, prefixes=PREFIXES)
            else:
                ox.serialize(self.union_triples(), out, rdf_format, prefixes=PREFIXES)
        except OSError as err:
            raise _store_error(
                Path(str(out)) if isinstance(out, str | os.PathLike) else self.path, err, "write"
            ) from None

    # ------------------------------------------------------------------ helpers

    def _writable(self) -> ox.Store:
        if self.read_only:
            raise StoreError(f"store {self.path} was opened read-only")
        return self.ox


# ---------------------------------------------------------------------- path checks and errors


def _check_path(path: Path, read_only: bool) -> None:
    """Turn the usual mistakes into one clear line before RocksDB reports them obscurely."""
    if path.exists() and not path.is_dir():
        raise StoreError(f"store path {path} is a regular file, not a store directory")
    if path.is_dir():
        entries = set(os.listdir(path))
        if entries and "CURRENT" not in entries:
            # Never let RocksDB scatter its files through an unrelated directory.
            raise StoreError(f"{path} exists but is not a quotegraph store (no RocksDB files in it)")
        if not entries and read_only:
            raise StoreError(f"no store at {path} (run `kg build` first)")
        if not read_only and not os.access(path, os.W_OK | os.X_OK):
            raise StoreError(f"store {path} is not writable (permission denied)")
        return
    if read_only:
        raise StoreError(f"no store at {path} (run `kg build` first)")
    parent = path.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot create store {path}: {err.strerror or err}") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(f"cannot create store {path}: directory {parent} is not writable")


def _is_locked(path: Path) -> bool:
    """Whether another process holds RocksDB's write lock (a POSIX record lock on PATH/LOCK)."""
    try:
        fd = os.open(path / "LOCK", os.O_RDWR)
    except OSError:
        return False  # no LOCK file (or unreadable): nothing to conflict with
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        return err.errno in (errno.EACCES, errno.EAGAIN)
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _store_error(path: Path, err: OSError, action: str) -> StoreError:
    msg = str(err)
    low = msg.lower()
    if "lock" in low and ("temporarily unavailable" in low or "resource busy" in low or "lock file" in low):
        return StoreError(f"store {path} is in use by another process")
    if err.errno == errno.ENOSPC or "no space left" in low:
        return StoreError(f"disk full while writing store {path}")
    if err.errno in (errno.EACCES, errno.EPERM) or "permission denied" in low:
        return StoreError(f"cannot {action} store {path}: permission denied")
    if "not a directory" in low:
        return StoreError(f"store path {path} is a regular file, not a store directory")
    return StoreError(f"cannot {action} store {path}: {_one_line(msg)}")


def _one_line(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_POSITION = re.compile(r"error at (\d+):(\d+):\s*")
_CHAR_CLASS = re.compile(r"\[(?=')(?:'[^']*'|[^\]'])*\]")  # ['0'..='9'] and friends: noise to a user
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:[^\s:]*$")


def _syntax_message(sparql: str, err: SyntaxError) -> str:
    """`invalid SPARQL at line L, column C: <parser message> (near "…")`, on one line."""
    msg = str(err)
    m = _POSITION.match(msg)
    if not m:
        return f"invalid SPARQL: {_one_line(msg)}"
    line, col = int(m.group(1)), int(m.group(2))
    lines = sparql.splitlines() or [""]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    detail = msg[m.end() :]
    if "Prefix not found" in detail:
        p = _PREFIXED.search(text[: max(col - 1, 0)])
        name = p.group(1) or "" if p else ""
        return f"invalid SPARQL at line {line}, column {col}: undeclared prefix `{name}:` (add PREFIX {name}: <…>)"
    detail = _CHAR_CLASS.sub("", detail)
    detail = re.sub(r"(,\s*)+(?=,|$)", "", re.sub(r",(\s*,)+", ",", detail)).rstrip(" ,")
    near = text[max(col - 1, 0) :][:30]
    where = f'(near "{_one_line(near, 30)}")' if near.strip() else "(at end of line)"
    return f"invalid SPARQL at line {line}, column {col}: {_one_line(detail, 160)} {where}"


# ---------------------------------------------------------------------- timeouts


def _materialise(result: QueryResult) -> tuple[str, Any]:
    """Evaluate a lazy result completely into thread-portable data.

    pyoxigraph's QuerySolutions/QueryBoolean are bound to the thread that made them, so the
    worker hands back bytes (SPARQL JSON results) or plain Triples, rebuilt by `_rebuild`.
    """
    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        return "results", result.serialize(format=ox.QueryResultsFormat.JSON)
    return "triples", list(result)


def _rebuild(kind: str, data: Any) -> QueryResult:
    if kind == "results":
        # A fresh QuerySolutions/QueryBoolean with .variables and .serialize(), like an untimed one.
        return ox.parse_query_results(data, ox.QueryResultsFormat.JSON)  # type: ignore[return-value]
    return data


def _with_timeout(fn: Any, timeout: float) -> Any:
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
            raise QueryError(f"query failed: {_one_line(str(err))}") from None
        raise err
    return box["value"]
