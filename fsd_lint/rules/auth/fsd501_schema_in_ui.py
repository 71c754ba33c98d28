"""FSD501 schema-in-ui: a validation schema defined in a `ui` segment instead of `model`."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.model.project import SLICED_LAYERS
from fsd_lint.rules.api import FileContext, Finding, RuleContext

CODE = "FSD501"


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    auth = file.facts.auth
    location = file.location
    if auth is None or location.segment != "ui":
        return
    place = location.describe()
    if location.layer in SLICED_LAYERS and location.slice is not None:
        move = (f"move it to the slice's `model` segment (`{place}/model/`) and use it from "
                f"`ui`")
        where = f"the `ui` segment of `{place}`"
    else:
        move = ("move it next to the code that owns the data (a slice's `model` segment, or "
                "`shared/lib` for generic validation)")
        where = f"`{place}`"
    for schema in auth.schemas:
        yield Finding(
            CODE,
            f"`{schema.name}` is a validation schema ({schema.kind}) defined in {where}; {move}",
            file.path,
            anchor=schema.anchor,
        )
