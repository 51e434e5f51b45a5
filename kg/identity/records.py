"""What the store knows about each person and organisation: names, articles, roles.

Read from the article graphs only (a `schema:NewsArticle` must be in the same named graph), so
the identity graph this package writes never feeds back into its own input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg import facts
from kg.graph.vocab import ENTITY_KINDS
from kg.store import QuoteStore

# A node typed several ways is read as the first kind it has in this order.
_KIND_ORDER: tuple[str, ...] = tuple(ENTITY_KINDS.values())

# "World Health Organization (WHO)" — and, as the entity recogniser sometimes cuts it, "World
# Health Organization (WHO": the article states the acronym; the name is what stands before it.
_STATED_ACRONYM = re.compile(r"^(?P<name>.*\S)\s*\(\s*(?P<acronym>[A-Z][A-Za-z&.\-]{1,11})\s*\)?$")


@dataclass
class RoleRecord:
    article: str
    title: str
    rank: str | None = None
    organization: str | None = None
    organization_names: set[str] = field(default_factory=set)  # the organisation's name and aliases


@dataclass
class EntityRecord:
    iri: str
    kind: str  # "Person" | "Organization" | "Place" | "Group"
    names: set[str] = field(default_factory=set)  # canonical names (one per article, usually equal)
    alternates: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)
    roles: list[RoleRecord] = field(default_factory=list)

    @property
    def name(self) -> str:
        """A stable display name: the longest canonical name (ties: alphabetical)."""
        return min(self.names, key=lambda n: (-len(n), n)) if self.names else self.iri.rsplit("/", 1)[-1]

    def all_names(self) -> set[str]:
        return self.names | self.alternates


def _split_stated_acronyms(record: EntityRecord) -> None:
    """"World Health Organization (WHO)" as a name is the name plus the acronym the article
    states for it: identity compares "World Health Organization" and "WHO" with other articles."""
    for name in sorted(record.names | record.alternates):
        found = _STATED_ACRONYM.match(name)
        if found is None:
            continue
        target = record.names if name in record.names else record.alternates
        target.discard(name)
        target.add(found["name"])
        record.alternates.add(found["acronym"])


def load_records(store: QuoteStore) -> dict[str, EntityRecord]:
    """IRI → record of every person and organisation in the store's article graphs."""
    records: dict[str, EntityRecord] = {}
    for fact in facts.entities(store):
        if fact.name is None or fact.article is None:  # named, in an article's graph
            continue
        iri, kind = fact.iri, fact.kind
        record = records.get(iri)
        if record is None:
            record = records[iri] = EntityRecord(iri=iri, kind=kind)
        elif _KIND_ORDER.index(kind) < _KIND_ORDER.index(record.kind):  # a person typed both ways is the person
            record.kind = kind
        record.names.add(fact.name)
        record.articles.add(fact.article)
        if fact.alternate is not None:
            record.alternates.add(fact.alternate)
    for record in records.values():
        if record.kind == "Organization":
            _split_stated_acronyms(record)
    roles: dict[tuple[str, str, str, str | None], RoleRecord] = {}
    for fact in facts.roles(store):
        iri = fact.person
        if iri not in records:
            continue
        # An organisation counts by its name (one without a name is no organisation here).
        org = fact.organization_name
        key = (iri, fact.article, fact.title, org)
        role = roles.get(key)
        if role is None:
            role = roles[key] = RoleRecord(fact.article, fact.title, fact.rank, org, {org} if org else set())
            records[iri].roles.append(role)
        if org is not None and fact.organization_alternate is not None:
            role.organization_names.add(fact.organization_alternate)
    for record in records.values():
        record.roles.sort(key=lambda r: (r.article, r.title, r.organization or ""))
    return records
