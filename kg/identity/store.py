"""The identity graph in the store, and `kg who`: everything one speaker said.

Identity is kept apart from the article graphs, in the named graph `qgid:graph/identity`: the
corpus entities and each node's `qg:canonicalEntity` (kg.identity.corpus), one `owl:sameAs`
triple from each linked node to its identity's canonical node, and `canonical owl:sameAs
<http://www.wikidata.org/entity/QID>` for pinned QIDs.  Article graphs are never rewritten, so
rebuilding an article cannot break a link's evidence; `kg build` (and `link_store`) recompute the
graph from the current store (an article removed or changed drops its links).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from kg.graph.iris import IDENTITY_GRAPH
from kg.graph.vocab import bind_prefixes
from kg.identity.cluster import Identity, IdentityReport
from kg.identity.corpus import compute_identities, refresh_identity
from kg.identity.records import load_records
from kg.identity.table import WIKIDATA_ENTITY, AliasRow
from kg.store import QuoteStore

# ?p is bound by the engine (pyoxigraph substitution), never spliced into the query text; it must
# be projected for the substitution to apply.
_SAID = """
SELECT ?p ?q ?text ?type ?cue ?to ?channel ?time ?timeValue ?id ?headline ?published ?start WHERE {
  GRAPH ?g {
    ?q schema:spokenByCharacter ?p ; schema:text ?text ; qg:quoteType ?type ; schema:isPartOf ?a ;
       oa:hasSelector/oa:start ?start .
    ?a schema:identifier ?id .
    OPTIONAL { ?q qg:cue ?cue }
    OPTIONAL { ?q qg:addressee/schema:name ?to }
    OPTIONAL { ?q qg:channel ?channel }
    OPTIONAL { ?q qg:timeText ?time }
    OPTIONAL { ?q qg:timeValue ?timeValue }
    OPTIONAL { ?a schema:headline ?headline }
    OPTIONAL { ?a schema:datePublished ?published }
  }
}"""

_ROLES = """
SELECT ?p ?id ?title ?rank ?org WHERE {
  GRAPH ?g {
    ?p schema:memberOf ?r .
    ?r schema:roleName ?title ; prov:wasDerivedFrom/schema:identifier ?id .
    OPTIONAL { ?r qg:rank ?rank }
    OPTIONAL { ?r schema:memberOf/schema:name ?org }
  }
}"""


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


def link_store(store: QuoteStore, table: list[AliasRow] | None = None) -> IdentityReport:
    """Recompute the corpus entities and their owl:sameAs links into the identity graph (with
    TABLE, which then replaces the stored alias rules), and the summary's counts with them when
    the store had a current summary (they count corpus entities)."""
    from kg.store.summary import has_summary, refresh_summary

    current = has_summary(store)
    store.invalidate_summary(force=True)
    report = refresh_identity(store, table)
    if current:
        refresh_summary(store, identity=False)
    return report


# ---------------------------------------------------------------------------------- kg who


@dataclass
class Statement:
    article: str
    start: int
    text: str
    type: str
    cue: str | None = None
    addressee: str | None = None
    channel: str | None = None
    time: str | None = None
    time_value: str | None = None
    headline: str | None = None
    published: str | None = None
    as_name: str = ""  # the node it is attributed to, when that is a linked variant


@dataclass
class WhoReport:
    identity: Identity
    roles: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)  # article, title, rank, org
    statements: list[Statement] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        ident = self.identity
        return {
            "name": ident.name,
            "iri": ident.iri,
            "kind": ident.kind,
            "names": ident.names,
            "members": ident.members,
            "wikidata": ident.wikidata,
            "articles": ident.articles,
            "roles": [{"article": a, "title": t, "rank": r, "organization": o} for a, t, r, o in self.roles],
            "statements": [s.__dict__ for s in self.statements],
        }


def who(store: QuoteStore, identity: Identity) -> WhoReport:
    """Everything the identity's nodes said, with addressee, time, article and roles."""
    names = {iri: rec.name for iri, rec in load_records(store).items() if iri in identity.members}
    report = WhoReport(identity)
    roles = set()
    for member in identity.members:
        bound = {"p": URIRef(member)}
        for row in store.query(_SAID, bindings=bound):  # type: ignore[union-attr]
            report.statements.append(
                Statement(
                    article=row["id"].value,
                    start=int(row["start"].value),
                    text=row["text"].value,
                    type=row["type"].value.rsplit("#", 1)[-1].lower(),
                    cue=_value(row["cue"]),
                    addressee=_value(row["to"]),
                    channel=_value(row["channel"]),
                    time=_value(row["time"]),
                    time_value=_value(row["timeValue"]),
                    headline=_value(row["headline"]),
                    published=_value(row["published"]),
                    as_name=names.get(member, "") if member != identity.iri else "",
                )
            )
        for row in store.query(_ROLES, bindings=bound):  # type: ignore[union-attr]
            roles.add((row["id"].value, row["title"].value, _value(row["rank"]), _value(row["org"])))
    report.roles = sorted(roles, key=lambda r: tuple(x or "" for x in r))
    # One row per quotation (OPTIONAL names can repeat a row), in article and text order.
    unique = {(s.article, s.start): s for s in report.statements}
    report.statements = [unique[k] for k in sorted(unique)]
    return report


def _value(term: Any) -> str | None:
    return term.value if term is not None else None
