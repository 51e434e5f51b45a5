"""Writing an output file (`kg export -o`, `kg report -o`) without ever replacing what is not one.

A regular file (or a new one) is written to a temporary sibling and renamed over the target, so a
failed run never leaves half a file.  Anything else is written *through*: a character device
(`/dev/null`, a terminal), a FIFO (`mkfifo`), `/dev/stdout` or `/dev/fd/N` (whatever they point
at, even a regular file a shell redirected: the process's own descriptor must keep seeing the
output), and a symlink writes to the file it points to, which stays a symlink.  Renaming over
those would turn them into ordinary files and lose the output (as root, a device node).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from kg.errors import EXIT_OUTPUT, KgError

# Paths under these are views of open descriptors and devices, never files to replace.
_PASS_THROUGH_ROOTS = ("/dev/", "/proc/")


class OutputError(KgError):
    """An output that cannot be written."""

    exit_code = EXIT_OUTPUT


def write_output(
    path: str | os.PathLike[str],
    write: Callable[[IO[bytes]], None],
    *,
    what: str = "",
    error: type[KgError] = OutputError,
) -> Path:
    """Call `write` with a binary stream that ends up at `path`; returns the path written.
    `what` names the output in messages (`report`), else just `cannot write PATH`; failures
    raise `error` (the caller's own KgError class)."""
    path = Path(path)
    label = f"{what} {path}" if what else str(path)
    try:
        st = os.stat(path)  # follows symlinks: what the path leads to
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise error(f"cannot write {label}: {err.strerror or err}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise error(f"cannot write {label}: it is a directory")
    try:
        if st is not None and is_stream_target(path):
            _write_through(path, write)
        else:
            _write_atomically(Path(os.path.realpath(path)), write, st)
    except OSError as err:
        raise error(f"cannot write {label}: {err.strerror or err}") from None
    return path


def is_stream_target(path: str | os.PathLike[str]) -> bool:
    """Whether `path` leads to something written through (a device, FIFO or descriptor view)
    rather than a file or directory that could be replaced."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return not stat.S_ISDIR(st.st_mode) and (not stat.S_ISREG(st.st_mode) or _is_descriptor_view(Path(path)))


def _is_descriptor_view(path: Path) -> bool:
    """`/dev/stdout`, `/dev/fd/3`, `/proc/self/fd/1`: a regular file reached through one is the
    file a shell opened for this process; replacing it would leave the descriptor on the old one."""
    absolute = os.path.abspath(path)
    return absolute.startswith(_PASS_THROUGH_ROOTS) or os.path.realpath(path).startswith(_PASS_THROUGH_ROOTS)


def _write_through(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    # Append mode: for devices and FIFOs it changes nothing, and a file a shell opened with `>>`
    # for /dev/stdout must not be truncated behind its back (`>` has truncated it already).
    with open(path, "ab") as out:
        write(out)


def _write_atomically(target: Path, write: Callable[[IO[bytes]], None], previous: os.stat_result | None) -> None:
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        # A replaced file keeps its permissions; a new one is readable by all (mkstemp's 0600
        # would make the output private to its author).
        os.fchmod(fd, stat.S_IMODE(previous.st_mode) if previous is not None else 0o644)
        with os.fdopen(fd, "wb") as out:
            write(out)
        os.replace(tmp, target)
        tmp = None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
