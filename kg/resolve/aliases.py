"""Organisation and place aliases within one article: several names, one entity.

Applied once per article, after speakers are resolved (`merge_aliases`).  Each rule needs
evidence in the article itself; people are never merged here (kg.resolve.names clusters them).

1. **Parentheses**: `Daesh (ISIS)`, `Marine Stewardship Council (MSC)`: the two names are one
   entity; an acronym in parentheses that is not otherwise an entity becomes an alternate name.
2. **Apposition**: `the coalition, Operation Inherent Resolve,`: two organisation names in
   apposition.
3. **"-owned" adjectives**: `Kroger-owned` is `Kroger`.
4. **Same words, other order**: `Department of Environmental Protection` = `Environmental
   Protection Department`; a country in front changes nothing (`New Zealand Department of
   Conservation` = `Department of Conservation`) — a state or city would (`Florida Supreme Court`).
5. **Bare head noun**: `the coalition` is the article's only `… coalition` (`US-led coalition`).
6. **Shared modifier**: a description and a name carrying the same distinctive modifier
   (`US-led coalition`, `US-led Operation Inherent Resolve`) are one organisation, named by the
   name without the modifier (`Operation Inherent Resolve`).  Nationality modifiers are not
   distinctive (`Iraqi government` ≠ `Iraqi Security Forces`).
7. **Possessive country = nationality**: `Iraq's government` is also called `Iraqi government`
   when the article uses that form (so a role's organisation "Iraqi government" finds it).
8. **Country abbreviations**: `US`, `U.S.` → `United States`; `UK` → `United Kingdom` (places
   only, so the same country has one IRI in every article).

Merging keeps the canonical entity's kind and key; the alias's names become alternate names and
every quotation and event reference to the alias is rewritten (`merge_entities`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from kg.model import Analysis, Entity
from kg.nlp.lexicon import ORG_NOUNS
from kg.nlp.names import clean_surface, normalise_name, without_article
from kg.nlp.syntax import doc_text, entities
from kg.resolve.roles import DEMONYMS, country_of

ALIAS_KINDS = frozenset({"Organization", "Place"})
_ADJECTIVAL = re.compile(r"^(.+)-(owned|led|backed|based|linked|run|funded|controlled|affiliated)$")
_FUNCTION_WORDS = frozenset({"the", "of", "for", "and", "&", "'s", "on", "in"})
_ACRONYM = re.compile(r"^[A-Z][A-Z.&-]{1,9}$")
COUNTRY_ABBREVIATIONS: dict[str, str] = {
    "us": "United States", "u.s": "United States", "usa": "United States", "u.s.a": "United States",
    "uk": "United Kingdom", "u.k": "United Kingdom",
}
_COUNTRY_OF_DEMONYM = {country.casefold(): demonym for demonym, country in DEMONYMS.items()}


@dataclass(frozen=True)
class AliasLink:
    """One merge decision: `alias` (a name) was folded into the entity keyed `canonical`."""

    alias: str
    canonical: str
    rule: str


# ---------------------------------------------------------------------------------- merging


def merge_entities(analysis: Analysis, alias_key: str, canonical_key: str) -> None:
    """Fold entity `alias_key` into `canonical_key` and rewrite every reference to it."""
    if alias_key == canonical_key:
        return
    alias = analysis.entities.get(alias_key)
    canonical = analysis.entities.get(canonical_key)
    if alias is None or canonical is None:
        return
    canonical.alternate_names |= {alias.name, *alias.alternate_names}
    canonical.alternate_names.discard(canonical.name)
    canonical.mentions = sorted([*canonical.mentions, *alias.mentions], key=lambda m: (m.start, m.end))
    for role in alias.roles:
        if all(r.title != role.title for r in canonical.roles):
            canonical.roles.append(role)
    del analysis.entities[alias_key]

    def swap(key: str | None) -> str | None:
        return canonical_key if key == alias_key else key

    for q in analysis.quotations:
        q.speaker = swap(q.speaker)
        q.addressee = swap(q.addressee)
        q.about = sorted({k for k in (swap(a) for a in q.about) if k and k != q.speaker})
    for event in analysis.events:
        event.place = swap(event.place)
        event.participants = sorted({k for k in (swap(p) for p in event.participants) if k})


def rename_entity(analysis: Analysis, key: str, name: str) -> str:
    """Give entity `key` the canonical name `name` (its key follows); returns the new key."""
    entity = analysis.entities[key]
    new_key = normalise_name(name)
    if new_key == key:
        return key
    target = analysis.entities.get(new_key)
    if target is None:
        target = Entity(key=new_key, kind=entity.kind, name=clean_surface(name))
        analysis.entities[new_key] = target
    merge_entities(analysis, key, new_key)
    return new_key


def merge_aliases(analysis: Analysis, doc: Doc) -> list[AliasLink]:
    """Apply the alias rules of this module to one article's analysis, in order."""
    links: list[AliasLink] = []
    for rule in (_adjectival, _parentheses, _appositions, _same_words, _bare_head, _shared_modifier,
                 _demonym_variant, _country_abbreviation):
        links.extend(rule(analysis, doc))
    return links


# ---------------------------------------------------------------------------------- rules


def _candidates(analysis: Analysis) -> list[Entity]:
    return [e for _, e in sorted(analysis.entities.items()) if e.kind in ALIAS_KINDS]


def _key_of(analysis: Analysis, text: str) -> str | None:
    key = normalise_name(without_article(text))
    entity = analysis.entities.get(key)
    return key if entity is not None and entity.kind in ALIAS_KINDS else None


def _fold(analysis: Analysis, alias: str, canonical: str, rule: str) -> list[AliasLink]:
    if alias == canonical or alias not in analysis.entities or canonical not in analysis.entities:
        return []
    name = analysis.entities[alias].name
    merge_entities(analysis, alias, canonical)
    return [AliasLink(name, canonical, rule)]


def _by_mentions(analysis: Analysis, a: str, b: str) -> tuple[str, str]:
    """(alias, canonical): the name used more often wins; ties go to `b`."""
    ea, eb = analysis.entities[a], analysis.entities[b]
    return (b, a) if len(ea.mentions) > len(eb.mentions) else (a, b)


def _adjectival(analysis: Analysis, doc: Doc) -> list[AliasLink]:
    links: list[AliasLink] = []
    for entity in _candidates(analysis):
        found = _ADJECTIVAL.match(entity.key)
        if found and found.group(1) in analysis.entities:
            links += _fold(analysis, entity.key, found.group(1), "adjectival")
    return links


def _is_acronym_of(short: str, long: str) -> bool:
    letters = "".join(c for c in short if c.isalpha())
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w'-]*", long) if w.lower() not in _FUNCTION_WORDS)
    return len(letters) >= 2 and letters.upper() == initials.upper()


def _parentheses(analysis: Analysis, doc: Doc) -> list[AliasLink]:
    links: list[AliasLink] = []
    for ent in entities(doc):
        after = ent.end
        if after + 2 >= len(doc) or doc[after].text != "(":
            continue
        close = next((t.i for t in doc[after + 1 : after + 8] if t.text == ")"), None)
        if close is None or close == after + 1:
            continue
        inner = doc[after + 1 : close].text
        outer_key = _key_of(analysis, ent.text)
        if outer_key is None:
            continue
        inner_key = _key_of(analysis, inner)
        if inner_key is None:
            if _ACRONYM.match(inner) and _is_acronym_of(inner, ent.text):
                analysis.entities[outer_key].alternate_names.add(clean_surface(inner))
            continue
        if inner_key == outer_key:
            continue
        if _is_acronym_of(inner, analysis.entities[outer_key].name):
            alias, canonical = inner_key, outer_key  # the spelled-out name is the better label
        elif _is_acronym_of(ent.text, analysis.entities[inner_key].name):
            alias, canonical = outer_key, inner_key
        else:
            alias, canonical = _by_mentions(analysis, outer_key, inner_key)
        links += _fold(analysis, alias, canonical, "parentheses")
    return links


def _appositions(analysis: Analysis, doc: Doc) -> list[AliasLink]:
    links: list[AliasLink] = []
    ent_at = {t.i: e for e in entities(doc) if e.label_ == "ORG" for t in e}
    for ent in entities(doc):
        if ent.label_ != "ORG":
            continue
        for child in ent.root.children:
            other = ent_at.get(child.i)
            if child.dep_ != "appos" or other is None or other == ent:
                continue
            a, b = _key_of(analysis, ent.text), _key_of(analysis, other.text)
            if a and b and a != b:
                alias, canonical = _by_mentions(analysis, a, b)
                links += _fold(analysis, alias, canonical, "apposition")
    return links


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"\s+", normalise_name(name)) if w and w not in _FUNCTION_WORDS]


def _is_country(words: list[str]) -> bool:
    text = " ".join(words)
    return text in _COUNTRY_OF_DEMONYM or text in COUNTRY_ABBREVIATIONS


def _same_words(analysis: Analysis, doc: Doc) -> list[AliasLink]:
    links: list[AliasLink] = []
    orgs = [e for e in _candidates(analysis) if e.kind == "Organization"]
    for a in orgs:
        for b in orgs:
            if a.key >= b.key or a.key not in analysis.entities or b.key not in analysis.entities:
                continue
            wa, wb = _words(a.name), _words(b.name)
            if len(wa) < 2 or len(wb) < 2:
                continue
            if sorted(wa) == sorted(wb):
                alias, canonical = _by_mentions(analysis, a.key, b.key)
            elif set(wa) < set(wb) and _is_country([w for w in wb if w not in wa]):
                alias, canonical = a.key, b.key
            elif set(wb) < set(wa) and _is_country([w for w in wa if w not in wb]):
                alias, canonical = b.key, a.key
            else:
                continue
            links += _fold(analysis, alias, canonical, "same words")
    return links


def _bare_head(analysis: Analysis, doc: Doc) -> list[AliasLink]:
    links: list[AliasLink] = []
    for entity in _candidates(analysis):
        word = entity.key
        if entity.kind != "Organization" or " " in word or word not in ORG_NOUNS:
            continue
        # Descriptions ending in the same common noun, written lower-case ("US-led coalition").
        longer = [
            e for e in _candidates(analysis)
            if e.key != word and e.kind == "Organization" and e.name.split()[-1] == word and " " in e.name
        ]
        if len(longer) == 1:
            links += _fold(analysis, entity.key, longer[0].key, "bare head")
    return links


def _shared_modifier(analysis: Analysis, doc: Doc) -> list[AliasLink]:
    orgs = [e for e in _candidates(analysis) if e.kind == "Organization"]
    descriptions: dict[str, list[Entity]] = {}
    names: dict[str, list[Entity]] = {}
    for e in orgs:
        words = e.name.split()
        if len(words) < 2:
            continue
        modifier = words[0].casefold()
        if _is_country([modifier]) or modifier in DEMONYMS or country_of(words[0], doc) is not None:
            continue
        rest = words[1:]
        if len(rest) == 1 and rest[0].islower():
            descriptions.setdefault(modifier, []).append(e)
        elif all(w[:1].isupper() for w in rest):
            names.setdefault(modifier, []).append(e)
    links: list[AliasLink] = []
    for modifier, described in sorted(descriptions.items()):
        named = names.get(modifier, [])
        if len(described) != 1 or len(named) != 1:
            continue
        name_entity = named[0]
        bare = " ".join(name_entity.name.split()[1:])
        canonical = rename_entity(analysis, name_entity.key, bare)
        analysis.entities[canonical].alternate_names.add(name_entity.name)
        links.append(AliasLink(name_entity.name, canonical, "shared modifier"))
        links += _fold(analysis, described[0].key, canonical, "shared modifier")
    return links


def _demonym_variant(analysis: Analysis, doc: Doc) -> list[AliasLink]:
    links: list[AliasLink] = []
    text = doc_text(doc).replace("’", "'")
    for entity in _candidates(analysis):
        found = re.match(r"^(.+?)['’]s (.+)$", entity.name)
        if entity.kind != "Organization" or not found:
            continue
        country, rest = found.group(1), found.group(2)
        demonyms = {_COUNTRY_OF_DEMONYM.get(country.casefold(), "")}
        demonyms |= {e.text for e in entities(doc) if e.label_ == "NORP" and country_of(e.text, doc) == country}
        for demonym in sorted(d for d in demonyms if d):
            variant = re.search(rf"\b{re.escape(demonym)} {re.escape(rest)}\b", text, re.IGNORECASE)
            if variant is None:
                continue
            surface = clean_surface(variant.group(0))
            surface = surface[0].upper() + surface[1:]
            other = normalise_name(surface)
            if other in analysis.entities and other != entity.key:
                alias, canonical = _by_mentions(analysis, other, entity.key)
                links += _fold(analysis, alias, canonical, "demonym")
            elif entity.key in analysis.entities:
                analysis.entities[entity.key].alternate_names.add(surface)
                links.append(AliasLink(surface, entity.key, "demonym"))
    return links


def _country_abbreviation(analysis: Analysis, doc: Doc) -> list[AliasLink]:
    links: list[AliasLink] = []
    for entity in _candidates(analysis):
        full = COUNTRY_ABBREVIATIONS.get(entity.key)
        if entity.kind != "Place" or full is None:
            continue
        name = entity.name
        canonical = rename_entity(analysis, entity.key, full)
        links.append(AliasLink(name, canonical, "country abbreviation"))
    return links
