"""The identity graph in the store: the corpus entities and each node's `qg:canonicalEntity`
(kg.identity.corpus), one `owl:sameAs` triple from each linked node to its identity's canonical
node, and `canonical owl:sameAs <http://www.wikidata.org/entity/QID>` for pinned QIDs.

Identity is kept apart from the article graphs, in the named graph `qgid:graph/identity`.  Article
graphs are never rewritten, so rebuilding an article cannot break a link's evidence; `kg build`
(and kg.summary.refresh.link_store) recompute the graph from the current store (an article removed
or changed drops its links).
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from kg.graph.iris import IDENTITY_GRAPH
from kg.graph.vocab import bind_prefixes
from kg.identity.cluster import IdentityReport
from kg.identity.corpus import compute_identities
from kg.identity.table import WIKIDATA_ENTITY, AliasRow
from kg.store import QuoteStore

__all__ = ["IDENTITY_GRAPH", "identities", "identity_graph"]


def identities(store: QuoteStore, table: list[AliasRow] | None = None) -> IdentityReport:
    """The identities of a store, computed from its articles (nothing written) with TABLE, or
    else with the alias rules stored by the last `kg entities --link --aliases`."""
    return compute_identities(store, table)[0]


def identity_graph(report: IdentityReport) -> Graph:
    """The owl:sameAs links alone (each linked node → its identity's canonical node, and the
    canonical node → Wikidata), as an rdflib graph: the interoperable part of the identity graph."""
    graph = bind_prefixes(Graph(identifier=IDENTITY_GRAPH))
    graph.bind("wd", WIKIDATA_ENTITY)
    for identity in report.identities:
        canonical = URIRef(identity.iri)
        for member in identity.members:
            if member != identity.iri:
                graph.add((URIRef(member), OWL.sameAs, canonical))
        for qid in identity.wikidata:
            graph.add((canonical, OWL.sameAs, URIRef(WIKIDATA_ENTITY + qid)))
    return graph
