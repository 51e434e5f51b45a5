"""The `kg` command line: a thin Typer shell over the library API.

Each sub-module registers its commands on `app` through `command()`, which gives every command
an example in its --help and the help classes of kg.cli.help.  `main()` is the only place
failures become exit codes (the table is kg.errors.EXIT_CODES, shown in docs/cli.md): usage
errors, user-facing errors (KgError) and unexpected exceptions alike end as one line on stderr
and a non-zero exit, never a stack trace (set KG_DEBUG=1 to see one), and Ctrl-C ends any
command with exit 130.
"""

from __future__ import annotations

import _thread
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from types import FrameType
from typing import Annotated, Any

import typer
from rich.markup import escape

from kg.cli.help import KgCommand, KgGroup
from kg.errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, KgError

app = typer.Typer(
    name="kg",
    help="quotegraph: build a who-said-what knowledge graph from news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=KgGroup,
    epilog="Example: kg build examples/articles && kg quotes   (every command: docs/cli.md)",
)


def command(name: str, *, example: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a `kg NAME` command whose --help ends with one pasteable example."""
    return app.command(name, cls=KgCommand, epilog=f"Example: {escape(example)}", **kwargs)


def package_version() -> str:
    try:
        return version("quotegraph")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"kg (quotegraph) {package_version()}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_print_version, help="Print the version and exit."),
    ] = False,
) -> None:
    """quotegraph: build a who-said-what knowledge graph from news articles."""


# Command modules register themselves on import (kept after `app` on purpose).  Importing them
# loads spaCy, which takes seconds: a Ctrl-C then is an interrupt too, not a traceback.
try:
    from kg.cli import commands  # noqa: E402,F401
except KeyboardInterrupt:
    sys.exit(EXIT_INTERRUPTED)

# How long the main thread gets to react to Ctrl-C before the process exits anyway.
INTERRUPT_GRACE = 2.0
# How soon a Ctrl-C lost inside a finalizer is delivered again (see redeliver_lost_interrupt).
REDELIVER_AFTER = 0.05


def main() -> None:
    try:
        with _exit_promptly_on_interrupt():
            # Not standalone: Click's usage errors come here, to be one line like every other.
            code = app(standalone_mode=False, prog_name="kg")
    except typer.TyperException as err:  # Click's usage errors: unknown option, bad value, …
        if type(err).__name__ == "NoArgsIsHelpError":  # `kg` alone: rich has printed the help
            if err.format_message().strip():
                print(err.format_message(), file=sys.stderr)
            sys.exit(err.exit_code)
        context = getattr(err, "ctx", None)
        hint = f" (see `{context.command_path} --help`)" if context is not None else ""
        _fail(err.format_message() + hint, err.exit_code)
    except typer.Abort:  # end of input at a prompt
        _fail("aborted", EXIT_FAILURE)
    except KgError as err:
        _fail(str(err), err.exit_code)
    except KeyboardInterrupt:
        # Typer turns a Ctrl-C inside a command into exit 130 itself; this catches one that
        # lands outside it (while the command line is parsed), again without a traceback.
        sys.exit(EXIT_INTERRUPTED)
    except Exception as err:  # a bug, or a library error no stage mapped to a KgError
        if _debug():
            raise
        detail = f": {_one_line(str(err))}" if str(err).strip() else ""
        _fail(f"unexpected {type(err).__name__}{detail} (set KG_DEBUG=1 for the traceback)", EXIT_FAILURE)
    # typer.Exit(n) (and Ctrl-C, as 130) come back as a number; a command that returns, as None.
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _fail(message: str, code: int) -> None:
    # Messages are written as one line; a wrapped library message must not break that.
    print(f"kg: error: {_one_line(message)}", file=sys.stderr)
    sys.exit(code)


def _one_line(text: str, limit: int = 500) -> str:
    if "\n" in text or "\r" in text:
        text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _debug() -> bool:
    return os.environ.get("KG_DEBUG", "").strip() not in ("", "0")


@contextmanager
def _exit_promptly_on_interrupt(grace: float = INTERRUPT_GRACE) -> Iterator[None]:
    """Make Ctrl-C end `kg` within `grace` seconds whatever it is doing.

    Python raises KeyboardInterrupt only when the main thread next runs Python code, and a long
    SPARQL evaluation (or any other native call) does not return until it is done — minutes for
    a pathological `kg query`, during which Ctrl-C seemed ignored.  The interpreter's C-level
    handler also writes the signal number to the wakeup fd at once, so a watcher thread hears of
    it; if our Python-level handler has not run within `grace` (the main thread is stuck in
    native code) the watcher exits with 130.  That is as safe as kill -9, which the store is built
    for: each article is written in one transaction.  Everything is restored on the way out, so
    calling main() in-process (tests) leaves the caller's signal setup as it was.
    """
    if (
        threading.current_thread() is not threading.main_thread()  # signals are the main thread's
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler  # ignored, or not ours
    ):
        yield
        return
    handled = threading.Event()

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        handled.set()
        raise KeyboardInterrupt  # exactly what the default handler does

    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)  # set_wakeup_fd requires it
    previous_fd = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)

    def watch() -> None:
        while data := os.read(read_fd, 64):  # b"" once the write end is closed on the way out
            if signal.SIGINT not in data:  # other signals with Python handlers also write here
                continue
            if handled.wait(grace):
                handled.clear()  # Python saw it: the usual unwinding runs; watch for the next one
                continue
            os._exit(EXIT_INTERRUPTED)
        os.close(read_fd)

    previous_hook = sys.unraisablehook

    def redeliver_lost_interrupt(unraisable: sys.UnraisableHookArgs) -> None:
        # A signal handler runs wherever the main thread is, also inside a finalizer (`__del__`,
        # e.g. the `regex` module's while spaCy runs), and Python ignores any exception raised
        # there: the KeyboardInterrupt would be printed as "Exception ignored" and the build would
        # go on to the end.  So the signal is tripped again a moment later from another thread;
        # tripping it from here would run the handler here, and lose it the same way.
        if unraisable.exc_type is KeyboardInterrupt:
            threading.Timer(REDELIVER_AFTER, _thread.interrupt_main, args=(signal.SIGINT,)).start()
            return
        previous_hook(unraisable)

    signal.signal(signal.SIGINT, on_sigint)
    sys.unraisablehook = redeliver_lost_interrupt
    threading.Thread(target=watch, name="kg-interrupt", daemon=True).start()
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.set_wakeup_fd(previous_fd)
        os.close(write_fd)
