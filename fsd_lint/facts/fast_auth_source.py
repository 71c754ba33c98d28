"""The source text behind CPython ``ast`` nodes, for the fast path (``facts.fast``,
``facts.fast_auth``): what libcst would tell from its tree but ``ast`` drops, read back from the
text. Whether a string constant is one literal or several concatenated ones, whether an f-string
is one literal whose text parts are as written, the code of a node (libcst's ``code_for_node``),
the text just around a node (to tell whether parentheses of its own surround it), and whether a
class body sits on its header's line.

Whenever the text does not settle the question, these raise :class:`Unsure`: the fast path
then gives up and the file goes through libcst.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize

_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)?")
_PREFIX = re.compile(r"[A-Za-z]*")
# Brackets as bytes, written in pairs: the depth guard (``facts.depth``) counts brackets in
# strings too, and one left open would make this file look deeply nested.
_PARENTHESES, _BRACKETS = b"()", b"[]"


class Unsure(Exception):
    """The fast path cannot reproduce libcst's answer for this file."""


class Source:
    """A module's text (without a byte order mark), as ``ast`` positions count it: lines of
    UTF-8 bytes, columns in bytes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[bytes] | None = None
        # Inside an f-string's expressions, positions are not reliable before Python 3.12.
        self.in_fstring = 0

    def check_positions(self) -> None:
        if self.in_fstring and sys.version_info < (3, 12):
            raise Unsure

    @property
    def lines(self) -> list[bytes]:
        """Lines with their endings; split where CPython splits them (not on form feeds)."""
        if self._lines is None:
            data = self.text.encode("utf-8")
            self._lines = [line for line in _LINE.findall(data) if line] or [b""]
        return self._lines

    def line(self, number: int) -> bytes:
        if not 1 <= number <= len(self.lines):
            raise Unsure
        return self.lines[number - 1]

    def segment(self, node: ast.AST) -> str:
        """The text of ``node`` as written (without parentheses around it)."""
        self.check_positions()
        start = getattr(node, "lineno", None)
        end = getattr(node, "end_lineno", None)
        first = getattr(node, "col_offset", None)
        last = getattr(node, "end_col_offset", None)
        if start is None or end is None or first is None or last is None:
            raise Unsure
        if start == end:
            data = self.line(start)[first:last]
        else:
            data = b"".join([self.line(start)[first:],
                             *(self.line(number) for number in range(start + 1, end)),
                             self.line(end)[:last]])
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise Unsure from error

    def before(self, node: ast.expr | ast.stmt) -> bytes:
        """The text of the node's first line before it, without the spaces next to it."""
        self.check_positions()
        return self.line(node.lineno)[: node.col_offset].rstrip(b" \t\f")

    def after(self, node: ast.expr | ast.stmt) -> bytes:
        """The text of the node's last line after it, spaces and line ending stripped."""
        self.check_positions()
        end = node.end_lineno if node.end_lineno is not None else node.lineno
        column = node.end_col_offset if node.end_col_offset is not None else 0
        return self.line(end)[column:].strip(b" \t\f\r\n")

    def opens_call(self, func: ast.expr) -> bool:
        """Whether the text right after a call's ``func`` opens its arguments (no parenthesis
        of the ``func``'s own closes around it)."""
        return self.after(func)[:1] == _PARENTHESES[:1]

    def right_after_opening(self, node: ast.expr, container: ast.expr) -> bool:
        """Whether ``node`` comes right after the opening bracket of ``container`` (a tuple
        or a list), on the same line."""
        before = self.before(node)
        return (node.lineno == container.lineno and len(before) == container.col_offset + 1
                and before[-1:] in (_PARENTHESES[:1], _BRACKETS[:1]))

    def _tokens(self, node: ast.expr) -> list[tokenize.TokenInfo]:
        try:
            return [token for token in tokenize.generate_tokens(
                        io.StringIO(self.segment(node)).readline)
                    if token.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER,
                                          tokenize.COMMENT)]
        except (tokenize.TokenError, SyntaxError) as error:
            raise Unsure from error

    def single_literal(self, node: ast.expr) -> bool:
        """Whether a string constant is one literal (libcst's SimpleString), not several
        implicitly concatenated ones."""
        tokens = self._tokens(node)
        return len(tokens) == 1 and tokens[0].type == tokenize.STRING

    def fstring_parts(self, node: ast.JoinedStr) -> list[str | None] | None:
        """The parts of an f-string as libcst's FormattedString has them: its text as written
        (escapes and doubled braces kept), None for each replacement field; None when the
        node is several literals (libcst's ConcatenatedString)."""
        text = self.segment(node)
        prefix = _PREFIX.match(text)
        start = prefix.end() if prefix is not None else 0
        if "f" not in text[:start].lower():
            return None  # a plain string first: a concatenation
        quote = text[start:start + 3]
        if quote not in ('"""', "'''"):
            quote = text[start:start + 1]
        if quote not in ('"', "'", '"""', "'''"):
            raise Unsure
        parts, end = _fstring_body(text, start + len(quote), quote)
        if text[end:].strip():
            return None  # more literals follow
        fields = sum(isinstance(value, ast.FormattedValue) for value in node.values)
        if parts.count(None) != fields:
            raise Unsure
        return parts

    def one_line_body(self, node: ast.ClassDef) -> bool:
        """Whether a class body is written on its header's line (libcst's
        SimpleStatementSuite, whose statements are not in SimpleStatementLines)."""
        first = node.body[0]
        if self.before(first).strip():
            return True
        if first.lineno >= 2 and self.line(first.lineno - 1).rstrip(b"\r\n").endswith(b"\\"):
            raise Unsure  # a continued header line
        return False


def code(source: Source, node: ast.AST, limit: int) -> str:
    """libcst's ``code_for_node`` with whitespace runs made one space, cut at ``limit``
    characters (as ``facts.auth._code``); the caller has made sure that no parentheses of
    the node's own surround it."""
    text = " ".join(source.segment(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fstring_body(text: str, index: int, quote: str) -> tuple[list[str | None], int]:
    """The parts of an f-string's body from ``index`` to its closing ``quote``, and the index
    after that quote."""
    parts: list[str | None] = []
    written: list[str] = []
    while index < len(text):
        char = text[index]
        if text.startswith(quote, index):
            if written:
                parts.append("".join(written))
            return parts, index + len(quote)
        if char == "\\" or text.startswith(("{{", "}}"), index):
            written.append(text[index:index + 2])
            index += 2
        elif char == "{":
            if written:
                parts.append("".join(written))
                written = []
            parts.append(None)
            index = _field_end(text, index + 1) + 1
        elif char == "}":
            raise Unsure
        else:
            written.append(char)
            index += 1
    raise Unsure


def _field_end(text: str, index: int) -> int:
    """The index of the ``}`` closing the replacement field whose expression starts at
    ``index`` (strings and brackets in the expression, fields in the format spec)."""
    depth = 0
    while index < len(text):
        char = text[index]
        if char in "\"'":
            quote = text[index:index + 3] if text[index:index + 3] in ('"""', "'''") else char
            end = text.find(quote, index + len(quote))
            if end < 0:
                raise Unsure
            index = end + len(quote)
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                if char != "}":
                    raise Unsure
                return index
            depth -= 1
        elif char == ":" and depth == 0:
            return _spec_end(text, index + 1)
        elif char in "\\#":
            raise Unsure
        index += 1
    raise Unsure


def _spec_end(text: str, index: int) -> int:
    """The index of the ``}`` ending a format spec that starts at ``index``."""
    while index < len(text):
        char = text[index]
        if char == "{":
            index = _field_end(text, index + 1) + 1
            continue
        if char == "}":
            return index
        if char == "\\":
            raise Unsure
        index += 1
    raise Unsure
