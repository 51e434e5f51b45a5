"""The same statement across articles: quotation clusters (issue 19).

Occurrences of one statement by one speaker (its corpus entity, kg.identity.corpus) — the same
words, an excerpt, or a near-identical rendering (kg.clusters.match) — are grouped
(kg.clusters.group) and kept by `kg build` in the named graph `qgid:graph/clusters`
(kg.clusters.graph, kg.clusters.store): a `qg:QuotationCluster` per statement found in two
articles or more, with its canonical text, its first sighting and how many articles and sources
repeated it.

    from kg.clusters import refresh_clusters, group, Occurrence
    report = refresh_clusters(store)        # what `kg build` runs after the identity graph
"""

from kg.clusters.group import Cluster, Occurrence, group
from kg.clusters.match import relation
from kg.clusters.store import CLUSTERS_GRAPH_IRI, ClusterReport, refresh_clusters
from kg.clusters.text import words

__all__ = [
    "CLUSTERS_GRAPH_IRI",
    "Cluster",
    "ClusterReport",
    "Occurrence",
    "group",
    "refresh_clusters",
    "relation",
    "words",
]
