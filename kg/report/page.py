"""Store → one self-contained HTML page (Jinja2 template, plotly.js inlined)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from kg.report.data import ReportData
from kg.report.load import load_report_data
from kg.report.network import speaker_network
from kg.report.plots import plotly_js
from kg.report.timeline import build_timeline
from kg.report.view import article_anchors, article_sections, quote_anchors, speaker_rows, summary
from kg.store import QuoteStore


def _environment() -> Environment:
    # autoescape: every value from the store is text to show, never markup; the few trusted
    # fragments (highlighted bodies, charts) arrive as Markup.
    env = Environment(
        loader=PackageLoader("kg.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["counted"] = counted
    return env


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """`1 quotation`, `2 quotations`: the page's counts read as English."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def render_data(data: ReportData) -> str:
    """The report page for already-loaded data (deterministic: no clock, no random ids)."""
    anchors = quote_anchors(data)
    art_anchors = article_anchors(data)
    network = speaker_network(data)
    timeline = build_timeline(data, anchors)
    template = _environment().get_template("report.html.j2")
    return template.render(
        summary=summary(data),
        speakers=speaker_rows(data, anchors, art_anchors),
        articles=article_sections(data, anchors, art_anchors),
        network=network,
        network_html=Markup(network.html),
        timeline=timeline,
        timeline_html=Markup(timeline.html),
        plotly_js=Markup(plotly_js()),
    )


def render_report(store: QuoteStore) -> str:
    """The report page for everything in `store`."""
    return render_data(load_report_data(store))
