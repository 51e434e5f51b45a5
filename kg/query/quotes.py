"""`kg quotes`: who said what, optionally for one speaker."""

from __future__ import annotations

from dataclasses import dataclass

from kg.graph.vocab import PREFIXES
from kg.query.labels import pick_label
from kg.query.render import render_table, truncate
from kg.store import QuoteStore

_PATTERN = """
  ?q a schema:Quotation ; schema:text ?text ; schema:isPartOf ?article .
  OPTIONAL { ?q qg:quoteType ?type }
  OPTIONAL { ?q qg:cue ?cue }
  OPTIONAL { ?q qg:speakerMention ?mention }
  OPTIONAL { ?q schema:spokenByCharacter ?speaker . OPTIONAL { ?speaker schema:name ?name } }
  OPTIONAL { ?q oa:hasSelector/oa:start ?start }
"""

_ALL = f"SELECT ?q ?text ?article ?type ?cue ?mention ?speaker ?name ?start WHERE {{ {_PATTERN} }}"

# ?needle is bound by the engine (pyoxigraph substitutions), never spliced into the text, so a
# name containing quotes or braces is just data.  It must be projected for substitution to apply.
_BY_SPEAKER = f"""
SELECT ?q ?text ?article ?type ?cue ?mention ?speaker ?name ?start ?needle WHERE {{
  {_PATTERN}
  FILTER EXISTS {{
    ?q schema:spokenByCharacter ?who .
    ?who schema:name|schema:alternateName ?n .
    FILTER(CONTAINS(LCASE(STR(?n)), LCASE(STR(?needle))))
  }}
}}"""


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
    result = store.query(_BY_SPEAKER, bindings={"needle": speaker}) if speaker else store.query(_ALL)
    merged: dict[str, dict[str, set[str]]] = {}
    for sol in result:  # type: ignore[union-attr]
        row = merged.setdefault(sol["q"].value, {})
        for var in ("text", "article", "type", "cue", "mention", "speaker", "name", "start"):
            term = sol[var]
            if term is not None:
                row.setdefault(var, set()).add(term.value)
    rows = [_row(q, values) for q, values in merged.items()]
    rows.sort(key=lambda r: (r.article, r.start, r.quote))
    return rows


def quotes_table(store: QuoteStore, speaker: str | None = None, *, width: int | None = None) -> str:
    """A readable who-said-what table (quote text truncated)."""
    rows = quote_rows(store, speaker)
    body = [[r.speaker or "—", r.cue, truncate(r.text, 90), r.type, _article_key(r.article)] for r in rows]
    footer = f"{len(rows)} quotation{'s' if len(rows) != 1 else ''}\n"
    return render_table(["speaker", "cue", "quote", "type", "article"], body, width=width) + footer


def _row(quote: str, values: dict[str, set[str]]) -> QuoteRow:
    # Several values appear when articles disagree (two names of one person): choose stably.
    def one(var: str) -> str:
        return pick_label(values.get(var, ())) or ""

    start = min((int(s) for s in values.get("start", ()) if s.isdigit()), default=0)
    return QuoteRow(
        quote=quote,
        speaker=one("name") or one("mention"),
        speaker_iri=min(values["speaker"]) if "speaker" in values else None,
        cue=one("cue"),
        text=one("text"),
        type=one("type").rsplit("#", 1)[-1].lower(),
        article=min(values["article"]),
        start=start,
    )


def _article_key(iri: str) -> str:
    prefix = PREFIXES["qgid"] + "article/"
    return iri[len(prefix) :] if iri.startswith(prefix) else iri
