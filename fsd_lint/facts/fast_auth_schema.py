"""Validation-schema classes (FSD501) on CPython ``ast`` nodes: a mirror of
``facts.auth_schema`` for the fast path (change one, change the other)."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from fsd_lint.facts.auth_words import ATTRS_DECORATORS, PYDANTIC_BASES
from fsd_lint.facts.fast_auth_calls import Scope
from fsd_lint.facts.fast_auth_names import dotted, last_name

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _qualified(scope: Scope, node: ast.AST) -> str:
    """The dotted name of ``node``, with its first part replaced by what an import binds."""
    bound = scope.meaning(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
    if bound is not None and bound.kind == "import":
        return bound.value
    return dotted(node)


def _decorator_names(scope: Scope, node: ast.ClassDef) -> list[str]:
    names = []
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.append(_qualified(scope, target))
    return names


def _declares_validator(statement: ast.stmt) -> bool:
    value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
    return isinstance(value, ast.Call) and any(
        keyword.arg in ("validator", "validators") for keyword in value.keywords)


def _attrs_validators(scope: Scope, node: ast.ClassDef) -> bool:
    """``x: int = attr.ib(validator=…)`` / ``field(validator=…)`` or ``@x.validator``."""
    for statement in node.body:
        if isinstance(statement, _DEFS):
            if any(last_name(d) == "validator" for d in statement.decorator_list):
                return True
        elif _declares_validator(statement):
            # libcst looks only at statements on lines of their own, not ``class A: x = …``.
            return not scope.source.one_line_body(node)
    return False


def _post_init_raises(node: ast.ClassDef) -> bool:
    return any(
        isinstance(statement, _DEFS) and statement.name == "__post_init__"
        and any(isinstance(inner, ast.Raise)
                for child in statement.body for inner in ast.walk(child))
        for statement in node.body
    )


def schema_kind(scope: Scope, node: ast.ClassDef, known: Mapping[str, str]) -> str | None:
    """What makes ``node`` a validation schema, or None (as ``auth_schema.schema_kind``)."""
    typed_dict = False
    for base in node.bases:
        value = base.value if isinstance(base, ast.Starred) else base
        if isinstance(value, ast.Subscript):  # ``RootModel[list[str]]``
            value = value.value
        qualified = _qualified(scope, value)
        last = qualified.split(".")[-1]
        if last in PYDANTIC_BASES:
            return f"pydantic `{last}`"
        if last == "Struct" and qualified.startswith("msgspec"):
            return "msgspec `Struct`"
        if last.endswith("Schema"):
            return f"marshmallow `{last}`"
        if last in known:
            return known[last]
        typed_dict = typed_dict or last == "TypedDict"
    decorators = _decorator_names(scope, node)
    if any(name.startswith("pydantic") and name.endswith("dataclass") for name in decorators):
        return "pydantic dataclass"
    if any(name.split(".")[0] in ("attr", "attrs") and name.split(".")[-1] in ATTRS_DECORATORS
           for name in decorators) and _attrs_validators(scope, node):
        return "attrs class with validators"
    if any(name.split(".")[-1] == "dataclass" for name in decorators) and _post_init_raises(node):
        return "dataclass validating in `__post_init__`"
    return "TypedDict" if typed_dict else None
