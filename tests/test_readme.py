"""Every SPARQL example in the README and the docs runs on the sample store and returns rows."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from conftest import ROOT

from kg.store import QuoteStore


def sparql_examples(*names: str) -> list[str]:
    return [ex for name in names for ex in re.findall(r"```sparql\n(.*?)```", (ROOT / name).read_text(encoding="utf-8"), re.S)]


# The docs' examples, in the order the README once held them (tests/test_query_plans.py numbers them).
EXAMPLES = sparql_examples("docs/queries.md", "docs/extraction.md")
README_EXAMPLES = sparql_examples("README.md")


def test_readme_and_docs_have_sparql_examples():
    assert len(EXAMPLES) >= 5 and README_EXAMPLES


@pytest.mark.parametrize("sparql", EXAMPLES + README_EXAMPLES,
                         ids=[f"example-{n}" for n in range(len(EXAMPLES))] + [f"readme-{n}" for n in range(len(README_EXAMPLES))])
def test_readme_sparql_example_returns_rows(sample_store_path, sparql):
    with QuoteStore.open(sample_store_path, read_only=True) as store:
        rows = list(store.query(sparql))  # type: ignore[arg-type]
    assert rows, sparql


@pytest.fixture(scope="module")
def twice_store_path(tmp_path_factory, nlp):
    """The sample article stored twice under two ids: its people are described in both graphs."""
    import json

    from conftest import SAMPLE_DIR

    from kg.pipeline import build

    work = tmp_path_factory.mktemp("twice")
    text = (SAMPLE_DIR / "iraq-troops.txt").read_text(encoding="utf-8")
    corpus = work / "twice.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"copy-{n}", "text": text}) + "\n" for n in (1, 2)), encoding="utf-8")
    build([str(corpus)], store_path=work / "kg.db", nlp=nlp)
    return work / "kg.db"


def _rows(path, sparql: str, bindings=None) -> list[tuple[str, ...]]:
    with QuoteStore.open(path, read_only=True) as store:
        return [tuple(str(v) for v in row) for row in store.query(sparql, bindings=bindings)]  # type: ignore[union-attr]


def test_shared_speakers_do_not_multiply_rows(sample_store_path, twice_store_path):
    """A person described in two article graphs is joined inside each graph, so two copies of an
    article give exactly twice its rows (a join through the union graph would give four times)."""
    from kg.query.named import load_named

    one, two = _rows(sample_store_path, EXAMPLES[0]), _rows(twice_store_path, EXAMPLES[0])
    assert one and len(two) == 2 * len(one)
    top = load_named("top-speakers").sparql
    counts_one = {r[0]: int(r[2].split('"')[1]) for r in _rows(sample_store_path, top)}
    counts_two = {r[0]: (int(r[2].split('"')[1]), int(r[3].split('"')[1])) for r in _rows(twice_store_path, top)}
    assert counts_two == {speaker: (2 * n, 2) for speaker, n in counts_one.items()}
    for name in ("addressees", "quotes-by-organisation", "who-said-what-about"):
        query = load_named(name)
        bindings = {"entity": ox.Literal("Iraq")} if name == "who-said-what-about" else {}
        rows = _rows(twice_store_path, query.bound(bindings))
        assert rows and len(rows) == len(set(rows)), name


def test_readme_examples_count_one_person_named_two_ways_once(multi_store_path):
    """The issue's bar for the README: on a store where one article names "Barack Obama" and
    another only "Obama", the who-was-quoted-most example lists him once, over two articles, and
    the first example finds a speaker's statements in every article under the corpus name."""
    rows = [r for r in _rows(multi_store_path, EXAMPLES[1]) if "Obama" in r[0]]
    assert rows == [('"Barack Obama"', '"Person"', '"4"^^<http://www.w3.org/2001/XMLSchema#integer>',
                     '"2"^^<http://www.w3.org/2001/XMLSchema#integer>')]
    obama = EXAMPLES[0].replace('"Saad al-Hadithi"', '"Barack Obama"')
    assert len(_rows(multi_store_path, obama)) == 4
    # The README's own example counts the same way.
    readme = [r for r in _rows(multi_store_path, README_EXAMPLES[0]) if "Obama" in r[0]]
    assert readme == [('"Barack Obama"', '"4"^^<http://www.w3.org/2001/XMLSchema#integer>',
                       '"2"^^<http://www.w3.org/2001/XMLSchema#integer>')]


def test_readme_stays_short_and_links_every_doc():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) <= 10_240
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{doc.name}" in readme, f"{doc.name} is not reachable from the README"


def test_readme_python_example_runs(nlp):
    """The library example in the README runs as written (the model is the session's, cached)."""
    (block,) = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    *setup, last = block.strip().splitlines()
    scope: dict[str, object] = {}
    exec("\n".join(setup), scope)  # noqa: S102 - our own README
    assert eval(last, scope) == [("We will win,", "Jane Doe")]  # noqa: S307


def test_every_file_the_readme_links_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    local = [t for t in targets if "://" not in t]
    assert local and all((ROOT / t).exists() for t in local), [t for t in local if not (ROOT / t).exists()]
