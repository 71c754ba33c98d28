"""FSD101 no-higher-level-imports: a module imports from a layer above its own."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.model.project import LAYER_RANKS, layers_below
from fsd_lint.rules.api import FileContext, Finding, RuleContext
from fsd_lint.rules.imports.common import place, statement

CODE = "FSD101"


def allowed_layers(layer: str) -> str:
    below = layers_below(layer)
    if not below:
        return "`shared` itself and third-party code"
    return ", ".join(f"`{name}`" for name in below)


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    importer = file.location
    if importer.layer is None:
        return
    seen: set[tuple[int, str]] = set()
    for resolved, target in file.imports_into_root():
        if target.layer is None or LAYER_RANKS[target.layer] <= LAYER_RANKS[importer.layer]:
            continue
        key = (resolved.fact.ordinal, target.describe())
        if key in seen:
            continue
        seen.add(key)
        yield Finding(
            CODE,
            f"`{statement(resolved.fact)}`: {place(importer)} imports {place(target)}, "
            f"which is on the higher layer `{target.layer}`; `{importer.layer}` may import only "
            f"{allowed_layers(importer.layer)}. Move what it needs down a layer, "
            f"or compose both in a higher layer",
            file.path,
            resolved.fact.ordinal,
        )
