"""Errors a user can act on, and the exit code of each.  The CLI prints their message as one line
and exits with the class's `exit_code`; `EXIT_CODES` is the table docs/cli.md shows."""

from __future__ import annotations

# Every exit status `kg` can end with, in one place (tests/test_cli.py checks docs/cli.md against it).
EXIT_OK = 0
EXIT_FAILURE = 1  # any other error; a bug says "unexpected" (KG_DEBUG=1 shows its traceback)
EXIT_USAGE = 2  # a bad option, argument or input file
EXIT_STORE = 3
EXIT_QUERY = 4
EXIT_SERVE = 5
EXIT_REMOTE = 6
EXIT_NOT_FOUND = 7
EXIT_OUTPUT = 8
EXIT_INVALID = 9
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a Ctrl-C'd command

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_FAILURE: "any other error; a bug is reported as `unexpected …` (KG_DEBUG=1 shows the traceback)",
    EXIT_USAGE: "bad usage or input: an unknown option, a missing argument, an output extension with no known "
                "format, an input file that cannot be read as articles",
    EXIT_STORE: "the store cannot be opened or written: no store there, in use by another process, disk full",
    EXIT_QUERY: "a SPARQL query that does not parse, is refused, or times out",
    EXIT_SERVE: "`kg serve` cannot start: no oxigraph binary, address or port unusable, store in use",
    EXIT_REMOTE: "a remote SPARQL server cannot be reached, refuses a request, or wants credentials not given",
    EXIT_NOT_FOUND: "nothing found: no entity of that name in the store (`kg who`, `kg entities --explain`)",
    EXIT_OUTPUT: "an output file cannot be written (`-o` a directory, under a file, no permission)",
    EXIT_INVALID: "`kg validate`: the graph does not conform to the SHACL shapes",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}


class KgError(Exception):
    """Base class: the message says what went wrong and where (file, line, byte)."""

    exit_code = EXIT_FAILURE


class UsageError(KgError):
    """Options or arguments that do not go together, or a value that says nothing usable."""

    exit_code = EXIT_USAGE


class InputError(KgError):
    """An input file or line that cannot be read as an article."""

    exit_code = EXIT_USAGE


class StoreError(KgError):
    """The store cannot be opened or written (wrong path, locked, disk full)."""

    exit_code = EXIT_STORE


class QueryError(KgError):
    """A SPARQL query that does not parse or fails to run."""

    exit_code = EXIT_QUERY


class NotFoundError(KgError):
    """What was asked for is not in the store (a name `kg who` cannot find)."""

    exit_code = EXIT_NOT_FOUND
