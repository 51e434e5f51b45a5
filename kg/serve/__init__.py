"""serve stage: the store as a SPARQL 1.1 Protocol endpoint, answered by the Oxigraph server."""

from kg.serve.binary import ServeError, find_oxigraph, server_command
from kg.serve.run import (
    DEFAULT_BIND,
    DEFAULT_MEMORY_MB,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    DEFAULT_WORKERS,
    ServeConfig,
    serve,
)

__all__ = [
    "DEFAULT_BIND",
    "DEFAULT_MEMORY_MB",
    "DEFAULT_PORT",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WORKERS",
    "ServeConfig",
    "ServeError",
    "find_oxigraph",
    "serve",
    "server_command",
]
