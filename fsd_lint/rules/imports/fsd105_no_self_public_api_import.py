"""FSD105 no-self-public-api-import: a module imports its own slice's ``__init__``."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.model.build import is_test_name
from fsd_lint.rules.api import FileContext, Finding, RuleContext
from fsd_lint.rules.imports.common import (
    is_unit_member,
    place,
    public_api_module,
    statement,
)

CODE = "FSD105"


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    importer = file.location
    if not is_unit_member(importer):
        return
    # A test module is never imported by the slice's ``__init__``, so importing the public API
    # from it cannot make a cycle: it is how a slice's interface should be tested.
    if any(is_test_name(part) for part in (importer.segment or "", *importer.rest)):
        return
    own_api = public_api_module(importer)
    if own_api is None or file.module == own_api:
        return
    seen: set[int] = set()
    for resolved, target in file.imports_into_root():
        if resolved.target != own_api or resolved.fact.ordinal in seen:
            continue
        if resolved.names and all(ctx.resolver.binds_submodule(own_api, name)
                                  for name in resolved.names):
            # `from . import model` where the API binds `model` by importing that submodule:
            # Python imports the submodule even while the package initialises.
            continue
        seen.add(resolved.fact.ordinal)
        kind = "segment" if importer.layer in ("shared", "app") else "slice"
        yield Finding(
            CODE,
            f"`{statement(resolved.fact)}` imports the public API of its own {kind} "
            f"{place(target)} from inside it: a circular import waiting to happen; import the "
            f"module that defines the name with a relative import instead",
            file.path,
            resolved.fact.ordinal,
        )
