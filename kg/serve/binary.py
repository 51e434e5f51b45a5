"""Finding the `oxigraph` server binary and building its command line.

The server is the real Oxigraph CLI (PyPI package `oxigraph`, the same version as pyoxigraph, so
it reads the store's RocksDB files as they are).  Its options, checked against 0.5.13:
`serve` / `serve-read-only`, `--location`, `--bind HOST:PORT`, `--union-default-graph`,
`--timeout-s N` (whole seconds, SPARQL queries only) and `--cors`.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from kg.errors import EXIT_SERVE, KgError


class ServeError(KgError):
    """The endpoint cannot be started (no binary, bad address, store in use, port taken)."""

    exit_code = EXIT_SERVE


def find_oxigraph() -> str:
    """The `oxigraph` executable: next to this Python first (the venv that has pyoxigraph, hence
    a matching storage format), then on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise ServeError(
            "the `oxigraph` server binary was not found (pip install 'oxigraph>=0.5,<0.6' into this venv)"
        )
    return found


def format_bind(host: str, port: int) -> str:
    """`host:port` as Oxigraph's --bind wants it; IPv6 literals go in brackets."""
    if ":" in host and not host.startswith("["):
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def server_command(
    binary: str,
    store: Path,
    host: str,
    port: int,
    *,
    allow_update: bool = False,
    timeout: int | None = None,
    cors: bool = False,
) -> list[str]:
    """argv for the server.  The union default graph makes `SELECT … { ?s ?p ?o }` see every
    named graph (the articles', the summary and the identity links), exactly like `kg query`;
    without it Oxigraph's default graph is the (empty) default graph of the dataset.  kg serve
    passes no timeout (kg.serve.proxy keeps time: Oxigraph's own ends a streaming answer as if
    it were complete)."""
    argv = [
        binary,
        "serve" if allow_update else "serve-read-only",
        "--location",
        str(store),
        "--bind",
        format_bind(host, port),
        "--union-default-graph",
    ]
    if timeout:  # 0 or None: no limit (Oxigraph has no way to say "none" explicitly)
        argv += ["--timeout-s", str(timeout)]
    if cors:
        argv.append("--cors")
    return argv
