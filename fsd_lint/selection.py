"""Rule selection: which rules run, at which severity, and which are ignored per file.

Selectors are a code (``FSD101``), a code prefix (``FSD1``), a rule name
(``no-cross-imports``), the alias ``forbidden-imports`` or ``ALL``. As in ruff, when a rule is
both selected and ignored, the more specific selector wins (a tie goes to ``ignore``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fsd_lint.diagnostics import Severity
from fsd_lint.rules.registry import ALIASES, BY_CODE, BY_NAME, RULES
from fsd_lint.settings import COMMAND_LINE, ConfigError, Settings

if TYPE_CHECKING:  # imported where per-file ignores are built
    import pathspec

EXACT = 1000


class UnknownSelector(ValueError):
    """A selector that names no rule."""


def match(selector: str) -> tuple[frozenset[str], int]:
    """The codes a selector names, and how specific it is."""
    if selector == "ALL":
        return frozenset(BY_CODE), 0
    if selector in ALIASES:
        return frozenset(ALIASES[selector]), EXACT - 1
    if selector.lower() in BY_NAME:
        return frozenset({BY_NAME[selector.lower()].code}), EXACT
    upper = selector.upper()
    if upper in BY_CODE:
        return frozenset({upper}), EXACT
    codes = frozenset(code for code in BY_CODE if code.startswith(upper))
    if upper.startswith("FSD") and codes:
        return codes, len(upper)
    raise UnknownSelector(
        f"{selector!r} is not a rule code, code prefix or rule name "
        f"(see `fsd-lint rules`; `ALL` selects every rule)"
    )


@dataclass(frozen=True)
class Overrides:
    """Selection given on the command line; it wins over the config file."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    also_enable: tuple[str, ...] = ()  # e.g. FSD900 from --report-unused-noqa


@dataclass(frozen=True)
class PerFileIgnore:
    spec: pathspec.GitIgnoreSpec
    negated: bool
    codes: frozenset[str]


@dataclass(frozen=True)
class RuleSelection:
    enabled: frozenset[str]
    severity: Mapping[str, Severity]
    per_file: tuple[PerFileIgnore, ...]
    base_dir: Path

    def ignored_for(self, path: Path) -> frozenset[str]:
        """Codes that per-file-ignores switch off for ``path``."""
        try:
            relative = path.relative_to(self.base_dir).as_posix()
        except ValueError:
            relative = path.as_posix()
        ignored: set[str] = set()
        for entry in self.per_file:
            if entry.spec.match_file(relative) != entry.negated:
                ignored |= entry.codes
        return frozenset(ignored)


def _best(selectors: Iterable[tuple[str, str]], problems: list[tuple[str, str]]) -> dict[str, int]:
    best: dict[str, int] = {}
    for key, selector in selectors:
        try:
            codes, specificity = match(selector)
        except UnknownSelector as error:
            problems.append((key, str(error)))
            continue
        for code in codes:
            best[code] = max(best.get(code, -1), specificity)
    return best


def build_selection(settings: Settings, overrides: Overrides) -> RuleSelection:
    """Resolve the config's and the command line's selectors; unknown ones are errors."""
    section = settings.section
    config_problems: list[tuple[str, str]] = []
    cli_problems: list[tuple[str, str]] = []

    if overrides.select is not None:
        select = _best((("--select", s) for s in overrides.select), cli_problems)
    elif settings.select is not None:
        select = _best(((f"{section}select", s) for s in settings.select), config_problems)
    else:
        select = {rule.code: -1 for rule in RULES if rule.on_by_default}
    for code, specificity in _best(
        ((f"{section}extend-select", s) for s in settings.extend_select), config_problems
    ).items():
        select[code] = max(select.get(code, -1), specificity)
    for code, specificity in _best(
        (("--extend-select", s) for s in (*overrides.extend_select, *overrides.also_enable)),
        cli_problems,
    ).items():
        select[code] = max(select.get(code, -1), specificity)
    ignore = _best(((f"{section}ignore", s) for s in settings.ignore), config_problems)
    for code, specificity in _best((("--ignore", s) for s in overrides.ignore),
                                   cli_problems).items():
        ignore[code] = max(ignore.get(code, -1), specificity)
    enabled = frozenset(
        code for code, specificity in select.items()
        if code not in ignore or specificity > ignore[code]
    )

    severity = {rule.code: rule.severity for rule in RULES}
    chosen: dict[str, int] = {}
    for selector, level in settings.severity:
        try:
            codes, specificity = match(selector)
        except UnknownSelector as error:
            config_problems.append((f"{section}severity.{selector}", str(error)))
            continue
        for code in codes:
            if specificity >= chosen.get(code, -1):
                chosen[code] = specificity
                severity[code] = Severity(level)

    per_file = []
    for glob, selectors in settings.per_file_ignores:
        ignored: set[str] = set()
        for selector in selectors:
            try:
                ignored |= match(selector)[0]
            except UnknownSelector as error:
                config_problems.append((f"{section}per-file-ignores.{glob!r}", str(error)))
        negated = glob.startswith("!")
        import pathspec  # here: most runs have no per-file ignores

        spec = pathspec.GitIgnoreSpec.from_lines([glob.removeprefix("!")])
        per_file.append(PerFileIgnore(spec, negated, frozenset(ignored)))

    if cli_problems:
        raise ConfigError(COMMAND_LINE, cli_problems)
    if config_problems:
        raise ConfigError(settings.origin, config_problems)
    return RuleSelection(enabled, severity, tuple(per_file), settings.project_dir)
