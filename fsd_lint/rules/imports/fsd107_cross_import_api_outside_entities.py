"""FSD107 cross-import-api-outside-entities: an ``x`` package outside ``entities``."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.rules.api import Finding, RuleContext

CODE = "FSD107"


def check_project(ctx: RuleContext) -> Iterator[Finding]:
    api_name = ctx.settings.cross_import_api
    for root in ctx.model.roots:
        for layer in root.layers.values():
            if not layer.is_sliced or layer.name == "entities":
                continue
            for slice_ in layer.slices.values():
                if api_name not in slice_.segments:
                    continue
                module = root.module_name((layer.dir_name, *slice_.key, api_name))
                package = slice_.path / api_name
                path = package if module in ctx.model.packages else package.with_suffix(".py")
                yield Finding(
                    CODE,
                    f"`{layer.name}/{slice_.name}/{api_name}` is a cross-import API outside "
                    f"`entities`; FSD allows cross-import APIs on entities only: move the shared "
                    f"part down to `entities` or `shared`, or compose the slices in a higher layer",
                    path,
                )
