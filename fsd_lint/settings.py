"""Configuration: find the config file, read it, and validate every key strictly.

Settings come from ``[tool.fsd-lint]`` in ``pyproject.toml`` or from the top level of
``fsd-lint.toml`` / ``.fsd-lint.toml``, found by walking up from the checked path. Paths in a
config file are relative to that file's directory. Every problem is reported at once, naming the
file, the key and what was expected; nothing unknown is silently ignored.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

from fsd_lint.model.project import LAYER_RANKS

CONFIG_FILE_NAMES = (".fsd-lint.toml", "fsd-lint.toml", "pyproject.toml")
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".env",
    "env",
    "build",
    "dist",
    "__pycache__",
    "node_modules",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".fsd_lint_cache",
    "site-packages",
    "__pypackages__",
    ".eggs",
    "*.egg-info",
)

# The auth and API rules (FSD3xx-5xx). Patterns are case-insensitive regular expressions:
# names are matched whole (re.fullmatch) once snake_cased; endpoints are searched in the path.
DEFAULT_TOKEN_PATTERN = (
    r"(?:(?:access|refresh|id|auth|session|bearer|jwt|api|user)_?)?(?:tokens?|jwt|bearer)"
)
DEFAULT_RESET_PATTERN = (
    r"(?:reset|clear|forget|invalidate|logout|log_out|sign_out|signout|purge|wipe)(?:_\w+)?"
    r"|\w+_(?:reset|clear|forget|invalidate|purge|wipe)"
)
DEFAULT_REFRESH_ENDPOINTS = (r"/refresh/?$", r"/refresh[-_]?token/?$")
DEFAULT_LOGOUT_ENDPOINTS = (r"/log[-_]?out/?$", r"/sign[-_]?out/?$")
DEFAULT_API_CLIENT_NAMES: tuple[str, ...] = ()
DEFAULT_HTTP_LIBRARIES = (
    "requests", "httpx", "aiohttp", "urllib3", "urllib.request", "http.client",
)
DEFAULT_TOKEN_FORBIDDEN_LAYERS = ("pages", "widgets")


COMMAND_LINE = "the command line"  # the source of ConfigErrors about options


class ConfigError(Exception):
    """An unusable configuration: every problem found, each naming its key."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        header = ("invalid options on the command line:" if source == COMMAND_LINE
                  else f"invalid configuration in {source}:")
        lines = [header]
        lines += [f"  {key}: {problem}" for key, problem in problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Settings:
    """The effective settings for one project (one config file, or none)."""

    project_dir: Path
    config_file: Path | None = None
    roots: tuple[Path, ...] = ()  # configured FSD roots; empty means "detect"
    src: tuple[Path, ...] = ()  # import roots, most specific first
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    ignore_type_checking_imports: bool = False
    cross_import_api: str = "x"
    custom_segments: tuple[str, ...] = ()
    token_pattern: str = DEFAULT_TOKEN_PATTERN
    token_forbidden_layers: tuple[str, ...] = DEFAULT_TOKEN_FORBIDDEN_LAYERS
    reset_pattern: str = DEFAULT_RESET_PATTERN
    refresh_endpoints: tuple[str, ...] = DEFAULT_REFRESH_ENDPOINTS
    logout_endpoints: tuple[str, ...] = DEFAULT_LOGOUT_ENDPOINTS
    api_client_names: tuple[str, ...] = DEFAULT_API_CLIENT_NAMES
    http_libraries: tuple[str, ...] = DEFAULT_HTTP_LIBRARIES
    cache_dir: Path | None = None  # None: .fsd_lint_cache in the project directory
    # Where each key was read from, for error messages about values (selectors, globs).
    origin: str = field(default="defaults", compare=False)

    @property
    def section(self) -> str:
        """How keys are written in messages: ``[tool.fsd-lint] key`` or plain ``key``."""
        if self.config_file is not None and self.config_file.name == "pyproject.toml":
            return "[tool.fsd-lint] "
        return ""


# ---------------------------------------------------------------------------------------------
# Discovery


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into a ConfigError naming the file."""
    try:
        with path.open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
            return data
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), [("(file)", f"not valid TOML: {error}")]) from error
    except OSError as error:
        raise ConfigError(str(path), [("(file)", f"cannot be read: {error.strerror}")]) from error


def own_config_in(directory: Path) -> Path | None:
    """The config file that lives in ``directory`` itself, if any (nearest-name order)."""
    for name in CONFIG_FILE_NAMES:
        candidate = directory / name
        if not candidate.is_file():
            continue
        if name != "pyproject.toml":
            return candidate
        if _mentions_fsd_lint(candidate) and "fsd-lint" in read_toml(candidate).get("tool", {}):
            return candidate
    return None


def _mentions_fsd_lint(pyproject: Path) -> bool:
    """Whether a pyproject.toml can hold our section: other projects' files, even broken
    ones (test data, vendored code), are passed over without being parsed."""
    try:
        return b"fsd-lint" in pyproject.read_bytes()
    except OSError:
        return True  # let read_toml report it


def find_config(start: Path) -> Path | None:
    """Walk up from ``start`` (a file or a directory) to the nearest config file."""
    directory = start if start.is_dir() else start.parent
    for candidate_dir in (directory, *directory.parents):
        found = own_config_in(candidate_dir)
        if found is not None:
            return found
    return None


def guess_project_dir(start: Path) -> Path:
    """Without a config file: the nearest directory that looks like a project's top."""
    directory = start if start.is_dir() else start.parent
    for candidate_dir in (directory, *directory.parents):
        if any((candidate_dir / marker).exists() for marker in PROJECT_MARKERS):
            return candidate_dir
    return directory


def config_table(config_file: Path) -> Mapping[str, Any]:
    """The fsd-lint table of a config file (the top level of a dedicated file)."""
    data = read_toml(config_file)
    if config_file.name == "pyproject.toml":
        table = data.get("tool", {}).get("fsd-lint", {})
        if not isinstance(table, dict):
            raise ConfigError(str(config_file), [("[tool.fsd-lint]", "expected a table")])
        return table
    return data


def load_settings(config_file: Path | None, fallback_start: Path, *,
                  base: Path | None = None) -> Settings:
    """Settings from ``config_file``, or the defaults for the project around ``fallback_start``.

    Paths in the file are relative to its directory, or to ``base`` when given (``--config``
    names a file to apply from the current directory, as in ruff)."""
    if config_file is None:
        project_dir = guess_project_dir(fallback_start.resolve())
        return Settings(project_dir=project_dir, src=default_src(project_dir))
    config_file = config_file.resolve()
    return parse_settings(config_table(config_file), config_file, base=base)


def default_src(project_dir: Path) -> tuple[Path, ...]:
    """``src/`` if it exists, then the project directory itself."""
    src = project_dir / "src"
    return (src, project_dir) if src.is_dir() else (project_dir,)


# ---------------------------------------------------------------------------------------------
# Validation


class _Problems:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.items: list[tuple[str, str]] = []

    def add(self, key: str, problem: str) -> None:
        self.items.append((f"{self.prefix}{key}", problem))


def _describe(value: object) -> str:
    kind = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)
    return f"{kind} ({value!r})" if not isinstance(value, (list, dict)) else kind


def _string_list(value: object, key: str, problems: _Problems) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    problems.add(key, f"expected a list of strings, got {_describe(value)}")
    return None


def _boolean(value: object, key: str, problems: _Problems) -> bool | None:
    if isinstance(value, bool):
        return value
    problems.add(key, f"expected true or false, got {_describe(value)}")
    return None


def _identifier(value: object, key: str, problems: _Problems) -> str | None:
    if isinstance(value, str) and value.isidentifier():
        return value
    problems.add(key, f"expected a Python identifier (a package name), got {_describe(value)}")
    return None


def _unclosed_bracket(glob: str) -> bool:
    """Whether a ``[`` character class is never closed (gitignore would match nothing)."""
    index = 0
    while index < len(glob):
        char = glob[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            end = index + 1
            if end < len(glob) and glob[end] in "!^":
                end += 1
            if end < len(glob) and glob[end] == "]":
                end += 1  # a "]" first in the class is a literal
            close = glob.find("]", end)
            if close < 0:
                return True
            index = close
        index += 1
    return False


def _glob_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a usable glob (.gitignore syntax, ``!`` negates), or None."""
    body = pattern.removeprefix("!")
    if not body.strip():
        return "an empty glob matches nothing"
    if body.startswith("#"):
        return (f"{pattern!r} starts with '#', which makes it a comment in .gitignore syntax; "
                "write '\\#' for a file name that starts with '#'")
    if _unclosed_bracket(body):
        return f"{pattern!r} is not a valid glob: '[' is never closed by ']'"
    try:
        import pathspec  # only when there are globs to check: most runs have none

        spec = pathspec.GitIgnoreSpec.from_lines([body])
    except Exception as error:  # pathspec raises ValueError, re.error, ...
        reason = re.sub(r" at position \d+$", "", str(error))
        return f"{pattern!r} is not a valid glob: {reason}"
    if all(compiled.include is None for compiled in spec.patterns):
        return f"{pattern!r} is not a valid glob: it matches nothing"
    return None


def _globs(value: object, key: str, problems: _Problems) -> tuple[str, ...] | None:
    patterns = _string_list(value, key, problems)
    if patterns is None:
        return None
    for pattern in patterns:
        problem = _glob_problem(pattern)
        if problem:
            problems.add(key, problem)
    return patterns


def _paths(value: object, key: str, problems: _Problems, base: Path) -> tuple[Path, ...] | None:
    items: tuple[str, ...] | None
    items = (value,) if isinstance(value, str) else _string_list(value, key, problems)
    if items is None:
        return None
    resolved = []
    for item in items:
        path = (base / item).resolve()
        if not path.is_dir():
            problems.add(key, f"expected a directory, but {item!r} ({path}) is not one")
        resolved.append(path)
    return tuple(resolved)


def _directory(value: object, key: str, problems: _Problems, base: Path) -> Path | None:
    """A directory that need not exist yet (it is created when needed)."""
    if isinstance(value, str) and value.strip():
        return (base / value).resolve()
    problems.add(key, f"expected a directory path (a string), got {_describe(value)}")
    return None


def _regex_problem(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as error:
        return f"{pattern!r} is not a valid regular expression: {error}"
    return None if pattern else "an empty pattern matches everything"


def _regex(value: object, key: str, problems: _Problems) -> str | None:
    if not isinstance(value, str):
        problems.add(key, f"expected a regular expression (a string), got {_describe(value)}")
        return None
    problem = _regex_problem(value)
    if problem:
        problems.add(key, problem)
    return value


def _regexes(value: object, key: str, problems: _Problems) -> tuple[str, ...] | None:
    patterns = _string_list(value, key, problems)
    for pattern in patterns or ():
        problem = _regex_problem(pattern)
        if problem:
            problems.add(key, problem)
    return patterns


def _dotted_names(value: object, key: str, problems: _Problems) -> tuple[str, ...] | None:
    names = _string_list(value, key, problems)
    for name in names or ():
        if not all(part.isidentifier() for part in name.split(".")):
            problems.add(key, f"{name!r} is not a dotted Python name")
    return names


def _layers(value: object, key: str, problems: _Problems) -> tuple[str, ...] | None:
    names = _string_list(value, key, problems)
    for name in names or ():
        if name not in LAYER_RANKS:
            problems.add(key, f"{name!r} is not a layer; layers are: {', '.join(LAYER_RANKS)}")
    return names


def _string_table(value: object, key: str, problems: _Problems) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    problems.add(key, f"expected a table, got {_describe(value)}")
    return None


KeyParser = Callable[[object, str, _Problems, Path], object]

_SIMPLE_KEYS: dict[str, KeyParser] = {
    "exclude": lambda v, k, p, b: _globs(v, k, p),
    "extend-exclude": lambda v, k, p, b: _globs(v, k, p),
    "respect-gitignore": lambda v, k, p, b: _boolean(v, k, p),
    "select": lambda v, k, p, b: _string_list(v, k, p),
    "ignore": lambda v, k, p, b: _string_list(v, k, p),
    "extend-select": lambda v, k, p, b: _string_list(v, k, p),
    "ignore-type-checking-imports": lambda v, k, p, b: _boolean(v, k, p),
    "cross-import-api": lambda v, k, p, b: _identifier(v, k, p),
    "custom-segments": lambda v, k, p, b: _string_list(v, k, p),
    "root": lambda v, k, p, b: _paths(v, k, p, b),
    "src": lambda v, k, p, b: _paths(v, k, p, b),
    "token-pattern": lambda v, k, p, b: _regex(v, k, p),
    "token-forbidden-layers": lambda v, k, p, b: _layers(v, k, p),
    "reset-pattern": lambda v, k, p, b: _regex(v, k, p),
    "refresh-endpoints": lambda v, k, p, b: _regexes(v, k, p),
    "logout-endpoints": lambda v, k, p, b: _regexes(v, k, p),
    "api-client-names": lambda v, k, p, b: _dotted_names(v, k, p),
    "http-libraries": lambda v, k, p, b: _dotted_names(v, k, p),
    "cache-dir": _directory,
}
_TABLE_KEYS = ("per-file-ignores", "severity")
KNOWN_KEYS = tuple(sorted((*_SIMPLE_KEYS, *_TABLE_KEYS)))


def parse_settings(table: Mapping[str, Any], config_file: Path, *,
                   base: Path | None = None) -> Settings:
    """Validate a config table into Settings; raise one ConfigError listing every problem.
    ``base`` (the project directory, where relative paths start) defaults to the file's."""
    base = (base or config_file.parent).resolve()
    prefix = "[tool.fsd-lint] " if config_file.name == "pyproject.toml" else ""
    problems = _Problems(prefix)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in _SIMPLE_KEYS:
            values[key] = _SIMPLE_KEYS[key](value, key, problems, base)
        elif key == "per-file-ignores":
            values[key] = _per_file_ignores(value, problems)
        elif key == "severity":
            values[key] = _severities(value, problems)
        else:
            problems.add(key, f"unknown key; known keys are: {', '.join(KNOWN_KEYS)}")
    src = values.get("src")
    roots = values.get("root")
    if roots and src:
        for root in roots:
            if root.is_dir() and not any(root == s or s in root.parents for s in src):
                problems.add("root", f"{root} is not inside any import root in 'src'")
    custom_segments = values.get("custom-segments") or ()
    for name in custom_segments:
        if not name.isidentifier():
            problems.add("custom-segments", f"{name!r} is not a Python identifier")
    _check_selectors(values, problems)
    if problems.items:
        raise ConfigError(str(config_file), problems.items)
    if not src:
        src = default_src(base)
    src = tuple(sorted(src, key=lambda path: len(path.parts), reverse=True))
    return Settings(
        project_dir=base,
        config_file=config_file,
        roots=tuple(values.get("root") or ()),
        src=src,
        exclude=values.get("exclude", DEFAULT_EXCLUDE),
        extend_exclude=values.get("extend-exclude") or (),
        respect_gitignore=values.get("respect-gitignore", True),
        select=values.get("select"),
        ignore=values.get("ignore") or (),
        extend_select=values.get("extend-select") or (),
        per_file_ignores=values.get("per-file-ignores") or (),
        severity=values.get("severity") or (),
        ignore_type_checking_imports=values.get("ignore-type-checking-imports", False),
        cross_import_api=values.get("cross-import-api", "x"),
        custom_segments=tuple(custom_segments),
        token_pattern=values.get("token-pattern", DEFAULT_TOKEN_PATTERN),
        token_forbidden_layers=values.get("token-forbidden-layers",
                                          DEFAULT_TOKEN_FORBIDDEN_LAYERS),
        reset_pattern=values.get("reset-pattern", DEFAULT_RESET_PATTERN),
        refresh_endpoints=values.get("refresh-endpoints", DEFAULT_REFRESH_ENDPOINTS),
        logout_endpoints=values.get("logout-endpoints", DEFAULT_LOGOUT_ENDPOINTS),
        api_client_names=values.get("api-client-names", DEFAULT_API_CLIENT_NAMES),
        http_libraries=values.get("http-libraries", DEFAULT_HTTP_LIBRARIES),
        cache_dir=values.get("cache-dir"),
        origin=str(config_file),
    )


def _check_selectors(values: Mapping[str, Any], problems: _Problems) -> None:
    """Every rule selector of the file names a rule (reported with the other problems)."""
    from fsd_lint.selection import UnknownSelector, match  # selection imports this module

    def check(key: str, selector: str) -> None:
        try:
            match(selector)
        except UnknownSelector as error:
            problems.add(key, str(error))

    for key in ("select", "ignore", "extend-select"):
        for selector in values.get(key) or ():
            check(key, selector)
    for glob, selectors in values.get("per-file-ignores") or ():
        for selector in selectors:
            check(f"per-file-ignores.{glob!r}", selector)
    for selector, _level in values.get("severity") or ():
        check(f"severity.{selector}", selector)


def _per_file_ignores(
    value: object, problems: _Problems
) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    table = _string_table(value, "per-file-ignores", problems)
    if table is None:
        return None
    entries = []
    for glob, selectors in table.items():
        key = f"per-file-ignores.{glob!r}"
        problem = _glob_problem(glob)
        if problem:
            problems.add(key, problem)
        parsed = _string_list(selectors, key, problems)
        if parsed is not None:
            entries.append((glob, parsed))
    return tuple(entries)


def _severities(value: object, problems: _Problems) -> tuple[tuple[str, str], ...] | None:
    table = _string_table(value, "severity", problems)
    if table is None:
        return None
    entries = []
    for selector, level in table.items():
        if level not in ("error", "warning"):
            problems.add(f"severity.{selector}", f'expected "error" or "warning", got {level!r}')
        else:
            entries.append((selector, level))
    return tuple(entries)
