"""FSD301 token-storage-in-ui-layer: a token stored in a module of `pages` or `widgets`."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.rules.api import FileContext, Finding, RuleContext

CODE = "FSD301"


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    auth = file.facts.auth
    layer = file.location.layer
    if auth is None or layer is None or layer not in ctx.settings.token_forbidden_layers:
        return
    place = f"`{file.location.describe()}`"
    for write in auth.writes:
        if write.kind == "store":
            yield Finding(
                CODE,
                f"{write.what} stores a token in {place}: a token kept in `{layer}` ties "
                f"every request to this slice; keep it in `shared` (a `shared/auth` segment "
                f"beside the API client) or in the user entity's model (`entities/user/model`)",
                file.path,
                anchor=write.anchor,
            )
