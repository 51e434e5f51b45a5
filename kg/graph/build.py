"""The graph stage: one Analysis → the triples of its article's named graph.

Follows docs/graph-contract.md ("Triples per article") term by term.  Every node is an IRI minted
from content (kg.graph.iris), so building the same analysis twice, in any process, gives the same
set of triples, and ontology/shapes.ttl holds for every graph built here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.graph import iris
from kg.graph.literals import date_published_literal, start_literal, time_value_literal
from kg.graph.vocab import ENTITY_KINDS, OA, PROV, QG, QGRULE, SCHEMA, SEM, bind_prefixes
from kg.model import Analysis, Entity, EntityKind, Event, Quotation, QuoteType
from kg.nlp.names import normalise_name

log = logging.getLogger(__name__)

ENTITY_CLASSES: dict[EntityKind, URIRef] = {kind: URIRef(iri) for iri, kind in ENTITY_KINDS.items()}

QUOTE_TYPES: dict[QuoteType, URIRef] = {
    "direct": QG.Direct,
    "mixed": QG.Mixed,
    "indirect": QG.Indirect,
}


def entity_key(name: str) -> str:
    """The entity key the resolve stage gives a name (used for a publisher or a role's organisation
    known only by name), so that publisher "The Guardian" is the same node as entity "guardian".
    Titles stay (identity's kg.identity.cluster.bare_name drops them to compare names)."""
    return normalise_name(name)


def analysis_to_graph(analysis: Analysis) -> tuple[str, Graph]:
    """The named-graph IRI of the analysed article and a graph holding all of its triples."""
    return _ArticleGraph(analysis).build()


class _ArticleGraph:
    """Accumulates the triples of one article; one method per kind of node in the contract."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.key = iris.article_key(analysis.article.id)
        self.article = iris.article_iri(self.key)
        self.graph_iri = iris.graph_iri(self.key)
        # SimpleMemory: one article's triples only need adding and iterating, and rdflib's
        # default context-aware store costs twice as much per triple.
        self.graph = bind_prefixes(Graph(store="SimpleMemory", identifier=self.graph_iri))
        # Looked up by the keys quotations and events refer to; a key absent here is skipped.
        self.entity_iris: dict[str, URIRef] = {
            key: iris.entity_iri(entity.kind, entity.key, self.key)
            for key, entity in analysis.entities.items()
        }
        self.event_keys: set[str] = {event.key for event in analysis.events}

    def build(self) -> tuple[str, Graph]:
        self._article()
        speakers = {q.speaker for q in self.analysis.quotations if q.speaker in self.entity_iris}
        for key, entity in self.analysis.entities.items():
            self._entity(key, entity, speaks=key in speakers)
        seen: set[URIRef] = set()
        for quotation in self.analysis.quotations:
            self._quotation(quotation, seen)
        for event in self.analysis.events:
            self._event(event, seen)
        return str(self.graph_iri), self.graph

    # -- helpers ---------------------------------------------------------------------------------

    def _add(self, s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        """Add a triple unless the value is missing or an empty string (optional properties)."""
        if o is None or (isinstance(o, Literal) and not str(o).strip()):
            return
        self.graph.add((s, p, o))

    def _text(self, s: URIRef, p: URIRef, value: str | None) -> None:
        if value is not None:
            self._add(s, p, Literal(value))

    def _entity_ref(self, key: str | None) -> URIRef | None:
        return self.entity_iris.get(key) if key else None

    def _selector(self, resource: URIRef, start: int, end: int) -> None:
        selector = iris.selector_iri(resource)
        self.graph.add((resource, OA.hasSelector, selector))
        self.graph.add((selector, RDF.type, OA.TextPositionSelector))
        self.graph.add((selector, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
        self.graph.add((selector, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))

    def _first_of_span(self, node: URIRef, seen: set[URIRef], what: str) -> bool:
        """Two items minting the same IRI would merge into one node with two texts or selectors;
        keep the first so the graph still conforms, and say so."""
        if node in seen:
            log.warning("%s: duplicate %s %s ignored", self.analysis.article.id, what, node)
            return False
        seen.add(node)
        return True

    def _organization_named(self, name: str) -> URIRef:
        """The Organization entity called `name` in this article, else a new node for the name."""
        wanted = entity_key(name)
        for key, entity in sorted(self.analysis.entities.items()):
            if entity.kind != "Organization":
                continue
            names = {key, entity.key, entity.name, *entity.alternate_names}
            if wanted in {entity_key(n) for n in names}:
                return self.entity_iris[key]
        org = iris.organization_iri(wanted)
        if org not in self.entity_iris.values():
            self.graph.add((org, RDF.type, SCHEMA.Organization))
            self._text(org, SCHEMA.name, name.strip())
        return org

    # -- nodes -----------------------------------------------------------------------------------

    def _article(self) -> None:
        article, node = self.analysis.article, self.article
        self.graph.add((node, RDF.type, SCHEMA.NewsArticle))
        self.graph.add((node, SCHEMA.identifier, Literal(article.id)))
        self.graph.add((node, SCHEMA.articleBody, Literal(article.text)))
        self.graph.add((node, QG.contentHash, Literal(article.digest)))
        if article.url:
            self._add(node, SCHEMA.url, Literal(article.url.strip(), datatype=XSD.anyURI))
        self._text(node, SCHEMA.headline, article.title)
        if article.published and article.published.strip():
            self.graph.add((node, SCHEMA.datePublished, date_published_literal(article.published)))
        if article.source and article.source.strip():
            self.graph.add((node, SCHEMA.publisher, self._organization_named(article.source)))

    def _entity(self, key: str, entity: Entity, speaks: bool) -> None:
        node = self.entity_iris[key]
        self.graph.add((node, RDF.type, ENTITY_CLASSES[entity.kind]))
        if speaks:
            self.graph.add((node, RDF.type, PROV.Agent))
        name = entity.name.strip() or entity.key
        self.graph.add((node, SCHEMA.name, Literal(name)))
        for alternate in _sorted_names(entity.alternate_names, exclude=name):
            self.graph.add((node, SCHEMA.alternateName, Literal(alternate)))
        if entity.mentions:
            self.graph.add((self.article, SCHEMA.mentions, node))
        if entity.kind == "Person":  # the contract defines roles for people only
            for role in entity.roles:
                self._role(node, entity.key, role.title, role.organization, getattr(role, "rank", None))

    def _role(
        self, person: URIRef, person_key: str, title: str, organization: str | None, rank: str | None = None
    ) -> None:
        if not title.strip():
            return
        role = iris.role_iri(self.key, person_key, title)
        self.graph.add((person, SCHEMA.memberOf, role))
        self.graph.add((role, RDF.type, SCHEMA.OrganizationRole))
        self.graph.add((role, SCHEMA.roleName, Literal(title.strip())))
        self.graph.add((role, PROV.wasDerivedFrom, self.article))
        self._text(role, QG.rank, rank.strip() if rank else None)
        if organization and organization.strip():
            org = self._entity_ref(organization)
            if org is None or self.analysis.entities[organization].kind != "Organization":
                org = self._organization_named(organization)
            self.graph.add((role, SCHEMA.memberOf, org))

    def _quotation(self, q: Quotation, seen: set[URIRef]) -> None:
        node = iris.quote_iri(self.key, q.start, q.end)
        if not self._first_of_span(node, seen, "quotation"):
            return
        if self.analysis.article.text[q.start : q.end] != q.content:
            log.warning("%s: quotation %d-%d does not match the article text", self.key, q.start, q.end)
        speaker = self._entity_ref(q.speaker)
        addressee = self._entity_ref(q.addressee)
        g = self.graph
        g.add((node, RDF.type, SCHEMA.Quotation))
        g.add((node, SCHEMA.text, Literal(q.content)))
        g.add((node, SCHEMA.isPartOf, self.article))
        g.add((node, QG.quoteType, QUOTE_TYPES[q.type]))
        self._add(node, SCHEMA.spokenByCharacter, speaker)
        self._add(node, PROV.wasAttributedTo, speaker)
        self._text(node, QG.cue, q.cue)
        self._text(node, QG.speakerMention, q.speaker_mention.text if q.speaker_mention else None)
        self._add(node, QG.addressee, addressee)
        self._text(node, QG.channel, q.channel)
        self._text(node, QG.timeText, q.time_text)
        if q.time_value and q.time_value.strip():
            g.add((node, QG.timeValue, time_value_literal(q.time_value)))
        for key in sorted(set(q.about)):
            self._add(node, SCHEMA.about, self._entity_ref(key))
        # Events reported inside the quoted content (their trigger lies in its span).
        for key in sorted(set(q.events) & self.event_keys):
            g.add((node, QG.aboutEvent, iris.event_iri(self.key, key)))
        self._selector(node, q.start, q.end)
        for prop, rule in ((QG.extractedBy, q.rule), (QG.speakerRule, q.speaker_rule), (QG.resolvedBy, q.resolution_rule)):
            if rule:
                g.add((node, prop, QGRULE[rule]))

        act = iris.act_iri(node)
        g.add((node, PROV.wasGeneratedBy, act))
        g.add((act, RDF.type, SCHEMA.CommunicateAction))
        g.add((act, RDF.type, PROV.Activity))
        g.add((act, SCHEMA.result, node))
        self._add(act, SCHEMA.agent, speaker)
        self._add(act, SCHEMA.recipient, addressee)
        self._text(act, QG.cue, q.cue)
        self._text(act, QG.channel, q.channel)
        self._text(act, QG.timeText, q.time_text)

    def _event(self, event: Event, seen: set[URIRef]) -> None:
        node = iris.event_iri(self.key, event.key)
        if not self._first_of_span(node, seen, "event"):
            return
        g = self.graph
        g.add((node, RDF.type, SEM.Event))
        g.add((node, RDF.type, SCHEMA.Event))
        g.add((node, SCHEMA.name, Literal(event.label.strip() or event.trigger)))
        self._text(node, QG.trigger, event.trigger)
        for key in sorted(set(event.participants)):
            self._add(node, SEM.hasActor, self._entity_ref(key))
        place = self.analysis.entity(event.place)
        if place is not None and place.kind == "Place":  # sem:hasPlace must lead to a schema:Place
            g.add((node, SEM.hasPlace, self.entity_iris[event.place or ""]))
        self._text(node, QG.timeText, event.time_text)
        if event.time_value and event.time_value.strip():
            g.add((node, SEM.hasTimeStamp, time_value_literal(event.time_value)))
            self._add(node, SCHEMA.startDate, start_literal(event.time_value))
        g.add((node, PROV.wasDerivedFrom, self.article))
        self._selector(node, event.start, event.end)


def _sorted_names(names: Iterable[str], exclude: str) -> list[str]:
    """Distinct, non-empty surface forms other than the canonical name, in a stable order."""
    return sorted({n.strip() for n in names if n.strip()} - {exclude})
