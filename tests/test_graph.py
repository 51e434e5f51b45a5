"""The graph stage: contract triples, deterministic IRIs, no blank nodes, SHACL conformance."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.graph import (
    QG,
    QGID,
    SCHEMA,
    analysis_to_graph,
    article_key,
    graph_iri,
    group_iri,
    organization_iri,
    person_iri,
    place_iri,
    quote_iri,
    role_iri,
    slug,
)
from kg.graph.iris import IDENTITY_GRAPH
from kg.graph.literals import date_published_literal, time_value_literal
from kg.model import Analysis, Article, Entity, Event, Mention, Quotation, Role
from kg.validate import ONTOLOGY_FILE, validate_graph

TEXT = (
    "The number of US forces in Iraq will fall after the government in Baghdad declared victory over "
    "ISIS, an Iraqi government spokesman told CNN.\n"
    "On Monday, the US-led coalition fighting ISIS announced a “shift in focus” in its military "
    "campaign in Iraq. This meant US troops would be “gradually reduced,” Iraqi government spokesman "
    "Saad al-Hadithi told CNN.\n"
    "“We are not leaving tomorrow,” officials said in a statement.\n"
    "Last December, Iraq’s military declared that it had “fully liberated” all of Iraq.\n"
)


def span(fragment: str) -> tuple[int, int]:
    """Offsets of the first occurrence of `fragment` in TEXT."""
    start = TEXT.index(fragment)
    return start, start + len(fragment)


def mention(fragment: str, **kwargs) -> Mention:
    start, end = span(fragment)
    return Mention(text=fragment, start=start, end=end, **kwargs)


def quotation(content: str, type_: str, **kwargs) -> Quotation:
    start, end = span(content)
    return Quotation(content=content, start=start, end=end, type=type_, **kwargs)  # type: ignore[arg-type]


def make_analysis() -> Analysis:
    """A small realistic article: 5 quotations of every type, people, organisations, a group,
    places, a role and two events; some references point at keys that were never resolved."""
    article = Article(
        id="iraq-troops",
        text=TEXT,
        title="US troops in Iraq to be reduced",
        url="https://edition.cnn.com/2018/02/05/middleeast/iraq-us-troops-drawdown/index.html",
        published="2018-02-05",
        source="CNN",
        origin="examples/articles/iraq-troops.txt",
    )
    hadithi = Entity(
        key="saad al-hadithi",
        kind="Person",
        name="Saad al-Hadithi",
        alternate_names={"Saad al-Hadithi", "al-Hadithi", "an Iraqi government spokesman"},
        roles=[
            Role(
                title="spokesman",
                organization="Iraqi Government",  # a surface name, not an entity key
                evidence="Iraqi government spokesman Saad al-Hadithi",
            )
        ],
        mentions=[mention("Saad al-Hadithi", form="name", kind="Person")],
    )
    entities = [
        hadithi,
        Entity("iraqi government", "Organization", "Iraqi government"),  # no mention of its own
        Entity("cnn", "Organization", "CNN", mentions=[mention("CNN", kind="Organization")]),
        Entity(
            "us-led coalition",
            "Organization",
            "US-led coalition",
            alternate_names={"the US-led coalition fighting ISIS", "coalition"},
            mentions=[mention("the US-led coalition fighting ISIS", kind="Organization")],
        ),
        Entity("isis", "Organization", "ISIS", mentions=[mention("ISIS", kind="Organization")]),
        Entity("officials", "Group", "officials", mentions=[mention("officials", form="group")]),
        Entity("iraq", "Place", "Iraq", alternate_names={"Iraq’s"}, mentions=[mention("Iraq")]),
        Entity("baghdad", "Place", "Baghdad", mentions=[mention("Baghdad")]),
    ]
    quotations = [
        quotation(
            "The number of US forces in Iraq will fall after the government in Baghdad declared "
            "victory over ISIS",
            "indirect",
            cue="told",
            cue_lemma="tell",
            speaker_mention=mention("an Iraqi government spokesman", form="role", kind="Person"),
            speaker="saad al-hadithi",
            addressee="cnn",
            addressee_text="CNN",
            about=["iraq", "baghdad", "isis", "never-resolved"],
        ),
        quotation(
            "a “shift in focus” in its military campaign in Iraq",
            "mixed",
            cue="announced",
            cue_lemma="announce",
            speaker_mention=mention("the US-led coalition fighting ISIS"),
            speaker="us-led coalition",
            time_text="On Monday",
            about=["iraq"],
        ),
        quotation(
            "gradually reduced,",
            "direct",
            cue="told",
            cue_lemma="tell",
            speaker_mention=mention("Saad al-Hadithi"),
            speaker="saad al-hadithi",
            addressee="cnn",
        ),
        quotation(
            "We are not leaving tomorrow,",
            "direct",
            cue="said",
            cue_lemma="say",
            speaker_mention=mention("officials", form="group"),
            speaker="officials",
            channel="statement",
        ),
        quotation(  # its speaker was never resolved: the speaker link must be skipped
            "it had “fully liberated” all of Iraq",
            "mixed",
            cue="declared",
            cue_lemma="declare",
            speaker_mention=mention("Iraq’s military"),
            speaker="iraqi military",
            time_text="Last December",
        ),
    ]
    victory_start, victory_end = 0, TEXT.index("\n")  # the first sentence
    liberation_start, liberation_end = span(
        "Last December, Iraq’s military declared that it had “fully liberated” all of Iraq."
    )
    events = [
        Event(
            key="declare victory baghdad",
            label="declare victory over ISIS",
            trigger="declared",
            start=victory_start,
            end=victory_end,
            place="baghdad",
            participants=["isis", "never-resolved"],
        ),
        Event(
            key="liberate iraq",
            label="liberate Iraq",
            trigger="liberated",
            start=liberation_start,
            end=liberation_end,
            time_text="Last December",
            time_value="2017-12",
            place="iraq",
            participants=["iraq"],
        ),
    ]
    return Analysis(
        article=article,
        quotations=quotations,
        entities={e.key: e for e in entities},
        events=events,
    )


@pytest.fixture(scope="module")
def built() -> tuple[str, Graph]:
    return analysis_to_graph(make_analysis())


@pytest.fixture(scope="module")
def graph(built: tuple[str, Graph]) -> Graph:
    return built[1]


AK = "iraq-troops"
ARTICLE = QGID[f"article/{AK}"]
HADITHI = QGID["person/saad-al-hadithi"]
CNN = QGID["organization/cnn"]
COALITION = QGID["organization/us-led-coalition"]
OFFICIALS = QGID[f"group/{AK}/officials"]


def iri_of(content: str) -> URIRef:
    start, end = span(content)
    return QGID[f"quote/{AK}/{start}-{end}"]


Q_INDIRECT = iri_of(
    "The number of US forces in Iraq will fall after the government in Baghdad declared victory over ISIS"
)
Q_MIXED = iri_of("a “shift in focus” in its military campaign in Iraq")
Q_DIRECT = iri_of("gradually reduced,")
Q_GROUP = iri_of("We are not leaving tomorrow,")
Q_UNRESOLVED = iri_of("it had “fully liberated” all of Iraq")


# ---- slugs and IRIs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saad al-Hadithi", "saad-al-hadithi"),
        ("O’Brien", "obrien"),  # curly apostrophe folded, then dropped
        ("O'Brien's office", "obriens-office"),
        ("  --Hello,  World!! ", "hello-world"),
        ("ＣＮＮ", "cnn"),  # NFKC: full-width letters
        ("ﬁnance", "finance"),  # NFKC: ligature
        ("US-led coalition", "us-led-coalition"),
        ("x" * 80, "x" * 80),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


@pytest.mark.parametrize("text", ["", "!!!", "“”", "x" * 81, "https://example.com/" + "a/" * 40])
def test_slug_falls_back_to_hash(text: str) -> None:
    assert slug(text) == "h" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def test_iris_follow_the_contract() -> None:
    assert article_key("iraq-troops") == "iraq-troops"  # an id already in folded form is its own key
    assert article_key("Iraq Troops") == "iraq-troops-" + hashlib.sha256(b"Iraq Troops").hexdigest()[:8]
    assert graph_iri(AK) == URIRef("https://w3id.org/quotegraph/id/graph/iraq-troops")
    assert quote_iri(AK, 0, 100) == URIRef("https://w3id.org/quotegraph/id/quote/iraq-troops/0-100")
    assert person_iri("Saad al-Hadithi") == HADITHI
    assert organization_iri("CNN") == CNN
    assert place_iri("Iraq") == QGID["place/iraq"]
    assert group_iri(AK, "officials") == OFFICIALS
    assert group_iri("other", "officials") != OFFICIALS  # groups are article-local
    assert role_iri(AK, "saad al-hadithi", "Spokesman") == QGID[f"role/{AK}/saad-al-hadithi/spokesman"]
    with pytest.raises(ValueError):
        quote_iri(AK, 10, 5)


@pytest.mark.parametrize(
    ("a", "b"),
    [("A b", "a-b"), ("Müller", "Muller"), ("Статья 1", "Новость 1"), ("a/story", "a-story"),
     ("https://x.example/a-b", "https://x.example/a/b"), ("Iraq Troops", "iraq troops")],
)
def test_ids_that_fold_alike_keep_apart(a: str, b: str) -> None:
    """Folding loses case, accents, scripts and punctuation; the key then keeps a hash of the id."""
    assert article_key(a) != article_key(b)
    for key in (article_key(a), article_key(b)):
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key), key


@pytest.mark.parametrize("reserved", ["identity", "summary"])
def test_an_article_cannot_take_a_graph_name_of_the_store(reserved: str) -> None:
    assert graph_iri(article_key(reserved)) != IDENTITY_GRAPH
    assert article_key(reserved).startswith(f"{reserved}-")


# ---- determinism and shape of the output ------------------------------------------------------


def test_graph_iri_and_identifier(built: tuple[str, Graph]) -> None:
    iri, graph = built
    assert iri == "https://w3id.org/quotegraph/id/graph/iraq-troops"
    assert graph.identifier == URIRef(iri)


def test_no_blank_nodes(graph: Graph) -> None:
    blanks = [t for t in graph if any(isinstance(term, BNode) for term in t)]
    assert blanks == []


def test_all_nodes_are_qgid_iris(graph: Graph) -> None:
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    assert subjects and all(s.startswith(str(QGID)) for s in subjects)


def test_same_analysis_gives_same_triples(graph: Graph) -> None:
    _, again = analysis_to_graph(make_analysis())
    assert isomorphic(graph, again)
    assert set(graph) == set(again)


def _sorted_ntriples(graph: Graph) -> list[str]:
    return sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())


def test_same_triples_in_another_process(graph: Graph) -> None:
    # A different hash seed changes set iteration order: the output must not depend on it.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from test_graph import make_analysis;"
        "from kg.graph import analysis_to_graph;"
        "sys.stdout.write(analysis_to_graph(make_analysis())[1].serialize(format='nt'))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        encoding="utf-8",
    ).stdout
    assert sorted(line for line in out.splitlines() if line.strip()) == _sorted_ntriples(graph)


# ---- the contract triples ---------------------------------------------------------------------

PREFIXES = """
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX qg: <https://w3id.org/quotegraph/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

CONTRACT = {
    "article": f"""ASK {{ <{ARTICLE}> a schema:NewsArticle ; schema:identifier "iraq-troops" ;
        schema:headline "US troops in Iraq to be reduced" ;
        schema:url "https://edition.cnn.com/2018/02/05/middleeast/iraq-us-troops-drawdown/index.html"^^xsd:anyURI ;
        schema:datePublished "2018-02-05"^^xsd:date ;
        qg:contentHash "{hashlib.sha256(TEXT.encode()).hexdigest()[:16]}" ;
        schema:publisher <{CNN}> ; schema:articleBody ?body . FILTER (STR(?body) = {TEXT!r}) }}""",
    "mentions": f"""ASK {{ <{ARTICLE}> schema:mentions <{HADITHI}>, <{CNN}>, <{COALITION}>, <{OFFICIALS}>,
        <https://w3id.org/quotegraph/id/place/iraq>, <https://w3id.org/quotegraph/id/place/baghdad> }}""",
    "indirect quotation": f"""ASK {{ <{Q_INDIRECT}> a schema:Quotation ; schema:isPartOf <{ARTICLE}> ;
        qg:quoteType qg:Indirect ; schema:spokenByCharacter <{HADITHI}> ; prov:wasAttributedTo <{HADITHI}> ;
        qg:cue "told" ; qg:speakerMention "an Iraqi government spokesman" ; qg:addressee <{CNN}> ;
        schema:about <https://w3id.org/quotegraph/id/place/iraq>,
                     <https://w3id.org/quotegraph/id/place/baghdad>,
                     <https://w3id.org/quotegraph/id/organization/isis> ;
        schema:text "The number of US forces in Iraq will fall after the government in Baghdad declared victory over ISIS" }}""",
    "mixed quotation": f"""ASK {{ <{Q_MIXED}> qg:quoteType qg:Mixed ; schema:spokenByCharacter <{COALITION}> ;
        qg:cue "announced" ; qg:timeText "On Monday" ; qg:speakerMention "the US-led coalition fighting ISIS" }}""",
    "direct quotation": f"""ASK {{ <{Q_DIRECT}> qg:quoteType qg:Direct ; schema:text "gradually reduced," ;
        prov:wasAttributedTo <{HADITHI}> }}""",
    "group speaker": f"""ASK {{ <{Q_GROUP}> schema:spokenByCharacter <{OFFICIALS}> ; qg:channel "statement" .
        <{OFFICIALS}> a qg:Group, prov:Agent ; schema:name "officials" }}""",
    "selector": f"""ASK {{ <{Q_DIRECT}> oa:hasSelector <{Q_DIRECT}/selector> .
        <{Q_DIRECT}/selector> a oa:TextPositionSelector ; oa:start ?s ; oa:end ?e .
        FILTER (datatype(?s) = xsd:nonNegativeInteger && datatype(?e) = xsd:nonNegativeInteger) }}""",
    "speech act": f"""ASK {{ <{Q_INDIRECT}> prov:wasGeneratedBy <{Q_INDIRECT}/act> .
        <{Q_INDIRECT}/act> a schema:CommunicateAction, prov:Activity ; schema:agent <{HADITHI}> ;
        schema:recipient <{CNN}> ; schema:result <{Q_INDIRECT}> ; qg:cue "told" .
        <{Q_GROUP}/act> qg:channel "statement" . <{Q_MIXED}/act> qg:timeText "On Monday" .
        FILTER NOT EXISTS {{ ?act prov:used ?anything }} }}""",
    "person": f"""ASK {{ <{HADITHI}> a schema:Person, prov:Agent ; schema:name "Saad al-Hadithi" ;
        schema:alternateName "al-Hadithi", "an Iraqi government spokesman" }}""",
    "role": f"""ASK {{ <{HADITHI}> schema:memberOf <https://w3id.org/quotegraph/id/role/{AK}/saad-al-hadithi/spokesman> .
        <https://w3id.org/quotegraph/id/role/{AK}/saad-al-hadithi/spokesman> a schema:OrganizationRole ;
            schema:roleName "spokesman" ; prov:wasDerivedFrom <{ARTICLE}> ;
            schema:memberOf <https://w3id.org/quotegraph/id/organization/iraqi-government> .
        <https://w3id.org/quotegraph/id/organization/iraqi-government> a schema:Organization ;
            schema:name "Iraqi government" }}""",
    "organisation and place": f"""ASK {{ <{CNN}> a schema:Organization ; schema:name "CNN" .
        <{COALITION}> a schema:Organization, prov:Agent ; schema:alternateName "coalition" .
        <https://w3id.org/quotegraph/id/place/iraq> a schema:Place ; schema:name "Iraq" ; schema:alternateName "Iraq’s" }}""",
    "event": f"""ASK {{ ?e a sem:Event, schema:Event ; schema:name "liberate Iraq" ; qg:trigger "liberated" ;
        sem:hasActor <https://w3id.org/quotegraph/id/place/iraq> ; sem:hasPlace <https://w3id.org/quotegraph/id/place/iraq> ;
        qg:timeText "Last December" ; sem:hasTimeStamp "2017-12"^^xsd:gYearMonth ;
        schema:startDate "2017-12"^^xsd:gYearMonth ; prov:wasDerivedFrom <{ARTICLE}> ;
        oa:hasSelector ?sel . ?sel a oa:TextPositionSelector .
        FILTER (?e = <https://w3id.org/quotegraph/id/event/{AK}/liberate-iraq>
                && ?sel = <https://w3id.org/quotegraph/id/event/{AK}/liberate-iraq/selector>) }}""",
    "event with place and actor": f"""ASK {{ <https://w3id.org/quotegraph/id/event/{AK}/declare-victory-baghdad>
        sem:hasPlace <https://w3id.org/quotegraph/id/place/baghdad> ;
        sem:hasActor <https://w3id.org/quotegraph/id/organization/isis> }}""",
}


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_contract_triples(graph: Graph, name: str) -> None:
    assert graph.query(PREFIXES + CONTRACT[name]).askAnswer, name


def count(graph: Graph, query: str) -> int:
    return int(next(iter(graph.query(PREFIXES + query)))[0])


def test_counts(graph: Graph) -> None:
    assert count(graph, "SELECT (COUNT(?q) AS ?n) { ?q a schema:Quotation }") == 5
    assert count(graph, "SELECT (COUNT(?a) AS ?n) { ?a a schema:CommunicateAction }") == 5
    assert count(graph, "SELECT (COUNT(?e) AS ?n) { ?e a sem:Event }") == 2
    assert count(graph, "SELECT (COUNT(?s) AS ?n) { ?s a oa:TextPositionSelector }") == 7


def test_offsets_slice_the_body_back_to_the_text(graph: Graph) -> None:
    rows = list(
        graph.query(
            PREFIXES
            + """SELECT ?text ?start ?end ?body {
                ?q a schema:Quotation ; schema:text ?text ; oa:hasSelector ?s ; schema:isPartOf ?a .
                ?s oa:start ?start ; oa:end ?end . ?a schema:articleBody ?body }"""
        )
    )
    assert len(rows) == 5
    for text, start, end, body in rows:
        assert str(body)[start.toPython() : end.toPython()] == str(text)


def test_unresolved_keys_are_skipped(graph: Graph) -> None:
    assert not any(
        "never-resolved" in str(term) or "iraqi-military" in str(term) for t in graph for term in t
    )
    assert graph.value(Q_UNRESOLVED, SCHEMA.spokenByCharacter) is None
    assert (Q_UNRESOLVED, QG.speakerMention, Literal("Iraq’s military")) in graph


def test_alternate_names_exclude_the_name(graph: Graph) -> None:
    names = sorted(str(n) for n in graph.objects(HADITHI, SCHEMA.alternateName))
    assert names == ["al-Hadithi", "an Iraqi government spokesman"]


def test_publisher_reuses_the_entity(graph: Graph) -> None:
    assert list(graph.objects(CNN, SCHEMA.name)) == [Literal("CNN")]


@pytest.mark.parametrize("entity_known", [False, True])
def test_publisher_key_is_the_resolved_name_key(entity_known: bool) -> None:
    """The publisher's IRI uses resolve's name key ("The Guardian" → "guardian")."""
    entities = {"guardian": Entity("guardian", "Organization", "Guardian")} if entity_known else {}
    article = Article(id="g-1", text="Nothing was said.", source="The Guardian")
    _, graph = analysis_to_graph(Analysis(article, entities=entities))
    guardian = QGID["organization/guardian"]
    assert graph.value(QGID["article/g-1"], SCHEMA.publisher) == guardian
    names = sorted(str(n) for n in graph.objects(guardian, SCHEMA.name))
    assert names == (["Guardian"] if entity_known else ["The Guardian"])


def test_only_speakers_are_agents(graph: Graph) -> None:
    prov_agent = URIRef("http://www.w3.org/ns/prov#Agent")
    assert set(graph.subjects(ns.RDF.type, prov_agent)) == {HADITHI, COALITION, OFFICIALS}


def test_unmentioned_entities_are_not_mentions(graph: Graph) -> None:
    org = QGID["organization/iraqi-government"]
    assert (org, ns.RDF.type, SCHEMA.Organization) in graph
    assert (ARTICLE, SCHEMA.mentions, org) not in graph


def test_duplicate_span_keeps_the_first(caplog: pytest.LogCaptureFixture) -> None:
    analysis = make_analysis()
    first = analysis.quotations[2]
    analysis.quotations.append(
        Quotation(first.content, first.start, first.end, "indirect", speaker="cnn", cue="wrote")
    )
    with caplog.at_level(logging.WARNING, logger="kg.graph.build"):
        _, graph = analysis_to_graph(analysis)
    assert list(graph.objects(Q_DIRECT, QG.quoteType)) == [QG.Direct]
    assert list(graph.objects(Q_DIRECT, SCHEMA.spokenByCharacter)) == [HADITHI]
    assert "duplicate quotation" in caplog.text


def test_minimal_article() -> None:
    """An article with nothing extracted still yields a valid, typed article node."""
    analysis = Analysis(Article(id="a" * 200, text="Nothing was said.", published="last week"))
    iri, graph = analysis_to_graph(analysis)
    key = slug("a" * 200)
    assert key.startswith("h") and iri.endswith(f"/graph/{key}")
    article = QGID[f"article/{key}"]
    assert graph.value(article, SCHEMA.datePublished) == Literal("last week")
    assert graph.value(article, SCHEMA.publisher) is None
    assert len(graph) == 5


@pytest.mark.parametrize(
    ("text", "lexical", "datatype"),
    [
        ("2018-02-05", "2018-02-05", ns.XSD.date),
        ("2018-02-05T14:30:00Z", "2018-02-05T14:30:00+00:00", ns.XSD.dateTime),
        ("Mon, 05 Feb 2018 14:30:00 GMT", "2018-02-05T14:30:00+00:00", ns.XSD.dateTime),
        ("February 5, 2018", "2018-02-05", ns.XSD.date),
        ("Monday", "Monday", None),  # relative: never resolved against the clock
        ("2018-02-30", "2018-02-30", None),
    ],
)
def test_date_published_literal(text: str, lexical: str, datatype: URIRef | None) -> None:
    literal = date_published_literal(text)
    assert (str(literal), literal.datatype) == (lexical, datatype)


@pytest.mark.parametrize(
    ("text", "datatype"),
    [
        ("2017", ns.XSD.gYear),
        ("2017-12", ns.XSD.gYearMonth),
        ("2017-12-01", ns.XSD.date),
        ("2017/2018", None),
    ],
)
def test_time_value_literal(text: str, datatype: URIRef | None) -> None:
    assert time_value_literal(text).datatype == datatype


# ---- validation ---------------------------------------------------------------------------------


def test_built_graph_conforms(graph: Graph) -> None:
    before = set(graph)
    report = validate_graph(graph)
    assert set(graph) == before  # the ontology is mixed into a copy, never into the caller's graph
    assert report.conforms, report.results_text
    assert report.violations == 0
    assert report.summary() == f"conforms: {len(graph)} triples checked"


def test_broken_graph_does_not_conform(graph: Graph) -> None:
    broken = Graph()
    for triple in graph:
        broken.add(triple)
    broken.remove((Q_DIRECT, SCHEMA.text, None))
    broken.remove((Q_MIXED, URIRef("http://www.w3.org/ns/oa#hasSelector"), None))
    report = validate_graph(broken)
    assert not report.conforms
    assert report.violations == 2
    assert any(line.startswith(f"qgid:quote/{AK}/") and "schema:text" in line for line in report.results)
    assert any("oa:hasSelector" in line for line in report.results)
    assert report.summary().startswith("does not conform: 2 violation(s)")


def test_every_qg_term_is_declared(graph: Graph) -> None:
    ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    used = {
        term for triple in graph for term in triple if isinstance(term, URIRef) and term.startswith(str(QG))
    }
    assert used  # the check below must not pass vacuously
    for term in sorted(used):
        assert ontology.value(term, ns.RDFS.label) is not None, term
        assert ontology.value(term, ns.RDFS.comment) is not None, term


def test_store_round_trip_still_conforms(built: tuple[str, Graph], tmp_path: Path) -> None:
    """The store normalises some literals (offsets become xsd:integer): `kg validate --store` must pass."""
    store_module = pytest.importorskip("kg.store")
    iri, graph = built
    with store_module.QuoteStore.open(tmp_path / "kg.db") as store:
        store.replace_article(iri, graph)
    result = CliRunner().invoke(app, ["validate", "--store", str(tmp_path / "kg.db")])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"conforms: {len(graph)} triples checked"
