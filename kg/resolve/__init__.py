"""resolve stage: mentions → entities within one article (names, roles, pronouns, groups)."""

from kg.resolve.names import normalise_name
from kg.resolve.speakers import ArticleResolver

__all__ = ["ArticleResolver", "normalise_name"]
