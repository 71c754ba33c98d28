"""FSD402 raw-http-client: a module outside `shared/api` sends requests with an HTTP library."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.facts.auth_types import RequestInfo
from fsd_lint.rules.api import FileContext, Finding, RuleContext
from fsd_lint.rules.auth.common import qualname
from fsd_lint.rules.auth.index import in_shared_api
from fsd_lint.rules.imports.common import statement

CODE = "FSD402"


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    auth = file.facts.auth
    if auth is None or file.location.layer is None or in_shared_api(file.location):
        return
    first: dict[int, tuple[RequestInfo, str]] = {}  # import ordinal -> its first request
    for info in auth.functions:
        for site in info.calls:
            request = site.request
            if request is None or request.via != "library" or request.import_ordinal is None:
                continue
            first.setdefault(request.import_ordinal, (request, qualname(info)))
    facts = {fact.ordinal: fact for fact in file.facts.imports}
    for ordinal, (request, function) in sorted(first.items()):
        fact = facts.get(ordinal)
        shown = f"`{statement(fact)}`: " if fact is not None else ""
        yield Finding(
            CODE,
            f"{shown}`{file.location.describe()}` sends requests with `{request.origin}` directly "
            f"(`{request.target}` in `{function}`); send them through the project's API client "
            f"in `shared/api`, which owns the base URL, headers, auth and error handling",
            file.path,
            ordinal=ordinal,
        )
