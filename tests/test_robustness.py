"""Bad input, crashes, concurrent writers, a full disk and hostile queries lose nothing.

Everything here drives the real command line in a subprocess (`python -m kg …`), because what is
promised is what a user sees: one line naming the file (and line or byte) on stderr, a non-zero
exit, no traceback — and a store built beforehand keeping exactly its quads (compared as sorted
N-Quads, count and hash).  The spaCy import costs seconds per process on a loaded machine, so
the independent bad-input cases run concurrently in one batch and the corpora are small.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from kg.errors import InputError, StoreError
from kg.graph.iris import CLUSTERS_GRAPH, IDENTITY_GRAPH, SUMMARY_GRAPH
from kg.store import QuoteStore
from kg.store.messages import store_error
from kg.summary.refresh import refresh_summary
from kg.summary.state import has_summary

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "articles" / "iraq-troops.txt"
DEV_DIR = ROOT / "tests" / "data" / "dev"
IS_ROOT = os.geteuid() == 0

QUOTATION = "https://schema.org/Quotation"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CONTENT_HASH = "https://w3id.org/quotegraph/ontology#contentHash"

# A 4-way cartesian product over the sample store: ~776⁴ ≈ 3.6e11 rows, i.e. days of work.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


# ---------------------------------------------------------------------------------------- helpers


@dataclass
class Run:
    """One finished `kg` process."""

    args: list[str]
    code: int
    out: str
    err: str
    seconds: float
    max_rss_mb: float  # peak resident memory of this process alone (from wait4)

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    def describe(self) -> str:
        return f"kg {' '.join(self.args)} → exit {self.code}\nstdout: {self.out[-2000:]}\nstderr: {self.err[-2000:]}"


def kg_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "KG_DEBUG"}
    env.update(extra)
    return env


# Runs the command given after the report path and writes the command's peak RSS (KiB) there.
# Why a launcher: a child's ru_maxrss starts at its parent's RSS at fork time (Linux carries the
# forked address space's high-water mark over exec), and this pytest process holds spaCy, so
# measuring `kg` directly would report pytest's size.  Forked from this small launcher instead,
# the number is kg's own.
LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
child.returncode = 0  # reaped here; Popen must not wait for it again
with open(sys.argv[1], "w") as report:
    report.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_kg(
    *args: object,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 240,
    prefix: list[str] | None = None,
    **popen: object,
) -> Run:
    """Run `python -m kg ARGS` to completion (behind `prefix`, e.g. setpriv), timing it and
    measuring its peak RSS through LAUNCHER."""
    argv = [str(a) for a in args]
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, rss.name, *(prefix or []), sys.executable, "-m", "kg", *argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd or ROOT,
            env=env or kg_env(),
            start_new_session=True,  # so that a timeout can stop kg as well as the launcher
            **popen,  # type: ignore[call-overload]
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise AssertionError(f"kg {' '.join(argv)} still running after {timeout} s") from None
        seconds = time.monotonic() - start
        peak = rss.read().strip()
    return Run(
        argv,
        proc.returncode,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        seconds,
        int(peak) / 1024 if peak else float("nan"),
    )


def assert_one_line_error(run: Run, code: int, message: str | re.Pattern[str]) -> None:
    """Exactly one stderr line `kg: error: MESSAGE`, exit `code`, no traceback."""
    assert run.code == code, run.describe()
    assert "Traceback" not in run.err, run.describe()
    assert len(run.err_lines) == 1 and run.err.endswith("\n"), run.describe()
    line = run.err_lines[0]
    if isinstance(message, str):
        assert line == f"kg: error: {message}", run.describe()
    else:
        assert message.fullmatch(line), run.describe()


def nquads(store: Path) -> list[str]:
    """Every quad of the store's articles as sorted N-Quads lines (not the derived summary,
    identity and clusters graphs: they change with every article added, see `summary_is_current`;
    tests/test_identity.py checks the identity graph is the same however a store was built)."""
    with QuoteStore.open(store, read_only=True) as st:
        data = st.ox.dump(format=ox.RdfFormat.N_QUADS) or b""
    derived = (f"<{SUMMARY_GRAPH}> .", f"<{IDENTITY_GRAPH}> .", f"<{CLUSTERS_GRAPH}> .")
    return sorted(line for line in data.decode("utf-8").splitlines() if not line.endswith(derived))


def summary_lines(store: Path) -> list[str]:
    with QuoteStore.open(store, read_only=True) as st:
        return sorted(str(q) for q in st.ox.quads_for_pattern(None, None, None, ox.NamedNode(str(SUMMARY_GRAPH))))


def summary_is_current(store: Path) -> bool:
    """The summary graph exists and is what recomputing it from the articles gives."""
    found = summary_lines(store)
    with QuoteStore.open(store) as st:
        refresh_summary(st)
    return bool(found) and found == summary_lines(store)


def fingerprint(store: Path) -> tuple[int, str]:
    lines = nquads(store)
    return len(lines), hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def graphs_of(store: Path) -> dict[str, list[str]]:
    """Named graph IRI → its triples as sorted N-Triples-like lines; the articles' graphs (and any
    graph written by other means), not the derived summary and identity graphs (recomputed over
    every article by each build)."""
    out: dict[str, list[str]] = defaultdict(list)
    derived = {ox.NamedNode(str(g)) for g in (SUMMARY_GRAPH, IDENTITY_GRAPH, CLUSTERS_GRAPH)}
    with QuoteStore.open(store, read_only=True) as st:
        for q in st.quads():
            if q.graph_name not in derived:
                out[getattr(q.graph_name, "value", "")].append(str(q.triple))
    return {g: sorted(lines) for g, lines in out.items()}


def quotation_count(lines: list[str]) -> int:
    return sum(1 for line in lines if f"<{RDF_TYPE}> <{QUOTATION}>" in line)


def copy_store(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# ------------------------------------------------------------- a corpus of many small articles


def dev_chunks(n: int, paragraphs: int = 4) -> list[dict[str, str]]:
    """`n` small articles with distinct ids: runs of consecutive paragraphs of the dev articles,
    taken round-robin across articles so that every stretch of the corpus mixes sources."""
    per_article = []
    for path in sorted(DEV_DIR.glob("*.txt")):
        paras = [p for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
        per_article.append(["\n".join(paras[i : i + paragraphs]) for i in range(0, len(paras), paragraphs)])
    texts = [chunk for row in zip(*per_article, strict=False) for chunk in row]
    return [{"id": f"chunk-{i:02d}", "text": texts[i % len(texts)]} for i in range(n)]


CORPUS_SIZE = 40


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", dev_chunks(CORPUS_SIZE))


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory, nlp) -> dict[str, list[str]]:
    """Per-graph triples of a clean, uninterrupted build of the whole corpus (in-process).

    A graph's triples depend only on its article, so any store holding some of these articles
    must hold exactly these triples for each of them."""
    from kg.pipeline import build

    path = tmp_path_factory.mktemp("reference") / "kg.db"
    report = build([str(corpus)], store_path=path, nlp=nlp)
    assert report.articles_built == CORPUS_SIZE
    graphs = graphs_of(path)
    assert len(graphs) == CORPUS_SIZE
    return graphs


def reference_quads(reference: dict[str, list[str]], graph_iris: list[str] | None = None) -> list[str]:
    """The reference graphs (all, or some) as sorted N-Quads lines, for comparison with `nquads`."""
    return sorted(
        f"{line} <{g}> ." for g in (graph_iris if graph_iris is not None else reference) for line in reference[g]
    )


def assert_complete_articles(store: Path, reference: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every article graph in `store` is exactly its clean-build version: no partial article."""
    graphs = graphs_of(store)
    assert "" not in graphs, "nothing may be written to the default graph"
    for g, lines in graphs.items():
        assert g in reference, f"unexpected graph {g}"
        assert lines == reference[g], (
            f"{g} is not the clean build: {len(lines)} triples, {quotation_count(lines)} quotations "
            f"(clean: {len(reference[g])}, {quotation_count(reference[g])})"
        )
        assert any(CONTENT_HASH in line for line in lines), f"{g} has no content hash"
    return graphs


# --------------------------------------------------------------------------- bad input, one batch


@dataclass
class Case:
    """One bad (or awkward) input: how to make it, what `kg` must say, what the store keeps."""

    name: str
    make: Callable[[Path, Path], list[object]]  # (case dir, store copy) → kg arguments
    code: int
    message: Callable[[Path], str | re.Pattern[str]] | None = None  # the one error line, given the case dir
    prefix: list[str] = field(default_factory=list)  # a command to run `python -m kg` under
    env: dict[str, str] = field(default_factory=dict)
    locked: bool = False  # another process holds the store open for writing meanwhile


def _file(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path, Path], list[object]]:
    """`kg build` of one file holding `data` (made only when the case runs, if a callable)."""

    def make(d: Path, store: Path) -> list[object]:
        (d / name).write_bytes(data() if callable(data) else data)
        return ["build", d / name, "--store", store]

    return make


CP1252_TEXT = (
    "\u201cWe will not retreat from the caf\u00e9 district,\u201d said Jos\u00e9 Mart\u00ednez, the "
    "mayor of the town. He added that the r\u00e9sum\u00e9s of all na\u00efve candidates would be "
    "reviewed \u2013 \u201ccarefully and fairly\u201d \u2013 before the end of the year.\n"
)

BROKEN_JSONL = (
    b'{"id": "j1", "text": "\\u201cWe will win,\\u201d said Jane Doe."}\n'
    b"{broken\n"
    b'{"id": "j3", "text": "The minister said that taxes would fall."}\n'
)


def _huge_article(chars: int) -> bytes:
    text = SAMPLE.read_text(encoding="utf-8")
    return (text * (chars // len(text) + 1))[:chars].encode("utf-8")


def _jsonl(args: list[str]) -> Callable[[Path, Path], list[object]]:
    def make(d: Path, store: Path) -> list[object]:
        (d / "batch.jsonl").write_bytes(BROKEN_JSONL)
        return ["build", d / "batch.jsonl", "--store", store, *args]

    return make


def _unreadable(d: Path, store: Path) -> list[object]:
    (d / "secret.txt").write_text("\u201cSecret,\u201d she said.\n", encoding="utf-8")
    (d / "secret.txt").chmod(0o000)
    return ["build", d / "secret.txt", "--store", store]


# Root reads a mode-000 file anyway, so as root the child runs without the capabilities that
# override file permissions (it stays uid 0, so it can still reach the root-only interpreter).
SETPRIV = shutil.which("setpriv")
WITHOUT_DAC = [SETPRIV, "--bounding-set=-dac_override,-dac_read_search"] if IS_ROOT and SETPRIV else []


def _symlink_loop(d: Path, store: Path) -> list[object]:
    (d / "tree" / "sub").mkdir(parents=True)
    shutil.copy(SAMPLE, d / "tree" / "sub" / "loop-article.txt")
    (d / "tree" / "sub" / "back").symlink_to("..")  # tree/sub/back → tree: a cycle
    return ["build", d / "tree", "--store", store, "--json"]


def _store_is_file(d: Path, store: Path) -> list[object]:
    (d / "afile").write_text("not a store")
    return ["build", SAMPLE, "--store", d / "afile"]


def _query(sparql: str, *extra: str) -> Callable[[Path, Path], list[object]]:
    return lambda d, store: ["query", sparql, "--store", store, *extra]


def _quotes(speaker: str) -> Callable[[Path, Path], list[object]]:
    return lambda d, store: ["quotes", "--speaker", speaker, "--store", store]


def _clash(*extra: str) -> Callable[[Path, Path], list[object]]:
    """Two different articles given one id in one JSONL file."""

    def make(d: Path, store: Path) -> list[object]:
        write_jsonl(d / "clash.jsonl", [{"id": "x", "text": CLASH_TEXTS[0]}, {"id": "x", "text": CLASH_TEXTS[1]}])
        return ["build", d / "clash.jsonl", "--store", store, *extra]

    return make


CLASH_TEXTS = ("\u201cFirst,\u201d said Ann Lee.", "\u201cSecond,\u201d said Bob Ray on Monday.")


def _same_named_files(d: Path, store: Path) -> list[object]:
    """dup/a/story.txt and dup/b/story.txt: two articles (ids a/story and b/story)."""
    for folder, source in (("a", SAMPLE), ("b", DEV_DIR / "wapo-1.txt")):
        (d / "dup" / folder).mkdir(parents=True)
        shutil.copy(source, d / "dup" / folder / "story.txt")
    return ["build", d / "dup", "--store", store, "--json"]


def _folding_ids(d: Path, store: Path) -> list[object]:
    """Ids that the IRI slug folds alike, and one that names a graph of the store itself."""
    ids = ["Статья 1", "Новость 1", "A b", "a-b", "Müller", "Muller", "identity"]
    texts = [f"\u201cStatement {i},\u201d said Jane Doe." for i in range(len(ids))]
    write_jsonl(d / "ids.jsonl", [{"id": i, "text": t} for i, t in zip(ids, texts, strict=True)])
    return ["build", d / "ids.jsonl", "--store", store, "--json"]


def _jsonl_text(name: str, text: str, *extra: str) -> Callable[[Path, Path], list[object]]:
    def make(d: Path, store: Path) -> list[object]:
        records = [{"id": "ok", "text": "\u201cFine,\u201d said Jane Doe."}, {"id": "bad", "text": text}]
        # ASCII JSON: a lone surrogate travels as the escape "\\ud800", as broken producers write it
        (d / name).write_text("".join(json.dumps(r) + "\n" for r in records), encoding="ascii")
        return ["build", d / name, "--store", store, *extra]

    return make


def _same_article_twice(d: Path, store: Path) -> list[object]:
    """One article (same id, same text) on two JSONL lines: read once, said so."""
    write_jsonl(d / "twice.jsonl", [{"id": "x", "text": CLASH_TEXTS[0]}] * 2)
    return ["build", d / "twice.jsonl", "--store", store, "--json"]


NESTED_10K = "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"


# Speaker names built to break naive SPARQL string building: quote and brace escapes, a second
# update after a semicolon, a comment swallowing the rest, a variable, a backslash escape.
HOSTILE_SPEAKERS = [
    '"}) } ; DROP ALL #',
    "x' || true || '",
    '") } UNION { ?s ?p ?o } #',
    "?who",
    "\\\" . } INSERT DATA { <x:a> <x:b> <x:c> } #",
]

CASES = [
    Case("empty file", _file("empty.txt", b""), 2, lambda d: f"{d}/empty.txt: empty article"),
    Case("whitespace-only file", _file("blank.txt", b" \n\t \r\n  "), 2, lambda d: f"{d}/blank.txt: empty article"),
    Case("binary file", _file("image.txt", bytes(range(256)) * 64), 2, lambda d: f"{d}/image.txt: binary file, not text"),
    Case("cp1252 file", _file("legacy.txt", CP1252_TEXT.encode("cp1252")), 0),
    Case(
        "10 MB article",
        _file("huge.txt", lambda: _huge_article(10_000_000)),
        2,
        lambda d: f"{d}/huge.txt: article is 10,000,000 characters; the limit is 1,000,000 (--max-chars)",
    ),
    Case(
        "JSONL with a broken line",
        _jsonl([]),
        2,
        lambda d: re.compile(
            re.escape(f"kg: error: {d}/batch.jsonl:2: malformed JSON (") + r"Expecting property name.* at column 2\)"
        ),
    ),
    Case("JSONL with a broken line, --skip-bad", _jsonl(["--skip-bad", "--json"]), 0),
    Case(
        "HTML without article text",
        _file("page.html", b"<html><head><title>Nothing</title></head><body><script>x()</script></body></html>"),
        2,
        lambda d: f"{d}/page.html: no article text found",
    ),
    Case(
        "missing path",
        lambda d, store: ["build", d / "no-such-article.txt", "--store", store],
        2,
        lambda d: f"{d}/no-such-article.txt: no such file or directory",
    ),
    *(
        []
        if IS_ROOT and not SETPRIV
        else [Case("unreadable file", _unreadable, 2, lambda d: f"{d}/secret.txt: permission denied", prefix=WITHOUT_DAC)]
    ),
    Case("directory with a symlink loop", _symlink_loop, 0),
    Case(
        "store path is a regular file",
        _store_is_file,
        3,
        lambda d: f"store path {d}/afile is a regular file, not a store directory",
    ),
    Case(
        "invalid SPARQL",
        _query("SELECT ?x WHERE { ?x ?y }"),
        4,
        lambda d: re.compile(r"kg: error: invalid SPARQL at line 1, column \d+: .+"),
    ),
    Case(
        "SPARQL update through kg query",
        _query("DROP ALL"),
        4,
        lambda d: "invalid SPARQL: DROP is an update; only queries (SELECT, ASK, CONSTRUCT, DESCRIBE) can be run on the store",
    ),
    Case(
        "query timeout",
        _query(CARTESIAN, "--timeout", "0.5"),
        4,
        lambda d: "query timed out after 0.5 s",
    ),
    # two through the CLI (start-up is the expensive part); all of them in-process below
    *[Case(f"hostile speaker {i}", _quotes(s), 0) for i, s in enumerate(HOSTILE_SPEAKERS[:2])],
    Case(
        # bytes that are not UTF-8 on the command line reach Python as lone surrogates
        "undecodable --speaker",
        _quotes("\udcff\udcfe"),
        4,
        lambda d: "'\\udcff\\udcfe' is not valid Unicode text (undecodable bytes in an argument?)",
    ),
    Case(
        "store in use: kg build",
        lambda d, store: ["build", SAMPLE, "--store", store, "--force"],
        3,
        lambda d: f"store {d}/kg.db is in use by another process",
        locked=True,
    ),
    Case(
        "store in use: kg quotes",
        lambda d, store: ["quotes", "--store", store],
        3,
        lambda d: f"store {d}/kg.db is in use by another process",
        locked=True,
    ),
    Case(
        # Over spaCy's own limit (nlp.max_length, 1,000,000): the default --max-chars matches
        # it, so the reader rejects the article before spaCy sees it.
        "article over spaCy's max_length",
        _file("long.txt", lambda: _huge_article(1_200_000)),
        2,
        lambda d: f"{d}/long.txt: article is 1,200,000 characters; the limit is 1,000,000 (--max-chars)",
    ),
    # --- issue 21: identity, invalid Unicode, pathological text, hostile query input
    Case(
        "two different articles with one id",
        _clash(),
        2,
        lambda d: f"{d}/clash.jsonl:2: id 'x' is already taken by a different article from {d}/clash.jsonl:1; "
        "give each article its own id (an 'id' field, or --id for one input)",
    ),
    Case("two different articles with one id, --skip-bad", _clash("--skip-bad", "--json"), 0),
    Case("same-named files in two folders", _same_named_files, 0),
    Case("ids that fold alike", _folding_ids, 0),
    Case(
        "lone surrogate in JSONL",
        _jsonl_text("surrogate.jsonl", "broken \ud800 text"),
        2,
        lambda d: f"{d}/surrogate.jsonl:2: 'text' holds a lone surrogate U+D800 at character 7: not valid Unicode text",
    ),
    Case("lone surrogate in JSONL, --skip-bad", _jsonl_text("surrogate.jsonl", "broken \ud800 text", "--skip-bad", "--json"), 0),
    Case(
        "U+FFFE in JSONL",
        _jsonl_text("nonchar.jsonl", "reversed \ufffe mark"),
        2,
        lambda d: f"{d}/nonchar.jsonl:2: 'text' holds the noncharacter U+FFFE at character 9: not valid Unicode text",
    ),
    Case("the same article given twice", _same_article_twice, 0),
    Case(
        "U+FFFF in a text file",
        _file("nonchar.txt", "\u201cHello\uffff,\u201d said Jane Doe.\n".encode()),
        2,
        lambda d: f"{d}/nonchar.txt: 'text' holds the noncharacter U+FFFF at character 6: not valid Unicode text",
    ),
    Case("100,000 quotation marks", _file("quotes.txt", b'"' * 100_000), 0),
    Case("8,000 equals signs", _file("equals.txt", b"=" * 8_000), 0),
    Case(
        "kg query -f /dev/zero",
        lambda d, store: ["query", "-f", "/dev/zero", "--store", store],
        4,
        lambda d: "the query in /dev/zero is over 1,048,576 bytes, the limit for a query",
    ),
    Case(
        "10,000 nested parentheses through kg query",
        _query(NESTED_10K),
        4,
        lambda d: "the query nests brackets 10,002 deep; the limit is 64 (deeper nesting would overflow the SPARQL "
        "engine's stack)",
    ),
    Case(
        "kg push to a query endpoint",
        lambda d, store: ["push", "--endpoint", "http://127.0.0.1:9/sparql", "--store", store],
        6,
        lambda d: "--endpoint http://127.0.0.1:9/sparql is a SPARQL query endpoint, not a Graph Store one: give the "
        "server's Graph Store endpoint with --gsp-url: Virtuoso …/sparql-graph-crud-auth, Fuseki …/DATASET/data, "
        "GraphDB …/repositories/REPO/rdf-graphs/service",
    ),
]


def hold_store(path: Path) -> subprocess.Popen[str]:
    """Another process holding the store open for writing until killed."""
    code = "import sys, time, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); print('held', flush=True); time.sleep(120)"
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


@pytest.fixture(scope="module")
def bad_input_runs(sample_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Run, Path, Path]]:
    """Every case of CASES run at once (each on its own copy of the sample store):
    name → (run, case dir, store copy)."""
    root = tmp_path_factory.mktemp("bad-input")
    prepared = []
    for i, case in enumerate(CASES):
        d = root / f"case{i:02d}"
        d.mkdir()
        store = copy_store(sample_store_path, d / "kg.db")
        prepared.append((case, d, store, case.make(d, store)))

    def go(item: tuple[Case, Path, Path, list[object]]) -> tuple[str, tuple[Run, Path, Path]]:
        case, d, store, args = item
        return case.name, (run_kg(*args, cwd=d, env=kg_env(**case.env), prefix=case.prefix), d, store)

    holders = [hold_store(store) for case, _, store, _ in prepared if case.locked]
    try:
        with ThreadPoolExecutor(max_workers=len(prepared)) as pool:
            return dict(pool.map(go, prepared))
    finally:
        for holder in holders:
            holder.kill()
            holder.wait()


@pytest.fixture(scope="module")
def sample_fingerprint(sample_store_path: Path) -> tuple[int, str]:
    return fingerprint(sample_store_path)


@pytest.mark.parametrize("case", [c for c in CASES if c.message is not None], ids=lambda c: c.name)
def test_bad_input_is_one_line_and_the_store_keeps_its_quads(
    case: Case, bad_input_runs: dict[str, tuple[Run, Path, Path]], sample_fingerprint: tuple[int, str]
) -> None:
    run, d, store = bad_input_runs[case.name]
    assert case.message is not None
    assert_one_line_error(run, case.code, case.message(d))
    assert run.out == "", run.describe()
    if store.is_dir():
        assert fingerprint(store) == sample_fingerprint


def test_cp1252_file_is_decoded_with_a_warning_and_built(
    bad_input_runs: dict[str, tuple[Run, Path, Path]], sample_store_path: Path
) -> None:
    run, d, store = bad_input_runs["cp1252 file"]
    assert run.code == 0, run.describe()
    # whitespace-normalised: build_cmd wraps long warnings (see test_warnings_are_one_line_each)
    assert " ".join(run.err.split()) == f"warning: {d}/legacy.txt: decoded as cp1252 (not UTF-8)", run.describe()
    before, after = graphs_of(sample_store_path), graphs_of(store)
    assert {g: after[g] for g in before} == before  # the sample's graph untouched
    [new] = set(after) - set(before)
    # decoded, not mangled: the accented names and curly quotes come through as written
    assert any("Jos\u00e9 Mart\u00ednez" in line for line in after[new]), after[new]
    assert quotation_count(after[new]) >= 1


def test_skip_bad_jsonl_builds_the_good_lines(
    bad_input_runs: dict[str, tuple[Run, Path, Path]], sample_store_path: Path
) -> None:
    run, d, store = bad_input_runs["JSONL with a broken line, --skip-bad"]
    assert run.code == 0, run.describe()
    summary = json.loads(run.out)
    assert summary["articles_built"] == 2
    assert summary["warnings"] == [
        f"{d}/batch.jsonl:2: malformed JSON (Expecting property name enclosed in double quotes at column 2) (skipped)"
    ]
    assert "malformed JSON" in run.err and "Traceback" not in run.err
    before, after = graphs_of(sample_store_path), graphs_of(store)
    assert {g: after[g] for g in before} == before
    assert len(after) == len(before) + 2


def test_warnings_are_one_line_each(bad_input_runs: dict[str, tuple[Run, Path, Path]]) -> None:
    for name in ("JSONL with a broken line, --skip-bad", "cp1252 file", "directory with a symlink loop"):
        run, _, _ = bad_input_runs[name]
        assert run.err_lines and all(line.startswith("warning: ") for line in run.err_lines), run.describe()


def test_symlink_loop_is_read_once_with_a_warning(
    bad_input_runs: dict[str, tuple[Run, Path, Path]], sample_store_path: Path
) -> None:
    run, d, store = bad_input_runs["directory with a symlink loop"]
    assert run.code == 0, run.describe()
    summary = json.loads(run.out)
    assert summary["articles_built"] == 1  # the file behind the loop, once
    assert summary["warnings"] == [f"{d}/tree/sub/back: directory already read (symlink loop or duplicate path); skipped"]
    assert len(graphs_of(store)) == len(graphs_of(sample_store_path)) + 1


def store_counts(store: Path) -> tuple[int, int]:
    """(articles, quotations) the store holds, counted by `kg stats` itself."""
    run = run_kg("stats", "--store", store, "--json")
    assert run.code == 0, run.describe()
    counts = json.loads(run.out)
    return counts["articles"], counts["quotations"]


def test_same_named_files_in_two_folders_are_two_articles(
    bad_input_runs: dict[str, tuple[Run, Path, Path]], sample_store_path: Path
) -> None:
    run, d, store = bad_input_runs["same-named files in two folders"]
    assert run.code == 0, run.describe()
    summary = json.loads(run.out)
    assert (summary["articles_built"], summary["articles_replaced"], summary["warnings"]) == (2, 0, [])
    before, after = graphs_of(sample_store_path), graphs_of(store)
    assert {g: after[g] for g in before} == before
    from kg.graph import article_key, graph_iri

    assert set(after) - set(before) == {str(graph_iri(article_key(i))) for i in ("a/story", "b/story")}
    # what was printed is what the store holds
    sample_articles, sample_quotations = store_counts(sample_store_path)
    assert store_counts(store) == (sample_articles + 2, sample_quotations + summary["quotations"])


def test_two_articles_with_one_id_under_skip_bad_keep_both(
    bad_input_runs: dict[str, tuple[Run, Path, Path]], sample_store_path: Path
) -> None:
    from kg.model import content_hash

    run, d, store = bad_input_runs["two different articles with one id, --skip-bad"]
    assert run.code == 0, run.describe()
    summary = json.loads(run.out)
    renamed = f"x~{content_hash(CLASH_TEXTS[1])[:8]}"
    assert summary["warnings"] == [
        f"{d}/clash.jsonl:2: id 'x' is already taken by a different article from {d}/clash.jsonl:1; kept as {renamed!r}"
    ]
    assert summary["articles_built"] == 2
    after = graphs_of(store)
    assert len(after) == len(graphs_of(sample_store_path)) + 2
    assert any("Ann Lee" in line for g in after.values() for line in g)
    assert any("Bob Ray" in line for g in after.values() for line in g)
    assert store_counts(store)[1] == store_counts(sample_store_path)[1] + summary["quotations"]


def test_ids_that_fold_alike_stay_apart_and_none_takes_a_store_graph(
    bad_input_runs: dict[str, tuple[Run, Path, Path]], sample_store_path: Path
) -> None:
    run, d, store = bad_input_runs["ids that fold alike"]
    assert run.code == 0, run.describe()
    summary = json.loads(run.out)
    assert summary["articles_built"] == 7 and summary["warnings"] == []
    from kg.graph import article_key, graph_iri

    after = graphs_of(store)  # the article graphs: the derived identity and summary graphs left out
    assert len(after) == len(graphs_of(sample_store_path)) + 7
    assert str(graph_iri(article_key("identity"))) in after  # the article "identity" has a graph of its own
    with QuoteStore.open(store, read_only=True) as st:  # and the identity graph holds no article
        assert not list(st.ox.quads_for_pattern(None, None, ox.NamedNode("https://schema.org/NewsArticle"),
                                                ox.NamedNode(str(IDENTITY_GRAPH))))
    assert store_counts(store) == (store_counts(sample_store_path)[0] + 7, store_counts(sample_store_path)[1] + 7)
    # `kg entities --link` rewrites the identity graph: it used to delete the article "identity" with it
    articles = graphs_of(store)
    link = run_kg("entities", "--link", "--store", store)
    assert link.code == 0, link.describe()
    assert graphs_of(store) == articles


def test_a_lone_surrogate_under_skip_bad_skips_its_line(
    bad_input_runs: dict[str, tuple[Run, Path, Path]], sample_store_path: Path
) -> None:
    """Was: `unexpected UnicodeEncodeError`, exit 1, after the lines before it were written, with
    or without --skip-bad.  Now the pre-scan finds it; --skip-bad skips that line alone."""
    run, d, store = bad_input_runs["lone surrogate in JSONL, --skip-bad"]
    assert run.code == 0, run.describe()
    summary = json.loads(run.out)
    assert summary["articles_built"] == 1
    assert summary["warnings"] == [
        f"{d}/surrogate.jsonl:2: 'text' holds a lone surrogate U+D800 at character 7: not valid Unicode text (skipped)"
    ]
    before, after = graphs_of(sample_store_path), graphs_of(store)
    assert {g: after[g] for g in before} == before and len(after) == len(before) + 1
    assert store_counts(store)[0] == store_counts(sample_store_path)[0] + 1


def test_the_same_article_given_twice_is_read_once(
    bad_input_runs: dict[str, tuple[Run, Path, Path]], sample_store_path: Path
) -> None:
    run, d, store = bad_input_runs["the same article given twice"]
    assert run.code == 0, run.describe()
    summary = json.loads(run.out)
    assert summary["warnings"] == [f"{d}/twice.jsonl:2: the same article as {d}/twice.jsonl:1 (id 'x'); read once"]
    assert (summary["articles_built"], summary["articles_replaced"]) == (1, 0)
    before, after = graphs_of(sample_store_path), graphs_of(store)
    assert {g: after[g] for g in before} == before and len(after) == len(before) + 1
    sample_articles, sample_quotations = store_counts(sample_store_path)
    assert store_counts(store) == (sample_articles + 1, sample_quotations + summary["quotations"])


@pytest.mark.parametrize("name", ["100,000 quotation marks", "8,000 equals signs"])
def test_pathological_text_is_built(
    name: str, bad_input_runs: dict[str, tuple[Run, Path, Path]], sample_store_path: Path
) -> None:
    """Quadratic in spaCy's tokenizer before kg.nlp.bounded (100,000 marks: ~20 minutes);
    linear now (benchmarks/README.md, "How long do pathological texts take?": ~30 s).  No time is asserted here:
    the run's own time limit is the bound."""
    run, d, store = bad_input_runs[name]
    assert run.code == 0, run.describe()
    before, after = graphs_of(sample_store_path), graphs_of(store)
    assert {g: after[g] for g in before} == before and len(after) == len(before) + 1


def test_two_pipes_are_two_articles_and_counts_equal_the_store(tmp_path: Path, sample_store_path: Path) -> None:
    """`kg build <(cat a.txt) …; kg build <(cat b.txt) …`: both pipes are /dev/fd/63; the ids are
    the contents' hashes, so the second build adds an article instead of replacing the first."""
    store = copy_store(sample_store_path, tmp_path / "kg.db")
    before = graphs_of(store)
    printed = 0
    for source in (DEV_DIR / "wapo-1.txt", DEV_DIR / "yahoo-3.txt"):
        done = subprocess.run(
            ["bash", "-c", f'"{sys.executable}" -m kg build <(cat "{source}") --store "{store}" --json'],
            capture_output=True, text=True, cwd=ROOT, env=kg_env(), timeout=240,
        )
        assert done.returncode == 0, done.stderr
        summary = json.loads(done.stdout)
        assert (summary["articles_built"], summary["articles_replaced"]) == (1, 0)
        printed += summary["quotations"]
    after = graphs_of(store)
    assert {g: after[g] for g in before} == before and len(after) == len(before) + 2
    sample_articles, sample_quotations = store_counts(sample_store_path)
    assert store_counts(store) == (sample_articles + 2, sample_quotations + printed)


def test_a_different_article_under_a_stored_id_is_reported_as_replaced(tmp_path: Path, sample_store_path: Path) -> None:
    store = copy_store(sample_store_path, tmp_path / "kg.db")
    before = graphs_of(store)
    run = run_kg("build", DEV_DIR / "wapo-1.txt", "--id", "iraq-troops", "--store", store, "--json")
    assert run.code == 0, run.describe()
    summary = json.loads(run.out)
    assert (summary["articles_built"], summary["articles_replaced"]) == (1, 1)
    after = graphs_of(store)
    assert set(after) == set(before) and after != before  # the same graph, the other article's triples
    line = run_kg("build", SAMPLE, "--store", store)  # and back, in the summary line
    assert line.code == 0 and line.out.startswith(
        "built 1 article(s) (1 replacing a stored article of the same id), skipped 0 unchanged;"), line.describe()
    assert graphs_of(store) == before
    too_many = run_kg("build", SAMPLE, DEV_DIR / "wapo-1.txt", "--id", "one", "--store", store)
    assert_one_line_error(too_many, 2, re.compile(r"kg: error: .*: --id 'one' names one article, but the input holds more than one .*"))
    assert graphs_of(store) == before


def test_kg_stats_counts_article_and_summary_triples_apart(
    sample_store_path: Path, sample_fingerprint: tuple[int, str]
) -> None:
    run = run_kg("stats", "--store", sample_store_path, "--json")
    assert run.code == 0, run.describe()
    counts = json.loads(run.out)["triples_by_graph"]
    export = run_kg("export", "--format", "nquads", "-o", "-", "--store", sample_store_path)
    # the exports hold the articles (one here: nothing shared to merge) and the identity links,
    # not the derived summary
    assert counts["articles"] + counts["identity"] == len(export.out.splitlines())
    with QuoteStore.open(sample_store_path, read_only=True) as st:
        assert counts["summary"] == sum(1 for _ in st.ox.quads_for_pattern(None, None, None, ox.NamedNode(str(SUMMARY_GRAPH))))
        assert sum(counts.values()) == len(st.ox)
    table = run_kg("stats", "--store", sample_store_path).out
    assert "triples (articles)" in table and "triples (summary)" in table and "triples (all)" in table
    assert fingerprint(sample_store_path) == sample_fingerprint


# ----------------------------------------------------------------- outputs that are not files


@pytest.mark.parametrize("command", ["export", "report"])
def test_output_to_devices_fifos_and_symlinks_is_written_through(
    command: str, tmp_path: Path, sample_store_path: Path, sample_fingerprint: tuple[int, str]
) -> None:
    """`-o /dev/stdout`, `/dev/null`, a FIFO and a symlink stay what they are and get the output;
    only a regular file is replaced (atomically, via a temporary sibling)."""
    args = ["export", "--format", "turtle"] if command == "export" else ["report"]
    expected = run_kg(*args, "-o", "-", "--store", sample_store_path).out
    assert expected

    stdout = run_kg(*args, "-o", "/dev/stdout", "--store", sample_store_path)
    assert stdout.code == 0 and stdout.out == expected, stdout.describe()

    null_before = os.stat("/dev/null")
    assert run_kg(*args, "-o", "/dev/null", "--store", sample_store_path).code == 0
    null_after = os.stat("/dev/null")
    assert stat_kind(null_after) == "character device" and null_after.st_rdev == null_before.st_rdev

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    with ThreadPoolExecutor(max_workers=1) as pool:
        reader = pool.submit(lambda: fifo.read_bytes())  # blocks until kg opens the FIFO
        assert run_kg(*args, "-o", fifo, "--store", sample_store_path).code == 0
        assert reader.result(timeout=120).decode("utf-8") == expected
    assert stat_kind(os.lstat(fifo)) == "FIFO"

    target = tmp_path / "real.out"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.out"
    link.symlink_to(target.name)
    assert run_kg(*args, "-o", link, "--store", sample_store_path).code == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8") == expected
    assert target.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its permissions
    assert fingerprint(sample_store_path) == sample_fingerprint


def stat_kind(st: os.stat_result) -> str:
    import stat as st_

    return "character device" if st_.S_ISCHR(st.st_mode) else "FIFO" if st_.S_ISFIFO(st.st_mode) else "other"


def test_report_tolerates_any_date_and_csv_cells_are_neutralised(tmp_path: Path, sample_store_path: Path, nlp) -> None:
    """`published` 0001-01-01T00:00:00Z and 9999-12-31 made `kg report` fail (OverflowError); a
    quotation starting with `=`, `+`, `-` or `@` was a formula in the CSV export."""
    from kg.pipeline import build

    store = copy_store(sample_store_path, tmp_path / "kg.db")
    records = [
        {"id": "old", "published": "0001-01-01T00:00:00Z", "text": "\u201c=HYPERLINK(\"http://x.example\"),\u201d said Jane Doe."},
        {"id": "late", "published": "9999-12-31", "text": "\u201c@SUM(1+1) is fine,\u201d said John Roe on Monday."},
        {"id": "plus", "published": "2024-02-30", "text": "\u201c+1 for the plan,\u201d said Ann Lee last year."},
    ]
    build([str(write_jsonl(tmp_path / "odd.jsonl", records))], store_path=store, nlp=nlp)
    before = fingerprint(store)
    report = run_kg("report", "-o", tmp_path / "report.html", "--store", store)
    assert report.code == 0, report.describe()
    assert "Jane Doe" in (tmp_path / "report.html").read_text(encoding="utf-8")
    export = run_kg("export", "--format", "csv", "-o", tmp_path / "tables", "--store", store)
    assert export.code == 0, export.describe()
    import csv

    with open(tmp_path / "tables" / "quotations.csv", newline="", encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    assert "'=HYPERLINK(\"http://x.example\")," in texts and "'@SUM(1+1) is fine," in texts and "'+1 for the plan," in texts
    for path in (tmp_path / "tables").glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row), (path, row)
    assert fingerprint(store) == before


def test_huge_article_is_rejected_in_bounded_memory(bad_input_runs: dict[str, tuple[Run, Path, Path]]) -> None:
    """The 10 MB file is refused after reading at most 4 bytes × --max-chars, never held whole
    as text: its peak RSS stays close to that of a run refusing an empty file."""
    huge, _, _ = bad_input_runs["10 MB article"]
    empty, _, _ = bad_input_runs["empty file"]
    assert huge.max_rss_mb < empty.max_rss_mb + 64, (huge.max_rss_mb, empty.max_rss_mb)


def test_query_timeout_is_quick(bad_input_runs: dict[str, tuple[Run, Path, Path]]) -> None:
    run, _, _ = bad_input_runs["query timeout"]
    reference, _, _ = bad_input_runs["invalid SPARQL"]  # same start-up cost, no evaluation
    # The query itself would run for days; the process ends half a second after start-up
    # (generous slack: the batch runs ~20 processes at once on a shared machine).
    assert run.seconds < reference.seconds + 30, (run.seconds, reference.seconds)


@pytest.mark.parametrize("index", range(2))
def test_hostile_speaker_names_are_data_not_sparql(
    index: int, bad_input_runs: dict[str, tuple[Run, Path, Path]], sample_fingerprint: tuple[int, str]
) -> None:
    run, _, store = bad_input_runs[f"hostile speaker {index}"]
    assert run.code == 0 and run.err == "", run.describe()
    assert run.out.rstrip().endswith("0 quotations"), run.describe()  # no name contains them
    assert fingerprint(store) == sample_fingerprint


def test_hostile_speaker_names_in_process(sample_store_path: Path, sample_fingerprint: tuple[int, str]) -> None:
    from kg.query import quote_rows

    with QuoteStore.open(sample_store_path, read_only=True) as st:
        assert quote_rows(st, "hadithi")  # the filter works at all
        for name in HOSTILE_SPEAKERS:
            assert quote_rows(st, name) == [], name
    assert fingerprint(sample_store_path) == sample_fingerprint


def test_file_name_that_is_not_utf8(tmp_path: Path, nlp) -> None:
    """A Latin-1 file name ('caf\\xe9.txt' from an old archive) still builds: its id keeps the
    readable part instead of lone surrogates, which no RDF literal may hold."""
    from kg.pipeline import build

    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(SAMPLE, corpus / os.fsdecode(b"caf\xe9.txt"))
    try:
        report = build([str(corpus)], store_path=tmp_path / "kg.db", nlp=nlp)
    except InputError as err:  # refused up front, naming the file: also fine
        assert "caf" in str(err)
        assert not (tmp_path / "kg.db").exists()
    else:
        assert report.articles_built == 1


def test_process_substitution_pipe(tmp_path: Path, nlp) -> None:
    """`kg build <(zcat a.txt.gz)`: the pre-scan copies a named pipe so the real read sees it too."""
    from kg.pipeline import build

    read_end, write_end = os.pipe()
    try:
        os.write(write_end, SAMPLE.read_bytes())  # 2.5 kB: fits the pipe buffer, no writer thread
        os.close(write_end)
        report = build([f"/dev/fd/{read_end}"], store_path=tmp_path / "kg.db", nlp=nlp)
    finally:
        os.close(read_end)
    assert report.articles_built == 1


def test_unexpected_exception_is_one_line_unless_kg_debug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sample_store_path: Path
) -> None:
    """The CLI's last resort, in-process: a bug deep in a command is one line and exit 1; with
    KG_DEBUG=1 the exception itself propagates (and the interpreter prints its traceback)."""
    import kg.query
    from kg.cli import main

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("something odd\nacross two lines")

    monkeypatch.setattr(kg.query, "run_query", broken)
    monkeypatch.setattr(sys, "argv", ["kg", "query", "ASK {}", "--store", str(sample_store_path)])
    monkeypatch.delenv("KG_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 1
    assert capsys.readouterr().err == (
        "kg: error: unexpected RuntimeError: something odd across two lines (set KG_DEBUG=1 for the traceback)\n"
    )
    monkeypatch.setenv("KG_DEBUG", "1")
    with pytest.raises(RuntimeError, match="something odd"):
        main()
    # main() leaves the caller's signal handling as it found it
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.set_wakeup_fd(-1) == -1


# ---------------------------------------------------------------------------------- crash safety


def poll_graph_count(store: Path) -> int:
    """Graphs visible to a read-only RocksDB instance opened now (0 if it cannot open yet).

    Only a progress probe while another process writes: a read-only instance takes no lock and
    sees the state at the moment it opened.  The real checks happen after the writer is dead."""
    try:
        return sum(1 for _ in ox.Store.read_only(str(store)).named_graphs())
    except (OSError, RuntimeError):  # not created yet, or caught mid-creation
        return 0


def test_sigkill_mid_build_leaves_complete_articles_and_the_next_build_finishes(
    tmp_path: Path, corpus: Path, reference: dict[str, list[str]]
) -> None:
    store = tmp_path / "kg.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", str(corpus), "--store", str(store), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 180
        while poll_graph_count(store) < 3:  # some articles are in: kill it mid-way
            assert proc.poll() is None, f"build ended before it could be killed: {proc.stderr.read()!r}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "build made no progress"
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()

    with QuoteStore.open(store) as st:  # opens read-write: RocksDB recovered its log
        assert st.count_triples() > 0
        assert not has_summary(st)  # no counts of a half-built corpus: the saved queries say so
    done = assert_complete_articles(store, reference)
    assert 3 <= len(done) < CORPUS_SIZE, f"{len(done)} articles: the kill was not mid-build"
    top = run_kg("query", "--named", "top-speakers", "--store", store, cwd=tmp_path)
    assert_one_line_error(top, 4, re.compile(
        rf"kg: error: the store {re.escape(str(store))} has no current summary graph .*: run `kg summarise --store .*`"))

    run = run_kg("build", corpus, "--store", store, "--json", cwd=tmp_path)
    assert run.code == 0, run.describe()
    summary = json.loads(run.out)
    assert summary["articles_skipped"] == len(done)
    assert summary["articles_built"] == CORPUS_SIZE - len(done)
    assert nquads(store) == reference_quads(reference)  # triple for triple a clean build
    assert summary_is_current(store)


def test_store_cut_off_while_being_created_is_finished_by_the_next_build(tmp_path: Path) -> None:
    """Killing `kg build` in the milliseconds RocksDB takes to create the store leaves LOCK, LOG,
    IDENTITY, a MANIFEST and maybe a temp file, but no CURRENT (seen in 38 of 40 kills at random
    points of creation).  That is not "someone else's directory": reading says so, writing finishes
    the store."""
    store = tmp_path / "kg.db"
    store.mkdir()
    (store / "LOCK").touch()
    (store / "LOG").write_text("2025/01/01-00:00:00.000000 1 RocksDB version: 8.1.1\n")
    (store / "IDENTITY").write_text("3b8f7c5e-0000-4000-8000-000000000000\n")
    (store / "MANIFEST-000001").touch()
    (store / "000004.dbtmp").write_bytes(b"x")
    with pytest.raises(StoreError, match=r"its creation was interrupted; run `kg build`"):
        QuoteStore.open(store, read_only=True)
    with QuoteStore.open(store) as st:
        st.replace_article("https://w3id.org/quotegraph/id/graph/x", _one_triple())
    with QuoteStore.open(store, read_only=True) as st:
        assert st.count_triples() == 1
    # a directory with anything else in it is still refused
    other = tmp_path / "mine"
    other.mkdir()
    (other / "LOG").touch()
    (other / "notes.txt").touch()
    with pytest.raises(StoreError, match="not a quotegraph store"):
        QuoteStore.open(other)


def _one_triple() -> Graph:
    g = Graph()
    g.add((URIRef("https://w3id.org/quotegraph/id/article/x"), URIRef("https://schema.org/name"), Literal("x")))
    return g


def test_ctrl_c_mid_build_exits_130_and_keeps_complete_articles(
    tmp_path: Path, corpus: Path, reference: dict[str, list[str]]
) -> None:
    store = tmp_path / "kg.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", str(corpus), "--store", str(store), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 180
    while poll_graph_count(store) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, err)
    assert "Traceback" not in err and out == ""
    done = assert_complete_articles(store, reference)
    assert 2 <= len(done) < CORPUS_SIZE


_CTRL_C_IN_A_FINALIZER = """
import signal, sys, time
from kg.cli import _exit_promptly_on_interrupt

class Finalised:
    def __del__(self):
        signal.raise_signal(signal.SIGINT)  # the handler runs here, inside the finalizer

try:
    with _exit_promptly_on_interrupt(grace=60):  # the watcher's os._exit is not what is tested
        Finalised()  # collected at once
        for _ in range(500):
            time.sleep(0.01)
    sys.exit(0)
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_ctrl_c_inside_a_finalizer_is_not_lost() -> None:
    """Ctrl-C arriving while a `__del__` runs (the `regex` module's, mid-build) raised its
    KeyboardInterrupt where Python ignores exceptions: the build printed "Exception ignored" and
    ran to the end with exit 0.  The CLI now delivers it again, in ordinary code."""
    proc = subprocess.run([sys.executable, "-c", _CTRL_C_IN_A_FINALIZER], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 130, (proc.returncode, proc.stderr)
    assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr


def test_ctrl_c_interrupts_a_long_query_promptly(sample_store_path: Path) -> None:
    """Python only sees Ctrl-C between bytecodes; the CLI's watcher ends a process stuck in one
    long native SPARQL evaluation within its grace period."""
    from kg.cli import INTERRUPT_GRACE

    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "query", CARTESIAN, "--store", str(sample_store_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # wait until it is evaluating: the query thread burns CPU well past start-up
        time.sleep(1.0)
        deadline = time.monotonic() + 120
        while _cpu_seconds(proc.pid) < 4.0:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, (proc.returncode, err)
    assert err == "" and out == ""
    assert time.monotonic() - sent < INTERRUPT_GRACE + 5


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


# ---------------------------------------------------------------------------------- concurrency


def test_two_concurrent_builds_serialise_or_one_fails_cleanly(
    tmp_path: Path, corpus: Path, reference: dict[str, list[str]]
) -> None:
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    first = write_jsonl(tmp_path / "first.jsonl", records[:12])
    second = write_jsonl(tmp_path / "second.jsonl", records[12:18])
    store = tmp_path / "kg.db"
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda src: run_kg("build", src, "--store", store, "--quiet"), [first, second]))
    finished: list[dict[str, str]] = []
    for run, batch in zip(runs, (records[:12], records[12:18]), strict=True):
        if run.code == 0:
            finished += batch
        else:
            assert_one_line_error(run, 3, f"store {store} is in use by another process")
    assert finished, "at least one build must succeed"
    from kg.graph import article_key, graph_iri

    expected = [str(graph_iri(article_key(r["id"]))) for r in finished]
    assert_complete_articles(store, reference)
    assert nquads(store) == reference_quads(reference, expected)


# ---------------------------------------------------------------------------------- disk full


def test_file_size_limit_mid_build_is_a_clear_error_and_the_store_survives(
    tmp_path: Path, corpus: Path, reference: dict[str, list[str]], sample_store_path: Path, nlp
) -> None:
    """RLIMIT_FSIZE in the child: RocksDB's log cannot grow past it, as on a full disk."""
    store = copy_store(sample_store_path, tmp_path / "kg.db")
    before = graphs_of(store)
    limit = max(f.stat().st_size for f in store.iterdir()) + 256 * 1024

    def limit_file_size() -> None:  # runs in the child before exec
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed

    run = run_kg("build", corpus, "--store", store, "--quiet", cwd=tmp_path, preexec_fn=limit_file_size)
    assert_one_line_error(run, 3, f"file size limit reached while writing store {store} (see `ulimit -f`)")
    after = graphs_of(store)
    assert {g: after[g] for g in before} == before
    assert_complete_articles(store, {**reference, **before})
    # without the limit the next build completes the corpus
    from kg.pipeline import build

    report = build([str(corpus)], store_path=store, nlp=nlp)
    assert report.articles_skipped == len(after) - len(before)
    assert nquads(store) == sorted(reference_quads(reference) + reference_quads(before))


def _can_mount_tmpfs() -> bool:
    return IS_ROOT and shutil.which("mount") is not None and shutil.which("umount") is not None


@contextmanager
def mounted_tmpfs(where: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of `size_kb` at `where`, unmounted on the way out (CalledProcessError if not allowed)."""
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)], check=True, capture_output=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False, capture_output=True)


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs root to mount a small tmpfs")
def test_disk_full_mid_build_is_a_clear_error_and_the_store_survives(
    tmp_path: Path, corpus: Path, reference: dict[str, list[str]], sample_store_path: Path
) -> None:
    """A real ENOSPC: the store lives on a tmpfs with room for a few articles more."""
    used = sum(f.stat().st_size for f in sample_store_path.iterdir())
    with ExitStack() as stack:
        try:
            disk = stack.enter_context(mounted_tmpfs(tmp_path / "small", (used + 768 * 1024) // 1024))
        except subprocess.CalledProcessError as err:
            pytest.skip(f"cannot mount tmpfs here: {err.stderr!r}")
        store = copy_store(sample_store_path, disk / "kg.db")
        before = graphs_of(store)
        run = run_kg("build", corpus, "--store", store, "--quiet", cwd=tmp_path)
        assert_one_line_error(run, 3, f"disk full while writing store {store}")
        after = graphs_of(store)  # read-only: a full disk still opens for reading
        assert {g: after[g] for g in before} == before
        assert_complete_articles(store, {**reference, **before})
        # read-write needs room for RocksDB's logs: refused with the same clear line
        with pytest.raises(StoreError, match="disk full"):
            QuoteStore.open(store).close()


def test_enospc_and_efbig_map_to_one_line() -> None:
    path = Path("/x/kg.db")
    assert str(store_error(path, OSError(errno.ENOSPC, "No space left on device"), "write")) == (
        f"disk full while writing store {path}"
    )
    efbig = OSError("IO error: While appending to file: /x/kg.db/000029.log: File too large")
    assert str(store_error(path, efbig, "write")) == (
        f"file size limit reached while writing store {path} (see `ulimit -f`)"
    )


def test_the_progress_bar_shows_on_a_terminal_and_names_the_summary_phase(tmp_path: Path) -> None:
    """On a terminal `kg build` draws rich's bar (articles done, quotations, rate), and its label
    turns to `summarising` for the corpus-wide recount at the end, which takes minutes on a big
    store; `--quiet` draws nothing.  A pseudo-terminal stands in for the user's."""
    import pty

    def on_a_terminal(*args: object) -> tuple[int, str, str]:
        master, slave = pty.openpty()
        env = {**kg_env(), "COLUMNS": "160", "TERM": "xterm"}
        with os.fdopen(master, "rb", buffering=0) as screen:
            proc = subprocess.Popen([sys.executable, "-m", "kg", *map(str, args)], cwd=ROOT, env=env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
            os.close(slave)
            drawn = b""
            while True:
                try:
                    piece = screen.read(65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not piece:
                    break
                drawn += piece
            out = proc.stdout.read().decode() if proc.stdout else ""
            return proc.wait(timeout=240), out, drawn.decode("utf-8", "replace")

    code, out, drawn = on_a_terminal("build", SAMPLE, "--store", tmp_path / "kg.db")
    assert code == 0, drawn
    assert "building" in drawn and "summarising" in drawn  # the label, then the recount's
    assert "1/1" in drawn and "10 quotations" in drawn and "art/s" in drawn
    assert "summary: 7 speaker tallies" in out
    code, out, drawn = on_a_terminal("build", SAMPLE, "--store", tmp_path / "quiet.db", "--quiet")
    assert code == 0 and drawn == "" and out == ""


# ------------------------------------------------------------------- the matrix names real tests


def test_every_red_team_row_names_tests_that_exist() -> None:
    """docs/robustness.md's table of issue 21's cases: every row names at least one test, and each
    named test (and parametrised case) is defined, so the matrix cannot drift from the suite."""
    text = (ROOT / "docs" / "robustness.md").read_text(encoding="utf-8")
    table = text.split("### The red-team cases of issue 21", 1)[1].split("\n\n| case |", 1)[1]
    rows = [line for line in table.split("\n\n", 1)[0].splitlines()[2:] if line.startswith("|")]
    assert len(rows) >= 25, len(rows)
    for row in rows:
        names = re.findall(r"`((?:tests/\w+\.py)?::\w+)?(\[[^\]]+\])?`", row.rsplit(" | ", 1)[1])
        assert names, row
        module, source = None, ""
        for name, case in names:
            if name:  # `FILE::TEST`, or `::TEST` in the file named before it
                file, _, test = name.partition("::")
                module = file or module
                assert module is not None, row
                source = (ROOT / module).read_text(encoding="utf-8")
                assert re.search(rf"^def {test}\(", source, re.M), f"{module}::{test} (row: {row[:60]})"
            if case:
                assert source, row
                assert f'"{case[1:-1]}"' in source, f"{module}: no case {case} (row: {row[:60]})"
