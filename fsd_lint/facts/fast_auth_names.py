"""The auth rules' words applied to CPython ``ast`` nodes: a mirror of ``facts.auth_names`` (names,
string and URL literals, token keys and values, resets, constants, lexer results and field
declarations) for the fast path. Change one, change the other (``tests/test_fast_auth.py``).

Where libcst and ``ast`` see the same code differently, the libcst answer is reproduced:
``None``/``True``/``False`` are names there, constants here; ``"a" "b"`` is one constant here,
a concatenation there (told apart from the text, ``fast_auth_source``); a call's arguments are
one list there, positional and keyword ones here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from fsd_lint.facts.auth_words import DECLARATION_NAMES, LEXING_WORDS, Patterns
from fsd_lint.facts.fast_auth_source import Source


def name_of(node: ast.AST) -> str | None:
    """The identifier libcst's Name would hold: ``x``, and ``None``/``True``/``False``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Constant) and (
            node.value is None or node.value is True or node.value is False):
        return str(node.value)
    return None


def last_name(node: ast.AST) -> str:
    """The last identifier of a Name/Attribute chain (``a.b.c`` -> ``c``); "" otherwise."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return name_of(node) or ""


def dotted(node: ast.AST) -> str:
    """``a.b.c`` for a Name/Attribute chain; "" otherwise."""
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return name_of(node) or ""


def root_name(node: ast.AST) -> str:
    """The first name of an attribute/subscript/call chain: ``a`` for ``a.b[1].c()``."""
    while True:
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return name_of(node) or ""


@dataclass(frozen=True)
class Arg:
    """One argument as libcst lists it: ``keyword`` None for positional ones, ``star`` "*"
    or "**" for unpacked ones (whose keyword is None too)."""

    value: ast.expr
    keyword: str | None = None
    star: str = ""


def arguments(source: Source, call: ast.Call) -> list[Arg]:
    """The arguments of a call in source order (libcst's ``Call.args``)."""
    positional = [Arg(arg.value, None, "*") if isinstance(arg, ast.Starred) else Arg(arg)
                  for arg in call.args]
    keywords = [Arg(keyword.value, keyword.arg, "" if keyword.arg else "**")
                for keyword in call.keywords]
    if keywords and any(isinstance(arg, ast.Starred) for arg in call.args):
        # ``f(a=1, *rest)``: an unpacked positional argument may follow keywords.
        source.check_positions()
        nodes: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
        order = sorted(range(len(nodes)),
                       key=lambda index: (nodes[index].lineno, nodes[index].col_offset))
        merged = [*positional, *keywords]
        return [merged[index] for index in order]
    return [*positional, *keywords]


def argument_values(call: ast.Call) -> list[ast.expr]:
    """The values of a call's arguments, unpacked ones included (in no particular order)."""
    return [*(arg.value if isinstance(arg, ast.Starred) else arg for arg in call.args),
            *(keyword.value for keyword in call.keywords)]


def unstarred(node: ast.expr) -> ast.expr:
    """The value of ``*x`` (libcst's StarredElement), or the node itself."""
    return node.value if isinstance(node, ast.Starred) else node


def positional(call: ast.Call) -> list[ast.expr]:
    return [arg for arg in call.args if not isinstance(arg, ast.Starred)]


def keywords(call: ast.Call) -> dict[str, ast.expr]:
    return {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg is not None}


def string_value(node: ast.AST) -> str | None:
    """The value of a plain (not f-) string literal, implicit concatenation included."""
    if isinstance(node, ast.Constant) and type(node.value) is str:
        return node.value
    return None


def subscript_index(node: ast.Subscript) -> ast.expr | None:
    """The index of ``x[i]`` (not a slice, not several: ``x[a, b]`` is several for libcst,
    ``x[(a, b)]`` one tuple; neither names a token)."""
    index = node.slice
    return None if isinstance(index, (ast.Slice, ast.Tuple)) else index


def is_token_key(found: Patterns, node: ast.AST) -> bool:
    """A subscript index or call argument naming a token: ``"access_token"``, ``TOKEN_KEY``."""
    return found.is_token_key(string_value(node), last_name(node))


def is_token_value(found: Patterns, node: ast.AST) -> bool:
    """An expression that is a token: ``token``, ``resp.access_token``, ``d["jwt"]``."""
    if isinstance(node, ast.Subscript):
        index = subscript_index(node)
        return index is not None and is_token_key(found, index)
    return found.is_token(last_name(node))


def is_empty(source: Source, node: ast.AST) -> bool:
    """A reset value: ``None``, ``""``, ``b""``, ``[]``, ``{}``, ``()``, ``dict()``…"""
    if isinstance(node, ast.Constant):
        if node.value is None:
            return True
        if node.value in ("", b"") and type(node.value) in (str, bytes):
            return source.single_literal(node)  # ``"" ""`` is not empty for libcst
        return False
    if isinstance(node, (ast.List, ast.Set, ast.Tuple)):
        return not node.elts
    if isinstance(node, ast.Dict):
        return not node.keys
    if isinstance(node, ast.Call):
        return dotted(node.func) in ("dict", "list", "set", "tuple") and not (
            node.args or node.keywords)
    return False


def is_literal(source: Source, node: ast.AST) -> bool:
    """A constant: a string, number, ``True``/``False``/``...``, or a container of those."""
    if isinstance(node, ast.Constant):
        if type(node.value) is bytes:  # ``b"a" b"b"`` is not a constant for libcst
            return source.single_literal(node)
        return True
    if isinstance(node, ast.UnaryOp):
        return is_literal(source, node.operand)
    if isinstance(node, (ast.List, ast.Set, ast.Tuple)):
        return all(not isinstance(element, ast.Starred) and is_literal(source, element)
                   for element in node.elts)
    if isinstance(node, ast.Dict):
        return all(
            key is not None and is_literal(source, key) and is_literal(source, value)
            for key, value in zip(node.keys, node.values, strict=True)
        )
    return False


def is_lexing(node: ast.AST) -> bool:
    """The result of a lexer or splitter (``tokenize(text)``, ``text.split()``)."""
    if not isinstance(node, ast.Call):
        return False
    name = last_name(node.func).lower()
    return any(word in name for word in LEXING_WORDS)


def is_declaration(node: ast.AST) -> bool:
    """A class-level field declaration: ``Field(...)``, ``field(...)``, ``Column(...)``."""
    if not isinstance(node, ast.Call):
        return False
    name = last_name(node.func)
    return bool(name) and (name[0].isupper() or name.lower() in DECLARATION_NAMES)


def url_text(source: Source, node: ast.AST, constants: dict[str, str]) -> str | None:
    """A URL literal with its dynamic parts as ``{}``: ``f"{BASE}/auth/refresh"`` ->
    ``{}/auth/refresh``; ``BASE + "/logout"``; a module constant; ``urljoin(BASE, "/x")``."""
    value = string_value(node)
    if value is not None:
        return value
    if isinstance(node, ast.JoinedStr):
        parts = source.fstring_parts(node)
        if parts is None:
            return None  # a concatenation with an f-string: not a URL for libcst
        fields = iter(value.value for value in node.values
                      if isinstance(value, ast.FormattedValue))
        pieces = []
        for part in parts:
            if part is None:
                inner = next(fields)
                part = constants.get(inner.id if isinstance(inner, ast.Name) else "", "{}")
            pieces.append(part)
        return "".join(pieces)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = url_text(source, node.left, constants)
        right = url_text(source, node.right, constants)
        if left is None and right is None:
            return None
        return (left if left is not None else "{}") + (right if right is not None else "{}")
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    if isinstance(node, ast.Call) and last_name(node.func) == "urljoin":
        args = arguments(source, node)
        if args:
            joined = url_text(source, args[-1].value, constants)
            return None if joined is None else "{}" + joined
    return None
