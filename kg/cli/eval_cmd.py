"""Commands: eval_cmd (stub, filled by its owner)."""

from kg.cli import app  # noqa: F401
