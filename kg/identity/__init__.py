"""Identity across articles: which person and organisation nodes are the same entity, and why.

    from kg.identity import identities, read_alias_table
    report = identities(store)                      # computed from the store, nothing written
    report = identities(store, read_alias_table("aliases.csv"))   # with an alias table

Writing them into the store (qgid:graph/identity) is kg.summary.refresh.link_store; `kg who` is
kg.query.who.

Decision: links are `owl:sameAs` triples in one named graph of their own, not rewritten IRIs.
Article graphs stay exactly what their article says (rebuilding one never has to know about the
others), the links are recomputed from the whole store in a fixed order (so parallel builds link
the same way), and each link can be explained (`kg entities --explain NAME`).
"""

from kg.identity.cluster import Blocked, Identity, IdentityReport, Merge, resolve_identities
from kg.identity.links import IDENTITY_GRAPH, identities, identity_graph
from kg.identity.records import EntityRecord, load_records
from kg.identity.table import AliasRow, read_alias_table

__all__ = [
    "IDENTITY_GRAPH",
    "AliasRow",
    "Blocked",
    "EntityRecord",
    "Identity",
    "IdentityReport",
    "Merge",
    "identities",
    "identity_graph",
    "load_records",
    "read_alias_table",
    "resolve_identities",
]
