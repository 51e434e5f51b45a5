"""`kg report`: one self-contained, deterministic, XSS-safe HTML page of who said what."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import lxml.html
import pytest

SAMPLE_QUOTATIONS = 10  # the bundled sample's gold count (tests/test_sample.py holds it too)

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


# ---------------------------------------------------------------------- helpers and fixtures


@pytest.fixture(scope="module")
def sample_report(sample_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample store's report, written once for the module (the store is only read)."""
    from kg.report import write_report  # after the session fixture has imported the pipeline

    return write_report(sample_store_path, tmp_path_factory.mktemp("report") / "report.html")


def parse(path_or_text: Path | str) -> Any:
    text = path_or_text.read_text(encoding="utf-8") if isinstance(path_or_text, Path) else path_or_text
    return lxml.html.document_fromstring(text)


def quote_marks(doc: Any) -> list[Any]:
    return doc.xpath("//article//mark[contains(concat(' ', @class, ' '), ' q ')]")


def store_rows(store_path: Path, sparql: str) -> list[dict[str, str]]:
    from kg.store import QuoteStore

    with QuoteStore.open(store_path, read_only=True) as st:
        result: Any = st.query(sparql)
        names = [v.value for v in result.variables]
        return [{n: sol[n].value for n in names if sol[n] is not None} for sol in result]


def hostile_data() -> Any:
    """Report data full of markup, crossing spans and dates, without spaCy or a store."""
    from kg.report.data import ArticleView, EntityView, EventView, QuoteView, ReportData, RoleView

    body = "Intro. “<script>alert('q')</script> is bad,” said <b>Eve</b>. She said the plan </mark> works."
    a = "https://w3id.org/quotegraph/id/article/x"
    eve = "https://w3id.org/quotegraph/id/person/eve"
    org = "https://w3id.org/quotegraph/id/organization/acme"
    s1 = body.index("<script>")
    e1 = body.index(",”") + 1
    s2 = body.index("is bad")  # crosses the first span's end
    e2 = body.index(" works") + len(" works")

    def quote(iri: str, start: int, end: int, qtype: str, time_value: str | None) -> QuoteView:
        return QuoteView(
            iri=iri,
            article=a,
            text=body[start:end],
            start=start,
            end=end,
            type=qtype,
            speaker=eve,
            speaker_mention="<i>she</i>",
            cue="said<script>",
            channel=None,
            time_text="<u>today</u>",
            time_value=time_value,
            addressees=(org,),
            about=(org,),
        )

    return ReportData(
        articles=[
            ArticleView(
                iri=a,
                identifier="x<y>",
                body=body,
                headline="<h1>Big</h1><script>alert('h')</script>",
                published="2024-05-01",
                url="javascript:alert('u')",
                publisher="<em>Daily</em>",
            )
        ],
        quotes=[quote(a + "/q1", s1, e1, "direct", "2024-04-30"), quote(a + "/q2", s2, e2, "mixed", None)],
        events=[
            EventView(
                iri=a + "/ev",
                article=a,
                name="<svg onload=alert(1)>",
                time_text=None,
                time_value="2024-04",
                actors=(eve,),
            )
        ],
        roles=[RoleView(person=eve, name="boss<script>", organization=org)],
        entities={
            eve: EntityView(iri=eve, name="Eve <img src=x onerror=alert(1)>", kind="Person"),
            org: EntityView(iri=org, name="Acme </script>", kind="Organization"),
        },
    )


def assert_no_injection(doc: Any) -> None:
    """Nothing from the data became an element, an event handler or a javascript: link."""
    charts = doc.xpath("//*[@id='network-container' or @id='timeline-container']//script")
    assert len(doc.xpath("//script")) == len(charts) + 2  # plotly.js, the charts, the page's own
    assert len(doc.xpath("//h1")) == 1
    assert not doc.xpath("//img | //svg | //iframe | //object | //embed")
    assert not doc.xpath("//article//*[self::b or self::i or self::em or self::u or self::script]")
    assert not doc.xpath("//table//*[self::b or self::i or self::em or self::u or self::img]")
    assert not [a for el in doc.iter() for a in el.attrib if a.lower().startswith("on")]
    assert not doc.xpath("//a[starts-with(normalize-space(@href), 'javascript:')]")


# ---------------------------------------------------------------------- highlighting (pure)


def test_highlight_nests_and_splits_crossing_spans() -> None:
    from kg.report.highlight import Span, highlight

    text = "0123456789<&>"
    spans = [
        Span(1, 5, "a", "q", {"data-quote": "A"}),
        Span(3, 8, "b", "q", {"data-quote": "B"}),  # crosses a
        Span(2, 4, "c", "q", {"data-quote": "C"}),  # inside a, crosses b's start
        Span(0, 13, "d", "q", {"data-quote": "D"}),  # around everything
        Span(6, 6, "e", "q", {"data-quote": "E"}),  # empty: skipped
        Span(9, 99, "f", "q", {"data-quote": "F"}),  # past the end: skipped
    ]
    html = str(highlight(text, spans))
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    assert doc.text_content() == text  # nothing lost, nothing added, escapes undone by the parser
    assert html.count("<mark") == html.count("</mark>")
    marks = doc.xpath(".//mark")
    assert sorted({m.get("data-quote") for m in marks}) == ["A", "B", "C", "D"]
    assert sorted(m.get("id") for m in marks if m.get("id")) == ["a", "b", "c", "d"]  # one id each
    for key, (start, end) in {"A": (1, 5), "B": (3, 8), "C": (2, 4), "D": (0, 13)}.items():
        # A span's fragments never nest in one another: together they hold exactly its text.
        fragments = [m for m in marks if m.get("data-quote") == key]
        assert "".join(m.text_content() for m in fragments) == text[start:end], key
    assert "&lt;&amp;&gt;" in html


# ---------------------------------------------------------------------- the sample store


def test_every_quotation_is_highlighted(sample_report: Path, sample_store_path: Path) -> None:
    doc = parse(sample_report)
    highlighted = {m.get("data-quote") for m in quote_marks(doc)}
    stored = {
        r["q"] for r in store_rows(sample_store_path, "SELECT DISTINCT ?q WHERE { ?q a schema:Quotation }")
    }
    assert highlighted == stored
    assert len(highlighted) == SAMPLE_QUOTATIONS
    assert len(doc.xpath("//article//mark[@id]")) == SAMPLE_QUOTATIONS  # one first fragment each
    assert doc.get_element_by_id("count-quotations").text_content().strip() == str(SAMPLE_QUOTATIONS)
    # Each highlight is exactly the selector's span of the body.
    spans = store_rows(
        sample_store_path,
        "SELECT ?q ?text WHERE { ?q a schema:Quotation ; schema:text ?text }",
    )
    first = {m.get("data-quote"): m for m in doc.xpath("//article//mark[@id]")}
    for row in spans:
        assert first[row["q"]].text_content().startswith(row["text"][:20])


def test_highlights_carry_speaker_colour_and_hover(sample_report: Path) -> None:
    doc = parse(sample_report)
    by_speaker: dict[str, set[str]] = {}
    for m in quote_marks(doc):
        assert m.get("data-speaker") and m.get("data-type") in {"direct", "mixed", "indirect"}
        assert m.get("title", "").startswith(m.get("data-speaker"))
        by_speaker.setdefault(m.get("data-speaker-iri"), set()).add(m.get("style"))
    assert all(len(styles) == 1 for styles in by_speaker.values())  # one colour per speaker
    assert len({next(iter(s)) for s in by_speaker.values()}) == len(by_speaker)  # distinct colours
    hadithi = [m for m in quote_marks(doc) if m.get("data-speaker") == "Saad al-Hadithi"]
    assert hadithi and any(m.get("data-cue") for m in hadithi)
    assert any(m.get("data-addressee") == "CNN" for m in quote_marks(doc))


def test_every_speaker_is_listed(sample_report: Path, sample_store_path: Path) -> None:
    doc = parse(sample_report)
    table = doc.get_element_by_id("speaker-table").text_content()
    names = store_rows(
        sample_store_path,
        "SELECT DISTINCT ?name WHERE { ?q schema:spokenByCharacter/schema:name ?name }",
    )
    assert names
    for row in names:
        assert row["name"] in table
        assert doc.xpath("//article//mark[@data-speaker=$n]", n=row["name"])
    roles = store_rows(
        sample_store_path,
        "SELECT DISTINCT ?role WHERE { ?q schema:spokenByCharacter/schema:memberOf/schema:roleName ?role }",
    )
    assert roles
    for row in roles:
        assert row["role"] in table


def test_network_is_drawn_from_the_graph(sample_report: Path) -> None:
    doc = parse(sample_report)
    container = doc.get_element_by_id("network-container")
    assert container.xpath(".//div[@id='network-plot']")
    assert int(container.get("data-nodes")) > 1 and int(container.get("data-edges")) > 0
    script = "".join(s.text or "" for s in container.xpath(".//script"))
    assert "Plotly.newPlot(" in script and '"network-plot"' in script
    assert "Saad al-Hadithi" in script and "talks about" in script


def test_report_is_self_contained(sample_report: Path) -> None:
    doc = parse(sample_report)
    for el in doc.xpath("//*[@src] | //link[@href]"):
        value = (el.get("src") or el.get("href") or "").strip().lower()
        assert not value.startswith(("http://", "https://", "//")), el.tag
    assert not doc.xpath("//link[@rel='stylesheet'] | //script[@src]")
    (plotly_js,) = doc.xpath("//head/script")
    assert len(plotly_js.text) > 1_000_000  # plotly.js itself, inline


def test_same_store_same_bytes(sample_store_path: Path, sample_report: Path, tmp_path: Path) -> None:
    from kg.report import write_report

    again = write_report(sample_store_path, tmp_path / "again.html")
    assert again.read_bytes() == sample_report.read_bytes()


def test_timeline_follows_the_store(sample_report: Path, sample_store_path: Path) -> None:
    doc = parse(sample_report)
    container = doc.get_element_by_id("timeline-container")
    dated = store_rows(
        sample_store_path,
        """SELECT DISTINCT ?x WHERE {
             { ?x qg:timeValue ?d } UNION { ?x sem:hasTimeStamp ?d } UNION { ?x schema:startDate ?d }
             UNION { ?x a schema:Quotation ; schema:isPartOf/schema:datePublished ?d }
             UNION { ?x a sem:Event ; prov:wasDerivedFrom/schema:datePublished ?d } }""",
    )
    if dated:
        assert container.xpath(".//div[@id='timeline-plot']")
        script = "".join(s.text or "" for s in container.xpath(".//script"))
        assert script.count(r"\u003cb\u003e") >= len(dated)  # one hover label per dated item
    else:
        assert "empty" in container.get("class")  # no chart, a message
    undated = store_rows(
        sample_store_path,
        """SELECT DISTINCT ?t WHERE {
             ?x qg:timeText ?t . { ?x a schema:Quotation } UNION { ?x a sem:Event }
             FILTER NOT EXISTS { ?x qg:timeValue|sem:hasTimeStamp|schema:startDate ?d }
             FILTER NOT EXISTS { ?x (schema:isPartOf|prov:wasDerivedFrom)/schema:datePublished ?p } }""",
    )
    assert undated  # the sample has "Last December" and friends
    table = doc.get_element_by_id("undated-table").text_content()
    for row in undated:
        assert row["t"] in table


# ---------------------------------------------------------------------- hostile and edge cases


def test_markup_in_the_data_stays_text() -> None:
    from kg.report import render_data

    doc = parse(render_data(hostile_data()))
    assert_no_injection(doc)
    marks = quote_marks(doc)
    assert {m.get("data-quote") for m in marks} == {
        "https://w3id.org/quotegraph/id/article/x/q1",
        "https://w3id.org/quotegraph/id/article/x/q2",
    }
    assert "<script>alert('q')</script> is bad," in doc.get_element_by_id("q1").text_content()
    assert doc.xpath("//article//mark[contains(@class, 'q-cont')]")  # the crossing span was split
    article = doc.xpath("//article")[0]
    assert "<h1>Big</h1><script>alert('h')</script>" in article.xpath(".//h3")[0].text_content()
    assert "</mark> works" in article.text_content()
    assert "Eve <img src=x onerror=alert(1)>" in doc.get_element_by_id("speaker-table").text_content()


def test_dated_statements_and_events_make_a_timeline() -> None:
    from kg.report import render_data

    doc = parse(render_data(hostile_data()))
    container = doc.get_element_by_id("timeline-container")
    script = "".join(s.text or "" for s in container.xpath(".//script"))
    assert '"timeline-plot"' in script and "2024-04-30" in script and "2024-04-01" in script
    assert "&lt;svg onload=alert(1)&gt;" in script  # plotly reads hover text as HTML: escaped


def test_large_network_keeps_the_most_quoted() -> None:
    from kg.report.data import EntityView, QuoteView, ReportData
    from kg.report.network import MAX_NODES, speaker_network

    people = [f"https://w3id.org/quotegraph/id/person/p{i:03d}" for i in range(MAX_NODES + 50)]
    quotes = [
        QuoteView(
            iri=f"{p}/q{k}",
            article="a",
            text="t",
            start=0,
            end=1,
            type="direct",
            speaker=p,
            speaker_mention=None,
            cue=None,
            channel=None,
            time_text=None,
            time_value=None,
        )
        for i, p in enumerate(people)
        for k in range(2 if i < 10 else 1)  # the first ten are quoted twice
    ]
    entities = {p: EntityView(iri=p, name=p[-4:], kind="Person") for p in people}
    net = speaker_network(ReportData(quotes=quotes, entities=entities))
    assert (net.nodes, net.total_nodes) == (MAX_NODES, MAX_NODES + 50)
    assert all(p[-4:] in net.html for p in people[:10])


def test_store_built_from_hostile_text(nlp: Any, tmp_path: Path) -> None:
    from kg.pipeline import build
    from kg.report import write_report

    src = tmp_path / "a.jsonl"
    src.write_text(
        '{"id": "x", "title": "<script>alert(1)</script>", "published": "2024-05-01", '
        '"text": "\\u201c<script>alert(2)</script> is not welcome in this city,\\u201d said Jane Doe, '
        'the mayor of Springfield."}\n',
        encoding="utf-8",
    )
    build([str(src)], store_path=tmp_path / "kg.db", nlp=nlp)
    doc = parse(write_report(tmp_path / "kg.db", tmp_path / "r.html"))
    assert_no_injection(doc)
    stored = store_rows(tmp_path / "kg.db", "SELECT DISTINCT ?q WHERE { ?q a schema:Quotation }")
    assert len({m.get("data-quote") for m in quote_marks(doc)}) == len(stored) == 1
    assert "<script>alert(2)</script>" in quote_marks(doc)[0].text_content()
    assert doc.get_element_by_id("timeline-container").xpath(".//div[@id='timeline-plot']")


def test_empty_store(tmp_path: Path) -> None:
    from kg.report import write_report
    from kg.store import QuoteStore

    with QuoteStore.open(tmp_path / "kg.db"):
        pass
    doc = parse(write_report(tmp_path / "kg.db", tmp_path / "r.html"))
    assert doc.get_element_by_id("count-quotations").text_content().strip() == "0"
    assert "empty" in doc.get_element_by_id("network-container").get("class")
    assert "empty" in doc.get_element_by_id("timeline-container").get("class")


def test_cli_writes_the_report(sample_store_path: Path, sample_report: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    out = tmp_path / "sub" / "r.html"
    result = CliRunner().invoke(app, ["report", "--store", str(sample_store_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == sample_report.read_bytes()


# ---------------------------------------------------------------------- in a real browser


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian package `chromium`)")
def test_report_renders_in_headless_chromium(sample_report: Path, tmp_path: Path) -> None:
    flags = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # no network: the page must not need it
    ]
    url = sample_report.resolve().as_uri()
    shot = tmp_path / "shot.png"
    # One run does both: the DOM after the scripts ran, and the picture of it.
    dom = subprocess.run(
        [*flags, "--dump-dom", f"--screenshot={shot}", "--window-size=1280,2000", url],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    ).stdout
    doc = parse(dom)
    assert len({m.get("data-quote") for m in quote_marks(doc)}) == SAMPLE_QUOTATIONS
    # plotly ran: the network container now holds the drawn chart.
    network = doc.get_element_by_id("network-plot")
    assert "js-plotly-plot" in network.get("class")
    assert network.xpath(".//svg[contains(@class, 'main-svg')]")
    assert network.xpath(".//*[contains(@class, 'scatterlayer')]//*[contains(@class, 'point')]")
    assert shot.exists() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
