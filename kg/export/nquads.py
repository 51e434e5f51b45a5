"""N-Quads of the whole dataset (named graphs kept), lines sorted: `LC_ALL=C sort` order."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.export.order import sorted_distinct_lines
from kg.store import QuoteStore


def write_nquads(store: QuoteStore, out: IO[bytes]) -> None:
    # pyoxigraph writes canonical N-Quads, one quad per line with newlines inside literals
    # escaped, so sorting the lines sorts the quads; bytes order equals code point order.  The
    # store holds each quad once, so dropping equal lines drops nothing.  Sorted on disk, in
    # bounded memory (kg/export/order.py).
    with tempfile.TemporaryDirectory(prefix="qg-nquads-") as tmp:
        dump = Path(tmp) / "dump.nq"
        store.ox.dump(str(dump), ox.RdfFormat.N_QUADS)
        for line in sorted_distinct_lines(dump):
            out.write(line + b"\n")
