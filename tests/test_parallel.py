"""Parallel builds (kg.parallel): a process pool and a real Dask cluster give, quad for quad, the
store a single-process build gives; dask shards are reused on reruns; input is streamed with a
bounded number of articles in flight; a bad scheduler address is one line of error."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import DEV_DIR, SAMPLE_DIR

import kg.pipeline
from kg.errors import KgError
from kg.graph.iris import CLUSTERS_GRAPH, IDENTITY_GRAPH, SUMMARY_GRAPH
from kg.model import Article, content_hash
from kg.parallel import workers as pool_engine
from kg.parallel.results import ArticleResult
from kg.parallel.shards import read_header, shard_name, write_shard
from kg.parallel.write import load_shard
from kg.pipeline import build
from kg.store import QuoteStore, oxstore

TINY = 60  # short articles on top of the 7 real ones: enough batches to see the in-flight bound


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """7 real articles (.txt) and a JSON-lines file of short ones, including an id given twice
    with different texts: built with skip_bad, the later one is kept under a suffixed id on every
    engine, as in a serial build (without it, the build stops before writing: test_read)."""
    root = tmp_path_factory.mktemp("corpus")
    for path in [*sorted(DEV_DIR.glob("*.txt")), *sorted(SAMPLE_DIR.glob("*.txt"))]:
        shutil.copy(path, root / path.name)
    lines = [{"id": "dup", "text": "“First,” said Ann Lee."}]
    lines += [
        {"id": f"tiny-{i:03d}", "text": f"“We will win round {i},” said Jane Doe. Officials told CNN that talks continue."}
        for i in range(TINY)
    ]
    lines.append({"id": "dup", "text": "“Second,” said Bob Ray on Monday."})
    (root / "tiny.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return root


def nquads(store_path: Path) -> list[str]:
    with QuoteStore.open(store_path, read_only=True) as store:
        return sorted(str(q) for q in store.quads())


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory, nlp) -> tuple[list[str], kg.pipeline.BuildReport]:
    path = tmp_path_factory.mktemp("serial") / "kg.db"
    report = build([str(corpus)], store_path=path, nlp=nlp, skip_bad=True)
    return nquads(path), report


def test_serial_reference_is_sane(serial):
    quads, report = serial
    assert report.articles_built == 7 + TINY + 2 and report.quotations > 100
    assert any("Bob Ray" in q for q in quads) and any("Ann Lee" in q for q in quads)  # both kept
    [warning] = report.warnings
    assert "tiny.jsonl:62: id 'dup' is already taken by a different article from" in warning
    assert warning.endswith("kept as 'dup~" + content_hash("“Second,” said Bob Ray on Monday.")[:8] + "'")


# ------------------------------------------------------------------ process pool


def test_workers_build_is_identical_streamed_and_incremental(corpus, serial, tmp_path, monkeypatch):
    """--workers 2: the same quads; never more than the in-flight bound read ahead of the writes."""
    read = 0
    real_iter = kg.pipeline.iter_articles

    def counting(*args, **kwargs):
        nonlocal read
        for article in real_iter(*args, **kwargs):
            read += 1
            yield article

    done = 0
    ahead: list[int] = []

    def on_progress(articles: int, _quotations: int) -> None:
        nonlocal done
        done += articles
        ahead.append(read - done)

    monkeypatch.setattr(kg.pipeline, "iter_articles", counting)
    store = tmp_path / "kg.db"
    report = build([str(corpus)], store_path=store, workers=2, on_progress=on_progress, skip_bad=True)
    assert nquads(store) == serial[0]
    assert (report.articles_built, report.quotations, report.by_type) == (
        serial[1].articles_built, serial[1].quotations, serial[1].by_type)
    assert done == report.articles_built
    bound = (2 * pool_engine.IN_FLIGHT_PER_WORKER + 1) * pool_engine.BATCH_SIZE
    assert max(ahead) <= bound < report.articles_built

    # Unchanged articles are skipped in the parent: no batch is sent, so no worker even starts.
    again = build([str(p) for p in sorted(corpus.glob("*.txt"))], store_path=store, workers=2)
    assert (again.articles_built, again.articles_skipped) == (0, 7)


def test_workers_stop_at_once_on_interrupt(corpus, tmp_path):
    """Ctrl-C (here raised by the progress callback, in the parent's main thread) ends the pool
    build promptly: queued batches are not finished, the workers are gone, the store is usable."""
    import psutil

    def interrupt(_articles: int, _quotations: int) -> None:
        raise KeyboardInterrupt

    def pool_workers() -> list[psutil.Process]:
        """Live children of the fork server (the pool workers; the server itself stays)."""
        me, found = psutil.Process(), []
        for p in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):  # it may vanish while being looked at
                if p.ppid() != me.pid and "forkserver" in " ".join(p.cmdline()) and p.status() != psutil.STATUS_ZOMBIE:
                    found.append(p)
        return found

    with pytest.raises(KeyboardInterrupt):
        build([str(corpus)], store_path=tmp_path / "kg.db", workers=2, on_progress=interrupt, skip_bad=True)
    for _ in range(50):
        if not pool_workers():
            break
        time.sleep(0.1)
    assert not pool_workers()
    with QuoteStore.open(tmp_path / "kg.db", read_only=True) as store:
        assert len(store.article_hashes()) == 1  # the one article written before the interrupt


# ------------------------------------------------------------------ dask


@pytest.fixture(scope="module")
def scheduler():
    """A real LocalCluster of 2 worker processes on 127.0.0.1, made by the engine's own `connect`
    (what `--engine dask` without --scheduler uses); the tests reach it through its address."""
    from kg.parallel.dask_engine import connect

    with connect(None, workers=2) as client:
        assert len(client.nthreads()) == 2
        yield client.scheduler.address


def test_dask_build_is_identical_and_reuses_shards(corpus, serial, tmp_path, scheduler):
    shards = tmp_path / "shards"

    def run(store: Path) -> kg.pipeline.BuildReport:
        return build([str(corpus)], store_path=store, engine="dask", scheduler=scheduler, skip_bad=True,
                     shard_dir=shards, partition_size=10)

    first = run(tmp_path / "a.db")
    partitions = -(-(7 + TINY + 2) // 10)
    assert (first.shards_written, first.shards_reused) == (partitions, 0)
    assert nquads(tmp_path / "a.db") == serial[0]
    assert (first.articles_built, first.quotations, first.by_type) == (
        serial[1].articles_built, serial[1].quotations, serial[1].by_type)
    files = {p.name: p.stat().st_mtime_ns for p in shards.glob("*.nq")}
    assert len(files) == partitions and not list(shards.glob(".*"))  # no temporary files left

    # A fresh store needs every article again: all shards are reused, none rewritten.
    victim = sorted(files)[0]
    (shards / victim).unlink()
    second = run(tmp_path / "b.db")
    assert (second.shards_written, second.shards_reused) == (1, partitions - 1)
    assert {p.name: p.stat().st_mtime_ns for p in shards.glob("*.nq") if p.name != victim} == {
        k: v for k, v in files.items() if k != victim}
    assert nquads(tmp_path / "b.db") == serial[0]
    assert second.quotations == first.quotations  # counts of reused shards come from their headers

    # Same store again: unchanged articles are skipped before any shard is considered.
    third = run(tmp_path / "b.db")
    assert (third.articles_built, third.articles_skipped, third.shards_written, third.shards_reused) == (
        0, first.articles_built, 0, 0)


def test_dask_no_load_leaves_loadable_shards(corpus, serial, tmp_path, scheduler):
    """--no-load never opens the store and writes every shard; a rerun reuses them all; the shards
    loaded in input order, as `oxigraph load` would, make the serial build's dataset. The test has a
    shard directory of its own, so it runs alone (`-k`) as well as after the test above."""
    store, shards = tmp_path / "kg.db", tmp_path / "shards"
    partitions = -(-(7 + TINY + 2) // 10)
    for written, reused in ((partitions, 0), (0, partitions)):
        report = build([str(corpus)], store_path=store, engine="dask", scheduler=scheduler, skip_bad=True,
                       shard_dir=shards, partition_size=10, load=False)
        assert not report.loaded and not store.exists()
        assert "summary_current" not in report.as_dict()  # the store was not consulted: no claim either way
        assert (report.shards_written, report.shards_reused) == (written, reused)
        assert report.articles_built == serial[1].articles_built  # the store is not read: nothing skipped
    loaded = ox.Store()
    for shard in shards.glob("*.nq"):
        info = read_header(shard)
        assert info is not None
        loaded.load(path=str(shard), format=ox.RdfFormat.N_QUADS)  # = `oxigraph load`
    # Shards hold articles only: the identity, clusters and summary graphs are computed after
    # loading (`kg summarise`).  The repeated id was renamed while reading, so no two shards hold
    # one graph.
    derived = (f"<{SUMMARY_GRAPH}>", f"<{IDENTITY_GRAPH}>", f"<{CLUSTERS_GRAPH}>")
    assert sorted(str(q) for q in loaded) == [q for q in serial[0] if not q.endswith(derived)]


def test_cli_dask_json_summary(corpus, tmp_path, scheduler, monkeypatch, capsys):
    from kg.cli import main

    store = tmp_path / "kg.db"
    monkeypatch.setattr(sys, "argv", ["kg", "build", str(corpus / "tiny.jsonl"), "--store", str(store), "--skip-bad",
                                      "--engine", "dask", "--scheduler", scheduler, "--json"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code in (0, None)
    summary = json.loads(capsys.readouterr().out)
    assert summary["engine"] == "dask" and summary["articles_built"] == TINY + 2
    assert summary["shards_written"] == 1 and Path(summary["shard_dir"]) == Path(f"{store}.shards").absolute()


@pytest.mark.parametrize("address", ["nonsense", "tcp://127.0.0.1:9"])
def test_bad_scheduler_is_one_line_error(corpus, tmp_path, monkeypatch, capsys, address):
    from kg.cli import main
    from kg.parallel import dask_engine

    monkeypatch.setattr(dask_engine, "DEFAULT_CONNECT_TIMEOUT", 1.0)
    monkeypatch.setattr(sys, "argv", ["kg", "build", str(corpus / "tiny.jsonl"), "--store", str(tmp_path / "kg.db"), "--skip-bad",
                                      "--engine", "dask", "--scheduler", address, "--quiet"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == KgError.exit_code
    # distributed's own loggers may still be reporting on an earlier test's cluster (a loaded
    # machine tears clusters down slowly): what kg prints is the one line.
    ours = [line for line in capsys.readouterr().err.splitlines() if not line.startswith(("distributed.", "Task "))]
    assert len(ours) == 1 and ours[0].startswith(f"kg: error: cannot connect to dask scheduler '{address}'"), ours


def test_dask_options_need_dask_engine(corpus, tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(app, ["build", str(corpus), "--store", str(tmp_path / "kg.db"), "--no-load"])
    assert result.exit_code == 2 and "--engine dask" in result.output


# ------------------------------------------------------------------ shards


def _result(iri: str, text: str) -> ArticleResult:
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    return ArticleResult(iri, f"{s} {p} {ox.Literal(text)} .", quotations=1, by_type={"direct": 1})


def test_shard_roundtrip_keeps_odd_line_breaks_and_last_duplicate(tmp_path):
    path = tmp_path / "x.nq"
    # U+2028 and U+0085 are line breaks to str.splitlines() but plain characters in N-Quads.
    info = write_shard(path, [_result("http://example.org/g1", "a\u2028b\u0085c"),
                              _result("http://example.org/g2", "old"),
                              _result("http://example.org/g2", "new\nline")])
    assert read_header(path) == info
    assert info.articles == 3 and info.graphs == ["http://example.org/g1", "http://example.org/g2"]
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    assert sorted(q.object.value for q in store) == ["a\u2028b\u0085c", "new\nline"]
    assert os.listdir(tmp_path) == ["x.nq"]


def test_shard_name_follows_content():
    a, b = Article(id="a", text="one"), Article(id="b", text="two")
    assert shard_name([a, b]) == shard_name([Article(id="a", text="one"), b])
    assert len({shard_name([a, b]), shard_name([b, a]), shard_name([a]),
                shard_name([Article(id="a", text="one!"), b]), shard_name([Article(id="a", text="one", title="T"), b])}) == 5


def test_unusable_shard_header_means_missing(tmp_path):
    (tmp_path / "bad.nq").write_text("<a> <b> <c> <d> .\n")
    (tmp_path / "old.nq").write_text('# quotegraph-shard {"format": 0}\n')
    assert read_header(tmp_path / "bad.nq") is None and read_header(tmp_path / "old.nq") is None
    assert read_header(tmp_path / "absent.nq") is None


def test_store_flushes_its_buffers_every_so_many_quads(tmp_path, monkeypatch):
    """Every write path (articles, summary lines, Dask shards loaded through `.ox`) counts its quads
    towards the periodic flush of RocksDB's buffers, which keeps a writer's memory flat."""
    monkeypatch.setattr(oxstore, "FLUSH_EVERY_QUADS", 10)
    flushes: list[int] = []
    real_flush = QuoteStore.flush

    def counted_flush(self: QuoteStore) -> None:
        flushes.append(self._unflushed)
        real_flush(self)

    monkeypatch.setattr(QuoteStore, "flush", counted_flush)

    def lines(article: int, n: int) -> list[str]:
        return [f'<urn:a{article}> <urn:p> "{k}" .' for k in range(n)]

    with QuoteStore.open(tmp_path / "kg.db") as store:
        store.replace_article_ntriples("urn:g1", "\n".join(lines(1, 4)))
        store.replace_article_ntriples("urn:g1", "\n".join(lines(1, 4)))  # a rebuilt article
        assert flushes == []
        store.replace_article_ntriples("urn:g2", "\n".join(lines(2, 3)))  # 11 quads written
        assert flushes == [11]
        store.write_derived([line.encode() for line in lines(3, 6)], [])
        store.write_derived([], [line.encode() for line in lines(3, 6)])  # removals count too
        assert flushes == [11, 12]
        shard = tmp_path / "shard.nq"
        shard.write_text("".join(f"{line[:-1]}<urn:g4> .\n" for line in lines(4, 10)))
        load_shard(store, shard, ["urn:g4"])
        assert flushes == [11, 12, 10]
        assert store.ox.contains_named_graph(ox.NamedNode("urn:g4"))
        assert len(store.ox) == 4 + 3 + 10
