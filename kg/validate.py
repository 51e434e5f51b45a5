"""SHACL validation of quotegraph graphs against ontology/shapes.ttl (pyshacl).

No inference: the graph stage asserts every type the shapes look at, and RDFS/OWL-RL inference
would only add entailed triples (slow on a store-sized union graph) without changing the verdict.
The ontology is still passed as pyshacl's `ont_graph`, so `sh:class` sees its rdfs:subClassOf axioms.
The shapes and the ontology are read from ontology/, installed with the package (kg.resources).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyshacl import validate
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node
from rdflib.util import guess_format

from kg.errors import InputError, StoreError
from kg.graph.vocab import PREFIXES
from kg.resources import ONTOLOGY_DIR

ONTOLOGY_FILE = ONTOLOGY_DIR / "quotegraph.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"

# Formats that carry named graphs: their quads are merged into one graph, like a store's union.
_QUAD_FORMATS = {"trig", "nquads", "trix"}


@dataclass(frozen=True)
class ValidationReport:
    """The verdict on one graph; `summary()` is what `kg validate` prints."""

    conforms: bool
    results_text: str  # pyshacl's full human-readable report
    violations: int  # number of sh:ValidationResult with severity sh:Violation
    triples: int = 0  # size of the validated graph
    results: tuple[str, ...] = ()  # one line per result: "<focus> <path>: <message>", sorted

    def summary(self, max_lines: int = 20) -> str:
        """A short report: a headline and at most `max_lines` result lines."""
        if self.conforms:
            return f"conforms: {self.triples} triples checked"
        lines = [f"does not conform: {self.violations} violation(s) in {self.triples} triples"]
        lines += [f"  {line}" for line in self.results[:max_lines]]
        if len(self.results) > max_lines:
            lines.append(f"  … and {len(self.results) - max_lines} more")
        return "\n".join(lines)


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


class _PreparedQueryGraph(Graph):
    """A graph that parses each distinct SPARQL text once.

    pyshacl runs an sh:sparql constraint once per focus node, always with the same text (only
    `$this` changes, as a binding), and rdflib parses a query string anew on every call: that
    parsing took ~85% of the validation time.  A prepared query is rdflib's documented way to
    evaluate one query many times with different initial bindings.
    """

    def query(self, query_object: str | Query, *args: Any, **kwargs: Any) -> Result:  # type: ignore[override]
        if isinstance(query_object, str):
            query_object = _prepared_query(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=64)
def _prepared_query(text: str) -> Query:
    return prepareQuery(text)


def validate_graph(graph: Graph) -> ValidationReport:
    """Check `graph` (one article's graph or a store's union) against the shapes; never mutates it."""
    # Validate a copy (pyshacl would copy anyway to mix in the ontology), of our own graph class.
    data = _PreparedQueryGraph()
    data += graph
    conforms, results_graph, results_text = validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        inplace=True,
        abort_on_first=False,
        allow_warnings=True,
    )
    results = _top_level_results(results_graph)
    violations = sum(1 for r in results if results_graph.value(r, SH.resultSeverity) == SH.Violation)
    return ValidationReport(
        conforms=bool(conforms),
        results_text=str(results_text),
        violations=violations,
        triples=len(graph),
        results=_result_lines(results_graph, results),
    )


def _top_level_results(results: Graph) -> list[Node]:
    """The report's own results; nested sh:detail results (from sh:node, sh:or) are not counted."""
    return [
        result
        for report in results.subjects(RDF.type, SH.ValidationReport)
        for result in results.objects(report, SH.result)
    ]


def _show(graph: Graph, node: Node | None) -> str:
    """A compact, readable form of a term of the results graph."""
    if isinstance(node, URIRef):
        # Not node.n3(): Turtle forbids "/" in prefixed names, and qgid: IRIs are full of them.
        for prefix, namespace in PREFIXES.items():
            if node.startswith(namespace) and len(node) > len(namespace):
                return f"{prefix}:{node[len(namespace) :]}"
        return f"<{node}>"
    if isinstance(node, Literal):
        text = str(node)
        return repr(text if len(text) <= 40 else text[:37] + "…")
    if node is None:
        return ""
    inverse = graph.value(node, SH.inversePath)  # the only complex path the shapes use
    return f"^{_show(graph, inverse)}" if inverse is not None else "[]"


def _result_lines(graph: Graph, results: list[Node]) -> tuple[str, ...]:
    """One line per validation result, "<focus> <path>: <message>"; repeated lines counted once."""
    counts: Counter[str] = Counter()
    for result in results:
        focus = _show(graph, graph.value(result, SH.focusNode))
        path = _show(graph, graph.value(result, SH.resultPath))
        message = str(graph.value(result, SH.resultMessage) or "constraint violated")
        severity = graph.value(result, SH.resultSeverity)
        if severity is not None and severity != SH.Violation:
            message = f"[{_show(graph, severity)}] {message}"
        counts[" ".join(part for part in (focus, path) if part) + f": {message}"] += 1
    return tuple(line if n == 1 else f"{line} (×{n})" for line, n in sorted(counts.items()))


def load_rdf_file(path: Path, into: Graph) -> None:
    """Add the triples of an RDF file (format from its extension, Turtle by default) to `into`."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an RDF file")
    fmt = guess_format(str(path)) or "turtle"
    try:
        if fmt in _QUAD_FORMATS:
            dataset = Dataset()
            dataset.parse(path, format=fmt)
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                into.add((s, p, o))
        else:
            into.parse(path, format=fmt)
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from err
    except Exception as err:  # rdflib parsers raise many unrelated types for bad syntax
        raise InputError(f"{path}: not valid {fmt}: {_parse_error(err)}") from err


def _parse_error(err: Exception) -> str:
    """One line saying where and why parsing failed."""
    if isinstance(err, BadSyntax):  # Turtle/N3: its str() spans several lines of context
        return f"line {err.lines + 1}: {getattr(err, '_why', 'bad syntax')}"
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def load_store_union(path: Path) -> Graph:
    """All triples of all named graphs of a store."""
    if not path.exists():
        raise StoreError(f"{path}: no such store")
    from kg.store import QuoteStore  # imported here: only a store check needs the store backend

    with QuoteStore.open(path, read_only=True) as store:
        return store.union_graph()
