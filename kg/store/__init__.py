"""store stage: the on-disk RDF dataset, one named graph per article (see oxstore.QuoteStore)."""

from kg.store.oxstore import DEFAULT_STORE_PATH, QueryResult, QuoteStore

__all__ = ["DEFAULT_STORE_PATH", "QueryResult", "QuoteStore"]
