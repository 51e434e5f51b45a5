"""The clusters graph in the store, kept up to date by `kg build` one speaker at a time.

A speaker's clusters depend on that speaker's quotations alone (kg.clusters.group), so a build
only reclusters the speakers whose quotations changed.  Which ones is read from the store, not
from what the build did — so an interrupted build, a `--force` rebuild, an identity that split or
merged (a second "Obama") or an alias table are all caught the same way:

1. one scan of every quotation's (corpus speaker, article, type) — identifiers only, no text —
   sorted on disk by speaker (bounded memory), gives each speaker quoted in two articles or more
   a *digest*: a hash of its quotations, their types and their articles' content hash, date and
   publisher (everything a cluster is computed from);
2. the digest stored with each speaker's clusters (`<speaker> qg:clusterDigest "…"` in the
   clusters graph) says which speakers changed: only their quotations' texts are read (one
   lookup per speaker, or one pass over all quotations when many changed, sorted on disk by
   speaker), clustered, and compared with their stored triples;
3. only the difference is written, the digests last: a build that dies half-way leaves a digest
   that does not match, and the next build redoes that speaker.

Speakers quoted in a single article have no cluster node (kg.clusters.graph) and no digest.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.clusters.graph import MIN_ARTICLES, Described, cluster_lines, describe, digest_line
from kg.clusters.group import Occurrence, group
from kg.graph.iris import CLUSTERS_GRAPH, IDENTITY_GRAPH
from kg.graph.vocab import PREFIXES
from kg.store import QuoteStore
from kg.store.sorting import sort_workspace, sorted_distinct_lines
from kg.store.sync import write_differences

CLUSTERS_GRAPH_IRI = str(CLUSTERS_GRAPH)
# Bumped when the matching or the triples change: every digest then differs, and the next build
# reclusters every speaker.
CLUSTER_FORMAT = 1
# Up to this many changed speakers, each one's quotations are looked up; beyond, one pass over
# every quotation of the store is cheaper.
LOOKUP_LIMIT = 200

_ID = f"<{IDENTITY_GRAPH}>"
_CL = f"<{CLUSTERS_GRAPH_IRI}>"
_QG = PREFIXES["qg"]

# Hashed subqueries, one pattern each (as kg.summary.refresh): Oxigraph joins whole index scans.
_QUOTE_SPEAKERS = f"""
SELECT ?s ?q ?a ?type WHERE {{
  {{ SELECT ?q ?m WHERE {{ GRAPH ?g {{ ?q schema:spokenByCharacter ?m }} }} }}
  {{ SELECT ?q ?a WHERE {{ GRAPH ?g {{ ?q schema:isPartOf ?a }} }} }}
  {{ SELECT ?q ?type WHERE {{ GRAPH ?g {{ ?q qg:quoteType ?type }} }} }}
  {{ SELECT ?m ?s WHERE {{ GRAPH {_ID} {{ ?m qg:canonicalEntity ?s }} }} }}
}}"""

_ARTICLES = """
SELECT ?a ?id ?hash ?date ?pub WHERE {
  GRAPH ?g {
    ?a a schema:NewsArticle ; schema:identifier ?id ; qg:contentHash ?hash .
    OPTIONAL { ?a schema:datePublished ?date }
    OPTIONAL { ?a schema:publisher ?pub }
  }
}"""
# Publishers as corpus entities: "CNN" and "Cable News Network" are one source.
_PUBLISHERS = f"""
SELECT DISTINCT ?pub ?publisher WHERE {{
  GRAPH ?g {{ ?a schema:publisher ?pub }}
  GRAPH {_ID} {{ ?pub qg:canonicalEntity ?publisher }}
}}"""

_TEXT_PATTERNS = """?q schema:spokenByCharacter ?m ; schema:text ?text ; schema:isPartOf ?a ; qg:quoteType ?type ;
       oa:hasSelector ?sel . ?sel oa:start ?start ; oa:end ?end ."""
# One speaker's quotations (?s bound by the engine: pyoxigraph substitutions).
_SPEAKER_TEXTS = f"""
SELECT ?s ?q ?text ?a ?type ?start ?end WHERE {{
  GRAPH {_ID} {{ ?m qg:canonicalEntity ?s }}
  GRAPH ?g {{ {_TEXT_PATTERNS} }}
}}"""
_ALL_TEXTS = f"""
SELECT ?s ?q ?text ?a ?type ?start ?end WHERE {{
  {{ SELECT ?q ?m WHERE {{ GRAPH ?g {{ ?q schema:spokenByCharacter ?m }} }} }}
  {{ SELECT ?m ?s WHERE {{ GRAPH {_ID} {{ ?m qg:canonicalEntity ?s }} }} }}
  {{ SELECT ?q ?text WHERE {{ GRAPH ?g {{ ?q schema:text ?text }} }} }}
  {{ SELECT ?q ?a WHERE {{ GRAPH ?g {{ ?q schema:isPartOf ?a }} }} }}
  {{ SELECT ?q ?type WHERE {{ GRAPH ?g {{ ?q qg:quoteType ?type }} }} }}
  {{ SELECT ?q ?sel WHERE {{ GRAPH ?g {{ ?q oa:hasSelector ?sel }} }} }}
  {{ SELECT ?sel ?start WHERE {{ GRAPH ?g {{ ?sel oa:start ?start }} }} }}
  {{ SELECT ?sel ?end WHERE {{ GRAPH ?g {{ ?sel oa:end ?end }} }} }}
}}"""

_STORED_DIGESTS = f"SELECT ?s ?d WHERE {{ GRAPH {_CL} {{ ?s qg:clusterDigest ?d }} }}"
_STORED_TRIPLES = f"SELECT ?s ?c ?p ?o WHERE {{ GRAPH {_CL} {{ ?c qg:clusterSpeaker ?s ; ?p ?o }} }}"
_COUNT = f"SELECT (COUNT(?c) AS ?n) WHERE {{ GRAPH {_CL} {{ ?c a qg:QuotationCluster }} }}"


@dataclass(frozen=True)
class ClusterReport:
    speakers: int  # speakers quoted in two articles or more
    reclustered: int  # speakers whose quotations changed since the last refresh
    clusters: int  # cluster nodes in the graph afterwards
    changed: int  # triples added or removed


@dataclass(frozen=True)
class ArticleFacts:
    identifier: str
    digest: str
    date: ox.Literal | None
    source: str | None  # the publisher's corpus entity (else its node)


def _value(term: object) -> str:
    return term.value if term is not None else ""  # type: ignore[attr-defined]


def article_facts(store: QuoteStore) -> dict[str, ArticleFacts]:
    """Article IRI → identifier, content hash, publication date and publisher."""
    out: dict[str, ArticleFacts] = {}
    canonical = {r["pub"].value: r["publisher"].value for r in store.query(_PUBLISHERS)}  # type: ignore[union-attr]
    for row in store.query(_ARTICLES):  # type: ignore[union-attr]
        publisher = _value(row["pub"]) or None
        facts = ArticleFacts(row["id"].value, row["hash"].value, row["date"], canonical.get(publisher or "", publisher))
        known = out.get(row["a"].value)
        # One graph per article; should data loaded by other means give two values, keep the
        # smallest, so the choice does not depend on the store's order.
        if known is None or _facts_key(facts) < _facts_key(known):
            out[row["a"].value] = facts
    return out


def _facts_key(f: ArticleFacts) -> tuple[str, str, str, str]:
    return (f.identifier, f.digest, str(f.date) if f.date is not None else "", f.source or "")


def current_digests(store: QuoteStore, articles: dict[str, ArticleFacts], workdir: Path) -> dict[str, str]:
    """Speaker (corpus entity) → digest of its quotations, for speakers quoted in two articles or more."""
    rows = workdir / "speakers.tsv"
    with rows.open("w", encoding="utf-8") as out:
        for row in store.query(_QUOTE_SPEAKERS):  # type: ignore[union-attr]
            out.write(f"{row['s'].value}\t{row['a'].value}\t{row['q'].value}\t{row['type'].value}\n")
    digests: dict[str, str] = {}
    for speaker, lines in itertools.groupby(sorted_distinct_lines(rows), key=lambda line: line.split(b"\t", 1)[0]):
        h = hashlib.sha256(f"quotegraph clusters {CLUSTER_FORMAT}\n".encode())
        quoted_in: set[bytes] = set()
        for line in lines:
            _, article, _ = line.split(b"\t", 2)
            quoted_in.add(article)
            facts = articles.get(article.decode("utf-8"))
            h.update(line)
            if facts is not None:
                h.update(f"\t{facts.digest}\t{facts.date}\t{facts.source}".encode())
            h.update(b"\n")
        if len(quoted_in) >= MIN_ARTICLES:
            digests[speaker.decode("utf-8")] = h.hexdigest()[:32]
    return digests


def stored_digests(store: QuoteStore) -> dict[str, str]:
    return {r["s"].value: r["d"].value for r in store.query(_STORED_DIGESTS)}  # type: ignore[union-attr]


def _occurrence(row: object, articles: dict[str, ArticleFacts]) -> Occurrence | None:
    article = row["a"].value  # type: ignore[index]
    facts = articles.get(article)
    if facts is None:
        return None  # a quotation whose article node is not described: nothing to date or name it by
    return Occurrence(
        quote=row["q"].value, article=article, article_id=facts.identifier, text=row["text"].value,  # type: ignore[index]
        type=row["type"].value.rsplit("#", 1)[-1].lower(), start=int(row["start"].value),  # type: ignore[index]
        end=int(row["end"].value), date=facts.date.value if facts.date is not None else None,  # type: ignore[index]
        source=facts.source,
    )


def occurrences_by_speaker(store: QuoteStore, speakers: set[str], articles: dict[str, ArticleFacts],
                           workdir: Path, *, lookup: bool = True) -> Iterator[tuple[str, list[Occurrence]]]:
    """Each of `speakers` (sorted) with its quotations: looked up one speaker at a time when they
    are few (and `lookup`: a remote endpoint takes no bindings), else from one pass over all."""
    if lookup and len(speakers) <= LOOKUP_LIMIT:
        for speaker in sorted(speakers):
            found = [_occurrence(r, articles) for r in store.query(_SPEAKER_TEXTS, bindings={"s": ox.NamedNode(speaker)})]  # type: ignore[union-attr]
            yield speaker, sorted({o for o in found if o is not None}, key=lambda o: o.quote)
        return
    rows = workdir / "texts.jsonl"
    with rows.open("w", encoding="utf-8") as out:
        for r in store.query(_ALL_TEXTS):  # type: ignore[union-attr]
            if r["s"].value in speakers:
                out.write(json.dumps([r["s"].value, r["q"].value, r["text"].value, r["a"].value, r["type"].value,
                                      int(r["start"].value), int(r["end"].value)], ensure_ascii=False) + "\n")
    for speaker, lines in itertools.groupby(sorted_distinct_lines(rows), key=lambda line: json.loads(line)[0]):
        found = []
        for line in lines:
            s, q, text, a, kind, start, end = json.loads(line)
            facts = articles.get(a)
            if facts is not None:
                found.append(Occurrence(q, a, facts.identifier, text, kind.rsplit("#", 1)[-1].lower(), start, end,
                                        facts.date.value if facts.date is not None else None, facts.source))
        yield speaker, found


def speaker_clusters(speaker: str, occurrences: Iterable[Occurrence]) -> list[Described]:
    """The clusters of one speaker that the graph holds (two articles or more), first seen first."""
    described = (describe(speaker, c) for c in group(list(occurrences)))
    return sorted((d for d in described if d is not None), key=lambda d: d.first.seen_key)


def all_cluster_lines(source: QuoteStore, workdir: Path) -> Iterator[str]:
    """The whole clusters graph of SOURCE (a store, or a remote endpoint answering the same
    queries: `kg summarise --endpoint`) as N-Triples lines, computed from scratch."""
    articles = article_facts(source)
    digests = current_digests(source, articles, workdir)
    for speaker, found in occurrences_by_speaker(source, set(digests), articles, workdir, lookup=False):
        for described in speaker_clusters(speaker, found):
            yield from cluster_lines(described, {a: f.date for a, f in _dated(articles, described)})
    for speaker in sorted(digests):
        yield digest_line(speaker, digests[speaker])


def _stored_lines(store: QuoteStore, speakers: set[str], out: Path) -> None:
    with out.open("w", encoding="utf-8") as fh:
        if len(speakers) <= LOOKUP_LIMIT:
            rows: Iterable = itertools.chain.from_iterable(
                store.query(_STORED_TRIPLES, bindings={"s": ox.NamedNode(s)}) for s in sorted(speakers))  # type: ignore[union-attr]
        else:
            rows = (r for r in store.query(_STORED_TRIPLES) if r["s"].value in speakers)  # type: ignore[union-attr]
        for r in rows:
            fh.write(f"{r['c']} {r['p']} {r['o']} .\n")


def refresh_clusters(store: QuoteStore, batch: int = 50_000) -> ClusterReport:
    """Make the clusters graph match the store's quotations, reclustering only the speakers whose
    quotations changed (see the module's docstring); needs a current identity graph."""
    articles = article_facts(store)
    with sort_workspace() as tmp:
        new = current_digests(store, articles, tmp)
        old = stored_digests(store)
        dirty = {s for s in new.keys() | old.keys() if new.get(s) != old.get(s)}
        changed = 0
        if dirty:
            old_file, new_file = tmp / "old.nt", tmp / "new.nt"
            _stored_lines(store, dirty, old_file)
            with new_file.open("w", encoding="utf-8") as fh:
                for speaker, found in occurrences_by_speaker(store, dirty & new.keys(), articles, tmp):
                    for described in speaker_clusters(speaker, found):
                        fh.writelines(cluster_lines(described, {a: f.date for a, f in _dated(articles, described)}))
            changed = write_differences(store, CLUSTERS_GRAPH_IRI, old_file, new_file, batch)
            # The digests last: until they are written, the next refresh sees these speakers as changed.
            removed = [digest_line(s, old[s]).rstrip("\n").encode() for s in sorted(dirty & old.keys())]
            added = [digest_line(s, new[s]).rstrip("\n").encode() for s in sorted(dirty & new.keys())]
            store.write_derived(added, removed, CLUSTERS_GRAPH_IRI)
            changed += len(removed) + len(added)
        count = next(iter(store.query(_COUNT)))["n"].value  # type: ignore[call-overload]
    return ClusterReport(speakers=len(new), reclustered=len(dirty), clusters=int(count), changed=changed)


def _dated(articles: dict[str, ArticleFacts], described: Described) -> Iterator[tuple[str, ArticleFacts]]:
    facts = articles.get(described.first.article)
    if facts is not None and facts.date is not None:
        yield described.first.article, facts
