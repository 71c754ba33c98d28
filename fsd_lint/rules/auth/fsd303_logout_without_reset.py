"""FSD303 logout-without-reset: a logout flow that does not reset the token store on every path."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.rules.api import FileContext, Finding, RuleContext
from fsd_lint.rules.auth.flows import failing_requests

CODE = "FSD303"


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    for site, shown, reason in failing_requests(file, ctx, "logout"):
        yield Finding(
            CODE,
            f"logout request {shown}: {reason}; reset the token store in `finally` (or before "
            f"the request) so that logging out works even when the request fails",
            file.path,
            anchor=site.anchor,
        )
