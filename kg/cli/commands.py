"""Imports every command module so they register on the app."""

# Each module below owns the commands of one pipeline stage.
from kg.cli import (  # noqa: F401
    build_cmd,
    entity_cmds,
    eval_cmd,
    export_cmd,
    query_cmds,
    report_cmd,
    serve_cmds,
    validate_cmd,
)
