"""The auth rules' words applied to libcst nodes: names, string and URL literals, token keys and
values, resets, constants, lexer results and field declarations (the words themselves:
``facts.auth_words``)."""

from __future__ import annotations

import libcst as cst

from fsd_lint.facts.auth_words import DECLARATION_NAMES, LEXING_WORDS, Patterns


def last_name(node: cst.BaseExpression) -> str:
    """The last identifier of a Name/Attribute chain (``a.b.c`` -> ``c``); "" otherwise."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return ""


def dotted(node: cst.BaseExpression | None) -> str:
    """``a.b.c`` for a Name/Attribute chain; "" otherwise (None included)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def root_name(node: cst.BaseExpression) -> str:
    """The first name of an attribute/subscript/call chain: ``a`` for ``a.b[1].c()``."""
    while True:
        if isinstance(node, cst.Name):
            return node.value
        if isinstance(node, (cst.Attribute, cst.Subscript)):
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        else:
            return ""


def string_value(node: cst.BaseExpression) -> str | None:
    """The value of a plain (not f-) string literal, implicit concatenation included."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        return left + right if left is not None and right is not None else None
    return None


def subscript_index(node: cst.Subscript) -> cst.BaseExpression | None:
    """The index of ``x[i]`` (not a slice, not several)."""
    if len(node.slice) != 1:
        return None
    element = node.slice[0].slice
    return element.value if isinstance(element, cst.Index) else None


def is_token_key(found: Patterns, node: cst.BaseExpression) -> bool:
    """A subscript index or call argument naming a token: ``"access_token"``, ``TOKEN_KEY``."""
    return found.is_token_key(string_value(node), last_name(node))


def is_token_value(found: Patterns, node: cst.BaseExpression) -> bool:
    """An expression that is a token: ``token``, ``resp.access_token``, ``d["jwt"]``."""
    if isinstance(node, cst.Subscript):
        index = subscript_index(node)
        return index is not None and is_token_key(found, index)
    return found.is_token(last_name(node))


def is_empty(node: cst.BaseExpression) -> bool:
    """A reset value: ``None``, ``""``, ``b""``, ``[]``, ``{}``, ``()``, ``dict()``…"""
    if isinstance(node, cst.Name):
        return node.value == "None"
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value in ("", b"")
    if isinstance(node, (cst.List, cst.Set, cst.Tuple)):
        return not node.elements
    if isinstance(node, cst.Dict):
        return not node.elements
    if isinstance(node, cst.Call):
        return dotted(node.func) in ("dict", "list", "set", "tuple") and not node.args
    return False


def is_literal(node: cst.BaseExpression) -> bool:
    """A constant: a string, number, ``True``/``False``/``...``, or a container of those."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        return string_value(node) is not None or isinstance(node, cst.SimpleString)
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary, cst.Ellipsis)):
        return True
    if isinstance(node, cst.UnaryOperation):
        return is_literal(node.expression)
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    if isinstance(node, (cst.List, cst.Set, cst.Tuple)):
        return all(
            isinstance(element, cst.Element) and is_literal(element.value)
            for element in node.elements
        )
    if isinstance(node, cst.Dict):
        return all(
            isinstance(element, cst.DictElement)
            and is_literal(element.key) and is_literal(element.value)
            for element in node.elements
        )
    return False


def is_lexing(node: cst.BaseExpression) -> bool:
    """The result of a lexer or splitter (``tokenize(text)``, ``text.split()``)."""
    if not isinstance(node, cst.Call):
        return False
    name = last_name(node.func).lower()
    return any(word in name for word in LEXING_WORDS)


def is_declaration(node: cst.BaseExpression) -> bool:
    """A class-level field declaration: ``Field(...)``, ``field(...)``, ``Column(...)``."""
    if not isinstance(node, cst.Call):
        return False
    name = last_name(node.func)
    return bool(name) and (name[0].isupper() or name.lower() in DECLARATION_NAMES)


def url_text(node: cst.BaseExpression, constants: dict[str, str]) -> str | None:
    """A URL literal with its dynamic parts as ``{}``: ``f"{BASE}/auth/refresh"`` ->
    ``{}/auth/refresh``; ``BASE + "/logout"``; a module constant; ``urljoin(BASE, "/x")``."""
    value = string_value(node)
    if value is not None:
        return value
    if isinstance(node, cst.FormattedString):
        pieces = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                pieces.append(part.value)
            elif isinstance(part, cst.FormattedStringExpression):
                inner = part.expression
                name = inner.value if isinstance(inner, cst.Name) else ""
                pieces.append(constants.get(name, "{}"))
        return "".join(pieces)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left = url_text(node.left, constants)
        right = url_text(node.right, constants)
        if left is None and right is None:
            return None
        return (left if left is not None else "{}") + (right if right is not None else "{}")
    if isinstance(node, cst.Name) and node.value in constants:
        return constants[node.value]
    if isinstance(node, cst.Call) and last_name(node.func) == "urljoin" and node.args:
        joined = url_text(node.args[-1].value, constants)
        return None if joined is None else "{}" + joined
    return None
