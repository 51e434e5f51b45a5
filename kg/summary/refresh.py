"""The store's summary graph: corpus-wide counts computed once per build, read by the saved queries.

Counting over every quotation of the store takes seconds to minutes once a store holds millions of
triples (top speakers 2.7 s, co-quoted speaker pairs 35 s on 3 M quads), and those are the first
questions a user asks.  So the counts are computed once, when a build changes the store, and kept
in the named graph `qgid:summary`:

* one `qg:SpeakerTally` per (speaker, name, kind): quotations, articles, direct quotations;
* one `qg:CoQuotation` per pair of speakers quoted in the same article: how many articles, and
  the first article (smallest identifier);
* one `qg:EventTally` per reported event (and name, time text): the statements whose span overlaps
  the sentence it was read from, and those of its article about one of its participants;
* one `qg:AddresseeTally` per addressee ("told CNN"): statements made to it, their speakers;
* one `qg:NameKey` per name lower-cased (`LCASE`, as the queries compare them), with every entity
  that bears it as `schema:name` or `schema:alternateName` in some article: the queries that match
  a name look it up here (exactly, or by substring over the distinct names) instead of scanning
  every name of every article graph (measured in benchmarks/README.md, "Store at size");
* every tally and pair has its place in its listing (`qg:listPosition`) and that place's number of
  digits (`qg:listBand`), an exact value the first N can be looked up by — a store cannot scan a
  range of numbers, so `qg:listPosition <= N` reads every position (see benchmarks/README.md);
* the node `qgid:summary` itself, typed `qg:StoreSummary` with its `qg:summaryFormat`: their presence
  says the counts are current and in the layout these queries read.

The counting queries are in queries/summary/, beside the saved queries that read their results.
The counts are exactly what the plain aggregate queries (queries/plain/) return, in the same order
(tests/test_query_plans.py compares them).  The first write to an
article graph through QuoteStore removes the marker (`QuoteStore.invalidate_summary`), and `kg
build` recomputes the counts at its end, writing only those that changed; so a build that is
interrupted leaves counts marked out of date, which the queries refuse to read (`check_summary`),
rather than wrong ones.  `kg summarise` recomputes them by hand (e.g. after `oxigraph load`).  The summary is derived data: exports
leave it out (they hold the articles), `kg push` sends it so that the saved queries work on the
server too.  IRIs are minted from content, so the same store gives the same summary.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy
import pyoxigraph as ox

from kg.clusters.store import CLUSTERS_GRAPH_IRI, all_cluster_lines, refresh_clusters
from kg.graph.vocab import PREFIXES, QGID
from kg.identity.cluster import IdentityReport
from kg.identity.corpus import IDENTITY_GRAPH_IRI, compute_identities, identity_lines, refresh_identity
from kg.identity.table import AliasRow
from kg.store.oxstore import SUMMARY_GRAPH_IRI, QuoteStore
from kg.store.sorting import sort_workspace, sorted_distinct_lines
from kg.store.sync import sync_graph
from kg.summary.queries import counting_query
from kg.summary.state import SUMMARY_FORMAT, has_summary

if TYPE_CHECKING:
    from kg.store.remote import Endpoint

_QG, _RDF_TYPE = PREFIXES["qg"], PREFIXES["rdf"] + "type"
_GRAPH = ox.NamedNode(SUMMARY_GRAPH_IRI)

# The counting queries, each beside the saved query it fills (queries/summary/NAME.rq next to
# queries/NAME.rq, queries/oxigraph/NAME.rq and the plain form queries/plain/NAME.rq).
_SPEAKER_TALLIES = counting_query("top-speakers")
# (article, speaker's corpus entity, its name): the pairs are counted from these rows in Python.
_ARTICLE_SPEAKERS = counting_query("speakers-quoted-together")
_EVENT_ROWS = counting_query("statements-per-event")
_ADDRESSEE_ROWS = counting_query("addressees")
_NAME_KEYS = counting_query("name-keys")
_ARTICLE_IDS = "SELECT ?a ?id WHERE { GRAPH ?g { ?a schema:identifier ?id } }"  # GRAPH: a server may not serve the union as default

# The layout of the summary graph, recorded beside its marker: a store summarised by an older
# quotegraph (3: tallies per article-level node; 2: no qg:AddresseeTally; 1: no qg:NameKey, no
# qg:listBand) has none or another, and reads as out of date.


@dataclass(frozen=True)
class SummaryReport:
    speakers: int  # SpeakerTally nodes
    pairs: int  # CoQuotation nodes
    events: int  # EventTally nodes
    names: int  # NameKey nodes
    addressees: int  # AddresseeTally nodes
    changed: int  # triples of the summary graph added or removed by this refresh
    clusters: int = 0  # qg:QuotationCluster nodes (kg.clusters), when this refresh updated them


def _qg(term: str) -> ox.NamedNode:
    return ox.NamedNode(_QG + term)


def _mint(kind: str, *parts: str) -> ox.NamedNode:
    """A content IRI: the same counted thing always gets the same node."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]
    return ox.NamedNode(f"{QGID}summary/{kind}/{digest}")


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))


def _place(position: int) -> list[tuple[str, ox.Term]]:
    """A listing entry's position and its band (how many digits the position has): `top=N` reads
    the bands up to N's number of digits by exact lookups, never every position of the summary."""
    return [("listPosition", _integer(position)), ("listBand", _integer(len(str(position))))]


def _speaker_tallies(store: QuoteStore) -> Iterator[tuple[ox.NamedNode, list[tuple[str, ox.Term]]]]:
    rows = [(int(r["quotations"].value), int(r["articles"].value), r["speaker"], r["kind"], r["s"], r["direct"])
            for r in store.query(_SPEAKER_TALLIES)]  # type: ignore[union-attr]
    # The listing's order (most quoted first; name, kind and IRI break ties), as a position: an
    # ORDER BY on names and IRIs makes Oxigraph decode strings in every comparison (costs in
    # benchmarks/README.md), an integer is compared in place.
    rows.sort(key=lambda r: (-r[0], -r[1], r[2].value, r[3].value, r[4].value))
    for position, (quotations, articles, name, kind, s, direct) in enumerate(rows, start=1):
        yield _mint("speaker", str(s), str(name), str(kind)), [
            ("tallyOf", s), ("speakerName", name), ("speakerKind", kind),
            ("quotationCount", _integer(quotations)), ("articleCount", _integer(articles)),
            ("directCount", direct), *_place(position),
        ]


def _addressee_tallies(store: QuoteStore) -> Iterator[tuple[ox.NamedNode, list[tuple[str, ox.Term]]]]:
    """Addressees in listing order: most statements first, then the name and the IRI."""
    # Oxigraph leaves the GROUP_CONCAT unbound when no statement to an addressee has a named speaker.
    rows = [(int(r["statements"].value), r["addressee"], r["to"], int(r["speakers"].value),
             r["names"].value if r["names"] is not None else "")
            for r in store.query(_ADDRESSEE_ROWS)]  # type: ignore[union-attr]
    rows.sort(key=lambda r: (-r[0], r[1].value, r[2].value))
    for position, (statements, name, to, speakers, names) in enumerate(rows, start=1):
        speaker_names = "; ".join(sorted(set(names.split("\x1f")) - {""}))
        yield _mint("addressee", str(to), str(name)), [
            ("tallyOf", to), ("addresseeName", name), ("statementCount", _integer(statements)),
            ("speakerCount", _integer(speakers)), ("speakerNames", ox.Literal(speaker_names)), *_place(position),
        ]


def _dense_ranks(values: list[str]) -> numpy.ndarray:
    """Each value's rank among the distinct values (equal values, equal ranks)."""
    rank = {value: n for n, value in enumerate(sorted(set(values)))}
    return numpy.fromiter((rank[v] for v in values), dtype=numpy.int64, count=len(values))


def _co_quotations(store: QuoteStore, workdir: Path) -> Iterator[tuple[ox.NamedNode, list[tuple[str, ox.Term]]]]:
    """Pairs of speakers quoted in the same article, in listing order.

    Memory holds one entry per article and per (speaker, name), plus 32 bytes per pair: the
    (article, speaker) rows and the pairs themselves go through files sorted on disk, so a big
    store's refresh does not grow the build's memory with its pairs.  Numbers are written
    zero-padded, so the byte order of the lines is the numeric order."""
    articles: dict[ox.Term, int] = {}
    speaker_index: dict[tuple[ox.Term, ox.Term], int] = {}
    memberships = workdir / "memberships.txt"
    with memberships.open("w", encoding="ascii") as out:
        for row in store.query(_ARTICLE_SPEAKERS):  # type: ignore[union-attr]
            article = articles.setdefault(row["a"], len(articles))
            speaker = speaker_index.setdefault((row["s"], row["speaker"]), len(speaker_index))
            out.write(f"{article:012d} {speaker:012d}\n")
    smallest_id: list[str | None] = [None] * len(articles)
    for row in store.query(_ARTICLE_IDS):  # type: ignore[union-attr]
        article, found = articles.get(row["a"]), row["id"].value
        if article is not None and (smallest_id[article] is None or found < smallest_id[article]):  # type: ignore[operator]
            smallest_id[article] = found
    del articles
    speakers = list(speaker_index)  # index → (speaker IRI, name)
    del speaker_index
    name_rank = _dense_ranks([name.value for _, name in speakers])
    iri_rank = _dense_ranks([s.value for s, _ in speakers])

    occurrences = workdir / "pairs.txt"  # one line per (pair, article quoting both)
    with occurrences.open("w", encoding="ascii") as out:
        for article_key, lines in itertools.groupby(sorted_distinct_lines(memberships), key=lambda line: line[:12]):
            article = int(article_key)
            if smallest_id[article] is None:
                continue  # an article without identifier drops out, as in the SPARQL join
            # Each unordered pair once, alphabetically by name (the IRI breaks a tie between namesakes).
            members = sorted((int(line[13:]) for line in lines), key=lambda i: (name_rank[i], iri_rank[i]))
            for n, one in enumerate(members):
                for other in members[n + 1:]:
                    out.write(f"{one:012d} {other:012d} {article:012d}\n")

    firsts, seconds, counts, first_articles = (array("q") for _ in range(4))
    for pair, lines in itertools.groupby(sorted_distinct_lines(occurrences), key=lambda line: line[:25]):
        quoting = [int(line[26:]) for line in lines]  # the rows are DISTINCT: one line per article
        firsts.append(int(pair[:12]))
        seconds.append(int(pair[13:25]))
        counts.append(len(quoting))
        first_articles.append(min(quoting, key=lambda a: smallest_id[a]))  # type: ignore[arg-type,return-value]
    one, other = numpy.asarray(firsts), numpy.asarray(seconds)
    # Listing order as a position (see _speaker_tallies): most articles first, then the names, IRIs.
    order = numpy.lexsort((iri_rank[other], iri_rank[one], name_rank[other], name_rank[one], -numpy.asarray(counts)))
    for position, k in enumerate(order.tolist(), start=1):
        (s1, n1), (s2, n2) = speakers[firsts[k]], speakers[seconds[k]]
        yield _mint("pair", str(s1), str(n1), str(s2), str(n2)), [
            ("firstSpeaker", s1), ("firstSpeakerName", n1), ("secondSpeaker", s2), ("secondSpeakerName", n2),
            ("articleCount", _integer(counts[k])), ("firstArticle", ox.Literal(smallest_id[first_articles[k]])),
            *_place(position),
        ]


def _event_key(line: bytes) -> list[object]:
    return json.loads(line)[:5]  # type: ignore[no-any-return]


def _event_tallies(store: QuoteStore, workdir: Path) -> Iterator[tuple[ox.NamedNode, list[tuple[str, object]]]]:
    """Events in listing order: most related statements (both counts) first, then the article, the
    event's name, its IRI and its time text (which the saved query's plain form leaves unordered).

    The rows go through a file sorted on disk by those values (a store of a million articles has
    millions of events); each line is a JSON list of the sort key, the counts and the terms'
    N-Triples forms, which are written out as they are."""
    rows = workdir / "events.jsonl"
    with rows.open("w", encoding="utf-8") as out:
        for r in store.query(_EVENT_ROWS):  # type: ignore[union-attr]
            reported, mentions, when = int(r["reported_in"].value), int(r["mention_participants"].value), r["when"]
            out.write(json.dumps([
                -(reported + mentions), r["article"].value, r["event"].value, r["e"].value,
                when.value if when is not None else "",
                reported, mentions, str(r["e"]), str(r["event"]), str(r["article"]), str(when) if when is not None else "",
            ], ensure_ascii=False) + "\n")
    for position, line in enumerate(sorted_distinct_lines(rows, key=_event_key), start=1):
        *_, reported, mentions, e, event, article, when = json.loads(line)
        yield _mint("event", e, event, when, article), [
            ("tallyOf", e), ("eventName", event), *([("eventTime", when)] if when else []), ("eventArticle", article),
            ("reportedInCount", _integer(reported)), ("participantMentionCount", _integer(mentions)),
            *_place(position),
        ]


def _name_key_lines(store: QuoteStore, counter: list[int]) -> Iterator[str]:
    """N-Triples of the name index: a qg:NameKey per lower-cased name, with qg:keyOf each entity
    bearing it.  The distinct keys are kept in memory (far fewer than the names of the articles:
    608 for 4.58 M names at 80 M quads), so that each key's own two lines are written once."""
    type_line = f" <{_RDF_TYPE}> {_qg('NameKey')} .\n"
    name_key, key_of = str(_qg("nameKey")), str(_qg("keyOf"))
    keys: set[str] = set()
    for row in store.query(_NAME_KEYS):  # type: ignore[union-attr]
        entity, key = row["e"], row["key"].value
        if not isinstance(entity, ox.NamedNode):
            continue  # entities are minted IRIs; a blank node from data loaded by other means has no lookup
        node = str(_mint("name", key))
        if node not in keys:
            keys.add(node)
            yield node + type_line
            yield f"{node} {name_key} {ox.Literal(key)} .\n"
        yield f"{node} {key_of} {entity} .\n"
    counter[0] = len(keys)


def _lines(kind: str, nodes: Iterable[tuple[ox.NamedNode, Sequence[tuple[str, object]]]], counter: list[int]) -> Iterator[str]:
    """N-Triples lines; each value is a pyoxigraph term, whose str() is its N-Triples form (escapes
    included), or that form itself."""
    type_line = f" <{_RDF_TYPE}> {_qg(kind)} .\n"
    predicates: dict[str, str] = {}
    for node, properties in nodes:
        counter[0] += 1
        subject = str(node)
        yield subject + type_line
        for term, value in properties:
            predicate = predicates.get(term) or predicates.setdefault(term, str(_qg(term)))
            yield f"{subject} {predicate} {value} .\n"


# What a summary counts, in SummaryReport's order: speakers, pairs, events, names, addressees.
_COUNTED = ("SpeakerTally", "CoQuotation", "EventTally", "NameKey", "AddresseeTally")


def _summary_lines(store: Any, tmp: Path, counts: dict[str, list[int]]) -> Iterator[str]:
    """The summary graph's lines (N-Triples), counting into COUNTS[kind][0] the nodes of each kind
    as they are written.  STORE is a QuoteStore or a remote endpoint (both answer query())."""
    counts.update({kind: [0] for kind in _COUNTED})
    return itertools.chain(
        _lines("SpeakerTally", _speaker_tallies(store), counts["SpeakerTally"]),
        _lines("CoQuotation", _co_quotations(store, tmp), counts["CoQuotation"]),
        _lines("EventTally", _event_tallies(store, tmp), counts["EventTally"]),
        _lines("AddresseeTally", _addressee_tallies(store), counts["AddresseeTally"]),
        _name_key_lines(store, counts["NameKey"]),
    )


def refresh_summary(store: QuoteStore, batch: int = 50_000, *, identity: bool = True, clusters: bool = True) -> SummaryReport:
    """Recompute the corpus entities (kg.identity.corpus, the identity graph: the counts are per
    corpus entity) unless `identity` is False, the quotation clusters (kg.clusters, by corpus
    entity too) unless `clusters` is False, then the summary graph, writing only what changed.

    The new counts and the stored ones are both written to temporary files as N-Triples, sorted
    on disk in bounded memory (kg.store.sorting) and compared line by line: a build that adds a
    few articles to a big store rewrites a few tallies, not the whole graph (dropping and
    reloading the whole graph costs minutes on a big store; benchmarks/README.md).  The qg:StoreSummary marker is removed
    first and put back last, so a refresh that dies half-way is never read as current.
    """
    store.invalidate_summary(force=True)
    if identity:
        refresh_identity(store)
    cluster_count = 0
    if clusters:
        cluster_count = refresh_clusters(store).clusters
    counts: dict[str, list[int]] = {}
    with sort_workspace() as tmp:
        changed = sync_graph(store, SUMMARY_GRAPH_IRI, _summary_lines(store, tmp, counts), tmp, batch)
    store.write_derived([f"{_GRAPH} <{_RDF_TYPE}> {_qg('StoreSummary')} .".encode(),
                         f"{_GRAPH} {_qg('summaryFormat')} {_integer(SUMMARY_FORMAT)} .".encode()], [])
    return SummaryReport(*(counts[kind][0] for kind in _COUNTED), changed, cluster_count)


def summarise_endpoint(endpoint: Endpoint, batch: int = 250) -> SummaryReport:
    """`kg summarise --endpoint URL`: the corpus entities and the summary graph of what a SPARQL
    server holds (articles pushed there from one store or several), computed with the same
    queries as the local refresh — run on the server — and written there with SPARQL 1.1 Update:
    the summary graph is dropped first (its marker with it, so the saved queries read it as out of
    date until the end), the identity graph and then the summary replaced in batches of INSERT
    DATA, the marker last."""
    source: Any = endpoint  # answers query() with the rows QuoteStore.query gives
    endpoint.update(f"DROP SILENT GRAPH <{SUMMARY_GRAPH_IRI}>")
    identity, rules = compute_identities(source)
    _replace_remote(endpoint, IDENTITY_GRAPH_IRI, identity_lines(identity, rules), batch)
    with sort_workspace() as tmp:
        _replace_remote(endpoint, CLUSTERS_GRAPH_IRI, all_cluster_lines(source, tmp), batch)
    counts: dict[str, list[int]] = {}
    with sort_workspace() as tmp:
        changed = _replace_remote(endpoint, SUMMARY_GRAPH_IRI, _summary_lines(source, tmp, counts), batch, drop=False)
    endpoint.update(f"INSERT DATA {{ GRAPH <{SUMMARY_GRAPH_IRI}> {{\n{_GRAPH} <{_RDF_TYPE}> {_qg('StoreSummary')} .\n"
                    f"{_GRAPH} {_qg('summaryFormat')} {_integer(SUMMARY_FORMAT)} .\n}} }}")
    return SummaryReport(*(counts[kind][0] for kind in _COUNTED), changed)


def _replace_remote(endpoint: Endpoint, graph: str, lines: Iterable[str], batch: int, *, drop: bool = True) -> int:
    """GRAPH on the server holds exactly LINES (N-Triples made by pyoxigraph) afterwards."""
    if drop:
        endpoint.update(f"DROP SILENT GRAPH <{graph}>")
    written = 0
    chunk: list[str] = []

    def send() -> None:
        endpoint.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{''.join(chunk)}}} }}")
        chunk.clear()

    for line in lines:
        chunk.append(line)
        written += 1
        if len(chunk) >= batch:
            send()
    if chunk:
        send()
    return written


def link_store(store: QuoteStore, table: list[AliasRow] | None = None) -> IdentityReport:
    """Recompute the corpus entities and their owl:sameAs links into the identity graph (with
    TABLE, which then replaces the stored alias rules), the quotation clusters, and the summary's
    counts with them when the store had a current summary (they count corpus entities)."""
    current = has_summary(store)
    store.invalidate_summary(force=True)
    report = refresh_identity(store, table)
    refresh_clusters(store)  # clusters are per corpus entity: they follow the identities
    if current:
        refresh_summary(store, identity=False, clusters=False)
    return report
