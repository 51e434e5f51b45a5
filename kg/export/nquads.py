"""N-Quads of the whole dataset (named graphs kept), lines sorted: `LC_ALL=C sort` order."""

from __future__ import annotations

from typing import IO

import pyoxigraph as ox

from kg.store import QuoteStore


def write_nquads(store: QuoteStore, out: IO[bytes]) -> None:
    # pyoxigraph writes canonical N-Quads, one quad per line with newlines inside literals
    # escaped, so sorting the lines sorts the quads; bytes order equals code point order.
    data = store.ox.dump(format=ox.RdfFormat.N_QUADS) or b""
    lines = [line for line in data.split(b"\n") if line]
    lines.sort()
    if lines:
        out.write(b"\n".join(lines) + b"\n")
