"""ReportData → what the template shows: summary counts, speaker rows, highlighted articles."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup

from kg.report.colours import Colour, speaker_colour
from kg.report.data import ArticleView, QuoteView, ReportData
from kg.report.highlight import Span, highlight, valid

QUOTE_TYPES = ("direct", "mixed", "indirect")


@dataclass(frozen=True)
class SpeakerChip:
    iri: str
    name: str
    colour: Colour
    quotes: int


@dataclass(frozen=True)
class ArticleSection:
    anchor: str
    article: ArticleView
    body: Markup
    quotes: int
    speakers: list[SpeakerChip]
    unlocated: list[QuoteView]  # quotations whose selector is missing or outside the body
    safe_url: str | None  # the article URL when it is http(s): never a javascript: link


@dataclass(frozen=True)
class SpeakerRow:
    iri: str
    name: str
    kind: str
    colour: Colour
    quotes: int
    by_type: dict[str, int]
    articles: list[tuple[str, str]]  # (anchor, identifier)
    roles: list[str]
    first_quote: str  # anchor of the speaker's first quotation


@dataclass
class Summary:
    articles: int = 0
    quotations: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    speakers: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    events: int = 0


def quote_anchors(data: ReportData) -> dict[str, str]:
    """Quotation IRI → element id, numbered in reading order (data.quotes is sorted)."""
    return {q.iri: f"q{n}" for n, q in enumerate(data.quotes, 1)}


def article_anchors(data: ReportData) -> dict[str, str]:
    """Article IRI → a readable, unique element id."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for a in data.articles:
        base = "article-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", a.identifier).strip("-") or "x")
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        out[a.iri] = anchor
    return out


def summary(data: ReportData) -> Summary:
    types = Counter(q.type for q in data.quotes)
    kinds = Counter(e.kind for e in data.entities.values())
    return Summary(
        articles=len(data.articles),
        quotations=len(data.quotes),
        by_type={t: types.get(t, 0) for t in QUOTE_TYPES}
        | ({"unknown": types["unknown"]} if types["unknown"] else {}),
        speakers=len({q.speaker for q in data.quotes if q.speaker}),
        entities={k: kinds.get(k, 0) for k in ("Person", "Organization", "Group", "Place")},
        events=len(data.events),
    )


def speaker_rows(data: ReportData, anchors: dict[str, str], art_anchors: dict[str, str]) -> list[SpeakerRow]:
    """One row per speaker, most quoted first."""
    quotes: dict[str, list[QuoteView]] = defaultdict(list)
    for q in data.quotes:
        if q.speaker:
            quotes[q.speaker].append(q)
    identifiers = {a.iri: a.identifier for a in data.articles}
    roles: dict[str, list[str]] = defaultdict(list)
    for r in data.roles:
        org = data.entity_name(r.organization)
        label = f"{r.name}, {org}" if org and org.casefold() not in r.name.casefold() else r.name
        if label not in roles[r.person]:
            roles[r.person].append(label)
    rows = []
    for iri, qs in quotes.items():
        types = Counter(q.type for q in qs)
        arts = sorted({q.article for q in qs}, key=lambda a: identifiers.get(a, a))
        rows.append(
            SpeakerRow(
                iri=iri,
                name=data.entity_name(iri) or iri,
                kind=data.entity_kind(iri),
                colour=speaker_colour(iri),
                quotes=len(qs),
                by_type={t: types.get(t, 0) for t in QUOTE_TYPES},
                articles=[(art_anchors.get(a, ""), identifiers.get(a, a)) for a in arts],
                roles=roles.get(iri, []),
                first_quote=anchors[qs[0].iri],
            )
        )
    return sorted(rows, key=lambda r: (-r.quotes, r.name.casefold(), r.name, r.iri))


def article_sections(
    data: ReportData, anchors: dict[str, str], art_anchors: dict[str, str]
) -> list[ArticleSection]:
    by_article: dict[str, list[QuoteView]] = defaultdict(list)
    for q in data.quotes:
        by_article[q.article].append(q)
    sections = []
    for a in data.articles:
        qs = by_article.get(a.iri, [])
        spans = [_span(data, q, anchors[q.iri]) for q in qs]
        counts = Counter(q.speaker for q in qs)
        chips = sorted(
            (
                SpeakerChip(
                    iri=s or "",
                    name=data.entity_name(s) or "unknown speaker",
                    colour=speaker_colour(s),
                    quotes=n,
                )
                for s, n in counts.items()
            ),
            key=lambda c: (-c.quotes, c.name.casefold(), c.iri),
        )
        url = a.url if a.url and re.match(r"https?://", a.url, re.IGNORECASE) else None
        sections.append(
            ArticleSection(
                anchor=art_anchors[a.iri],
                article=a,
                body=highlight(a.body, spans),
                quotes=len(qs),
                speakers=chips,
                unlocated=[q for q, s in zip(qs, spans, strict=True) if not valid(s, a.body)],
                safe_url=url,
            )
        )
    return sections


def _span(data: ReportData, q: QuoteView, anchor: str) -> Span:
    """The <mark> for one quotation: classes for styling, data-* for scripts and tests, a title
    for the hover text."""
    speaker = data.entity_name(q.speaker) or "unknown speaker"
    addressees = ", ".join(n for n in (data.entity_name(e) for e in q.addressees) if n)
    colour = speaker_colour(q.speaker)
    tip = [f"{speaker} ({q.type})"]
    if q.speaker_mention and q.speaker_mention != speaker:
        tip.append(f"as “{q.speaker_mention}”")
    if q.cue:
        tip.append(f"cue: {q.cue}")
    if addressees:
        tip.append(f"to: {addressees}")
    if q.channel:
        tip.append(f"channel: {q.channel}")
    if q.time_text:
        tip.append(f"when: {q.time_text}")
    if q.also_in:
        tip.append(f"also in {q.also_in} other article{'s' if q.also_in != 1 else ''}")
    attrs = {
        "data-quote": q.iri,
        "data-type": q.type,
        "data-speaker": speaker,
        "data-speaker-iri": q.speaker or "",
        "data-cue": q.cue or "",
        "data-addressee": addressees,
        "title": " · ".join(tip),
        "style": f"--qc:{colour.solid};--qt:{colour.tint}",
    }
    if q.also_in:  # only then: a report without repeated statements stays byte for byte as before
        attrs["data-also-in"] = str(q.also_in)
    return Span(
        start=q.start if q.start is not None else -1,
        end=q.end if q.end is not None else -1,
        ident=anchor,
        classes=f"q q-{q.type}",
        attrs=attrs,
    )
