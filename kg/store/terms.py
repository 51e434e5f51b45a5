"""Conversions between rdflib terms and pyoxigraph terms.

The graph stage speaks rdflib; the store speaks pyoxigraph.  Converting term by term (instead of
serialising and re-parsing) keeps lexical forms exactly as given and needs no temporary text.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
OxSubject = ox.NamedNode | ox.BlankNode


def to_ox(term: Node | str | int | float | bool | OxTerm) -> OxTerm:
    """An rdflib term (or a plain Python value, bound as a literal) as a pyoxigraph term."""
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, str | int | float | bool):
        # pyoxigraph types Python values itself (str → xsd:string, int → xsd:integer, …).
        return ox.Literal(term)
    raise TypeError(f"cannot store {type(term).__name__} {term!r} as an RDF term")


def to_rdflib(term: OxTerm) -> Node:
    """A pyoxigraph term as an rdflib term (xsd:string literals become plain, as rdflib builds them)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported RDF term {term!r} (RDF-star triples are not used by quotegraph)")


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def triple_sort_key(t: ox.Triple) -> tuple[str, bool, str, str]:
    """Content-only order for reproducible output: by subject, rdf:type first, predicate, object.

    Keys are N-Triples strings, so the order never depends on insertion order or on the store's
    internal ids; rdf:type first makes each Turtle block open with `a …`.
    """
    return (str(t.subject), t.predicate.value != RDF_TYPE, str(t.predicate), str(t.object))
