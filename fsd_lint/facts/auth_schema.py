"""Validation-schema classes (FSD501): pydantic, marshmallow, msgspec, attrs with validators,
dataclasses that validate in ``__post_init__``, and ``TypedDict`` fed to a ``TypeAdapter``."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from fsd_lint.facts.auth_calls import Scope
from fsd_lint.facts.auth_names import dotted, last_name
from fsd_lint.facts.auth_words import ATTRS_DECORATORS, PYDANTIC_BASES


def _qualified(scope: Scope, node: cst.BaseExpression) -> str:
    """The dotted name of ``node``, with its first part replaced by what an import binds."""
    bound = scope.meaning(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
    if bound is not None and bound.kind == "import":
        return bound.value
    return dotted(node)


def _decorator_names(scope: Scope, node: cst.ClassDef) -> list[str]:
    names = []
    for decorator in node.decorators:
        target = decorator.decorator
        if isinstance(target, cst.Call):
            target = target.func
        names.append(_qualified(scope, target))
    return names


def _has_raise(statements: cst.BaseSuite) -> bool:
    found = False

    class _Raises(cst.CSTVisitor):
        def visit_Raise(self, node: cst.Raise) -> bool:
            nonlocal found
            found = True
            return False

    statements.visit(_Raises())
    return found


def _attrs_validators(node: cst.ClassDef) -> bool:
    """``x: int = attr.ib(validator=…)`` / ``field(validator=…)`` or ``@x.validator``."""
    for statement in node.body.body:
        if isinstance(statement, cst.FunctionDef):
            if any(last_name(d.decorator) == "validator" for d in statement.decorators):
                return True
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
                if isinstance(value, cst.Call) and any(
                    arg.keyword is not None and arg.keyword.value in ("validator", "validators")
                    for arg in value.args
                ):
                    return True
    return False


def _post_init_raises(node: cst.ClassDef) -> bool:
    return any(
        isinstance(statement, cst.FunctionDef) and statement.name.value == "__post_init__"
        and _has_raise(statement.body)
        for statement in node.body.body
    )


def schema_kind(scope: Scope, node: cst.ClassDef, known: Mapping[str, str]) -> str | None:
    """What makes ``node`` a validation schema, or None; ``known``: schema classes of this
    module by name (their subclasses are schemas too). ``TypedDict`` classes get the kind
    ``"TypedDict"``: they count only when something validates data against them."""
    typed_dict = False
    for base in node.bases:
        value = base.value
        if isinstance(value, cst.Subscript):  # ``RootModel[list[str]]``
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
           for name in decorators) and _attrs_validators(node):
        return "attrs class with validators"
    if any(name.split(".")[-1] == "dataclass" for name in decorators) and _post_init_raises(node):
        return "dataclass validating in `__post_init__`"
    return "TypedDict" if typed_dict else None
