"""FSD106 no-wildcard-reexport: ``from x import *`` in a public API ``__init__.py``."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.model.project import SLICED_LAYERS, Location
from fsd_lint.rules.api import FileContext, Finding, RuleContext
from fsd_lint.rules.imports.common import place

CODE = "FSD106"


def is_public_api_file(location: Location, is_package: bool) -> bool:
    """A slice's ``__init__``, a shared segment's, or a first-level shared/ui|lib package's."""
    if not is_package or location.layer is None:
        return False
    if location.layer in SLICED_LAYERS:
        return location.slice is not None and location.segment is None
    if location.layer != "shared" or location.segment is None:
        return False
    return not location.rest or (location.segment in ("ui", "lib") and len(location.rest) == 1)


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    if not is_public_api_file(file.location, file.is_package):
        return
    for fact in file.facts.imports:
        if fact.is_star:
            yield Finding(
                CODE,
                f"`from {fact.written()} import *` in the public API of {place(file.location)} "
                f"hides its interface and leaks internals; import the public names explicitly",
                file.path,
                fact.ordinal,
            )
