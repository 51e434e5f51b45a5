"""The summary graph (kg.summary.refresh): kept current by every build, never read when stale,
recomputed by `kg summarise`, left out of exports.  Its counts are checked against the plain
queries in tests/test_query_plans.py."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT
from rdflib import Graph, Literal, URIRef

from kg.export import export
from kg.graph.iris import IDENTITY_GRAPH, SUMMARY_GRAPH
from kg.graph.vocab import PREFIXES
from kg.pipeline import build
from kg.query.stats import stats
from kg.store import QuoteStore
from kg.summary.refresh import link_store, refresh_summary
from kg.summary.state import SUMMARY_FORMAT, has_summary

DEV = Path(__file__).parent / "data" / "dev"
SAMPLE = ROOT / "examples" / "articles"
QG = "https://w3id.org/quotegraph/ontology#"


def summary_quads(store: QuoteStore) -> list[str]:
    return sorted(str(q) for q in store.ox.quads_for_pattern(None, None, None, ox.NamedNode(str(SUMMARY_GRAPH))))


def tally(store: QuoteStore, name: str) -> dict[str, int]:
    """The counts of the tally of the speaker called `name` (one kind)."""
    rows = list(store.query(
        "SELECT ?name ?p ?v WHERE { GRAPH qgid:summary { ?t qg:speakerName ?name ; ?p ?v FILTER(isLiteral(?v)) } }",
        bindings={"name": name}))  # ?name projected: pyoxigraph binds projected variables only
    return {row["p"].value.removeprefix(QG): row["v"].value for row in rows}  # type: ignore[index]


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """`kg ARGV` through kg.cli.main (the real error printing), in-process."""
    from kg.cli import main

    monkeypatch.setattr(sys, "argv", ["kg", *argv])
    with pytest.raises(SystemExit) as exit_info:
        main()
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two dev articles and the sample, in a directory of their own."""
    folder = tmp_path_factory.mktemp("summary-articles")
    for text in [*sorted(DEV.glob("*.txt"))[:2], *sorted(SAMPLE.glob("*.txt"))]:
        shutil.copy(text, folder / text.name)
    return folder


@pytest.fixture(scope="module")
def full_store(articles: Path, tmp_path_factory: pytest.TempPathFactory, nlp) -> Path:
    path = tmp_path_factory.mktemp("summary-full") / "kg.db"
    report = build([str(articles)], store_path=path, nlp=nlp)
    assert report.summary is not None and report.summary.speakers > 0 and report.summary.pairs > 0
    return path


def test_the_sample_build_has_a_current_summary(sample_store_path: Path) -> None:
    with QuoteStore.open(sample_store_path, read_only=True) as store:
        assert has_summary(store)
        counts = stats(store)
        assert counts["summary"] == "current" and counts["graphs"] == 3  # the article, identity and summary
        hadithi = tally(store, "Saad al-Hadithi")
    # The reference article: al-Hadithi is quoted three times, once directly (tests/data/sample gold).
    assert hadithi == {"speakerKind": "Person", "quotationCount": "3", "articleCount": "1", "directCount": "1",
                       "listPosition": "1", "listBand": "1", "speakerName": "Saad al-Hadithi"}


def test_the_name_index_holds_every_name_lower_cased_with_its_entities(full_store: Path) -> None:
    """qg:NameKey: one per distinct lower-cased schema:name / schema:alternateName of the article
    graphs, with qg:keyOf every corpus entity one of whose nodes bears it — computed here from the
    quads, in Python.  (The corpus entities' names also hold the name an article states with an
    acronym, "World Health Organization" of "World Health Organization (WHO)": none here.)"""
    names = [ox.NamedNode("https://schema.org/name"), ox.NamedNode("https://schema.org/alternateName")]
    canonical = ox.NamedNode(QG + "canonicalEntity")
    with QuoteStore.open(full_store, read_only=True) as st:
        corpus = {q.subject.value: q.object.value for q in st.ox.quads_for_pattern(None, canonical, None, None)}
        articles = [g for g in st.ox.named_graphs() if g.value.startswith("https://w3id.org/quotegraph/id/graph/")
                    and g != ox.NamedNode(str(IDENTITY_GRAPH))]
        expected = {(q.object.value.lower(), corpus[q.subject.value])
                    for g in articles for p in names for q in st.ox.quads_for_pattern(None, p, None, g)
                    if q.subject.value in corpus}
        rows = st.query("SELECT ?key ?e WHERE { GRAPH qgid:summary { ?k a qg:NameKey ; qg:nameKey ?key ; qg:keyOf ?e } }")
        indexed = {(r["key"].value, r["e"].value) for r in rows}  # type: ignore[union-attr]
        nodes = [(r["key"].value, r["k"].value) for r in st.query(  # type: ignore[union-attr]
            "SELECT ?key ?k WHERE { GRAPH qgid:summary { ?k qg:nameKey ?key } }")]
    assert len(expected) > 50 and indexed == expected
    # One node per distinct key, and one key per node.
    assert len(nodes) == len({key for key, _ in expected}) == len({k for _, k in nodes})
    assert "iraq" in {key for key, _ in nodes}
    assert all(e.startswith("https://w3id.org/quotegraph/id/entity/") for _, e in indexed)


def test_list_bands_are_the_positions_number_of_digits(full_store: Path) -> None:
    with QuoteStore.open(full_store, read_only=True) as st:
        rows = [(int(r["p"].value), int(r["b"].value)) for r in st.query(  # type: ignore[union-attr]
            "SELECT ?p ?b WHERE { GRAPH qgid:summary { ?t qg:listPosition ?p ; qg:listBand ?b } }")]
    assert max(p for p, _ in rows) >= 10  # two bands at least, or this proves little
    assert all(b == len(str(p)) for p, b in rows)


def test_an_incremental_build_updates_the_summary_to_what_a_fresh_build_gives(
    articles: Path, full_store: Path, tmp_path: Path, nlp
) -> None:
    """Content-minted IRIs: the summary of a store grown article by article is the summary of the
    same articles built at once, quad for quad — and the update touches only what changed."""
    first, rest = tmp_path / "first", tmp_path / "rest"
    first.mkdir()
    rest.mkdir()
    texts = sorted(articles.glob("*.txt"))
    shutil.copy(texts[0], first / texts[0].name)
    store = tmp_path / "kg.db"
    build([str(first)], store_path=store, nlp=nlp)
    with QuoteStore.open(store, read_only=True) as st:
        one_article = summary_quads(st)
    report = build([str(articles)], store_path=store, nlp=nlp)
    assert report.articles_built == len(texts) - 1 and report.summary is not None
    with QuoteStore.open(store, read_only=True) as grown, QuoteStore.open(full_store, read_only=True) as fresh:
        assert summary_quads(grown) == summary_quads(fresh)
        assert set(one_article) - set(summary_quads(grown))  # some counts changed
        assert set(one_article) & set(summary_quads(grown))  # and some were kept
        assert report.summary.changed < len(summary_quads(fresh))
    # Nothing changed: a rebuild leaves the summary alone (no refresh at all).
    again = build([str(articles)], store_path=store, nlp=nlp)
    assert again.articles_built == 0 and again.summary is None


def test_a_write_makes_the_summary_missing_until_it_is_recomputed(
    full_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = shutil.copytree(full_store, tmp_path / "kg.db")
    with QuoteStore.open(store) as st:
        before = summary_quads(st)
        graph = Graph()
        graph.add((URIRef("https://w3id.org/quotegraph/id/quote/x/0-1"), URIRef("https://schema.org/text"), Literal("x")))
        st.replace_article("https://w3id.org/quotegraph/id/graph/x", graph)
        assert not has_summary(st)
    code, out, err = run_main(["query", "--named", "top-speakers", "--store", str(store)], capsys, monkeypatch)
    assert code == 4 and out == ""
    assert err == (f"kg: error: the store {store} has no current summary graph (a build with --no-summary, an "
                   f"interrupted build, data loaded by other means, or a summary written by an older quotegraph), "
                   f"and this query reads it: run `kg summarise --store {store}`\n")
    # a query that does not read the summary is not concerned
    code, out, _ = run_main(["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--store", str(store)],
                            capsys, monkeypatch)
    assert code == 0
    code, out, err = run_main(["summarise", "--store", str(store), "--json"], capsys, monkeypatch)
    assert code == 0, err
    counts = json.loads(out)
    assert counts["speakers"] > 0 and counts["changed"] == 0  # the marker is back; no quotation was added
    with QuoteStore.open(store, read_only=True) as st:
        assert has_summary(st) and summary_quads(st) == before
    code, out, _ = run_main(["query", "--named", "top-speakers", "--param", "top=2", "--store", str(store),
                             "--format", "csv"], capsys, monkeypatch)
    assert code == 0 and len(out.strip().splitlines()) == 3  # header and two speakers


def test_a_summary_of_an_older_layout_reads_as_out_of_date(
    full_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store summarised by an older quotegraph has its marker but not this layout's
    qg:summaryFormat (no name index, no bands): the queries refuse it rather than return nothing,
    and `kg summarise` brings it up to date."""
    store = shutil.copytree(full_store, tmp_path / "kg.db")
    with QuoteStore.open(store) as st:
        before = summary_quads(st)
        [marker] = list(st.ox.quads_for_pattern(None, ox.NamedNode(QG + "summaryFormat"), None, None))
        assert marker.object.value == str(SUMMARY_FORMAT)
        st.ox.remove(marker)  # the first layout had no number: its marker was the type alone
        for quad in list(st.ox.quads_for_pattern(None, ox.NamedNode(QG + "listBand"), None, None)):
            st.ox.remove(quad)
        for tally in list(st.ox.quads_for_pattern(None, None, ox.NamedNode(QG + "AddresseeTally"), None)):
            for quad in list(st.ox.quads_for_pattern(tally.subject, None, None, None)):
                st.ox.remove(quad)
        assert not has_summary(st)
    code, out, err = run_main(["query", "--named", "top-speakers", "--param", "top=3", "--store", str(store)],
                              capsys, monkeypatch)
    assert code == 4 and out == "" and "written by an older quotegraph" in err and err.count("\n") == 1
    code, out, err = run_main(["summarise", "--store", str(store), "--json"], capsys, monkeypatch)
    assert code == 0, err
    assert json.loads(out)["changed"] > 10 and json.loads(out)["addressees"] > 0  # bands and tallies are back
    with QuoteStore.open(store, read_only=True) as st:
        assert has_summary(st) and summary_quads(st) == before


def test_a_build_with_no_summary_leaves_it_out_of_date_until_summarised(
    articles: Path, full_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kg build --no-summary` (for frequent small updates of a big store) writes the articles and
    no counts; it says so, in words and in --json, and the next build or `kg summarise` catches up."""
    store = tmp_path / "kg.db"
    code, out, err = run_main(["build", str(articles), "--store", str(store), "--no-summary", "--json"],
                              capsys, monkeypatch)
    assert code == 0, err
    report = json.loads(out)
    assert report["articles_built"] == 3 and report["summary_current"] is False and "summary" not in report
    with QuoteStore.open(store, read_only=True) as st:
        assert not has_summary(st) and summary_quads(st) == []
    code, out, err = run_main(["query", "--named", "top-speakers", "--store", str(store)], capsys, monkeypatch)
    assert code == 4 and "--no-summary" in err and err.count("\n") == 1
    # A build that finds the counts missing computes them, even with nothing to rebuild.
    code, out, err = run_main(["build", str(articles), "--store", str(store)], capsys, monkeypatch)
    assert code == 0, err
    assert "skipped 3 unchanged" in out and "summary: " in out and "speaker tallies" in out
    with QuoteStore.open(store, read_only=True) as st, QuoteStore.open(full_store, read_only=True) as fresh:
        assert has_summary(st) and summary_quads(st) == summary_quads(fresh)
    # The counts are current: an unchanged rebuild reports them current without recounting.
    code, out, err = run_main(["build", str(articles), "--store", str(store), "--json", "--no-summary"],
                              capsys, monkeypatch)
    assert json.loads(out)["summary_current"] is True and "summary" not in json.loads(out)


def test_identity_links_keep_the_summary(full_store: Path, tmp_path: Path) -> None:
    store = shutil.copytree(full_store, tmp_path / "kg.db")
    with QuoteStore.open(store) as st:
        link_store(st, [])
        assert has_summary(st)


def test_summarise_needs_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nothing.db"
    code, _, err = run_main(["summarise", "--store", str(missing)], capsys, monkeypatch)
    assert code != 0 and err.count("\n") == 1 and f"no store at {missing}" in err
    assert not missing.exists()


def test_exports_leave_the_summary_out(full_store: Path, tmp_path: Path) -> None:
    with QuoteStore.open(full_store, read_only=True) as st:
        assert len(summary_quads(st)) > 100
        for fmt in ("turtle", "nquads", "jsonld"):
            out = tmp_path / f"kg.{fmt}"
            export(st, fmt, out)
            text = out.read_text(encoding="utf-8")
            assert "SpeakerTally" not in text and "CoQuotation" not in text and "/id/summary" not in text, fmt


def test_a_summary_refresh_of_an_empty_store_marks_it_current(tmp_path: Path) -> None:
    with QuoteStore.open(tmp_path / "kg.db") as st:
        report = refresh_summary(st)
        assert (report.speakers, report.pairs, report.changed) == (0, 0, 0)
        assert has_summary(st)


def test_the_summary_conforms_to_its_shapes_and_a_broken_tally_does_not(full_store: Path) -> None:
    from kg.store.terms import to_rdflib
    from kg.validate import validate_graph

    with QuoteStore.open(full_store, read_only=True) as st:
        summary = Graph()
        for q in st.ox.quads_for_pattern(None, None, None, ox.NamedNode(str(SUMMARY_GRAPH))):
            summary.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    assert len(summary) > 100
    report = validate_graph(summary)
    assert report.conforms, report.summary()
    tally = next(summary.subjects(URIRef(PREFIXES["rdf"] + "type"), URIRef(QG + "SpeakerTally")))
    summary.remove((tally, URIRef(QG + "listPosition"), None))
    summary.add((tally, URIRef(QG + "speakerKind"), Literal("Place")))
    broken = validate_graph(summary)
    assert not broken.conforms and broken.violations >= 2
    assert any("listPosition" in line for line in broken.results)
    # An event tally is checked too: its counts are integers of at least 0.
    event = next(summary.subjects(URIRef(QG + "reportedInCount"), None))
    assert (event, URIRef(QG + "tallyOf"), None) in summary
    summary.set((event, URIRef(QG + "reportedInCount"), Literal(-1)))
    assert any("reportedInCount" in line for line in validate_graph(summary).results)
    # A band that is not its position's number of digits, a name key with no entity, a marker
    # without its layout number.
    pair = next(summary.subjects(URIRef(QG + "firstSpeaker"), None))
    summary.set((pair, URIRef(QG + "listBand"), Literal(7)))
    key = next(summary.subjects(URIRef(QG + "nameKey"), None))
    summary.remove((key, URIRef(QG + "keyOf"), None))
    summary.remove((None, URIRef(QG + "summaryFormat"), None))
    results = "\n".join(validate_graph(summary).results)
    assert "not the number of digits of qg:listPosition" in results
    assert "keyOf" in results and "summaryFormat" in results


def test_a_build_keeps_the_alias_rules_a_link_stored(articles: Path, tmp_path: Path, nlp) -> None:
    """`kg build` recomputes the corpus entities itself; the alias table given to `kg entities
    --link` is stored in the identity graph, so later builds apply it too, and say nothing."""
    from kg.identity import identities
    from kg.identity.table import AliasRow

    texts = sorted(articles.glob("*.txt"))
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(texts[0], first / texts[0].name)
    store = tmp_path / "kg.db"
    assert build([str(first)], store_path=store, nlp=nlp).warnings == []
    with QuoteStore.open(store) as st:
        [person] = [i for i in identities(st).identities if i.kind == "Person"][:1]
        link_store(st, [AliasRow(person.name, "Q42", "aliases.csv:2")])
    assert build([str(articles)], store_path=store, nlp=nlp).warnings == []
    with QuoteStore.open(store, read_only=True) as st:
        pinned = [i for i in identities(st).identities if i.wikidata]
        assert [(i.name, i.wikidata) for i in pinned] == [(person.name, ["Q42"])]
        assert has_summary(st)
        same = bool(st.query("ASK { GRAPH <https://w3id.org/quotegraph/id/graph/identity> { ?s owl:sameAs <http://www.wikidata.org/entity/Q42> } }"))
    assert same
