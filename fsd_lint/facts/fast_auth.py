"""The auth/API facts of one module from CPython's ``ast``, for the fast path, without
positions: a mirror of ``facts.auth`` (this module: module-wide bindings and the walk over
definitions; ``fast_auth_body``: one body's statement tree, call sites and token writes;
``fast_auth_status``: status tests), of ``auth_calls``, ``auth_names`` and ``auth_schema``
(``fast_auth_calls``, ``fast_auth_names``, ``fast_auth_schema``); ``fast_auth_source`` reads
back from the text what libcst's tree has and ``ast``'s drops.

:func:`analyse` returns the AuthFacts ``facts.auth.analyse`` returns for the same module without
positions: the same functions, call sites, token writes, statement trees and schemas, with the
anchors numbered in the same walk order (the positions pass places them on a libcst tree later,
by number). The walk follows libcst's field order, not ``ast``'s, where they differ. When the
tree and the text cannot settle what libcst would see (parentheses around a node whose code
becomes a message, a literal inside an f-string before Python 3.12…), it raises
:class:`~fsd_lint.facts.fast_auth_source.Unsure` and the file goes through libcst. Change one
side, change the other: ``tests/test_fast_auth.py`` compares them.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Literal, cast

from fsd_lint.facts.auth_bindings import Bound, ClassInfo, ModuleNames, is_client_class
from fsd_lint.facts.auth_types import AuthFacts, FunctionInfo, SchemaClass, TokenWrite
from fsd_lint.facts.auth_words import Patterns, looks_like_path, patterns
from fsd_lint.facts.fast_auth_body import DEFS, LOOP, TRY, WITH, Builder
from fsd_lint.facts.fast_auth_calls import Scope
from fsd_lint.facts.fast_auth_names import string_value
from fsd_lint.facts.fast_auth_schema import schema_kind
from fsd_lint.facts.fast_auth_source import Source
from fsd_lint.facts.options import FactOptions
from fsd_lint.facts.types import ImportFact


def analyse(tree: ast.Module, source: Source, imports: Sequence[ImportFact],
            options: FactOptions) -> AuthFacts:
    """The auth facts of a module parsed by ``ast`` from ``source``; Unsure when only libcst
    can tell."""
    analysis = Analysis(imports, patterns(options), source)
    analysis.run(tree)
    return AuthFacts(
        functions=tuple(analysis.functions),
        writes=tuple(analysis.writes),
        schemas=tuple(analysis.final_schemas()),
        url_constants=tuple(sorted(analysis.names.constants.items())),
    )


class Analysis:
    """One module's walk: module-wide bindings first, then every body in source order."""

    def __init__(self, imports: Sequence[ImportFact], found: Patterns, source: Source) -> None:
        self.patterns = found
        self.source = source
        self.names = ModuleNames()
        self.names.add_imports(tuple(imports))
        self.anchors = 0
        self.functions: list[FunctionInfo] = []
        self.writes: list[TokenWrite] = []
        self.schemas: list[SchemaClass] = []
        self.schema_names: dict[str, str] = {}
        self.validated: set[str] = set()

    def anchor(self) -> int:
        self.anchors += 1
        return self.anchors - 1

    def scope(self, qualname: str, kind: Literal["module", "class", "function"],
              cls: ClassInfo | None = None, self_name: str | None = None,
              is_init: bool = False) -> Scope:
        return Scope(self.names, self.patterns, self.source, qualname, kind, cls=cls,
                     self_name=self_name, is_init=is_init)

    def run(self, module: ast.Module) -> None:
        self.prepass(module.body)
        builder = Builder(self, self.scope("", "module"))
        body = builder.block(module.body)
        self.functions.insert(0, FunctionInfo("", None, tuple(builder.calls),
                                              tuple(builder.writes), body))

    def final_schemas(self) -> list[SchemaClass]:
        return [
            schema if schema.kind != "TypedDict"
            else SchemaClass(schema.anchor, schema.name, "`TypedDict` validated with a "
                                                         "`TypeAdapter`")
            for schema in self.schemas
            if schema.kind != "TypedDict" or schema.name in self.validated
        ]

    # -- module-wide bindings -------------------------------------------------------------

    def prepass(self, statements: Sequence[ast.stmt]) -> None:
        """Functions, classes, client objects and URL constants bound at module level."""
        module_statements = _module_level(statements)
        scope = self.scope("", "module")
        for node in module_statements:
            if isinstance(node, DEFS):
                self.names.names[node.name] = Bound("def", node.name)
            elif isinstance(node, ast.ClassDef):
                self.names.names[node.name] = Bound("class", node.name)
        for node in module_statements:
            if isinstance(node, ast.ClassDef):
                self.names.classes[node.name] = self.class_info(node, scope)
        for node in module_statements:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.bind_module_name(scope, target.id, node.value)

    def bind_module_name(self, scope: Scope, name: str, value: ast.expr) -> None:
        text = string_value(value)
        if text is not None and looks_like_path(text):
            self.names.constants[name] = text
            return
        bound = scope.meaning(value) if isinstance(value, (ast.Call, ast.Await)) else None
        if bound is not None and bound.kind in ("lib-object", "client-object"):
            self.names.names[name] = bound

    def class_info(self, node: ast.ClassDef, outer: Scope) -> ClassInfo:
        info = ClassInfo(node.name)
        for base in node.bases:
            bound = outer.meaning(base.value if isinstance(base, ast.Starred) else base)
            if bound is None:
                continue
            if bound.kind == "import":
                library = self.patterns.library_of(bound.value)
                if library is not None and is_client_class(library,
                                                           bound.value[len(library) + 1:]):
                    info.library, info.ordinal = library, bound.ordinal
            elif bound.kind == "class":
                parent = self.names.classes.get(bound.value)
                if parent is not None and parent.library is not None:
                    info.library, info.ordinal = parent.library, parent.ordinal
        for statement in node.body:
            if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
                # libcst looks only at statements on lines of their own, not ``class A: x = …``.
                if self.source.one_line_body(node):
                    break
                bound = outer.meaning(statement.value)
                for target in statement.targets:
                    if bound is not None and isinstance(target, ast.Name):
                        info.attrs[target.id] = bound
            elif isinstance(statement, DEFS):
                self.method_attrs(statement, info)
        return info

    def method_attrs(self, method: ast.FunctionDef | ast.AsyncFunctionDef,
                     info: ClassInfo) -> None:
        """``self.session = requests.Session()`` and ``self.client = client`` (a parameter
        annotated with a client class) in a method."""
        params = method.args.args
        if not params:
            return
        scope = self.scope(info.name, "function", cls=info, self_name=params[0].arg)
        _annotated_params(scope, method)
        for small in _simple_statements(method.body):
            if not isinstance(small, (ast.Assign, ast.AnnAssign)) or small.value is None:
                continue
            targets = small.targets if isinstance(small, ast.Assign) else [small.target]
            for target in targets:
                if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                        and target.value.id == scope.self_name):
                    bound = scope.meaning(small.value)
                    if bound is not None and bound.kind in ("lib-object", "client-object"):
                        info.attrs[target.attr] = bound

    # -- bodies ---------------------------------------------------------------------------

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, parent: str,
                 cls: ClassInfo | None) -> None:
        name = node.name
        qualname = f"{parent}.{name}" if parent else name
        anchor = self.anchor()
        params = node.args.args
        self_name = params[0].arg if cls is not None and params else None
        scope = self.scope(qualname, "function", cls=cls, self_name=self_name,
                           is_init=name == "__init__")
        _annotated_params(scope, node)
        for small in _simple_statements(node.body):
            if isinstance(small, (ast.Global, ast.Nonlocal)):
                scope.declared_global |= set(small.names)
        builder = Builder(self, scope)
        body = builder.block(node.body)
        self.functions.append(FunctionInfo(qualname, anchor, tuple(builder.calls),
                                           tuple(builder.writes), body))

    def klass(self, node: ast.ClassDef, parent: str, outer: Scope) -> None:
        name = node.name
        qualname = f"{parent}.{name}" if parent else name
        info = (self.names.classes.get(name) if not parent else None) or self.class_info(
            node, outer)
        kind = schema_kind(outer, node, self.schema_names)
        if kind is not None:
            self.schemas.append(SchemaClass(self.anchor(), name, kind))
            if kind != "TypedDict":
                self.schema_names[name] = kind
        builder = Builder(self, self.scope(qualname, "class"))
        for statement in node.body:
            if isinstance(statement, DEFS):
                self.function(statement, qualname, info)
            else:
                builder.statement(statement)


def _module_level(statements: Sequence[ast.stmt]) -> list[ast.stmt]:
    """Module-level definitions and simple statements, through ``if``/``try``/``with``."""
    found: list[ast.stmt] = []
    for statement in statements:
        if isinstance(statement, (ast.If, *TRY, *WITH)):
            for block in _blocks_of(statement):
                found.extend(_module_level(block))
        elif not isinstance(statement, (*LOOP, ast.Match)):
            found.append(statement)  # definitions and simple statements
    return found


def _blocks_of(node: ast.stmt) -> list[Sequence[ast.stmt]]:
    """As ``auth._blocks_of``: ``else`` of loops and ``match`` cases are not among them."""
    if isinstance(node, ast.If):
        return [node.body, node.orelse]
    if isinstance(node, TRY):
        tried = cast(ast.Try, node)  # or TryStar, which has the same fields
        return [tried.body, *(handler.body for handler in tried.handlers), tried.orelse,
                tried.finalbody]
    if isinstance(node, (*WITH, *LOOP)):
        assert isinstance(node, (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While))
        return [node.body]
    return []


_COMPOUND: tuple[type[ast.stmt], ...] = (ast.If, *TRY, *WITH, *LOOP, ast.Match, *DEFS, ast.ClassDef)


def _simple_statements(statements: Sequence[ast.stmt]) -> list[ast.stmt]:
    """Simple statements of a body and its nested blocks (not of nested functions/classes)."""
    found: list[ast.stmt] = []
    for statement in statements:
        if not isinstance(statement, _COMPOUND):
            found.append(statement)
        else:
            for block in _blocks_of(statement):
                found.extend(_simple_statements(block))
    return found


def _annotated_params(scope: Scope, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    """A parameter annotated with an HTTP client class (or an imported class) is one."""
    for param in (*node.args.args, *node.args.kwonlyargs):
        if param.annotation is None:
            continue
        bound = scope.meaning(param.annotation)
        if bound is None or bound.kind != "import":
            continue
        library = scope.patterns.library_of(bound.value)
        if library is None:
            scope.locals[param.arg] = Bound("client-object", param.arg, bound.ordinal)
        elif is_client_class(library, bound.value[len(library) + 1:]):
            scope.locals[param.arg] = Bound("lib-object", library, bound.ordinal)
