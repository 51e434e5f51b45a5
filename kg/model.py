"""The small data model passed between pipeline stages.

read → Article; extract → Quotation + Mention; resolve → Entity (speakers, addressees, roles);
graph → rdflib triples.  Everything here is plain data: no spaCy objects leak past `extract`,
so analyses can be pickled to worker processes and compared in tests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

QuoteType = Literal["direct", "mixed", "indirect"]
EntityKind = Literal["Person", "Organization", "Place", "Group"]


def content_hash(text: str) -> str:
    """Stable short hash of an article's text (identity when it has no id or url)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Article:
    """One news article as read from disk, stdin or a JSON line."""

    id: str  # from `id`, else `url`, else the content hash
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date or datetime as given by the source
    source: str | None = None  # publisher name, e.g. "CNN"
    origin: str = ""  # where it was read from: "path", "path:line", "<stdin>"

    @property
    def digest(self) -> str:
        return content_hash(self.text)


@dataclass(frozen=True)
class Mention:
    """A stretch of article text that refers to something (a name, pronoun or description)."""

    text: str
    start: int
    end: int
    # name: a proper name; pronoun: he/she/they…; role: "the Iraqi government spokesman";
    # group: an unnamed plural source ("officials", "analysts")
    form: Literal["name", "pronoun", "role", "group"] = "name"
    kind: EntityKind | None = None  # what the mention looks like it refers to


@dataclass
class Role:
    """A role a person holds according to one article ("spokesman" of "Iraqi government")."""

    title: str  # job title as written, without organisation or rank ("spokesman", "Prime Minister")
    organization: str | None = None  # the organisation the role belongs to, when stated
    evidence: str = ""  # the text the role was read from
    rank: str | None = None  # military rank as written ("Army Colonel"), when stated


@dataclass
class Entity:
    """A person, organisation, place or unnamed group as resolved within one article."""

    key: str  # normalised canonical name: the identity used to mint its IRI
    kind: EntityKind
    name: str  # canonical surface form (the longest full name seen)
    alternate_names: set[str] = field(default_factory=set)
    roles: list[Role] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Quotation:
    """One attributed statement."""

    content: str  # exactly article.text[start:end]
    start: int
    end: int
    type: QuoteType
    cue: str | None = None  # reporting verb as written ("told", "said", "according to")
    cue_lemma: str | None = None
    speaker_mention: Mention | None = None  # the speaker as written where attributed
    speaker: str | None = None  # Entity.key of the resolved speaker
    addressee: str | None = None  # Entity.key of the addressee ("told CNN")
    addressee_text: str | None = None
    channel: str | None = None  # "tweet", "statement", "interview", …
    time_text: str | None = None  # time expression of the speech act ("On Monday")
    time_value: str | None = None  # time_text normalised: "2018-02-05", "2017-12", "2017" (kg.resolve.timex)
    about: list[str] = field(default_factory=list)  # Entity keys mentioned inside the content
    sentence_start: int = 0  # the sentence (evidence) the attribution was read from
    sentence_end: int = 0
    events: list[str] = field(default_factory=list)  # Event.keys reported inside the content
    # The attribution rules that produced it (names of kg.rules.RULES): which pattern found
    # the quotation, which found the speaker's mention, which resolved the mention to `speaker`.
    rule: str | None = None
    speaker_rule: str | None = None
    resolution_rule: str | None = None


@dataclass
class Event:
    """A dated or placed happening the article reports (speech acts are modelled on quotations)."""

    key: str  # content-derived identity within the article
    label: str  # short description: trigger lemma plus arguments
    trigger: str
    start: int
    end: int  # span of the evidence sentence
    time_text: str | None = None
    time_value: str | None = None  # normalised ISO date / year / interval when resolvable
    place: str | None = None  # Entity key
    participants: list[str] = field(default_factory=list)  # Entity keys
    trigger_start: int | None = None  # character offset of the trigger word (links quotations to events)


@dataclass
class Analysis:
    """Everything extracted from one article: the unit that is stored transactionally."""

    article: Article
    quotations: list[Quotation] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    def entity(self, key: str | None) -> Entity | None:
        return self.entities.get(key) if key else None
