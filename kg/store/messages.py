"""pyoxigraph errors rewritten as the one-line messages the CLI prints."""

from __future__ import annotations

import errno
import re
from pathlib import Path

from kg.errors import StoreError


def store_error(path: Path, err: OSError | RuntimeError, action: str) -> StoreError:
    """`action` (open/write) failed on the store at `path`: say why, in one line.

    pyoxigraph raises OSError for I/O problems and RuntimeError for a RocksDB directory it
    cannot make sense of (e.g. "Column family not found" in a store cut off while being created).
    """
    msg = str(err)
    low = msg.lower()
    code = getattr(err, "errno", None)
    if "lock" in low and ("temporarily unavailable" in low or "resource busy" in low or "lock file" in low):
        return StoreError(f"store {path} is in use by another process")
    if code == errno.ENOSPC or "no space left" in low:
        return StoreError(f"disk full while writing store {path}")
    if code == errno.EFBIG or "file too large" in low:
        # RLIMIT_FSIZE (`ulimit -f`) or the file system's largest file: disk full in all but name
        return StoreError(f"file size limit reached while writing store {path} (see `ulimit -f`)")
    if code in (errno.EACCES, errno.EPERM) or "permission denied" in low:
        return StoreError(f"cannot {action} store {path}: permission denied")
    if "not a directory" in low:
        return StoreError(f"store path {path} is a regular file, not a store directory")
    return StoreError(f"cannot {action} store {path}: {one_line(msg)}")


def one_line(text: str, limit: int = 240) -> str:
    """Whitespace collapsed, cut at `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_POSITION = re.compile(r"error at (\d+):(\d+):\s*")
_CHAR_CLASS = re.compile(r"\[(?=')(?:'[^']*'|[^\]'])*\]")  # ['0'..='9'] and friends: noise to a user
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:[^\s:]*$")


# An update where a query was expected: the query parser's own complaint ("expected one of
# DESCRIBE …", at some column past the keyword) would not tell the user what is wrong.
_UPDATE = re.compile(
    r"\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|DROP|CLEAR|LOAD|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)


def syntax_message(sparql: str, err: SyntaxError) -> str:
    """`invalid SPARQL at line L, column C: <parser message> (near "…")`, on one line."""
    update = _UPDATE.match(sparql)
    if update:
        return (
            f"invalid SPARQL: {update.group(1).upper()} is an update; only queries (SELECT, ASK, "
            "CONSTRUCT, DESCRIBE) can be run on the store"
        )
    msg = str(err)
    m = _POSITION.match(msg)
    if not m:
        return f"invalid SPARQL: {one_line(msg)}"
    line, col = int(m.group(1)), int(m.group(2))
    lines = sparql.splitlines() or [""]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    detail = msg[m.end() :]
    if "Prefix not found" in detail:
        p = _PREFIXED.search(text[: max(col - 1, 0)])
        name = p.group(1) or "" if p else ""
        return f"invalid SPARQL at line {line}, column {col}: undeclared prefix `{name}:` (add PREFIX {name}: <…>)"
    detail = _CHAR_CLASS.sub("", detail)
    detail = re.sub(r"(,\s*)+(?=,|$)", "", re.sub(r",(\s*,)+", ",", detail)).rstrip(" ,")
    near = text[max(col - 1, 0) :][:30]
    where = f'(near "{one_line(near, 30)}")' if near.strip() else "(at end of line)"
    return f"invalid SPARQL at line {line}, column {col}: {one_line(detail, 160)} {where}"
