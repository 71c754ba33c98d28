"""GitHub Actions workflow commands: one ``::error``/``::warning`` annotation per diagnostic.

Paths are relative to ``$GITHUB_WORKSPACE`` when it is set (so a run from a subdirectory still
annotates the right file), else the display path. Values are escaped as the Actions toolkit does.
"""

from __future__ import annotations

import os

from fsd_lint.diagnostics import Diagnostic
from fsd_lint.reporters.base import ReportContext, checkout_path

WORKSPACE_VARIABLE = "GITHUB_WORKSPACE"


def escape_data(text: str) -> str:
    """Escape a command's message: ``%``, carriage return and newline."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as a message, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(diagnostic: Diagnostic, path: str) -> str:
    """The annotation for one diagnostic, with the file given as ``path``."""
    span = diagnostic.span
    properties = [("file", path), ("line", str(span.line)), ("endLine", str(span.end_line))]
    if span.line == span.end_line:
        properties += [("col", str(span.column)), ("endColumn", str(span.end_column))]
    properties.append(("title", f"fsd-lint ({diagnostic.code})"))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{diagnostic.severity.value} {joined}::{escape_data(diagnostic.message)}"


def render_github(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    workspace = os.environ.get(WORKSPACE_VARIABLE)
    return "".join(workflow_command(d, checkout_path(d.path, workspace)) + "\n"
                   for d in diagnostics)
