"""Events an article reports with a time or a place ("ISIS declared a caliphate in 2014").

One general rule over the parse of the already analysed Doc (no second spaCy pass):

* A **trigger** is a verb or an event noun ("invasion", "elections", "liberation").  Speech verbs
  that report something (a cue of a quotation, or a verb with a clausal complement) are skipped —
  those statements are quotations already — and so are stative verbs (be, have, hold, stand,
  remain, …), negated verbs and auxiliaries.
* It is an event only when a **point in time** is attached to it — "in/on/during/at" + a DATE or
  TIME entity, or a DATE modifier ("Last December, …", "the 2003 invasion", "March elections")
  — or a **place**: "in/at/across/near" + a GPE/LOC/FAC entity ("liberation of Mosul": "of" + a
  place for event nouns).  Durations ("in more than three years") are not points in time.
* A support verb whose object is an event noun ("is facing national elections in March") yields
  the noun as the event, with the verb's time, place and subject.
* **Participants** are the entities heading the subject and the object (a relative "who" is its
  antecedent; a coordinated verb shares its first conjunct's subject); they are looked up among
  the entities the resolver already knows and never create new ones.
* The time expression is normalised by kg.resolve.timex against the publication date: "past"
  for past-tense clauses, "future" otherwise ("elections in March" in a February article).

The evidence of an event is its sentence; a quotation is linked to the events whose trigger lies
inside its content (`link_quotations`).
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from kg.extract.lexicon import REPORTING_VERBS
from kg.model import Article, Event, Quotation
from kg.nlp.lexicon import PLACE_LABELS
from kg.nlp.names import normalise_name, without_article
from kg.nlp.syntax import entities, np_bounds, token_indices
from kg.resolve.speakers import ArticleResolver
from kg.resolve.timex import is_point_in_time, normalise_time

STATIVE_VERBS = frozenset(
    ["be", "have", "hold", "stand", "remain", "stay", "seem", "appear", "become", "exist", "include",
     "contain", "consist", "own", "belong", "lie", "sit", "know", "think", "believe", "want", "need",
     "like", "love", "hate", "hope", "expect", "feel", "mean", "matter", "cost", "weigh", "equal",
     "look", "sound", "get", "do", "make", "take", "go", "come", "keep", "continue", "use", "see"]
)
EVENT_NOUNS = frozenset(
    ["invasion", "election", "vote", "referendum", "liberation", "attack", "assault", "bombing", "airstrike",
     "war", "battle", "offensive", "siege", "occupation", "withdrawal", "deployment", "coup", "protest",
     "demonstration", "rally", "summit", "visit", "talks", "negotiation", "ceasefire", "truce", "treaty",
     "inauguration", "resignation", "arrest", "trial", "verdict", "execution", "killing", "shooting",
     "massacre", "explosion", "blast", "earthquake", "flood", "hurricane", "crash", "collapse", "recession",
     "crisis", "launch", "merger", "acquisition", "takeover", "bankruptcy", "outbreak", "ceremony",
     "funeral", "festival", "victory", "defeat", "revolution", "uprising", "stranding", "strike", "fire",
     "raid", "ambush", "kidnapping", "evacuation", "shutdown", "election", "primary", "caucus", "hearing",
     "storm", "tsunami", "famine", "epidemic", "pandemic", "independence", "annexation", "liberation"]
)
TIME_PREPS = frozenset({"in", "on", "during", "at"})
PLACE_PREPS = frozenset({"in", "at", "across", "near", "inside", "outside", "throughout"})
TIME_LABELS = frozenset({"DATE", "TIME"})
# An event's actor is a noun phrase: its subject when nominal, active or passive (a clausal subject
# — "What he did angered them" — names no one; kg.extract.attribution counts those as subjects too).
NOMINAL_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
OBJECT_DEPS = frozenset({"dobj", "attr", "oprd"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
TRIGGER_POS = ("VERB", "NOUN")  # the parts of speech `_EventFinder.event_at` looks at
MAX_OBJECT_GAP = 5  # tokens between a verb and an entity its parse failed to attach as object


def extract_events(
    doc: Doc, resolver: ArticleResolver, article: Article, quotations: Iterable[Quotation] = ()
) -> list[Event]:
    """The dated or placed events of one parsed article, in text order."""
    finder = _EventFinder(doc, resolver, article, list(quotations))
    events: dict[str, Event] = {}
    for i in token_indices(doc, pos=TRIGGER_POS):  # `event_at` only acts on verbs and nouns
        event = finder.event_at(doc[i])
        if event is not None and event.key not in events:
            events[event.key] = event
    return sorted(events.values(), key=lambda e: (e.trigger_start or 0, e.key))


def link_quotations(quotations: Iterable[Quotation], events: Iterable[Event]) -> None:
    """Record on each quotation the events whose trigger lies inside its content."""
    events = list(events)
    for q in quotations:
        q.events = [e.key for e in events if e.trigger_start is not None and q.start <= e.trigger_start < q.end]


class _EventFinder:
    def __init__(self, doc: Doc, resolver: ArticleResolver, article: Article, quotations: list[Quotation]) -> None:
        self.doc = doc
        self.resolver = resolver
        self.article = article
        self.ent_at: dict[int, Span] = {t.i: e for e in entities(doc) for t in e}
        # Cues of the article's quotations, by (sentence start, cue text): their verbs are speech acts.
        self.cues = {(q.sentence_start, q.cue) for q in quotations if q.cue}
        self.support_objects: set[int] = set()  # event nouns already taken through their support verb

    # -------------------------------------------------------------------------------- triggers

    def event_at(self, token: Token) -> Event | None:
        if token.pos_ == "VERB":
            return self._verb_event(token)
        if token.pos_ == "NOUN" and token.lemma_.lower() in EVENT_NOUNS and token.i not in self.support_objects:
            return self._noun_event(token, token, _past(token))
        return None

    def _verb_event(self, verb: Token) -> Event | None:
        lemma = verb.lemma_.lower()
        if lemma in STATIVE_VERBS or any(c.dep_ == "neg" for c in verb.children) or self._is_speech(verb):
            return None
        time = self._time_of(verb)
        place = self._place_of(verb)
        if time is None and place is None:
            return None
        obj = next((c for c in verb.children if c.dep_ in OBJECT_DEPS), None)
        if obj is not None and obj.pos_ == "NOUN" and obj.lemma_.lower() in EVENT_NOUNS:
            # "is facing national elections in March": the elections are the event.
            self.support_objects.add(obj.i)
            return self._noun_event(obj, verb, _past(verb), time=time, place=place)
        subject = self._subject(verb)
        obj_head = obj or self._loose_object(verb)
        if place is None and subject is not None and self._key(subject) is None:
            # "The US combat mission in Iraq ended in 2010": a dated event takes the place of
            # its (common-noun) subject.
            place = self._place_of(subject, preps=frozenset({"in", "at"})) if time is not None else None
        label = " ".join(p for p in (self._phrase(subject), verb.text, self._phrase(obj_head)) if p)
        arguments = [a for a in (subject, obj_head) if a is not None]
        # The argument heads and the entities modifying them ("US" in "US combat mission").
        participants = [self._key(a) for a in arguments]
        participants += [self._key(c) for a in arguments for c in a.children if c.dep_ in {"compound", "poss", "nmod"}]
        return self._event(verb, label, time, place, [k for k in participants if k], _past(verb))

    def _noun_event(
        self, noun: Token, governor: Token, past: bool, *, time: Span | None = None, place: Span | None = None
    ) -> Event | None:
        time = time or self._time_of(noun)
        place = place or self._place_of(noun, preps=PLACE_PREPS | {"of"})
        if time is None and place is None:
            return None
        label = self._phrase(noun, with_of=True)
        participants = []
        if governor.i != noun.i:
            participants.append(self._key(self._subject(governor)))
        participants += [self._key(c) for c in noun.children if c.dep_ in {"poss", "compound", "amod"}]
        return self._event(noun, label, time, place, [k for k in participants if k], past)

    def _event(
        self, trigger: Token, label: str, time: Span | None, place: Span | None, participants: list[str], past: bool
    ) -> Event:
        sent = trigger.sent
        place_key = self._key_of_span(place) if place is not None else None
        time_text = time.text if time is not None else None
        return Event(
            key=f"{trigger.lemma_.lower()}-{trigger.idx}",
            label=label or trigger.text,
            trigger=trigger.text,
            start=sent.start_char,
            end=sent.end_char,
            time_text=time_text,
            time_value=normalise_time(time_text, self.article.published, "past" if past else "future"),
            place=place_key,
            participants=sorted({p for p in participants if p != place_key}),
            trigger_start=trigger.idx,
        )

    def _is_speech(self, verb: Token) -> bool:
        if verb.lemma_.lower() not in REPORTING_VERBS:
            return False
        if any(c.dep_ in {"ccomp", "xcomp"} for c in verb.children):
            return True
        return (verb.sent.start_char, verb.text) in self.cues

    # -------------------------------------------------------------------------------- arguments

    def _time_of(self, head: Token) -> Span | None:
        for child in head.children:
            ent = None
            if child.dep_ == "prep" and child.lower_ in TIME_PREPS:
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                ent = self.ent_at.get(pobj.i) if pobj is not None else None
            elif child.dep_ in {"npadvmod", "tmod", "nmod", "compound", "amod", "nummod"} or (
                child.dep_ == "advmod" and child.ent_type_ in TIME_LABELS
            ):
                ent = self.ent_at.get(child.i)
            if ent is not None and ent.label_ in TIME_LABELS and is_point_in_time(ent.text):
                return ent
        return None

    def _place_of(self, head: Token, preps: frozenset[str] = PLACE_PREPS) -> Span | None:
        for child in head.children:
            if child.dep_ != "prep" or child.lower_ not in preps:
                continue
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            ent = self.ent_at.get(pobj.i) if pobj is not None else None
            if ent is not None and ent.label_ in PLACE_LABELS and self._key_of_span(ent):
                return ent
        return None

    def _subject(self, verb: Token) -> Token | None:
        current: Token | None = verb
        while current is not None:
            subject = next((c for c in current.children if c.dep_ in NOMINAL_SUBJECT_DEPS), None)
            if subject is not None:
                if subject.lower_ in RELATIVE_PRONOUNS and current.dep_ == "relcl":
                    return current.head  # "al-Abadi, who is facing …"
                return subject
            # A coordinated verb shares the subject of its first conjunct.
            current = current.head if current.dep_ == "conj" and current.head.i != current.i else None
        return None

    def _loose_object(self, verb: Token) -> Token | None:
        """An entity right after the verb that the parser hung elsewhere ("toppled … Saddam Hussein")."""
        for tok in verb.doc[verb.i + 1 : verb.i + 1 + MAX_OBJECT_GAP]:
            if tok.pos_ in {"VERB", "AUX"} or tok.is_punct:
                return None
            ent = self.ent_at.get(tok.i)
            if ent is not None and ent.label_ in {"PERSON", "ORG"}:
                return ent.root
        return None

    def _phrase(self, head: Token | None, with_of: bool = False) -> str:
        """A short label for an argument: the entity's canonical name, else its core noun phrase."""
        if head is None or head.pos_ == "PRON":
            return ""
        key = self._key(head)
        if key is not None and self.ent_at.get(head.i) is not None:
            return self.resolver.entities[key].name
        start, end = np_bounds(head)
        tokens = [t for t in head.doc[start:end] if t.dep_ not in {"det", "poss", "case"} and not t.is_punct or t.text == "-"]
        text = _join(tokens)
        if with_of:
            prep = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
            if pobj is not None:
                text = f"{text} of {self._phrase(pobj)}"
        return text

    # -------------------------------------------------------------------------------- entities

    def _key(self, token: Token | None) -> str | None:
        if token is None:
            return None
        ent = self.ent_at.get(token.i)
        return self._key_of_span(ent) if ent is not None else None

    def _key_of_span(self, ent: Span) -> str | None:
        if ent.label_ == "PERSON":
            cluster = self.resolver.person_spans.get(ent.start)
            key = self.resolver.cluster_entity.get(id(cluster)) if cluster is not None else None
        else:
            key = normalise_name(without_article(ent.text))
        return key if key is not None and key in self.resolver.entities else None


def _past(token: Token) -> bool:
    """Whether the clause of `token` is in the past tense (its verb, or the verb governing a noun)."""
    verb = token
    while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:  # (Token objects are not unique)
        verb = verb.head
    tags = {verb.tag_, *(c.tag_ for c in verb.children if c.dep_ in {"aux", "auxpass"})}
    if "MD" in tags:
        return False
    return bool(tags & {"VBD", "VBN"}) or verb.pos_ not in {"VERB", "AUX"}


def _join(tokens: list[Token]) -> str:
    out = ""
    for k, tok in enumerate(tokens):
        glue = tok.whitespace_ if k + 1 < len(tokens) and tokens[k + 1].i == tok.i + 1 else " "
        out += tok.text + (glue if k + 1 < len(tokens) else "")
    return out.strip()
