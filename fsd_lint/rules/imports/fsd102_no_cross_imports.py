"""FSD102 no-cross-imports: a slice imports a sibling slice on the same layer."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.model.project import LAYER_RANKS, SLICED_LAYERS, Location
from fsd_lint.rules.api import FileContext, Finding, RuleContext
from fsd_lint.rules.imports.common import place, statement

CODE = "FSD102"


def is_cross_import_api_for(target: Location, consumer: str, api_name: str) -> bool:
    """``target`` is the ``x`` API of its slice made for the ``consumer`` slice."""
    consumer_parts = tuple(consumer.split("/"))
    return (
        target.segment == api_name
        and target.rest[: len(consumer_parts)] == consumer_parts
    )


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    importer = file.location
    if importer.layer is None or (importer.layer in SLICED_LAYERS and importer.slice is None):
        return  # outside the layers, or lying directly in a sliced layer: not reported
    api_name = ctx.settings.cross_import_api
    seen: set[tuple[int, str]] = set()
    for resolved, target in file.imports_into_root():
        if not is_reported(importer, target, api_name):
            continue
        assert target.slice is not None
        key = (resolved.fact.ordinal, target.slice)
        if key in seen:
            continue
        seen.add(key)
        yield Finding(
            CODE,
            f"`{statement(resolved.fact)}`: {message(importer, target, api_name)}",
            file.path,
            resolved.fact.ordinal,
        )


def is_reported(importer: Location, target: Location, api_name: str) -> bool:
    """A sibling slice on the same layer, or a cross-import API meant for another slice.

    A cross-import API is part of its slice's interface for one consumer only: a slice on a
    higher layer (or ``app``) using it is reported as well; a lower layer gets FSD101 instead.
    """
    assert importer.layer is not None
    if target.layer not in SLICED_LAYERS or target.slice is None:
        return False
    if (importer.layer, importer.slice) == (target.layer, target.slice):
        return False
    if target.segment == api_name:
        if LAYER_RANKS[importer.layer] < LAYER_RANKS[target.layer]:
            return False
        return not (
            importer.layer == target.layer
            and importer.slice is not None
            and is_cross_import_api_for(target, importer.slice, api_name)
        )
    return importer.layer == target.layer


def consumer_of(target: Location) -> str:
    """The slice an ``x`` module is meant for: the longest path below ``x`` naming a slice of
    the layer (``x/session/login.py`` -> ``session/login``), else its first part."""
    assert target.layer is not None
    slices = target.root.layers[target.layer].slices
    for size in range(len(target.rest), 0, -1):
        if target.rest[:size] in slices:
            return "/".join(target.rest[:size])
    return "/".join(target.rest[:1])


def message(importer: Location, target: Location, api_name: str) -> str:
    assert target.slice is not None
    if target.segment == api_name:
        meant_for = consumer_of(target)
        api = "/".join((str(target.layer), target.slice, api_name, *target.rest))
        whom = f"`{target.layer}/{meant_for}`" if meant_for else "no slice in particular"
        if importer.layer == target.layer and importer.slice is not None:
            instead = (
                f"ask for an API of its own: "
                f"`{target.layer}/{target.slice}/{api_name}/{importer.slice}.py`"
            )
        else:
            instead = f"import from the public API of {place(target)} instead"
        return (
            f"{place(importer)} imports `{api}`, a cross-import API meant for {whom}, "
            f"not for {place(importer)}; {instead}"
        )
    assert importer.slice is not None
    advice = (
        "move the shared part down to a lower layer, or compose both slices in a higher layer"
    )
    if importer.layer == "entities":
        advice = (
            f"if the entities really are linked, expose what is needed through "
            f"`entities/{target.slice}/{api_name}/{importer.slice}.py` "
            f"(a cross-import API), or merge the two entities"
        )
    return (
        f"{place(importer)} imports the sibling slice {place(target)}; slices on one layer "
        f"must not depend on each other: {advice}"
    )
