"""FSD302 refresh-failure-without-reset: a failed token refresh leaves the token store as is."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.rules.api import FileContext, Finding, RuleContext
from fsd_lint.rules.auth.flows import failing_requests

CODE = "FSD302"


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    for site, shown, reason in failing_requests(file, ctx, "refresh"):
        yield Finding(
            CODE,
            f"token refresh request {shown}: {reason}; reset the token store when the refresh "
            f"fails (a rejected refresh token means the session is over)",
            file.path,
            anchor=site.anchor,
        )
