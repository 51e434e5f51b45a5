"""How well the corpus entities cluster: pairwise precision and recall against a gold clustering.

Items are the (article, person or organisation node) pairs of a store: what each article says.
The system puts two items together when their nodes have the same corpus entity
(kg.identity.corpus); the gold file says which real-world entity each item is:

    {"smith-a": {"John Smith": "person/john-smith", "Pentagon": "organization/pentagon"},
     "smith-b": {"John A. Smith": "person/john-a-smith"}}

keyed by article identifier and by the node's `schema:name` in that article, labelled like node
IRIs.  An item the gold file does not name is taken to be what its node's IRI says (its label is
its IRI's path: two articles' "Pentagon" nodes are one entity) — so a gold file lists the hard cases: namesakes sharing
a name, two people sharing a surname, acronyms.

Pairwise precision = pairs put together by both / pairs put together by the system; recall = pairs
put together by both / pairs together in the gold clustering.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.store import QuoteStore

_ITEMS = """
SELECT DISTINCT ?id ?e ?name ?corpus WHERE {
  GRAPH ?g {
    ?a a schema:NewsArticle ; schema:identifier ?id .
    ?e a ?kind ; schema:name ?name .
    FILTER(?kind IN (schema:Person, schema:Organization))
  }
  OPTIONAL { GRAPH <https://w3id.org/quotegraph/id/graph/identity> { ?e qg:canonicalEntity ?corpus } }
}"""


@dataclass(frozen=True)
class Item:
    article: str
    node: str
    name: str


@dataclass
class ClusterScore:
    items: int
    system_pairs: int
    gold_pairs: int
    both_pairs: int
    false_merges: list[tuple[Item, Item]] = field(default_factory=list)
    missed_merges: list[tuple[Item, Item]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.both_pairs / self.system_pairs if self.system_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.both_pairs / self.gold_pairs if self.gold_pairs else 1.0


def _path(iri: str) -> str:
    """`https://w3id.org/quotegraph/id/person/john-smith` → `person/john-smith`: the gold labels'
    scheme, so that an item the gold file does not name is what its node's IRI says."""
    return iri.split("/id/", 1)[-1]


def read_gold(paths: list[Path]) -> dict[tuple[str, str], str]:
    gold: dict[tuple[str, str], str] = {}
    for path in paths:
        for article, names in json.loads(path.read_text(encoding="utf-8")).items():
            for name, label in names.items():
                gold[(article, name)] = label
    return gold


def score_clusters(store: QuoteStore, gold: dict[tuple[str, str], str]) -> ClusterScore:
    system: dict[Item, str] = {}
    for row in store.query(_ITEMS):  # type: ignore[union-attr]
        item = Item(row["id"].value, row["e"].value, row["name"].value)
        corpus = row["corpus"]
        system[item] = corpus.value if corpus is not None else item.node
    truth = {item: gold.get((item.article, item.name), _path(item.node)) for item in system}
    items = sorted(system, key=lambda i: (i.article, i.node))
    score = ClusterScore(len(items), 0, 0, 0)
    by_label: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_label[system[item]].append(item)
        by_label["gold:" + truth[item]].append(item)
    for one, other in itertools.combinations(items, 2):
        together, same = system[one] == system[other], truth[one] == truth[other]
        score.system_pairs += together
        score.gold_pairs += same
        score.both_pairs += together and same
        if together and not same:
            score.false_merges.append((one, other))
        elif same and not together:
            score.missed_merges.append((one, other))
    return score


def score_text(title: str, score: ClusterScore) -> str:
    lines = [f"{title}: {score.items} items, system pairs {score.system_pairs}, gold pairs {score.gold_pairs}, "
             f"both {score.both_pairs}; pairwise precision {score.precision:.3f}, recall {score.recall:.3f}"]
    lines += [f"  false merge: {a.name} [{a.article}] + {b.name} [{b.article}]" for a, b in score.false_merges]
    lines += [f"  missed merge: {a.name} [{a.article}] / {b.name} [{b.article}]" for a, b in score.missed_merges]
    return "\n".join(lines) + "\n"
