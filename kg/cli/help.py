"""How `kg … --help` names the values options take.

Typer's help shows a Python type beside every parameter (`<bool>` beside a flag, `<list[str]>`
beside a repeatable argument, `<path>`, `<int range>`): words about the implementation, not about
what to type.  Here a flag shows nothing (it takes no value), an argument shows nothing (its name
already says what it is), and an option shows its metavar, or the kind of value as Click would
print it (PATH, FILE, TEXT, INTEGER, NUMBER, or the choices).  Every command of `kg` is built
with these classes (kg.cli.command), so no command can leak a type name.
"""

from __future__ import annotations

from typing import Any

import typer.core

# The kinds of value, by the Python type Typer reports: what the user types, in Click's words.
_VALUE_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "path": "PATH", "file": "FILE",
                "directory": "DIR"}


def value_name(param: Any) -> str | None:
    """The word shown beside an option in --help, or None when there is nothing to type."""
    if isinstance(param, typer.core.TyperArgument):
        return None
    if param.is_flag or param.count:
        return None
    if param.metavar is not None:
        return str(param.metavar)
    descriptor = param.type_descriptor
    if descriptor.is_choice:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in descriptor.choices or ()) + "]"
    label = param.display_type(None).strip("<>")  # "<path>", "<int range>", "<list[str]>"
    label = label.removeprefix("list[").removesuffix("]").removesuffix(" range")
    return _VALUE_NAMES.get(label, label.upper())


class _PlainArgument(typer.core.TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class _PlainOption(typer.core.TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        return value_name(self)


def _plain(params: list[Any]) -> list[Any]:
    # Typer creates its parameter objects itself (there is no cls= for them), so each one is
    # given the subclass above, which changes nothing but the word --help shows.
    for param in params:
        if type(param) is typer.core.TyperArgument:
            param.__class__ = _PlainArgument
        elif type(param) is typer.core.TyperOption:
            param.__class__ = _PlainOption
    return params


class KgCommand(typer.core.TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain(super().get_params(ctx))


class KgGroup(typer.core.TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain(super().get_params(ctx))
