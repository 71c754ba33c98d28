"""Applying fixes: edits per file, applied from the end, never leaving a file that does not
parse, never overwriting a file that changed while fsd-lint ran."""

from __future__ import annotations

import difflib
import io
import os
import tempfile
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from fsd_lint.diagnostics import Diagnostic, Edit
from fsd_lint.facts.comments import comment_columns
from fsd_lint.noqa import noqa_edit

# Diagnostics that cannot take a noqa comment safely: the file does not parse or read.
NO_NOQA = frozenset({"FSD001", "FSD002"})


@dataclass(frozen=True)
class FileFix:
    """The fixed text of one file, or why it was left alone."""

    path: Path
    original: str
    fixed: str | None
    applied: int  # number of diagnostics fixed
    problem: str | None = None


def _offsets(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def _apply(text: str, edits: list[Edit]) -> str:
    starts = _offsets(text)

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    for edit in sorted(edits, key=lambda e: (e.span.line, e.span.column), reverse=True):
        begin = offset(edit.span.line, edit.span.column)
        end = offset(edit.span.end_line, edit.span.end_column)
        text = text[:begin] + edit.content + text[end:]
    return text


def plan_fixes(diagnostics: Iterable[Diagnostic]) -> list[FileFix]:
    """Fixed contents for every file with fixable diagnostics; overlapping edits are skipped
    (a later run picks them up), and a result that does not parse is refused."""
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if diagnostic.fix is not None:
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
    plans = []
    for display, items in sorted(by_path.items()):
        path = Path(display)
        try:
            original = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            plans.append(FileFix(path, "", None, 0, f"cannot read it as UTF-8: {error}"))
            continue
        chosen: list[Edit] = []
        applied = 0
        for diagnostic in items:
            assert diagnostic.fix is not None
            edits = list(diagnostic.fix.edits)
            if any(_overlaps(edit, other) for edit in edits for other in chosen):
                continue
            chosen.extend(edits)
            applied += 1
        fixed = _apply(original, chosen)
        try:
            cst.parse_module(fixed)
        except cst.ParserSyntaxError:
            plans.append(FileFix(path, original, None, 0,
                                 "the fixed file would not parse; left unchanged"))
            continue
        plans.append(FileFix(path, original, fixed, applied))
    return plans


def _overlaps(first: Edit, second: Edit) -> bool:
    a, b = first.span, second.span
    return (a.line, a.column) < (b.end_line, b.end_column) and (b.line, b.column) < (
        a.end_line, a.end_column)


def write_fix(plan: FileFix) -> str | None:
    """Write one fixed file atomically; returns a problem instead of overwriting a file that
    changed since it was read."""
    assert plan.fixed is not None
    try:
        if plan.path.read_bytes().decode("utf-8") != plan.original:
            return "the file changed while fsd-lint ran; left unchanged"
        mode = plan.path.stat().st_mode
        handle, temporary = tempfile.mkstemp(dir=plan.path.parent, prefix=".fsd-lint-fix-")
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(plan.fixed)
        os.chmod(temporary, mode)
        os.replace(temporary, plan.path)
    except (OSError, UnicodeDecodeError) as error:
        return f"cannot write it: {error}"
    return None


def unified_diff(plan: FileFix) -> str:
    assert plan.fixed is not None
    return "".join(difflib.unified_diff(
        plan.original.splitlines(keepends=True), plan.fixed.splitlines(keepends=True),
        fromfile=f"a/{plan.path.as_posix()}", tofile=f"b/{plan.path.as_posix()}",
    ))


def _lines_inside_tokens(text: str) -> set[int]:
    """Lines whose end lies inside a multi-line token (a string): no comment can go there."""
    inside: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.end[0] > token.start[0] and token.type not in (tokenize.NL, tokenize.NEWLINE):
            inside.update(range(token.start[0], token.end[0]))
    return inside


def plan_noqa(diagnostics: Iterable[Diagnostic]) -> list[FileFix]:
    """``--add-noqa``: a ``# noqa: CODES`` comment on each reported line (the statement's last
    line when its first line continues inside a string or ends with a backslash)."""
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if diagnostic.code not in NO_NOQA and Path(diagnostic.path).is_file():
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
    plans = []
    for display, items in sorted(by_path.items()):
        path = Path(display)
        try:
            original = path.read_bytes().decode("utf-8")
            unsafe = _lines_inside_tokens(original)
        except (OSError, UnicodeDecodeError, tokenize.TokenError, SyntaxError) as error:
            plans.append(FileFix(path, "", None, 0, f"cannot add noqa comments: {error}"))
            continue
        lines = original.splitlines(keepends=True)
        codes_by_line: dict[int, list[str]] = {}
        for diagnostic in items:
            span = diagnostic.span
            line = span.line
            if line in unsafe or lines[line - 1].rstrip("\r\n").endswith("\\"):
                line = span.end_line
            if line in unsafe or not 1 <= line <= len(lines):
                continue
            codes = codes_by_line.setdefault(line, [])
            if diagnostic.code not in codes:
                codes.append(diagnostic.code)
        added = 0
        comments = comment_columns(original)
        for line, codes in codes_by_line.items():
            edit = noqa_edit(lines[line - 1], codes, comments.get(line))
            if edit is None:
                continue
            text = lines[line - 1]
            ending = text[len(text.rstrip("\r\n")):]
            body = text[: len(text) - len(ending)]
            lines[line - 1] = body[: edit.start] + edit.text + body[edit.end :] + ending
            added += 1
        plans.append(FileFix(path, original, "".join(lines), added))
    return plans
