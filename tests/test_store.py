"""QuoteStore: atomic per-article replacement, merging, reading back, and clear errors."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from graph_fixtures import ARTICLES, SCHEMA, all_graphs, build, graph_iri, synthetic_article
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.errors import StoreError
from kg.store import QuoteStore
from kg.store.messages import store_error as _store_error
from kg.store.terms import to_ox as ox_term

ROOT = Path(__file__).resolve().parent.parent
_XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_INTEGER = URIRef(_XSD + "integer")


def oxigraph_normalised(graph: Graph) -> Graph:
    """`graph` as Oxigraph stores it: integer-derived datatypes become xsd:integer (oxigraph#526)."""
    derived = {URIRef(_XSD + t) for t in ("nonNegativeInteger", "positiveInteger", "int", "long", "short")}
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in derived:
            o = Literal(str(int(o)), datatype=XSD_INTEGER)
        out.add((s, p, o))
    return out


def merged(graphs: list[Graph]) -> Graph:
    out = Graph()
    for g in graphs:
        out += g
    return out


@pytest.fixture
def store(tmp_path: Path):
    with QuoteStore.open(tmp_path / "kg.db") as st:
        for g_iri, g in all_graphs():
            st.replace_article(g_iri, g)
        yield st


def test_open_creates_store_and_parents(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "kg.db"
    with QuoteStore.open(path) as st:
        assert st.count_triples() == 0
        assert st.graphs() == []
    assert (path / "CURRENT").exists()


def test_replace_article_inserts_into_its_named_graph(store: QuoteStore) -> None:
    assert store.graphs() == sorted(graph_iri(a.key) for a in ARTICLES)
    assert store.count_triples() == sum(len(g) for _, g in all_graphs())
    a1 = ox.NamedNode(graph_iri("a1"))
    assert len(list(store.ox.quads_for_pattern(None, None, None, a1))) == len(build(ARTICLES[0])[1])


def test_rebuilding_the_same_article_leaves_no_duplicates(store: QuoteStore) -> None:
    before = store.count_triples()
    for _ in range(3):
        for g_iri, g in all_graphs():
            store.replace_article(g_iri, g)
    assert store.count_triples() == before


def test_replace_article_replaces_the_previous_version(store: QuoteStore) -> None:
    g_iri, g = build(ARTICLES[0])
    article = URIRef("https://w3id.org/quotegraph/id/article/a1")
    g.remove((article, SCHEMA.headline, None))
    g.add((article, SCHEMA.headline, Literal("A corrected headline")))
    store.replace_article(g_iri, g)

    a1 = ox.NamedNode(g_iri)
    assert len(list(store.ox.quads_for_pattern(None, None, None, a1))) == len(g)
    headlines = {
        q.object.value for q in store.ox.quads_for_pattern(None, ox.NamedNode(str(SCHEMA.headline)), None, a1)
    }
    assert headlines == {"A corrected headline"}
    # The other articles are untouched.
    assert len(list(store.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri("a2"))))) == len(
        build(ARTICLES[1])[1]
    )


def test_two_articles_merge_in_the_union(store: QuoteStore) -> None:
    union = store.union_graph()
    expected = merged([oxigraph_normalised(g) for _, g in all_graphs()])
    assert isomorphic(union, expected)
    biden = URIRef("https://w3id.org/quotegraph/id/person/joe-biden")
    # One person, named in two articles: their facts appear once in the union…
    assert len(list(union.objects(biden, SCHEMA.name))) == 1
    # …but are stored once per article graph.
    assert store.count_triples(distinct=True) == len(union) < store.count_triples()


def test_store_normalises_integer_datatypes(store: QuoteStore) -> None:
    """Documents an Oxigraph behaviour the contract must live with (oxigraph#526, #1413)."""
    rows = store.query("SELECT DISTINCT (DATATYPE(?o) AS ?dt) WHERE { ?s oa:start ?o }")
    assert {r["dt"].value for r in rows} == {str(XSD_INTEGER)}


def test_article_hashes(store: QuoteStore) -> None:
    assert store.article_hashes() == {
        f"https://w3id.org/quotegraph/id/article/{a.key}": f"hash-of-{a.key}" for a in ARTICLES
    }


def test_text_with_quotes_braces_and_control_characters_round_trips(tmp_path: Path) -> None:
    nasty = 'a "quote" } ; GRAPH <x> { } \\ \n\r\t \x00\x01 \u2028 😀 DROP ALL'
    g = Graph()
    g.add((URIRef("https://w3id.org/quotegraph/id/article/x"), SCHEMA.articleBody, Literal(nasty)))
    g.add((URIRef("https://w3id.org/quotegraph/id/article/x"), SCHEMA.name, Literal("x", lang="en")))
    with QuoteStore.open(tmp_path / "kg.db") as st:
        st.replace_article(graph_iri("x"), g)
        assert isomorphic(st.union_graph(), g)


def test_remove_article(store: QuoteStore) -> None:
    store.remove_article(graph_iri("a3"))
    assert graph_iri("a3") not in store.graphs()
    store.remove_article(graph_iri("never-there"))


def test_dump_streams_nquads_and_turtle(store: QuoteStore, tmp_path: Path) -> None:
    store.dump("nquads", tmp_path / "all.nq")
    quads = list(ox.parse(path=tmp_path / "all.nq", format=ox.RdfFormat.N_QUADS))
    assert len(quads) == store.count_triples()
    assert {q.graph_name.value for q in quads} == set(store.graphs())
    store.dump("turtle", tmp_path / "all.ttl")
    triples = list(ox.parse(path=tmp_path / "all.ttl", format=ox.RdfFormat.TURTLE))
    assert len(triples) == store.count_triples(distinct=True)


def test_close_releases_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "kg.db"
    for _ in range(2):
        with QuoteStore.open(path) as st:
            st.replace_article(*build(ARTICLES[2]))
    with QuoteStore.open(path, read_only=True) as st:
        assert st.count_triples() == len(build(ARTICLES[2])[1])


def test_read_only_store_refuses_writes(store: QuoteStore) -> None:
    store.close()
    with QuoteStore.open(store.path, read_only=True) as ro, pytest.raises(StoreError, match="read-only"):
        ro.replace_article(*build(ARTICLES[0]))


# ---------------------------------------------------------------------- errors


def test_missing_store_read_only(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no store at .*run `kg build` first"):
        QuoteStore.open(tmp_path / "nope.db", read_only=True)


def test_path_that_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "kg.db"
    path.write_text("not a store")
    for read_only in (False, True):
        with pytest.raises(StoreError, match="is a regular file"):
            QuoteStore.open(path, read_only=read_only)


def test_directory_that_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a quotegraph store"):
        QuoteStore.open(tmp_path)
    assert os.listdir(tmp_path) == ["notes.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_parent_not_writable(tmp_path: Path) -> None:
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="not writable"):
            QuoteStore.open(locked / "kg.db")
    finally:
        locked.chmod(0o700)


def _hold_store(path: Path) -> subprocess.Popen[str]:
    """Another process that opens the store read-write and keeps it open until killed."""
    code = "import sys, time, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); print('held', flush=True); time.sleep(60)"
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_store_locked_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "kg.db"
    with QuoteStore.open(path) as st:
        st.replace_article(*build(ARTICLES[0]))
    holder = _hold_store(path)
    try:
        for read_only in (False, True):
            with pytest.raises(StoreError) as info:
                QuoteStore.open(path, read_only=read_only)
            assert str(info.value) == f"store {path} is in use by another process"
    finally:
        holder.kill()
        holder.wait()
    with QuoteStore.open(path, read_only=True) as st:  # usable again once the holder is gone
        assert st.count_triples() > 0


def test_os_errors_become_one_line_store_errors(tmp_path: Path) -> None:
    full = _store_error(
        tmp_path, OSError(errno.ENOSPC, "IO error: No space left on device: While appending"), "write"
    )
    assert str(full) == f"disk full while writing store {tmp_path}"
    other = _store_error(tmp_path, OSError("IO error: something\nodd happened"), "open")
    assert "\n" not in str(other) and str(other).startswith(f"cannot open store {tmp_path}: ")


def test_a_crash_mid_article_leaves_the_old_or_the_new_version(tmp_path: Path) -> None:
    """Kill a writer while it replaces a large article: the store holds one whole version."""
    path = tmp_path / "kg.db"
    old_iri, old = synthetic_article(0, n_quotes=5)
    with QuoteStore.open(path) as st:
        st.replace_article(old_iri, old)
    _, big = synthetic_article(0, n_quotes=400)  # same graph IRI, far more triples
    code = textwrap.dedent(
        """
        import sys
        sys.path.insert(0, sys.argv[2])
        from graph_fixtures import synthetic_article
        from kg.store import QuoteStore
        g_iri, g = synthetic_article(0, n_quotes=400)
        with QuoteStore.open(sys.argv[1]) as st:
            print("writing", flush=True)
            st.replace_article(g_iri, g)
            print("done", flush=True)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path), str(ROOT / "tests")],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with QuoteStore.open(path, read_only=True) as st:
        assert st.count_triples() in (len(old), len(big))


def test_replace_article_ntriples_is_the_same_write(tmp_path: Path) -> None:
    g_iri, g = build(ARTICLES[1])
    lines = "\n".join(f"{ox_term(s)} {ox_term(p)} {ox_term(o)} ." for s, p, o in g)
    with QuoteStore.open(tmp_path / "other.db") as other:
        other.replace_article_ntriples(g_iri, lines)
        other.replace_article_ntriples(g_iri, lines)
        assert other.count_triples() == len(g)
        assert isomorphic(other.union_graph(), oxigraph_normalised(g))
        with pytest.raises(StoreError, match="invalid N-Triples"):
            other.replace_article_ntriples(g_iri, "<a> <b> .")
        assert other.count_triples() == len(g)  # the failed write changed nothing
        # A new graph goes through Store.load, also one transaction: valid lines before a broken
        # one are not kept either.
        new_graph = g_iri + "-new"
        with pytest.raises(StoreError, match="invalid N-Triples"):
            other.replace_article_ntriples(new_graph, lines + "\n<a> <b> .")
        assert other.count_triples() == len(g)
        assert new_graph not in {str(name.value) for name in other.ox.named_graphs()}
