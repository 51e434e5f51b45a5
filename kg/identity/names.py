"""Person names as the identity rules compare them: first name, middle names, surname.

"Senator Mark R. Warner" → first "mark", middles ("r",), surname "warner"; "Bill de Blasio" →
surname "de blasio" (particles stay with the surname); "al-Hadithi" → surname "al-hadithi",
whose core "hadithi" also matches "Hadithi".  Initials ("R.", "C") match any name with that letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.nlp.names import normalise_name, strip_titles

PARTICLES = frozenset(
    ["al", "el", "de", "da", "das", "dos", "del", "della", "der", "den", "di", "du", "la", "le", "van", "von",
     "bin", "ibn", "ben", "st", "st.", "ter", "ten", "mac", "abu"]
)
SUFFIXES = frozenset(["jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "md"])
_INITIAL = re.compile(r"^[a-z]\.?$")
_PARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|as|ash|at|az|ibn|bin|abu)-")


@dataclass(frozen=True)
class PersonName:
    first: str | None  # None for a bare surname ("Warner")
    middles: tuple[str, ...]
    surname: str

    @property
    def core(self) -> str:
        """The surname without particles: 'al-hadithi' → 'hadithi', 'de blasio' → 'blasio'."""
        last = self.surname.split()[-1]
        return _PARTICLE_PREFIX.sub("", last)

    @property
    def specificity(self) -> tuple[int, int, int, int]:
        """More is more specific: a first name, then more middle names, then fewer initials."""
        tokens = [t for t in (self.first, *self.middles) if t]
        full = sum(1 for t in tokens if not _INITIAL.match(t))
        return (int(self.first is not None), len(self.middles), full, len(" ".join(tokens)))

    def display(self) -> str:
        return " ".join(t for t in (self.first, *self.middles, self.surname) if t)


def parse_name(name: str) -> PersonName | None:
    """A person name split for comparison; None when nothing name-like is left."""
    bare, _ = strip_titles(normalise_name(name))
    words = [w for w in bare.replace(",", " ").split() if w not in SUFFIXES]
    if not words:
        return None
    # Particles before the last word belong to the surname ("de blasio", "van der berg").
    k = len(words) - 1
    while k > 0 and words[k - 1] in PARTICLES:
        k -= 1
    surname = " ".join(words[k:])
    given = words[:k]
    if not given:
        return PersonName(None, (), surname)
    return PersonName(given[0], tuple(given[1:]), surname)


def same_token(a: str, b: str) -> bool:
    """Equal, or one is the initial of the other ('r.' ~ 'robert')."""
    if a == b:
        return True
    if _INITIAL.match(a) or _INITIAL.match(b):
        return a[0] == b[0]
    return False


def first_names_agree(a: PersonName, b: PersonName) -> bool:
    return a.first is not None and b.first is not None and same_token(a.first, b.first)


def middles_agree(a: PersonName, b: PersonName) -> bool:
    """'Mark Warner' ~ 'Mark R. Warner'; 'Mark R. Warner' ≁ 'Mark S. Warner'."""
    return all(same_token(x, y) for x, y in zip(a.middles, b.middles, strict=False))


def same_surname(a: PersonName, b: PersonName) -> bool:
    return a.core == b.core


def compatible(a: PersonName, b: PersonName) -> bool:
    """Two full names that can be the same person."""
    return same_surname(a, b) and first_names_agree(a, b) and middles_agree(a, b)
