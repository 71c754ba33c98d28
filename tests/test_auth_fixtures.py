"""The realistic auth/API fixtures (``fixtures/auth_*``), judged through the real command.

Each fixture is a small front end (NiceGUI, Streamlit, Flet, Flask) laid out in FSD, with planted
violations of FSD301-304, FSD401-402 and FSD501 and look-alikes that must stay silent (listed in
its README). ``expected.json`` was written by hand from SPEC section 5, independently of the rule
implementation (code, rule, severity, path, line, column); messages and end positions were then
taken from the tool's output and reviewed by hand against the source (the message names the
reported construct and the fix; the span is the reported node of SPEC 5 "where each is
reported": the storing statement or call, the request call, the import statement, ``def name``
or ``class Name``). ``fsd-lint check --output-format json`` run in the fixture must print
exactly those diagnostics, every field: first compared on the key fields (clearer failures for
a missing or extra diagnostic), then in full.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, CliResult, run_cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

FIXTURES = REPO / "fixtures"
NAMES = ("auth_flask", "auth_flet", "auth_nicegui", "auth_streamlit")
KEY_FIELDS = ("code", "rule", "severity", "path", "line", "column")
JSON_FIELDS = ("code", "rule", "severity", "message", "path", "line", "column",
               "end_line", "end_column", "fix")

# SPEC section 5 table: code -> (name, default severity).
AUTH_RULES = {
    "FSD301": ("token-storage-in-ui-layer", "error"),
    "FSD302": ("refresh-failure-without-reset", "error"),
    "FSD303": ("logout-without-reset", "error"),
    "FSD304": ("token-logic-in-request-module", "warning"),
    "FSD401": ("misplaced-api-function", "error"),
    "FSD402": ("raw-http-client", "warning"),
    "FSD501": ("schema-in-ui", "warning"),
}

# SPEC 5 "Where each is reported": what the source text at (line, column) must start with.
ANCHORS = {
    "FSD301": re.compile(r"[A-Za-z_]"),  # the storing statement or call
    "FSD302": re.compile(r"[A-Za-z_][\w.]*\("),  # the refresh call (or its wrapper's)
    "FSD303": re.compile(r"[A-Za-z_][\w.]*\("),  # the logout call (or its wrapper's)
    "FSD304": re.compile(r"[A-Za-z_]"),  # the first token-storing statement
    "FSD401": re.compile(r"(async\s+)?def\s"),
    "FSD402": re.compile(r"(import|from)\s"),
    "FSD501": re.compile(r"class\s"),
}

# SPEC 5 "Where each is reported": what the whole span (line, column)-(end_line, end_column)
# must be, and whether the reported statement ends there (only a comment may follow).
SPANS = {
    "FSD301": (re.compile(r"(?s)[A-Za-z_].*\S"), True),  # the storing statement or call
    "FSD302": (re.compile(r"(?s)[A-Za-z_][\w.]*\(.*\)"), False),  # the call
    "FSD303": (re.compile(r"(?s)[A-Za-z_][\w.]*\(.*\)"), False),
    "FSD304": (re.compile(r"(?s)[A-Za-z_].*\S"), True),  # the first storing statement
    "FSD401": (re.compile(r"(async\s+)?def\s+\w+"), False),
    "FSD402": (re.compile(r"(?s)(import|from)\s.*\S"), True),  # the import statement
    "FSD501": (re.compile(r"class\s+\w+"), False),
}

Key = tuple[str, str, str, str, int, int]


def _expected(name: str) -> list[dict[str, Any]]:
    data = json.loads((FIXTURES / name / "expected.json").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def _order(diagnostic: dict[str, Any]) -> tuple[str, int, int, str]:
    """The documented order of the JSON output: path, line, column, code."""
    return (diagnostic["path"], diagnostic["line"], diagnostic["column"], diagnostic["code"])


def _key(diagnostic: dict[str, Any]) -> Key:
    return (diagnostic["code"], diagnostic["rule"], diagnostic["severity"], diagnostic["path"],
            diagnostic["line"], diagnostic["column"])


@cache
def _run(name: str, workdir: Path) -> CliResult:
    """Run the command once per fixture, in a pristine copy (no cache or bytecode from before)."""
    copy = workdir / name
    if not copy.exists():
        shutil.copytree(FIXTURES / name, copy,
                        ignore=shutil.ignore_patterns("__pycache__", ".fsd_lint_cache"))
    return run_cli(["check", "--output-format", "json"], cwd=copy)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("auth_fixtures")


def _span(lines: list[str], diagnostic: dict[str, Any]) -> tuple[str, str]:
    """The source text a diagnostic covers, and the rest of its last line."""
    start, end = diagnostic["line"] - 1, diagnostic["end_line"] - 1
    text = "\n".join(lines[start:end + 1])
    first_offset = diagnostic["column"] - 1
    last_offset = len(text) - len(lines[end]) + diagnostic["end_column"] - 1
    return text[first_offset:last_offset], lines[end][diagnostic["end_column"] - 1:]


def _describe(keys: Counter[Key]) -> str:
    return "\n".join(f"  {path}:{line}:{column} {code} {rule} ({severity})"
                     for (code, rule, severity, path, line, column) in sorted(keys.elements()))


def test_the_four_fixtures_exist() -> None:
    found = tuple(sorted(p.name for p in FIXTURES.glob("auth_*") if p.is_dir()))
    assert found == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_reports_exactly_the_planted_diagnostics(name: str, workdir: Path) -> None:
    result = _run(name, workdir)
    assert result.returncode in (0, 1), result.stderr
    actual = result.json()
    expected = _expected(name)
    missing = Counter(map(_key, expected)) - Counter(map(_key, actual))
    unexpected = Counter(map(_key, actual)) - Counter(map(_key, expected))
    assert not missing and not unexpected, (
        f"{name}: planted violations not reported:\n{_describe(missing) or '  none'}\n"
        f"reported but not planted (look-alikes or wrong positions):\n"
        f"{_describe(unexpected) or '  none'}"
    )
    has_errors = any(d["severity"] == "error" for d in expected)
    assert result.returncode == (1 if has_errors else 0), result.stderr
    assert actual == sorted(actual, key=_order), "JSON order is path, line, column, code"
    for diagnostic in actual:
        assert tuple(diagnostic) == JSON_FIELDS
        assert diagnostic["message"].strip()
        assert (diagnostic["end_line"], diagnostic["end_column"]) >= (
            diagnostic["line"], diagnostic["column"])


@pytest.mark.parametrize("name", NAMES)
def test_reports_the_reviewed_messages_and_spans(name: str, workdir: Path) -> None:
    """Every field of every diagnostic, message, end position and fix included."""
    actual = _run(name, workdir).json()
    expected = _expected(name)
    assert list(map(_key, actual)) == list(map(_key, expected)), "see the key-field test"
    for got, want in zip(actual, expected, strict=True):
        where = f"{name}: {got['path']}:{got['line']}:{got['column']} {got['code']}"
        for field in JSON_FIELDS:
            assert got[field] == want[field], (
                f"{where} {field}:\n  got  {got[field]!r}\n  want {want[field]!r}")


@pytest.mark.parametrize("name", NAMES)
def test_fixture_is_clean_for_every_other_rule(name: str, workdir: Path) -> None:
    """Apart from the planted auth/API findings, the fixture is sound FSD: no import,
    structure, syntax or I/O diagnostic."""
    result = _run(name, workdir)
    assert result.returncode in (0, 1), result.stderr
    others = [d for d in result.json() if d["code"] not in AUTH_RULES]
    assert others == [], json.dumps(others, indent=2)


@pytest.mark.parametrize("name", NAMES)
def test_expected_json_follows_the_spec(name: str) -> None:
    """The hand-written expectations themselves: SPEC 5 names and severities, the JSON order,
    and positions that point at the construct SPEC 5 says each rule reports."""
    expected = _expected(name)
    assert expected, f"{name} plants no violation"
    assert len(set(map(_key, expected))) == len(expected), "duplicate expectation"
    assert expected == sorted(expected, key=_order)
    readme = (FIXTURES / name / "README.md").read_text(encoding="utf-8")
    for diagnostic in expected:
        assert tuple(diagnostic) == JSON_FIELDS
        assert (diagnostic["rule"], diagnostic["severity"]) == AUTH_RULES[diagnostic["code"]]
        source = FIXTURES / name / diagnostic["path"]
        lines = source.read_text(encoding="utf-8").splitlines()
        text = lines[diagnostic["line"] - 1][diagnostic["column"] - 1:]
        assert ANCHORS[diagnostic["code"]].match(text), (diagnostic, text)
        span, rest = _span(lines, diagnostic)
        pattern, whole_statement = SPANS[diagnostic["code"]]
        assert pattern.fullmatch(span), (diagnostic, span)
        assert not whole_statement or rest.strip() == "" or rest.lstrip().startswith("#"), (
            diagnostic, span, rest)
        assert diagnostic["message"].strip() and diagnostic["fix"] is None
        assert f"`{diagnostic['path']}:{diagnostic['line']}:{diagnostic['column']}`" in readme


@pytest.mark.parametrize("name", NAMES)
def test_fixture_is_configured_like_a_real_project(name: str) -> None:
    config = tomllib.loads((FIXTURES / name / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["project"]["name"]
    root = FIXTURES / name / config["tool"]["fsd-lint"]["root"]
    layers = {p.name for p in root.iterdir() if p.is_dir()}
    assert {"app", "pages", "shared"} <= layers
    assert (root / "shared" / "api" / "client.py").is_file()
    for endpoint in ("login", "logout", "refresh"):
        assert (root / "shared" / "api" / "endpoints" / f"{endpoint}.py").is_file()


def test_fixtures_plant_every_auth_rule() -> None:
    planted = {d["code"] for name in NAMES for d in _expected(name)}
    assert planted == set(AUTH_RULES)
