"""The facts of the article graphs, each read by one SPARQL query written once here.

Export (csv, graphml), the report, identity and `kg quotes` / `kg who` read the graph through
these functions rather than through SPARQL of their own, so a change to the contract
(docs/graph-contract.md) is made in one place:

- `quotations` — every quotation's properties and its text selectors (all, or some speakers');
- `entities` — people, organisations, places and groups: class, names, and the article naming them;
- `roles` — a person's roles: title, rank, organisation and the article stating it;
- `events` — every event's properties.

`props` holds the helpers that read a property table (`collect`, `names`, `one`); `labels`
chooses one display label among several.
"""

from kg.facts.entities import EntityFact, entities
from kg.facts.events import events
from kg.facts.quotations import quotations
from kg.facts.roles import RoleFact, roles

__all__ = ["EntityFact", "RoleFact", "entities", "events", "quotations", "roles"]
