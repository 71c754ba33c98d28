"""Reporters: one per output format, each a function of the sorted diagnostics."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fsd_lint.diagnostics import Diagnostic
from fsd_lint.reporters.base import ReportContext
from fsd_lint.reporters.github import render_github
from fsd_lint.reporters.gitlab import render_gitlab
from fsd_lint.reporters.json import render_json, render_json_lines
from fsd_lint.reporters.junit import render_junit
from fsd_lint.reporters.sarif import render_sarif
from fsd_lint.reporters.text import render_concise, render_full

Reporter = Callable[[list[Diagnostic], ReportContext], str]

FORMATS: Mapping[str, Reporter] = {
    "full": render_full,
    "concise": render_concise,
    "json": render_json,
    "json-lines": render_json_lines,
    "sarif": render_sarif,
    "github": render_github,
    "gitlab": render_gitlab,
    "junit": render_junit,
}
HUMAN_FORMATS = frozenset({"full", "concise"})

__all__ = ["FORMATS", "HUMAN_FORMATS", "ReportContext", "Reporter"]
