"""The report's view of the store: plain, sorted data the renderers and the template read."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EntityView:
    """A person, organisation, group or place, under one display name."""

    iri: str
    name: str
    kind: str  # Person | Organization | Group | Place | Thing (untyped)


@dataclass(frozen=True)
class QuoteView:
    """One quotation with everything shown on hover and in the tables."""

    iri: str
    article: str  # article IRI
    text: str
    start: int | None  # character offsets into the article body; None when the selector is missing
    end: int | None
    type: str  # direct | mixed | indirect | unknown
    speaker: str | None  # entity IRI
    speaker_mention: str | None
    cue: str | None
    channel: str | None
    time_text: str | None
    time_value: str | None  # lexical xsd:date / gYearMonth / gYear
    addressees: tuple[str, ...] = ()  # entity IRIs, sorted
    about: tuple[str, ...] = ()  # entity IRIs, sorted
    also_in: int = 0  # other articles carrying the same statement (its quotation cluster, kg.clusters)


@dataclass(frozen=True)
class EventView:
    iri: str
    article: str
    name: str
    time_text: str | None
    time_value: str | None
    actors: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleView:
    person: str
    name: str  # schema:roleName
    organization: str | None  # entity IRI


@dataclass(frozen=True)
class ArticleView:
    iri: str
    identifier: str
    body: str
    headline: str | None
    published: str | None
    url: str | None
    publisher: str | None


@dataclass
class ReportData:
    """Everything the report shows; every list is sorted so the output is byte-stable."""

    articles: list[ArticleView] = field(default_factory=list)
    quotes: list[QuoteView] = field(default_factory=list)
    events: list[EventView] = field(default_factory=list)
    roles: list[RoleView] = field(default_factory=list)
    entities: dict[str, EntityView] = field(default_factory=dict)

    def entity_name(self, iri: str | None) -> str | None:
        if iri is None:
            return None
        ent = self.entities.get(iri)
        return ent.name if ent else _local_name(iri)

    def entity_kind(self, iri: str) -> str:
        ent = self.entities.get(iri)
        return ent.kind if ent else "Thing"


def _local_name(iri: str) -> str:
    """Fallback label for an IRI without schema:name: its last path segment."""
    return iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")
