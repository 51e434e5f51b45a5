"""Choosing one display label for a resource that different articles may name differently."""

from __future__ import annotations

from collections.abc import Iterable


def pick_label(candidates: Iterable[str]) -> str | None:
    """The longest name, ties broken alphabetically: stable whatever order the store returns."""
    best: str | None = None
    for c in candidates:
        if best is None or (-len(c), c) < (-len(best), best):
            best = c
    return best
