"""One id, one article: what the reader does when two inputs reach the same article IRI.

Ids come from the input (`id`, `url`, the file's path below the directory given, or the content
hash), and every IRI of an article is minted from its key (`kg.graph.iris.article_key`).  Two
inputs reaching one key within one read are either the same article given twice (same id, same
text: read once, with a warning) or two different articles, which would otherwise replace one
another in the store without a word: that is an error naming both sources, or with `--skip-bad`
a warning and the later article kept under a suffixed id.  Keys, not raw ids, are compared, so
ids that differ but fold to one IRI are caught too (a hash collision of `article_key`, or an
id forged to look like another's key).

Memory: reading stays lazy, but every key read must be remembered.  They are kept as 64-bit
fingerprints in flat arrays (an open-addressing table at most half full), 60–90 bytes per
article plus each input file's name once: 7.3 MB for 100,000 articles from one JSONL file
(measured with tracemalloc).
"""

from __future__ import annotations

import hashlib
import re
from array import array
from dataclasses import replace

from kg.errors import InputError
from kg.graph.iris import article_key
from kg.model import Article
from kg.read.context import ReadContext

# Hex digits of the content hash appended to a clashing id under --skip-bad: deterministic
# (the same two inputs always give the same two ids) and independent of the reading order.
SUFFIX_DIGITS = 8

# An origin is the input's name, maybe followed by `:LINE` (JSONL) or `[INDEX]` (a JSON array).
_ORIGIN = re.compile(r"(.*?)(?::(0|[1-9][0-9]*)|\[(0|[1-9][0-9]*)\])?", re.DOTALL)
_EMPTY = 0  # fingerprint 0 marks a free slot (a real fingerprint of 0 is moved to 1)


class IdError(InputError):
    """Two articles for one id, or --id given to several: never skipped by --skip-bad as a
    file would be (the registry itself decides what --skip-bad does)."""


def _fingerprint(text: str) -> int:
    value = int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")
    return value or 1


class IdRegistry:
    """The article keys read so far in one pass."""

    def __init__(self, given_id: str | None = None) -> None:
        self._given_id = given_id  # --id: the one article of the input takes this id
        self._slots = array("Q", bytes(8 * 64))  # key fingerprint per slot, 0 = free
        self._entry = array("q", [-1]) * 64  # slot → index into the arrays below
        self._ids = array("Q")  # per article: fingerprint of its id
        self._digests = array("Q")  # fingerprint of its content hash
        self._names = array("I")  # index of its input's name in _name_list
        self._suffixes = array("q")  # -1: none; n ≥ 0: `:n`; ≤ -2: `[-n - 2]`
        self._name_list: list[str] = []
        self._name_index: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def admit(self, article: Article, ctx: ReadContext) -> Article | None:
        """The article to build (perhaps under another id), or None when it was read already.
        Raises IdError for a clash (unless ctx.skip_bad) and for --id on several articles."""
        if self._given_id is not None:
            if len(self):
                raise IdError(
                    f"{article.origin}: --id {self._given_id!r} names one article, but the input holds "
                    f"more than one (the first from {self._origin(0)})"
                )
            article = replace(article, id=self._given_id)
        while True:
            key = article_key(article.id)
            slot = self._find(_fingerprint(key))
            prior = self._entry[slot]
            if prior < 0:
                self._add(slot, _fingerprint(key), article)
                return article
            same_id = self._ids[prior] == _fingerprint(article.id)
            prior_origin = self._origin(prior)
            if same_id and self._digests[prior] == _fingerprint(article.digest):
                ctx.stats.duplicates += 1
                ctx.warn(f"{article.origin}: the same article as {prior_origin} (id {article.id!r}); read once")
                return None
            clash = (
                f"id {article.id!r} is already taken by a different article from {prior_origin}"
                if same_id
                else f"id {article.id!r} gives the IRI key {key!r} of another id, from {prior_origin}"
            )
            if not ctx.skip_bad:
                raise IdError(
                    f"{article.origin}: {clash}; give each article its own id (an 'id' field, or --id for one input)"
                )
            renamed = f"{article.id}~{article.digest[:SUFFIX_DIGITS]}"
            ctx.stats.renamed += 1
            ctx.warn(f"{article.origin}: {clash}; kept as {renamed!r}")
            if renamed == article.id:  # pragma: no cover - a content hash never ends in itself
                raise IdError(f"{article.origin}: {clash}")
            article = replace(article, id=renamed)

    # ------------------------------------------------------------------ the table

    def _find(self, fingerprint: int) -> int:
        """The slot holding `fingerprint`, or the free slot where it would go (linear probing)."""
        mask = len(self._slots) - 1
        slot = fingerprint & mask
        while True:
            found = self._slots[slot]
            if found in (fingerprint, _EMPTY):
                return slot
            slot = (slot + 1) & mask

    def _add(self, slot: int, fingerprint: int, article: Article) -> None:
        self._slots[slot] = fingerprint
        self._entry[slot] = len(self._ids)
        self._ids.append(_fingerprint(article.id))
        self._digests.append(_fingerprint(article.digest))
        name, suffix = self._split_origin(article.origin)
        self._names.append(name)
        self._suffixes.append(suffix)
        if 2 * len(self._ids) > len(self._slots):  # keep the table at most half full
            self._grow()

    def _grow(self) -> None:
        old_slots, old_entry = self._slots, self._entry
        size = 2 * len(old_slots)
        self._slots = array("Q", bytes(8 * size))
        self._entry = array("q", [-1]) * size
        for fingerprint, entry in zip(old_slots, old_entry, strict=True):
            if fingerprint == _EMPTY:
                continue
            slot = self._find(fingerprint)
            self._slots[slot] = fingerprint
            self._entry[slot] = entry

    def _split_origin(self, origin: str) -> tuple[int, int]:
        match = _ORIGIN.fullmatch(origin)
        assert match is not None  # `(.*?)` followed by an optional group always matches
        name, line, index = match.groups()
        suffix = int(line) if line is not None else -2 - int(index) if index is not None else -1
        number = self._name_index.get(name)
        if number is None:
            number = self._name_index[name] = len(self._name_list)
            self._name_list.append(name)
        return number, suffix

    def _origin(self, entry: int) -> str:
        name, suffix = self._name_list[self._names[entry]], self._suffixes[entry]
        if suffix == -1:
            return name
        return f"{name}:{suffix}" if suffix >= 0 else f"{name}[{-2 - suffix}]"
