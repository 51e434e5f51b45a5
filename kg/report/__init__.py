"""report stage: the store as one self-contained HTML page of who said what.

`render_report(store)` returns the page; `write_report(store_path, out)` writes it.  Data comes
from the store (load, through kg.facts), is shaped for display (view, highlight, network, timeline) and rendered
through templates/report.html.j2 with plotly.js inlined, so the page needs no network.
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.output import OutputError, write_output
from kg.report.page import render_data, render_report
from kg.store import QuoteStore

__all__ = ["render_data", "render_report", "write_report"]


def write_report(store_path: str | os.PathLike[str], out: str | os.PathLike[str]) -> Path:
    """Render the store at `store_path` into the file `out` (written whole, then renamed, so a
    failed run never leaves half a report; a device, FIFO or symlink is written through)."""
    target = Path(out)
    _check_target(target)  # before the rendering work, not after
    with QuoteStore.open(store_path, read_only=True) as store:
        page = render_report(store).encode("utf-8")
    return write_output(target, lambda fh: fh.write(page), what="report", error=OutputError)


def _check_target(target: Path) -> None:
    if target.is_dir():
        raise OutputError(f"cannot write report {target}: it is a directory")
    for parent in target.absolute().parents:
        if parent.exists() and not parent.is_dir():
            raise OutputError(f"cannot write report {target}: {parent} is not a directory")
