"""Human output: ``full`` (with the source line and a caret) and ``concise`` (one line each).

Both start each diagnostic with ``path:line:col: CODE``, the form editors and CI problem
matchers recognise.
"""

from __future__ import annotations

import click

from fsd_lint.diagnostics import Diagnostic, Severity
from fsd_lint.reporters.base import ReportContext


def _head(diagnostic: Diagnostic, context: ReportContext) -> str:
    span = diagnostic.span
    where = click.style(f"{diagnostic.path}:{span.line}:{span.column}:", bold=True)
    color = "red" if diagnostic.severity is Severity.ERROR else "yellow"
    code = click.style(diagnostic.code, fg=color, bold=True)
    marker = " [*]" if diagnostic.fix is not None else ""
    text = f"{where} {code}{marker} {diagnostic.message}"
    return text if context.color else click.unstyle(text)


def render_concise(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    return "".join(_head(d, context) + "\n" for d in diagnostics)


def _snippet(diagnostic: Diagnostic, context: ReportContext) -> list[str]:
    text = context.source(diagnostic.path)
    span = diagnostic.span
    if text is None or diagnostic.rule in ("io-error",):
        return []
    lines = text.splitlines()
    if not 1 <= span.line <= len(lines):
        return []
    line = lines[span.line - 1].expandtabs(1)
    width = len(str(span.line))
    start = span.column - 1
    end = span.end_column - 1 if span.end_line == span.line else len(line)
    caret = " " * start + "^" * max(1, end - start)
    gutter = " " * width
    if context.color:
        caret = click.style(caret, fg="red" if diagnostic.severity is Severity.ERROR
                            else "yellow", bold=True)
    out = [f"{gutter} |", f"{span.line} | {line}", f"{gutter} | {caret}"]
    if diagnostic.fix is not None:
        out.append(f"{gutter} = help: {diagnostic.fix.message}")
    return out


def render_full(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    blocks = []
    for diagnostic in diagnostics:
        blocks.append("\n".join([_head(diagnostic, context), *_snippet(diagnostic, context)]))
    return "".join(block + "\n\n" for block in blocks)


def summary(diagnostics: list[Diagnostic], color: bool) -> str:
    """``Found 3 errors and 1 warning.`` or ``All checks passed!``."""
    if not diagnostics:
        text = click.style("All checks passed!", fg="green", bold=True)
        return text if color else click.unstyle(text)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    fixable = sum(d.fix is not None for d in diagnostics)
    text = f"Found {' and '.join(parts)}."
    if fixable:
        text += f"\n[*] {fixable} fixable with the `--fix` option."
    return text
