"""The matching rule of `kg eval`: pure functions over character spans and speaker names.

Quotation match
    A found quotation matches a gold one when their character spans overlap by at least half of
    the shorter span (``2 * overlap >= min(len_gold, len_found)``, and the overlap is not empty).
    Matching is one-to-one and greedy: of all qualifying (gold, found) pairs, the pair with the
    largest overlap is taken first, then the next largest among pairs whose gold and found quote
    are both still free, and so on.  Ties are broken by position: earlier gold start, then earlier
    found start, then earlier gold end, then earlier found end (then input order), so the result
    never depends on the order in which a system lists its quotes.

    Half of the *shorter* span tolerates the usual boundary disagreements (quote marks included or
    not, a trailing comma, a reporting clause swallowed) while still rejecting a short fragment
    that merely touches a long quote.

Speaker match
    Both names are normalised: Unicode NFKC, casefold, curly apostrophes to ``'``, spaces around
    hyphens removed (``al - Hadithi`` → ``al-hadithi``), whitespace collapsed, and one leading
    article ``the``/``a``/``an`` removed.  The speaker is right when the normalised found name
    equals one of the normalised gold names, or contains one as whole words: a run of complete
    whitespace-separated words (``army colonel ryan dillon`` contains ``ryan dillon``;
    ``dillonson`` does not contain ``dillon``, nor does ``trump's lawyer`` contain ``trump``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

Span = tuple[int, int]  # [start, end) character offsets into the article text

_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018\u02bc\u2032\u00b4\u0060"})
_HYPHENS = str.maketrans({c: "-" for c in "\u2010\u2011"})  # Unicode hyphens, not dashes
_SPACE = re.compile(r"\s+")
_AROUND_HYPHEN = re.compile(r"\s*-\s*")
_ARTICLE = re.compile(r"^(?:the|a|an) ")


def overlap(a: Span, b: Span) -> int:
    """Number of characters two spans share (0 when disjoint)."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def spans_match(gold: Span, found: Span) -> bool:
    """True when the spans overlap by at least half of the shorter one."""
    shared = overlap(gold, found)
    shorter = min(gold[1] - gold[0], found[1] - found[0])
    return shared > 0 and 2 * shared >= shorter


def match_spans(gold: Sequence[Span], found: Sequence[Span]) -> list[tuple[int, int]]:
    """One-to-one greedy matching; returns (gold index, found index) pairs sorted by gold index."""
    candidates = [
        (-overlap(g, f), g[0], f[0], g[1], f[1], gi, fi)
        for gi, g in enumerate(gold)
        for fi, f in enumerate(found)
        if spans_match(g, f)
    ]
    candidates.sort()  # largest overlap first, then by position: deterministic
    used_gold: set[int] = set()
    used_found: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for *_, gi, fi in candidates:
        if gi in used_gold or fi in used_found:
            continue
        used_gold.add(gi)
        used_found.add(fi)
        pairs.append((gi, fi))
    return sorted(pairs)


def normalise_name(name: str) -> str:
    """Normalise a speaker name for comparison (see the module docstring)."""
    s = unicodedata.normalize("NFKC", name).casefold()
    s = s.translate(_APOSTROPHES).translate(_HYPHENS)
    s = _SPACE.sub(" ", s).strip()
    s = _AROUND_HYPHEN.sub("-", s)
    return _ARTICLE.sub("", s)


def speaker_matches(found: str | None, gold_names: Iterable[str]) -> bool:
    """True when the found speaker equals, or contains as whole words, one of the gold names."""
    if not found:
        return False
    padded = f" {normalise_name(found)} "
    for gold in gold_names:
        wanted = normalise_name(gold)
        # Padding with spaces turns "contains as whole words" into a plain substring test.
        if wanted and f" {wanted} " in padded:
            return True
    return False
