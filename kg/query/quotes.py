"""`kg quotes`: who said what, optionally for one speaker."""

from __future__ import annotations

from dataclasses import dataclass

from kg.facts import quotations
from kg.facts.props import OA, QG, SCHEMA, local_name, names, one
from kg.graph.vocab import PREFIXES
from kg.query.table import render_table, truncate
from kg.store import QuoteStore
from kg.summary.state import has_summary

# One speaker's quotations, in two steps.  First the entities whose names match, with their
# names (one pass over the names; ?needle is bound by the engine through pyoxigraph substitutions,
# never spliced into the text, so a name holding quotes or braces is just data — it must be
# projected for the substitution to apply, here by the subquery too).  Then their quotations and
# selectors (kg.facts.quotations, by the matched IRIs): the names are scanned once, not three times.
_NAMES_BY_SPEAKER = """
SELECT DISTINCT ?s ?name ?needle WHERE {
  { SELECT DISTINCT ?s ?needle WHERE {
      ?s schema:name|schema:alternateName ?n .
      FILTER(CONTAINS(LCASE(STR(?n)), LCASE(STR(?needle)))) } }
  ?s schema:name ?name }"""
# The same, from the summary's name index when it is current (kg.summary.refresh: each distinct name
# lower-cased once, with its entities), instead of every name of every article (that scan grew with
# the store; benchmarks/README.md, "Store at size").
_NAMES_BY_SPEAKER_INDEXED = """
SELECT DISTINCT ?s ?name ?needle WHERE {
  { SELECT DISTINCT ?s ?needle WHERE {
      GRAPH qgid:summary { ?key qg:nameKey ?n }
      FILTER(CONTAINS(?n, LCASE(STR(?needle))))
      GRAPH qgid:summary { ?key qg:keyOf ?s } } }
  ?s schema:name ?name }"""
# With corpus entities (kg.identity.corpus, kept by `kg build`): a name matches a corpus entity
# when any name of any of its nodes contains it, and every node of that entity counts; each
# speaker is shown under its corpus name, so "Obama" in one article and "Barack Obama" in another
# are one speaker.
_IDENTITY = "<https://w3id.org/quotegraph/id/graph/identity>"
_HAS_CORPUS = f"ASK {{ GRAPH {_IDENTITY} {{ ?s qg:canonicalEntity ?e }} }}"
_CORPUS_NAMES = f"SELECT ?s ?name WHERE {{ GRAPH {_IDENTITY} {{ ?s qg:canonicalEntity ?e . ?e schema:name ?name }} }}"
_CORPUS_NAMES_BY_SPEAKER = f"""
SELECT DISTINCT ?s ?name ?needle WHERE {{
  {{ SELECT DISTINCT ?e ?needle WHERE {{
      GRAPH {_IDENTITY} {{ ?e schema:name|schema:alternateName ?n }}
      FILTER(CONTAINS(LCASE(STR(?n)), LCASE(STR(?needle)))) }} }}
  GRAPH {_IDENTITY} {{ ?s qg:canonicalEntity ?e . ?e schema:name ?name }} }}"""


@dataclass(frozen=True)
class QuoteRow:
    quote: str  # quotation IRI
    speaker: str  # display name: resolved name, else the mention as written, else ""
    speaker_iri: str | None
    cue: str
    text: str
    type: str  # direct | mixed | indirect | ""
    article: str  # article IRI
    start: int


def quote_rows(store: QuoteStore, speaker: str | None = None) -> list[QuoteRow]:
    """Quotations (optionally those whose speaker's name contains `speaker`, any case), in article order."""
    corpus = bool(store.query(_HAS_CORPUS))
    if speaker:
        if corpus:
            by_name = _CORPUS_NAMES_BY_SPEAKER
        else:
            by_name = _NAMES_BY_SPEAKER_INDEXED if has_summary(store) else _NAMES_BY_SPEAKER
        name_of = names(store, by_name, {"needle": speaker})
        if not name_of:
            return []
        quotes, selectors = quotations(store, speakers=name_of)
    else:
        quotes, selectors = quotations(store)
        name_of = names(store, _CORPUS_NAMES) if corpus else names(store)
    rows = []
    for q, props in quotes.items():
        speaker_iri = min(props.get(SCHEMA + "spokenByCharacter", ()), default=None)
        start = min(
            (
                int(v)
                for sel in props.get(OA + "hasSelector", ())
                for v in selectors[sel].get(OA + "start", ())
            ),
            default=0,
        )
        rows.append(
            QuoteRow(
                quote=q,
                speaker=name_of.get(speaker_iri or "", "") or one(props, QG + "speakerMention"),
                speaker_iri=speaker_iri,
                cue=one(props, QG + "cue"),
                text=one(props, SCHEMA + "text"),
                type=local_name(one(props, QG + "quoteType")).lower(),
                article=min(props.get(SCHEMA + "isPartOf", ()), default=""),
                start=start,
            )
        )
    rows.sort(key=lambda r: (r.article, r.start, r.quote))
    return rows


def quotes_table(store: QuoteStore, speaker: str | None = None, *, width: int | None = None,
                 limit: int | None = None) -> str:
    """A readable who-said-what table (quote text truncated), of the first `limit` rows if given."""
    rows = quote_rows(store, speaker)
    shown = rows[:limit]
    body = [[r.speaker or "—", r.cue, truncate(r.text, 90), r.type, _article_key(r.article)] for r in shown]
    footer = f"{len(rows)} quotation{'s' if len(rows) != 1 else ''}"
    footer = (f"{len(shown)} of {footer}" if len(shown) < len(rows) else footer) + "\n"
    return render_table(["speaker", "cue", "quote", "type", "article"], body, width=width) + footer


def _article_key(iri: str) -> str:
    prefix = PREFIXES["qgid"] + "article/"
    return iri[len(prefix) :] if iri.startswith(prefix) else iri
