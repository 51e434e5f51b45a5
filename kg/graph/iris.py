"""IRI minting (docs/graph-contract.md, "IRIs"): pure functions of content.

No counters, random ids or blank nodes: the same article always yields the same IRIs, so
rebuilding an article replaces its named graph instead of duplicating it, and an entity named in
several articles (a person, an organisation, a place) meets itself in the union graph.
Functions taking `article_key` expect `article_key(article.id)`, not the raw id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

from kg.graph.vocab import QGID
from kg.model import EntityKind

MAX_SLUG = 80

# Curly apostrophes are folded to "'" and then dropped with it, so "O’Brien" and "O'Brien" both
# give "obrien" rather than "o-brien".
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(s: str) -> str:
    """The IRI-safe form of `s`; `h` + sha256(s)[:16] when that form is empty or over 80 chars."""
    # Accents fold to their base letter ("Müller" → "muller"), so spelling variants share an IRI
    # instead of losing the letter ("m-ller").
    folded = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKC", folded).lower().translate(_APOSTROPHES).replace("'", "")
    text = _NOT_SLUG.sub("-", text).strip("-")
    if not text or len(text) > MAX_SLUG:
        # Hash the original string: two long ids sharing an 80-char prefix must not collide.
        return "h" + hashlib.sha256(s.encode("utf-8")).hexdigest()[:16]
    return text


def article_key(article_id: str) -> str:
    """The path segment that identifies an article in every IRI derived from it."""
    return slug(article_id)


def _iri(path: str) -> URIRef:
    return QGID[path]


def article_iri(article_key: str) -> URIRef:
    return _iri(f"article/{article_key}")


def graph_iri(article_key: str) -> URIRef:
    """The named graph holding every triple of one article."""
    return _iri(f"graph/{article_key}")


# Graphs that are not articles: owl:sameAs links (kg.identity), the corpus-wide counts
# (kg.store.summary) and the quotation clusters (kg.clusters).  No article key collides with
# "summary"; an article whose id slugs to "identity" or "clusters" would share that graph's IRI
# (its key is the slug of its id).
IDENTITY_GRAPH = _iri("graph/identity")
SUMMARY_GRAPH = _iri("summary")
CLUSTERS_GRAPH = _iri("graph/clusters")  # the same statement across articles (kg.clusters)


def quote_iri(article_key: str, start: int, end: int) -> URIRef:
    """A quotation is identified by its span: one article never quotes the same span twice."""
    if start < 0 or end < start:
        raise ValueError(f"bad quotation span {start}-{end} in article {article_key!r}")
    return _iri(f"quote/{article_key}/{start}-{end}")


def selector_iri(resource: URIRef) -> URIRef:
    """The text-position selector of a quotation or an event."""
    return URIRef(f"{resource}/selector")


def act_iri(quote: URIRef) -> URIRef:
    """The speech act (schema:CommunicateAction) that produced a quotation."""
    return URIRef(f"{quote}/act")


def person_iri(key: str) -> URIRef:
    return _iri(f"person/{slug(key)}")


def organization_iri(key: str) -> URIRef:
    return _iri(f"organization/{slug(key)}")


def place_iri(key: str) -> URIRef:
    return _iri(f"place/{slug(key)}")


def group_iri(article_key: str, key: str) -> URIRef:
    """Unnamed groups are article-local: "officials" in two articles are different people."""
    return _iri(f"group/{article_key}/{slug(key)}")


def entity_iri(kind: EntityKind, key: str, article_key: str) -> URIRef:
    """The IRI of an entity of any kind (`article_key` only matters for groups)."""
    if kind == "Person":
        return person_iri(key)
    if kind == "Organization":
        return organization_iri(key)
    if kind == "Place":
        return place_iri(key)
    if kind == "Group":
        return group_iri(article_key, key)
    raise ValueError(f"unknown entity kind {kind!r}")


def role_iri(article_key: str, person_key: str, title: str) -> URIRef:
    """A role as one article states it; the same title in another article is another role node."""
    return _iri(f"role/{article_key}/{slug(person_key)}/{slug(title)}")


def event_iri(article_key: str, event_key: str) -> URIRef:
    return _iri(f"event/{article_key}/{slug(event_key)}")
