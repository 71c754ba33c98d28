"""Run the installed command on a small FSD project whose files mark what must be reported.

A line ending in ``# error: [FSD301]`` (or ``[FSD401, FSD402]``) must be reported with those
codes; nothing else may be. Every project gets a shared API client (``shared/api``: ``post``,
``get``, the ``client`` object, endpoint functions ``login``/``refresh_tokens``/``logout``) and
a token store (``shared/auth``: ``save_tokens``, ``clear_tokens``…) unless a case replaces them.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conftest import run_cli, write_packages

ROOT = "src/shop"
AUTH_CODES = "FSD301,FSD302,FSD303,FSD304,FSD401,FSD402,FSD501"
_MARK = re.compile(r"#\s*error:\s*\[(?P<codes>[^\]]*)\]\s*$")

Diagnostic = tuple[str, int, str]  # (path, line, code)

BASE: dict[str, str] = {
    "src/shop/shared/api/__init__.py": """\
        from .client import client, get, post
        from .endpoints import login, logout, refresh_tokens

        __all__ = ["client", "get", "login", "logout", "post", "refresh_tokens"]
        """,
    "src/shop/shared/api/client.py": """\
        import httpx

        client = httpx.Client(base_url="https://api.example.com")


        def post(path: str, body: dict[str, str] | None = None) -> httpx.Response:
            return client.post(path, json=body)


        def get(path: str) -> httpx.Response:
            return client.get(path)
        """,
    "src/shop/shared/api/endpoints.py": """\
        import httpx

        from .client import post


        def login(email: str, password: str) -> httpx.Response:
            return post("/login", {"email": email, "password": password})


        def refresh_tokens(refresh_token: str) -> httpx.Response:
            return post("/auth/refresh", {"refresh_token": refresh_token})


        def logout() -> httpx.Response:
            return post("/auth/logout")
        """,
    "src/shop/shared/auth/__init__.py": """\
        from .tokens import access_token, clear_tokens, refresh_token, save_tokens

        __all__ = ["access_token", "clear_tokens", "refresh_token", "save_tokens"]
        """,
    "src/shop/shared/auth/tokens.py": """\
        _tokens: dict[str, str] = {}


        def save_tokens(pair: dict[str, str]) -> None:
            _tokens.update(pair)


        def access_token() -> str:
            return _tokens.get("access_token", "")


        def refresh_token() -> str:
            return _tokens.get("refresh_token", "")


        def clear_tokens() -> None:
            _tokens.clear()
        """,
}


def expected_marks(files: Mapping[str, str]) -> list[Diagnostic]:
    found = []
    for path, text in files.items():
        for number, line in enumerate(text.splitlines(), start=1):
            mark = _MARK.search(line)
            if mark:
                found.extend((path, number, code.strip())
                             for code in mark["codes"].split(",") if code.strip())
    return sorted(found)


def project(top: Path, files: Mapping[str, str], config: str = "",
            base: bool = True) -> dict[str, str]:
    """Write the project; returns every file as written (dedented)."""
    written = {path: textwrap.dedent(text) for path, text in {
        **(BASE if base else {}), **files}.items()}
    written["pyproject.toml"] = f'[tool.fsd-lint]\nroot = "{ROOT}"\n{textwrap.dedent(config)}'
    write_packages(top, written, ROOT)
    return written


def check(top: Path, *args: str, select: str = AUTH_CODES) -> list[dict[str, Any]]:
    result = run_cli(["check", "--select", select, "--output-format", "json", *args], top)
    assert result.returncode in (0, 1), result.stderr
    output: list[dict[str, Any]] = result.json()
    return output


def diagnostics(output: list[dict[str, Any]]) -> list[Diagnostic]:
    return sorted((d["path"], d["line"], d["code"]) for d in output)


def assert_marked(top: Path, files: Mapping[str, str], config: str = "", base: bool = True,
                  select: str = AUTH_CODES) -> list[dict[str, Any]]:
    """Exactly the marked lines are reported (by the ``select``ed rules); returns the JSON
    output for further checks."""
    written = project(top, files, config, base)
    output = check(top, select=select)
    actual = diagnostics(output)
    expected = expected_marks(written)
    missing = sorted(set(expected) - set(actual))
    unexpected = sorted(set(actual) - set(expected))
    assert not missing and not unexpected, (
        f"missing: {missing}\nunexpected: {unexpected}\n"
        + "\n".join(f"{d['path']}:{d['line']}:{d['column']} {d['code']} {d['message']}"
                    for d in output)
    )
    assert len(actual) == len(expected), actual
    return output
