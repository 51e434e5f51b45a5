"""The saved queries (queries/*.rq, plain SPARQL 1.1, and their Oxigraph-only forms in
queries/oxigraph/, written for Oxigraph's planner) must return exactly what the question asked of
the articles returns: queries/plain/ holds those forms, run here side by side on a
store built from the dev articles, the sample, and the sample again under another id (so entities
are shared between article graphs).  Parameters are bound as every engine binds them: by writing
the value into the query's `VALUES ?name { UNDEF }` line (kg.query.named.bind_text)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT

from kg.query.named import bind_text, load_named, parse_value
from kg.store import QuoteStore

DATA = Path(__file__).parent / "data"
PLAIN = ROOT / "queries" / "plain"  # the plain forms of the saved queries
REFERENCE = DATA / "reference-queries"  # the plain forms of the README's examples

# (saved query, parameters) — every parameter form: a name, a name no entity has, an IRI, none.
CASES = [
    ("top-speakers", {}),
    ("speakers-quoted-together", {}),
    ("addressees", {}),
    ("statements-per-event", {}),
    ("who-said-what-about", {"entity": "iraq"}),
    ("who-said-what-about", {"entity": "WHOLE FOODS"}),
    ("who-said-what-about", {"entity": "no such name"}),
    ("who-said-what-about", {"entity": "<https://w3id.org/quotegraph/id/place/iraq>"}),
    ("who-said-what-about", {"entity": "<https://w3id.org/quotegraph/id/entity/place/iraq>"}),
    ("quotes-by-organisation", {}),
    ("quotes-by-organisation", {"org": "pentagon"}),
    ("quotes-by-organisation", {"org": "university"}),
    ("quotes-by-organisation", {"org": "<https://w3id.org/quotegraph/id/organization/brookings-institution>"}),
    ("quotes-by-organisation", {"org": "no such name"}),
    ("quotes-by-organisation", {"org": "<https://w3id.org/quotegraph/id/organization/pentagon>"}),
]


@pytest.fixture(scope="module")
def dev_store_path(multi_store_path) -> Path:
    return multi_store_path


def _rows(
    store: QuoteStore, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal], names: list[str] | None = None
) -> list[tuple[str, ...]]:
    """Rows as tuples of the `names` columns (default: all the query projects).  The addressees'
    ?speaker_names is a GROUP_CONCAT in the plain form, in no set order, and sorted in the summary:
    compared as sets."""
    result = store.query(bind_text(sparql, bindings))
    names = names or [v.value for v in result.variables]  # type: ignore[union-attr]

    def cell(row: ox.QuerySolution, name: str) -> str:
        value = row[name]
        if value is None:
            return ""
        if name == "speaker_names":
            return "; ".join(sorted(value.value.split("; ")))
        return str(value)

    return [tuple(cell(row, n) for n in names) for row in result]  # type: ignore[union-attr]


def _forms(name: str) -> list[str]:
    """The saved query's portable form, and its Oxigraph-only form when it has one."""
    query = load_named(name)
    return [query.sparql] + ([query.oxigraph_sparql] if query.oxigraph_sparql else [])


@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}-{'-'.join(p.values()) or 'all'}" for n, p in CASES])
def test_saved_query_returns_what_its_plain_form_returns(dev_store_path, name, params):
    bindings = {key: parse_value(value) for key, value in params.items()}
    reference = (PLAIN / f"{name}.rq").read_text(encoding="utf-8")
    with QuoteStore.open(dev_store_path, read_only=True) as store:
        expected = _rows(store, reference, bindings)
        for form in _forms(name):
            assert sorted(_rows(store, form, bindings, _columns(reference))) == sorted(expected)
    if not params or "no such" not in next(iter(params.values())):
        assert expected, f"{name} {params}: the case must return rows to prove anything"


def _columns(sparql: str) -> list[str]:
    return [v.value for v in ox.Store().query(sparql, prefixes={}).variables  # type: ignore[union-attr]
            if v.value not in ("entity", "org", "top")]


@pytest.mark.parametrize("name", ["top-speakers", "speakers-quoted-together", "statements-per-event", "addressees"])
def test_summary_listings_keep_the_plain_order_and_top_cuts_them(dev_store_path, name):
    """The summary's qg:listPosition is the plain query's ORDER BY, ties included; `top` keeps the
    first N rows, and a `top` that is not a number keeps none (rather than all)."""
    reference = (PLAIN / f"{name}.rq").read_text(encoding="utf-8")
    for saved in _forms(name):
        _check_listing(dev_store_path, name, reference, saved)


def _check_listing(dev_store_path: Path, name: str, reference: str, saved: str) -> None:
    # The columns the plain form orders on (its ORDER BY leaves an event's time texts unordered).
    columns = [c for c in _columns(reference) if c != "when"]
    with QuoteStore.open(dev_store_path, read_only=True) as store:
        expected = _rows(store, reference, {}, columns)
        assert _rows(store, saved, {}, columns) == expected  # row for row, in order
        if name != "addressees":  # the dev articles name three addressees: order and cuts are checked still
            assert len(expected) > 5 and len({row[-2:] for row in expected}) < len(expected), "no ties to order"
        assert len(expected) >= 3
        # `top` reads the bands (qg:listBand) up to its number of digits: cuts on both sides of
        # each band's edge, and past the end.
        for top in (1, 5, 9, 10, 11, 99, 100, 101, len(expected), len(expected) + 7):
            assert _rows(store, saved, {"top": parse_value(str(top))}, columns) == expected[:top], top
        assert _rows(store, saved, {"top": parse_value("0")}, columns) == []
        assert _rows(store, saved, {"top": parse_value("-3")}, columns) == []
        assert _rows(store, saved, {"top": parse_value("five")}, columns) == []


def test_the_store_shares_entities_between_article_graphs(dev_store_path):
    """The point of the doubled article: joins through the union would repeat rows."""
    with QuoteStore.open(dev_store_path, read_only=True) as store:
        shared = next(iter(store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT ?e WHERE { GRAPH ?g { ?e a <https://schema.org/Person> } }"
            " GROUP BY ?e HAVING (COUNT(DISTINCT ?g) > 1) }"
        )))
    assert int(shared["n"].value) > 0


# The docs took the README's examples over, in the same order.
README_EXAMPLES = [ex for name in ("docs/queries.md", "docs/extraction.md") for ex in re.findall(r"```sparql\n(.*?)```", (ROOT / name).read_text(encoding="utf-8"), re.S)]


@pytest.mark.parametrize("number", [2, 4, 5, 6, 7])
def test_readme_rewritten_example_returns_what_its_plain_form_returns(dev_store_path, number):
    """The README examples written for the planner (subqueries or LATERAL) against their plain forms."""
    reference = (REFERENCE / f"readme-{number}.rq").read_text(encoding="utf-8")
    example = README_EXAMPLES[number - 1]
    assert "{ SELECT" in example or "LATERAL" in example
    with QuoteStore.open(dev_store_path, read_only=True) as store:
        ours, expected = _rows(store, example, {}), _rows(store, reference, {})
    assert expected and sorted(ours) == sorted(expected)
