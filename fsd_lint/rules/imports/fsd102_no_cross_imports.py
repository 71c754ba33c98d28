"""FSD102 no-cross-imports: a slice imports a sibling slice on the same layer."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.model.project import SLICED_LAYERS, Location
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
    if importer.layer not in SLICED_LAYERS or importer.slice is None:
        return
    api_name = ctx.settings.cross_import_api
    seen: set[tuple[int, str]] = set()
    for resolved, target in file.imports_into_root():
        if target.layer != importer.layer or target.slice in (None, importer.slice):
            continue
        assert target.slice is not None
        if is_cross_import_api_for(target, importer.slice, api_name):
            continue
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


def message(importer: Location, target: Location, api_name: str) -> str:
    assert importer.slice is not None and target.slice is not None
    if target.segment == api_name:
        meant_for = "/".join(target.rest) or "no slice"
        return (
            f"{place(importer)} imports `{target.layer}/{target.slice}/{api_name}/{meant_for}`, "
            f"a cross-import API meant for `{target.layer}/{meant_for}`, not for "
            f"`{importer.layer}/{importer.slice}`; ask for an API of its own: "
            f"`{target.layer}/{target.slice}/{api_name}/{importer.slice.split('/')[-1]}.py`"
        )
    advice = (
        "move the shared part down to a lower layer, or compose both slices in a higher layer"
    )
    if importer.layer == "entities":
        advice = (
            f"if the entities really are linked, expose what is needed through "
            f"`entities/{target.slice}/{api_name}/{importer.slice.split('/')[-1]}.py` "
            f"(a cross-import API), or merge the two entities"
        )
    return (
        f"{place(importer)} imports the sibling slice {place(target)}; slices on one layer "
        f"must not depend on each other: {advice}"
    )
