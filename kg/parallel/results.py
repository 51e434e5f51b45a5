"""What a worker hands back for one article: its graph as N-Triples text plus counts.

Text instead of an rdflib Graph or an Analysis because it pickles small and fast, and the parent
can write it with one SPARQL update without rebuilding any Python objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import Graph
from spacy.language import Language

from kg.analysis import analyse_many
from kg.graph import analysis_to_graph
from kg.model import Analysis, Article
from kg.store.terms import to_ox


@dataclass(frozen=True)
class ArticleResult:
    graph_iri: str
    ntriples: str  # one triple per line, each ending in " ."
    quotations: int = 0
    by_type: dict[str, int] = field(default_factory=dict)


def ntriples_lines(graph: Graph) -> Iterator[str]:
    """`s p o .` lines exactly as `QuoteStore.replace_article` writes them.

    str() of a pyoxigraph term is its N-Triples form (escapes included), which is also valid
    SPARQL and N-Quads syntax, so the same text serves the update path and the shard files.
    """
    for s, p, o in graph:
        yield f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ."


def article_result(analysis: Analysis) -> ArticleResult:
    graph_iri, graph = analysis_to_graph(analysis)
    by_type: dict[str, int] = {}
    for quotation in analysis.quotations:
        by_type[quotation.type] = by_type.get(quotation.type, 0) + 1
    return ArticleResult(
        graph_iri=str(graph_iri),
        ntriples="\n".join(ntriples_lines(graph)),
        quotations=len(analysis.quotations),
        by_type=by_type,
    )


def extract_batch(articles: Iterable[Article], nlp: Language) -> list[ArticleResult]:
    """Analyse a small batch with the already-loaded model (spaCy batches the parsing)."""
    return [article_result(analysis) for analysis in analyse_many(articles, nlp)]
