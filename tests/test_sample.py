"""End to end on the bundled sample: the built store holds exactly the 10 gold statements with the
right speakers (read back with SPARQL), exports parse in independent tools, and rebuilds are
byte-identical to the committed exports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import GRAPHML_XSD, ROOT, SAMPLE_GOLD

from kg.eval.match import speaker_matches
from kg.store import QuoteStore

QUOTES_BY_OFFSET = """
SELECT ?text ?start ?end ?type ?speaker ?cue WHERE {
  ?q a schema:Quotation ; schema:text ?text ; qg:quoteType ?type ; qg:cue ?cue ;
     schema:spokenByCharacter ?s ; prov:wasAttributedTo ?s ;
     oa:hasSelector [ oa:start ?start ; oa:end ?end ] .
  ?s schema:name ?speaker .
} ORDER BY ?start
"""


def _row(solution) -> dict[str, str]:
    return {
        name: solution[name].value
        for name in ("text", "start", "end", "type", "speaker", "cue")
        if solution[name] is not None
    }


def test_sample_has_the_ten_gold_statements_with_right_speakers(sample_store_path):
    gold = json.loads(SAMPLE_GOLD.read_text())["quotes"]
    with QuoteStore.open(sample_store_path, read_only=True) as store:
        rows = [_row(s) for s in store.query(QUOTES_BY_OFFSET)]  # type: ignore[union-attr]
    assert len(rows) == len(gold) == 10
    for row, expected in zip(rows, gold, strict=True):
        start, end = int(row["start"]), int(row["end"])
        g_start, g_end = expected["span"]
        overlap = min(end, g_end) - max(start, g_start)
        assert overlap >= 0.5 * min(end - start, g_end - g_start), (row, expected)
        assert row["type"].endswith(expected["type"].capitalize()), (row["type"], expected["type"])
        assert speaker_matches(row["speaker"], expected["speaker"]), (row["speaker"], expected["speaker"])
        assert row["cue"] == expected["cue"]


def test_sample_negated_statement_is_absent(sample_store_path):
    with QuoteStore.open(sample_store_path, read_only=True) as store:
        texts = [
            s["text"].value
            for s in store.query("SELECT ?text WHERE { ?q a schema:Quotation ; schema:text ?text }")
        ]  # type: ignore[union-attr]
    assert not any("where the forces would go" in t for t in texts)


def test_sample_addressee_channel_and_time(sample_store_path):
    sparql = """
    SELECT ?text ?addressee ?channel ?time WHERE {
      ?q a schema:Quotation ; schema:text ?text .
      OPTIONAL { ?q qg:addressee/schema:name ?addressee }
      OPTIONAL { ?q qg:channel ?channel }
      OPTIONAL { ?q qg:timeText ?time }
    }"""
    with QuoteStore.open(sample_store_path, read_only=True) as store:
        rows = {
            s["text"].value[:20]: {
                k: (s[k].value if s[k] is not None else None) for k in ("addressee", "channel", "time")
            }
            for s in store.query(sparql)  # type: ignore[union-attr]
        }
    assert rows["The number of US for"]["addressee"] == "CNN"
    assert rows["Our enduring presenc"]["channel"] == "tweet"
    assert rows["Enabled by accelerat"]["channel"] == "statement"
    assert rows["a “shift in focus” i"]["time"] == "Monday"
    assert rows["troop levels in Afgh"]["time"] == "last year"


def test_speaker_resolution_merges_name_forms(sample_store_path):
    sparql = """
    SELECT ?name (COUNT(DISTINCT ?q) AS ?n) WHERE {
      ?q schema:spokenByCharacter ?p . ?p a schema:Person ; schema:name ?name .
    } GROUP BY ?name ORDER BY ?name"""
    with QuoteStore.open(sample_store_path, read_only=True) as store:
        counts = {s["name"].value: int(s["n"].value) for s in store.query(sparql)}  # type: ignore[union-attr]
    assert counts == {"Ryan Dillon": 1, "Saad al-Hadithi": 3}


def test_rebuild_reproduces_committed_exports(tmp_path, sample_store_path):
    """`make demo` output is committed; a fresh build must reproduce it byte for byte."""
    from kg.export import export

    with QuoteStore.open(sample_store_path, read_only=True) as store:
        export(store, "turtle", tmp_path / "sample.ttl")
        export(store, "graphml", tmp_path / "sample.graphml")
    assert (tmp_path / "sample.ttl").read_bytes() == (ROOT / "exports" / "iraq-troops.ttl").read_bytes()
    assert (tmp_path / "sample.graphml").read_bytes() == (
        ROOT / "exports" / "iraq-troops.graphml"
    ).read_bytes()


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (raptor2-utils) not installed")
def test_committed_turtle_parses_with_rapper():
    result = subprocess.run(
        ["rapper", "-i", "turtle", "-c", str(ROOT / "exports" / "iraq-troops.ttl")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "returned" in result.stderr and "triples" in result.stderr


@pytest.mark.skipif(shutil.which("xmllint") is None, reason="xmllint (libxml2-utils) not installed")
def test_committed_graphml_validates_and_loads_in_igraph():
    path = ROOT / "exports" / "iraq-troops.graphml"
    result = subprocess.run(
        ["xmllint", "--noout", "--schema", str(GRAPHML_XSD), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    igraph = pytest.importorskip("igraph")
    graph = igraph.Graph.Read_GraphML(str(path))
    kinds = set(graph.vs["kind"])
    assert {"Person", "Organization", "Quotation", "Article"} <= kinds
    assert sum(1 for k in graph.vs["kind"] if k == "Quotation") == 10
    assert "SAID" in set(graph.es["label"])


def test_cli_build_query_and_quotes(tmp_path):
    """The console script end to end in a subprocess, as a user runs it."""
    kg = [sys.executable, "-m", "kg"]
    store = tmp_path / "kg.db"
    build = subprocess.run(
        [*kg, "build", str(ROOT / "examples" / "articles"), "--store", str(store), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    summary = json.loads(build.stdout)
    assert summary["quotations"] == 10 and summary["articles_built"] == 1
    again = subprocess.run(
        [*kg, "build", str(ROOT / "examples" / "articles"), "--store", str(store), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(again.stdout)["articles_skipped"] == 1
    query = subprocess.run(
        [
            *kg,
            "query",
            "SELECT (COUNT(?q) AS ?n) WHERE { ?q a schema:Quotation }",
            "--store",
            str(store),
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert query.returncode == 0, query.stderr
    assert query.stdout.split()[-1] == "10"
    quotes = subprocess.run(
        [*kg, "quotes", "--speaker", "hadithi", "--store", str(store)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert quotes.returncode == 0, quotes.stderr
    assert "Saad al-Hadithi" in quotes.stdout
