"""Turtle of the union of all article graphs: sorted, so the same data gives the same bytes."""

from __future__ import annotations

from typing import IO

import pyoxigraph as ox

from kg.export.order import sorted_union_triples
from kg.graph.vocab import PREFIXES
from kg.store import QuoteStore

# pyoxigraph orders @prefix lines itself; a fixed input order keeps even ties reproducible.
SORTED_PREFIXES = dict(sorted(PREFIXES.items()))


def write_turtle(store: QuoteStore, out: IO[bytes]) -> None:
    """Serialise with pyoxigraph (no rdflib graph): triples sorted by subject, type first."""
    ox.serialize(sorted_union_triples(store), out, ox.RdfFormat.TURTLE, prefixes=SORTED_PREFIXES)
