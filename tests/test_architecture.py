"""The import directions between kg's packages (docs/architecture.md): each package imports only
from itself and from the layers below its own, so no two packages import each other, directly or
round a cycle.  Read from the source with `ast` — every import counts, also those inside functions
and under TYPE_CHECKING, since a lazy import is still a dependency."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

KG = Path(__file__).resolve().parent.parent / "kg"

# Lowest first.  A package may import its own modules and any package of a lower layer; never one
# of its own layer or above.  ("kg" is the package's __init__.)
LAYERS: tuple[tuple[str, ...], ...] = (
    ("kg", "errors"),
    ("model", "rules", "resources", "plugins", "output"),
    ("nlp",),
    ("extract", "resolve"),
    ("analysis",),
    ("graph",),
    ("read", "store"),
    ("facts",),
    ("clusters", "identity"),
    ("summary",),
    ("build_state", "query"),
    ("parallel", "export", "report", "validate", "serve", "eval"),
    ("pipeline", "push"),
    ("cli",),
    ("__main__",),
)
LAYER_OF = {package: n for n, layer in enumerate(LAYERS) for package in layer}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(KG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(module: str) -> str:
    """kg.extract.quotes → extract; kg.pipeline → pipeline; kg → kg."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "kg"


def _imported(path: Path, module: str) -> set[str]:
    """The kg modules (or names in them) that the file imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
    return {name for name in found if name == "kg" or name.startswith("kg.")}


def package_edges() -> dict[tuple[str, str], list[str]]:
    """(importing package, imported package) → the imports that make the edge, as 'a → b'."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in sorted(KG.rglob("*.py")):
        module = _module_name(path)
        for target in _imported(path, module):
            a, b = _package(module), _package(target)
            if a != b:
                edges.setdefault((a, b), []).append(f"{module} → {target}")
    return edges


def test_every_package_has_a_layer() -> None:
    packages = {_package(_module_name(p)) for p in KG.rglob("*.py")}
    unplaced = sorted(packages - LAYER_OF.keys())
    assert not unplaced, f"place these packages in a layer of tests/test_architecture.py and docs/architecture.md: {unplaced}"


def layer_violations(edges: dict[tuple[str, str], list[str]]) -> list[str]:
    return [
        f"{a} (layer {LAYER_OF[a]}) imports {b} (layer {LAYER_OF[b]}): {', '.join(sorted(why)[:3])}"
        for (a, b), why in sorted(edges.items())
        if a in LAYER_OF and b in LAYER_OF and LAYER_OF[b] >= LAYER_OF[a]
    ]


def find_cycle(edges: dict[tuple[str, str], list[str]]) -> list[str] | None:
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as err:
        return list(err.args[1])
    return None


def test_imports_point_down_the_layers() -> None:
    wrong = layer_violations(package_edges())
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_no_cycle_between_packages() -> None:
    cycle = find_cycle(package_edges())
    assert cycle is None, f"import cycle between packages: {' → '.join(cycle or [])}"


def test_extraction_and_resolution_exchange_plain_types() -> None:
    """resolve never imports extract (nor the reverse): they share kg.model and kg.nlp.found."""
    edges = package_edges()
    assert ("resolve", "extract") not in edges and ("extract", "resolve") not in edges


def test_a_cycle_fails_both_checks() -> None:
    """The store ⇄ query cycle this layout once had would fail the layer check and the cycle check."""
    edges = {**package_edges(), ("store", "query"): ["kg.store.x → kg.query.y"]}
    assert layer_violations(edges) == ["store (layer 6) imports query (layer 10): kg.store.x → kg.query.y"]
    cycle = find_cycle(edges)
    assert cycle is not None and {"store", "query"} <= set(cycle)
