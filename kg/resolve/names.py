"""Name normalisation and within-article clustering of person names.

"Saad al-Hadithi", "al-Hadithi" and "Mr. al-Hadithi" are one person; "Hori Parata" and
"Te Kaurinui Robert Parata" are two, and a bare "Parata" goes to whichever was named last.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from kg.extract.lexicon import FEMALE_HONORIFICS, MALE_HONORIFICS, NAME_TITLES

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_POSSESSIVE = re.compile(r"(?:'s|')$")
_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


# Pure string functions called tens of thousands of times per hundred articles on a few
# thousand distinct names: memoised.
@functools.lru_cache(maxsize=1 << 16)
def clean_surface(name: str) -> str:
    """Surface form as displayed: NFKC, single spaces, no possessive, no spaces around hyphens."""
    name = unicodedata.normalize("NFKC", name).strip()
    name = re.sub(r"\s*-\s*", "-", name)
    name = re.sub(r"\s+", " ", name)
    name = (
        _POSSESSIVE.sub("", name.translate(_APOSTROPHES))
        if name.translate(_APOSTROPHES).endswith(("'s", "'"))
        else name
    )
    return name.strip(" ,.;:")


@functools.lru_cache(maxsize=1 << 16)
def normalise_name(name: str) -> str:
    """Identity key of a name: case-folded, straight apostrophes, no leading article."""
    name = clean_surface(name).translate(_APOSTROPHES).casefold()
    return _LEADING_ARTICLE.sub("", name).strip()


# Words a headline glues to a name that the tagger then reads as part of it ("Obama Says …",
# "Trump Slams …", "Obama Speech"): never the last word of a person's name.
NOT_NAME_ENDINGS = frozenset(
    (
        "says", "said", "tells", "told", "slams", "blasts", "warns", "urges", "vows", "calls",
        "asks", "claims", "denies", "admits", "praises", "defends", "rips", "hits", "mocks",
        "backs", "endorses", "responds", "speech", "statement", "interview", "tweet", "tweets",
        "remarks", "rally", "campaign",
    )
)


def strip_titles(name: str) -> tuple[str, list[str]]:
    """'Mr. McHugh' → ('McHugh', ['Mr.']); 'Obama Says' → ('Obama', []); keeps at least one word."""
    words = name.split()
    titles: list[str] = []
    while len(words) > 1 and words[0].lower() in NAME_TITLES:
        titles.append(words.pop(0))
    while len(words) > 1 and words[-1].lower() in NOT_NAME_ENDINGS:
        words.pop()
    return " ".join(words), titles


def gender_of_titles(titles: list[str]) -> str | None:
    lowered = {t.lower() for t in titles}
    if lowered & MALE_HONORIFICS:
        return "m"
    if lowered & FEMALE_HONORIFICS:
        return "f"
    return None


@dataclass
class PersonCluster:
    name: str  # the longest full name seen
    forms: set[str] = field(default_factory=set)
    positions: list[int] = field(default_factory=list)  # character offsets of mentions
    gender: str | None = None

    @property
    def key(self) -> str:
        return normalise_name(self.name)

    def words(self) -> list[str]:
        return normalise_name(self.name).split()


def _matches(short: list[str], full: list[str]) -> bool:
    """'al-hadithi' ⊂ 'saad al-hadithi'; 'te kaurinui parata' ⊂ 'te kaurinui robert parata'."""
    if not short or len(short) > len(full):
        return False
    if full[-len(short) :] == short or full[: len(short)] == short:
        return True
    # First and last words agree, middle names dropped.
    return len(short) >= 2 and short[0] == full[0] and short[-1] == full[-1]


class PersonIndex:
    """Clusters the person names of one article, in text order."""

    def __init__(self) -> None:
        self.clusters: list[PersonCluster] = []

    def add_full_names(self, mentions: list[tuple[int, str]]) -> None:
        """First pass: multi-word names found anywhere in the article open clusters."""
        for position, raw in sorted(mentions):
            name, titles = strip_titles(clean_surface(raw))
            words = normalise_name(name).split()
            if len(words) < 2:
                continue
            cluster = self._same_person(words)
            if cluster is None:
                cluster = PersonCluster(name=name)
                self.clusters.append(cluster)
            elif len(name) > len(cluster.name):
                cluster.forms.add(cluster.name)
                cluster.name = name
            cluster.forms.add(name)
            cluster.positions.append(position)
            cluster.gender = cluster.gender or gender_of_titles(titles)

    def _same_person(self, words: list[str]) -> PersonCluster | None:
        for cluster in self.clusters:
            full = cluster.words()
            if _matches(words, full) or _matches(full, words):
                return cluster
        return None

    def resolve(self, raw: str, position: int, *, create: bool = True) -> PersonCluster | None:
        """The cluster a mention at `position` refers to; ambiguous surnames go to the latest named."""
        name, titles = strip_titles(clean_surface(raw))
        words = normalise_name(name).split()
        if not words:
            return None
        candidates = [c for c in self.clusters if _matches(words, c.words()) or _matches(c.words(), words)]
        if len(candidates) > 1:
            before = [c for c in candidates if any(p <= position for p in c.positions)]
            pool = before or candidates
            chosen = max(pool, key=lambda c: max((p for p in c.positions if p <= position), default=-1))
        elif candidates:
            chosen = candidates[0]
        elif create:
            chosen = PersonCluster(name=name)
            self.clusters.append(chosen)
        else:
            return None
        chosen.forms.add(name)
        if position not in chosen.positions:
            chosen.positions.append(position)
        chosen.gender = chosen.gender or gender_of_titles(titles)
        return chosen


def without_article(text: str) -> str:
    return _LEADING_ARTICLE.sub("", clean_surface(text))
