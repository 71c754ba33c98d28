"""FSD401 misplaced-api-function: a function that sends a backend request outside an `api`
segment."""

from __future__ import annotations

from collections.abc import Iterator

from fsd_lint.facts.auth_types import RequestInfo
from fsd_lint.model.project import SLICED_LAYERS, Location
from fsd_lint.rules.api import FileContext, Finding, RuleContext
from fsd_lint.rules.auth.common import requests_of, where
from fsd_lint.rules.auth.index import AuthIndex, in_shared_api, index_for

CODE = "FSD401"


def check(file: FileContext, ctx: RuleContext) -> Iterator[Finding]:
    auth = file.facts.auth
    location = file.location
    if auth is None or location.layer is None or _api_segment(location):
        return
    index = index_for(ctx)
    for info in auth.functions:
        if info.anchor is None:
            continue
        requests = requests_of(index, file.path, info)
        if not requests or _refresh_in_shared_auth(index, file, requests):
            continue
        yield Finding(
            CODE,
            f"`{info.qualname}` sends a backend request (`{requests[0].target}`) but is defined "
            f"in {_place(file)}; request functions belong in {destination(location)}, and "
            f"callers use them from there",
            file.path,
            anchor=info.anchor,
        )


def _place(file: FileContext) -> str:
    """Where the function is defined; a slice's ``__init__.py`` is its public API."""
    location = file.location
    if file.is_package and location.slice is not None and location.segment is None:
        return f"the public API (`__init__.py`) of `{location.describe()}`"
    return where(location)


def _api_segment(location: Location) -> bool:
    if in_shared_api(location):
        return True
    return (location.layer in SLICED_LAYERS and location.slice is not None
            and location.segment == "api")


def _refresh_in_shared_auth(index: AuthIndex, file: FileContext,
                            requests: list[RequestInfo]) -> bool:
    """``shared/auth`` may hold the token refresh request it manages."""
    return (file.location.layer == "shared" and file.location.segment == "auth" and all(
        "refresh" in index.request_kinds(file.path, request) for request in requests))


def destination(location: Location) -> str:
    if location.layer in SLICED_LAYERS and location.slice is not None:
        slice_path = f"{location.layer}/{location.slice}"
        return (f"the slice's `api` segment (`{slice_path}/api/`, over the shared API client) "
                f"or `shared/api/` when other slices need them too")
    return "`shared/api/` (grouped by endpoint, over the shared API client)"
