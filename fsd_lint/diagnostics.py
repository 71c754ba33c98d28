"""Diagnostics: what a rule reports, and the single order every reporter prints them in."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from pathlib import Path


class Severity(str, enum.Enum):
    """How serious a diagnostic is; only errors fail a run unless told otherwise."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Span:
    """A source range: 1-based lines, 1-based columns, end column exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


FILE_START = Span(1, 1, 1, 1)


@dataclass(frozen=True)
class Edit:
    """Replace the text in ``span`` with ``content``."""

    span: Span
    content: str


@dataclass(frozen=True)
class Fix:
    """A set of edits that resolves one diagnostic, with a short title."""

    message: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Diagnostic:
    """One finding of one rule at one place."""

    code: str
    rule: str
    severity: Severity
    message: str
    path: str  # relative to the current directory, forward slashes
    span: Span
    fix: Fix | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """The one output order: path, line, column, code (then message, for ties)."""
        return (self.path, self.span.line, self.span.column, self.code, self.message)


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Deterministic order for every reporter, whatever order the work finished in."""
    unique = {(d.sort_key(), d.span): d for d in diagnostics}
    return [unique[k] for k in sorted(unique)]


def display_path(path: Path) -> str:
    """Relative to the current directory, forward slashes (absolute if on another drive)."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:
        return path.as_posix()
