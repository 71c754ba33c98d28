"""A guard around libcst's parser for pathologically nested sources.

libcst's native parser recurses on the C stack: a few thousand nested brackets, unary
operators or lambdas overflow it and the whole process dies with a segmentation fault, which
no ``except`` can catch. Ordinary files are far from that limit, so a cheap byte-level test
(:func:`is_risky`: a very long line, a long stretch inside brackets, or deep brackets) picks
out the few that might not be.
Those are first given to CPython's own parser, which refuses deep nesting with a clean error
(:func:`depth_failure`); what it accepts is then parsed by libcst on a thread with a large
stack (:func:`on_large_stack`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TypeVar

from fsd_lint.diagnostics import Span
from fsd_lint.facts.types import ParseFailure

T = TypeVar("T")

LONG_LINE = 2000  # bytes; nesting without brackets needs a long line...
LONG_SPAN = 10_000  # ...or a long stretch inside brackets, where newlines may be
DEEP_BRACKETS = 100  # CPython itself refuses more than 200 nested brackets
LARGE_STACK = 512 * 1024 * 1024  # virtual memory only; pages are touched as needed

_BRACKET = re.compile(rb"[()\[\]{}]")
_OPENING = frozenset(b"([{")
_DEPTH_MESSAGES = ("too many nested parentheses", "too complex")


def _brackets(source: bytes) -> tuple[int, int]:
    """The deepest bracket nesting and the longest stretch (bytes) inside outer brackets,
    counting brackets in strings and comments too."""
    depth = deepest = longest = start = 0
    for match in _BRACKET.finditer(source):
        if match[0][0] in _OPENING:
            if depth == 0:
                start = match.start()
            depth += 1
            deepest = max(deepest, depth)
        elif depth > 0:
            depth -= 1
            if depth == 0:
                longest = max(longest, match.start() - start)
    if depth > 0:
        longest = max(longest, len(source) - start)
    return deepest, longest


def is_risky(source: bytes) -> bool:
    """Whether ``source`` might nest deeply enough to crash the parser (cheap, conservative)."""
    if len(source) <= DEEP_BRACKETS:
        return False
    if max(map(len, source.split(b"\n"))) > LONG_LINE:
        return True
    if len(source) <= LONG_SPAN:
        openings = source.count(b"(") + source.count(b"[") + source.count(b"{")
        if openings <= DEEP_BRACKETS:
            return False
    deepest, longest = _brackets(source)
    return deepest > DEEP_BRACKETS or longest > LONG_SPAN


def depth_failure(source: bytes) -> ParseFailure | None:
    """CPython's verdict when it refuses ``source`` for being nested too deeply; else None."""
    try:
        compile(source, "<file>", "exec", dont_inherit=True, flags=0x400)  # ast.PyCF_ONLY_AST
    except (RecursionError, MemoryError):
        return ParseFailure("the file is nested too deeply to be parsed", Span(1, 1, 1, 2))
    except SyntaxError as error:
        if any(message in str(error.msg) for message in _DEPTH_MESSAGES):
            line = error.lineno or 1
            column = max(error.offset or 1, 1)
            return ParseFailure(f"the file is nested too deeply to be parsed: {error.msg}",
                                Span(line, column, line, column + 1))
    except ValueError:  # a NUL byte: the caller reports it
        pass
    return None


def on_large_stack(function: Callable[[bytes], T], source: bytes) -> T:
    """``function(source)`` on a thread with a large stack (in this thread if none starts)."""
    results: list[T] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(function(source))
        except BaseException as error:  # re-raised in the calling thread
            errors.append(error)

    try:
        previous = threading.stack_size(LARGE_STACK)
    except (ValueError, RuntimeError):
        return function(source)
    try:
        thread = threading.Thread(target=work, name="fsd-lint-parse", daemon=True)
        thread.start()
    except RuntimeError:
        return function(source)
    finally:
        threading.stack_size(previous)
    thread.join()
    if errors:
        raise errors[0]
    return results[0]
