"""A faster, exactly equivalent matcher for the model's `attribute_ruler`.

The English pipeline's attribute ruler holds ~180 token patterns (the old tag map and morph
rules).  spaCy's generic `Matcher` tries every pattern at every token, which makes this rule
table cost about 13% of the whole pipeline — more than the parser.  Almost every pattern pins
its first token to a known LOWER, TAG or DEP value, so indexing the patterns by that value and
checking only the candidates gives the same matches for a fraction of the work.

`install(nlp)` swaps the ruler's `match` step for the indexed one only when every pattern uses
what this module can evaluate (plain values, IN, NOT_IN, REGEX on LOWER/TAG/DEP/IS_SPACE,
no operators); otherwise it leaves the stock matcher alone.  The ruler still sets the
attributes itself, in the same order, so annotations are identical (tests/test_pipeline_speedups.py
compares them with the stock pipeline token by token).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

# Column order of `doc.to_array(COLUMNS)`; the index prefers the most selective attribute.
COLUMNS = (LOWER, TAG, DEP, IS_SPACE)
_COLUMN_OF = {"LOWER": 0, "TAG": 1, "DEP": 2, "IS_SPACE": 3}
_INDEX_PREFERENCE = ("LOWER", "TAG", "DEP", "IS_SPACE")

# A check on one token's row of the array: (column, test on the column's value).
Check = tuple[int, Callable[[int], bool]]


class Unsupported(ValueError):
    """A pattern uses something this matcher does not evaluate; keep spaCy's matcher."""


@dataclass(frozen=True)
class _Pattern:
    attr_id: int  # position in ruler.attrs; the ruler sorts matches by it
    match_id: int  # hash of str(attr_id), the Matcher's key
    length: int  # tokens
    # (token offset, column, test) still to run once the index has picked the pattern: every
    # check, minus the first token's indexed attribute (which the lookup has already decided).
    checks: tuple[tuple[int, int, Callable[[int], bool]], ...]


def _value_id(attr: str, value: Any) -> int:
    if attr == "IS_SPACE":
        if not isinstance(value, bool):
            raise Unsupported(f"IS_SPACE={value!r}")
        return int(value)
    if not isinstance(value, str):
        raise Unsupported(f"{attr}={value!r}")
    return get_string_id(value)


def _checks(token: dict[str, Any], strings: Any) -> tuple[Check, ...]:
    checks: list[Check] = []
    for attr, spec in token.items():
        if attr not in _COLUMN_OF:
            raise Unsupported(attr)
        column = _COLUMN_OF[attr]
        if not isinstance(spec, dict):
            wanted = _value_id(attr, spec)
            checks.append((column, lambda v, w=wanted: v == w))
            continue
        if len(spec) != 1:
            raise Unsupported(f"{attr}: {spec!r}")
        ((predicate, argument),) = spec.items()
        if predicate in ("IN", "NOT_IN"):
            ids = frozenset(_value_id(attr, a) for a in argument)
            if predicate == "IN":
                checks.append((column, lambda v, s=ids: v in s))
            else:
                checks.append((column, lambda v, s=ids: v not in s))
        elif predicate == "REGEX" and attr != "IS_SPACE":
            # spaCy searches the attribute's string (re.search, not fullmatch).
            regex = re.compile(argument)
            checks.append((column, lambda v, r=regex: bool(r.search(strings[v]))))
        else:
            raise Unsupported(f"{attr}: {predicate}")
    return tuple(checks)


def _index_keys(token: dict[str, Any]) -> tuple[int, frozenset[int]] | None:
    """The column and values a token must have, if it pins one; None = check at every token."""
    for attr in _INDEX_PREFERENCE:
        spec = token.get(attr)
        if spec is None:
            continue
        if not isinstance(spec, dict):
            return _COLUMN_OF[attr], frozenset({_value_id(attr, spec)})
        if set(spec) == {"IN"}:
            return _COLUMN_OF[attr], frozenset(_value_id(attr, a) for a in spec["IN"])
    return None


class IndexedRuleMatcher:
    """Finds the attribute ruler's matches, in the ruler's own sort order."""

    def __init__(self, ruler: Any) -> None:
        strings = ruler.vocab.strings
        self.by_key: dict[tuple[int, int], list[_Pattern]] = defaultdict(list)
        self.everywhere: list[_Pattern] = []
        for attr_id, entry in enumerate(ruler.patterns):
            match_id = strings[str(attr_id)]
            for token_specs in entry["patterns"]:
                if not token_specs or any("OP" in spec for spec in token_specs):
                    raise Unsupported("operator or empty pattern")
                keys = _index_keys(token_specs[0])
                indexed_column = keys[0] if keys else None
                checks = tuple(
                    (offset, column, test)
                    for offset, spec in enumerate(token_specs)
                    for column, test in _checks(spec, strings)
                    if not (offset == 0 and column == indexed_column)
                )
                pattern = _Pattern(attr_id, match_id, len(token_specs), checks)
                if keys is None:
                    self.everywhere.append(pattern)
                else:
                    for value in keys[1]:
                        self.by_key[(keys[0], value)].append(pattern)

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        rows = doc.to_array(list(COLUMNS)).tolist()
        n_tokens, by_key, found = len(rows), self.by_key, set()
        no_patterns: list[_Pattern] = []
        for start, (lower, tag, dep, space) in enumerate(rows):
            for candidates in (
                self.everywhere,
                by_key.get((0, lower), no_patterns),
                by_key.get((1, tag), no_patterns),
                by_key.get((2, dep), no_patterns),
                by_key.get((3, space), no_patterns),
            ):
                for pattern in candidates:
                    end = start + pattern.length
                    if end <= n_tokens and (
                        not pattern.checks
                        or all(test(rows[start + offset][column]) for offset, column, test in pattern.checks)
                    ):
                        found.add((pattern.attr_id, pattern.match_id, start, end))
        return sorted(found)


def install(nlp: Language, pipe_name: str = "attribute_ruler") -> bool:
    """Use the indexed matcher in `nlp`'s attribute ruler; False when it cannot be used."""
    if pipe_name not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe(pipe_name)
    try:
        indexed = IndexedRuleMatcher(ruler)
    except Unsupported:
        return False
    ruler.match = indexed.match
    return True
