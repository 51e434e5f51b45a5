"""The timeline: statements and events placed by date.

A statement's date is its normalised speech time (qg:timeValue) or else its article's
schema:datePublished; an event's is sem:hasTimeStamp / schema:startDate or else its article's
date.  Anything with a time expression but no date is listed as written instead of being guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import plotly.graph_objects as go

from kg.report.colours import speaker_colour
from kg.report.data import ArticleView, ReportData
from kg.report.plots import figure_html, hover_escape

DIV_ID = "timeline-plot"
EVENTS_ROW = "events"

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(frozen=True)
class TimelineItem:
    date: str | None  # YYYY-MM-DD, the first day of a month or year when that is all we know
    precision: str  # day | month | year | none
    source: str  # what the date comes from, for the hover label
    kind: str  # statement | event
    who: str  # speaker name, or EVENTS_ROW
    colour: str
    text: str
    time_text: str | None
    article: str  # article identifier
    anchor: str | None  # id of the highlighted quotation


@dataclass(frozen=True)
class Timeline:
    html: str  # the chart ("" when nothing is dated)
    dated: list[TimelineItem]
    undated: list[TimelineItem]  # has a time expression, but no date


def parse_date(value: str | None) -> tuple[str | None, str]:
    """An xsd date-ish literal → (YYYY-MM-DD, precision); (None, "none") when unusable."""
    m = _DATE.match(value.strip()) if value else None
    if not m:
        return None, "none"
    year, month, day = m.groups()
    iso = f"{year}-{month or '01'}-{day or '01'}"
    try:
        date.fromisoformat(iso)  # 2024-02-30 and friends: no date rather than a wrong one
    except ValueError:
        return None, "none"
    return iso, "day" if day else "month" if month else "year"


def build_timeline(data: ReportData, anchors: dict[str, str]) -> Timeline:
    """Collect, date and draw the statements and events; `anchors` maps quotation IRI → element id."""
    items = _statements(data, anchors) + _events(data)
    dated = sorted((i for i in items if i.date), key=_order)
    undated = sorted((i for i in items if not i.date and i.time_text), key=_order)
    return Timeline(html=_figure(dated) if dated else "", dated=dated, undated=undated)


def _order(item: TimelineItem) -> tuple[str, str, str, str, str]:
    return (item.date or "", item.article, item.anchor or "", item.who, item.text)


def _when(time_value: str | None, own: str, article: ArticleView | None) -> tuple[str | None, str, str]:
    """(day, precision, source) of an item: its own time when it parses as a date, else the day its
    article was published."""
    day, precision = parse_date(time_value)
    if day is None and article is not None:
        return (*parse_date(article.published), "article published")
    return day, precision, own


def _statements(data: ReportData, anchors: dict[str, str]) -> list[TimelineItem]:
    articles = {a.iri: a for a in data.articles}
    items = []
    for q in data.quotes:
        article = articles.get(q.article)
        day, precision, source = _when(q.time_value, "time of the statement", article)
        items.append(
            TimelineItem(
                date=day,
                precision=precision,
                source=source,
                kind="statement",
                who=data.entity_name(q.speaker) or "unknown speaker",
                colour=speaker_colour(q.speaker).solid,
                text=q.text,
                time_text=q.time_text,
                article=article.identifier if article else q.article,
                anchor=anchors.get(q.iri),
            )
        )
    return items


def _events(data: ReportData) -> list[TimelineItem]:
    articles = {a.iri: a for a in data.articles}
    items = []
    for e in data.events:
        article = articles.get(e.article)
        day, precision, source = _when(e.time_value, "time of the event", article)
        actors = ", ".join(sorted(n for n in (data.entity_name(a) for a in e.actors) if n))
        items.append(
            TimelineItem(
                date=day,
                precision=precision,
                source=source,
                kind="event",
                who=EVENTS_ROW,
                colour="#374151",
                text=f"{e.name} ({actors})" if actors else e.name,
                time_text=e.time_text,
                article=article.identifier if article else e.article,
                anchor=None,
            )
        )
    return items


def _figure(items: list[TimelineItem]) -> str:
    # Rows: events first, then speakers in order of their first dated statement.
    rows: list[str] = []
    for item in sorted(items, key=lambda i: (i.kind != "event", i.date or "", i.who)):
        if item.who not in rows:
            rows.append(item.who)
    traces = []
    for kind, symbol in (("statement", "circle"), ("event", "diamond")):
        chosen = [i for i in items if i.kind == kind]
        if not chosen:
            continue
        traces.append(
            go.Scatter(
                x=[i.date for i in chosen],
                y=[i.who for i in chosen],
                mode="markers",
                name=f"{kind}s",
                marker={
                    "symbol": symbol,
                    "size": 11,
                    "color": [i.colour for i in chosen],
                    "line": {"width": 1, "color": "#111827"},
                },
                hovertext=[_hover(i) for i in chosen],
                hoverinfo="text",
                customdata=[i.anchor or "" for i in chosen],
            )
        )
    fig = go.Figure(data=traces)
    fig.update_layout(
        height=min(160 + 28 * len(rows), 900),
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        xaxis={"type": "date", "title": None, "range": _date_range(items)},
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(reversed(rows)),
            "automargin": True,
        },
        legend={"orientation": "h", "y": 1.08, "x": 0},
        hovermode="closest",
    )
    return figure_html(fig, DIV_ID)


def _date_range(items: list[TimelineItem]) -> list[str]:
    """The dates' span with a margin, at least a month wide: plotly would zoom a single date
    down to milliseconds."""
    days = [date.fromisoformat(i.date) for i in items if i.date]
    first, last = min(days), max(days)
    margin = max((last - first) / 20, timedelta(days=15))
    # Clamped to the calendar Python knows: a source dated 0001-01-01 or 9999-12-31 (a
    # placeholder, usually) must not end the report with an OverflowError.
    start = first - margin if first - date.min > margin else date.min
    end = last + margin if date.max - last > margin else date.max
    return [start.isoformat(), end.isoformat()]


def _hover(item: TimelineItem) -> str:
    text = item.text if len(item.text) <= 140 else item.text[:139] + "…"
    when = f"{item.date[: {'year': 4, 'month': 7}.get(item.precision, 10)]}" if item.date else ""
    lines = [f"<b>{hover_escape(item.who)}</b> · {when} ({item.source})", hover_escape(text)]
    if item.time_text:
        lines.append(f"time as written: {hover_escape(item.time_text)}")
    lines.append(f"article: {hover_escape(item.article)}")
    return "<br>".join(lines)
