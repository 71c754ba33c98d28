"""GitLab Code Quality report: a JSON array of Code Climate issues (no BOM).

Fingerprints identify an issue across commits: they hash the rule, the path and the offending
code (the message when the file cannot be read), never the line number, so moving code does
not turn an old issue into a new one. Identical issues are told apart by re-salting.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from typing import Any

from fsd_lint.diagnostics import Diagnostic, Severity, Span
from fsd_lint.reporters.base import ReportContext, checkout_path

PROJECT_VARIABLE = "CI_PROJECT_DIR"
SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


def spanned_code(text: str | None, span: Span) -> str | None:
    """The source text in ``span``, whitespace collapsed; None if it is not there."""
    if text is None:
        return None
    lines = text.splitlines()
    if not 1 <= span.line <= span.end_line <= len(lines):
        return None
    chunk = lines[span.line - 1:span.end_line]
    chunk[-1] = chunk[-1][:span.end_column - 1]
    chunk[0] = chunk[0][span.column - 1:]
    code = " ".join(" ".join(chunk).split())
    return code or None


def fingerprint(parts: tuple[str, ...], taken: set[str]) -> str:
    """A hex digest of ``parts``, re-salted until it is not in ``taken`` (then added to it)."""
    salt = 0
    while True:
        digest = hashlib.sha256("\0".join((*parts, str(salt))).encode("utf-8")).hexdigest()
        if digest not in taken:
            taken.add(digest)
            return digest
        salt += 1


def code_quality_issues(diagnostics: list[Diagnostic], source: Callable[[str], str | None],
                        project_dir: str | None) -> list[dict[str, Any]]:
    """The report's issues; paths relative to ``project_dir`` when given and inside it."""
    texts: dict[str, str | None] = {}
    taken: set[str] = set()
    issues = []
    for diagnostic in diagnostics:
        path = checkout_path(diagnostic.path, project_dir)
        if diagnostic.path not in texts:
            texts[diagnostic.path] = source(diagnostic.path)
        anchor = spanned_code(texts[diagnostic.path], diagnostic.span) or diagnostic.message
        span = diagnostic.span
        issues.append({
            "description": f"{diagnostic.code}: {diagnostic.message}",
            "check_name": diagnostic.code,
            "fingerprint": fingerprint((diagnostic.code, path, anchor), taken),
            "severity": SEVERITY[diagnostic.severity],
            "location": {
                "path": path,
                "positions": {
                    "begin": {"line": span.line, "column": span.column},
                    "end": {"line": span.end_line, "column": span.end_column},
                },
            },
        })
    return issues


def render_gitlab(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    issues = code_quality_issues(diagnostics, context.source,
                                 os.environ.get(PROJECT_VARIABLE) or None)
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
