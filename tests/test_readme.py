"""Every SPARQL example in the README runs on the sample store and returns rows."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from kg.store import QuoteStore

EXAMPLES = re.findall(r"```sparql\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def test_readme_has_sparql_examples():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("sparql", EXAMPLES, ids=[f"example-{n}" for n in range(len(EXAMPLES))])
def test_readme_sparql_example_returns_rows(sample_store_path, sparql):
    with QuoteStore.open(sample_store_path, read_only=True) as store:
        rows = list(store.query(sparql))  # type: ignore[arg-type]
    assert rows, sparql
