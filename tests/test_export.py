"""Exports: valid in every format, faithful to the store, and byte-reproducible."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from graph_fixtures import ARTICLES, SCHEMA, TRICKY_NAME, all_graphs, build
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.export import ExportError, export
from kg.export.graphml import build_graph, edge_id, node_id, write_graphml
from kg.store import QuoteStore

ROOT = Path(__file__).resolve().parent.parent
GRAPHML_XSD = ROOT / "tests" / "data" / "graphml-xsd" / "graphml.xsd"
GML = "{http://graphml.graphdrawing.org/xmlns}"
NMTOKEN = re.compile(r"^[A-Za-z0-9._:\-]+$")
FILE_FORMATS = ("turtle", "nquads", "jsonld", "graphml")


def make_store(path: Path, order: list[int], rebuild: bool = False) -> Path:
    with QuoteStore.open(path) as st:
        if rebuild:  # a stale version first, replaced later: must leave no trace
            g_iri, g = build(ARTICLES[0])
            g.add((URIRef("https://w3id.org/quotegraph/id/article/a1"), SCHEMA.headline, Literal("stale")))
            st.replace_article(g_iri, g)
        graphs = all_graphs()
        for i in order:
            st.replace_article(*graphs[i])
    return path


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("a") / "kg.db", [0, 1, 2])


@pytest.fixture
def store(store_path: Path):
    with QuoteStore.open(store_path, read_only=True) as st:
        yield st


def exported(store: QuoteStore, fmt: str, path: Path) -> bytes:
    export(store, fmt, path)
    return path.read_bytes()


# ---------------------------------------------------------------------- on-disk sort


def test_sorted_distinct_lines_merges_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.store import sorting

    monkeypatch.setattr(sorting, "RUN_LINES", 3)  # many runs, duplicates across runs
    lines = [b"<b> <p> 2 .", b"", b"<a> <p> 1 .", b"<c> <q> 3 .", b"<a> <p> 1 .", b"<b> <p> 2 .",
             b"<d> <p> 4 .", b"<a> <p> 0 ."]
    source = tmp_path / "lines.nt"
    source.write_bytes(b"\n".join(lines) + b"\n")
    assert list(sorting.sorted_distinct_lines(source)) == sorted({line for line in lines if line})
    source.write_bytes(b"\n".join(lines) + b"\n")
    kept = list(sorting.sorted_distinct_lines(source, keep=lambda line: not line.startswith(b"<a>")))
    assert kept == sorted({line for line in lines if line and not line.startswith(b"<a>")})
    assert not source.exists()  # consumed: only the sorted runs stay, in the caller's temp dir


@pytest.mark.parametrize("fmt", ["turtle", "nquads", "jsonld"])
def test_exports_are_the_same_whatever_the_run_size(
    store: QuoteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """The bounded-memory sort merges runs of RUN_LINES lines: tiny runs give the same bytes."""
    from kg.store import sorting

    whole = exported(store, fmt, tmp_path / f"whole.{fmt}")
    monkeypatch.setattr(sorting, "RUN_LINES", 7)
    assert exported(store, fmt, tmp_path / f"runs.{fmt}") == whole
    assert len(whole) > 1000


# ---------------------------------------------------------------------- RDF formats


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (raptor2-utils) not installed")
def test_turtle_parses_with_rapper(store: QuoteStore, tmp_path: Path) -> None:
    out = tmp_path / "kg.ttl"
    export(store, "turtle", out)
    check = subprocess.run(["rapper", "-i", "turtle", "-c", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert f"returned {store.count_triples(distinct=True)} triples" in check.stderr


def test_turtle_is_the_union_of_the_store(store: QuoteStore, tmp_path: Path) -> None:
    data = exported(store, "turtle", tmp_path / "kg.ttl")
    assert b"@prefix qgid: <https://w3id.org/quotegraph/id/> ." in data
    parsed = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    assert len(parsed) == store.count_triples(distinct=True)
    assert isomorphic(rdflib.Graph().parse(data=data, format="turtle"), store.union_graph())


def test_nquads_keep_named_graphs_in_sorted_lines(store: QuoteStore, tmp_path: Path) -> None:
    data = exported(store, "nquads", tmp_path / "kg.nq")
    lines = data.decode().splitlines()
    assert lines == sorted(lines) and len(lines) == store.count_triples()
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} == set(store.graphs())
    assert set(quads) == set(store.quads())


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside rdflib
def test_jsonld_has_a_prefix_context_and_is_the_union(store: QuoteStore, tmp_path: Path) -> None:
    data = exported(store, "jsonld", tmp_path / "kg.jsonld")
    doc = json.loads(data)
    assert doc["@context"]["schema"] == "https://schema.org/"
    assert doc["@context"]["qgid"] == "https://w3id.org/quotegraph/id/"
    ids = [n["@id"] for n in doc["@graph"]]
    assert "qgid:person/joe-biden" in ids
    expected = store.union_graph()
    assert isomorphic(rdflib.Graph().parse(data=data, format="json-ld"), expected)
    assert len(list(ox.parse(data, format=ox.RdfFormat.JSON_LD))) == len(expected)


# ---------------------------------------------------------------------- GraphML


def _networkx_graphml(store: QuoteStore) -> bytes:
    """The reference: the projection as a networkx graph, written by networkx (lxml)."""
    out = io.BytesIO()
    nx.write_graphml(build_graph(store), out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


def _streamed_graphml(store: QuoteStore) -> bytes:
    out = io.BytesIO()
    write_graphml(store, out)
    return out.getvalue()


def test_streamed_graphml_is_what_networkx_writes(store: QuoteStore, sample_store_path: Path, tmp_path: Path) -> None:
    """Byte for byte, on the test graphs (memberships, a tricky name), the sample, a store of
    classed nodes without edges, and an empty store."""
    assert _streamed_graphml(store) == _networkx_graphml(store)
    with QuoteStore.open(sample_store_path, read_only=True) as sample:
        assert _streamed_graphml(sample) == _networkx_graphml(sample)
    with QuoteStore.open(tmp_path / "lonely.db") as lonely:
        person = Graph()
        person.add((URIRef("https://w3id.org/quotegraph/id/person/x"), RDF.type, SCHEMA.Person))
        person.add((URIRef("https://w3id.org/quotegraph/id/person/x"), SCHEMA.name, Literal("A & B <x>\r\n")))
        lonely.replace_article("https://w3id.org/quotegraph/id/graph/x", person)
        assert b"A &amp; B &lt;x&gt;&#13;\n" in _streamed_graphml(lonely)
        assert _streamed_graphml(lonely) == _networkx_graphml(lonely)
    with QuoteStore.open(tmp_path / "empty.db") as empty:
        assert _streamed_graphml(empty) == _networkx_graphml(empty)


def test_streamed_graphml_drops_what_xml_cannot_carry(tmp_path: Path) -> None:
    """A control character in a name made lxml (under networkx) refuse the whole export."""
    with QuoteStore.open(tmp_path / "kg.db") as st:
        person = Graph()
        person.add((URIRef("https://w3id.org/quotegraph/id/person/x"), RDF.type, SCHEMA.Person))
        person.add((URIRef("https://w3id.org/quotegraph/id/person/x"), SCHEMA.name, Literal("Bell\x07 Ringer\x0b")))
        st.replace_article("https://w3id.org/quotegraph/id/graph/x", person)
        with pytest.raises(ValueError, match="XML compatible"):
            _networkx_graphml(st)
        written = _streamed_graphml(st)
    assert b"<data key=\"d0\">Bell Ringer</data>" in written
    ET.fromstring(written)  # well-formed


def test_graphml_validates_against_the_schema(store: QuoteStore, tmp_path: Path) -> None:
    if shutil.which("xmllint") is None:
        pytest.skip("xmllint not installed")
    out = tmp_path / "kg.graphml"
    export(store, "graphml", out)
    check = subprocess.run(
        ["xmllint", "--noout", "--schema", str(GRAPHML_XSD), str(out)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


def test_graphml_structure(store: QuoteStore, tmp_path: Path) -> None:
    out = tmp_path / "kg.graphml"
    export(store, "graphml", out)
    root = ET.parse(out).getroot()
    keys = {k.get("id"): (k.get("for"), k.get("attr.name")) for k in root.iter(f"{GML}key")}
    assert ("node", "id") not in keys.values()
    assert {name for kind, name in keys.values() if kind == "node"} == {"label", "kind", "iri"}

    node_ids = [n.get("id") for n in root.iter(f"{GML}node")]
    assert node_ids == sorted(node_ids) and len(set(node_ids)) == len(node_ids)
    assert all(NMTOKEN.match(i) and re.fullmatch(r"n[0-9a-f]{16}", i) for i in node_ids)
    assert node_id("https://w3id.org/quotegraph/id/person/joe-biden") in node_ids

    edges = list(root.iter(f"{GML}edge"))
    edge_ids = [e.get("id") for e in edges]
    assert len(set(edge_ids)) == len(edge_ids) and all(NMTOKEN.match(i) for i in edge_ids)
    order = [(e.get("source"), e.get("target"), e.get("id")) for e in edges]
    assert order == sorted(order)
    biden, quote = (
        "https://w3id.org/quotegraph/id/person/joe-biden",
        "https://w3id.org/quotegraph/id/quote/a1/41-81",
    )
    assert edge_id(biden, "SAID", quote) in edge_ids


def test_graphml_loads_in_networkx(store: QuoteStore, tmp_path: Path) -> None:
    out = tmp_path / "kg.graphml"
    export(store, "graphml", out)
    g = nx.read_graphml(out, force_multigraph=True)
    biden = g.nodes[node_id("https://w3id.org/quotegraph/id/person/joe-biden")]
    assert biden == {
        "label": "Joe Biden",
        "kind": "Person",
        "iri": "https://w3id.org/quotegraph/id/person/joe-biden",
    }
    rock = g.nodes[node_id("https://w3id.org/quotegraph/id/person/dwayne-the-rock-johnson")]
    assert rock["label"] == TRICKY_NAME
    kinds = Counter(d["kind"] for _, d in g.nodes(data=True))
    assert kinds == {
        "Article": 3,
        "Quotation": 4,
        "Person": 2,
        "Organization": 2,
        "Group": 1,
        "Place": 1,
        "Event": 1,
    }
    labels = Counter(d["label"] for *_, d in g.edges(data=True))
    assert labels == {
        "SAID": 4, "PART_OF": 4, "ADDRESSED_TO": 1, "ABOUT": 1, "MENTIONS": 8,
        "MEMBER_OF": 1, "PARTICIPATED_IN": 1, "TOOK_PLACE_IN": 1, "PUBLISHED_BY": 1,
    }  # fmt: skip
    (member,) = [d for *_, d in g.edges(data=True) if d["label"] == "MEMBER_OF"]
    assert member["role"] == "Commander in Chief; President"  # two roles, two articles: one edge


def test_graphml_loads_in_igraph(store: QuoteStore, tmp_path: Path) -> None:
    igraph = pytest.importorskip("igraph")
    out = tmp_path / "kg.graphml"
    export(store, "graphml", out)
    g = igraph.Graph.Read_GraphML(str(out))
    assert g.is_directed() and g.vcount() == 14 and g.ecount() == 22
    people = {v["label"] for v in g.vs if v["kind"] == "Person"}
    assert people == {"Joe Biden", TRICKY_NAME}
    assert set(g.es["label"]) >= {"SAID", "PART_OF", "MEMBER_OF"}
    said = [e for e in g.es if e["label"] == "SAID"]
    assert {g.vs[e.source]["kind"] for e in said} <= {"Person", "Group"}
    assert {g.vs[e.target]["kind"] for e in said} == {"Quotation"}


# ---------------------------------------------------------------------- CSV


def test_csv_tables(store: QuoteStore, tmp_path: Path) -> None:
    written = export(store, "csv", tmp_path / "tables")
    assert sorted(p.name for p in written) == ["entities.csv", "events.csv", "quotations.csv"]
    with (tmp_path / "tables" / "quotations.csv").open(newline="", encoding="utf-8") as f:
        quotes = list(csv.DictReader(f))
    assert [q["text"] for q in quotes][0] == "We will bring the troops home from Iraq."
    assert {q["speaker_name"] for q in quotes} == {"Joe Biden", "officials", TRICKY_NAME}
    assert quotes[0]["addressee_name"] == "CNN" and quotes[0]["type"] == "direct"
    with (tmp_path / "tables" / "entities.csv").open(newline="", encoding="utf-8") as f:
        entities = {e["name"]: e for e in csv.DictReader(f)}
    assert entities["Joe Biden"]["alternate_names"] == "Biden" and entities["Joe Biden"]["articles"] == "2"
    with (tmp_path / "tables" / "events.csv").open(newline="", encoding="utf-8") as f:
        (event,) = list(csv.DictReader(f))
    assert event["place_name"] == "Iraq" and event["actor_names"] == "Joe Biden"


def test_csv_single_table_by_name(store: QuoteStore, tmp_path: Path) -> None:
    assert export(store, "csv", tmp_path / "entities.csv") == [tmp_path / "entities.csv"]
    assert (tmp_path / "entities.csv").read_text().startswith("entity,kind,name")
    with pytest.raises(ExportError, match="cannot tell which table"):
        export(store, "csv", tmp_path / "people.csv")


def test_unknown_format(store: QuoteStore, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format"):
        export(store, "rdfxml", tmp_path / "x")


# ---------------------------------------------------------------------- determinism


def _all_exports(store_path: Path, out: Path) -> dict[str, bytes]:
    with QuoteStore.open(store_path, read_only=True) as st:
        files = {fmt: exported(st, fmt, out / f"kg.{fmt}") for fmt in FILE_FORMATS}
        for p in export(st, "csv", out / "csv"):
            files[p.name] = p.read_bytes()
    return files


def test_same_store_twice_and_other_insertion_order_give_identical_bytes(
    store_path: Path, tmp_path: Path
) -> None:
    other = make_store(tmp_path / "other.db", [2, 0, 1, 0], rebuild=True)
    first = _all_exports(store_path, tmp_path / "1")
    again = _all_exports(store_path, tmp_path / "2")
    reordered = _all_exports(other, tmp_path / "3")
    assert set(first) == {*FILE_FORMATS, "quotations.csv", "entities.csv", "events.csv"}
    for name in first:
        assert first[name] == again[name], name
        assert first[name] == reordered[name], name


def test_identical_bytes_across_processes_with_different_hash_seeds(store_path: Path, tmp_path: Path) -> None:
    """Python's per-process string hashing must not leak into the output order."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        code = (
            "import sys; from kg.store import QuoteStore; from kg.export import export\n"
            "with QuoteStore.open(sys.argv[1], read_only=True) as st:\n"
            "    [export(st, f, sys.argv[2] + '/kg.' + f) for f in ('turtle', 'nquads', 'jsonld', 'graphml')]\n"
            "    export(st, 'csv', sys.argv[2] + '/csv')\n"
        )
        subprocess.run([sys.executable, "-c", code, str(store_path), str(out)], check=True, env=env, cwd=ROOT)
        outputs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0] == outputs[1]


# ---------------------------------------------------------------------- CLI

runner = CliRunner()


def test_cli_export_to_file_and_stdout(store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "kg.graphml"
    result = runner.invoke(app, ["export", "--format", "graphml", "-o", str(out), "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"<?xml")
    result = runner.invoke(app, ["export", "--format", "nquads", "-o", "-", "--store", str(store_path)])
    assert result.exit_code == 0
    with QuoteStore.open(store_path, read_only=True) as st:
        assert result.stdout_bytes == exported(st, "nquads", tmp_path / "kg.nq")


def test_cli_export_missing_store(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "-o", str(tmp_path / "x.ttl"), "--store", str(tmp_path / "none.db")]
    )
    assert "no store at" in str(result.exception)
    assert not (tmp_path / "x.ttl").exists()


def test_a_full_sort_disk_is_named_in_the_error(store: QuoteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure in the sort's temporary directory says so (and where), not just "cannot write OUT";
    the export's target is left untouched."""
    from kg.export import order

    def full_disk(source, key=None):
        raise OSError(28, "No space left on device")
        yield b""  # a generator, like the real one

    monkeypatch.setattr(order, "sorted_distinct_lines", full_disk)
    target = tmp_path / "kg.ttl"
    target.write_bytes(b"previous export\n")
    with pytest.raises(ExportError, match=r"cannot write .*kg\.ttl: No space left on device \(while sorting in .*qg-sort-.*TMPDIR"):
        export(store, "turtle", target)
    assert target.read_bytes() == b"previous export\n"
