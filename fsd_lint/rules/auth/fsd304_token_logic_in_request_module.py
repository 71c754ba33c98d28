"""FSD304 token-logic-in-request-module: a `shared` module mixes token management and requests."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.rules.api import FileContext, Finding, RuleContext
from fsd_lint.rules.auth.common import requests_of
from fsd_lint.rules.auth.index import index_for

CODE = "FSD304"


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    auth = file.facts.auth
    location = file.location
    if auth is None or location.layer != "shared" or not auth.writes:
        return
    index = index_for(ctx)
    senders = [
        (info, requests) for info in auth.functions
        if info.anchor is not None and (requests := requests_of(index, file.path, info))
    ]
    if not senders:
        return
    if location.segment == "auth" and all(
        "refresh" in index.request_kinds(file.path, request)
        for _, requests in senders for request in requests
    ):
        return  # shared/auth may send the refresh request it manages
    first = auth.writes[0]
    names = ", ".join(f"`{info.qualname}`" for info, _ in senders[:3])
    more = ", …" if len(senders) > 3 else ""
    yield Finding(
        CODE,
        f"this `{location.describe()}` module mixes token management ({first.what}) with "
        f"functions that send requests ({names}{more}); keep requests in `shared/api` and move "
        f"storing and resetting tokens to a `shared/auth` segment",
        file.path,
        anchor=first.anchor,
    )
