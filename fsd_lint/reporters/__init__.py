"""Reporters: one per output format, each a function of the sorted diagnostics."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fsd_lint.diagnostics import Diagnostic
from fsd_lint.reporters.base import ReportContext
from fsd_lint.reporters.json import render_json, render_json_lines
from fsd_lint.reporters.text import render_concise, render_full

Reporter = Callable[[list[Diagnostic], ReportContext], str]

FORMATS: Mapping[str, Reporter] = {
    "full": render_full,
    "concise": render_concise,
    "json": render_json,
    "json-lines": render_json_lines,
}
HUMAN_FORMATS = frozenset({"full", "concise"})

__all__ = ["FORMATS", "HUMAN_FORMATS", "ReportContext", "Reporter"]
