"""Events as a property table."""

from __future__ import annotations

from kg.facts.props import Props, collect
from kg.store import QuoteStore

_EVENTS = "SELECT DISTINCT ?s ?p ?o WHERE { ?s a sem:Event ; ?p ?o }"


def events(store: QuoteStore) -> dict[str, Props]:
    """Event IRI → its properties (label, trigger, times, actors, place, article …)."""
    return collect(store, _EVENTS)
