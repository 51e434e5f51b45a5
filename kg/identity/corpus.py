"""Corpus entities: one node per real-world person, organisation, place or unnamed group of the
store, kept by `kg build` in the identity graph (`qgid:graph/identity`).

Each article keeps its own entity nodes (`qgid:person/obama`, as the article names him); the
identity graph adds, for every identity kg.identity.cluster finds, one `qg:CorpusEntity`

    qgid:entity/person/barack-obama a qg:CorpusEntity ;
        qg:entityKind "Person" ; schema:name "Barack Obama" ; schema:alternateName "Obama" .
    qgid:person/barack-obama qg:canonicalEntity qgid:entity/person/barack-obama .
    qgid:person/obama        qg:canonicalEntity qgid:entity/person/barack-obama ;
                             owl:sameAs qgid:person/barack-obama .          # for OWL tools, as before

and everything that counts (the summary, the saved queries, `kg quotes`, `kg who`, the report,
the speakers network, the CSV tables) counts corpus entities, reached from a quotation's speaker
by `qg:canonicalEntity`.  Every article-level person, organisation, place and group has exactly one.

IRIs are minted from content: a person's or organisation's corpus entity from its display name
(`entity/{kind}/{slug(name)}`; two identities whose names slug alike both take the canonical
member's IRI path instead), a place's or group's from its own IRI path (`entity/place/iraq`,
`entity/group/{article}/officials`).  The clustering is a function of the store's content, sorted
(kg.identity.cluster), so the graph is the same whatever order the articles were built in; each
build recomputes it from the article graphs (with the alias rules stored beside it) and writes only
the triples that changed — adding an article links its entities into the existing identities,
and can also split one (a second "Obama" makes the bare surname ambiguous again).

The alias table given to `kg entities --link --aliases FILE` is kept
in the same graph as `qg:AliasRule` nodes, so later builds apply it too.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from kg.graph.iris import IDENTITY_GRAPH, slug
from kg.graph.vocab import PREFIXES, QGID
from kg.identity.cluster import Identity, IdentityReport, resolve_identities
from kg.identity.records import load_records
from kg.identity.table import WIKIDATA_ENTITY, AliasRow
from kg.store import QuoteStore

IDENTITY_GRAPH_IRI = str(IDENTITY_GRAPH)
CORPUS_ENTITY_PREFIX = f"{QGID}entity/"
_QG, _SCHEMA, _OWL = PREFIXES["qg"], PREFIXES["schema"], PREFIXES["owl"]
_RDF_TYPE = PREFIXES["rdf"] + "type"

_ALIAS_RULES = f"""
SELECT ?name ?alias ?source WHERE {{ GRAPH <{IDENTITY_GRAPH_IRI}> {{
  ?rule a qg:AliasRule ; qg:aliasName ?name ; qg:alias ?alias ; qg:aliasSource ?source }} }}"""


def _nt(term: ox.NamedNode | ox.Literal) -> str:
    return str(term)


def _iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text)


def corpus_entity_iris(report: IdentityReport) -> dict[str, str]:
    """Identity (its canonical member's IRI) → its corpus entity's IRI."""
    def member_path(identity: Identity) -> str:
        iri = identity.iri
        return iri[len(QGID):] if iri.startswith(QGID) else "h" + hashlib.sha256(iri.encode()).hexdigest()[:16]

    def named(identity: Identity) -> str:
        return f"{identity.kind.lower()}/{slug(identity.name)}"

    by_name = Counter(named(i) for i in report.identities if i.kind in ("Person", "Organization"))
    out: dict[str, str] = {}
    for identity in report.identities:
        if identity.kind in ("Person", "Organization") and by_name[named(identity)] == 1:
            path = named(identity)
        else:
            path = member_path(identity)
        out[identity.iri] = CORPUS_ENTITY_PREFIX + path
    return out


def identity_lines(report: IdentityReport, table: Sequence[AliasRow] = ()) -> Iterator[str]:
    """The identity graph as N-Triples lines (pyoxigraph terms: escapes included)."""
    a, kind_p = _iri(_RDF_TYPE), _iri(_QG + "entityKind")
    name_p, alt_p = _iri(_SCHEMA + "name"), _iri(_SCHEMA + "alternateName")
    canonical_p, same_as = _iri(_QG + "canonicalEntity"), _iri(_OWL + "sameAs")
    corpus_class = _iri(_QG + "CorpusEntity")
    iris = corpus_entity_iris(report)
    for identity in report.identities:
        entity = _iri(iris[identity.iri])
        yield f"{entity} {a} {corpus_class} .\n"
        yield f"{entity} {kind_p} {ox.Literal(identity.kind)} .\n"
        yield f"{entity} {name_p} {ox.Literal(identity.name)} .\n"
        for name in identity.names:
            if name != identity.name:
                yield f"{entity} {alt_p} {ox.Literal(name)} .\n"
        canonical = _iri(identity.iri)
        for member in identity.members:
            yield f"{_iri(member)} {canonical_p} {entity} .\n"
            if member != identity.iri:
                yield f"{_iri(member)} {same_as} {canonical} .\n"
        for qid in identity.wikidata:
            yield f"{canonical} {same_as} {_iri(WIKIDATA_ENTITY + qid)} .\n"
    rule_class = _iri(_QG + "AliasRule")
    for row in table:
        rule = _iri(f"{QGID}alias/{hashlib.sha256(f'{row.name}|{row.alias}'.encode()).hexdigest()[:24]}")
        yield f"{rule} {a} {rule_class} .\n"
        yield f"{rule} {_iri(_QG + 'aliasName')} {ox.Literal(row.name)} .\n"
        yield f"{rule} {_iri(_QG + 'alias')} {ox.Literal(row.alias)} .\n"
        yield f"{rule} {_iri(_QG + 'aliasSource')} {ox.Literal(row.where)} .\n"


def stored_alias_rules(store: QuoteStore) -> list[AliasRow]:
    """The alias table last given to `kg entities --link`, as stored."""
    rows = {(r["name"].value, r["alias"].value, r["source"].value) for r in store.query(_ALIAS_RULES)}  # type: ignore[union-attr]
    return [AliasRow(name, alias, source) for name, alias, source in sorted(rows, key=lambda r: (r[2], r[0], r[1]))]


def compute_identities(store: QuoteStore, table: Sequence[AliasRow] | None = None) -> tuple[IdentityReport, list[AliasRow]]:
    """The identities of the store's articles, with TABLE or else the stored alias rules."""
    rules = list(table) if table is not None else stored_alias_rules(store)
    return resolve_identities(load_records(store), rules), rules


def refresh_identity(store: QuoteStore, table: Sequence[AliasRow] | None = None) -> IdentityReport:
    """Recompute the corpus entities and make the identity graph hold exactly them (and the alias
    rules: TABLE when given, which replaces the stored ones), writing only what changed."""
    from kg.store.sorting import sort_workspace
    from kg.store.sync import sync_graph

    report, rules = compute_identities(store, table)
    with sort_workspace() as tmp:
        sync_graph(store, IDENTITY_GRAPH_IRI, identity_lines(report, rules), tmp)
    return report


_CANONICAL = f"""
SELECT ?m ?e ?name ?kind WHERE {{ GRAPH <{IDENTITY_GRAPH_IRI}> {{
  ?m qg:canonicalEntity ?e . ?e schema:name ?name ; qg:entityKind ?kind }} }}"""


def canonical_entities(store: QuoteStore) -> dict[str, tuple[str, str, str]]:
    """Article-level node IRI → (corpus entity IRI, its name, its kind), as the identity graph
    holds them (empty for a store whose identity graph was never computed: `kg build
    --no-summary`, data loaded by other means — its nodes then count as themselves)."""
    return {r["m"].value: (r["e"].value, r["name"].value, r["kind"].value)
            for r in store.query(_CANONICAL)}  # type: ignore[union-attr]
