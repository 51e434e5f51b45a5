"""The canonical order every RDF exporter writes in: by subject, rdf:type first, then predicate
and object, all compared as N-Triples text.  It depends on content only, never on insertion
order, store internals or Python's per-process hashing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from kg.store import QuoteStore

_RDF_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _line_key(line: bytes) -> tuple[bytes, bool, bytes]:
    # Canonical N-Triples: single spaces between terms and none inside IRIs or blank node
    # labels, so the first two fields are exactly the subject and predicate.
    subject, predicate, _ = line.split(b" ", 2)
    return subject, predicate != _RDF_TYPE, line


def sorted_union_lines(store: QuoteStore) -> list[bytes]:
    """Distinct N-Triples lines of the union, in canonical order (serialised and sorted as bytes,
    which is several times faster than sorting Python term objects)."""
    lines = set(store.union_ntriples().split(b"\n"))
    lines.discard(b"")
    return sorted(lines, key=_line_key)


def sorted_union_triples(store: QuoteStore) -> Iterator[ox.Triple]:
    """The same, as pyoxigraph Triples for the serialisers."""
    lines = sorted_union_lines(store)
    if not lines:
        return iter(())
    data = b"\n".join(lines) + b"\n"
    return (quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
