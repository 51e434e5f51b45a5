"""Turning command-line paths into a lazy, deterministic stream of input files.

Directories are walked with os.scandir one directory at a time (sorted by name, so two runs
over the same tree read articles in the same order) using an explicit stack, so neither a huge
tree nor a deep one is listed up front or overflows the recursion limit.  Directory identities
(device, inode) are remembered so a symlink loop, or the same directory given twice, is read
once.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Literal, Protocol

from kg.errors import InputError
from kg.read.context import ReadContext

Format = Literal["txt", "jsonl", "json", "html", "stdin"]

STDIN = "-"
STDIN_NAME = "<stdin>"

# Extensions read when walking a directory; anything else there is skipped silently.
FORMATS: dict[str, Format] = {
    ".txt": "txt",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
}

_CHUNK = 1 << 20


class ByteStream(Protocol):
    """What the parsers need from a file, stdin or stdin with its first bytes pushed back."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class Source:
    """One input file (or stdin) and how to parse it."""

    path: str  # as the user will recognise it: the given path, or joined below a given directory
    fmt: Format
    # The id a plain-text file gives its article: its path below the directory given, without
    # extension (`a/story`), or its stem when named itself; None for pipes, devices and stdin,
    # whose names (`/dev/fd/63`) say nothing about their content: those use the content hash.
    name_id: str | None = None


def readable_id(name: str) -> str:
    """A file name that is not UTF-8 (an old Latin-1 archive) decodes to lone surrogates, which
    no RDF literal may hold: keep the readable part, mark the rest."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _stem_id(path: str) -> str:
    return readable_id(os.path.splitext(os.path.basename(path))[0])


def _relative_id(root: str, path: str) -> str:
    relative = os.path.splitext(os.path.relpath(path, root))[0]
    return readable_id(relative.replace(os.sep, "/"))


def format_of(path: str) -> Format | None:
    return FORMATS.get(os.path.splitext(path)[1].lower())


def os_error(path: str, err: OSError) -> InputError:
    """One-line InputError for a failed stat/open/read/scandir."""
    if isinstance(err, FileNotFoundError):
        reason = "no such file or directory"
    elif isinstance(err, PermissionError):
        reason = "permission denied"
    elif isinstance(err, IsADirectoryError):
        reason = "is a directory"
    else:
        reason = (err.strerror or str(err) or type(err).__name__).lower()
    return InputError(f"{path}: {reason}")


def iter_sources(paths: Sequence[str], ctx: ReadContext) -> Iterator[Source]:
    """Input files in order; bad paths go through ctx.bad (raise, or warn and skip)."""
    visited: set[tuple[int, int]] = set()
    for given in paths:
        path = os.fspath(given)  # callers may pass pathlib.Path
        if path == STDIN:
            yield Source(STDIN, "stdin")
            continue
        try:
            st = os.stat(path)
        except OSError as err:
            ctx.bad(os_error(path, err))
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(path, st, visited, ctx)
        else:
            # named explicitly: read even if hidden, and as plain text when the extension is unknown
            stream = stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode) or stat.S_ISSOCK(st.st_mode)
            yield Source(path, format_of(path) or "txt", None if stream else _stem_id(path))


def _walk(
    root: str, root_stat: os.stat_result, visited: set[tuple[int, int]], ctx: ReadContext
) -> Iterator[Source]:
    if not _first_visit(root, root_stat, visited, ctx):
        return
    stack: list[Iterator[os.DirEntry[str]]] = []
    listing = _listdir(root, ctx)
    if listing is not None:
        stack.append(listing)
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue  # hidden files and directories (.git, .DS_Store, editor swap files)
        if _is_dir(entry):
            try:
                st = os.stat(entry.path)
            except OSError as err:
                ctx.bad(os_error(entry.path, err))
                continue
            if _first_visit(entry.path, st, visited, ctx):
                listing = _listdir(entry.path, ctx)
                if listing is not None:
                    stack.append(listing)
            continue
        fmt = format_of(entry.name)
        if fmt is None:
            continue
        source = _file_entry(root, entry, fmt, ctx)
        if source is not None:
            yield source


def _first_visit(path: str, st: os.stat_result, visited: set[tuple[int, int]], ctx: ReadContext) -> bool:
    key = (st.st_dev, st.st_ino)
    if key in visited:
        ctx.warn(f"{path}: directory already read (symlink loop or duplicate path); skipped")
        return False
    visited.add(key)
    return True


def _listdir(path: str, ctx: ReadContext) -> Iterator[os.DirEntry[str]] | None:
    try:
        with os.scandir(path) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as err:
        ctx.bad(os_error(path, err))
        return None
    return iter(entries)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows symlinks: linked directories are walked (loops are caught)
    except OSError:
        return False


def _file_entry(root: str, entry: os.DirEntry[str], fmt: Format, ctx: ReadContext) -> Source | None:
    try:
        if entry.is_file():
            return Source(entry.path, fmt, _relative_id(root, entry.path))
        os.stat(entry.path)  # a dangling or self-referencing symlink raises the real reason here
    except OSError as err:
        ctx.bad(os_error(entry.path, err))
        return None
    # a FIFO or device named like an article: opening it could block forever
    ctx.bad(InputError(f"{entry.path}: not a regular file"))
    return None


def open_file(path: str) -> BinaryIO:
    try:
        return open(_spooled_pipes.get(path, path), "rb")  # noqa: SIM115 - the caller owns and closes it
    except OSError as err:
        raise os_error(path, err) from None


def read_chunks(stream: ByteStream) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


def read_bounded(stream: ByteStream, limit: int) -> tuple[bytes, Iterable[bytes] | None]:
    """Up to `limit` bytes.  If there is more, also return an iterator over the rest so the caller
    can measure it without holding it (the article is too large anyway)."""
    data = stream.read(limit + 1)
    if len(data) <= limit:
        return data, None

    def rest() -> Iterator[bytes]:
        yield data
        yield from read_chunks(stream)

    return b"", rest()


# --- stdin ------------------------------------------------------------------------------------
# Standard input can be read only once, but a caller may pre-scan the inputs (check_inputs)
# before reading them for real.  The pre-scan therefore copies stdin to a temporary file which
# later reads replay.  The copy is tied to the stdin object it came from, so replacing sys.stdin
# (as tests do) starts afresh.  A plain iter_articles never spools: it streams stdin directly.

_spool: tuple[object, BinaryIO] | None = None


def _stdin_buffer() -> BinaryIO:
    return getattr(sys.stdin, "buffer", sys.stdin)  # type: ignore[return-value]


# Explicitly named pipes (`kg build <(zcat a.txt.gz)`, a FIFO) can be read only once too: the
# pre-scan copies them the same way, and `open_file` reads the copy under the original name.
_spooled_pipes: dict[str, str] = {}


def spool_pipes(paths: Sequence[str]) -> None:
    for given in paths:
        path = os.fspath(given)
        if path == STDIN or path in _spooled_pipes:
            continue
        try:
            mode = os.stat(path).st_mode
        except OSError:
            continue  # reported by the read itself
        if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
            with open(path, "rb") as pipe, tempfile.NamedTemporaryFile(delete=False, prefix="kg-pipe-") as copy:
                shutil.copyfileobj(pipe, copy, _CHUNK)
            _spooled_pipes[path] = copy.name


def spool_stdin() -> None:
    """Copy stdin to a temporary file (once) so that it can be read more than once."""
    global _spool
    buffer = _stdin_buffer()
    if _spool is not None and _spool[0] is buffer:
        return
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process needs stdin
    shutil.copyfileobj(buffer, spool, _CHUNK)
    _spool = (buffer, spool)


def open_stdin() -> BinaryIO:
    """Stdin as a binary stream: the spooled copy when there is one, rewound."""
    buffer = _stdin_buffer()
    if _spool is not None and _spool[0] is buffer:
        spool = _spool[1]
        spool.seek(0)
        return spool
    return buffer
