"""The named attribution rules: each one's example sentence (kg/rules.py) is run through the
real extractor and must come out through that rule; the table, the ontology and the shapes agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.analysis import analyse, analysis_from_doc
from kg.graph.vocab import QG
from kg.model import Article
from kg.rules import QUOTATION_RULES, RESOLUTION_RULES, RULES, SPEAKER_RULES, Rule

ROOT = Path(__file__).resolve().parent.parent
BRACKETS = re.compile(r"\[([^\]]*)\]")


def example_text(rule: Rule) -> tuple[str, list[str]]:
    """The example with its brackets removed (⏎ is a paragraph break), and the bracketed parts."""
    marked = rule.example.replace("⏎", "\n")
    return BRACKETS.sub(r"\1", marked), BRACKETS.findall(marked)


@pytest.mark.parametrize("rule", QUOTATION_RULES, ids=lambda r: r.name)
def test_quotation_rule_finds_its_example(nlp, rule):
    text, parts = example_text(rule)
    found = {(q.rule, q.content.strip(" ,.")) for q in analyse(Article(id="t", text=text), nlp).quotations}
    for part in parts:
        assert (rule.name, part.strip("“”\" ,.")) in {(r, c.strip("“”\" ,.")) for r, c in found}, found


# adjacent-noun only fires on a parse without a subject; its own test below makes one.
@pytest.mark.parametrize("rule", [r for r in SPEAKER_RULES if r.name != "adjacent-noun"], ids=lambda r: r.name)
def test_speaker_rule_finds_its_example(nlp, rule):
    text, parts = example_text(rule)
    quotes = analyse(Article(id="t", text=text), nlp).quotations
    mentions = {(q.speaker_rule, q.speaker_mention.text if q.speaker_mention else None) for q in quotes}
    assert any(r == rule.name and m is not None and parts[0] in m for r, m in mentions), mentions


@pytest.mark.parametrize("rule", RESOLUTION_RULES, ids=lambda r: r.name)
def test_resolution_rule_resolves_its_example(nlp, rule):
    text, parts = example_text(rule)
    quotes = analyse(Article(id="t", text=text), nlp).quotations
    used = {(q.resolution_rule, q.speaker_mention.text if q.speaker_mention else None) for q in quotes}
    assert any(r == rule.name and m is not None and parts[0] in m for r, m in used), used


def test_rule_names_are_unique_and_staged():
    names = [r.name for r in QUOTATION_RULES + SPEAKER_RULES + RESOLUTION_RULES]
    assert len(names) == len(set(names)) == len(RULES)
    assert {r.stage for r in QUOTATION_RULES} == {"quotation"}
    assert {r.stage for r in SPEAKER_RULES} == {"speaker"}
    assert {r.stage for r in RESOLUTION_RULES} == {"resolution"}


def test_ontology_describes_exactly_the_rules():
    g = Graph().parse(ROOT / "ontology" / "quotegraph.ttl")
    example = URIRef("http://www.w3.org/2004/02/skos/core#example")
    described = {
        str(s): tuple(str(g.value(s, p)) for p in (RDFS.label, QG.ruleStage, RDFS.comment, example))
        for s in g.subjects(RDF.type, QG.AttributionRule)
    }
    assert described == {r.iri: (r.name, r.stage, r.what, r.example) for r in RULES.values()}


def test_shapes_accept_exactly_the_rules_of_each_stage():
    g = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    allowed = {}
    for prop in (QG.extractedBy, QG.speakerRule, QG.resolvedBy):
        shape = next(g.subjects(URIRef("http://www.w3.org/ns/shacl#path"), prop))
        members = g.value(shape, URIRef("http://www.w3.org/ns/shacl#in"))
        allowed[prop] = {str(x) for x in g.items(members)}
    assert allowed[QG.extractedBy] == {r.iri for r in QUOTATION_RULES}
    assert allowed[QG.speakerRule] == {r.iri for r in SPEAKER_RULES}
    assert allowed[QG.resolvedBy] == {r.iri for r in RESOLUTION_RULES}


def test_adjacent_noun_is_the_fallback_when_the_parse_links_no_subject(nlp):
    """The rule exists for parses that leave the cue without a subject; such a parse is made here
    by unlinking the subject of a real parse, then the rest of the pipeline runs on it."""
    text = "“We will rebuild the pier,” Omar told reporters on Friday."
    doc = nlp(text)
    for token in doc:
        if token.dep_ == "nsubj" and token.head.lower_ == "told":
            token.dep_ = "dep"
    analysis = analysis_from_doc(Article(id="t", text=text), doc)
    assert [(q.speaker_rule, q.speaker_mention.text) for q in analysis.quotations] == [("adjacent-noun", "Omar")]


def test_sample_graph_names_the_rules_of_each_quotation(sample_store_path):
    from kg.store import QuoteStore

    with QuoteStore.open(sample_store_path, read_only=True) as store:
        rows = [
            (row["n"].value, row["r"].value)
            for row in store.query(
                "SELECT ?r (COUNT(?q) AS ?n) WHERE { ?q a schema:Quotation ; qg:extractedBy ?r } GROUP BY ?r"
            )
        ]
        quotations = next(iter(store.query("SELECT (COUNT(?q) AS ?n) WHERE { ?q a schema:Quotation }")))["n"].value
    assert sum(int(n) for n, _ in rows) == int(quotations) > 0
    assert {r.rsplit("/", 1)[1] for _, r in rows} <= {r.name for r in QUOTATION_RULES}


def test_an_unknown_rule_does_not_conform():
    from kg.validate import validate_graph

    text = (
        "@prefix schema: <https://schema.org/> . @prefix qg: <https://w3id.org/quotegraph/ontology#> .\n"
        "<https://w3id.org/quotegraph/id/quote/a/0-5> a schema:Quotation ; schema:text \"Hello\" ;\n"
        "  qg:extractedBy <https://w3id.org/quotegraph/rule/guesswork> ."
    )
    report = validate_graph(Graph().parse(data=text, format="turtle"))
    assert not report.conforms
    assert "guesswork" in report.results_text
