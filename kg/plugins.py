"""Lazy registries of implementations by name (as rdflib's `plugin.register`): an entry names a
module and an attribute, and the module is imported only when that name is asked for — so the
dask engine's imports cost nothing to a build that runs locally, and an exporter's to another
format's export.

    ENGINES.register("dask", "kg.parallel.dask_engine", "build_dask")
    build = ENGINES.get("dask")
"""

from __future__ import annotations

import importlib
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, tuple[str, str]] = {}

    def register(self, name: str, module: str, attribute: str) -> None:
        """Make NAME stand for MODULE.ATTRIBUTE (replacing an earlier entry of that name)."""
        self._entries[name] = (module, attribute)

    def names(self) -> tuple[str, ...]:
        """The registered names, in the order they were first registered."""
        return tuple(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def get(self, name: str) -> T:
        if name not in self._entries:
            raise KeyError(f"unknown {self.kind} {name!r}; expected one of {', '.join(self._entries)}")
        module, attribute = self._entries[name]
        found: T = getattr(importlib.import_module(module), attribute)
        return found
