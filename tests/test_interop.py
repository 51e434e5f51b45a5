"""Interoperability: `kg push` into a real Oxigraph server, `kg serve`, saved queries, and the
GraphML / JSON-LD / N-Quads exports as other tools read them.

The servers are the real `oxigraph` binary on 127.0.0.1, on free ports, always stopped by their
fixtures.  The bundled sample store (session fixture) is only read; anything that writes or
serves works on a copy.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import networkx as nx
import pyoxigraph as ox
import pytest
from graph_fixtures import ROCK, Art, Ent, Quote, build, synthetic_article
from servers import free_port, oxigraph_server, stop, wait_ready
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError
from kg.export import export
from kg.export.graphml import node_id, speaker_network, write_speaker_graphml
from kg.export.jsonld import context_document
from kg.graph.iris import SUMMARY_GRAPH
from kg.push import PushError, PushTarget, Retry, push
from kg.query.named import QUERIES_DIR, bind_params, list_named, load_named, parse_header
from kg.serve import ServeConfig, ServeError, server_command
from kg.serve.run import _is_loopback, check_config
from kg.store import QuoteStore
from kg.summary.refresh import refresh_summary

ROOT = Path(__file__).resolve().parent.parent
GRAPHML_XSD = ROOT / "tests" / "data" / "graphml-xsd" / "graphml.xsd"
GML = "{http://graphml.graphdrawing.org/xmlns}"
JSON_RESULTS = "application/sparql-results+json"

runner = CliRunner()


# ------------------------------------------------------------------------------ helpers


def select(base: str, sparql: str) -> list[dict[str, str]]:
    r = httpx.post(f"{base}/query", data={"query": sparql}, headers={"Accept": JSON_RESULTS}, timeout=30)
    r.raise_for_status()
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def server_quads(base: str) -> set[ox.Quad]:
    """The server's whole dataset (GSP GET of /store as N-Quads)."""
    r = httpx.get(f"{base}/store", headers={"Accept": "application/n-quads"}, timeout=30)
    r.raise_for_status()
    return set(ox.parse(r.content, format=ox.RdfFormat.N_QUADS))


def graph_counts(base: str) -> dict[str, int]:
    rows = select(base, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"]: int(row["n"]) for row in rows}


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """`kg ARGV` through kg.cli.main (the real error printing), in-process."""
    from kg.cli import main

    monkeypatch.setattr(sys, "argv", ["kg", *argv])
    with pytest.raises(SystemExit) as exit_info:
        main()
    return int(exit_info.value.code or 0), capsys.readouterr().err


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def sample(sample_store_path: Path) -> Iterator[QuoteStore]:
    with QuoteStore.open(sample_store_path, read_only=True) as st:
        yield st


@pytest.fixture(scope="module")
def local_quads(sample: QuoteStore) -> set[ox.Quad]:
    return set(sample.quads())


@pytest.fixture
def target(tmp_path: Path) -> Iterator[str]:
    """An empty read-write Oxigraph server."""
    with oxigraph_server(tmp_path / "target") as base:
        yield base


def make_store(path: Path, graphs: list) -> Path:
    with QuoteStore.open(path) as st:
        for iri, g in graphs:
            st.replace_article(iri, g)
    return path


# ------------------------------------------------------------------------------ kg push


def test_push_copies_every_named_graph_exactly(
    sample: QuoteStore, sample_store_path: Path, local_quads: set[ox.Quad], target: str
) -> None:
    result = runner.invoke(app, ["push", "--endpoint", target, "--store", str(sample_store_path), "--replace"])
    assert result.exit_code == 0, result.output
    # The article's graph, the identity graph and the summary graph (the saved queries read them
    # on the server too).
    assert "pushed 3 graphs" in result.output
    local_counts = Counter(q.graph_name.value for q in local_quads)
    assert graph_counts(target) == dict(local_counts)
    assert server_quads(target) == local_quads  # every triple, in its graph, terms unchanged
    quotes = "SELECT ?q ?text WHERE { GRAPH ?g { ?q a <https://schema.org/Quotation> ; <https://schema.org/text> ?text } }"
    remote = {(r["q"], r["text"]) for r in select(target, quotes)}
    assert remote == {(s["q"].value, s["text"].value) for s in sample.query(quotes)}
    assert len(remote) == 10


def test_push_replace_twice_and_small_batches_leave_no_duplicates(
    sample_store_path: Path, local_quads: set[ox.Quad], target: str
) -> None:
    store = str(sample_store_path)
    for extra in ([], [], ["--batch-size", "50"]):  # 381 triples → 8 requests: PUT, then POSTs
        result = runner.invoke(app, ["push", "--endpoint", f"{target}/query", "--store", store, "--replace", *extra])
        assert result.exit_code == 0, result.output
        assert server_quads(target) == local_quads
    # Adding (POST) the same triples again changes nothing either: a graph is a set.
    assert runner.invoke(app, ["push", "--endpoint", target, "--store", store]).exit_code == 0
    assert server_quads(target) == local_quads


def test_push_union_into_one_graph(sample: QuoteStore, sample_store_path: Path, target: str) -> None:
    iri = "https://example.org/quotegraph"
    result = runner.invoke(
        app, ["push", "--endpoint", target, "--graph", iri, "--store", str(sample_store_path), "--batch-size", "100"]
    )
    assert result.exit_code == 0, result.output
    # Everything in one graph, but the summary, which keeps its own so the saved queries work there.
    summary = str(SUMMARY_GRAPH)
    summary_triples = len(list(sample.ox.quads_for_pattern(None, None, None, ox.NamedNode(summary))))
    assert summary_triples > 0
    assert graph_counts(target) == {iri: sample.count_triples(distinct=True) - summary_triples,
                                    summary: summary_triples}
    assert "pushed 2 graphs" in result.output
    top = select(target, load_named("top-speakers").sparql)
    assert top[0]["speaker"] == "Saad al-Hadithi"


def test_push_into_the_summary_graphs_own_iri_is_refused(
    sample_store_path: Path, target: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["push", "--endpoint", target, "--graph", str(SUMMARY_GRAPH), "--store", str(sample_store_path)]
    code, err = run_main(argv, capsys, monkeypatch)
    assert code == PushError.exit_code and err.count("\n") == 1
    assert "is the summary graph's own IRI" in err


def test_push_refused_by_a_read_only_server_is_one_line(
    tmp_path: Path, sample_store_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ox.Store(str(tmp_path / "ro"))  # an empty store for serve-read-only to open
    with oxigraph_server(tmp_path / "ro", read_only=True) as base:
        code, err = run_main(["push", "--endpoint", base, "--store", str(sample_store_path)], capsys, monkeypatch)
    assert code == PushError.exit_code
    assert err.count("\n") == 1 and err.startswith("kg: error: server refused POST")
    assert "403 Forbidden: The server is read-only" in err


def test_push_to_a_wrong_path_is_one_line(
    target: str, sample_store_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["push", "--endpoint", target, "--gsp-url", f"{target}/no-such-service", "--store", str(sample_store_path)]
    code, err = run_main(argv, capsys, monkeypatch)
    assert code != 0 and err.count("\n") == 1
    assert "404" in err and "--gsp-url" in err


def test_push_retries_5xx_and_connection_errors_then_gives_up(sample: QuoteStore) -> None:
    # The first graph's PUT fails twice, then the other two (identity, summary) go through at once.
    answers = iter([httpx.ConnectError("refused"), httpx.Response(503, text="busy"), httpx.Response(204),
                    httpx.Response(204), httpx.Response(204)])
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    sleeps: list[float] = []
    retry = Retry(attempts=5, first_delay=0.5, sleep=sleeps.append)
    target = PushTarget.from_endpoint("http://127.0.0.1:9")
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        report = push(sample, target, replace=True, retry=retry, client=client)
    assert seen == ["PUT", "PUT", "PUT", "PUT", "PUT"] and sleeps == [0.5, 1.0]
    assert report.triples == len(sample.ox) and report.requests == 3

    def always_down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="Bad gateway\nmore detail")

    with httpx.Client(transport=httpx.MockTransport(always_down)) as client, pytest.raises(PushError) as err:
        push(sample, target, retry=Retry(attempts=3, sleep=lambda s: None), client=client)
    # the body's first line only repeats the status: the next one is the reason
    assert "failed after 3 attempts: 502 Bad Gateway: more detail" in str(err.value)


@pytest.mark.parametrize(
    ("endpoint", "gsp", "expected"),
    [
        ("http://127.0.0.1:7878", None, "http://127.0.0.1:7878/store"),
        ("http://127.0.0.1:7878/", None, "http://127.0.0.1:7878/store"),
        ("http://127.0.0.1:7878/query", None, "http://127.0.0.1:7878/store"),
        ("http://h:7878/sub/update", None, "http://h:7878/sub/store"),
        ("http://h:3030/ds/sparql", "http://h:3030/ds/data", "http://h:3030/ds/data"),
    ],
)
def test_push_target_urls(endpoint: str, gsp: str | None, expected: str) -> None:
    target = PushTarget.from_endpoint(endpoint, gsp_url=gsp)
    assert target.gsp_url == expected
    url = target.graph_url("https://w3id.org/quotegraph/id/graph/a b")
    assert str(url) == expected + "?graph=https%3A%2F%2Fw3id.org%2Fquotegraph%2Fid%2Fgraph%2Fa+b"
    assert str(target.graph_url(None)) == expected + "?default"
    with pytest.raises(PushError):
        PushTarget.from_endpoint("ftp://example.org")


# ------------------------------------------------------------------------------ kg serve


@pytest.fixture
def store_copy(tmp_path: Path, sample_store_path: Path) -> Path:
    copy = tmp_path / "served.db"
    shutil.copytree(sample_store_path, copy)
    return copy


def test_kg_serve_answers_sparql_read_only(store_copy: Path, sample: QuoteStore) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store_copy), "--port", str(port), "--timeout", "30"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
        count = "SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a <https://schema.org/Quotation> }"
        # The default graph is the union of the article graphs, as in `kg query`.
        assert select(base, count) == [{"n": "10"}]

        r = httpx.get(f"{base}/query", params={"query": count}, headers={"Accept": "text/csv"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert r.text.splitlines() == ["n", "10"]

        construct = "CONSTRUCT { ?q <https://schema.org/text> ?t } WHERE { ?q <https://schema.org/text> ?t }"
        r = httpx.post(f"{base}/query", data={"query": construct}, headers={"Accept": "text/turtle"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
        served = {q.triple for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)}
        assert served == set(sample.query(construct)) and len(served) == 10

        page = httpx.get(f"{base}/", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "yasgui" in page.text.lower()

        update = httpx.post(
            f"{base}/update",
            content=b'INSERT DATA { <http://example.org/s> <http://example.org/p> "x" }',
            headers={"Content-Type": "application/sparql-update"},
        )
        assert update.status_code == 403
        gsp = httpx.post(
            f"{base}/store?default", content=b"<http://e/s> <http://e/p> <http://e/o> .",
            headers={"Content-Type": "application/n-triples"},
        )
        assert gsp.status_code == 403
    finally:
        code = stop(proc)  # SIGTERM: kg stops its Oxigraph child and exits cleanly
    assert code == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=2)
    with QuoteStore.open(store_copy, read_only=True) as st:  # nothing was written
        assert len(st.ox) == len(sample.ox)


def test_kg_serve_refuses_a_store_being_written(store_copy: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time, pyoxigraph as ox; s = ox.Store(sys.argv[1]); print('open', flush=True); time.sleep(60)", str(store_copy)],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"open"
        with pytest.raises(ServeError, match="open for writing by another process"):
            check_config(ServeConfig(store=store_copy, port=free_port()), warn=print)
    finally:
        stop(holder)


def test_kg_serve_checks_port_and_address(store_copy: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(ServeError, match="cannot serve on 127.0.0.1:.*in use"):
            check_config(ServeConfig(store=store_copy, port=taken.getsockname()[1]), warn=print)
    with pytest.raises(ServeError, match="no store at"):
        check_config(ServeConfig(store=tmp_path / "missing", port=free_port()), warn=print)
    assert _is_loopback("127.0.0.1") and _is_loopback("::1") and _is_loopback("localhost")
    assert not _is_loopback("0.0.0.0") and not _is_loopback("192.168.1.4")


def test_kg_serve_warns_when_the_summary_is_out_of_date(store_copy: Path) -> None:
    """The server answers from whatever summary the store holds: kg serve says so when it is stale."""
    warnings: list[str] = []
    check_config(ServeConfig(store=store_copy, port=free_port()), warn=warnings.append)
    assert warnings == []  # a freshly built store: current
    with QuoteStore.open(store_copy) as st:
        st.invalidate_summary()
    check_config(ServeConfig(store=store_copy, port=free_port()), warn=warnings.append)
    assert len(warnings) == 1 and "summary graph" in warnings[0] and "kg summarise --store" in warnings[0]


def test_server_command_line() -> None:
    argv = server_command("oxigraph", Path("kg.db"), "127.0.0.1", 7878, timeout=30)
    assert argv[1:] == [
        "serve-read-only", "--location", "kg.db", "--bind", "127.0.0.1:7878", "--union-default-graph", "--timeout-s", "30",
    ]  # fmt: skip
    argv = server_command("oxigraph", Path("kg.db"), "::1", 7878, allow_update=True, timeout=None)
    assert argv[1] == "serve" and "[::1]:7878" in argv and "--timeout-s" not in argv


# ------------------------------------------------------------------------------ saved queries

PARAMS = {"who-said-what-about": ["entity=iraq"]}


def test_every_saved_query_has_a_header_and_returns_rows(sample: QuoteStore) -> None:
    queries = list_named()
    assert {q.name for q in queries} >= {
        "top-speakers", "who-said-what-about", "quotes-by-organisation",
        "speakers-quoted-together", "statements-per-event", "addressees",
    }  # fmt: skip
    for q in queries:
        assert q.title and q.description, q.name
        if q.name == "first-seen":
            continue  # statements repeated across articles: none in one article (rows: test_clusters, test_engines)
        rows = list(sample.query(q.bound(bind_params(q, PARAMS.get(q.name, [])))))
        assert rows, f"{q.name} returned no rows on the sample"
        rows = list(sample.query(q.bound(bind_params(q, PARAMS.get(q.name, [])), oxigraph=True)))
        assert rows, f"{q.name} returned no rows on the sample"


def test_saved_queries_through_the_cli(sample_store_path: Path) -> None:
    listing = runner.invoke(app, ["query", "--list-named"])
    assert listing.exit_code == 0 and "who-said-what-about" in listing.output and "entity" in listing.output
    result = runner.invoke(
        app, ["query", "--named", "top-speakers", "--format", "csv", "--store", str(sample_store_path)]
    )
    assert result.exit_code == 0, result.output
    header, first, *_ = result.output.splitlines()
    # Parameters are not projected: they are bound in the query's VALUES lines.
    assert header == "speaker,kind,quotations,articles,direct" and first == "Saad al-Hadithi,Person,3,1,1"
    iri = "<https://w3id.org/quotegraph/id/place/iraq>"
    by_iri = runner.invoke(
        app, ["query", "--named", "who-said-what-about", "--param", f"entity={iri}", "--format", "json",
              "--store", str(sample_store_path)],
    )  # fmt: skip
    rows = json.loads(by_iri.output)["results"]["bindings"]
    assert rows and {r["about"]["value"] for r in rows} == {"Iraq"}
    org = runner.invoke(
        app, ["query", "--named", "quotes-by-organisation", "--param", "org=PENTAGON", "--format", "csv",
              "--store", str(sample_store_path)],
    )  # fmt: skip
    assert org.exit_code == 0 and org.output.splitlines()[1].startswith("Pentagon,Pentagon,")
    # The table, for people, leaves the parameter columns out: they repeat what was typed.
    table = runner.invoke(
        app, ["query", "--named", "top-speakers", "--param", "top=2", "--store", str(sample_store_path)],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert table.exit_code == 0, table.output
    header = table.output.splitlines()[1]
    assert [cell.strip() for cell in header.strip("│").split("│")] == ["speaker", "kind", "quotations", "articles", "direct"]
    assert "Saad al-Hadithi" in table.output and table.output.endswith("2 rows\n")


def test_param_values_are_bound_never_spliced(tmp_path: Path) -> None:
    # A speaker talks about Dwayne "The Rock" } Johnson: the value has both " and }.
    art = Art(
        key="b1",
        text='Ann Lee said "Johnson is back" today.',
        entities=[Ent("person", "ann-lee", "Ann Lee"), ROCK],
        quotes=[Quote(13, 28, "direct", "ann-lee", about=("dwayne-the-rock-johnson",))],
    )
    path = make_store(tmp_path / "kg.db", [build(art)])
    with QuoteStore.open(path) as st:
        refresh_summary(st)  # as `kg build` does: the query finds names through the summary's index
    query = load_named("who-said-what-about")
    with QuoteStore.open(path, read_only=True) as st:
        hits = list(st.query(query.bound(bind_params(query, ['entity="The Rock" } Jo']))))
        assert [(r["speaker"].value, r["about"].value) for r in hits] == [("Ann Lee", ROCK.name)]
        injected = 'x" } } UNION { ?q ?p ?text } #'
        assert list(st.query(query.bound(bind_params(query, [f"entity={injected}"])))) == []
        assert list(st.query(query.bound(bind_params(query, ["entity=<urn:x> } UNION { ?q ?p ?text }"])))) == []
    result = runner.invoke(
        app, ["query", "--named", "who-said-what-about", "--param", 'entity=ROCK" }', "--format", "csv", "--store", str(path)]
    )
    assert result.exit_code == 0 and result.output.splitlines()[1].startswith('"' + ROCK.name.replace('"', '""') + '",Ann Lee')


def test_param_errors() -> None:
    q = load_named("who-said-what-about")
    with pytest.raises(QueryError, match="needs --param entity=VALUE"):
        bind_params(q, [])
    with pytest.raises(QueryError, match="has no parameter 'speaker'"):
        bind_params(q, ["speaker=x"])
    with pytest.raises(QueryError, match="name=value"):
        bind_params(q, ["entity"])
    with pytest.raises(QueryError, match="not a valid IRI"):
        bind_params(q, ["entity=<not an iri>"])
    with pytest.raises(QueryError, match="no saved query named"):
        load_named("../queries/top-speakers")
    assert bind_params(load_named("quotes-by-organisation"), []) == {}  # org is optional


def test_header_parsing() -> None:
    text = "# title: T\n# description: one\n#   two\n# param: a — first\n# param: b? - second\nSELECT ?a ?b {}\n"
    q = parse_header("x", text, QUERIES_DIR / "x.rq")
    assert (q.title, q.description) == ("T", "one two")
    assert [(p.name, p.meaning, p.optional) for p in q.params] == [("a", "first", False), ("b", "second", True)]


# ------------------------------------------------------------------------------ exports


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # syn-0..2 quote persons 0-4, 1-5 and 2-6: persons 2, 3 and 4 are in all three articles.
    return make_store(tmp_path_factory.mktemp("syn") / "kg.db", [synthetic_article(i) for i in range(3)])


def speakers_file(store_path: Path, out: Path) -> Path:
    result = runner.invoke(
        app, ["export", "--format", "graphml", "--flavour", "speakers", "-o", str(out), "--store", str(store_path)]
    )
    assert result.exit_code == 0, result.output
    return out


def test_speaker_graphml_validates_and_loads_with_weights(synthetic: Path, tmp_path: Path) -> None:
    out = speakers_file(synthetic, tmp_path / "speakers.graphml")
    if shutil.which("xmllint"):
        check = subprocess.run(["xmllint", "--noout", "--schema", str(GRAPHML_XSD), str(out)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr

    g = nx.read_graphml(out, force_multigraph=True)
    by_label = {d["label"]: n for n, d in g.nodes(data=True)}
    assert g.nodes[by_label["Person 0"]]["labels"] == ":Person:Speaker"
    assert g.nodes[by_label["Place 0"]]["labels"] == ":Place"
    assert g.nodes[by_label["Person 0"]]["quotations"] == 4  # 20 quotes, 5 speakers in turn

    def weight(a: str, label: str, b: str) -> int:
        (w,) = [d["weight"] for _, t, d in g.out_edges(by_label[a], data=True) if t == by_label[b] and d["label"] == label]
        return w

    assert weight("Person 0", "QUOTED_ABOUT", "Place 0") == 4
    pair = sorted(["Person 2", "Person 3"], key=lambda n: by_label[n])  # written lower id → higher
    assert weight(pair[0], "CO_QUOTED", pair[1]) == 3  # quoted together in all three articles
    assert {d["interaction"] for *_, d in g.edges(data=True)} == {"QUOTED_ABOUT", "CO_QUOTED"}

    igraph = pytest.importorskip("igraph")
    h = igraph.Graph.Read_GraphML(str(out))
    assert h.is_directed() and h.vcount() == g.number_of_nodes() and h.ecount() == g.number_of_edges()
    assert max(h.es["weight"]) == 4 and set(h.vs["kind"]) == {"Person", "Place"}


def test_speaker_graphml_suits_gephi_cytoscape_and_neo4j(synthetic: Path, tmp_path: Path) -> None:
    out = speakers_file(synthetic, tmp_path / "s.graphml")
    root = ET.parse(out).getroot()
    keys = {k.get("id"): (k.get("for"), k.get("attr.name")) for k in root.iter(f"{GML}key")}
    names = {(domain, name) for domain, name in keys.values()}
    assert ("node", "id") not in names and ("edge", "id") not in names  # igraph reserves `id`
    assert {("node", "label"), ("node", "name"), ("edge", "label"), ("edge", "interaction"), ("edge", "weight")} <= names
    # APOC reads key *ids*: node labels from "labels", the relationship type from an edge's first "label".
    assert keys["labels"] == ("node", "labels") and keys["label"] == ("edge", "label")
    assert not {"d3", "d7"} & set(keys)  # Gephi treats these key ids as yEd labels
    for edge in root.iter(f"{GML}edge"):
        assert edge.find(f"{GML}data").get("key") == "label"
    for node in root.iter(f"{GML}node"):
        labels = node.find(f"{GML}data[@key='labels']").text
        assert labels and labels.startswith(":")


def test_speaker_graphml_is_deterministic_and_matches_the_sample(sample: QuoteStore, tmp_path: Path) -> None:
    first, second = tmp_path / "a.graphml", tmp_path / "b.graphml"
    with first.open("wb") as f:
        write_speaker_graphml(sample, f)
    with second.open("wb") as f:
        write_speaker_graphml(sample, f)
    assert first.read_bytes() == second.read_bytes()
    nodes, edges = speaker_network(sample)
    # Nodes are corpus entities (kg.identity.corpus).
    hadithi = node_id("https://w3id.org/quotegraph/id/entity/person/saad-al-hadithi")
    usa = node_id("https://w3id.org/quotegraph/id/entity/place/united-states")
    assert nodes[hadithi]["quotations"] == 3
    assert [a["weight"] for s, t, a in edges.values() if (s, t) == (hadithi, usa)] == [2]
    speakers = sum(1 for n in nodes.values() if str(n["labels"]).endswith(":Speaker"))
    assert sum(1 for *_, a in edges.values() if a["label"] == "CO_QUOTED") == speakers * (speakers - 1) // 2


def test_flavour_only_for_graphml(sample_store_path: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "--format", "turtle", "--flavour", "speakers", "-o", str(tmp_path / "x.ttl"), "--store", str(sample_store_path)]
    )
    assert result.exit_code != 0 and "graphml only" in str(result.exception)
    full = tmp_path / "full.graphml"
    assert runner.invoke(
        app, ["export", "--format", "graphml", "--flavour", "full", "-o", str(full), "--store", str(sample_store_path)]
    ).exit_code == 0
    assert full.read_bytes() == (ROOT / "exports" / "iraq-troops.graphml").read_bytes()  # full = unchanged


def test_jsonld_context_is_published_and_nquads_keep_graphs(sample: QuoteStore, tmp_path: Path) -> None:
    published = ROOT / "ontology" / "context.jsonld"
    assert published.read_bytes() == context_document()
    export(sample, "jsonld", tmp_path / "kg.jsonld")
    doc = json.loads((tmp_path / "kg.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == json.loads(published.read_text(encoding="utf-8"))["@context"]
    export(sample, "nquads", tmp_path / "kg.nq")
    quads = list(ox.parse((tmp_path / "kg.nq").read_bytes(), format=ox.RdfFormat.N_QUADS))
    # Every graph but the summary, whose counts are derived from the articles (`kg summarise`);
    # the identity graph travels (its owl:sameAs links and corpus entities are knowledge).
    articles = {q for q in sample.quads() if q.graph_name != ox.NamedNode(str(SUMMARY_GRAPH))}
    assert {q.graph_name.value for q in quads} == set(sample.graphs()) - {str(SUMMARY_GRAPH)}
    assert set(quads) == articles and len(articles) < len(sample.ox)
