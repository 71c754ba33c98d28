"""Status tests on CPython ``ast`` nodes: which ``if`` tests tell a failed response from a good
one (``not r.ok``, ``r.status_code != 200``, ``tokens is None``), and what they test; a mirror
of ``_tested``, ``_status_number`` and ``_failing`` of ``facts.auth`` for the fast path (change
one, change the other)."""

from __future__ import annotations

import ast

from fsd_lint.facts.auth_words import (
    FAILURE_ATTRS,
    STATUS_ATTRS,
    SUCCESS_ATTRS,
    SUCCESS_STATUS_NAMES,
)
from fsd_lint.facts.fast_auth_names import last_name, name_of, unstarred
from fsd_lint.facts.fast_auth_source import Source


def _is_string_literal(source: Source, node: ast.expr) -> bool:
    """libcst's SimpleString or ConcatenatedString (f-string parts allowed in the latter)."""
    if isinstance(node, ast.Constant) and type(node.value) in (str, bytes):
        return True
    return isinstance(node, ast.JoinedStr) and source.fstring_parts(node) is None


def tested(source: Source, test: ast.expr) -> ast.expr:
    """The object a status test is about: ``r`` in ``r.status_code != 200``."""
    if isinstance(test, ast.Compare):
        if _is_string_literal(source, test.left):  # "error" in data
            return test.comparators[0]
        return tested(source, test.left)
    if isinstance(test, ast.Call):
        return tested(source, test.func) if last_name(test.func) == "getcode" else test
    if isinstance(test, ast.Attribute) and (
        test.attr in STATUS_ATTRS | SUCCESS_ATTRS | FAILURE_ATTRS
    ):
        return test.value
    return test


def _status_number(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    name = last_name(node).lower()
    if name:
        return 200 if name in SUCCESS_STATUS_NAMES else 400
    return None


def holds_on_failure(source: Source, test: ast.expr) -> bool | None:
    """Whether ``test`` holds on failure (True), on success (False), or says nothing (None)."""
    if name_of(test) is not None:
        return False  # ``if tokens:``
    if isinstance(test, ast.Await):
        return holds_on_failure(source, test.value)
    if isinstance(test, ast.Attribute):
        if test.attr in SUCCESS_ATTRS:
            return False
        if test.attr in FAILURE_ATTRS:
            return True
        return None
    if isinstance(test, ast.Call):
        return False if isinstance(test.func, ast.Attribute) or name_of(
            test.func) is not None else None
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    operator = test.ops[0]
    right = test.comparators[0]
    if _is_string_literal(source, test.left):
        if isinstance(operator, ast.In):
            return True  # "error" in data
        return None
    if name_of(right) == "None":
        return isinstance(operator, (ast.Is, ast.Eq))
    status_attr = last_name(test.left.func if isinstance(test.left, ast.Call) else test.left)
    if status_attr not in STATUS_ATTRS:
        return None
    if isinstance(operator, (ast.In, ast.NotIn)):
        elements = right.elts if isinstance(right, (ast.Tuple, ast.List, ast.Set)) else []
        numbers = [_status_number(unstarred(e)) for e in elements]
        if not numbers or None in numbers:
            return None
        failing = all(number is not None and number >= 400 for number in numbers)
        return failing if isinstance(operator, ast.In) else not failing
    number = _status_number(right)
    if number is None:
        return None
    if isinstance(operator, (ast.Eq, ast.Is)):
        return number >= 400
    if isinstance(operator, (ast.NotEq, ast.IsNot)):
        return number < 400
    if isinstance(operator, (ast.Gt, ast.GtE)):
        return number >= 300
    if isinstance(operator, (ast.Lt, ast.LtE)):
        return False if number >= 300 else None
    return None
