"""Suppression comments: ``# noqa``, ``# fsd-lint: noqa|ignore[...]|skip-file``.

Comments are found with the tokenizer (so a ``# noqa`` inside a string is not a comment), and
only in files whose text mentions ``noqa`` or ``fsd-lint`` at all.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator

from fsd_lint.diagnostics import Span
from fsd_lint.facts.types import Suppression

NOQA = re.compile(r"#\s*noqa(?P<colon>\s*:\s*(?P<list>[^#]*))?", re.IGNORECASE)
FSD_NOQA = re.compile(r"#\s*fsd-lint\s*:\s*noqa\b", re.IGNORECASE)
FSD_IGNORE = re.compile(r"#\s*fsd-lint\s*:\s*ignore\[(?P<list>[^\]]*)\]", re.IGNORECASE)
_SKIP_FILE = re.compile(r"#\s*fsd-lint\s*:\s*skip-file\b", re.IGNORECASE)
_SELECTOR = re.compile(r"^(?:[A-Za-z]+[0-9]+|[a-z][a-z0-9]*(?:-[a-z0-9]+)+)$")
_WORD = re.compile(r"[^,\s]+")


def selector_words(text: str) -> list[re.Match[str]]:
    """The codes and rule names that open a comma/space separated list, in order, with their
    places in ``text``; the list stops at the first other word."""
    found = []
    for word in _WORD.finditer(text):
        if not _SELECTOR.match(word[0]):
            break
        found.append(word)
    return found


def _selectors(text: str) -> frozenset[str]:
    return frozenset(word[0] for word in selector_words(text))


def _comments(text: str) -> Iterator[tuple[int, int, str]]:
    """(line, column, comment) for every comment; a regex fallback for untokenizable text."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.start[1], token.string
    except (tokenize.TokenError, SyntaxError, IndentationError):
        for number, line in enumerate(text.splitlines(), start=1):
            index = line.find("#")
            if index >= 0:
                yield number, index, line[index:]


def comment_columns(text: str) -> dict[int, int]:
    """Line number -> where (0-based column) the comment on that line starts, for the lines
    that have one: what looks like a comment inside a string is not one."""
    return {line: column for line, column, _ in _comments(text)}


def _next_code_line(lines: list[str], after: int) -> int:
    for number in range(after + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return after


def _at(line: int, column: int, match: re.Match[str]) -> Span:
    """The span of a directive found in the comment that starts at ``column`` (0-based)."""
    start = column + match.start() + 1
    return Span(line, start, line, start + len(match[0].rstrip()))


def parse_suppressions(text: str) -> tuple[Suppression, ...]:
    """Every suppression comment of a file, each bound to the line it covers."""
    if "noqa" not in text.lower() and "fsd-lint" not in text.lower():
        return ()
    lines = text.splitlines()
    found: list[Suppression] = []
    for line, column, comment in _comments(text):
        own_line = not lines[line - 1][:column].strip() if line <= len(lines) else False
        ignore = FSD_IGNORE.search(comment)
        if ignore:
            target = _next_code_line(lines, line) if own_line else line
            found.append(Suppression(target, _selectors(ignore["list"]), ignore[0],
                                     _at(line, column, ignore)))
            continue
        fsd_noqa = FSD_NOQA.search(comment)
        if fsd_noqa:
            found.append(Suppression(line, None, fsd_noqa[0], _at(line, column, fsd_noqa)))
            continue
        noqa = NOQA.search(comment)
        if noqa:
            selectors = _selectors(noqa["list"]) if noqa["colon"] else None
            if selectors is not None and not selectors:
                selectors = None  # a noqa colon with no usable code after it: a blanket noqa
            found.append(Suppression(line, selectors, noqa[0].strip(), _at(line, column, noqa)))
    return tuple(found)


def has_skip_file(text: str) -> bool:
    """``# fsd-lint: skip-file`` among the comments that open the file (before any code)."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return False
        if _SKIP_FILE.search(stripped):
            return True
    return False
