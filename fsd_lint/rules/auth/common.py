"""Helpers shared by the auth rules: naming places and the requests a function sends."""

from __future__ import annotations

from pathlib import Path

from fsd_lint.facts.auth_types import FunctionInfo, RequestInfo
from fsd_lint.model.project import SLICED_LAYERS, Location
from fsd_lint.rules.auth.index import AuthIndex


def where(location: Location) -> str:
    """``the `ui` segment of `pages/login```, ```shared/lib```, ```app```."""
    name = f"`{location.describe()}`"
    if location.layer in SLICED_LAYERS and location.segment is not None:
        return f"the `{location.segment}` segment of {name}"
    return name


def requests_of(index: AuthIndex, path: Path, info: FunctionInfo) -> list[RequestInfo]:
    """The requests a function sends itself (HTTP library or shared client calls)."""
    return [request for site in info.calls if (request := index.sends(path, site)) is not None]


def qualname(info: FunctionInfo) -> str:
    return info.qualname or "(module body)"
