"""report stage: the store as one self-contained HTML page of who said what.

`render_report(store)` returns the page; `write_report(store_path, out)` writes it.  Data comes
from SPARQL (queries), is shaped for display (view, highlight, network, timeline) and rendered
through templates/report.html.j2 with plotly.js inlined, so the page needs no network.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kg.errors import KgError
from kg.report.render import render_data, render_report
from kg.store import QuoteStore

__all__ = ["render_data", "render_report", "write_report"]


def write_report(store_path: str | os.PathLike[str], out: str | os.PathLike[str]) -> Path:
    """Render the store at `store_path` into the file `out` (written whole, then renamed, so a
    failed run never leaves half a report)."""
    target = Path(out)
    _check_target(target)  # before the rendering work, not after
    with QuoteStore.open(store_path, read_only=True) as store:
        page = render_report(store)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(page)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise KgError(f"cannot write report {target}: {err.strerror or err}") from None
    return target


def _check_target(target: Path) -> None:
    if target.is_dir():
        raise KgError(f"cannot write report {target}: it is a directory")
    for parent in target.absolute().parents:
        if parent.exists() and not parent.is_dir():
            raise KgError(f"cannot write report {target}: {parent} is not a directory")
