"""Grammatical gender of a person, for choosing who "he" or "she" is.

Evidence, strongest first: an honorific ("Mr.", "Ms."), a gendered role noun in the person's own
description ("spokeswoman", "the 34-year-old mother of three"), then the first name
(`kg/resources/first-names.tsv`: names borne overwhelmingly by one gender; ambiguous names such
as Kim or Jordan are not in it).  Without evidence the gender stays unknown, which is compatible
with either pronoun.
"""

from __future__ import annotations

import functools
from importlib import resources

FEMALE_NOUNS = frozenset(
    (
        "actress", "aunt", "businesswoman", "chairwoman", "congresswoman", "countess", "daughter",
        "duchess", "empress", "girl", "girlfriend", "granddaughter", "grandmother", "heiress",
        "lady", "mother", "niece", "nun", "policewoman", "princess", "queen", "sister",
        "spokeswoman", "stepmother", "waitress", "widow", "wife", "woman",
    )
)
MALE_NOUNS = frozenset(
    (
        "boy", "boyfriend", "brother", "businessman", "chairman", "congressman", "duke", "emperor",
        "father", "grandfather", "grandson", "husband", "king", "man", "monk", "nephew",
        "policeman", "prince", "son", "spokesman", "stepfather", "uncle", "widower",
    )
)


@functools.lru_cache(maxsize=1)
def _first_names() -> dict[str, str]:
    table = resources.files("kg.resources").joinpath("first-names.tsv").read_text(encoding="utf-8")
    names: dict[str, str] = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            name, _, gender = line.partition("\t")
            names[name] = gender
    return names


def gender_of_first_name(word: str) -> str | None:
    """'m', 'f' or None for a given name ("Ivanka" → f; "Kim" → None)."""
    return _first_names().get(word.lower())


def gender_of_nouns(words: list[str]) -> str | None:
    """'m' or 'f' when the words hold a gendered role noun (and not both kinds)."""
    lowered = {w.lower() for w in words}
    female, male = bool(lowered & FEMALE_NOUNS), bool(lowered & MALE_NOUNS)
    if female != male:
        return "f" if female else "m"
    return None
