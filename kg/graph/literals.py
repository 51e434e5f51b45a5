"""Typed literals for dates and times, chosen from the lexical form only.

Parsing never looks at the clock or the locale: a relative date ("Monday", "yesterday") has no
meaning without a reference date, so it stays a plain string instead of resolving against *now*
and making builds irreproducible.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from rdflib import Literal
from rdflib.namespace import XSD

_YEAR = re.compile(r"\d{4}")
_YEAR_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")
_HAS_YEAR = re.compile(r"\b\d{4}\b")
# Any fixed instant will do: strict parsing below rejects strings that would need it.
_RELATIVE_BASE = datetime(2000, 1, 1)


def _iso_date(text: str) -> Literal | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        date.fromisoformat(text)
    except ValueError:
        return None
    return Literal(text, datatype=XSD.date)


def _iso_datetime(text: str) -> Literal | None:
    if not _ISO_DATETIME.fullmatch(text):
        return None
    # Python 3.10's fromisoformat does not accept a trailing "Z".
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        value = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    return Literal(value.isoformat(), datatype=XSD.dateTime)


def _from_datetime(value: datetime) -> Literal:
    """A date when the source gave no time of day (midnight, no zone), else a dateTime."""
    if value.tzinfo is None and (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
        return Literal(value.date().isoformat(), datatype=XSD.date)
    return Literal(value.isoformat(), datatype=XSD.dateTime)


def _rfc2822(text: str) -> Literal | None:
    """Feed dates such as "Mon, 03 Mar 2003 10:00:00 GMT"."""
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return Literal(value.isoformat(), datatype=XSD.dateTime)


def _free_text(text: str) -> Literal | None:
    """Written-out absolute dates ("March 3, 2003"); needs an explicit four-digit year."""
    if not _HAS_YEAR.search(text):
        return None
    import dateparser  # imported lazily: it is slow to load and rarely needed

    value = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "STRICT_PARSING": True,
            "REQUIRE_PARTS": ["day", "month", "year"],
            "RELATIVE_BASE": _RELATIVE_BASE,
        },
    )
    return _from_datetime(value) if value is not None else None


def date_published_literal(text: str) -> Literal:
    """schema:datePublished: xsd:date or xsd:dateTime when the text parses, else a plain string."""
    stripped = text.strip()
    for parse in (_iso_date, _iso_datetime, _rfc2822, _free_text):
        literal = parse(stripped)
        if literal is not None:
            return literal
    return Literal(stripped)


def time_value_literal(text: str) -> Literal:
    """A normalised time (qg:timeValue, sem:hasTimeStamp): typed by its ISO shape.

    Year → xsd:gYear, year-month → xsd:gYearMonth, date → xsd:date, date-time → xsd:dateTime;
    anything else (intervals "2003/2004", weeks "2003-W10") is kept as a plain string.
    """
    stripped = text.strip()
    if _YEAR.fullmatch(stripped):
        return Literal(stripped, datatype=XSD.gYear)
    if _YEAR_MONTH.fullmatch(stripped):
        return Literal(stripped, datatype=XSD.gYearMonth)
    return _iso_date(stripped) or _iso_datetime(stripped) or Literal(stripped)


def start_literal(text: str) -> Literal | None:
    """The typed start of a normalised time (an interval's first half), for schema:startDate."""
    literal = time_value_literal(text.split("/", 1)[0])
    return literal if literal.datatype is not None else None
