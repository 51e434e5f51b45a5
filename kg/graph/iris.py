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


def _fold(s: str) -> str:
    """`s` reduced to `[a-z0-9-]`: accents folded, apostrophes dropped, other runs → `-`."""
    # Accents fold to their base letter ("Müller" → "muller"), so spelling variants share an IRI
    # instead of losing the letter ("m-ller").
    folded = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKC", folded).lower().translate(_APOSTROPHES).replace("'", "")
    return _NOT_SLUG.sub("-", text).strip("-")


def _digest(s: str, length: int) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()[:length]


def slug(s: str) -> str:
    """The IRI-safe form of `s`; `h` + sha256(s)[:16] when that form is empty or over 80 chars."""
    text = _fold(s)
    if not text or len(text) > MAX_SLUG:
        # Hash the original string: two long ids sharing an 80-char prefix must not collide.
        return "h" + _digest(s, 16)
    return text


# Names under qgid:graph/ (and beside it) that belong to the store, not to an article: an article
# whose id folds to one of them keeps a hash suffix like any id that folding changed.
RESERVED_KEYS = frozenset({"identity", "summary", "clusters", "entities", "canonical", "ontology", "shapes", "default", "union"})
ARTICLE_KEY_HASH = 8  # hex digits of sha256(id) kept when folding the id lost information


def article_key(article_id: str) -> str:
    """The path segment that identifies an article in every IRI derived from it.

    An id that is already in folded form (`iraq-troops`, `chunk-07`, a content hash) is its own
    key.  Any other id keeps a short hash of itself after its folded form (`A b` →
    `a-b-5e8f0c2a`, `a/story` → `a-story-…`, `Статья 1` → `1-…`), so two ids that fold alike
    (`A b` / `a-b`, `Müller` / `Muller`, two Cyrillic titles) never share an IRI, and an article
    cannot take a graph name the store uses itself (RESERVED_KEYS)."""
    text = _fold(article_id)
    if not text or len(text) > MAX_SLUG:
        return "h" + _digest(article_id, 16)  # nothing readable kept: the hash alone, as slug() does
    if text == article_id and text not in RESERVED_KEYS:
        return text
    return f"{text}-{_digest(article_id, ARTICLE_KEY_HASH)}"


def _iri(path: str) -> URIRef:
    return QGID[path]


def article_iri(article_key: str) -> URIRef:
    return _iri(f"article/{article_key}")


def graph_iri(article_key: str) -> URIRef:
    """The named graph holding every triple of one article."""
    return _iri(f"graph/{article_key}")


# Graphs that are not articles: owl:sameAs links (kg.identity), the corpus-wide counts
# (kg.summary.refresh) and the quotation clusters (kg.clusters).  No article key is one of
# their names (RESERVED_KEYS).
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
