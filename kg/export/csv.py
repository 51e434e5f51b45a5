"""CSV tables for spreadsheets and pandas: quotations.csv, entities.csv, events.csv.

One row per quotation / entity / event, sorted; multi-valued cells are joined with "; ".
Entities are corpus entities (kg.identity.corpus: "Obama" and "Barack Obama" are one row, its
article-level nodes listed), and a quotation's speaker and addressee are named as such.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from typing import IO

from kg import facts
from kg.facts.props import OA, PROV, QG, SCHEMA, SEM, Props, local_name, names, one
from kg.identity.corpus import canonical_entities
from kg.store import QuoteStore

Table = tuple[list[str], list[list[str]]]

_MENTIONED_IN = "SELECT DISTINCT ?e ?x WHERE { ?x a schema:NewsArticle ; schema:mentions ?e }"


def _all(props: Props, predicate: str) -> str:
    return "; ".join(sorted(props.get(predicate, ())))


def _names(values: set[str], name_of: dict[str, str]) -> str:
    return "; ".join(sorted(name_of.get(v, "") for v in values))


def _offset(props: Props, selectors: dict[str, Props], which: str) -> str:
    found = {int(v) for sel in props.get(OA + "hasSelector", ()) for v in selectors[sel].get(OA + which, ())}
    return str(min(found)) if found else ""


def quotations(store: QuoteStore) -> Table:
    header = ["quote", "article", "start", "end", "type", "speaker", "speaker_entity", "speaker_name",
              "speaker_mention", "cue", "addressee", "addressee_entity", "addressee_name", "channel", "time_text",
              "time_value", "text"]  # fmt: skip
    quotes, selectors = facts.quotations(store)
    name_of = names(store)
    corpus = canonical_entities(store)

    def entity(node: str) -> tuple[str, str]:
        """(corpus entity, its name) of an article-level node; the node itself without one."""
        return (corpus[node][0], corpus[node][1]) if node in corpus else (node, name_of.get(node, ""))

    rows = []
    for q, p in quotes.items():
        speaker, addressee = one(p, SCHEMA + "spokenByCharacter"), one(p, QG + "addressee")
        rows.append([
            q, one(p, SCHEMA + "isPartOf"), _offset(p, selectors, "start"), _offset(p, selectors, "end"),
            local_name(one(p, QG + "quoteType")).lower(), speaker, *(entity(speaker) if speaker else ("", "")),
            one(p, QG + "speakerMention"), one(p, QG + "cue"), addressee, *(entity(addressee) if addressee else ("", "")),
            one(p, QG + "channel"), one(p, QG + "timeText"), one(p, QG + "timeValue"), one(p, SCHEMA + "text"),
        ])  # fmt: skip
    rows.sort(key=lambda r: (r[1], int(r[2]) if r[2] else -1, r[0]))
    return header, rows


def entities(store: QuoteStore) -> Table:
    """One row per corpus entity: its article-level nodes, the articles mentioning any of them and
    the quotations any of them said.  A node without a corpus entity (a store whose identity graph
    was never computed) is a row of its own."""
    header = ["entity", "kind", "name", "alternate_names", "nodes", "articles", "quotations"]
    corpus = canonical_entities(store)
    mentioned: dict[str, set[str]] = defaultdict(set)
    quoted: dict[str, set[str]] = defaultdict(set)

    def key_of(node: str) -> str:
        return corpus[node][0] if node in corpus else node

    for sol in store.query(_MENTIONED_IN):  # type: ignore[union-attr]
        mentioned[key_of(sol["e"].value)].add(sol["x"].value)
    for q, p in facts.quotations(store)[0].items():
        for speaker in p.get(SCHEMA + "spokenByCharacter", ()):
            quoted[key_of(speaker)].add(q)
    grouped: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for fact in facts.entities(store):
        merged = grouped[key_of(fact.iri)]
        merged["nodes"].add(fact.iri)
        merged["kinds"].add(fact.kind)
        for predicate, value in ((SCHEMA + "name", fact.name), (SCHEMA + "alternateName", fact.alternate)):
            if value is not None:
                merged[predicate].add(value)
    rows = []
    for key, p in grouped.items():
        canonical = next((corpus[n] for n in sorted(p["nodes"]) if n in corpus), None)
        if canonical is not None:
            kind, name = canonical[2], canonical[1]
        else:
            kind, name = "; ".join(sorted(p["kinds"])), one(p, SCHEMA + "name")
        names_all = (p.get(SCHEMA + "name", set()) | p.get(SCHEMA + "alternateName", set())) - {name}
        rows.append([
            key, kind, name, "; ".join(sorted(names_all)), "; ".join(sorted(p["nodes"])),
            str(len(mentioned.get(key, ()))), str(len(quoted.get(key, ()))),
        ])  # fmt: skip
    rows.sort()
    return header, rows


def events(store: QuoteStore) -> Table:
    header = ["event", "article", "label", "trigger", "time_text", "time_value", "place", "place_name",
              "actors", "actor_names"]  # fmt: skip
    name_of = names(store)
    rows = []
    for e, p in facts.events(store).items():
        places, actors = p.get(SEM + "hasPlace", set()), p.get(SEM + "hasActor", set())
        rows.append([
            e, _all(p, PROV + "wasDerivedFrom"), one(p, SCHEMA + "name"), one(p, QG + "trigger"),
            one(p, QG + "timeText"), one(p, SEM + "hasTimeStamp") or one(p, SCHEMA + "startDate"),
            "; ".join(sorted(places)), _names(places, name_of), "; ".join(sorted(actors)), _names(actors, name_of),
        ])  # fmt: skip
    rows.sort()
    return header, rows


TABLES: dict[str, Callable[[QuoteStore], Table]] = {
    "quotations": quotations,
    "entities": entities,
    "events": events,
}


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (`=HYPERLINK(…)`, `@SUM(…)`, `+cmd|…`): article text is untrusted, so such cells get a leading
# apostrophe, as OWASP recommends for CSV injection; the sheet then shows the text as written.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """`cell` as a spreadsheet will show it, never run it (see FORMULA_STARTS)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def write_table(store: QuoteStore, name: str, out: IO[bytes]) -> None:
    """One table as UTF-8 CSV (RFC 4180: quoted as needed, CRLF line ends), formula-like cells
    neutralised (`neutralise`)."""
    header, rows = TABLES[name](store)
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    out.write(text.getvalue().encode("utf-8"))
