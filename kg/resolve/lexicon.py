"""Word lists only resolution reads: the pronoun classes."""

from __future__ import annotations

MALE_PRONOUNS: frozenset[str] = frozenset({"he", "him", "his"})
FEMALE_PRONOUNS: frozenset[str] = frozenset({"she", "her", "hers"})
PLURAL_PRONOUNS: frozenset[str] = frozenset({"they", "them", "we", "us"})
NEUTER_PRONOUNS: frozenset[str] = frozenset({"it"})
