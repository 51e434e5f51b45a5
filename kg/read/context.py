"""State shared by the walkers and parsers of one read: options, counters, error policy."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.errors import InputError

_LOG = logging.getLogger("kg.read")


@dataclass
class ReadStats:
    """Counters for one pass over the inputs (filled in as the generator is consumed)."""

    files: int = 0  # input files opened (stdin counts as one)
    articles: int = 0  # articles yielded
    skipped: int = 0  # bad files or lines skipped under skip_bad
    warnings: int = 0  # messages passed to warn (skips and encoding fallbacks)
    bytes: int = 0  # bytes read from files and stdin
    duplicates: int = 0  # the same article (same id and text) given again: read once
    renamed: int = 0  # articles kept under a suffixed id because theirs was taken (skip_bad)


@dataclass
class ReadContext:
    """Options and the error policy: raise at the first bad item, or warn and skip it."""

    skip_bad: bool = False
    warn_fn: Callable[[str], None] | None = None
    max_chars: int = 1_000_000
    stats: ReadStats = field(default_factory=ReadStats)

    def warn(self, message: str) -> None:
        self.stats.warnings += 1
        if self.warn_fn is not None:
            self.warn_fn(message)
        else:
            _LOG.warning("%s", message)

    def bad(self, err: InputError) -> None:
        """Report a bad file or line: raises unless skip_bad, in which case it is skipped."""
        if not self.skip_bad:
            raise err
        self.stats.skipped += 1
        self.warn(f"{err} (skipped)")

    def too_long(self, where: str, chars: int) -> InputError:
        return InputError(
            f"{where}: article is {chars:,} characters; the limit is {self.max_chars:,} (--max-chars)"
        )
