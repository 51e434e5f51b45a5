"""The saved queries are portable: every queries/*.rq runs unchanged on Oxigraph (the local store),
rdflib's own SPARQL engine and a real Virtuoso 7, with identical rows, its parameters bound the way
any client can (the value written into the query's `VALUES ?name { UNDEF }` line) and sent over
the SPARQL protocol; SPARQLWrapper and rdflib's SPARQLStore read them as queries when run against
`kg serve`; and `kg summarise --endpoint` computes the corpus entities and the summary on a server
(Virtuoso, an Oxigraph server that two stores were pushed into) with SPARQL 1.1 Update.

The store is the session's multi-article store (dev articles, the sample twice, the two made-up
Obama articles); the servers come from tests/servers.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from conftest import IDENTITY_DIR
from servers import Virtuoso, free_port, oxigraph_server, wait_ready
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.iris import CLUSTERS_GRAPH, IDENTITY_GRAPH, SUMMARY_GRAPH
from kg.query.named import bind_text, list_named, load_named, parse_value
from kg.store import QuoteStore

JSON_RESULTS = "application/sparql-results+json"
OBAMA = "https://w3id.org/quotegraph/id/person/obama"

# (saved query, parameters): every query, each parameter form (a name, an IRI, none, a cut).
CASES = [
    ("top-speakers", {}),
    ("top-speakers", {"top": "5"}),
    ("speakers-quoted-together", {}),
    ("speakers-quoted-together", {"top": "3"}),
    ("statements-per-event", {}),
    ("statements-per-event", {"top": "12"}),
    ("addressees", {}),
    ("addressees", {"top": "2"}),
    ("who-said-what-about", {"entity": "iraq"}),
    ("who-said-what-about", {"entity": "<https://w3id.org/quotegraph/id/entity/place/iraq>"}),
    ("quotes-by-organisation", {}),
    ("quotes-by-organisation", {"org": "pentagon"}),
    ("quotes-by-organisation", {"org": "who"}),
    ("first-seen", {}),
    ("first-seen", {"who": "dillon"}),
]
IDS = [f"{n}-{'-'.join(p.values()) or 'all'}" for n, p in CASES]

Row = tuple[str, ...]


def bound(name: str, params: dict[str, str]) -> str:
    """The portable form with its parameters written in, as any client would send it."""
    return bind_text(load_named(name).sparql, {k: parse_value(v) for k, v in params.items()})


def _cell(term: object) -> str:
    # Values only: engines agree on them, not always on a count's datatype (xsd:integer vs int).
    return "" if term is None else str(getattr(term, "value", term))


def oxigraph_rows(store_path: Path, sparql: str) -> list[Row]:
    with QuoteStore.open(store_path, read_only=True) as store:
        result = store.query(sparql)
        names = [v.value for v in result.variables]  # type: ignore[union-attr]
        return [tuple(_cell(row[n]) for n in names) for row in result]  # type: ignore[union-attr]


def http_rows(url: str, sparql: str, auth: httpx.Auth | None = None) -> list[Row]:
    r = httpx.post(url, data={"query": sparql}, headers={"Accept": JSON_RESULTS}, timeout=120, auth=auth)
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    names = body["head"]["vars"]
    return [tuple(b[n]["value"] if n in b else "" for n in names) for b in body["results"]["bindings"]]


def rdflib_rows(dataset: rdflib.Dataset, sparql: str) -> list[Row]:
    result = dataset.query(sparql)
    names = [str(v) for v in result.vars or []]
    return [tuple("" if row[n] is None else str(row[n]) for n in names) for row in result]  # type: ignore[index]


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory, multi_store_path: Path) -> Path:
    """Every quad of the store, the identity and summary graphs included, as N-Quads."""
    path = tmp_path_factory.mktemp("engines") / "store.nq"
    with QuoteStore.open(multi_store_path, read_only=True) as store:
        store.ox.dump(str(path), ox.RdfFormat.N_QUADS)
    return path


@pytest.fixture(scope="module")
def expected(multi_store_path: Path) -> dict[str, list[Row]]:
    return {case: oxigraph_rows(multi_store_path, bound(*CASES[n])) for n, case in enumerate(IDS)}


@pytest.fixture(scope="module")
def loaded_virtuoso(virtuoso: Virtuoso, dump: Path) -> Iterator[Virtuoso]:
    virtuoso.clear()
    virtuoso.load_nquads(dump)
    yield virtuoso
    virtuoso.clear()


@pytest.fixture(scope="module")
def dataset(dump: Path) -> rdflib.Dataset:
    ds = rdflib.Dataset()
    ds.parse(dump, format="nquads")
    return ds


# ------------------------------------------------------------------------------ portability


def test_every_saved_query_is_plain_sparql_1_1() -> None:
    """No SPARQL 1.2 (`LATERAL`), no FILTER(IF(…, EXISTS …)) that Virtuoso rejects; rdflib's
    SPARQL 1.1 parser (which knows no LATERAL) reads each; each parameter has its VALUES line."""
    from rdflib.plugins.sparql import prepareQuery

    queries = list_named()
    assert len(queries) == 7
    for query in queries:
        assert "LATERAL" not in query.sparql and not re.search(r"IF\s*\(", query.sparql), query.name
        prepareQuery(query.sparql)
        for param in query.params:
            assert re.search(rf"^\s*VALUES \?{param.name} \{{ UNDEF \}}$", query.sparql, re.M), (query.name, param)


def test_the_multi_article_store_lists_obama_once_over_two_articles(multi_store_path: Path) -> None:
    """The issue's bar, from a plain build: "Barack Obama" in one article and "Obama" in the
    other are one speaker row with both articles; WHO and the World Health Organization one."""
    rows = oxigraph_rows(multi_store_path, bound("top-speakers", {}))
    obama = [r for r in rows if "Obama" in r[0]]
    assert obama == [("Barack Obama", "Person", "4", "2", "4")]
    assert [r for r in rows if "Health" in r[0] or r[0] == "WHO"] == [("World Health Organization", "Organization", "2", "2", "1")]


@pytest.mark.parametrize("case", IDS)
def test_rdflib_engine_gives_the_same_rows(dataset: rdflib.Dataset, expected: dict[str, list[Row]], case: str) -> None:
    name, params = CASES[IDS.index(case)]
    assert expected[case], case
    assert rdflib_rows(dataset, bound(name, params)) == expected[case]


@pytest.mark.parametrize("case", IDS)
def test_virtuoso_gives_the_same_rows_over_http(loaded_virtuoso: Virtuoso, expected: dict[str, list[Row]], case: str) -> None:
    name, params = CASES[IDS.index(case)]
    assert http_rows(loaded_virtuoso.sparql, bound(name, params)) == expected[case]


def test_appending_values_does_not_bind_a_parameter(multi_store_path: Path) -> None:
    """Why the VALUES line is the documented way: a VALUES block appended after the query (what
    rdflib's initBindings sends to an endpoint) joins with no projected variable and cuts nothing."""
    plain = load_named("top-speakers").sparql
    everything = oxigraph_rows(multi_store_path, plain)
    assert len(oxigraph_rows(multi_store_path, plain + "\nVALUES ?top { 2 }\n")) == len(everything) > 2
    assert oxigraph_rows(multi_store_path, bound("top-speakers", {"top": "2"})) == everything[:2]


# ------------------------------------------------------------------------------ clients of kg serve


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, multi_store_path: Path) -> Iterator[str]:
    import shutil

    copy = tmp_path_factory.mktemp("served") / "kg.db"
    shutil.copytree(multi_store_path, copy)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(copy), "--port", str(port), "--timeout", "60"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(20)


@pytest.mark.parametrize("case", IDS)
def test_sparqlwrapper_reads_each_saved_query_as_a_select(served: str, expected: dict[str, list[Row]], case: str) -> None:
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    name, params = CASES[IDS.index(case)]
    client = SPARQLWrapper(f"{served}/query")
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "not detected query type" would be a warning
        client.setQuery(bound(name, params))
    assert client.queryType == "SELECT" and not client.isSparqlUpdateRequest()
    body = client.queryAndConvert()
    names = body["head"]["vars"]  # type: ignore[index]
    rows = [tuple(b[n]["value"] if n in b else "" for n in names) for b in body["results"]["bindings"]]  # type: ignore[index]
    assert rows == expected[case]


@pytest.mark.parametrize("case", IDS)
def test_rdflib_sparqlstore_runs_each_saved_query(served: str, expected: dict[str, list[Row]], case: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    name, params = CASES[IDS.index(case)]
    store = SPARQLStore(f"{served}/query", method="POST_FORM", returnFormat="json")
    result = rdflib.Graph(store=store).query(bound(name, params))
    names = [str(v) for v in result.vars or []]
    rows = [tuple("" if row[n] is None else str(row[n]) for n in names) for row in result]  # type: ignore[index]
    assert rows == expected[case]


# ------------------------------------------------------------------------------ the summary on a server


def _graph(base_url: str, graph: str, auth: httpx.Auth | None = None, query_url: str | None = None) -> set[tuple[str, str, str]]:
    sparql = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return {(s, p, o) for s, p, o in http_rows(query_url or base_url, sparql, auth)}


def _local_graph(store_path: Path, graph: str) -> set[tuple[str, str, str]]:
    return set(oxigraph_rows(store_path, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))  # type: ignore[arg-type]


def test_kg_summarise_endpoint_on_virtuoso_rebuilds_identity_and_summary(
        virtuoso: Virtuoso, dump: Path, tmp_path: Path, multi_store_path: Path, expected: dict[str, list[Row]]) -> None:
    """Only the article graphs are loaded; `kg summarise --endpoint` (an authenticated user's
    endpoint) computes the corpus entities and the summary there: the same triples as the local
    build's, and every saved query then gives the local rows."""
    articles = tmp_path / "articles.nq"
    skip = (f"<{IDENTITY_GRAPH}> .", f"<{SUMMARY_GRAPH}> .", f"<{CLUSTERS_GRAPH}> .")
    articles.write_text("".join(line for line in dump.read_text(encoding="utf-8").splitlines(keepends=True)
                                if not line.rstrip().endswith(skip)), encoding="utf-8")
    user = virtuoso.create_user("kgsummary", "summary-pw")
    virtuoso.clear()
    try:
        virtuoso.load_nquads(articles)
        from kg.store.remote import Endpoint
        from kg.summary.refresh import summarise_endpoint

        report = summarise_endpoint(Endpoint.from_url(virtuoso.sparql_auth, auth=user))
        assert report.speakers > 0
        for graph in (str(IDENTITY_GRAPH), str(CLUSTERS_GRAPH), str(SUMMARY_GRAPH)):
            assert _graph(virtuoso.sparql, graph) == _local_graph(multi_store_path, graph), graph
        for n, (name, params) in enumerate(CASES):
            assert http_rows(virtuoso.sparql, bound(name, params)) == expected[IDS[n]], IDS[n]
    finally:
        virtuoso.clear()


def test_two_stores_pushed_into_one_oxigraph_server_then_summarised_there(tmp_path: Path, nlp) -> None:
    """Each store holds one Obama article; both are pushed (kg push) into one server, whose summary
    `kg summarise --endpoint` then computes over the union: Obama once, over two articles."""
    from kg.pipeline import build

    stores = []
    for n in (1, 2):
        path = tmp_path / f"kg-{n}.db"
        build([str(IDENTITY_DIR / f"obama-{n}.txt")], store_path=path, nlp=nlp)
        stores.append(path)
    both = tmp_path / "both.db"
    build([str(IDENTITY_DIR / f"obama-{n}.txt") for n in (1, 2)], store_path=both, nlp=nlp)
    ox.Store(str(tmp_path / "server"))
    with oxigraph_server(tmp_path / "server") as base:
        runner = CliRunner()
        for path in stores:
            result = runner.invoke(app, ["push", "--endpoint", base, "--store", str(path)])
            assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["summarise", "--endpoint", base])
        assert result.exit_code == 0, result.output
        top = bound("top-speakers", {})
        served = http_rows(f"{base}/query", top)
        assert served == oxigraph_rows(both, top)
        assert [r for r in served if "Obama" in r[0]] == [("Barack Obama", "Person", "4", "2", "4")]
        for graph in (str(IDENTITY_GRAPH), str(CLUSTERS_GRAPH), str(SUMMARY_GRAPH)):
            assert _graph(f"{base}/query", graph) == _local_graph(both, graph), graph
