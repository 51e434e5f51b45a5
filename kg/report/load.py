"""The store → ReportData: what the report shows, read through kg.facts (and the articles here).

Quotations, entities, roles and events come from kg.facts; the articles from the one query here.
Where the union of article graphs could give a resource several values (an entity named
differently by two articles), one is chosen deterministically.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from kg import facts
from kg.facts.labels import pick_label
from kg.facts.props import Props
from kg.graph.vocab import PREFIXES
from kg.report.data import ArticleView, EntityView, EventView, QuoteView, ReportData, RoleView
from kg.store import QuoteStore

_S, _QG, _OA, _SEM, _PROV = (PREFIXES[p] for p in ("schema", "qg", "oa", "sem", "prov"))

_ARTICLES = """
SELECT DISTINCT ?a ?id ?body ?headline ?date ?url ?publisher WHERE {
  # Inside the article's own graph: its publisher is described again in every article it published.
  GRAPH ?g {
    ?a a schema:NewsArticle ; schema:articleBody ?body .
    OPTIONAL { ?a schema:identifier ?id }
    OPTIONAL { ?a schema:headline ?headline }
    OPTIONAL { ?a schema:datePublished ?date }
    OPTIONAL { ?a schema:url ?url }
    OPTIONAL { ?a schema:publisher/schema:name ?publisher }
  }
}"""

# When the union gives an entity several classes, the most specific speaker kind wins.
_KIND_RANK = {kind: rank for rank, kind in enumerate(("Person", "Organization", "Group", "Place"))}

_QUOTE_TYPES = {_QG + "Direct": "direct", _QG + "Mixed": "mixed", _QG + "Indirect": "indirect"}


def load_report_data(store: QuoteStore) -> ReportData:
    """Read everything the report shows from the store, sorted; people, organisations, places and
    groups are corpus entities (kg.identity.corpus): "Obama" in one article and "Barack Obama" in
    another are one speaker row, one network node, one colour."""
    from kg.identity.corpus import canonical_entities

    data = ReportData(
        articles=_articles(store),
        quotes=_quotes(store),
        events=_events(store),
        roles=_roles(store),
        entities=_entities(store),
    )
    return _canonical(data, canonical_entities(store))


def _canonical(data: ReportData, corpus: dict[str, tuple[str, str, str]]) -> ReportData:
    """Every entity IRI of DATA replaced by its corpus entity's (those without one stay)."""
    if not corpus:
        return data

    def of(iri: str | None) -> str | None:
        return corpus[iri][0] if iri is not None and iri in corpus else iri

    def all_of(iris: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted({of(i) or i for i in iris}))

    entities = {of(e) or e: view for e, view in data.entities.items() if e not in corpus}
    for entity, name, kind in corpus.values():
        entities[entity] = EntityView(iri=entity, name=name, kind=kind)
    quotes = [replace(q, speaker=of(q.speaker), addressees=all_of(q.addressees), about=all_of(q.about))
              for q in data.quotes]
    roles = sorted({replace(r, person=of(r.person) or r.person, organization=of(r.organization)) for r in data.roles},
                   key=lambda r: (r.person, r.name.casefold(), r.name, r.organization or ""))
    events = [replace(e, actors=all_of(e.actors)) for e in data.events]
    return replace(data, quotes=quotes, roles=roles, events=events, entities=dict(sorted(entities.items())))


def _rows(store: QuoteStore, sparql: str) -> Iterator[dict[str, str | None]]:
    """Solutions as plain dicts of lexical values (None when unbound)."""
    result: Any = store.query(sparql)
    names = [v.value for v in result.variables]
    for sol in result:
        yield {n: (None if sol[n] is None else sol[n].value) for n in names}


def _first(values: set[str | None]) -> str | None:
    """The smallest bound value: a deterministic choice when the union gives several."""
    bound = sorted(v for v in values if v is not None)
    return bound[0] if bound else None


def _collect(rows: Iterator[dict[str, str | None]], key: str) -> dict[str, dict[str, set[str | None]]]:
    """Group rows by `key`, gathering every value of every other column."""
    out: dict[str, dict[str, set[str | None]]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        k = row[key]
        if k is None:
            continue
        for name, value in row.items():
            out[k][name].add(value)
    return out


def _articles(store: QuoteStore) -> list[ArticleView]:
    grouped = _collect(_rows(store, _ARTICLES), "a")
    articles = [
        ArticleView(
            iri=iri,
            identifier=_first(v["id"]) or iri.rsplit("/", 1)[-1],
            body=_first(v["body"]) or "",
            headline=_first(v["headline"]),
            published=_first(v["date"]),
            url=_first(v["url"]),
            publisher=pick_label(x for x in v["publisher"] if x),
        )
        for iri, v in grouped.items()
    ]
    return sorted(articles, key=lambda a: (a.identifier, a.iri))


def _int(value: str | None) -> int | None:
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


def _least(props: Props, predicate: str) -> str | None:
    """The smallest value: a deterministic choice when the union gives several."""
    return min(props.get(predicate, ()), default=None)


def _quotes(store: QuoteStore) -> list[QuoteView]:
    from kg.query.clusters import memberships  # the same statement in other articles (kg.clusters)

    clustered = memberships(store)
    found, selectors = facts.quotations(store)
    quotes = []
    for iri, p in found.items():
        article, text = _least(p, _S + "isPartOf"), _least(p, _S + "text")
        if article is None or text is None:  # a quotation is text in an article
            continue
        # The offsets of its selectors that have both ends (each end chosen on its own).
        spans = [selectors[sel] for sel in p.get(_OA + "hasSelector", ())
                 if selectors[sel].get(_OA + "start") and selectors[sel].get(_OA + "end")]
        starts = {v for sel in spans for v in sel[_OA + "start"]}
        ends = {v for sel in spans for v in sel[_OA + "end"]}
        quotes.append(
            QuoteView(
                iri=iri,
                article=article,
                text=text,
                start=_int(min(starts, default=None)),
                end=_int(min(ends, default=None)),
                type=_QUOTE_TYPES.get(_least(p, _QG + "quoteType") or "", "unknown"),
                speaker=_least(p, _S + "spokenByCharacter"),
                speaker_mention=_least(p, _QG + "speakerMention"),
                cue=_least(p, _QG + "cue"),
                channel=_least(p, _QG + "channel"),
                time_text=_least(p, _QG + "timeText"),
                time_value=_least(p, _QG + "timeValue"),
                addressees=tuple(sorted(p.get(_QG + "addressee", ()))),
                about=tuple(sorted(p.get(_S + "about", ()))),
                also_in=clustered[iri].articles - 1 if iri in clustered else 0,
            )
        )
    # Article, then position in it: the order a reader meets them.
    return sorted(quotes, key=lambda q: (q.article, q.start is None, q.start or 0, q.end or 0, q.iri))


def _entities(store: QuoteStore) -> dict[str, EntityView]:
    kinds: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    for fact in facts.entities(store):
        kinds[fact.iri].add(fact.kind)
        if fact.name:
            names[fact.iri].add(fact.name)
    return {
        e: EntityView(
            iri=e,
            name=pick_label(names[e]) or e.rstrip("/").rsplit("/", 1)[-1],
            kind=min(kinds[e], key=_KIND_RANK.__getitem__),
        )
        for e in sorted(kinds)
    }


def _roles(store: QuoteStore) -> list[RoleView]:
    roles = {RoleView(person=r.person, name=r.title, organization=r.organization) for r in facts.roles(store)}
    return sorted(roles, key=lambda r: (r.person, r.name.casefold(), r.name, r.organization or ""))


def _events(store: QuoteStore) -> list[EventView]:
    events = [
        EventView(
            iri=iri,
            article=_least(p, _PROV + "wasDerivedFrom") or "",
            name=_least(p, _S + "name") or iri.rsplit("/", 1)[-1],
            time_text=_least(p, _QG + "timeText"),
            time_value=_least(p, _SEM + "hasTimeStamp") or _least(p, _S + "startDate"),
            actors=tuple(sorted(p.get(_SEM + "hasActor", ()))),
        )
        for iri, p in facts.events(store).items()
    ]
    return sorted(events, key=lambda e: (e.article, e.iri))
