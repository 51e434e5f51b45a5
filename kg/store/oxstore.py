"""QuoteStore: the on-disk RDF dataset (one named graph per article) over an embedded pyoxigraph store.

Why pyoxigraph: it is an ACID RocksDB store with a fast SPARQL engine and streaming serialisers,
so exports and queries never need the whole graph in rdflib.  The store is a directory; RocksDB
locks it, so one process writes at a time while read-only instances may read a quiescent store.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import QueryError, StoreError
from kg.graph.iris import CLUSTERS_GRAPH, IDENTITY_GRAPH, SUMMARY_GRAPH
from kg.graph.vocab import PREFIXES, bind_prefixes
from kg.store.messages import one_line, store_error, syntax_message
from kg.store.paths import check_path, is_locked, served_by
from kg.store.sparql_limits import check_sparql
from kg.store.terms import to_ox, to_rdflib
from kg.store.timeout import QueryResult, materialise, rebuild, run_with_timeout

DEFAULT_STORE_PATH = Path("kg.db")

DumpFormat = Literal["nquads", "trig", "turtle", "ntriples"]
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

SUMMARY_GRAPH_IRI = str(SUMMARY_GRAPH)
# Writing these graphs leaves the summary's counts true: they hold no quotation.
_SUMMARY_KEEPS = frozenset({SUMMARY_GRAPH_IRI, str(IDENTITY_GRAPH), str(CLUSTERS_GRAPH)})
_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_STORE_SUMMARY = ox.NamedNode(PREFIXES["qg"] + "StoreSummary")
_SUMMARY_FORMAT = ox.NamedNode(PREFIXES["qg"] + "summaryFormat")

# RocksDB keeps what is written in memory buffers until they fill: a writer's RSS climbs by
# hundreds of MB per few hundred thousand quads and only levels off at ~1.5–2.2 GB.  Flushing them
# to disk every this many quads written (about 500 articles, or six batches of a summary refresh)
# keeps a writing process at a few hundred MB (benchmarks/README.md).
FLUSH_EVERY_QUADS = 300_000

_ARTICLE_HASHES = """
SELECT ?article ?hash ?id WHERE {
  GRAPH ?g { ?article a schema:NewsArticle ; qg:contentHash ?hash OPTIONAL { ?article schema:identifier ?id } }
}"""


class QuoteStore:
    """An open store.  Use `QuoteStore.open(path)` (a context manager) rather than the constructor."""

    def __init__(self, store: ox.Store, path: Path, read_only: bool) -> None:
        self._store: ox.Store | None = store
        self.path = path
        self.read_only = read_only
        self._summary_marked_stale = False  # its marker removed by this handle and not yet put back
        self._unflushed = 0  # quads written since RocksDB's buffers were last flushed

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def open(cls, path: str | os.PathLike[str] = DEFAULT_STORE_PATH, read_only: bool = False) -> QuoteStore:
        """Open (read-write: create if missing) the store directory at `path`; errors → StoreError."""
        path = Path(path)
        check_path(path, read_only)
        key = path.resolve()
        try:
            if read_only:
                # A read-only RocksDB instance takes no lock, and reading while another process
                # writes is undefined in Oxigraph: refuse instead of returning torn results.
                if key not in _OPEN_FOR_WRITING and is_locked(path):
                    raise StoreError(f"store {path} is in use by another process")
                store = ox.Store.read_only(str(path))
            else:
                server = served_by(path) if path.is_dir() else None
                if server is not None:
                    raise StoreError(
                        f"store {path} is being served by `kg serve` ({server}): stop it before writing to the store"
                    )
                store = ox.Store(str(path))
        except (OSError, RuntimeError) as err:
            raise store_error(path, err, "open") from None
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
                raise store_error(self.path, err, "write") from None
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
        # pyoxigraph's str() of a term is its N-Triples form, which is also valid SPARQL syntax
        # (escapes included), so no user text is ever spliced in unescaped.
        text: dict[Any, str] = {}  # predicates and entities repeat: convert each term once

        def nt(term: Any) -> str:
            if (found := text.get(term)) is None:
                found = text[term] = str(to_ox(term))
            return found

        self.replace_article_ntriples(graph_iri, "\n".join(f"{nt(s)} {nt(p)} {nt(o)} ." for s, p, o in graph))

    def replace_article_ntriples(self, graph_iri: str, ntriples: str) -> None:
        """`replace_article` for triples already written as N-Triples lines (e.g. by a worker
        process: text pickles faster than an rdflib Graph).  The text must be N-Triples made by
        pyoxigraph (`str(term)`), never hand-assembled from user strings."""
        store = self._writable()
        g = ox.NamedNode(graph_iri)
        if graph_iri not in _SUMMARY_KEEPS:
            self.invalidate_summary()
        try:
            if not store.contains_named_graph(g):
                # A new article (most of a first build): loading N-Triples is one transaction
                # too, and parsing them is a third cheaper than parsing a SPARQL update.
                store.load(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=g)
            else:
                store.update(f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{ntriples}\n}} }}")
        except SyntaxError as err:  # malformed caller-made text; nothing was written
            raise StoreError(f"invalid N-Triples for {graph_iri}: {one_line(str(err))}") from None
        except OSError as err:
            raise store_error(self.path, err, "write") from None
        self.wrote(ntriples.count("\n") + 1)

    def remove_article(self, graph_iri: str) -> None:
        """Drop the named graph of one article (no-op if absent)."""
        if graph_iri not in _SUMMARY_KEEPS:
            self.invalidate_summary()
        try:
            self._writable().remove_graph(ox.NamedNode(graph_iri))
        except OSError as err:
            raise store_error(self.path, err, "write") from None

    def invalidate_summary(self, *, force: bool = False) -> None:
        """Mark the summary graph (kg.summary.refresh) out of date before articles change, once per
        handle: its qg:StoreSummary marker is removed, in a transaction committed before the
        article writes, so a build that dies half-way leaves counts that say they are not current
        (queries that read them then say so).  The counts stay, for the next refresh to update."""
        if self._summary_marked_stale and not force:
            return
        summary = ox.NamedNode(SUMMARY_GRAPH_IRI)
        try:
            store = self._writable()
            store.remove(ox.Quad(summary, _RDF_TYPE, _STORE_SUMMARY, summary))
            # The layout number goes with the marker (both are written back last by the refresh),
            # so that the refresh's diff of the counts never sees it.
            for quad in list(store.quads_for_pattern(summary, _SUMMARY_FORMAT, None, summary)):
                store.remove(quad)
        except OSError as err:
            raise store_error(self.path, err, "write") from None
        self._summary_marked_stale = True

    def write_derived(self, added: list[bytes], removed: list[bytes], graph: str = SUMMARY_GRAPH_IRI) -> None:
        """Remove, then add, triples of a derived graph (the summary, or the identity graph), given
        as N-Triples lines made by pyoxigraph (never from user text): a transaction each.  Additions
        are loaded as N-Triples, which parses three times faster than the same lines in a SPARQL update."""
        g = ox.NamedNode(graph)
        try:
            if removed:
                triples = b"\n".join(removed).decode("utf-8")
                self._writable().update(f"DELETE DATA {{ GRAPH {g} {{\n{triples}\n}} }}")
            if added:
                self._writable().load(b"\n".join(added) + b"\n", format=ox.RdfFormat.N_TRIPLES, to_graph=g)
        except OSError as err:
            raise store_error(self.path, err, "write") from None
        if graph == SUMMARY_GRAPH_IRI:
            self._summary_marked_stale = False
        self.wrote(len(added) + len(removed))

    def wrote(self, quads: int) -> None:
        """Count quads just written (the write methods above call it; so do callers writing through
        `.ox`, e.g. Dask shard loads) and flush RocksDB's buffers every FLUSH_EVERY_QUADS."""
        self._unflushed += quads
        if self._unflushed >= FLUSH_EVERY_QUADS:
            self.flush()

    def flush(self) -> None:
        try:
            self._writable().flush()
        except OSError as err:
            raise store_error(self.path, err, "write") from None
        self._unflushed = 0

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
        check_sparql(sparql)  # before the parser: a deep enough text would overflow its stack
        substitutions = {ox.Variable(k.lstrip("?$")): _bound(k, v) for k, v in (bindings or {}).items()}

        def run() -> QueryResult:
            try:
                return store.query(
                    sparql,
                    prefixes=PREFIXES,
                    use_default_graph_as_union=True,
                    substitutions=substitutions or None,
                )
            except SyntaxError as err:
                raise QueryError(syntax_message(sparql, err)) from None
            except (RuntimeError, ValueError) as err:
                raise QueryError(f"invalid query: {one_line(str(err))}") from None
            except OSError as err:
                raise QueryError(f"query failed: {one_line(str(err))}") from None

        if timeout is None:
            return run()
        return rebuild(*run_with_timeout(lambda: materialise(run()), timeout))

    def article_hashes(self) -> dict[str, str]:
        """Article IRI → qg:contentHash, for incremental rebuilds."""
        return {iri: digest for iri, (digest, _) in self.article_index().items()}

    def article_index(self) -> dict[str, tuple[str, str | None]]:
        """Article IRI → (qg:contentHash, schema:identifier): what a build is about to replace."""
        return {
            row["article"].value: (row["hash"].value, row["id"].value if row["id"] is not None else None)
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
            raise store_error(
                Path(str(out)) if isinstance(out, str | os.PathLike) else self.path, err, "write"
            ) from None

    # ------------------------------------------------------------------ helpers

    def _writable(self) -> ox.Store:
        if self.read_only:
            raise StoreError(f"store {self.path} was opened read-only")
        return self.ox


def _bound(name: str, value: Any) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A query binding as a term; a value no RDF term can hold is the caller's error, not a crash.

    The usual case is text with lone surrogates: command-line arguments that are not valid UTF-8
    reach Python that way (`kg quotes --speaker $'\\xff'`), and pyoxigraph refuses them."""
    try:
        return to_ox(value)
    except (TypeError, ValueError) as err:
        if isinstance(value, str) and any("\ud800" <= c <= "\udfff" for c in value):
            raise QueryError(f"{value!r} is not valid Unicode text (undecodable bytes in an argument?)") from None
        raise QueryError(f"cannot use {value!r} as ?{name.lstrip('?$')}: {one_line(str(err))}") from None
