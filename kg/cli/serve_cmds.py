"""Commands: serve_cmds (filled by its owner)."""

from kg.cli import app  # noqa: F401
