"""What names mean in one module, and what a call does, on CPython ``ast`` nodes: a mirror of
``facts.auth_calls`` for the fast path (change one, change the other; the word lists are
compared by ``tests/test_fast_auth.py``).

Names are followed through imports and simple local aliases only (``import httpx as h``,
``client = httpx.Client()``, ``async with aiohttp.ClientSession() as s``, ``self.session =
requests.Session()``, a parameter annotated ``httpx.AsyncClient``, a ``requests.Session``
subclass): no type inference.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Literal

from fsd_lint.facts.auth_bindings import (
    CLIENT_VERBS,
    LIB_FUNCTIONS,
    OBJECT_VERBS,
    Bound,
    ClassInfo,
    ModuleNames,
    is_client_class,
    is_stdlib,
)
from fsd_lint.facts.auth_types import RequestInfo, WriteKind
from fsd_lint.facts.auth_words import (
    REMOVE_VERBS,
    STORE_VERBS,
    VALUE_VERBS,
    Patterns,
    looks_like_path,
    normal,
)
from fsd_lint.facts.fast_auth_names import (
    argument_values,
    dotted,
    is_empty,
    is_literal,
    is_token_key,
    is_token_value,
    keywords,
    last_name,
    name_of,
    positional,
    root_name,
    string_value,
    url_text,
)
from fsd_lint.facts.fast_auth_source import Source


@dataclass
class Scope:
    """A function body (or the module body, or a class body) being analysed."""

    module: ModuleNames
    patterns: Patterns
    source: Source
    qualname: str
    kind: Literal["module", "class", "function"]
    cls: ClassInfo | None = None
    self_name: str | None = None
    is_init: bool = False
    locals: dict[str, Bound] = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)
    payload: set[str] = field(default_factory=set)

    def meaning(self, node: ast.AST) -> Bound | None:
        if isinstance(node, ast.Name):
            name = node.id
            if name in self.locals:
                return self.locals[name]
            if self.cls is not None and name == self.self_name:
                return Bound("self", self.cls.name)
            return self.module.names.get(name)
        if isinstance(node, ast.Attribute):
            base = self.meaning(node.value)
            if base is None:
                return None
            if base.kind == "import":
                return Bound("import", f"{base.value}.{node.attr}", base.ordinal)
            if base.kind == "self" and self.cls is not None:
                return self.cls.attrs.get(node.attr)
            return None
        if isinstance(node, ast.Call):
            return self.result_of(node)
        if isinstance(node, ast.Await):
            return self.meaning(node.value)
        return None

    def result_of(self, call: ast.Call) -> Bound | None:
        """What calling ``call`` gives: an HTTP client object, or an instance of an import."""
        callee = self.meaning(call.func)
        if callee is None:
            return None
        if callee.kind == "import":
            library = self.patterns.library_of(callee.value)
            if library is None:
                return Bound("client-object", dotted(call.func) or callee.value, callee.ordinal)
            rest = callee.value[len(library) + 1:]
            if is_client_class(library, rest):
                return Bound("lib-object", library, callee.ordinal)
            return None
        if callee.kind == "class":
            info = self.module.classes.get(callee.value)
            if info is not None and info.library is not None:
                return Bound("lib-object", info.library, info.ordinal)
        return None

    def is_payload(self, node: ast.AST) -> bool:
        """Writing into this object builds a value (a local dict, a new object), not a store."""
        return root_name(node) in self.payload


def _refresh_grant(call: ast.Call) -> bool:
    """The request's body says ``grant_type="refresh_token"`` (OAuth 2 refresh)."""
    for value in argument_values(call):
        if isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values, strict=True):
                if (key is not None and string_value(key) == "grant_type"
                        and string_value(item) == "refresh_token"):
                    return True
        elif isinstance(value, ast.Call) and dotted(value.func) == "dict":
            grant = keywords(value).get("grant_type")
            if grant is not None and string_value(grant) == "refresh_token":
                return True
    return False


def _url_argument(call: ast.Call, verb: str) -> ast.expr | None:
    given = keywords(call)
    for key in ("url", "path", "endpoint"):
        if key in given:
            return given[key]
    values = positional(call)
    index = 1 if verb == "request" else 0
    return values[index] if len(values) > index else None


def _request(scope: Scope, call: ast.Call, via: Literal["library", "client"], origin: str,
             verb: str, ordinal: int | None, local: bool = False) -> RequestInfo | None:
    """The request, with its URL; a client call needs a path literal (or an imported name)."""
    constants = scope.module.constants
    source = scope.source
    argument = _url_argument(call, verb)
    url = url_text(source, argument, constants) if argument is not None else None
    url_name = None
    if via == "client" and verb in ("", "request") and (url is None or not looks_like_path(url)):
        # NAME("POST", "/path"): the path may come second.
        url = next(
            (text for value in positional(call)[:2]
             if (text := url_text(source, value, constants)) is not None
             and looks_like_path(text)),
            None,
        )
    if via == "client" and (url is None or not looks_like_path(url)):
        imported = argument is not None and _imported_name(scope, argument)
        if not imported:
            return None
        url, url_name = None, dotted(argument) if argument is not None else None
    return RequestInfo(
        via=via, origin=origin, target=dotted(call.func) or origin, verb=verb, url=url,
        url_name=url_name, refresh_grant=_refresh_grant(call), import_ordinal=ordinal,
        local=local,
    )


def _imported_name(scope: Scope, node: ast.AST) -> bool:
    bound = scope.meaning(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
    return bound is not None and bound.kind == "import"


def classify_request(scope: Scope, call: ast.Call) -> RequestInfo | None:
    """The request ``call`` sends (5.3), or None."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return _method_request(scope, call, func)
    called = name_of(func)
    if called is None:
        return None
    bound = scope.meaning(func)
    if bound is not None and bound.kind == "import":
        library = scope.patterns.library_of(bound.value)
        if library is None:
            if is_stdlib(bound):
                return None
            return _request(scope, call, "client", called, "", bound.ordinal)
        verb = bound.value[len(library) + 1:]
        if verb in LIB_FUNCTIONS:
            return _request(scope, call, "library", library, verb, bound.ordinal)
        return None
    if called in scope.patterns.client_names:
        return _request(scope, call, "client", called, "", None)
    if bound is not None and bound.kind == "def" and called not in scope.locals:
        return _request(scope, call, "client", called, "", None, local=True)
    return None


def _method_request(scope: Scope, call: ast.Call, func: ast.Attribute) -> RequestInfo | None:
    """``httpx.post(…)``, ``session.get(…)``, ``self.get(…)`` in a client subclass,
    ``api.post("/path")`` on a name imported from the shared API."""
    verb = func.attr
    obj = scope.meaning(func.value)
    kind = obj.kind if obj is not None else ""
    origin = dotted(func.value)
    if obj is not None and kind == "import":
        qualified = f"{obj.value}.{verb}"
        library = scope.patterns.library_of(qualified)
        if library is not None:
            if qualified[len(library) + 1:] not in LIB_FUNCTIONS:
                return None
            return _request(scope, call, "library", library, verb, obj.ordinal)
        if verb in CLIENT_VERBS and origin and not is_stdlib(obj):
            return _request(scope, call, "client", origin, verb, obj.ordinal)
    if obj is not None and kind == "lib-object" and verb in OBJECT_VERBS:
        return _request(scope, call, "library", obj.value, verb, obj.ordinal)
    if obj is not None and kind == "client-object" and verb in CLIENT_VERBS:
        return _request(scope, call, "client", obj.value, verb, obj.ordinal)
    cls = scope.cls if kind == "self" else None
    if cls is not None and cls.library is not None and verb in OBJECT_VERBS:
        return _request(scope, call, "library", cls.library, verb, cls.ordinal)
    if origin in scope.patterns.client_names and verb in CLIENT_VERBS:
        return _request(scope, call, "client", origin, verb, None)
    return None


# -- token writes by call ------------------------------------------------------------------


def value_write(source: Source, value: ast.AST | None) -> WriteKind | None:
    """Writing ``value`` under a token name: a reset (None, "", empty), nothing (a constant),
    or a store."""
    if value is None:
        return None
    if is_empty(source, value):
        return "reset"
    if is_literal(source, value):
        return None
    return "store"


def call_write(scope: Scope, call: ast.Call) -> WriteKind | None:
    """A store-like call with a token key and a value (5.1), or a reset by call form."""
    func = call.func
    name = normal(last_name(func))
    if not name:
        return None
    obj = func.value if isinstance(func, ast.Attribute) else None
    if obj is not None and scope.is_payload(obj):
        return None
    patterns = scope.patterns
    values = positional(call)
    given = keywords(call)
    if name == "setattr" and obj is None:
        if len(values) >= 3 and is_token_key(patterns, values[1]):
            return value_write(scope.source, values[2])
        return None
    if name in STORE_VERBS:
        found = _store_call(scope.source, patterns, name, values, given)
        if found is not None:
            return found
    if name in REMOVE_VERBS and (
        any(is_token_key(patterns, value) for value in values)
        or any(is_token_key(patterns, value) for key, value in given.items()
               if key in ("key", "name"))
    ):
        return "reset"
    if (obj is not None and name in ("clear", "reset")
            and patterns.mentions_token(last_name(obj) or root_name(obj))):
        return "reset"
    return None


def _store_call(source: Source, patterns: Patterns, name: str, values: list[ast.expr],
                given: dict[str, ast.expr]) -> WriteKind | None:
    for key, value in given.items():
        if key not in ("key", "name", "value") and patterns.is_token(key):
            return value_write(source, value)
    key_argument = given.get("key") or given.get("name")
    if key_argument is not None and is_token_key(patterns, key_argument):
        stored = given.get("value") or (values[0] if values else None)
        return value_write(source, stored)
    for value in values:
        if isinstance(value, ast.Dict):
            for key_node, item in zip(value.keys, value.values, strict=True):
                if key_node is not None and is_token_key(patterns, key_node):
                    return value_write(source, item)
    for index, value in enumerate(values[:-1]):
        if is_token_key(patterns, value):
            return value_write(source, values[index + 1])
    if name in VALUE_VERBS and values and is_token_value(patterns, values[-1]):
        return "store"
    return None
