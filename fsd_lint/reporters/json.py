"""JSON and JSON-lines output: the stable contract other programs parse (SPEC section 6)."""

from __future__ import annotations

import json
from typing import Any

from fsd_lint.diagnostics import Diagnostic, Span
from fsd_lint.reporters.base import ReportContext


def _position(span: Span) -> dict[str, int]:
    return {"line": span.line, "column": span.column,
            "end_line": span.end_line, "end_column": span.end_column}


def as_json(diagnostic: Diagnostic) -> dict[str, Any]:
    """One diagnostic as the documented JSON object (keys in the documented order)."""
    fix = None
    if diagnostic.fix is not None:
        fix = {
            "message": diagnostic.fix.message,
            "edits": [{**_position(edit.span), "content": edit.content}
                      for edit in diagnostic.fix.edits],
        }
    return {
        "code": diagnostic.code,
        "rule": diagnostic.rule,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "path": diagnostic.path,
        **_position(diagnostic.span),
        "fix": fix,
    }


def render_json(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    return json.dumps([as_json(d) for d in diagnostics], indent=2, ensure_ascii=False) + "\n"


def render_json_lines(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    return "".join(json.dumps(as_json(d), ensure_ascii=False) + "\n" for d in diagnostics)
