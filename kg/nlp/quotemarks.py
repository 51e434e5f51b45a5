"""Find quoted stretches of text from quotation marks alone (no parsing).

Curly marks pair as opening/closing; straight double quotes toggle.  A quote left open at the end
of a paragraph runs to the paragraph's end, and the next paragraph opening with a mark continues it
(the newspaper convention for multi-paragraph quotes).  Single quotes are ignored at this level:
they are nested quotes or apostrophes far more often than top-level quotation marks.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kg.nlp.lexicon import ALL_MARKS, CLOSING_MARKS, OPENING_MARKS, STRAIGHT_MARK

_DOUBLE_MARK = re.compile("[" + re.escape(ALL_MARKS) + "]")


@dataclass(frozen=True)
class QuotedSpan:
    open: int  # offset of the opening mark
    close: int  # offset just past the closing mark (== inner_end when the quote is left open)
    inner_start: int
    inner_end: int
    paragraph: int
    closed: bool  # False when the paragraph ended before a closing mark
    continues: bool  # True when it continues a quote left open in the previous paragraph

    @property
    def length(self) -> int:
        return self.inner_end - self.inner_start


# Two apostrophes (or two backticks) standing for a double quotation mark, as some newspapers'
# feeds write them: ''Hopefully,'' the president said.  An opener stands before a word, a closer
# after one; an apostrophe run inside a word (rock 'n' roll, O''Brien typos) is left alone.
_OPENING_PAIR = re.compile(r"(?<![\w'`])(?:''|``)(?=[^\s'])")
_CLOSING_PAIR = re.compile(r"(?<=[^\s'`])''(?![\w'])")


def with_plain_marks(text: str) -> str:
    """`text` with doubled apostrophes used as quotation marks replaced by a straight double mark
    and a space, keeping every offset: the parser and the quote finder then see ordinary marks,
    while quotations are still cut from the original text."""
    if "''" not in text and "``" not in text:
        return text
    text = _OPENING_PAIR.sub(' "', text)
    return _CLOSING_PAIR.sub('" ', text)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, whitespace-trimmed; offsets index `text`."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped_start = start + (len(line) - len(line.lstrip()))
        stripped_end = start + len(line.rstrip())
        if stripped_end > stripped_start:
            spans.append((stripped_start, stripped_end))
    return spans


def find_quoted_spans(text: str, paras: list[tuple[int, int]]) -> list[QuotedSpan]:
    spans: list[QuotedSpan] = []
    previous_left_open = False
    # Only the marks matter to the pairing below: visit them, not every character (an article
    # has a few dozen marks in tens of thousands of characters).
    marks = [m.start() for m in _DOUBLE_MARK.finditer(text)]
    for index, (p_start, p_end) in enumerate(paras):
        open_at: int | None = None
        open_is_straight = False
        continues = False
        first = bisect.bisect_left(marks, p_start)
        last = bisect.bisect_left(marks, p_end)
        for i in marks[first:last]:
            ch = text[i]
            if open_at is None:
                if ch in OPENING_MARKS or ch == STRAIGHT_MARK:
                    open_at, open_is_straight = i, ch == STRAIGHT_MARK
                    continues = previous_left_open and _only_space(text, p_start, i)
            elif ch in CLOSING_MARKS or (ch == STRAIGHT_MARK and open_is_straight):
                spans.append(QuotedSpan(open_at, i + 1, open_at + 1, i, index, True, continues))
                open_at = None
            elif ch in OPENING_MARKS and not open_is_straight:
                # A new opening mark before a close: the earlier mark was stray; restart here.
                open_at, continues = i, False
        if open_at is None and first == last:  # no double marks in the paragraph
            spans.extend(_single_quoted(text, p_start, p_end, index))
        previous_left_open = False
        if open_at is not None:
            inner_end = _rstrip_pos(text, open_at + 1, p_end)
            if inner_end > open_at + 1:
                spans.append(QuotedSpan(open_at, inner_end, open_at + 1, inner_end, index, False, continues))
                previous_left_open = True
    return spans


def _single_quoted(text: str, start: int, end: int, index: int) -> list[QuotedSpan]:
    """British style ‘…’ quotes, in a paragraph without double marks.  ’ doubles as the
    apostrophe, so an opener must start a word and a closer must end one and be followed by a
    space, punctuation or the paragraph end; a span needs two words to count."""
    spans: list[QuotedSpan] = []
    open_at: int | None = None
    for i in range(start, end):
        ch = text[i]
        if ch == "‘" and (i == start or text[i - 1].isspace() or text[i - 1] in "([—–-"):
            open_at = i
        elif ch == "’" and open_at is not None and not text[i - 1].isspace():
            after = text[i + 1] if i + 1 < end else " "
            if after.isspace() or after in ".,;:!?)—–-":
                if len(text[open_at + 1 : i].split()) >= 2:
                    spans.append(QuotedSpan(open_at, i + 1, open_at + 1, i, index, True, False))
                open_at = None
    return spans


def _only_space(text: str, start: int, end: int) -> bool:
    return not text[start:end].strip()


def _rstrip_pos(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
