"""Normalise time expressions ("On Monday", "last December", "in 2003") to ISO values.

The value's precision follows the expression: a bare year gives "2003" (xsd:gYear), a month
"2017-12" (xsd:gYearMonth), a day "2018-02-05" (xsd:date); `kg.graph.literals.time_value_literal`
types them by that shape.

Relative expressions are resolved against the article's publication date and only against it:
without one, "Monday" or "last year" keep their text and get no value (resolving against *now*
would make a rebuild next year give a different graph).  Expressions that carry a four-digit year
("in 2003", "March 2018", "Feb. 21, 2019") are absolute and always normalise.

Conventions (documented because dateparser alone decides otherwise):

* A weekday is the latest such day *on or before* the publication date: news copy published on a
  Monday that says "on Monday" means that day (dateparser's "past" would give the Monday before).
  With `prefer="future"` it is the next such day on or after the publication date.
* "last December" is the latest December strictly before the publication month; "this March"
  is March of the publication year; "next March" the first March after the publication month.
* Durations ("more than three years", "the past decade") and decades ("the 1990s") are not
  points in time: no value.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

Prefer = Literal["past", "future", "current_period"]

_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_BARE_YEAR = re.compile(r"^(?:(?:in|during|since|by|until|of|from|the year)\s+)?(1[5-9]\d\d|20\d\d)$", re.IGNORECASE)
_LEADING_PREP = re.compile(r"^(?:on|in|at|during|since|by|until|from|as of|early|late|mid-?)\s+", re.IGNORECASE)
_DECADE = re.compile(r"\b\d{3}0s\b|\b(?:nineteen|twenty)[a-z]*ties\b", re.IGNORECASE)
_DURATION = re.compile(
    r"\b(?:(?:more|less|fewer) than|nearly|almost|about|over|around|some|several|a few|the (?:past|last|next)|"
    r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an)\s+"
    r"(?:\w+\s+)?(?:years?|months?|weeks?|days?|decades?|centuries|century|hours?)\b(?!\s+(?:ago|earlier|later|before|after))",
    re.IGNORECASE,
)
_RECURRING = re.compile(r"\b(?:each|every|per)\b|\bannually\b|\bdaily\b|\bweekly\b", re.IGNORECASE)
_RELATIVE_TO_EVENT = re.compile(r"\b(?:later|earlier|before|after|afterwards?)$", re.IGNORECASE)
_VAGUE = re.compile(r"^(?:the|those|these|that|some)\s+(?:days?|years?|weeks?|months?|time|times|moment|period)$", re.IGNORECASE)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ]
    )
    for m in names
}
_WEEKDAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_MODIFIED_MONTH = re.compile(r"^(last|this|next|past)\s+([a-z]+)\.?$", re.IGNORECASE)
_WEEKDAY = re.compile(r"^(?:(last|this|next|past)\s+)?([a-z]+day)(?:\s+(?:morning|afternoon|evening|night))?$", re.IGNORECASE)


def publication_date(published: str | None) -> date | None:
    """The day an article was published, from its ISO or free-text `published` field."""
    if not published or not published.strip():
        return None
    text = published.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    if not _YEAR.search(text):
        return None
    value = _parser("past", None).get_date_data(text).date_obj
    return value.date() if value is not None else None


def is_duration(text: str) -> bool:
    """'more than three years', 'the past decade', 'the 1990s': stretches, not points in time."""
    return bool(_DECADE.search(text) or _DURATION.search(text))


def is_point_in_time(text: str) -> bool:
    """Whether `text` can date an event: not a duration, not recurring ("each year"), not relative
    to another event ("Seven decades later", "a few days earlier"), not vague ("the years")."""
    cleaned = " ".join(text.split()).strip(" ,.;:")
    if not cleaned or is_duration(cleaned):
        return False
    return not (_RECURRING.search(cleaned) or _RELATIVE_TO_EVENT.search(cleaned) or _VAGUE.match(cleaned))


def normalise_time(text: str | None, published: str | date | None = None, prefer: Prefer = "past") -> str | None:
    """ISO value of a time expression ("2003", "2017-12", "2018-02-05"), or None when unresolvable.

    `prefer` says where an underspecified expression ("March", "Monday") falls relative to the
    publication date: "past" for statements (they were made before the article), "future" or
    "current_period" for announced events ("elections in March").
    """
    if text is None:
        return None
    cleaned = " ".join(text.replace("’", "'").split()).strip(" ,.;:")
    if not cleaned or is_duration(cleaned):
        return None
    bare = _BARE_YEAR.match(cleaned)
    if bare:  # the commonest case needs no parser
        return bare.group(1)
    base = published if isinstance(published, date) else publication_date(published)
    core = _LEADING_PREP.sub("", cleaned)
    if base is None:
        # No reference date: only expressions that name their year can be resolved.
        return _absolute(core) if _YEAR.search(core) else None
    return _special(core, base, prefer) or _relative(core, base, prefer)


# ---------------------------------------------------------------------------------- helpers


def _special(core: str, base: date, prefer: Prefer) -> str | None:
    """Weekdays and "last/this/next <Month>", which dateparser resolves differently or not at all."""
    weekday = _WEEKDAY.match(core)
    if weekday and weekday.group(2).lower() in _WEEKDAYS:
        wanted = _WEEKDAYS[weekday.group(2).lower()]
        modifier = (weekday.group(1) or "").lower()
        if modifier == "next" or (not modifier and prefer == "future"):
            day = base + timedelta(days=(wanted - base.weekday()) % 7 or (7 if modifier == "next" else 0))
        else:
            back = (base.weekday() - wanted) % 7
            if modifier in {"last", "past"} and back == 0:
                back = 7
            day = base - timedelta(days=back)
        return day.isoformat()
    modified = _MODIFIED_MONTH.match(core)
    if modified and modified.group(2).lower() in _MONTHS:
        which, month = modified.group(1).lower(), _MONTHS[modified.group(2).lower()]
        year = base.year
        if which in {"last", "past"} and month >= base.month:
            year -= 1
        elif which == "next" and month <= base.month:
            year += 1
        return f"{year:04d}-{month:02d}"
    return None


def _relative(core: str, base: date, prefer: Prefer) -> str | None:
    data = _parser(prefer, base).get_date_data(core)
    return _format(data.date_obj, data.period, core)


def _absolute(core: str) -> str | None:
    data = _parser("past", None).get_date_data(core)
    value = _format(data.date_obj, data.period, core)
    if value is None:  # "early 2017", "the 2003 invasion": the year is still known
        found = _YEAR.search(core)
        return found.group(1) if found else None
    return value


def _format(value: datetime | None, period: str | None, core: str) -> str | None:
    if value is None:
        return None
    if period == "year":
        return f"{value.year:04d}"
    if period == "month":
        return f"{value.year:04d}-{value.month:02d}"
    if period == "week":
        year, week, _ = value.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if period in {"day", "part_of_day"}:
        return value.date().isoformat()
    # "time": dateparser fell back to the reference instant (e.g. for "the 1990s"); only trust
    # it when the text really names a clock time.
    if period == "time" and re.search(r"\d{1,2}(:\d\d|\s*[ap]\.?m\.?)", core, re.IGNORECASE):
        return value.date().isoformat()
    return None


@lru_cache(maxsize=64)
def _parser(prefer: Prefer, base: date | None) -> Any:
    # Imported lazily: dateparser takes a while to load and most articles need it only once.
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": prefer,
        "RETURN_TIME_AS_PERIOD": True,
        # Without a publication date any fixed instant will do: only expressions naming their
        # year reach the parser then, and they do not depend on it.
        "RELATIVE_BASE": datetime.combine(base or date(2000, 1, 1), datetime.min.time()),
    }
    return DateDataParser(languages=["en"], settings=settings)
