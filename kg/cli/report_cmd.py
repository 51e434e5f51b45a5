"""Commands: report_cmd (filled by its owner)."""

from kg.cli import app  # noqa: F401
