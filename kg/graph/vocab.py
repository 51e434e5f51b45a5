"""Namespaces of the graph contract (docs/graph-contract.md) and the prefixes exporters bind.

`QG` is a *closed* namespace: only the terms declared in ontology/quotegraph.ttl exist, so a typo
such as `QG.speakerMentoin` fails at build time instead of silently minting an undeclared term.
tests/test_ontology.py keeps `QG_TERMS` and the ontology file in sync.
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, XSD, ClosedNamespace, Namespace

from kg.model import EntityKind

SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
QGID = Namespace("https://w3id.org/quotegraph/id/")
QGRULE = Namespace("https://w3id.org/quotegraph/rule/")  # the rules of kg.rules

QG_NS = "https://w3id.org/quotegraph/ontology#"

# Every term of the project ontology; adding one here means declaring it in quotegraph.ttl too.
QG_TERMS: tuple[str, ...] = (
    # classes and individuals
    "QuoteType",
    "Direct",
    "Mixed",
    "Indirect",
    "Group",
    # properties
    "quoteType",
    "cue",
    "speakerMention",
    "addressee",
    "channel",
    "timeText",
    "timeValue",
    "contentHash",
    "trigger",
    "rank",
    "aboutEvent",
    # the summary graph (kg.summary.refresh): counts derived from the articles
    "StoreSummary",
    "SpeakerTally",
    "CoQuotation",
    "tallyOf",
    "speakerName",
    "speakerKind",
    "quotationCount",
    "articleCount",
    "directCount",
    "firstSpeaker",
    "firstSpeakerName",
    "secondSpeaker",
    "secondSpeakerName",
    "firstArticle",
    "EventTally",
    "eventName",
    "eventTime",
    "eventArticle",
    "reportedInCount",
    "participantMentionCount",
    "listPosition",
    "listBand",
    "NameKey",
    "nameKey",
    "keyOf",
    "summaryFormat",
    "AddresseeTally",
    "addresseeName",
    "statementCount",
    "speakerCount",
    "speakerNames",
    # attribution rules (kg.rules): which named rule produced a quotation
    "AttributionRule",
    "ruleStage",
    "extractedBy",
    "speakerRule",
    "resolvedBy",
    # the identity graph (kg.identity.corpus): corpus entities and the alias rules they follow
    "CorpusEntity",
    "canonicalEntity",
    "entityKind",
    "AliasRule",
    "aliasName",
    "alias",
    "aliasSource",
    # the clusters graph (kg.clusters): one statement's occurrences across articles
    "QuotationCluster",
    "clusterSpeaker",
    "canonicalText",
    "canonicalOccurrence",
    "hasOccurrence",
    "exactOccurrence",
    "excerptOccurrence",
    "variantOccurrence",
    "firstOccurrence",
    "firstSeenArticle",
    "firstSeenDate",
    "occurrenceCount",
    "sourceCount",
    "clusterDigest",
)

QG = ClosedNamespace(QG_NS, list(QG_TERMS))

# Prefix → namespace IRI, exactly as the contract lists them; exporters bind these.
PREFIXES: dict[str, str] = {
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "oa": str(OA),
    "sem": str(SEM),
    "qg": QG_NS,
    "qgid": str(QGID),
    "qgrule": str(QGRULE),
    "xsd": str(XSD),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the contract prefixes on `graph` (overriding rdflib's defaults, e.g. its `schema`)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


# An entity's class → its kind (kg.model.EntityKind), one map for every reader of the graph; a
# node typed several ways (the union of articles) is read as the first kind it has in this order.
ENTITY_KINDS: dict[str, EntityKind] = {
    str(SCHEMA.Person): "Person",
    str(SCHEMA.Organization): "Organization",
    str(SCHEMA.Place): "Place",
    QG_NS + "Group": "Group",
}

# Every class a projection of the graph shows as a node (the GraphML export), → its kind; a node
# typed several ways is shown as the first kind it has in this order (a quotation before an
# article before an event before the entity kinds, in ENTITY_KINDS' order).
NODE_KINDS: dict[str, str] = {
    str(SCHEMA.Quotation): "Quotation",
    str(SCHEMA.NewsArticle): "Article",
    str(SEM.Event): "Event",
    **ENTITY_KINDS,
}
