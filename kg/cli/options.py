"""The options `kg` commands share, each declared once: one flag, one help text, one default.

Every command that reads a store takes `--store/-s PATH` (default ./kg.db); every command that
prints data takes `--format`, whose choices are the command's own but which always has `json`
(the older `--json` flag stays as a hidden alias of `--format json`); commands that write a file
take `-o/--output`; listings take `--limit N`.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from kg.errors import UsageError
from kg.output import is_stream_target
from kg.store import DEFAULT_STORE_PATH

DEFAULT_STORE: Path = DEFAULT_STORE_PATH

StoreOption = Annotated[
    Path, typer.Option("--store", "-s", metavar="PATH", help="Store directory (as written by `kg build`).")
]

OutputOption = Annotated[
    str, typer.Option("-o", "--output", metavar="FILE", help="File to write (`-` = standard output).")
]

LimitOption = Annotated[
    int | None,
    typer.Option("--limit", min=1, metavar="N", help="Only the first N (rows of a listing; for kg eval, articles of each PolNeAR split).",
                 show_default=False),
]

# Hidden: `--format json` is the documented spelling; scripts written for --json keep working.
JsonAlias = Annotated[bool, typer.Option("--json", hidden=True, help="Same as --format json.")]


def format_option(help: str = "Output format.") -> Any:
    """`--format`, for a command's own Enum of formats."""
    return typer.Option("--format", case_sensitive=False, help=help)


class TableOrJson(str, Enum):
    """What a command that prints a listing can print."""

    table = "table"
    json = "json"


class TextOrJson(str, Enum):
    """What a command that prints a report in sentences can print."""

    text = "text"
    json = "json"


def wants_json(fmt: Enum, json_alias: bool) -> bool:
    """Whether to print JSON: --format json, or the hidden --json alias."""
    return json_alias or fmt.value == "json"


def format_from_extension(out: str, by_extension: dict[str, str], *, stream_default: str, what: str) -> str:
    """The format an output path asks for when --format is not given: from its extension (any
    case); `-`, a device or FIFO (`/dev/stdout`) gets `stream_default`; an existing directory or a
    path ending in `/` gets the format mapped from "/" when there is one.  Anything else is a
    usage error naming the extensions that are known."""
    if out == "-" or is_stream_target(out):
        return stream_default
    if "/" in by_extension and (out.endswith("/") or Path(out).is_dir()):
        return by_extension["/"]
    suffix = Path(out).suffix.lower()
    if suffix in by_extension:
        return by_extension[suffix]
    known = ", ".join(ext for ext in by_extension if ext != "/")
    said = f"extension {suffix}" if suffix else "no extension"
    raise UsageError(f"cannot tell the {what} format of {out} ({said}): give --format, or name the file {known}")
