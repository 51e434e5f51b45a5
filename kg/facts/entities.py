"""People, organisations, places and groups, one row per class, name and alias an article gives them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kg.facts.props import value_of
from kg.graph.vocab import ENTITY_KINDS
from kg.store import QuoteStore

# Inside one article graph at a time: an entity's facts repeat in every article naming it, and its
# article is the one whose graph states them.  Derived graphs (identity, summary, clusters) type no
# entity with these classes, so they add nothing here.
_ENTITIES = f"""
SELECT DISTINCT ?e ?class ?name ?alt ?article WHERE {{
  VALUES ?class {{ {" ".join(f"<{iri}>" for iri in ENTITY_KINDS)} }}
  GRAPH ?g {{
    ?e a ?class .
    OPTIONAL {{ ?e schema:name ?name }}
    OPTIONAL {{ ?e schema:alternateName ?alt }}
    OPTIONAL {{ ?a a schema:NewsArticle ; schema:identifier ?article }}
  }}
}}"""


@dataclass(frozen=True)
class EntityFact:
    iri: str
    kind: str  # ENTITY_KINDS' value of the class: Person | Organization | Place | Group
    name: str | None
    alternate: str | None
    article: str | None  # the identifier of the article whose graph states it


def entities(store: QuoteStore) -> Iterator[EntityFact]:
    """One fact per entity, class, name, alternate name and article (None where there is none)."""
    for row in store.query(_ENTITIES):  # type: ignore[union-attr]
        yield EntityFact(
            iri=row["e"].value,
            kind=ENTITY_KINDS[row["class"].value],
            name=value_of(row["name"]),
            alternate=value_of(row["alt"]),
            article=value_of(row["article"]),
        )
