"""The auth/API configuration keys: validated like every key (exit 2 naming file and key)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from fsd_lint.settings import (
    DEFAULT_HTTP_LIBRARIES,
    DEFAULT_TOKEN_FORBIDDEN_LAYERS,
    parse_settings,
)

from .harness import project

BAD = [
    ('token-pattern = "(access"', "token-pattern", "not a valid regular expression"),
    ('token-pattern = ""', "token-pattern", "empty pattern"),
    ("token-pattern = 3", "token-pattern", "expected a regular expression"),
    ('reset-pattern = "[a-"', "reset-pattern", "not a valid regular expression"),
    ('refresh-endpoints = "/refresh"', "refresh-endpoints", "expected a list of strings"),
    ('refresh-endpoints = ["/ok$", "*bad"]', "refresh-endpoints", "'*bad' is not a valid"),
    ('logout-endpoints = ["(("]', "logout-endpoints", "not a valid regular expression"),
    ('token-forbidden-layers = ["pagez"]', "token-forbidden-layers", "'pagez' is not a layer"),
    ('api-client-names = [1]', "api-client-names", "expected a list of strings"),
    ('api-client-names = ["my client"]', "api-client-names", "not a dotted Python name"),
    ('http-libraries = ["urllib..request"]', "http-libraries", "not a dotted Python name"),
]


@pytest.mark.parametrize(("line", "key", "problem"), BAD, ids=[case[0] for case in BAD])
def test_a_bad_value_exits_2_naming_the_file_and_the_key(
        tmp_path: Path, line: str, key: str, problem: str) -> None:
    project(tmp_path, {"src/shop/pages/home/ui.py": "X = 1\n"}, config=line + "\n")
    result = run_cli(["check"], tmp_path)
    assert result.returncode == 2, result.stdout
    assert "pyproject.toml" in result.stderr
    assert f"[tool.fsd-lint] {key}: " in result.stderr
    assert problem in result.stderr
    assert "Traceback" not in result.stderr


def test_good_values_are_accepted_and_defaults_apply(tmp_path: Path) -> None:
    config = {
        "token-pattern": "ticket|token",
        "reset-pattern": "drop_.*",
        "refresh-endpoints": ["/renew$"],
        "logout-endpoints": ["/bye$"],
        "api-client-names": ["backend", "self.api"],
        "http-libraries": ["niquests", "urllib.request"],
        "token-forbidden-layers": ["pages", "widgets", "features"],
    }
    settings = parse_settings(config, tmp_path / "fsd-lint.toml")
    assert settings.token_pattern == "ticket|token"
    assert settings.refresh_endpoints == ("/renew$",)
    assert settings.api_client_names == ("backend", "self.api")
    assert settings.token_forbidden_layers == ("pages", "widgets", "features")
    defaults = parse_settings({}, tmp_path / "fsd-lint.toml")
    assert defaults.token_forbidden_layers == DEFAULT_TOKEN_FORBIDDEN_LAYERS == (
        "pages", "widgets")
    assert defaults.http_libraries == DEFAULT_HTTP_LIBRARIES
    assert {"requests", "httpx", "aiohttp", "urllib3", "urllib.request", "http.client"} == set(
        DEFAULT_HTTP_LIBRARIES)


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    config = 'token-pattern = "("\nlogout-endpoints = 5\n'
    project(tmp_path, {"src/shop/pages/home/ui.py": "X = 1\n"}, config=config)
    result = run_cli(["check"], tmp_path)
    assert result.returncode == 2
    assert "token-pattern" in result.stderr and "logout-endpoints" in result.stderr
