"""A speaker's clusters → the triples of the clusters graph (`qgid:graph/clusters`).

Only statements found in two articles or more get a node (one article quoting itself twice is
not a repetition; every quotation being a cluster of one would double the store).  Per cluster:

    qgid:cluster/{article_key}/{start}-{end}      # the path of its first occurrence's IRI
        a qg:QuotationCluster ;
        qg:clusterSpeaker <corpus entity> ;
        qg:canonicalText "…" ; qg:canonicalOccurrence <quote> ;    # the longest direct occurrence
        qg:firstOccurrence <quote> ; qg:firstSeenArticle <article> ; qg:firstSeenDate "…" ;
        qg:occurrenceCount 5 ; qg:articleCount 4 ; qg:sourceCount 3 ;
        qg:hasOccurrence <quote>, … ;
        qg:exactOccurrence <quote>, … ; qg:excerptOccurrence … ; qg:variantOccurrence … .

Every triple has the cluster as subject, so one speaker's part of the graph is found from
`qg:clusterSpeaker` alone (kg.clusters.store).  The occurrences are the article graphs'
`schema:Quotation` nodes, which keep their own text, type and offsets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from kg.clusters.group import TYPE_RANK, Cluster, Occurrence
from kg.clusters.match import Relation, relation
from kg.clusters.text import words
from kg.graph.vocab import PREFIXES, QGID

_QG = PREFIXES["qg"]
_XSD_INTEGER = ox.NamedNode(PREFIXES["xsd"] + "integer")
_QUOTE_PREFIX = f"{QGID}quote/"
MIN_ARTICLES = 2


@dataclass(frozen=True)
class Described:
    """What the graph says about one cluster."""

    iri: str
    speaker: str
    canonical: Occurrence
    first: Occurrence
    occurrences: list[tuple[Occurrence, Relation]]  # relation to the canonical text, in seen order
    articles: int
    sources: int


def cluster_iri(first: Occurrence) -> str:
    """Minted from the first occurrence (`quote/{key}/{s}-{e}` → `cluster/{key}/{s}-{e}`): a
    quotation is in one cluster at most, so no two clusters share it."""
    if first.quote.startswith(_QUOTE_PREFIX):
        return f"{QGID}cluster/{first.quote[len(_QUOTE_PREFIX):]}"
    import hashlib

    return f"{QGID}cluster/h{hashlib.sha256(first.quote.encode('utf-8')).hexdigest()[:24]}"


def describe(speaker: str, cluster: Cluster) -> Described | None:
    """The cluster's canonical text, first sighting and counts; None under two articles."""
    if len(cluster.articles) < MIN_ARTICLES:
        return None
    members = [o for o, _ in cluster.members]
    joined: dict[str, Relation] = {o.quote: how for o, how in cluster.members}
    direct = [o for o in members if o.type == "direct"] or members
    # The longest direct occurrence (characters of its words, then its own characters); the
    # earliest seen among equals.
    canonical = min(direct, key=lambda o: (-len(words(o.text).text), -len(o.text), TYPE_RANK.get(o.type, 3), o.seen_key))
    first = min(members, key=lambda o: o.seen_key)
    canonical_words = words(canonical.text)
    occurrences = []
    for o in sorted(members, key=lambda o: o.seen_key):
        how = "exact" if o is canonical else relation(words(o.text), canonical_words) or joined[o.quote]
        occurrences.append((o, how))
    return Described(
        iri=cluster_iri(first), speaker=speaker, canonical=canonical, first=first, occurrences=occurrences,
        articles=len(cluster.articles), sources=len({o.source for o in members if o.source}),
    )


def cluster_lines(described: Described, dates: Mapping[str, ox.Literal]) -> Iterator[str]:
    """N-Triples lines of one cluster; `dates` maps article IRIs to their schema:datePublished
    as stored (a first sighting's date keeps its datatype)."""
    c = str(ox.NamedNode(described.iri))

    def line(term: str, value: ox.NamedNode | ox.Literal) -> str:
        return f"{c} <{_QG}{term}> {value} .\n"

    def count(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=_XSD_INTEGER)

    yield f"{c} <{PREFIXES['rdf']}type> <{_QG}QuotationCluster> .\n"
    yield line("clusterSpeaker", ox.NamedNode(described.speaker))
    yield line("canonicalText", ox.Literal(described.canonical.text))
    yield line("canonicalOccurrence", ox.NamedNode(described.canonical.quote))
    yield line("firstOccurrence", ox.NamedNode(described.first.quote))
    yield line("firstSeenArticle", ox.NamedNode(described.first.article))
    date = dates.get(described.first.article)
    if date is not None:
        yield line("firstSeenDate", date)
    yield line("occurrenceCount", count(len(described.occurrences)))
    yield line("articleCount", count(described.articles))
    yield line("sourceCount", count(described.sources))
    for o, how in described.occurrences:
        quote = ox.NamedNode(o.quote)
        yield line("hasOccurrence", quote)
        yield line(f"{how}Occurrence", quote)


def digest_line(speaker: str, digest: str) -> str:
    return f"{ox.NamedNode(speaker)} <{_QG}clusterDigest> {ox.Literal(digest)} .\n"
