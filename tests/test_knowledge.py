"""The knowledge around the quotes: roles and affiliations, organisation aliases, events and their
times, normalised speech times, and identity across articles (kg entities / kg who)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import DEV_DIR, SAMPLE_DIR
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KgError
from kg.model import Analysis, Article, Entity, Event, Quotation
from kg.resolve.aliases import merge_entities
from kg.resolve.timex import is_point_in_time, normalise_time
from kg.store import QuoteStore

SAMPLE_TEXT = (SAMPLE_DIR / "iraq-troops.txt").read_text(encoding="utf-8")
XSD = "http://www.w3.org/2001/XMLSchema#"
PUBLISHED = "2018-02-05"  # a Monday (the CNN article's date)


def analyse(nlp, text: str, published: str | None = None, id_: str = "t"):
    from kg.analysis import analyse as run

    return run(Article(id=id_, text=text, published=published), nlp)


@pytest.fixture(scope="module")
def sample(nlp) -> Analysis:
    return analyse(nlp, SAMPLE_TEXT, PUBLISHED, "iraq-troops")


def roles_of(analysis: Analysis, key: str) -> list[tuple[str, str | None, str | None]]:
    return [(r.title, r.rank, r.organization) for r in analysis.entities[key].roles]


def jsonl(path: Path, *articles: dict) -> str:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return str(path)


def rows(store_path: Path, sparql: str) -> list[dict[str, str | None]]:
    with QuoteStore.open(store_path, read_only=True) as store:
        result = store.query(sparql)
        names = [v.value for v in result.variables]  # type: ignore[union-attr]
        return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]  # type: ignore[union-attr]


# ---- roles and affiliations ----------------------------------------------------------------------


def test_sample_roles_title_rank_and_organisation(sample):
    assert roles_of(sample, "saad al-hadithi") == [("spokesman", None, "Iraqi government")]
    assert roles_of(sample, "ryan dillon") == [("spokesman", "Army Colonel", "coalition")]
    # A nationality adjective alone stands for its country.
    assert roles_of(sample, "haider al-abadi") == [("Prime Minister", None, "Iraq")]
    assert roles_of(sample, "saddam hussein") == [("President", None, "Iraq")]


def test_apposition_roles_with_prepositional_organisations(nlp):
    reeves = analyse(
        nlp,
        "“It is a disaster,” said Eric Reeves, a senior fellow at the François-Xavier Bagnoud Center for "
        "Health and Human Rights at Harvard University.",
    )
    assert roles_of(reeves, "eric reeves") == [("senior fellow", None, "Harvard University")]
    nytimes = analyse(nlp, (DEV_DIR / "nytimes-3.txt").read_text(encoding="utf-8"))
    assert roles_of(nytimes, "patrick mchugh") == [
        ("vice president of electrical engineering and planning", None, "Con Edison")
    ]
    wapo = analyse(nlp, (DEV_DIR / "wapo-1.txt").read_text(encoding="utf-8"))
    assert roles_of(wapo, "josh earnest") == [("press secretary", None, "White House")]
    assert roles_of(wapo, "habib essid") == [("Prime Minister", None, "Tunisia")]  # NORP → GPE of the article


def test_roles_in_the_graph(sample_store_path):
    found = rows(
        sample_store_path,
        """SELECT ?person ?title ?rank ?org ?article WHERE {
             ?p a schema:Person ; schema:name ?person ; schema:memberOf ?r .
             ?r a schema:OrganizationRole ; schema:roleName ?title ; prov:wasDerivedFrom ?article .
             OPTIONAL { ?r qg:rank ?rank }
             OPTIONAL { ?r schema:memberOf/(schema:name|schema:alternateName) ?org }
           }""",
    )
    by_person: dict[str, set] = {}
    for row in found:
        by_person.setdefault(row["person"], set()).add((row["title"], row["rank"], row["org"]))
    assert ("spokesman", "Army Colonel", "Operation Inherent Resolve") in by_person["Ryan Dillon"]
    assert ("spokesman", None, "Iraqi government") in by_person["Saad al-Hadithi"]
    assert ("Prime Minister", None, "Iraq") in by_person["Haider al-Abadi"]
    assert all(row["article"].endswith("/article/iraq-troops") for row in found)


# ---- organisation aliases ------------------------------------------------------------------------


def test_sample_organisation_aliases(sample):
    isis = sample.entities["isis"]
    assert "Daesh" in isis.alternate_names and "daesh" not in sample.entities  # "Daesh (ISIS)"
    oir = sample.entities["operation inherent resolve"]
    assert {"US-led coalition", "US-led Operation Inherent Resolve", "Coalition"} <= oir.alternate_names
    assert not {"coalition", "us-led coalition", "us-led operation inherent resolve"} & set(sample.entities)
    shift = next(q for q in sample.quotations if "shift in focus" in q.content)
    assert shift.speaker == "operation inherent resolve"
    # "Iraq's government" is also called "Iraqi government", which the spokesman's role names.
    assert "Iraqi government" in sample.entities["iraq's government"].alternate_names


def test_merge_entities_rewrites_every_reference():
    text = "Daesh (ISIS) said it. ISIS did."
    analysis = Analysis(
        article=Article(id="m", text=text),
        entities={
            "daesh": Entity("daesh", "Place", "Daesh"),
            "isis": Entity("isis", "Organization", "ISIS", alternate_names={"Islamic State"}),
            "cnn": Entity("cnn", "Organization", "CNN"),
        },
        quotations=[Quotation("it", 18, 20, "indirect", speaker="daesh", addressee="daesh", about=["daesh", "cnn"])],
        events=[Event("e", "e", "did", 22, 31, place="daesh", participants=["daesh", "isis"])],
    )
    merge_entities(analysis, "daesh", "isis")
    assert set(analysis.entities) == {"isis", "cnn"}
    assert analysis.entities["isis"].kind == "Organization"
    assert analysis.entities["isis"].alternate_names == {"Daesh", "Islamic State"}
    q = analysis.quotations[0]
    assert (q.speaker, q.addressee, q.about) == ("isis", "isis", ["cnn"])  # the speaker is not its own topic
    assert analysis.events[0].place == "isis" and analysis.events[0].participants == ["isis"]


# ---- events ----------------------------------------------------------------------------------------


def test_sample_dated_events(sample):
    by_value = {e.time_value: e for e in sample.events if e.time_value}
    assert {"2003", "2010", "2014"} <= set(by_value)
    assert by_value["2003"].trigger == "toppled" and "saddam hussein" in by_value["2003"].participants
    assert by_value["2010"].trigger == "ended" and by_value["2010"].place == "iraq"
    assert by_value["2014"].trigger == "declared" and by_value["2014"].participants == ["isis"]
    assert "caliphate" in by_value["2014"].label
    for event in sample.events:  # evidence: the sentence holding the trigger
        assert event.start <= (event.trigger_start or 0) < event.end
        assert SAMPLE_TEXT[event.trigger_start : event.trigger_start + len(event.trigger)] == event.trigger


def test_sample_event_nouns_and_relative_times(sample):
    elections = next(e for e in sample.events if e.trigger == "elections")
    # "who is facing national elections in March", published in February: the coming March.
    assert (elections.time_text, elections.time_value) == ("March", "2018-03")
    assert elections.participants == ["haider al-abadi"]
    mosul = next(e for e in sample.events if e.trigger == "liberation")
    assert mosul.place == "mosul" and mosul.label == "liberation of Mosul" and mosul.time_text is None
    # Speech acts are quotations, not events: "announced …", "declared that …", "said in December".
    assert not any(e.trigger in {"announced", "said", "told"} for e in sample.events)
    assert not any(e.trigger == "declared" and e.time_text == "Last December" for e in sample.events)


def test_quotation_links_to_the_events_it_reports(sample):
    statement = next(q for q in sample.quotations if q.content.startswith("Enabled by accelerated"))
    assert statement.events == ["liberation-564"]


def test_events_without_publication_date_keep_relative_times_as_text(nlp):
    analysis = analyse(nlp, SAMPLE_TEXT)
    elections = next(e for e in analysis.events if e.trigger == "elections")
    assert (elections.time_text, elections.time_value) == ("March", None)
    assert {e.time_value for e in analysis.events if e.time_value} == {"2003", "2010", "2014"}


# ---- time normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Monday", "2018-02-05"),  # same day: news copy published on a Monday means that Monday
        ("On Monday", "2018-02-05"),
        ("last Monday", "2018-01-29"),
        ("Saturday", "2018-02-03"),
        ("Last December", "2017-12"),
        ("December", "2017-12"),
        ("last year", "2017"),
        ("yesterday", "2018-02-04"),
        ("in 2003", "2003"),
        ("March 2018", "2018-03"),
        ("Feb. 21, 2019", "2019-02-21"),
        ("more than three years", None),
        ("the 1990s", None),
    ],
)
def test_normalise_time_against_publication_date(text, value):
    assert normalise_time(text, PUBLISHED) == value


def test_normalise_time_without_publication_date():
    assert normalise_time("Monday") is None
    assert normalise_time("last year") is None
    assert normalise_time("In 2003") == "2003"
    assert normalise_time("March 2018") == "2018-03"
    assert normalise_time("March", PUBLISHED, "future") == "2018-03"
    assert not is_point_in_time("Seven decades later") and not is_point_in_time("each year")


def test_quotation_time_values_in_the_graph(tmp_path, nlp):
    from kg.pipeline import build

    store = tmp_path / "kg.db"
    build([jsonl(tmp_path / "a.jsonl", {"id": "iraq", "published": PUBLISHED, "text": SAMPLE_TEXT})], store_path=store, nlp=nlp)
    with QuoteStore.open(store, read_only=True) as st:
        found = {
            s["time"].value: (s["value"].value, s["value"].datatype.value)
            for s in st.query("SELECT ?time ?value WHERE { ?q qg:timeText ?time ; qg:timeValue ?value }")  # type: ignore[union-attr]
        }
    assert found["Monday"] == ("2018-02-05", XSD + "date")
    assert found["Last December"] == ("2017-12", XSD + "gYearMonth")
    assert found["last year"] == ("2017", XSD + "gYear")


def test_events_in_the_graph(sample_store_path):
    found = rows(
        sample_store_path,
        """SELECT ?name ?trigger ?when ?actor ?place WHERE {
             ?e a sem:Event, schema:Event ; schema:name ?name ; qg:trigger ?trigger ; prov:wasDerivedFrom ?a .
             OPTIONAL { ?e sem:hasTimeStamp ?when }
             OPTIONAL { ?e sem:hasActor/schema:name ?actor }
             OPTIONAL { ?e sem:hasPlace/schema:name ?place }
           }""",
    )
    years = {r["when"] for r in found if r["when"]}
    assert years == {"2003", "2010", "2014"}
    assert {"actor": "Saddam Hussein", "when": "2003"}.items() <= next(r for r in found if r["when"] == "2003").items()
    assert any(r["place"] == "Mosul" for r in found)
    linked = rows(sample_store_path, "SELECT ?text ?e WHERE { ?q qg:aboutEvent ?e ; schema:text ?text }")
    assert len(linked) == 1 and linked[0]["text"].startswith("Enabled by accelerated")


# ---- README examples ---------------------------------------------------------------------------------

AFFILIATED = """
SELECT DISTINCT ?speaker ?role ?org ?text WHERE {
  ?q schema:spokenByCharacter ?p ; schema:text ?text .
  ?p a schema:Person ; schema:name ?speaker ; schema:memberOf ?r .
  ?r schema:roleName ?role ; schema:memberOf ?o .
  ?o schema:name ?org ; schema:name|schema:alternateName ?label .
  FILTER (LCASE(STR(?label)) = "iraqi government")
}
ORDER BY ?speaker ?text
"""

EVENTS_IN_YEAR = """
SELECT DISTINCT ?event ?when ?speaker ?text WHERE {
  ?e a sem:Event ; schema:name ?event ; sem:hasTimeStamp ?when ; prov:wasDerivedFrom ?article .
  FILTER (STRSTARTS(STR(?when), "2014"))
  OPTIONAL {
    ?q schema:isPartOf ?article ; schema:text ?text ; schema:spokenByCharacter/schema:name ?speaker .
    { ?q qg:aboutEvent ?e } UNION { ?e sem:hasActor|sem:hasPlace ?x . ?q schema:about ?x }
  }
}
ORDER BY ?event ?speaker
"""


def test_readme_sparql_examples(sample_store_path):
    affiliated = rows(sample_store_path, AFFILIATED)
    assert {r["speaker"] for r in affiliated} == {"Saad al-Hadithi"}
    assert len(affiliated) == 3 and {r["role"] for r in affiliated} == {"spokesman"}
    events = rows(sample_store_path, EVENTS_IN_YEAR)
    assert {r["event"] for r in events} == {"ISIS declared Islamic caliphate"}
    assert {"Saad al-Hadithi", "Ryan Dillon"} <= {r["speaker"] for r in events}


# ---- identity across articles ---------------------------------------------------------------------

HADITHI = [
    {"id": "h1", "text": "“We will decide,” Iraqi government spokesman Saad al-Hadithi told CNN on Monday."},
    {"id": "h2", "text": "“The troops will go home,” said Saad al-Hadithi, the Iraqi government spokesman."},
]
WARNER = [
    {"id": "w1", "published": PUBLISHED, "text": "“We must act now on the deficit,” said Senator Mark Warner, a Virginia Democrat, on Monday."},
    {"id": "w2", "published": "2018-03-01", "text": "“The tax bill was a mistake,” said Mark R. Warner, the Virginia Democrat, last December."},
    {"id": "w3", "text": "Lawmakers met again. “It is time to act,” Mr. Warner said in an interview on Tuesday."},
]
OTHER_WARNER = {"id": "w4", "text": "“Markets are calm,” said John Warner, a professor at Harvard University."}


@pytest.fixture(scope="module")
def warner_store(tmp_path_factory, nlp) -> Path:
    from kg.pipeline import build

    tmp = tmp_path_factory.mktemp("warner")
    build([jsonl(tmp / "w.jsonl", *WARNER)], store_path=tmp / "kg.db", nlp=nlp)
    return tmp / "kg.db"


def test_two_articles_quoting_one_person_share_the_node(tmp_path, nlp):
    from kg.pipeline import build

    store = tmp_path / "kg.db"
    build([jsonl(tmp_path / "h.jsonl", *HADITHI)], store_path=store, nlp=nlp)
    found = rows(store, """SELECT ?p (COUNT(DISTINCT ?a) AS ?articles) (COUNT(DISTINCT ?r) AS ?roles) WHERE {
                              ?q schema:spokenByCharacter ?p ; schema:isPartOf ?a . ?p a schema:Person ; schema:memberOf ?r .
                            } GROUP BY ?p""")
    assert found == [{"p": "https://w3id.org/quotegraph/id/person/saad-al-hadithi", "articles": "2", "roles": "2"}]


def test_name_variants_and_surname_link_across_articles(warner_store):
    from kg.identity import identities

    with QuoteStore.open(warner_store, read_only=True) as store:
        report = identities(store)
    [warner] = report.find("Warner")
    assert warner.name == "Mark R. Warner" and warner.articles == ["w1", "w2", "w3"]
    assert {m.rule for m in warner.merges} == {"name variant", "surname"}
    assert warner.members == [
        "https://w3id.org/quotegraph/id/person/mark-r-warner",
        "https://w3id.org/quotegraph/id/person/mark-warner",
        "https://w3id.org/quotegraph/id/person/warner",
    ]


def test_surname_guard_keeps_a_bare_surname_apart(tmp_path, nlp):
    from kg.identity import identities
    from kg.pipeline import build

    store = tmp_path / "kg.db"
    build([jsonl(tmp_path / "w.jsonl", *WARNER, OTHER_WARNER)], store_path=store, nlp=nlp)
    with QuoteStore.open(store, read_only=True) as st:
        report = identities(st)
    bare = report.of("https://w3id.org/quotegraph/id/person/warner")
    assert bare is not None and bare.members == ["https://w3id.org/quotegraph/id/person/warner"]
    mark = report.of("https://w3id.org/quotegraph/id/person/mark-warner")
    assert mark is not None and mark.name == "Mark R. Warner"  # the full-name variants still link
    john = report.of("https://w3id.org/quotegraph/id/person/john-warner")
    assert john is not None and len(john.members) == 1  # a different first name never links
    assert any("surname guard" in b.reason for b in report.blocked_for(bare))


def test_conflicting_organisations_block_a_link():
    from kg.identity import resolve_identities
    from kg.identity.records import EntityRecord, RoleRecord

    def person(slug: str, name: str, article: str, org: str) -> EntityRecord:
        role = RoleRecord(article, "spokesman", None, org, {org})
        return EntityRecord(f"p/{slug}", "Person", {name}, set(), {article}, [role])

    records = {r.iri: r for r in (person("a", "John Smith", "x", "Pentagon"), person("b", "John A. Smith", "y", "Harvard University"))}
    report = resolve_identities(records)
    assert len(report.identities) == 2
    assert report.blocked[0].reason.startswith("conflicting organisations")
    records["p/b"].roles[0] = RoleRecord("y", "press officer", None, "The Pentagon", {"The Pentagon"})
    assert len(resolve_identities(records).identities) == 1


def test_identity_is_independent_of_order(warner_store):
    from kg.identity import load_records, resolve_identities

    with QuoteStore.open(warner_store, read_only=True) as store:
        records = load_records(store)
    items = list(records.items())
    random.Random(7).shuffle(items)
    a, b = resolve_identities(records), resolve_identities(dict(items))
    assert [(i.iri, i.members, i.merges) for i in a.identities] == [(i.iri, i.members, i.merges) for i in b.identities]


def test_alias_table_pins_wikidata_and_links_are_written(tmp_path, warner_store, nlp):
    from kg.pipeline import build

    store = tmp_path / "kg.db"
    build([jsonl(tmp_path / "w.jsonl", *WARNER, OTHER_WARNER)], store_path=store, nlp=nlp)
    table = tmp_path / "aliases.csv"
    table.write_text("name,alias\nMark Warner,Q1101637\nMark Warner,Warner\nNobody Known,Q1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["entities", "--store", str(store), "--aliases", str(table), "--link", "--kind", "person"])
    assert result.exit_code == 0, result.output
    assert "no person or organisation called “Nobody Known”" in result.output
    links = rows(store, """SELECT ?s ?o WHERE { GRAPH <https://w3id.org/quotegraph/id/graph/identity> { ?s owl:sameAs ?o } }""")
    pairs = {(r["s"].rsplit("/", 1)[-1], r["o"].rsplit("/", 1)[-1]) for r in links}
    # The table overrides the surname guard for the bare "Warner", and pins the Wikidata item.
    assert pairs == {("mark-warner", "mark-r-warner"), ("warner", "mark-r-warner"), ("mark-r-warner", "Q1101637")}
    result = CliRunner().invoke(app, ["validate", "--store", str(store)])
    assert result.exit_code == 0, result.output


def test_kg_entities_explain(warner_store):
    result = CliRunner().invoke(app, ["entities", "--store", str(warner_store), "--explain", "Warner"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Mark R. Warner  (Person, qgid:person/mark-r-warner)")
    assert "qgid:person/mark-warner → qgid:person/mark-r-warner [name variant]" in out
    assert "same surname and first name (middle name or initial “R.” in one form only)" in out
    assert "qgid:person/warner → qgid:person/mark-r-warner [surname]" in out
    assert "the only person with that surname is “Mark R. Warner”" in out
    missing = CliRunner().invoke(app, ["entities", "--store", str(warner_store), "--explain", "Nobody"])
    assert isinstance(missing.exception, KgError)


def test_kg_who(warner_store):
    result = CliRunner().invoke(app, ["who", "Mark Warner", "--store", str(warner_store)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "3 statement(s) in 3 article(s)" in out
    assert "Senator  [w1]" in out and "Democrat — Democratic Party  [w2]" in out
    assert "when: Monday = 2018-02-05; as Mark Warner" in out
    assert "when: last December = 2017-12" in out
    data = json.loads(CliRunner().invoke(app, ["who", "warner", "--store", str(warner_store), "--format", "json"]).output)
    assert data["name"] == "Mark R. Warner" and [s["article"] for s in data["statements"]] == ["w1", "w2", "w3"]
    # A name with SPARQL syntax in it is data, never query text.
    tricky = CliRunner().invoke(app, ["who", 'x" } DROP ALL {', "--store", str(warner_store)])
    assert isinstance(tricky.exception, KgError) and "no person or organisation" in str(tricky.exception)
