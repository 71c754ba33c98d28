"""FSD103 no-public-api-sidestep: an import reaches past another slice's public API."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.model.project import SLICED_LAYERS, Location
from fsd_lint.resolve import ResolvedImport, absolute_base
from fsd_lint.rules.api import FileContext, Finding, ModuleRewrite, RuleContext
from fsd_lint.rules.imports.common import place, public_api_module, statement

CODE = "FSD103"
RELAXED_SHARED_SEGMENTS = ("ui", "lib")


def is_sidestep(importer: Location, target: Location, api_name: str) -> bool:
    if target.layer is None:
        return False
    if target.layer in SLICED_LAYERS:
        if target.slice is None or (importer.layer, importer.slice) == (
            target.layer, target.slice
        ):
            return False
        return target.segment is not None and target.segment != api_name
    if importer.layer == target.layer or target.segment is None or not target.rest:
        return False
    segment = target.root.layers[target.layer].segments.get(target.segment)
    if segment is not None and not segment.is_package:
        return False  # a file segment is its own public API
    relaxed = target.layer == "shared" and target.segment in RELAXED_SHARED_SEGMENTS
    return not (relaxed and len(target.rest) == 1)


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    importer = file.location
    if importer.layer is None:
        return
    api_name = ctx.settings.cross_import_api
    for resolved, target in file.imports_into_root():
        if not is_sidestep(importer, target, api_name):
            continue
        api = public_api_module(target)
        where = f"the public API of {place(target)}"
        instead = f"import from `{api}` instead" if target.root.importable and api else (
            "import from its public API instead")
        yield Finding(
            CODE,
            f"`{statement(resolved.fact)}` reaches past {where} into its internals; {instead}"
            f" (re-export the name in its `__init__.py` if it is meant to be used outside)",
            file.path,
            resolved.fact.ordinal,
            rewrite_to_public_api(resolved, api, ctx) if target.root.importable else None,
        )


def rewrite_to_public_api(
    resolved: ResolvedImport, api: str | None, ctx: RuleContext
) -> ModuleRewrite | None:
    """Offer ``from <public API> import X`` when the API re-exports every name taken."""
    fact = resolved.fact
    if api is None or fact.kind != "from" or fact.is_star or not resolved.names:
        return None
    api_file = ctx.resolver.public_api_file(api)
    api_facts = ctx.resolver.facts.get(api_file) if api_file else None
    if api_facts is None:
        return None
    # bound name -> (module it is re-exported from, its name there)
    reexported: dict[str, tuple[str, str]] = {}
    for reexport in api_facts.imports:
        if reexport.kind != "from" or reexport.type_checking:
            continue
        source = absolute_base(reexport, api, is_package=True)
        for alias in reexport.names:
            if source:
                reexported[alias.asname or alias.name] = (source, alias.name)
    for name in resolved.names:
        source, original = reexported.get(name, ("", ""))
        if original != name or not related(source, resolved.target):
            return None
    return ModuleRewrite(f"Import from the public API `{api}`", api)


def related(first: str, second: str) -> bool:
    """One module is the other or contains it: a re-export plausibly of the same object."""
    return (
        first == second
        or first.startswith(second + ".")
        or second.startswith(first + ".")
    )
