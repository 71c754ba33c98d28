"""Helpers shared by the import rules: naming places and public APIs in messages."""

from __future__ import annotations

from fsd_lint.facts.types import ImportFact
from fsd_lint.model.project import SLICED_LAYERS, Location


def public_api_module(location: Location) -> str | None:
    """The module name of the public API that ``location`` belongs to, if it has one."""
    root = location.root
    if location.layer is None:
        return None
    layer = root.layers[location.layer]
    if location.layer in SLICED_LAYERS:
        if location.slice is None:
            return None
        return root.module_name((layer.dir_name, *location.slice.split("/")))
    if location.segment is None:
        return None
    return root.module_name((layer.dir_name, location.segment))


def place(location: Location) -> str:
    """A short name for the place an import comes from or goes to, for messages."""
    return f"`{location.describe()}`"


def is_unit_member(location: Location) -> bool:
    """Whether the location is inside a slice (or a segment of shared/app)."""
    if location.layer is None:
        return False
    if location.layer in SLICED_LAYERS:
        return location.slice is not None
    return location.segment is not None


def statement(fact: ImportFact) -> str:
    """The import as a short statement for messages: ``from shop.x import A, B``."""
    if fact.kind == "import":
        return f"import {fact.module}"
    if fact.kind == "dynamic":
        return f'{fact.call or "import_module"}("{fact.written()}")'
    names = [alias.name for alias in fact.names]
    shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
    return f"from {fact.written()} import {shown}"
