"""The settings a file's facts depend on: part of every facts cache key, and what the fact
extractors are given (kept apart from the fact types, which a warm run does not import)."""

from __future__ import annotations

from dataclasses import dataclass

from fsd_lint.settings import (
    DEFAULT_API_CLIENT_NAMES,
    DEFAULT_HTTP_LIBRARIES,
    DEFAULT_LOGOUT_ENDPOINTS,
    DEFAULT_REFRESH_ENDPOINTS,
    DEFAULT_RESET_PATTERN,
    DEFAULT_TOKEN_PATTERN,
    Settings,
)


@dataclass(frozen=True)
class FactOptions:
    """The settings the facts depend on (hashable: part of every cache key)."""

    token_pattern: str = DEFAULT_TOKEN_PATTERN
    reset_pattern: str = DEFAULT_RESET_PATTERN
    refresh_endpoints: tuple[str, ...] = DEFAULT_REFRESH_ENDPOINTS
    logout_endpoints: tuple[str, ...] = DEFAULT_LOGOUT_ENDPOINTS
    api_client_names: tuple[str, ...] = DEFAULT_API_CLIENT_NAMES
    http_libraries: tuple[str, ...] = DEFAULT_HTTP_LIBRARIES

    @classmethod
    def from_settings(cls, settings: Settings) -> FactOptions:
        return cls(
            token_pattern=settings.token_pattern,
            reset_pattern=settings.reset_pattern,
            refresh_endpoints=settings.refresh_endpoints,
            logout_endpoints=settings.logout_endpoints,
            api_client_names=settings.api_client_names,
            http_libraries=settings.http_libraries,
        )
