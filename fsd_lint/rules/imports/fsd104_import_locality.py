"""FSD104 import-locality: relative imports inside a slice, absolute ones across slices."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.resolve import absolute_base, package_of
from fsd_lint.rules.api import FileContext, Finding, ModuleRewrite, RuleContext
from fsd_lint.rules.imports.common import (
    is_unit_member,
    place,
    public_api_module,
    statement,
)

CODE = "FSD104"


def relative_reference(from_package: str, target: str) -> str:
    """``target`` written relative to ``from_package`` (``..model.store``)."""
    here = from_package.split(".")
    there = target.split(".")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    return "." * (len(here) - common + 1) + ".".join(there[common:])


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    importer = file.location
    if not is_unit_member(importer):
        return
    own_api = public_api_module(importer)
    seen: set[int] = set()
    for resolved, target in file.imports_into_root():
        fact = resolved.fact
        if fact.kind == "dynamic" or fact.ordinal in seen:
            continue
        same_unit = target.unit == importer.unit
        if same_unit and fact.level == 0 and resolved.target != own_api:
            seen.add(fact.ordinal)
            fix = None
            if fact.kind == "from":
                reference = relative_reference(
                    package_of(file.module, file.is_package), fact.module
                )
                fix = ModuleRewrite(f"Use the relative import `{reference}`", reference)
            yield Finding(
                CODE,
                f"`{statement(fact)}` is an absolute import of a module of the same "
                f"{unit_kind(importer.layer)} {place(importer)}; use a relative import"
                + (f" (`from {fix.replacement} import …`)" if fix else ""),
                file.path, fact.ordinal, fix,
            )
        elif not same_unit and fact.level > 0 and target.root.importable:
            # (A root that no import root reaches has no absolute names to suggest.)
            seen.add(fact.ordinal)
            absolute = absolute_base(fact, file.module, file.is_package)
            fix = None
            if absolute:
                fix = ModuleRewrite(f"Use the absolute import `{absolute}`", absolute)
            yield Finding(
                CODE,
                f"`{statement(fact)}` is a relative import that climbs out of {place(importer)} "
                f"into {place(target)}; use an absolute import"
                + (f" (`{absolute}`)" if fix else ""),
                file.path, fact.ordinal, fix,
            )


def unit_kind(layer: str | None) -> str:
    return "segment" if layer in ("shared", "app") else "slice"
