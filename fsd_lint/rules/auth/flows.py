"""The refresh/logout requests of one file whose failure does not reach a token reset."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.facts.auth_types import CallSite
from fsd_lint.rules.api import FileContext, RuleContext
from fsd_lint.rules.auth.flow import Kind
from fsd_lint.rules.auth.index import index_for


def failing_requests(
    file: FileContext, ctx: RuleContext, kind: Kind
) -> Iterator[tuple[CallSite, str, str]]:
    """(call, the request as shown in messages, why) for each bad request call of ``kind``;
    a call of a wrapper is shown with the request it wraps. A function that hands the failure
    over only through what it returns is bad when nothing in the project calls it."""
    if file.facts.auth is None:
        return
    index = index_for(ctx)
    for info in file.facts.auth.functions:
        for site in info.calls:
            shown = index.site_kinds(file.path, info, site).get(kind)
            if shown is None:
                continue
            verdict = index.verdict(file.path, info, site.anchor, kind)
            reason = verdict.reason
            if verdict.outcome == "propagate" and reason:
                if index.is_called((file.path, info.qualname)):
                    continue
                reason += (f", and no call of `{info.qualname}` in the project handles the "
                           f"failure instead")
            elif verdict.outcome != "bad":
                continue
            if index.sends(file.path, site) is None:
                shown = f"`{site.callee}(…)` (it sends {shown})"
            yield site, shown, reason
