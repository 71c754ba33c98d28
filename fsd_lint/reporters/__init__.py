"""Reporters: one per output format, each a function of the sorted diagnostics.

A format's module is imported only when that format is asked for: most runs print one format,
and the machine-readable ones pull in XML and schema-shaped code a terminal run never needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from fsd_lint.diagnostics import Diagnostic
from fsd_lint.reporters.base import ReportContext

Reporter = Callable[[list[Diagnostic], ReportContext], str]

# format name -> (module under fsd_lint.reporters, function)
FORMATS: dict[str, tuple[str, str]] = {
    "full": ("text", "render_full"),
    "concise": ("text", "render_concise"),
    "json": ("json", "render_json"),
    "json-lines": ("json", "render_json_lines"),
    "sarif": ("sarif", "render_sarif"),
    "github": ("github", "render_github"),
    "gitlab": ("gitlab", "render_gitlab"),
    "junit": ("junit", "render_junit"),
}
HUMAN_FORMATS = frozenset({"full", "concise"})


def reporter(output_format: str) -> Reporter:
    """The render function of ``output_format`` (one of FORMATS)."""
    module_name, function = FORMATS[output_format]
    module = importlib.import_module(f"fsd_lint.reporters.{module_name}")
    render: Reporter = getattr(module, function)
    return render


__all__ = ["FORMATS", "HUMAN_FORMATS", "ReportContext", "Reporter", "reporter"]
