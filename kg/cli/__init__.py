"""The `kg` command line: a thin Typer shell over the library API.

Each sub-module registers its commands on `app`; user-facing errors (KgError) become one line on
stderr and a non-zero exit, never a stack trace.
"""

from __future__ import annotations

import sys

import typer

from kg.errors import KgError

app = typer.Typer(
    name="kg",
    help="quotegraph: build a who-said-what knowledge graph from news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command modules register themselves on import (kept after `app` on purpose).
from kg.cli import commands  # noqa: E402,F401


def main() -> None:
    try:
        app()
    except KgError as err:
        print(f"kg: error: {err}", file=sys.stderr)
        sys.exit(err.exit_code)
