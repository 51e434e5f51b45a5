"""Where found quotations come from: our extractor, or another system's JSON lines.

Both are *providers*: callables from a gold article to the quotations a system found in its text.
Keeping the evaluator ignorant of where predictions come from is what lets `kg eval --system`
score any tool with exactly the same rules as ours.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError, KgError
from kg.eval.gold import QUOTE_TYPES, GoldDoc
from kg.model import Analysis, Article, QuoteType


@dataclass(frozen=True)
class Prediction:
    """One quotation a system found: a character span of the article text and its speaker."""

    start: int
    end: int
    text: str
    speaker: str | None = None  # the speaker's canonical name as the system gives it
    type: QuoteType | None = None  # None when the system does not type its quotes
    # The named rules that produced it (kg.rules), for `kg eval --by-rule`; optional.
    rule: str | None = None
    speaker_rule: str | None = None
    resolution_rule: str | None = None


PredictionsProvider = Callable[[GoldDoc], Sequence[Prediction]]


def from_analysis(analysis: Analysis) -> list[Prediction]:
    """Our extractor's quotations, with the speaker's canonical entity name (else its mention)."""
    found: list[Prediction] = []
    for q in analysis.quotations:
        entity = analysis.entity(q.speaker)
        if entity is not None:
            speaker: str | None = entity.name
        else:
            speaker = q.speaker_mention.text if q.speaker_mention else None
        found.append(
            Prediction(
                start=q.start, end=q.end, text=q.content, speaker=speaker, type=q.type,
                rule=q.rule, speaker_rule=q.speaker_rule, resolution_rule=q.resolution_rule,
            )  # fmt: skip
        )
    return found


class ExtractorProvider:
    """Runs `kg.analysis.analyse` on each gold article; the spaCy model loads on first use."""

    label = "quotegraph extractor"

    def __init__(self, nlp: Any = None, learned: bool | None = None) -> None:
        self._nlp = nlp
        self._learned = learned  # the learned cue step on or off; None: the extractor's default

    def __call__(self, doc: GoldDoc) -> list[Prediction]:
        try:
            from kg.analysis import analyse
            from kg.nlp import load_nlp
        except ImportError as err:  # the extractor is developed alongside; say so plainly
            raise KgError(f"the quotation extractor is not available: {err}") from err
        if self._nlp is None:
            self._nlp = load_nlp()
        article = Article(id=doc.name, text=doc.text, origin=str(doc.text_path))
        if self._learned is None:
            return from_analysis(analyse(article, self._nlp))
        return from_analysis(analyse(article, self._nlp, self._learned))


class SystemFileProvider:
    """Predictions read from a JSON-lines file, one quotation per line.

    Each line: ``{"doc": NAME, "start": int, "end": int, "text": str, "speaker": str|null}`` and
    optionally ``"type": "direct"|"mixed"|"indirect"`` (without it, per-type precision is n/a).
    Offsets are Python string indices (Unicode code points) into NAME.txt as read in UTF-8; `text`
    must equal ``text[start:end]``, which catches byte or UTF-16 offsets before they skew scores.
    An article of the gold set with no line is scored as "found nothing".
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.label = f"system file {self.path}"
        self._lines: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._read()

    @property
    def doc_names(self) -> set[str]:
        return set(self._lines)

    def __call__(self, doc: GoldDoc) -> list[Prediction]:
        return [self._prediction(doc, line_no, item) for line_no, item in self._lines.get(doc.name, [])]

    def _read(self) -> None:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(f"{self.path}: cannot read system file: {err}") from err
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{self.path}:{line_no}"
            try:
                item = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"{where}: invalid JSON: {err.msg}") from err
            if not isinstance(item, dict) or not isinstance(item.get("doc"), str):
                raise InputError(f"{where}: expected an object with a `doc` string")
            self._lines.setdefault(item["doc"], []).append((line_no, item))

    def _prediction(self, doc: GoldDoc, line_no: int, item: dict[str, Any]) -> Prediction:
        where = f"{self.path}:{line_no}"
        start, end = item.get("start"), item.get("end")
        if not (_is_int(start) and _is_int(end) and 0 <= start < end <= len(doc.text)):
            raise InputError(
                f"{where}: `start`/`end` must be integers with 0 <= start < end <= {len(doc.text)}"
                f" (length of {doc.text_path}), got {start!r}, {end!r}"
            )
        text = item.get("text")
        if text is not None and text != doc.text[start:end]:
            raise InputError(
                f"{where}: `text` differs from characters {start}..{end} of {doc.text_path}"
                " (offsets must count Unicode characters of the UTF-8 text)"
            )
        speaker = item.get("speaker")
        if speaker is not None and not isinstance(speaker, str):
            raise InputError(f"{where}: `speaker` must be a string or null")
        qtype = item.get("type")
        if qtype is not None and qtype not in QUOTE_TYPES:
            raise InputError(f"{where}: `type` must be one of {', '.join(QUOTE_TYPES)} or absent")
        rules = {k: item.get(k) if isinstance(item.get(k), str) else None for k in ("rule", "speaker_rule", "resolution_rule")}
        return Prediction(
            start=start, end=end, text=doc.text[start:end], speaker=speaker or None, type=qtype, **rules
        )


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)
