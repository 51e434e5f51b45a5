"""Errors a user can act on.  The CLI prints their message as one line and exits non-zero."""


class KgError(Exception):
    """Base class: the message says what went wrong and where (file, line, byte)."""

    exit_code = 1


class InputError(KgError):
    """An input file or line that cannot be read as an article."""

    exit_code = 2


class StoreError(KgError):
    """The store cannot be opened or written (wrong path, locked, disk full)."""

    exit_code = 3


class QueryError(KgError):
    """A SPARQL query that does not parse or fails to run."""

    exit_code = 4
