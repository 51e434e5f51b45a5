"""Reading resources as property tables.

Queries over the union default graph see a triple once per article graph that holds it, so
every extra OPTIONAL multiplies the duplicates (a person named in 5 articles × 5 type triples …).
Fetching plain `?s ?p ?o` rows with DISTINCT and joining in Python stays linear in the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from kg.facts.labels import pick_label
from kg.graph.vocab import PREFIXES
from kg.store import QuoteStore

SCHEMA, QG, OA, SEM, PROV = (PREFIXES[p] for p in ("schema", "qg", "oa", "sem", "prov"))
RDF_TYPE = PREFIXES["rdf"] + "type"

Props = dict[str, set[str]]  # predicate IRI → values (IRIs or lexical forms)

_NAMES = "SELECT DISTINCT ?s ?name WHERE { ?s schema:name ?name }"


def collect(store: QuoteStore, sparql: str, bindings: Mapping[str, Any] | None = None) -> dict[str, Props]:
    """Solutions with variables ?s ?p ?o gathered as subject → predicate → values."""
    table: dict[str, Props] = defaultdict(lambda: defaultdict(set))
    for sol in store.query(sparql, bindings=bindings):  # type: ignore[union-attr]
        table[sol["s"].value][sol["p"].value].add(sol["o"].value)
    return table


def names(store: QuoteStore, sparql: str = _NAMES, bindings: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Resource IRI → one display name (articles may disagree; the choice is stable).  `sparql`
    may narrow the resources; it must project ?s and ?name."""
    found: dict[str, set[str]] = defaultdict(set)
    for sol in store.query(sparql, bindings=bindings):  # type: ignore[union-attr]
        found[sol["s"].value].add(sol["name"].value)
    return {iri: pick_label(values) or "" for iri, values in found.items()}


def one(props: Props, predicate: str) -> str:
    return pick_label(props.get(predicate, ())) or ""


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def value_of(term: Any) -> str | None:
    """A solution's term as its lexical value; None when the variable is unbound."""
    return None if term is None else term.value
