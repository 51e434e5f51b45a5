"""Checks made before RocksDB opens a store path, so the usual mistakes read as one clear line."""

from __future__ import annotations

import errno
import fcntl
import os
import re
from pathlib import Path

from kg.errors import StoreError

# The files RocksDB writes into a store directory.  A directory holding only these but no CURRENT
# is a store whose creation was cut short (a first `kg build` killed in the few milliseconds
# RocksDB takes to create it): opening it read-write finishes the job, so it must not be
# refused as someone else's directory.
_ROCKSDB_FILE = re.compile(r"LOCK|LOG(\.old\.\d+)?|IDENTITY|(MANIFEST|OPTIONS)-\d+|\d+\.(log|sst|blob|dbtmp)|KG_SERVING")

# `kg serve` holds an flock on this file inside the store (written with its pid and URL) for as
# long as it serves: the Oxigraph server opens the store read-only, which takes no RocksDB lock,
# so without it `kg build` would write under a running server (which then shows stale data, or
# worse).  flock locks are apart from RocksDB's POSIX record lock on LOCK.
SERVE_LOCK = "KG_SERVING"


def check_path(path: Path, read_only: bool) -> None:
    """Turn the usual mistakes into one clear line before RocksDB reports them obscurely."""
    if path.exists() and not path.is_dir():
        raise StoreError(f"store path {path} is a regular file, not a store directory")
    if path.is_dir():
        entries = set(os.listdir(path))
        if entries and "CURRENT" not in entries:
            if not all(_ROCKSDB_FILE.fullmatch(name) for name in entries):
                # Never let RocksDB scatter its files through an unrelated directory.
                raise StoreError(f"{path} exists but is not a quotegraph store (no RocksDB files in it)")
            if read_only:
                raise StoreError(f"no store at {path} yet (its creation was interrupted; run `kg build`)")
        if not entries and read_only:
            raise StoreError(f"no store at {path} (run `kg build` first)")
        if not read_only and not os.access(path, os.W_OK | os.X_OK):
            raise StoreError(f"store {path} is not writable (permission denied)")
        return
    if read_only:
        raise StoreError(f"no store at {path} (run `kg build` first)")
    parent = path.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot create store {path}: {err.strerror or err}") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(f"cannot create store {path}: directory {parent} is not writable")


def served_by(path: Path) -> str | None:
    """What `kg serve` left in the serving lock ("pid N at URL") while one serves `path`, else None."""
    lock = path / SERVE_LOCK
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        if err.errno not in (errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK):
            return None
        return os.read(fd, 500).decode("utf-8", "replace").strip() or "another process"
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def hold_serve_lock(path: Path, holder: str) -> int | None:
    """Take the serving lock of the store at `path` (shared: several servers may read one store)
    and return its descriptor, to be closed when serving ends; None when the store's directory
    cannot take the file (a read-only file system: no writer can run there either)."""
    try:
        fd = os.open(path / SERVE_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)
    os.ftruncate(fd, 0)
    os.pwrite(fd, holder.encode("utf-8"), 0)
    return fd


def is_locked(path: Path) -> bool:
    """Whether another process holds RocksDB's write lock (a POSIX record lock on PATH/LOCK)."""
    try:
        fd = os.open(path / "LOCK", os.O_RDWR)
    except OSError:
        return False  # no LOCK file (or unreadable): nothing to conflict with
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        return err.errno in (errno.EACCES, errno.EAGAIN)
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
