"""Which person and organisation nodes of a store are the same real-world entity, and why.

Within an article, kg.resolve already folds every form of a name into one entity, and exact
normalised full names share an IRI across articles.  Across articles this module links the
remaining variants, each link with its evidence:

1. **Name variant** (people): "Mark Warner" and "Mark R. Warner" — same surname, same first name
   (or its initial), agreeing middle names; the less specific name joins the more specific one.
   When it could join two names that disagree with each other ("Mark R. Warner" and "Mark S.
   Warner") it joins neither.
2. **Surname** (people): a person known only by a surname ("Warner", in an article that never
   gives the first name) joins the one person of the store with that surname; with two or more
   ("Hori Parata", "Te Kaurinui Robert Parata") it joins none.  *Surname guard.*
3. **Same name, alternate name** (organisations): organisations with the same name (an article's
   "World Health Organization (WHO)" is the name "World Health Organization" with the acronym
   "WHO" stated: kg.identity.records), and an organisation whose name another organisation
   carries as an alternate name in some article ("Daesh" ← "ISIS" with alternate "Daesh"; "WHO"
   ← "World Health Organization" with the stated acronym), if only one does.  An acronym no
   article states and no alias table gives is not guessed from initials.
4. **Alias table** (`--aliases FILE.csv`): rows pin identities whatever the rules say; a Wikidata
   QID adds `owl:sameAs <http://www.wikidata.org/entity/QID>` and joins entities sharing it.

Places (one node per name already) and unnamed groups (local to their article: "officials" in
two articles are not the same people) are identities of one node each.

Guard on 1 and 2: two people whose roles both name organisations, none of them in common
(e.g. "spokesman, Pentagon" vs "professor, Harvard University"), are never linked.

Everything is a function of the store's content, sorted: the same store gives the same links in
any build order, so stores filled by parallel builds link the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kg.identity.names import PersonName, compatible, parse_name, same_surname
from kg.identity.records import EntityRecord
from kg.identity.table import AliasRow
from kg.nlp.names import normalise_name, strip_titles

_FUNCTION_WORDS = frozenset({"the", "of", "for", "and", "&", "'s"})
_ACRONYM = re.compile(r"^[A-Z][A-Z&.\-]{1,11}$")


@dataclass(frozen=True)
class Merge:
    member: str  # IRI linked…
    into: str  # …to this IRI
    rule: str  # "name variant" | "surname" | "same name" | "alternate name" | "alias table" | "wikidata"
    evidence: str


@dataclass(frozen=True)
class Blocked:
    """A link the rules considered and refused (the surname guard, conflicting roles, ambiguity)."""

    iri: str
    name: str
    candidates: tuple[str, ...]  # display names it could have been
    reason: str


@dataclass
class Identity:
    iri: str  # the canonical member
    kind: str
    name: str
    members: list[str]
    names: list[str]  # every name and alternate name of every member
    articles: list[str]
    merges: list[Merge] = field(default_factory=list)
    wikidata: list[str] = field(default_factory=list)  # QIDs


@dataclass
class IdentityReport:
    identities: list[Identity]
    blocked: list[Blocked]
    warnings: list[str] = field(default_factory=list)

    def of(self, iri: str) -> Identity | None:
        return next((i for i in self.identities if iri in i.members), None)

    def find(self, name: str) -> list[Identity]:
        """Identities called `name` (any variant, titles ignored); else those whose names contain it."""
        wanted = bare_name(name)
        exact = [i for i in self.identities if wanted in {bare_name(n) for n in i.names}]
        if exact:
            return exact
        needle = normalise_name(name)
        return [i for i in self.identities if any(needle in normalise_name(n) for n in i.names)] if needle else []

    def blocked_for(self, identity: Identity) -> list[Blocked]:
        names = {n for n in identity.names}
        return [b for b in self.blocked if b.iri in identity.members or names & set(b.candidates)]


def bare_name(name: str) -> str:
    """A name as identity compares names: normalised, titles dropped ("Sen. Mark Warner" and "Mark
    Warner" are one).  Not the entity key of the graph (kg.graph.entity_key), which keeps titles."""
    bare, _ = strip_titles(normalise_name(name))
    return bare


# ---------------------------------------------------------------------------------- union-find


class _Links:
    def __init__(self, iris: Iterable[str]) -> None:
        self.parent = {iri: iri for iri in iris}
        self.merges: list[Merge] = []

    def find(self, iri: str) -> str:
        while self.parent[iri] != iri:
            self.parent[iri] = self.parent[self.parent[iri]]
            iri = self.parent[iri]
        return iri

    def link(self, merge: Merge) -> None:
        self.merges.append(merge)
        a, b = self.find(merge.member), self.find(merge.into)
        if a != b:
            self.parent[max(a, b)] = min(a, b)  # any fixed choice: the canonical is picked later


# ---------------------------------------------------------------------------------- rules


def resolve_identities(records: dict[str, EntityRecord], table: Sequence[AliasRow] = ()) -> IdentityReport:
    """Group the store's people and organisations into identities (deterministic, order-free)."""
    links = _Links(sorted(records))
    blocked: list[Blocked] = []
    people = {
        iri: parsed
        for iri, rec in sorted(records.items())
        if rec.kind == "Person" and (parsed := parse_name(rec.name)) is not None
    }
    _name_variants(records, people, links, blocked)
    _surnames(records, people, links, blocked)
    _organisation_names(records, links, blocked)
    qids, warnings = _alias_table(records, table, links)
    return _report(records, people, links, blocked, qids, warnings)


def _rank(records: dict[str, EntityRecord], people: dict[str, PersonName], iri: str) -> tuple:
    """Which node of an identity is its canonical one (the highest): the most specific person
    name; for organisations a spelled-out name before an acronym ("World Health Organization",
    not "WHO"); then the most articles and alternate names; the IRI breaks ties."""
    if iri in people:
        spec = people[iri].specificity
    else:
        name = records[iri].name
        spec = (int(not _ACRONYM.match(name)), 0, 0, 0)
    return (spec, len(records[iri].articles), len(records[iri].alternates), iri)


def _name_variants(
    records: dict[str, EntityRecord], people: dict[str, PersonName], links: _Links, blocked: list[Blocked]
) -> None:
    full = {iri: name for iri, name in people.items() if name.first is not None}
    for iri, name in full.items():
        mine = _rank(records, people, iri)
        candidates = [
            other for other, other_name in full.items()
            if other != iri and compatible(name, other_name) and _rank(records, people, other) > mine
        ]
        if not candidates:
            continue
        conflicts = [c for c in candidates if _roles_conflict(records[iri], records[c])]
        if conflicts:
            blocked.append(_blocked(records, iri, conflicts, "conflicting organisations: " + _orgs_text(records, [iri, *conflicts])))
        candidates = [c for c in candidates if c not in conflicts]
        if not candidates:
            continue
        disagreeing = [(a, b) for a in candidates for b in candidates if a < b and not compatible(people[a], people[b])]
        if disagreeing:
            blocked.append(_blocked(records, iri, candidates, "ambiguous: the fuller names disagree with each other"))
            continue
        target = max(candidates, key=lambda c: _rank(records, people, c))
        evidence = (
            f"“{records[iri].name}” and “{records[target].name}”: same surname and first name"
            f"{_middle_note(name, people[target])}{_shared_roles(records[iri], records[target])}; "
            f"articles {_list(records[iri].articles)} / {_list(records[target].articles)}"
        )
        links.link(Merge(iri, target, "name variant", evidence))


def _surnames(
    records: dict[str, EntityRecord], people: dict[str, PersonName], links: _Links, blocked: list[Blocked]
) -> None:
    full = {iri: name for iri, name in people.items() if name.first is not None}
    for iri, name in people.items():
        if name.first is not None:
            continue
        groups: dict[str, list[str]] = {}
        for other, other_name in full.items():
            if same_surname(name, other_name):
                groups.setdefault(links.find(other), []).append(other)
        if not groups:
            continue
        heads = {root: max(members, key=lambda m: _rank(records, people, m)) for root, members in groups.items()}
        conflicting = [h for h in heads.values() if _roles_conflict(records[iri], records[h])]
        if conflicting:
            blocked.append(_blocked(records, iri, conflicting, "conflicting organisations: " + _orgs_text(records, [iri, *conflicting])))
        usable = sorted(h for h in heads.values() if h not in conflicting)
        if len(usable) > 1:
            surname = records[iri].name
            blocked.append(_blocked(records, iri, usable, f"surname guard: {len(usable)} different people are called “{surname}”"))
            continue
        if not usable:
            continue
        target = usable[0]
        evidence = (
            f"“{records[iri].name}” (articles {_list(records[iri].articles)}) has no first name; the only person "
            f"with that surname is “{records[target].name}”{_shared_roles(records[iri], records[target])}"
        )
        links.link(Merge(iri, target, "surname", evidence))


def _organisation_names(records: dict[str, EntityRecord], links: _Links, blocked: list[Blocked]) -> None:
    """Organisations that share a name ("World Health Organization" as one article writes it and
    as another states it with its acronym), then an organisation whose name another carries as an
    alternate name in some article ("WHO" ← "World Health Organization (WHO)"), if only one does."""
    orgs = {iri: rec for iri, rec in sorted(records.items()) if rec.kind == "Organization"}
    by_name: dict[str, list[str]] = {}
    for iri, rec in orgs.items():
        for n in rec.names:
            by_name.setdefault(normalise_name(n), []).append(iri)
    for _, iris in sorted(by_name.items()):
        first, *others = sorted(set(iris))
        for other in others:
            evidence = f"both are called “{records[first].name}” (articles {_list(records[other].articles)} / {_list(records[first].articles)})"
            links.link(Merge(other, first, "same name", evidence))
    carriers: dict[str, list[str]] = {}
    for iri, rec in orgs.items():
        for alt in rec.alternates:
            carriers.setdefault(normalise_name(alt), []).append(iri)
    for iri, rec in orgs.items():
        found = sorted({c for n in rec.names for c in carriers.get(normalise_name(n), []) if c != iri})
        clusters = {links.find(c) for c in found} - {links.find(iri)}
        if len(clusters) > 1:
            blocked.append(_blocked(records, iri, found, "ambiguous: several organisations use this name as an alias"))
        elif clusters:
            target = next(c for c in found if links.find(c) in clusters)
            evidence = f"“{rec.name}” is an alternate name of “{records[target].name}” (articles {_list(records[target].articles)})"
            links.link(Merge(iri, target, "alternate name", evidence))


def _alias_table(
    records: dict[str, EntityRecord], table: Sequence[AliasRow], links: _Links
) -> tuple[dict[str, set[str]], list[str]]:
    """Apply pinned rows; returns IRI → QIDs and warnings for names the store does not know."""
    by_name: dict[str, list[str]] = {}
    for iri, rec in sorted(records.items()):
        if rec.kind not in ("Person", "Organization"):
            continue  # places are one node already; groups are local to their article
        for n in rec.all_names():
            by_name.setdefault(bare_name(n), []).append(iri)
    qids: dict[str, set[str]] = {}
    holders: dict[str, list[str]] = {}
    warnings: list[str] = []
    for row in table:
        named = sorted(set(by_name.get(bare_name(row.name), [])))
        if not named:
            warnings.append(f"{row.where}: no person or organisation called “{row.name}” in the store")
            continue
        if row.qid is not None:
            for iri in named:
                qids.setdefault(iri, set()).add(row.qid)
                holders.setdefault(row.qid, []).append(iri)
            others = named[1:]
            what = f"alias table {row.where}: “{row.name}” is {row.qid}"
        else:
            others = [i for i in sorted(set(by_name.get(bare_name(row.alias), []))) if i != named[0]]
            what = f"alias table {row.where}: “{row.alias}” is “{row.name}”"
        for other in others:
            links.link(Merge(other, named[0], "alias table", what))
    for qid, iris in sorted(holders.items()):
        for other in sorted(set(iris))[1:]:
            links.link(Merge(other, sorted(set(iris))[0], "wikidata", f"both are {qid}"))
    return qids, warnings


# ---------------------------------------------------------------------------------- report


def _report(
    records: dict[str, EntityRecord],
    people: dict[str, PersonName],
    links: _Links,
    blocked: list[Blocked],
    qids: dict[str, set[str]],
    warnings: list[str],
) -> IdentityReport:
    groups: dict[str, list[str]] = {}
    for iri in sorted(records):
        groups.setdefault(links.find(iri), []).append(iri)
    identities: list[Identity] = []
    for members in groups.values():
        canonical = max(members, key=lambda m: _rank(records, people, m))
        member_set = set(members)
        identities.append(
            Identity(
                iri=canonical,
                kind=records[canonical].kind,
                name=records[canonical].name,
                members=sorted(members),
                names=sorted({n for m in members for n in records[m].all_names()}),
                articles=sorted({a for m in members for a in records[m].articles}),
                merges=sorted((m for m in links.merges if m.member in member_set), key=lambda m: (m.member, m.into, m.rule)),
                wikidata=sorted({q for m in members for q in qids.get(m, set())}),
            )
        )
    identities.sort(key=lambda i: (i.kind, i.name.casefold(), i.iri))
    return IdentityReport(identities, sorted(set(blocked), key=lambda b: (b.iri, b.reason)), warnings)


def _blocked(records: dict[str, EntityRecord], iri: str, candidates: Iterable[str], reason: str) -> Blocked:
    return Blocked(iri, records[iri].name, tuple(sorted(records[c].name for c in candidates)), reason)


def _org_words(name: str) -> frozenset[str]:
    return frozenset(w for w in re.split(r"[\s\-]+", normalise_name(name)) if w and w not in _FUNCTION_WORDS)


def _orgs(record: EntityRecord) -> list[set[frozenset[str]]]:
    return [{_org_words(n) for n in role.organization_names} for role in record.roles if role.organization_names]


def _roles_conflict(a: EntityRecord, b: EntityRecord) -> bool:
    """Both name organisations and none of A's is one of B's (same words, or one's words within the other's)."""
    orgs_a, orgs_b = _orgs(a), _orgs(b)
    if not orgs_a or not orgs_b:
        return False
    return not any(x <= y or y <= x for sa in orgs_a for sb in orgs_b for x in sa for y in sb if x and y)


def _shared_roles(a: EntityRecord, b: EntityRecord) -> str:
    titles = sorted({r.title for r in a.roles} & {r.title for r in b.roles})
    orgs = sorted({r.organization for r in a.roles if r.organization} & {r.organization for r in b.roles if r.organization})
    parts = [f"role “{t}”" for t in titles] + [f"organisation “{o}”" for o in orgs]
    return f"; both with {', '.join(parts)}" if parts else ""


def _orgs_text(records: dict[str, EntityRecord], iris: list[str]) -> str:
    parts = []
    for iri in iris:
        orgs = sorted({r.organization for r in records[iri].roles if r.organization})
        parts.append(f"“{records[iri].name}”: {', '.join(orgs) or '—'}")
    return "; ".join(parts)


def _middle_note(a: PersonName, b: PersonName) -> str:
    if a.middles == b.middles:
        return ""
    longer, shorter = (a, b) if len(a.middles) > len(b.middles) else (b, a)
    missing = " ".join(longer.middles[len(shorter.middles) :]) or " ".join(longer.middles)
    return f" (middle name or initial “{missing.title()}” in one form only)"


def _list(items: Iterable[str]) -> str:
    return ", ".join(sorted(items))
