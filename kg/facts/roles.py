"""The roles people hold: title, rank, organisation and the article that states them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kg.facts.props import value_of
from kg.store import QuoteStore

# Inside one article graph: a role belongs to the article that states it (its IRI is minted from
# the article), and the organisation's names are the ones that article gives.  ?person may be bound
# by the engine (pyoxigraph substitution), never spliced into the text; it is projected so that the
# substitution applies.
_ROLES = """
SELECT ?person ?role ?title ?rank ?article ?org ?orgName ?orgAlt WHERE {
  GRAPH ?g {
    ?person a schema:Person ; schema:memberOf ?role .
    ?role a schema:OrganizationRole ; schema:roleName ?title ; prov:wasDerivedFrom/schema:identifier ?article .
    OPTIONAL { ?role qg:rank ?rank }
    OPTIONAL {
      ?role schema:memberOf ?org .
      OPTIONAL { ?org schema:name ?orgName }
      OPTIONAL { ?org schema:alternateName ?orgAlt }
    }
  }
}"""


@dataclass(frozen=True)
class RoleFact:
    person: str
    role: str
    title: str
    rank: str | None
    article: str  # the stating article's identifier
    organization: str | None  # the organisation's IRI
    organization_name: str | None
    organization_alternate: str | None


def roles(store: QuoteStore, person: str | None = None) -> Iterator[RoleFact]:
    """Every role of every person (or of `person`, an IRI), one fact per organisation name and alias."""
    bindings = None if person is None else {"person": ox.NamedNode(person)}
    for row in store.query(_ROLES, bindings=bindings):  # type: ignore[union-attr]
        yield RoleFact(
            person=row["person"].value,
            role=row["role"].value,
            title=row["title"].value,
            rank=value_of(row["rank"]),
            article=row["article"].value,
            organization=value_of(row["org"]),
            organization_name=value_of(row["orgName"]),
            organization_alternate=value_of(row["orgAlt"]),
        )
