"""FSD103 no-public-api-sidestep: an import reaches past another slice's public API."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

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
    return not (is_relaxed(target) and len(target.rest) == 1)


def is_relaxed(target: Location) -> bool:
    """``shared/ui`` and ``shared/lib``: one public API per first-level package or module."""
    return target.layer == "shared" and target.segment in RELAXED_SHARED_SEGMENTS


def public_api(target: Location, ctx: RuleContext) -> tuple[str | None, str]:
    """The module name of the public API the import should use, and its short name."""
    api = public_api_module(target)
    if api is not None and is_relaxed(target) and target.rest:
        package = f"{api}.{target.rest[0]}"
        if package in ctx.model.packages:
            return package, f"`shared/{target.segment}/{target.rest[0]}`"
    return api, place(target)


def internals(target: Location) -> str:
    parts = (target.layer, target.slice, target.segment, *target.rest)
    return "/".join(part for part in parts if part)


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    importer = file.location
    if importer.layer is None:
        return
    api_name = ctx.settings.cross_import_api
    reported: set[int] = set()
    for resolved, target in file.imports_into_root():
        ordinal = resolved.fact.ordinal
        if ordinal in reported or not is_sidestep(importer, target, api_name):
            continue
        reported.add(ordinal)  # one finding per statement, even if it names several modules
        api, api_place = public_api(target, ctx)
        importable = target.root.importable and api is not None
        instead = f"import from `{api}` instead" if importable else (
            "import from its public API instead")
        fix = None
        if importable:
            assert api is not None
            statement_targets = [r for r in file.imports if r.fact.ordinal == ordinal]
            fix = rewrite_to_public_api(statement_targets, api, ctx)
        yield Finding(
            CODE,
            f"`{statement(resolved.fact)}`: {place(importer)} reaches past the public API of "
            f"{api_place} into its internals (`{internals(target)}`); {instead} (re-export "
            f"the name in its `__init__.py` if it is meant to be used outside)",
            file.path,
            ordinal,
            fix,
        )


def rewrite_to_public_api(
    statement_targets: Sequence[ResolvedImport], api: str, ctx: RuleContext
) -> ModuleRewrite | None:
    """Offer ``from <public API> import X`` when the API re-exports every name the statement
    takes, under the same name and from the module it is taken from (or one related to it)."""
    fact = statement_targets[0].fact
    if fact.kind != "from" or fact.is_star or not fact.names:
        return None
    api_file = ctx.resolver.public_api_file(api)
    api_facts = ctx.resolver.facts.get(api_file) if api_file else None
    if api_facts is None:
        return None
    # bound name -> (module it is re-exported from, its name there)
    reexported: dict[str, tuple[str, str]] = {}
    for reexport in api_facts.imports:
        if reexport.kind != "from" or reexport.type_checking or reexport.is_star:
            continue
        source = absolute_base(reexport, api, is_package=True)
        for alias in reexport.names:
            if source:
                reexported[alias.asname or alias.name] = (source, alias.name)
    # imported name -> the module it comes from (a submodule is its own source)
    sources: dict[str, str] = {}
    for resolved in statement_targets:
        if resolved.names:
            sources.update((name, resolved.target) for name in resolved.names)
        else:
            sources[resolved.target.rpartition(".")[2]] = resolved.target
    for alias in fact.names:
        source, original = reexported.get(alias.name, ("", ""))
        if (
            original != alias.name
            or alias.name not in api_facts.bound_names
            or not related(source, sources.get(alias.name, ""))
        ):
            return None
    return ModuleRewrite(f"Import from the public API `{api}`", api)


def related(first: str, second: str) -> bool:
    """One module is the other or contains it: a re-export plausibly of the same object."""
    return bool(first and second) and (
        first == second
        or first.startswith(second + ".")
        or second.startswith(first + ".")
    )
