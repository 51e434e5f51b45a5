"""CSV tables for spreadsheets and pandas: quotations.csv, entities.csv, events.csv.

One row per quotation / entity / event, sorted; multi-valued cells are joined with "; ".
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from typing import IO

from kg.query.labels import pick_label
from kg.store import QuoteStore

_QUOTATIONS = """
SELECT ?q ?article ?start ?end ?type ?speaker ?speaker_name ?speaker_mention ?cue ?addressee
       ?addressee_name ?channel ?time_text ?time_value ?text WHERE {
  ?q a schema:Quotation ; schema:isPartOf ?article ; schema:text ?text .
  OPTIONAL { ?q oa:hasSelector ?sel . ?sel oa:start ?start ; oa:end ?end }
  OPTIONAL { ?q qg:quoteType ?type }
  OPTIONAL { ?q schema:spokenByCharacter ?speaker OPTIONAL { ?speaker schema:name ?speaker_name } }
  OPTIONAL { ?q qg:speakerMention ?speaker_mention }
  OPTIONAL { ?q qg:cue ?cue }
  OPTIONAL { ?q qg:addressee ?addressee OPTIONAL { ?addressee schema:name ?addressee_name } }
  OPTIONAL { ?q qg:channel ?channel }
  OPTIONAL { ?q qg:timeText ?time_text }
  OPTIONAL { ?q qg:timeValue ?time_value }
}"""

_ENTITIES = """
SELECT ?entity ?class ?name ?alternate_name ?article ?said WHERE {
  VALUES ?class { schema:Person schema:Organization schema:Place qg:Group }
  ?entity a ?class .
  OPTIONAL { ?entity schema:name ?name }
  OPTIONAL { ?entity schema:alternateName ?alternate_name }
  OPTIONAL { ?article schema:mentions ?entity }
  OPTIONAL { ?said schema:spokenByCharacter ?entity }
}"""

_EVENTS = """
SELECT ?event ?article ?label ?trigger ?time_text ?time_value ?place ?place_name ?actor ?actor_name WHERE {
  ?event a sem:Event .
  OPTIONAL { ?event prov:wasDerivedFrom ?article }
  OPTIONAL { ?event schema:name ?label }
  OPTIONAL { ?event qg:trigger ?trigger }
  OPTIONAL { ?event qg:timeText ?time_text }
  OPTIONAL { ?event sem:hasTimeStamp ?time_value }
  OPTIONAL { ?event sem:hasPlace ?place OPTIONAL { ?place schema:name ?place_name } }
  OPTIONAL { ?event sem:hasActor ?actor OPTIONAL { ?actor schema:name ?actor_name } }
}"""

Values = dict[str, set[str]]


def _collect(store: QuoteStore, sparql: str, key: str) -> dict[str, Values]:
    """Solutions merged per `key` variable: variable → set of values (OPTIONALs multiply rows)."""
    merged: dict[str, Values] = {}
    result = store.query(sparql)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    for sol in result:  # type: ignore[union-attr]
        row = merged.setdefault(sol[key].value, defaultdict(set))
        for name in names:
            if sol[name] is not None:
                row[name].add(sol[name].value)
    return merged


def _one(values: Values, var: str) -> str:
    return pick_label(values.get(var, ())) or ""


def _all(values: Values, var: str) -> str:
    return "; ".join(sorted(values.get(var, ())))


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def quotations(store: QuoteStore) -> tuple[list[str], list[list[str]]]:
    header = ["quote", "article", "start", "end", "type", "speaker", "speaker_name", "speaker_mention", "cue",
              "addressee", "addressee_name", "channel", "time_text", "time_value", "text"]  # fmt: skip
    rows = []
    for q, v in _collect(store, _QUOTATIONS, "q").items():
        row = [q] + [_one(v, h) for h in header[1:]]
        row[header.index("type")] = _local(row[header.index("type")]).lower()
        rows.append(row)
    start = header.index("start")
    rows.sort(key=lambda r: (r[1], int(r[start]) if r[start].isdigit() else -1, r[0]))
    return header, rows


def entities(store: QuoteStore) -> tuple[list[str], list[list[str]]]:
    header = ["entity", "kind", "name", "alternate_names", "articles", "quotations"]
    rows = [
        [e, _all(v, "class").replace("https://schema.org/", "").replace("https://w3id.org/quotegraph/ontology#", ""),
         _one(v, "name"), _all(v, "alternate_name"), str(len(v.get("article", ()))), str(len(v.get("said", ())))]
        for e, v in _collect(store, _ENTITIES, "entity").items()
    ]  # fmt: skip
    rows.sort()
    return header, rows


def events(store: QuoteStore) -> tuple[list[str], list[list[str]]]:
    header = ["event", "article", "label", "trigger", "time_text", "time_value", "place", "place_name",
              "actors", "actor_names"]  # fmt: skip
    rows = [
        [e, _all(v, "article"), _one(v, "label"), _one(v, "trigger"), _one(v, "time_text"), _one(v, "time_value"),
         _all(v, "place"), _all(v, "place_name"), _all(v, "actor"), _all(v, "actor_name")]
        for e, v in _collect(store, _EVENTS, "event").items()
    ]  # fmt: skip
    rows.sort()
    return header, rows


TABLES: dict[str, Callable[[QuoteStore], tuple[list[str], list[list[str]]]]] = {
    "quotations": quotations,
    "entities": entities,
    "events": events,
}


def write_table(store: QuoteStore, name: str, out: IO[bytes]) -> None:
    """One table as UTF-8 CSV (RFC 4180: quoted as needed, CRLF line ends)."""
    header, rows = TABLES[name](store)
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    out.write(text.getvalue().encode("utf-8"))
