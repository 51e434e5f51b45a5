"""Resolve speaker, addressee and topic mentions to the article's entities.

Names go through the person index (full name ↔ surname ↔ title), role descriptions ("an Iraqi
government spokesman") to the person the article names with that role, pronouns to the most
recent compatible person or group, organisation phrases ("Iraq's government", "the Pentagon") to
organisations, and unnamed plural sources ("officials", "analysts") to article-local groups.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

from spacy.attrs import LOWER
from spacy.tokens import Doc, Span, Token

from kg.model import Entity, EntityKind, Mention, Role
from kg.nlp.found import RawQuote
from kg.nlp.lexicon import ORG_LABELS, ORG_NOUNS, PLACE_LABELS, ROLE_NOUNS
from kg.nlp.names import clean_surface, normalise_name, strip_titles, without_article
from kg.nlp.quotemarks import find_quoted_spans, paragraphs
from kg.nlp.syntax import doc_text, entities, np_bounds, strip_determiner
from kg.resolve.gender import gender_of_first_name, gender_of_nouns
from kg.resolve.lexicon import FEMALE_PRONOUNS, MALE_PRONOUNS, NEUTER_PRONOUNS, PLURAL_PRONOUNS
from kg.resolve.names import PersonCluster, PersonIndex
from kg.resolve.roles import role_of_name
from kg.rules import (
    MAX_SENTENCES_BACK,
    ORGANISATION_ANAPHOR_WINDOW,
    REPORTED_FACTOR,
    ROLE_WEIGHT,
    SENTENCE_DECAY,
    SPEAKER_WEIGHT,
)

# Definite descriptions that refer back to a named organisation ("the company said").  Not
# "government", "military" or "police": those usually mean a country's, not the last one named.
COMPANY_ANAPHORS = frozenset(
    [
        "company",
        "firm",
        "corporation",
        "retailer",
        "utility",
        "agency",
        "organization",
        "organisation",
        "chain",
        "bank",
        "airline",
        "automaker",
        "carmaker",
        "startup",
        "insurer",
        "manufacturer",
        "group",
    ]
)
# Titles only a person bears (unlike "general", "chief" or "speaker", which name other things too).
PERSONAL_TITLES = frozenset(
    ["mr", "mrs", "ms", "miss", "dr", "sen", "senator", "rep", "gov", "governor", "mayor", "judge", "rev", "sgt",
     "capt", "col", "lt", "gen", "president", "councilman", "councilwoman", "congressman", "congresswoman"]
)
STOP_ROLE_WORDS = frozenset({"the", "a", "an", "of", "for", "at", "in", "and", "'s", "’s", ","})



@dataclass(frozen=True)
class ResolvedQuote:
    """The entities a quote's mentions resolved to."""

    speaker: str | None
    addressee: str | None
    about: list[str]
    resolution_rule: str | None  # how the speaker mention became `speaker` (kg.rules)


@dataclass(frozen=True)
class Salient:
    """A mention of an entity that a later pronoun may refer to."""

    start: int  # character offset
    key: str  # entity key
    sentence: int
    weight: float


class ArticleResolver:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc_text(doc)  # spaCy rebuilds Doc.text from the tokens on every access
        self.entities: dict[str, Entity] = {}
        self.persons = PersonIndex()
        self.cluster_entity: dict[int, str] = {}  # id(cluster) → entity key
        self.person_spans: dict[int, PersonCluster] = {}  # ent.start token → cluster
        self.sentence_starts = [sent.start_char for sent in doc.sents]
        quoted = find_quoted_spans(self.text, paragraphs(self.text))
        self.quoted_opens = [q.open for q in quoted]
        self.quoted_closes = [q.close for q in quoted]
        self.reported: list[tuple[int, int]] = []  # content spans of the quotations being resolved
        self.salient: list[Salient] = []  # mentions pronouns may refer to, in text order
        self._index_names()

    # ------------------------------------------------------------ entity bookkeeping
    def _entity(self, kind: EntityKind, name: str, start: int, end: int, form: str = "name") -> str:
        name = clean_surface(name)
        key = normalise_name(name)
        entity = self.entities.get(key)
        if entity is None:
            entity = Entity(key=key, kind=kind, name=name)
            self.entities[key] = entity
        elif name != entity.name:
            entity.alternate_names.add(name)
        entity.mentions.append(Mention(self.text[start:end], start, end, form, kind))  # type: ignore[arg-type]
        return key

    def _person_entity(self, cluster: PersonCluster, start: int, end: int, form: str = "name") -> str:
        key = self.cluster_entity.get(id(cluster))
        if key is None:
            key = normalise_name(cluster.name)
            self.cluster_entity[id(cluster)] = key
        entity = self.entities.get(key)
        if entity is None or entity.kind != "Person":
            entity = Entity(key=key, kind="Person", name=cluster.name)
            self.entities[key] = entity
        entity.name = cluster.name
        entity.alternate_names = {f for f in cluster.forms if f != cluster.name}
        entity.mentions.append(Mention(self.text[start:end], start, end, form, "Person"))  # type: ignore[arg-type]
        return key

    # ------------------------------------------------------------ article-wide index
    def _index_names(self) -> None:
        persons = [e for e in entities(self.doc) if e.label_ == "PERSON"]
        self.persons.add_full_names([(e.start_char, e.text) for e in persons])
        for ent in persons:
            cluster = self.persons.resolve(ent.text, ent.start_char)
            if cluster is None:
                continue
            self.person_spans[ent.start] = cluster
            key = self._person_entity(cluster, ent.start_char, ent.end_char)
            if ent.root.dep_ not in {"compound", "amod"}:
                # "the Obama administration" names Obama but does not make him the topic a later
                # "he" refers to.
                self._remember(ent.start_char, key, ent.root.dep_)
            role = self._role_of(ent)
            if role is not None:
                entity = self.entities[key]
                if all(r.title != role.title for r in entity.roles):
                    entity.roles.append(role)
                cluster.gender = cluster.gender or gender_of_nouns(f"{role.title} {role.rank or ''}".split())
        self._remember_untagged_surnames(persons)
        for cluster in self.persons.clusters:
            words = cluster.name.split()
            if cluster.gender is None and len(words) >= 2:
                cluster.gender = gender_of_first_name(words[0])
        for ent in entities(self.doc):
            if ent.label_ in ORG_LABELS:
                self._entity("Organization", without_article(ent.text), ent.start_char, ent.end_char)
            elif ent.label_ in PLACE_LABELS:
                self._entity("Place", without_article(ent.text), ent.start_char, ent.end_char)
        self.salient.sort(key=lambda m: m.start)

    def _remember_untagged_surnames(self, persons: list[Span]) -> None:
        """A known person's surname the entity recogniser missed ("Ham made it clear …" after
        "Gen. Norman Ham"; often tagged ORG or nothing) is still a mention a later "he" may
        refer to: the subject of the paragraph must not lose to a name in its prepositional phrase."""
        tagged = {t.i for ent in persons for t in ent}
        surnames = {c.words()[-1]: c for c in self.persons.clusters if len(c.words()) >= 2}
        if not surnames:
            return
        # Look only at tokens spelled like a surname (one pass over the lower-cased forms).
        lowers = self.doc.to_array(LOWER)
        wanted = {self.doc.vocab.strings.add(name) for name in surnames}
        for i in (i for i, lower in enumerate(lowers.tolist()) if lower in wanted):
            token = self.doc[i]
            if (token.i in tagged or token.pos_ != "PROPN" or not token.text[:1].isupper()
                    or token.dep_ in {"compound", "amod", "poss"}):
                continue
            cluster = surnames.get(normalise_name(token.text))
            if cluster is None or not any(p < token.idx for p in cluster.positions):
                continue
            key = self.cluster_entity.get(id(cluster))
            if key is not None and key in self.entities:  # salience only: no new mention
                self._remember(token.idx, key, token.dep_)

    def _remember(self, start: int, key: str, dep: str, bonus: float = 0.0) -> None:
        """Record a mention for later pronouns; words inside quotation marks never count (the
        people a speaker talks about are not who "he said" refers to)."""
        n = bisect.bisect_right(self.quoted_opens, start) - 1
        if n >= 0 and start < self.quoted_closes[n]:
            return
        weight = 1.0 + ROLE_WEIGHT.get(dep, 0.0) + bonus
        if any(a <= start < b for a, b in self.reported):
            weight *= REPORTED_FACTOR
        sentence = bisect.bisect_right(self.sentence_starts, start) - 1
        bisect.insort(self.salient, Salient(start, key, sentence, weight), key=lambda m: m.start)

    def _role_of(self, ent: Span) -> Role | None:
        """Role words before the name in its noun phrase, or in an apposition next to it
        (parsed into title / rank / organisation by kg.resolve.roles)."""
        return role_of_name(ent)

    # ------------------------------------------------------------ resolution
    def resolve_quotes(self, quotes: list[RawQuote]) -> list[ResolvedQuote]:
        """Speaker, addressee and topics of each quote, in order."""
        out = []
        self.reported = [(q.start, q.end) for q in quotes if q.type != "direct"]
        for quote in quotes:
            speaker, rule = self.resolve_with_rule(quote.speaker) if quote.speaker is not None else (None, None)
            if speaker is not None and quote.speaker is not None:
                self._remember(quote.speaker.start_char, speaker, quote.speaker.root.dep_, SPEAKER_WEIGHT)
            addressee = self.resolve_phrase(quote.addressee) if quote.addressee is not None else None
            about = self._about(quote.start, quote.end)
            out.append(ResolvedQuote(speaker, addressee, about, rule))
        return out

    def resolve_phrase(self, phrase: Span) -> str | None:
        return self.resolve_with_rule(phrase)[0]

    def resolve_with_rule(self, phrase: Span) -> tuple[str | None, str | None]:
        """The entity key a mention refers to, and the name of the resolution rule that chose it
        (kg.rules.RESOLUTION_RULES)."""
        span = strip_determiner(phrase)
        if len(span) == 0:
            return None, None
        root = span.root
        start, end = span.start_char, span.end_char
        person = self._person_named_by(span)
        if person is not None:
            cluster = self.person_spans.get(person.start) or self.persons.resolve(
                person.text, person.start_char
            )
            if cluster is not None:
                # The mention names part of a name the article gives in full ("Gonzalez"), or the name.
                partial = len(clean_surface(person.text).split()) < len(cluster.name.split())
                rule = "known-surname" if partial else "person-name"
                return self._person_entity(cluster, person.start_char, person.end_char), rule
        # Beyond the person search, only the core phrase counts (not its apposition).
        core_start, core_end = np_bounds(root)
        span = strip_determiner(self.doc[max(core_start, span.start) : min(core_end, span.end)])
        start, end = span.start_char, span.end_char
        lower = root.lower_
        if (
            root.pos_ == "PRON"
            or lower in MALE_PRONOUNS | FEMALE_PRONOUNS | PLURAL_PRONOUNS | NEUTER_PRONOUNS
        ):
            key = self._pronoun(root, start)
            return key, "pronoun" if key is not None else None
        if root.pos_ == "PROPN" or root.text.istitle():
            # A surname the tagger or NER read as something else ("Mills" as a plural noun or an
            # ORG) is still the person the article named in full.
            known = self.persons.resolve(span.text, start, create=False)
            if known is not None and len(known.words()) > len(span.text.split()):
                return self._person_entity(known, start, end), "known-surname"
        org = next((e for e in entities(self.doc) if e.label_ in ORG_LABELS and e.start <= root.i < e.end), None)
        if org is not None:
            first = org.start
            # NER often cuts a long name short ("World Travel and [Tourism Council]"): take the
            # capitalised words before it that belong to the same phrase.
            while (
                first - 1 >= span.start
                and (
                    self.doc[first - 1].text[:1].isupper()
                    or self.doc[first - 1].lower_ in {"and", "of", "&", "for"}
                )
                and self.doc[first - 1].pos_ != "DET"
            ):
                first -= 1
            while first < org.start and not self.doc[first].text[:1].isupper():
                first += 1
            name_span = self.doc[first : org.end]
            key = self._entity(
                "Organization", without_article(name_span.text), name_span.start_char, name_span.end_char
            )
            return key, "organisation-name"
        plural = root.tag_ in {"NNS", "NNPS"}
        lemma = root.lemma_.lower()
        if not plural and len(span) == 1 and lemma in COMPANY_ANAPHORS and phrase.start < span.start:
            # "the company said": the organisation last named before it.
            named = self._last_named_org(start)
            if named is not None:
                self.entities[named].mentions.append(Mention(span.text, start, end, "role", "Organization"))
                return named, "company-anaphor"
        if lemma in ORG_NOUNS and not plural:
            return self._entity("Organization", span.text, start, end, "role"), "organisation-noun"
        if lemma in ROLE_NOUNS and not plural:
            person_key = self._person_with_role(span)
            if person_key is not None:
                self.entities[person_key].mentions.append(Mention(span.text, start, end, "role", "Person"))
                return person_key, "role-description"
            return self._role_group(root, span, start, end), "group"
        if root.pos_ == "PROPN" and not plural:
            cluster = self.persons.resolve(span.text, start, create=False)
            if cluster is not None:
                return self._person_entity(cluster, start, end), "known-surname"
            place = next(
                (e for e in entities(self.doc) if e.label_ in PLACE_LABELS and e.start <= root.i < e.end), None
            )
            if place is None and _reads_as_person_name(span.text):
                # The tagger missed a person ("Mayor Ana Ruiz vowed …"): a title or a known
                # first name before the surname says who it is.
                cluster = self.persons.resolve(span.text, start)
                if cluster is not None:
                    return self._person_entity(cluster, start, end), "untagged-person-name"
            kind: EntityKind = "Place" if place is not None else "Organization"
            return self._entity(kind, span.text, start, end), "proper-noun"
        return self._entity("Group", span.text, start, end, "group"), "group"

    def _person_named_by(self, span: Span) -> Span | None:
        """The PERSON entity that is the phrase itself or stands in apposition to it ("the
        leader of Ennahda, Rachid Ghannouchi"); never a possessor or modifier inside it
        ("Mr. Trump's campaign manager", "a Clinton surrogate", "Clinton campaign chairman …")."""
        root = span.root
        best: tuple[int, Span] | None = None
        for ent in entities(self.doc):
            if ent.label_ != "PERSON" or not (ent.start < span.end and span.start < ent.end):
                continue
            if ent.start <= root.i < ent.end:
                rank = 0  # the head of the phrase is the name
            elif _modifies_inside(ent.root, span):
                continue  # a possessor, compound or adjective of a word of the phrase
            elif ent.root.dep_ == "appos":
                rank = 1
            else:
                rank = 2
            if best is None or rank < best[0]:
                best = (rank, ent)
        return best[1] if best else None

    def _role_group(self, root: Token, span: Span, start: int, end: int) -> str:
        """An unnamed holder of a role: "a spokesperson for the European Commission" is the group
        "spokesperson for the European Commission" (the organisation kept in its name, so that
        `kg who` and the listings tell it from other spokespeople), and a later bare "the
        spokesperson" is the last such group the article named."""
        for prep in root.children:
            if prep.dep_ != "prep" or prep.lower_ not in {"for", "of", "at", "with"}:
                continue
            objects = [t for t in prep.children if t.dep_ == "pobj"]
            org = next((e for e in entities(self.doc) if e.label_ in ORG_LABELS
                        and any(e.start <= t.i < e.end for t in objects)), None)
            if org is not None:
                tail = self.doc[prep.i : max(org.end, max(t.i for t in objects) + 1)]
                name = f"{span.text} {tail.text}"
                return self._entity("Group", name, start, tail.end_char if tail.end_char > end else end, "group")
        prefix = normalise_name(span.text) + " "
        earlier = [(min(m.start for m in e.mentions), key) for key, e in self.entities.items()
                   if e.kind == "Group" and key.startswith(prefix) and e.mentions and min(m.start for m in e.mentions) < start]
        if earlier:
            key = max(earlier)[1]
            self.entities[key].mentions.append(Mention(span.text, start, end, "group", "Group"))
            return key
        return self._entity("Group", span.text, start, end, "group")

    def _last_named_org(self, position: int) -> str | None:
        window = [
            e for e in entities(self.doc) if e.label_ in ORG_LABELS and position - ORGANISATION_ANAPHOR_WINDOW < e.start_char < position
        ]
        if not window:
            return None
        key = normalise_name(without_article(window[-1].text))
        return key if key in self.entities else None

    def _pronoun(self, token: Token, position: int) -> str | None:
        """The most salient compatible entity mentioned before the pronoun (see ROLE_WEIGHT)."""
        lower = token.lower_
        if lower in MALE_PRONOUNS | FEMALE_PRONOUNS:
            wanted = "m" if lower in MALE_PRONOUNS else "f"

            def compatible(entity: Entity) -> bool:
                return entity.kind == "Person" and self._gender(entity) in (None, wanted)

            key = self._most_salient(position, compatible)
            if key is not None:
                self._set_gender(self.entities[key], wanted)
            return key
        if lower in PLURAL_PRONOUNS | NEUTER_PRONOUNS:
            return self._most_salient(position, lambda e: e.kind in {"Organization", "Group"})
        return None

    def _most_salient(self, position: int, compatible: Callable[[Entity], bool]) -> str | None:
        here = bisect.bisect_right(self.sentence_starts, position) - 1
        scores: dict[str, float] = {}
        latest: dict[str, int] = {}
        end = bisect.bisect_left([m.start for m in self.salient], position)
        for mention in self.salient[:end]:
            back = here - mention.sentence
            if back > MAX_SENTENCES_BACK:
                continue
            entity = self.entities.get(mention.key)
            if entity is None or not compatible(entity):
                continue
            scores[mention.key] = scores.get(mention.key, 0.0) + mention.weight * SENTENCE_DECAY**back
            latest[mention.key] = mention.start
        if not scores:
            return None
        # Highest salience; on a tie the one mentioned last.
        return max(scores, key=lambda k: (scores[k], latest[k]))

    def _gender(self, entity: Entity) -> str | None:
        for cluster in self.persons.clusters:
            if normalise_name(cluster.name) == entity.key:
                return cluster.gender
        return None

    def _set_gender(self, entity: Entity, gender: str) -> None:
        for cluster in self.persons.clusters:
            if normalise_name(cluster.name) == entity.key and cluster.gender is None:
                cluster.gender = gender

    def _person_with_role(self, span: Span) -> str | None:
        """'an Iraqi government spokesman' → the person the article calls 'Iraqi government spokesman'."""
        words = {t.lower_ for t in span if t.lower_ not in STOP_ROLE_WORDS}
        head = span.root.lower_
        best: tuple[int, str] | None = None
        for key, entity in self.entities.items():
            if entity.kind != "Person":
                continue
            for role in entity.roles:
                described = f"{role.title} {role.organization or ''} {role.rank or ''}"
                role_words = {w.lower() for w in described.replace(",", " ").split()}
                if head not in role_words:
                    continue
                score = len(words & role_words)
                if best is None or score > best[0]:
                    best = (score, key)
        return best[1] if best else None

    def _about(self, start: int, end: int) -> list[str]:
        keys: list[str] = []
        for ent in entities(self.doc):
            if not (start <= ent.start_char and ent.end_char <= end):
                continue
            if ent.label_ == "PERSON":
                cluster = self.person_spans.get(ent.start)
                key = self.cluster_entity.get(id(cluster)) if cluster else None
            elif ent.label_ in ORG_LABELS | PLACE_LABELS:
                key = normalise_name(without_article(ent.text))
            else:
                key = None
            if key and key in self.entities and key not in keys:
                keys.append(key)
        return sorted(keys)


def _modifies_inside(token: Token, span: Span) -> bool:
    """True when `token` (the root of a name) hangs as a possessor / compound / modifier off a word
    of `span`: the name describes someone else."""
    return token.dep_ in {"poss", "compound", "amod", "nmod", "npadvmod"} and span.start <= token.head.i < span.end


def _reads_as_person_name(text: str) -> bool:
    """ "Mayor Ana Ruiz", "Ana Ruiz", "Sen. Boyd": capitalised words after a personal title, or
    a first name the first-name table knows followed by one to three capitalised words."""
    name, titles = strip_titles(clean_surface(text))
    words = name.split()
    if not words or not all(w[:1].isupper() for w in words) or len(words) > 4:
        return False
    if titles and any(t.lower().rstrip(".") in PERSONAL_TITLES for t in titles):
        return True
    return len(words) >= 2 and gender_of_first_name(words[0]) is not None
