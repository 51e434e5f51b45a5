"""JSON-LD of the union graph: `@context` maps the contract prefixes, nodes sorted by `@id`.

The context is embedded (a reader needs no network) and is published as
`ontology/context.jsonld` (`context_document()`; a test keeps the file identical), so other
JSON-LD can reference it: `"@context": ".../ontology/context.jsonld"`.  Keys are compact IRIs
(`schema:name`), never bare terms, so the same document means the same triples under any
processor, JSON-LD 1.0 or 1.1.

Written directly from sorted triples rather than through rdflib: rdflib's serializer iterates a
Python set (order varies between runs) and turns typed integers into bare JSON numbers, which
changes their datatype on the way back in.
"""

from __future__ import annotations

import json
from itertools import groupby
from typing import IO, Any

import pyoxigraph as ox

from kg.export.order import sorted_union_triples
from kg.export.turtle import SORTED_PREFIXES
from kg.store import QuoteStore
from kg.store.terms import RDF_TYPE, XSD_STRING

_BY_LENGTH = sorted(SORTED_PREFIXES.items(), key=lambda kv: (-len(kv[1]), kv[0]))
CONTEXT: dict[str, str] = dict(SORTED_PREFIXES)


def context_document() -> bytes:
    """The published context file, ontology/context.jsonld."""
    return (json.dumps({"@context": CONTEXT}, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _compact(iri: str) -> str:
    # Every contract namespace ends in '/' or '#', so `prefix:rest` is a valid compact IRI.
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and not iri[len(ns) :].startswith("//"):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _ref(term: ox.NamedNode | ox.BlankNode) -> str:
    return _compact(term.value) if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return term.value  # a bare JSON string is an xsd:string literal
        return {"@value": term.value, "@type": _compact(term.datatype.value)}
    return {"@id": _ref(term)}


def _node(subject: ox.NamedNode | ox.BlankNode, triples: list[ox.Triple]) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": _ref(subject)}
    for predicate, group in groupby(triples, key=lambda t: t.predicate.value):
        objects = [t.object for t in group]
        if predicate == RDF_TYPE and all(isinstance(o, ox.NamedNode) for o in objects):
            node["@type"] = [_ref(o) for o in objects]
        else:
            node[_compact(predicate)] = [_value(o) for o in objects]
    return node


def write_jsonld(store: QuoteStore, out: IO[bytes]) -> None:
    triples = sorted_union_triples(store)
    context = json.dumps(CONTEXT, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    out.write(b'{\n  "@context": ' + context.encode() + b',\n  "@graph": [')
    first = True
    for subject, group in groupby(triples, key=lambda t: t.subject):
        node = json.dumps(_node(subject, list(group)), ensure_ascii=False)
        out.write((b"\n    " if first else b",\n    ") + node.encode("utf-8"))
        first = False
    out.write(b"\n  ]\n}\n")
