"""N-Quads of the whole dataset (named graphs kept), lines sorted: `LC_ALL=C sort` order."""

from __future__ import annotations

from typing import IO

from kg.export.order import iter_sorted_quad_lines
from kg.store import QuoteStore


def write_nquads(store: QuoteStore, out: IO[bytes]) -> None:
    """Sorted on disk, in bounded memory (kg/export/order.py)."""
    for line in iter_sorted_quad_lines(store):
        out.write(line + b"\n")
