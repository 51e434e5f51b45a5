"""The ontology and the SHACL shapes: they parse, every qg: term is documented, and the shapes
accept a well-formed graph and reject each kind of defect."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib import namespace as ns
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import EXIT_INVALID, InputError
from kg.graph.vocab import PREFIXES, PROV, QG, QG_TERMS, SCHEMA
from kg.validate import ONTOLOGY_FILE, SHAPES_FILE, ValidationReport, validate_graph

ONTOLOGY_IRI = URIRef("https://w3id.org/quotegraph/ontology")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


# ---- syntax -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ONTOLOGY_FILE, SHAPES_FILE], ids=lambda p: p.name)
def test_rapper_parses(path: Path) -> None:
    rapper = shutil.which("rapper")
    if rapper is None:
        pytest.skip("rapper (raptor2-utils) is not installed: cannot cross-check the Turtle syntax")
    run = subprocess.run([rapper, "-i", "turtle", "-c", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    found = re.search(r"returned (\d+) triples", run.stderr)
    assert found, run.stderr
    # Two independent parsers must read the same number of triples.
    assert int(found.group(1)) == len(Graph().parse(path, format="turtle"))


# ---- the ontology ------------------------------------------------------------------------------


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, ns.RDF.type, ns.OWL.Ontology) in ontology
    version = ontology.value(ONTOLOGY_IRI, ns.OWL.versionInfo)
    assert version is not None
    assert ontology.value(ONTOLOGY_IRI, ns.OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
    for prop in (ns.RDFS.label, ns.RDFS.comment, ns.DCTERMS.creator, ns.DCTERMS.license):
        assert ontology.value(ONTOLOGY_IRI, prop) is not None, prop
    assert (
        str(ontology.value(ONTOLOGY_IRI, URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")))
        == (PREFIXES["qg"])
    )


def _declared_qg_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(PREFIXES["qg"])}


def test_ontology_declares_exactly_the_vocab_terms(ontology: Graph) -> None:
    assert _declared_qg_terms(ontology) == {QG[term] for term in QG_TERMS}


@pytest.mark.parametrize("term", QG_TERMS)
def test_every_term_is_documented(ontology: Graph, term: str) -> None:
    iri = QG[term]
    for prop in (ns.RDFS.label, ns.RDFS.comment):
        value = ontology.value(iri, prop)
        assert isinstance(value, Literal) and str(value).strip(), f"qg:{term} lacks {prop}"
    assert ontology.value(iri, ns.RDFS.isDefinedBy) == ONTOLOGY_IRI
    kinds = set(ontology.objects(iri, ns.RDF.type))
    assert kinds & {ns.OWL.Class, ns.OWL.ObjectProperty, ns.OWL.DatatypeProperty, ns.OWL.NamedIndividual}


def test_quote_types_and_group(ontology: Graph) -> None:
    assert set(ontology.subjects(ns.RDF.type, QG.QuoteType)) == {QG.Direct, QG.Mixed, QG.Indirect}
    assert (QG.Group, ns.RDFS.subClassOf, PROV.Agent) in ontology
    assert (QG.quoteType, ns.RDFS.range, QG.QuoteType) in ontology
    assert (QG.quoteType, ns.RDFS.domain, SCHEMA.Quotation) in ontology


def test_shapes_use_only_declared_terms(shapes: Graph) -> None:
    used = {t for triple in shapes for t in triple if isinstance(t, URIRef) and t.startswith(PREFIXES["qg"])}
    assert used and used <= {QG[term] for term in QG_TERMS}


# ---- the shapes on a hand-written graph ----------------------------------------------------------

# The body is 18 characters; "Hello," is [1, 7).  Relative IRIs: Turtle forbids "/" in prefixed names.
VALID = """
@base <https://w3id.org/quotegraph/id/> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .
@prefix qg: <https://w3id.org/quotegraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<article/a> a schema:NewsArticle ; schema:identifier "a" ; schema:articleBody "“Hello,” Ann said." ;
    qg:contentHash "0123456789abcdef" ; schema:datePublished "2018-02-05"^^xsd:date ;
    schema:publisher <organization/city> ; schema:mentions <person/ann> .
<quote/a/1-7> a schema:Quotation ; schema:text "Hello," ; schema:isPartOf <article/a> ;
    qg:quoteType qg:Direct ; qg:cue "said" ; qg:speakerMention "Ann" ;
    schema:spokenByCharacter <person/ann> ; prov:wasAttributedTo <person/ann> ;
    oa:hasSelector <quote/a/1-7/selector> ; prov:wasGeneratedBy <quote/a/1-7/act> .
<quote/a/1-7/selector> a oa:TextPositionSelector ;
    oa:start "1"^^xsd:nonNegativeInteger ; oa:end "7"^^xsd:nonNegativeInteger .
<quote/a/1-7/act> a schema:CommunicateAction, prov:Activity ; schema:agent <person/ann> ;
    schema:result <quote/a/1-7> ; qg:cue "said" .
<person/ann> a schema:Person, prov:Agent ; schema:name "Ann" ; schema:memberOf <role/a/ann/mayor> .
<person/bob> a schema:Person ; schema:name "Bob" .
<role/a/ann/mayor> a schema:OrganizationRole ; schema:roleName "mayor" ;
    prov:wasDerivedFrom <article/a> ; schema:memberOf <organization/city> .
<organization/city> a schema:Organization ; schema:name "City" .
<event/a/greet> a sem:Event, schema:Event ; schema:name "greet" ; qg:trigger "said" ;
    sem:hasActor <person/ann> ; prov:wasDerivedFrom <article/a> ; oa:hasSelector <event/a/greet/selector> .
<event/a/greet/selector> a oa:TextPositionSelector ;
    oa:start "0"^^xsd:nonNegativeInteger ; oa:end "18"^^xsd:nonNegativeInteger .
"""

UPDATE_PREFIXES = """
BASE <https://w3id.org/quotegraph/id/>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX qg: <https://w3id.org/quotegraph/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# name → (SPARQL Update that introduces one defect, constraint component that must report it)
DEFECTS: dict[str, tuple[str, str]] = {
    "quotation without text": ("DELETE WHERE { <quote/a/1-7> schema:text ?t }", "MinCount"),
    "quotation with two texts": ('INSERT DATA { <quote/a/1-7> schema:text "Hi," }', "MaxCount"),
    "quotation of no article": ("DELETE WHERE { <quote/a/1-7> schema:isPartOf ?a }", "MinCount"),
    "unknown quote type": (
        "DELETE { <quote/a/1-7> qg:quoteType qg:Direct } INSERT { <quote/a/1-7> qg:quoteType qg:Sarcastic } WHERE {}",
        "In",
    ),
    "selector missing": ("DELETE WHERE { <quote/a/1-7> oa:hasSelector ?s }", "MinCount"),
    "selector without end": ("DELETE WHERE { <quote/a/1-7/selector> oa:end ?e }", "MinCount"),
    "negative start": (
        'DELETE { ?s oa:start ?v } INSERT { ?s oa:start "-1"^^xsd:integer } '
        "WHERE { BIND(<quote/a/1-7/selector> AS ?s) ?s oa:start ?v }",
        "MinInclusive",
    ),
    "offset that is not an integer": (
        'DELETE { ?s oa:end ?v } INSERT { ?s oa:end "7" } WHERE { BIND(<quote/a/1-7/selector> AS ?s) ?s oa:end ?v }',
        "Or",
    ),
    "start not before end": (
        'DELETE { ?s oa:start ?v } INSERT { ?s oa:start "7"^^xsd:nonNegativeInteger } '
        "WHERE { BIND(<quote/a/1-7/selector> AS ?s) ?s oa:start ?v }",
        "LessThan",
    ),
    "offsets do not give the text": (
        'DELETE { <quote/a/1-7> schema:text ?t } INSERT { <quote/a/1-7> schema:text "Hellx," } '
        "WHERE { <quote/a/1-7> schema:text ?t }",
        "SPARQL",
    ),
    "selector beyond the body": (
        'DELETE { ?s oa:end ?v } INSERT { ?s oa:end "99"^^xsd:nonNegativeInteger } '
        "WHERE { BIND(<event/a/greet/selector> AS ?s) ?s oa:end ?v }",
        "SPARQL",
    ),
    "two speakers": (
        "INSERT DATA { <quote/a/1-7> schema:spokenByCharacter <person/bob> ; prov:wasAttributedTo <person/bob> }",
        "MaxCount",
    ),
    "speaker is not an agent": (
        "DELETE { <quote/a/1-7> schema:spokenByCharacter ?p ; prov:wasAttributedTo ?p } "
        "INSERT { <quote/a/1-7> schema:spokenByCharacter <article/a> ; prov:wasAttributedTo <article/a> } "
        "WHERE { <quote/a/1-7> schema:spokenByCharacter ?p }",
        "Node",
    ),
    "attribution disagrees with speaker": (
        "DELETE { <quote/a/1-7> prov:wasAttributedTo ?p } INSERT { <quote/a/1-7> prov:wasAttributedTo <person/bob> } "
        "WHERE { <quote/a/1-7> prov:wasAttributedTo ?p }",
        "Equals",
    ),
    "quotation without speech act": ("DELETE WHERE { <quote/a/1-7> prov:wasGeneratedBy ?act }", "MinCount"),
    "person without name": ("DELETE WHERE { <person/ann> schema:name ?n }", "MinCount"),
    "role without name": ("DELETE WHERE { <role/a/ann/mayor> schema:roleName ?n }", "MinCount"),
    "role held by no one": ("DELETE WHERE { <person/ann> schema:memberOf ?r }", "MinCount"),
    "event without name": ("DELETE WHERE { <event/a/greet> schema:name ?n }", "MinCount"),
    "article without body": ("DELETE WHERE { <article/a> schema:articleBody ?b }", "MinCount"),
    "bad content hash": (
        'DELETE { <article/a> qg:contentHash ?h } INSERT { <article/a> qg:contentHash "xyz" } '
        "WHERE { <article/a> qg:contentHash ?h }",
        "Pattern",
    ),
}


def test_valid_graph_conforms() -> None:
    report = validate_graph(Graph().parse(data=VALID, format="turtle"))
    assert report.conforms, report.results_text
    assert report.violations == 0


def test_store_normalised_offsets_conform() -> None:
    """Oxigraph stores xsd:nonNegativeInteger as xsd:integer: a store's union graph must still pass."""
    graph = Graph().parse(data=VALID.replace("xsd:nonNegativeInteger", "xsd:integer"), format="turtle")
    assert validate_graph(graph).conforms


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_defect_is_reported(name: str) -> None:
    update, component = DEFECTS[name]
    graph = Graph().parse(data=VALID, format="turtle")
    before = len(graph)
    graph.update(UPDATE_PREFIXES + update)
    assert len(graph) != before or "INSERT" in update, "the defect was not applied"
    report = validate_graph(graph)
    assert not report.conforms, name
    assert report.violations >= 1
    assert f"shacl#{component}ConstraintComponent" in report.results_text, report.results_text


# ---- the report and the `kg validate` command -------------------------------------------------


def test_summary_is_short() -> None:
    report = ValidationReport(
        conforms=False, results_text="", violations=30, triples=99, results=tuple(f"r{i}" for i in range(30))
    )
    lines = report.summary(max_lines=20).splitlines()
    assert lines[0] == "does not conform: 30 violation(s) in 99 triples"
    assert lines[1:21] == [f"  r{i}" for i in range(20)]
    assert lines[21:] == ["  … and 10 more"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The valid graph as Turtle and as TriG (one named graph), and a broken Turtle file."""
    folder = tmp_path_factory.mktemp("validate")
    valid = Graph().parse(data=VALID, format="turtle")
    paths = {name: folder / name for name in ("valid.ttl", "valid.trig", "broken.ttl", "bad-syntax.ttl")}
    valid.serialize(paths["valid.ttl"], format="turtle")
    dataset = Dataset()
    named = dataset.graph(URIRef("https://w3id.org/quotegraph/id/graph/a"))
    for triple in valid:
        named.add(triple)
    dataset.serialize(paths["valid.trig"], format="trig")
    broken = Graph().parse(data=VALID, format="turtle")
    broken.update(UPDATE_PREFIXES + DEFECTS["quotation without text"][0])
    broken.serialize(paths["broken.ttl"], format="turtle")
    paths["bad-syntax.ttl"].write_text("<a> <b> .\n", encoding="utf-8")
    return paths


@pytest.mark.parametrize("name", ["valid.ttl", "valid.trig"])
def test_cli_conforms(files: dict[str, Path], name: str) -> None:
    result = CliRunner().invoke(app, ["validate", str(files[name])])
    assert result.exit_code == 0, result.output
    n = len(Graph().parse(data=VALID, format="turtle"))
    assert result.output.strip() == f"conforms: {n} triples checked"


def test_cli_reports_violations(files: dict[str, Path]) -> None:
    result = CliRunner().invoke(app, ["validate", str(files["broken.ttl"])])
    assert result.exit_code == EXIT_INVALID
    assert result.output.startswith("does not conform: 1 violation(s)")
    assert "qgid:quote/a/1-7 schema:text: Less than 1 values" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.ttl"], "missing.ttl: no such file"),
        (["bad-syntax.ttl"], "bad-syntax.ttl: not valid turtle: line 1"),
    ],
)
def test_cli_input_errors(files: dict[str, Path], args: list[str], message: str) -> None:
    folder = files["valid.ttl"].parent
    result = CliRunner().invoke(app, ["validate", *[str(folder / a) for a in args]])
    assert isinstance(result.exception, InputError)
    assert message in str(result.exception)


def test_cli_error_is_one_line(tmp_path: Path) -> None:
    """Through the real entry point: a KgError is one line on stderr and a non-zero exit."""
    run = subprocess.run(
        [sys.executable, "-c", "from kg.cli import main; main()", "validate", str(tmp_path / "nope.ttl")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == InputError.exit_code
    assert run.stderr.strip() == f"kg: error: {tmp_path / 'nope.ttl'}: no such file"
