"""Quotation clusters (kg.clusters, issue 19): the matching rules, the clustering, and the clusters
graph `kg build` keeps — the same in any build order, updated one speaker at a time, valid
against the shapes, and shown by `kg quotes --clusters`, `kg who`, the saved query `first-seen`
and the report.

tests/data/clusters/articles.jsonl: five made-up dated articles from four publishers.  Jane
Holloway's promise appears whole (harbour-1), as an excerpt (harbour-2) and reworded with an
ellipsis (harbour-3), and paraphrased (harbour-4: kept apart); Tom Baker says the same words as
her excerpt (another speaker: kept apart); Raj Patel's words appear directly (harbour-4) and
reported indirectly (harbour-5): one statement.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT
from typer.testing import CliRunner

from kg.cli import app
from kg.clusters import CLUSTERS_GRAPH_IRI, Occurrence, group, refresh_clusters, relation, words
from kg.pipeline import build
from kg.store import QuoteStore

DATA = ROOT / "tests" / "data" / "clusters" / "articles.jsonl"
QG = "https://w3id.org/quotegraph/ontology#"
PROMISE = "We will build a new bridge across the river before the winter comes, and nobody will stop us,"


# ------------------------------------------------------------------------------ matching rules


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("“We will win!”", "we will WIN", "exact"),  # case, punctuation, quotation marks
    ("We don’t know what happened", "we dont know what happened", "exact"),  # apostrophes
    ("We will build a new bridge across the river", "we will build a new bridge", "excerpt"),
    ("a new bridge across the river before the winter", "We will build a new bridge across the river before the winter comes", "excerpt"),
    ("a new bridge", "We will build a new bridge across the river", None),  # an excerpt needs six words
    ("We will build a new bridge over the river before winter comes", "We will build a new bridge across the river before the winter comes", "variant"),
    ("We will build a new bridge … before the winter comes and nobody stops us",
     "We will build a new bridge before the winter comes, and nobody will stop us", "variant"),
    ("The economy is stronger than it has ever been in our history",
     "Our economy has never in its history been as strong as it is today", None),  # paraphrase
    ("taxes will not go up next year under this government", "there will be no new taxes next year, this government promises", None),
    ("We will now raise taxes", "We will not raise taxes", None),  # short: exact or nothing
])
def test_relation(a: str, b: str, expected: str | None) -> None:
    assert relation(words(a), words(b)) == expected
    assert relation(words(b), words(a)) == expected  # symmetric


def _occ(n: int, text: str, article: str, kind: str = "direct", date: str | None = None) -> Occurrence:
    return Occurrence(f"https://w3id.org/quotegraph/id/quote/{article}/{n}-{n + len(text)}", f"a:{article}", article,
                      text, kind, n, n + len(text), date)


def test_group_is_independent_of_input_order_and_does_not_chain() -> None:
    long_a = "We will build a new bridge across the river before the winter comes and nobody will stop us"
    long_b = "Nobody will stop us from finishing the new school before the summer holidays begin this year"
    items = [
        _occ(0, long_a, "a1"), _occ(5, "we will build a new bridge across the river", "a2"),
        _occ(9, "We will build a new bridge over the river before winter comes and nobody will stop us", "a3", "direct"),
        _occ(0, long_b, "b1"), _occ(3, long_b.upper(), "b2", "indirect"),
        # a sentence both statements share does not join them: it joins one of them
        _occ(7, "and nobody will stop us", "c1"), _occ(1, "something else entirely was said here today", "d1"),
    ]
    expected = sorted(sorted(o.quote for o, _ in c.members) for c in group(items))
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(sorted(o.quote for o, _ in c.members) for c in group(shuffled)) == expected
    sizes = sorted(len(m) for m in expected)
    assert sizes == [1, 1, 2, 3]  # a1+a2+a3, b1+b2, and two singletons (the short shared line stays alone)


# ------------------------------------------------------------------------------ the clusters graph


def _split(tmp: Path) -> list[Path]:
    """Each article of the fixture in a file of its own."""
    paths = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        path = tmp / f"{json.loads(line)['id']}.jsonl"
        path.write_text(line + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _quads(store_path: Path, graph: str | None = None) -> list[str]:
    with QuoteStore.open(store_path, read_only=True) as st:
        g = ox.NamedNode(graph) if graph else None
        return sorted(str(q) for q in st.ox.quads_for_pattern(None, None, None, g))


@pytest.fixture(scope="module")
def harbour(tmp_path_factory: pytest.TempPathFactory, nlp) -> Path:
    path = tmp_path_factory.mktemp("harbour") / "kg.db"
    build([str(DATA)], store_path=path, nlp=nlp)
    return path


def _rows(store: Path, sparql: str) -> list[tuple[str, ...]]:
    with QuoteStore.open(store, read_only=True) as st:
        result = st.query(sparql)
        names = [v.value for v in result.variables]  # type: ignore[union-attr]
        return [tuple("" if r[n] is None else r[n].value for n in names) for r in result]  # type: ignore[union-attr]


def test_one_cluster_per_repeated_statement(harbour: Path) -> None:
    rows = _rows(harbour, f"""
        SELECT ?name ?text ?articles ?sources ?occ ?first ?date WHERE {{ GRAPH <{CLUSTERS_GRAPH_IRI}> {{
          ?c a qg:QuotationCluster ; qg:clusterSpeaker ?s ; qg:canonicalText ?text ; qg:articleCount ?articles ;
             qg:sourceCount ?sources ; qg:occurrenceCount ?occ ; qg:firstSeenArticle ?a .
          OPTIONAL {{ ?c qg:firstSeenDate ?date }} }}
          GRAPH ?g {{ ?a schema:identifier ?first }}
          GRAPH <https://w3id.org/quotegraph/id/graph/identity> {{ ?s schema:name ?name }} }} ORDER BY ?name""")
    assert rows == [
        ("Jane Holloway", PROMISE, "3", "3", "3", "harbour-1", "2024-03-01"),
        ("Raj Patel", "The money simply is not there for a bridge this year,", "2", "2", "2", "harbour-4", "2024-03-04"),
    ]
    kinds = _rows(harbour, f"""
        SELECT ?id ?type ?how WHERE {{ GRAPH <{CLUSTERS_GRAPH_IRI}> {{ ?c ?p ?q }}
          VALUES (?p ?how) {{ (qg:exactOccurrence "exact") (qg:excerptOccurrence "excerpt") (qg:variantOccurrence "variant") }}
          GRAPH ?g {{ ?q schema:isPartOf/schema:identifier ?id ; qg:quoteType ?type }} }} ORDER BY ?id ?how""")
    # the paraphrase (harbour-4, Holloway) and Tom Baker's same words (harbour-5) are in no cluster;
    # Patel's indirect occurrence of his own words is
    assert kinds == [("harbour-1", QG + "Direct", "exact"), ("harbour-2", QG + "Direct", "excerpt"),
                     ("harbour-3", QG + "Direct", "variant"), ("harbour-4", QG + "Direct", "exact"),
                     ("harbour-5", QG + "Indirect", "exact")]
    # every occurrence keeps its offsets: its selector cuts its text out of its article
    cut = _rows(harbour, f"""
        SELECT ?text (SUBSTR(?body, ?start + 1, ?end - ?start) AS ?span) WHERE {{
          GRAPH <{CLUSTERS_GRAPH_IRI}> {{ ?c qg:hasOccurrence ?q }}
          GRAPH ?g {{ ?q schema:text ?text ; schema:isPartOf/schema:articleBody ?body ; oa:hasSelector ?s .
                      ?s oa:start ?start ; oa:end ?end }} }}""")
    assert len(cut) == 5 and all(text == span for text, span in cut)


def test_shuffled_build_orders_give_the_identical_store(tmp_path: Path, nlp, harbour: Path) -> None:
    """Articles built one by one in shuffled orders, or in two batches, give the store (article,
    identity, clusters and summary graphs) of one build of them all, quad for quad."""
    paths = _split(tmp_path)
    everything = _quads(harbour)
    for seed in (1, 2):
        order = paths[:]
        random.Random(seed).shuffle(order)
        store = tmp_path / f"kg-{seed}.db"
        for path in order:
            build([str(path)], store_path=store, nlp=nlp)
        assert _quads(store) == everything, seed
    store = tmp_path / "kg-batches.db"
    build([str(p) for p in paths[3:]], store_path=store, nlp=nlp)
    build([str(p) for p in paths[:3]], store_path=store, nlp=nlp)
    assert _quads(store) == everything


def test_refresh_reclusters_only_changed_speakers_and_mends_an_interrupted_one(tmp_path: Path, harbour: Path) -> None:
    store = tmp_path / "kg.db"
    shutil.copytree(harbour, store)
    with QuoteStore.open(store) as st:
        again = refresh_clusters(st)
        assert (again.speakers, again.reclustered, again.changed, again.clusters) == (2, 0, 0, 2)
        # a build that died between a speaker's triples and its digest: the digest is missing
        digest = next(iter(st.ox.quads_for_pattern(None, ox.NamedNode(QG + "clusterDigest"), None, ox.NamedNode(CLUSTERS_GRAPH_IRI))))
        st.ox.remove(digest)
        cluster = next(iter(st.ox.quads_for_pattern(None, ox.NamedNode(QG + "clusterSpeaker"), digest.subject)))
        for quad in list(st.ox.quads_for_pattern(cluster.subject, ox.NamedNode(QG + "hasOccurrence"), None)):
            st.ox.remove(quad)
        mended = refresh_clusters(st)
        assert mended.reclustered == 1 and mended.changed > 0
    assert _quads(store, CLUSTERS_GRAPH_IRI) == _quads(harbour, CLUSTERS_GRAPH_IRI)


def test_validate_checks_the_clusters_shapes(tmp_path: Path, harbour: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["validate", "--store", str(harbour)]).exit_code == 0
    store = tmp_path / "kg.db"
    shutil.copytree(harbour, store)
    with QuoteStore.open(store) as st:
        st.ox.remove_graph(ox.NamedNode("https://w3id.org/quotegraph/id/graph/harbour-5"))
    result = runner.invoke(app, ["validate", "--store", str(store)])
    assert result.exit_code != 0  # Patel's cluster now points at a quotation no article holds
    assert "hasOccurrence" in result.output or "Quotation" in result.output


def test_first_seen_saved_query(harbour: Path) -> None:
    result = CliRunner().invoke(app, ["query", "--store", str(harbour), "--named", "first-seen", "--param", "who=holloway", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "speaker,statement,articles,sources,seen,article,published,publisher,rendering"
    assert [line.split(",")[-5:] for line in lines[1:]] == [
        ["first", "harbour-1", "2024-03-01", "Daily Planet", "exact"],
        ["repeated", "harbour-2", "2024-03-02", "Morning Star", "excerpt"],
        ["repeated", "harbour-3", "2024-03-03T09:30:00Z", "Evening Post", "variant"],
    ]


def test_kg_quotes_clusters_lists_the_most_repeated_first(harbour: Path) -> None:
    result = CliRunner().invoke(app, ["quotes", "--store", str(harbour), "--clusters"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("Jane Holloway") < out.index("Raj Patel")
    assert "harbour-1 (2024-03-01)" in out and "2 repeated statements" in out
    one = CliRunner().invoke(app, ["quotes", "--store", str(harbour), "--clusters", "--speaker", "patel"])
    assert "Raj Patel" in one.output and "Holloway" not in one.output and "1 repeated statement" in one.output


def test_kg_who_shows_where_else_a_statement_appeared(harbour: Path) -> None:
    result = CliRunner().invoke(app, ["who", "Jane Holloway", "--store", str(harbour)])
    assert result.exit_code == 0, result.output
    assert result.output.count("also in 2 other articles (first seen harbour-1, 2024-03-01)") == 3
    data = json.loads(CliRunner().invoke(app, ["who", "holloway", "--store", str(harbour), "--format", "json"]).output)
    clustered = [s for s in data["statements"] if s["cluster"]]
    assert len(clustered) == 3 and {s["cluster_articles"] for s in clustered} == {3}


def test_report_hover_says_also_in_n_articles(harbour: Path) -> None:
    from kg.report import render_report

    with QuoteStore.open(harbour, read_only=True) as st:
        page = render_report(st)
    assert page.count("also in 2 other articles") == 3 + 0  # Holloway's three occurrences
    assert page.count("also in 1 other article") == 2  # Patel's two
