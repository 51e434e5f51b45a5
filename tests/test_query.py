"""SPARQL queries, result formats, who-said-what, stats, and the read-only CLI commands."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from graph_fixtures import TRICKY_NAME, all_graphs
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError, StoreError, UsageError
from kg.query import quote_rows, quotes_table, run_query, stats
from kg.store import QuoteStore

PERSONS = "SELECT DISTINCT ?p ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("q") / "kg.db"
    with QuoteStore.open(path) as st:
        for g_iri, g in all_graphs():
            st.replace_article(g_iri, g)
    return path


@pytest.fixture
def store(store_path: Path):
    with QuoteStore.open(store_path, read_only=True) as st:
        yield st


# ---------------------------------------------------------------------- query()


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("SELEC ?x WHERE { ?x ?y ?z }", "line 1, column 1"),
        ("SELECT ?x WHERE {\n  ?x foo:bar ?z }", "undeclared prefix `foo:`"),
        ("SELECT ?x WHERE { ?x ?y ", "at end of line"),
        ('SELECT ?x WHERE { ?x ?y "unterminated }', "line 1"),
    ],
)
def test_invalid_sparql_is_a_one_line_query_error(store: QuoteStore, sparql: str, expected: str) -> None:
    with pytest.raises(QueryError) as info:
        store.query(sparql)
    message = str(info.value)
    assert message.startswith("invalid SPARQL")
    assert expected in message
    assert "\n" not in message and len(message) < 400


def test_bindings_are_substituted_not_spliced(store: QuoteStore) -> None:
    q = "SELECT ?p ?name WHERE { ?p schema:name ?name }"
    rows = list(store.query(q, bindings={"name": TRICKY_NAME}))
    assert [r["p"].value for r in rows] == ["https://w3id.org/quotegraph/id/person/dwayne-the-rock-johnson"]
    # An injection attempt is only a string that matches nothing.
    assert list(store.query(q, bindings={"name": '" } ?p ?q ?name . { "'})) == []


def test_prefixes_are_predeclared_and_union_is_the_default_graph(store: QuoteStore) -> None:
    names = [r["name"].value for r in store.query(PERSONS)]
    assert names == ['Dwayne "The Rock" } Johnson', "Joe Biden"]


def test_timeout(store: QuoteStore) -> None:
    # ~3.4 million rows: about a second here, ten times the limit, and soon over once abandoned.
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.raises(QueryError, match="timed out after 0.1 s"):
        store.query(slow, timeout=0.1)
    # A query that finishes in time gives the same results as an untimed one.
    fast = list(store.query(PERSONS, timeout=30))
    assert [r["name"] for r in fast] == [r["name"] for r in store.query(PERSONS)]


# ---------------------------------------------------------------------- run_query()


def test_table_format(store: QuoteStore) -> None:
    out = run_query(store, PERSONS, "table", width=200)
    assert "qgid:person/joe-biden" in out and "Joe Biden" in out and TRICKY_NAME in out
    assert out.endswith("2 rows\n")


def test_csv_tsv_json_formats(store: QuoteStore) -> None:
    rows = list(csv.reader(io.StringIO(run_query(store, PERSONS, "csv"))))
    assert rows[0] == ["p", "name"] and [r[1] for r in rows[1:]] == [TRICKY_NAME, "Joe Biden"]
    tsv = run_query(store, PERSONS, "tsv").splitlines()
    assert tsv[0] == "?p\t?name" and len(tsv) == 3
    doc = json.loads(run_query(store, PERSONS, "json"))
    assert doc["head"]["vars"] == ["p", "name"]
    assert doc["results"]["bindings"][0]["name"] == {"type": "literal", "value": TRICKY_NAME}


def test_ask(store: QuoteStore) -> None:
    assert run_query(store, "ASK { ?q a schema:Quotation }") == "true\n"
    assert run_query(store, "ASK { ?q a schema:Movie }") == "false\n"
    assert json.loads(run_query(store, "ASK { ?q a schema:Quotation }", "json"))["boolean"] is True


def test_construct_prints_deduplicated_turtle(store: QuoteStore) -> None:
    out = run_query(store, "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }")
    triples = list(ox.parse(out.encode(), format=ox.RdfFormat.TURTLE))
    assert len(triples) == 2  # Joe Biden is named in two article graphs but printed once
    assert "@prefix schema: <https://schema.org/>" in out


def test_unknown_format(store: QuoteStore) -> None:
    with pytest.raises(QueryError, match="unknown result format"):
        run_query(store, PERSONS, "xml")  # type: ignore[arg-type]


# ---------------------------------------------------------------------- quotes and stats


def test_quote_rows_in_article_order(store: QuoteStore) -> None:
    rows = quote_rows(store)
    assert [(r.article.rsplit("/", 1)[-1], r.start) for r in rows] == [
        ("a1", 41),
        ("a2", 15),
        ("a2", 52),
        ("a3", 30),
    ]
    first = rows[0]
    assert (first.speaker, first.cue, first.type) == ("Joe Biden", "told", "direct")
    assert first.text == "We will bring the troops home from Iraq."


@pytest.mark.parametrize(
    ("needle", "texts"),
    [
        ("biden", ["We will bring the troops home from Iraq.", "a promise kept"]),  # alternateName / name
        ("JOE", ["We will bring the troops home from Iraq.", "a promise kept"]),
        ('"The Rock" }', ["movies are hard"]),
        ('rock" } UNION { ?q ?p ?o } #', []),
        ("nobody", []),
    ],
)
def test_speaker_filter_uses_a_bound_value(store: QuoteStore, needle: str, texts: list[str]) -> None:
    assert [r.text for r in quote_rows(store, needle)] == texts


@pytest.fixture(scope="module")
def summarised_store_path(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same store with a current summary: `kg quotes --speaker` then finds speakers through the
    summary's name index instead of scanning every name."""
    from kg.summary.refresh import refresh_summary

    path = Path(shutil.copytree(store_path, tmp_path_factory.mktemp("q-summarised") / "kg.db"))
    with QuoteStore.open(path) as st:
        refresh_summary(st)
    return path


@pytest.mark.parametrize("needle", ["biden", "JOE", '"The Rock" }', 'rock" } UNION { ?q ?p ?o } #', "nobody", "o"])
def test_speaker_filter_through_the_name_index_finds_what_the_scan_finds(
    store: QuoteStore, summarised_store_path: Path, needle: str
) -> None:
    from kg.summary.state import has_summary

    with QuoteStore.open(summarised_store_path, read_only=True) as indexed:
        assert has_summary(indexed) and not has_summary(store)
        assert quote_rows(indexed, needle) == quote_rows(store, needle)
    assert needle != "o" or len(quote_rows(store, needle)) == 4  # a needle every speaker's name holds


def test_quotes_table(store: QuoteStore) -> None:
    out = quotes_table(store, width=200)
    assert "Joe Biden" in out and "officials" in out and out.endswith("4 quotations\n")


def test_stats(store: QuoteStore) -> None:
    counts = stats(store)
    assert counts == {
        "articles": 3,
        "quotations": 4,
        "persons": 2,
        "organizations": 2,
        "groups": 1,
        "places": 1,
        "events": 1,
        "quotations_by_type": {"direct": 2, "mixed": 1, "indirect": 1},
        "quotations_attributed": 4,
        "graphs": 3,
        "triples_by_graph": {"articles": store.count_triples(), "summary": 0, "identity": 0, "clusters": 0, "default graph": 0},
        "triples": store.count_triples(),
        "summary": "missing (run `kg summarise`)",  # written by hand, not by kg build
    }


# ---------------------------------------------------------------------- CLI

runner = CliRunner()


def test_cli_query(store_path: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", PERSONS, "--store", str(store_path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "p,name"
    rq = tmp_path / "q.rq"
    rq.write_text("ASK { ?q a schema:Quotation }")
    result = runner.invoke(app, ["query", "-f", str(rq), "--store", str(store_path)])
    assert result.exit_code == 0 and result.output == "true\n"
    result = runner.invoke(app, ["query", "-", "--store", str(store_path), "--format", "json"], input=PERSONS)
    assert json.loads(result.output)["head"]["vars"] == ["p", "name"]


def test_cli_query_errors(store_path: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "SELECT ?x WHERE {", "--store", str(store_path)])
    assert isinstance(result.exception, QueryError)
    result = runner.invoke(app, ["query", "ASK {}", "--store", str(tmp_path / "missing.db")])
    assert isinstance(result.exception, StoreError)
    assert str(result.exception) == f"no store at {tmp_path / 'missing.db'} (run `kg build` first)"
    result = runner.invoke(app, ["query", "--store", str(store_path)])  # no query at all: a usage error
    assert isinstance(result.exception, UsageError)


def test_cli_quotes_with_tricky_speaker(store_path: Path) -> None:
    result = runner.invoke(app, ["quotes", "--speaker", 'Rock" }', "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert "movies are hard" in result.output and "Joe Biden" not in result.output


def test_cli_stats(store_path: Path) -> None:
    result = runner.invoke(app, ["stats", "--store", str(store_path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["quotations"] == 4
    result = runner.invoke(app, ["stats", "--store", str(store_path)])
    assert result.exit_code == 0 and "quotations" in result.output


def test_tables_fit_the_width_and_wrap_between_words() -> None:
    from kg.query.table import render_table

    long_text = "a statement " * 30
    out = render_table(["name", "text", "n"], [["who-said-what-about", long_text, "1"], ["[bold]x[/bold]", "", "22"]],
                       width=70)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 70
    assert "who-said-what-about" in out  # the longest word of its column is not cut
    assert "[bold]x[/bold]" in out  # cells are data, never markup
    assert "".join(line.split("│")[2] for line in lines[3:-1]).split() == long_text.split()  # all of it, wrapped
    # No columns (`SELECT * WHERE { }` has one empty row): nothing to draw, and no error.
    assert render_table([], [[]]) == ""
    # A table that fits is left at its natural widths.
    assert render_table(["a"], [["b"]], width=70) == "┌───┐\n│ a │\n├───┤\n│ b │\n└───┘\n"
