"""graph stage: an Analysis becomes the RDF triples of its article's named graph.

The vocabulary and IRI scheme are fixed by docs/graph-contract.md; the terms of the project
ontology live in ontology/quotegraph.ttl and the constraints every graph meets in ontology/shapes.ttl.
"""

from kg.graph.build import analysis_to_graph, entity_key
from kg.graph.iris import (
    act_iri,
    article_iri,
    article_key,
    entity_iri,
    event_iri,
    graph_iri,
    group_iri,
    organization_iri,
    person_iri,
    place_iri,
    quote_iri,
    role_iri,
    selector_iri,
    slug,
)
from kg.graph.vocab import OA, PREFIXES, PROV, QG, QG_TERMS, QGID, SCHEMA, SEM, bind_prefixes

__all__ = [
    "OA",
    "PREFIXES",
    "PROV",
    "QG",
    "QGID",
    "QG_TERMS",
    "SCHEMA",
    "SEM",
    "act_iri",
    "analysis_to_graph",
    "article_iri",
    "article_key",
    "bind_prefixes",
    "entity_iri",
    "entity_key",
    "event_iri",
    "graph_iri",
    "group_iri",
    "organization_iri",
    "person_iri",
    "place_iri",
    "quote_iri",
    "role_iri",
    "selector_iri",
    "slug",
]
