"""Words of the auth rules: token names and keys, reset names, literal values, URL literals.

Names are compared in one normal form: camelCase and kebab-case turned into snake_case,
lower case, outer underscores stripped (``_accessToken`` -> ``access_token``). Patterns from
the settings are matched whole (``re.fullmatch``) against that form, case-insensitively.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import libcst as cst

from fsd_lint.facts.auth_types import FactOptions

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[-.\s]+")

# Store-like methods (5.1) and their removal counterparts; compared in normal form.
STORE_VERBS = frozenset({
    "set", "set_value", "setvalue", "setdefault", "put", "putenv", "store", "save", "write",
    "write_text", "set_item", "setitem", "update", "set_password", "set_cookie",
    "set_signed_cookie", "set_secure_cookie", "persist", "cache",
})
# Of those, the ones that store their single argument when it is a token (``store.save(tokens)``).
VALUE_VERBS = frozenset({
    "set", "set_value", "store", "save", "put", "persist", "update", "cache", "write_text",
})
REMOVE_VERBS = frozenset({
    "remove", "delete", "pop", "discard", "remove_item", "removeitem", "delete_item", "del_item",
    "unset", "delete_password", "delete_cookie", "unsetenv", "delenv", "expire",
})
_STORE_PREFIX = re.compile(r"(?:set|save|store|update|persist|cache|remember|put|write)_(.+)")
_REMOVE_PREFIX = re.compile(
    r"(?:remove|delete|drop|clear|forget|reset|revoke|discard|purge|wipe|invalidate)_(.+)"
)
_KEY_SUFFIX = re.compile(r"_(?:key|name|field|cookie|header|storage_key)$")
# Calls whose result is a text's tokens (a lexer), not a credential.
_LEXING = ("tokeniz", "lex", "split", "scan", "findall", "finditer")
# Class-level calls that declare a field (pydantic, attrs, dataclasses, ORMs), not a value.
_DECLARATIONS = frozenset({"field", "attrib", "ib", "mapped_column", "relationship", "var"})


def normal(name: str) -> str:
    """``_accessToken`` -> ``access_token``; ``X-Auth-Token`` -> ``x_auth_token``."""
    return _SEPARATORS.sub("_", _CAMEL.sub("_", name)).strip("_").lower()


def last_name(node: cst.BaseExpression) -> str:
    """The last identifier of a Name/Attribute chain (``a.b.c`` -> ``c``); "" otherwise."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return ""


def dotted(node: cst.BaseExpression) -> str:
    """``a.b.c`` for a Name/Attribute chain; "" otherwise."""
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


@dataclass(frozen=True)
class Patterns:
    """The compiled patterns of one FactOptions."""

    token: re.Pattern[str]
    reset: re.Pattern[str]
    libraries: tuple[str, ...]  # longest first
    client_names: frozenset[str]

    def is_token(self, name: str) -> bool:
        """A token name or key: ``access_token``, ``TOKEN``, ``accessToken``, ``jwt``."""
        return bool(name) and self.token.fullmatch(normal(name)) is not None

    def mentions_token(self, name: str) -> bool:
        """A name that holds tokens (``token_store``, ``_tokens``): one of its words is one."""
        words = normal(name).split("_")
        return any(
            self.token.fullmatch("_".join(words[start:end])) is not None
            for start in range(len(words)) for end in range(start + 1, len(words) + 1)
        )

    def is_reset_name(self, name: str) -> bool:
        return bool(name) and self.reset.fullmatch(normal(name)) is not None

    def library_of(self, qualified: str) -> str | None:
        """The configured HTTP library a qualified name belongs to (``httpx.post`` -> httpx)."""
        for library in self.libraries:
            if qualified == library or qualified.startswith(library + "."):
                return library
        return None

    def is_token_key(self, node: cst.BaseExpression) -> bool:
        """A subscript index or call argument naming a token: ``"access_token"``, ``TOKEN_KEY``."""
        value = string_value(node)
        if value is not None:
            return self.is_token(value)
        name = last_name(node)
        if not name:
            return False
        return self.is_token(name) or self.is_token(_KEY_SUFFIX.sub("", normal(name)))

    def is_token_value(self, node: cst.BaseExpression) -> bool:
        """An expression that is a token: ``token``, ``resp.access_token``, ``d["jwt"]``."""
        if isinstance(node, cst.Subscript):
            index = subscript_index(node)
            return index is not None and self.is_token_key(index)
        return self.is_token(last_name(node))

    def store_prefix(self, name: str) -> bool:
        """``set_token``, ``save_tokens``, ``store_access_token``."""
        found = _STORE_PREFIX.fullmatch(normal(name))
        return found is not None and self.is_token(found.group(1))

    def remove_prefix(self, name: str) -> bool:
        """``remove_token``, ``clear_tokens``, ``forget_refresh_token``."""
        found = _REMOVE_PREFIX.fullmatch(normal(name))
        return found is not None and self.is_token(found.group(1))


@functools.lru_cache(maxsize=8)
def patterns(options: FactOptions) -> Patterns:
    return Patterns(
        token=re.compile(options.token_pattern, re.IGNORECASE),
        reset=re.compile(options.reset_pattern, re.IGNORECASE),
        libraries=tuple(sorted(options.http_libraries, key=len, reverse=True)),
        client_names=frozenset(options.api_client_names),
    )


def subscript_index(node: cst.Subscript) -> cst.BaseExpression | None:
    """The index of ``x[i]`` (not a slice, not several)."""
    if len(node.slice) != 1:
        return None
    element = node.slice[0].slice
    return element.value if isinstance(element, cst.Index) else None


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
    return any(word in name for word in _LEXING)


def is_declaration(node: cst.BaseExpression) -> bool:
    """A class-level field declaration: ``Field(...)``, ``field(...)``, ``Column(...)``."""
    if not isinstance(node, cst.Call):
        return False
    name = last_name(node.func)
    return bool(name) and (name[0].isupper() or name.lower() in _DECLARATIONS)


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


def looks_like_path(url: str) -> bool:
    """A backend path or URL, not any string: ``/auth/refresh``, ``https://…``, ``{}/me``."""
    if not url or any(char.isspace() for char in url):
        return False
    return url.startswith(("/", "http://", "https://", "{}/"))
