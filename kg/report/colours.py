"""Deterministic speaker colours: the same IRI gets the same colour in every report and run."""

from __future__ import annotations

import colorsys
import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Colour:
    solid: str  # strong shade: network nodes, highlight underline, table swatches
    tint: str  # light shade: highlight background, dark text stays readable on it


NO_SPEAKER = Colour(solid="#6b7280", tint="#e5e7eb")


def speaker_colour(iri: str | None) -> Colour:
    """A colour derived from a hash of the IRI (not from list position, so adding an article
    never recolours the speakers already there)."""
    if not iri:
        return NO_SPEAKER
    digest = hashlib.sha256(iri.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    # A little saturation jitter separates speakers whose hues land close together.
    saturation = 0.55 + (digest[2] / 255) * 0.3
    return Colour(solid=_hex(hue, 0.40, saturation), tint=_hex(hue, 0.85, saturation))


def _hex(hue: float, lightness: float, saturation: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
