"""Gold annotations: find them on disk, load them, and pin every quote to a character span.

A gold set is a `NAME-gold.json` beside its article `NAME.txt` (the json's `text_file` names the
text when it is given).  Quotes without a `span` are located by their `content`, which must occur
exactly once in the text: an ambiguous or absent quote is an annotation error, and scoring against
a guessed span would silently skew every number, so it fails with the file and the quote named.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from kg.errors import InputError
from kg.model import QuoteType

GOLD_SUFFIX = "-gold.json"
QUOTE_TYPES: tuple[str, ...] = get_args(QuoteType)


@dataclass(frozen=True)
class GoldQuote:
    """One annotated quotation, with its character span in the article text."""

    content: str
    start: int
    end: int
    type: QuoteType
    speakers: tuple[str, ...]  # accepted speaker names, canonical first
    speaker_type: str | None = None
    cue: str | None = None
    # How the source is mentioned where the quote is attributed: name, description or pronoun
    # (None when the gold does not say); speaker accuracy is reported per kind.
    mention_kind: str | None = None
    speech: bool = True  # False for a cue of belief or evidence ("believes", "shows"): scored apart
    scored: bool = True  # False: matching it counts neither for nor against (e.g. no source given)


@dataclass(frozen=True)
class GoldNegative:
    """A stretch the annotator marked as *not* a quotation (e.g. "did not say where …")."""

    content: str
    start: int
    end: int
    note: str = ""


@dataclass(frozen=True)
class GoldDoc:
    """One gold article: its text and its located quotes."""

    name: str  # NAME of NAME-gold.json: the key system files use in their `doc` field
    gold_path: Path
    text_path: Path
    text: str
    quotes: tuple[GoldQuote, ...]
    negatives: tuple[GoldNegative, ...] = field(default=())


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Expand directories to their `*-gold.json` files (sorted); single json files pass through.

    Raises InputError for a path that does not exist or a directory without gold files, so a typo
    in a path is not mistaken for a perfect score on zero articles.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            golds = sorted(path.glob(f"*{GOLD_SUFFIX}"))
            if not golds:
                raise InputError(f"{path}: no *{GOLD_SUFFIX} files in this directory")
            found.extend(golds)
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such gold file or directory")
    return found


def doc_name(gold_path: Path) -> str:
    """NAME of `NAME-gold.json` (or the bare stem for a json named otherwise)."""
    name = gold_path.name
    return name[: -len(GOLD_SUFFIX)] if name.endswith(GOLD_SUFFIX) else gold_path.stem


def locate(text: str, content: str, *, where: str) -> tuple[int, int]:
    """The span of `content` in `text`; it must occur exactly once (`where` names it in errors)."""
    if not content:
        raise InputError(f"{where}: empty quote content")
    first = text.find(content)
    if first < 0:
        raise InputError(f"{where}: quote not found in the text: {_short(content)!r}")
    if text.find(content, first + 1) >= 0:
        raise InputError(
            f"{where}: quote occurs more than once in the text, give it a span: {_short(content)!r}"
        )
    return first, first + len(content)


def load(gold_path: str | Path) -> GoldDoc:
    """Read one gold json and its text; every error is an InputError naming the gold file."""
    path = Path(gold_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read gold file: {err}") from err
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: invalid JSON at line {err.lineno} column {err.colno}: {err.msg}") from err
    if not isinstance(data, dict) or not isinstance(data.get("quotes"), list):
        raise InputError(f"{path}: not a gold file: expected an object with a `quotes` list")

    name = doc_name(path)
    text_path = path.parent / str(data.get("text_file") or f"{name}.txt")
    try:
        text = text_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read its article text {text_path}: {err}") from err

    quotes = tuple(
        _quote(item, text, where=f"{path}: quote {i + 1}") for i, item in enumerate(data["quotes"])
    )
    negatives = tuple(
        _negative(item, text, where=f"{path}: negative {i + 1}")
        for i, item in enumerate(data.get("negatives") or [])
    )
    return GoldDoc(
        name=name, gold_path=path, text_path=text_path, text=text, quotes=quotes, negatives=negatives
    )


def load_all(paths: Iterable[str | Path]) -> list[GoldDoc]:
    """Discover and load; two gold files with the same NAME would make system files ambiguous."""
    docs: list[GoldDoc] = []
    seen: dict[str, Path] = {}
    for gold_path in discover(paths):
        doc = load(gold_path)
        if doc.name in seen:
            if seen[doc.name].resolve() == gold_path.resolve():
                continue  # the same file given twice (a dir and a file inside it): count it once
            raise InputError(f"{gold_path}: article name {doc.name!r} already used by {seen[doc.name]}")
        seen[doc.name] = gold_path
        docs.append(doc)
    return docs


def _span(item: dict[str, Any], text: str, content: str, where: str) -> tuple[int, int]:
    span = item.get("span")
    if span is None:
        return locate(text, content, where=where)
    if (
        not isinstance(span, list)
        or len(span) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in span)
    ):
        raise InputError(f"{where}: `span` must be [start, end] integers, got {span!r}")
    start, end = span
    if not 0 <= start < end <= len(text) or text[start:end] != content:
        raise InputError(
            f"{where}: span [{start}, {end}] is {_short(text[start:end])!r}, not the content {_short(content)!r}"
        )
    return start, end


def _quote(item: Any, text: str, *, where: str) -> GoldQuote:
    if not isinstance(item, dict):
        raise InputError(f"{where}: expected an object")
    content = item.get("content")
    if not isinstance(content, str):
        raise InputError(f"{where}: missing `content` string")
    qtype = item.get("type")
    if qtype not in QUOTE_TYPES:
        raise InputError(f"{where}: `type` must be one of {', '.join(QUOTE_TYPES)}, got {qtype!r}")
    speakers = item.get("speaker")
    if isinstance(speakers, str):
        speakers = [speakers]  # tolerate a single name; the format says a list
    if not isinstance(speakers, list) or not speakers or not all(isinstance(s, str) for s in speakers):
        raise InputError(f"{where}: `speaker` must be a non-empty list of names")
    start, end = _span(item, text, content, where)
    return GoldQuote(
        content=content,
        start=start,
        end=end,
        type=qtype,
        speakers=tuple(speakers),
        speaker_type=item.get("speaker_type"),
        cue=item.get("cue"),
        mention_kind=item.get("mention_kind"),
        speech=item.get("speech", True) is not False,
        scored=item.get("scored", True) is not False,
    )


def _negative(item: Any, text: str, *, where: str) -> GoldNegative:
    if not isinstance(item, dict) or not isinstance(item.get("content"), str):
        raise InputError(f"{where}: expected an object with a `content` string")
    start, end = _span(item, text, item["content"], where)
    return GoldNegative(content=item["content"], start=start, end=end, note=str(item.get("note") or ""))


def _short(s: str, limit: int = 80) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"
