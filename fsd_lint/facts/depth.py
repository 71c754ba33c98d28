"""A guard around libcst's parser for pathologically nested sources.

libcst's native parser recurses on the C stack: a few thousand nested brackets, unary
operators or lambdas overflow it and the whole process dies with a segmentation fault, which
no ``except`` can catch. Ordinary files are far from that limit, so a cheap byte-level test
(:func:`is_risky`: a very long line, a long stretch inside brackets, or deep brackets) picks
out the few that might not be. It runs on every file, so it first bounds each measure with a
few passes in C (``bytes.find``, ``bytes.translate``, ``bytes.replace``) and counts bracket by
bracket only when a bound comes close to a limit: its verdict is the same either way.
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
# ``source.translate(_AS_PARENTHESES, _NOT_BRACKETS)``: its brackets alone, each as ( or ).
_OPENING = ord("(")
_AS_PARENTHESES = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"()[]{}")))
_CHUNK = LONG_SPAN // 2  # a stretch longer than LONG_SPAN holds a whole aligned chunk
_DEPTH_MESSAGES = ("too many nested parentheses", "too complex")


def _brackets(source: bytes) -> tuple[int, int]:
    """The deepest bracket nesting and the longest stretch (bytes) inside outer brackets,
    counting brackets in strings and comments too."""
    depth = deepest = longest = start = position = 0
    gaps = map(len, _BRACKET.split(source))  # the bytes before each bracket, and after the last
    for bracket, gap in zip(source.translate(_AS_PARENTHESES, _NOT_BRACKETS), gaps, strict=False):
        position += gap
        if bracket == _OPENING:
            if depth == 0:
                start = position
            depth += 1
            if depth > deepest:
                deepest = depth
        elif depth > 0:
            depth -= 1
            if depth == 0 and position - start > longest:
                longest = position - start
        position += 1
    if depth > 0:
        longest = max(longest, len(source) - start)
    return deepest, longest


def _has_long_line(source: bytes) -> bool:
    """Whether a line is longer than LONG_LINE bytes. A line that long holds a whole window of
    ``half + 1`` bytes starting at a multiple of ``half``: lines are measured only when one of
    those windows has no newline."""
    half = LONG_LINE // 2
    for start in range(0, len(source) - half, half):
        if source.find(b"\n", start, start + half + 1) < 0:
            return max(map(len, source.split(b"\n"))) > LONG_LINE
    return False


def _unmatched(parentheses: bytes, rounds: int) -> tuple[int, bytes]:
    """Matched pairs taken out, innermost first, for at most ``rounds`` rounds: how many rounds
    took some out (the height of the highest balanced group, if under ``rounds``), and what is
    left (unmatched closings, then unmatched openings, once all pairs are out)."""
    for height in range(rounds):
        rest = parentheses.replace(b"()", b"")
        if len(rest) == len(parentheses):
            return height, rest
        parentheses = rest
    return rounds, parentheses


def _surely_shallow(parentheses: bytes) -> bool:
    """True only if ``_brackets`` would find no nesting deeper than DEEP_BRACKETS: a balanced
    group nests as high as the rounds that empty it, and unmatched openings add at most one
    level each (unmatched closings, ignored there, add none)."""
    if parentheses.count(b"(") <= DEEP_BRACKETS:
        return True
    height, rest = _unmatched(parentheses, DEEP_BRACKETS + 1)
    return height + rest.count(b"(") <= DEEP_BRACKETS


def _surely_short(source: bytes) -> bool:
    """True only if ``_brackets`` would find no stretch inside brackets longer than LONG_SPAN:
    such a stretch would hold a whole chunk of _CHUNK bytes (at a multiple of _CHUNK) all of
    whose brackets leave the depth above zero. Chunk by chunk, the depth on entering one is
    enough to tell, with the closings and openings it leaves unmatched."""
    if len(source) <= LONG_SPAN:
        return True
    depth = 0
    for start in range(0, len(source), _CHUNK):
        chunk = source[start:start + _CHUNK].translate(_AS_PARENTHESES, _NOT_BRACKETS)
        rest = _unmatched(chunk, len(chunk))[1]
        closings = rest.count(b")")
        if depth > closings:
            return False
        depth = len(rest) - closings  # what was open before is all closed in this chunk
    return True


def is_risky(source: bytes) -> bool:
    """Whether ``source`` might nest deeply enough to crash the parser (cheap, conservative)."""
    if len(source) <= DEEP_BRACKETS:
        return False
    if _has_long_line(source):
        return True
    if _surely_shallow(source.translate(_AS_PARENTHESES, _NOT_BRACKETS)) and _surely_short(
            source):
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
