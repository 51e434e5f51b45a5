"""Within-article clustering of person names (the text helpers are in kg.nlp.names).

"Saad al-Hadithi", "al-Hadithi" and "Mr. al-Hadithi" are one person; "Hori Parata" and
"Te Kaurinui Robert Parata" are two, and a bare "Parata" goes to whichever was named last.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.nlp.names import clean_surface, gender_of_titles, normalise_name, strip_titles


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
