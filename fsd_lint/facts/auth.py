"""The auth/API facts of one module (FSD3xx-5xx), gathered in the one facts pass.

``needs_auth_analysis`` is a cheap, conservative text test: False only when the file cannot
hold anything these rules look at. When it is True, ``analyse`` walks the module's statements
(module body, class bodies, function bodies; decorators and default values are skipped) and,
inside each statement, only its expressions' calls and names. It records requests, token
stores and resets, the calls that may be request wrappers or resetters (resolved later by the
rules, across files), a small statement tree per function for the failure-path analysis, and
the validation-schema classes. Nodes the rules may point at get an anchor number; their spans
are computed only when positions are asked for (the positions pass, for files with findings).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange

from fsd_lint.diagnostics import Span
from fsd_lint.facts.auth_bindings import Bound, ClassInfo, ModuleNames, is_client_class, is_stdlib
from fsd_lint.facts.auth_calls import Scope, call_write, classify_request, value_write
from fsd_lint.facts.auth_names import (
    dotted,
    is_declaration,
    is_empty,
    is_lexing,
    is_literal,
    is_token_key,
    last_name,
    string_value,
    subscript_index,
)
from fsd_lint.facts.auth_schema import schema_kind
from fsd_lint.facts.auth_types import (
    AuthFacts,
    Block,
    Branch,
    CallSite,
    FunctionInfo,
    Loop,
    Node,
    ResetForm,
    SchemaClass,
    StatusTest,
    Step,
    TokenWrite,
    Try,
    With,
    WriteKind,
)
from fsd_lint.facts.auth_words import (
    FAILURE_ATTRS,
    MAX_REFS,
    MAX_WHAT,
    STATUS_ATTRS,
    SUCCESS_ATTRS,
    SUCCESS_STATUS_NAMES,
    VALIDATING_CALLS,
    Patterns,
    looks_like_path,
    patterns,
)
from fsd_lint.facts.options import FactOptions
from fsd_lint.facts.types import ImportFact

Positions = Mapping[cst.CSTNode, CodeRange]
Statements = Sequence[cst.BaseStatement | cst.BaseSmallStatement]  # a suite's body



def analyse(module: cst.Module, imports: Sequence[ImportFact], options: FactOptions,
            positions: Positions | None) -> AuthFacts:
    """The auth facts of a parsed module; spans only when ``positions`` are given."""
    analysis = _Analysis(imports, patterns(options))
    analysis.run(module)
    spans: tuple[Span, ...] = ()
    if positions is not None:
        spans = tuple(
            Span(positions[start].start.line, positions[start].start.column + 1,
                 positions[end].end.line, positions[end].end.column + 1)
            for start, end in analysis.anchors
        )
    return AuthFacts(
        functions=tuple(analysis.functions),
        writes=tuple(analysis.writes),
        schemas=tuple(analysis.final_schemas()),
        url_constants=tuple(sorted(analysis.names.constants.items())),
        spans=spans,
    )


def _code(node: cst.CSTNode) -> str:
    text = " ".join(cst.Module([]).code_for_node(node).split())
    return text if len(text) <= MAX_WHAT else text[: MAX_WHAT - 1] + "…"


def _target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in _target_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


class _Analysis:
    """One module's walk: module-wide bindings first, then every body in source order."""

    def __init__(self, imports: Sequence[ImportFact], found: Patterns) -> None:
        self.patterns = found
        self.names = ModuleNames()
        self.names.add_imports(tuple(imports))
        self.anchors: list[tuple[cst.CSTNode, cst.CSTNode]] = []
        self.functions: list[FunctionInfo] = []
        self.writes: list[TokenWrite] = []
        self.schemas: list[SchemaClass] = []
        self.schema_names: dict[str, str] = {}
        self.validated: set[str] = set()  # names given to TypeAdapter(...) and the like

    def anchor(self, start: cst.CSTNode, end: cst.CSTNode | None = None) -> int:
        self.anchors.append((start, end if end is not None else start))
        return len(self.anchors) - 1

    def run(self, module: cst.Module) -> None:
        self.prepass(module.body)
        scope = Scope(self.names, self.patterns, "", "module")
        builder = _Builder(self, scope)
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

    def prepass(self, statements: Statements) -> None:
        """Functions, classes, client objects and URL constants bound at module level."""
        module_statements = list(_module_level(statements))
        scope = Scope(self.names, self.patterns, "", "module")
        for node in module_statements:
            if isinstance(node, cst.FunctionDef):
                self.names.names[node.name.value] = Bound("def", node.name.value)
            elif isinstance(node, cst.ClassDef):
                self.names.names[node.name.value] = Bound("class", node.name.value)
        for node in module_statements:
            if isinstance(node, cst.ClassDef):
                self.names.classes[node.name.value] = self.class_info(node, scope)
        for node in module_statements:
            if isinstance(node, (cst.Assign, cst.AnnAssign)) and node.value is not None:
                targets = (
                    [t.target for t in node.targets] if isinstance(node, cst.Assign)
                    else [node.target]
                )
                for target in targets:
                    if isinstance(target, cst.Name):
                        self.bind_module_name(scope, target.value, node.value)

    def bind_module_name(self, scope: Scope, name: str, value: cst.BaseExpression) -> None:
        text = string_value(value)
        if text is not None and looks_like_path(text):
            self.names.constants[name] = text
            return
        bound = scope.meaning(value) if isinstance(value, (cst.Call, cst.Await)) else None
        if bound is not None and bound.kind in ("lib-object", "client-object"):
            self.names.names[name] = bound

    def class_info(self, node: cst.ClassDef, outer: Scope) -> ClassInfo:
        info = ClassInfo(node.name.value)
        for base in node.bases:
            bound = outer.meaning(base.value)
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
        for statement in node.body.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
                        bound = outer.meaning(small.value)
                        for target in small.targets:
                            if bound is not None and isinstance(target.target, cst.Name):
                                info.attrs[target.target.value] = bound
            elif isinstance(statement, cst.FunctionDef):
                self.method_attrs(statement, info)
        return info

    def method_attrs(self, method: cst.FunctionDef, info: ClassInfo) -> None:
        """``self.session = requests.Session()`` and ``self.client = client`` (a parameter
        annotated with a client class) in a method."""
        params = method.params.params
        if not params:
            return
        scope = Scope(self.names, self.patterns, info.name, "function", cls=info,
                      self_name=params[0].name.value)
        _annotated_params(scope, method)
        for small in _simple_statements(method.body.body):
            if not isinstance(small, (cst.Assign, cst.AnnAssign)) or small.value is None:
                continue
            targets = (
                [t.target for t in small.targets] if isinstance(small, cst.Assign)
                else [small.target]
            )
            for target in targets:
                if (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)
                        and target.value.value == scope.self_name):
                    bound = scope.meaning(small.value)
                    if bound is not None and bound.kind in ("lib-object", "client-object"):
                        info.attrs[target.attr.value] = bound

    # -- bodies ---------------------------------------------------------------------------

    def function(self, node: cst.FunctionDef, parent: str, cls: ClassInfo | None) -> None:
        name = node.name.value
        qualname = f"{parent}.{name}" if parent else name
        anchor = self.anchor(node, node.name)
        params = node.params.params
        self_name = params[0].name.value if cls is not None and params else None
        scope = Scope(self.names, self.patterns, qualname, "function", cls=cls,
                      self_name=self_name, is_init=name == "__init__")
        _annotated_params(scope, node)
        for small in _simple_statements(node.body.body):
            if isinstance(small, (cst.Global, cst.Nonlocal)):
                scope.declared_global |= {item.name.value for item in small.names}
        builder = _Builder(self, scope)
        body = builder.block(node.body.body)
        self.functions.append(FunctionInfo(qualname, anchor, tuple(builder.calls),
                                           tuple(builder.writes), body))

    def klass(self, node: cst.ClassDef, parent: str, outer: Scope) -> None:
        name = node.name.value
        qualname = f"{parent}.{name}" if parent else name
        info = (self.names.classes.get(name) if not parent else None) or self.class_info(
            node, outer)
        kind = schema_kind(outer, node, self.schema_names)
        if kind is not None:
            self.schemas.append(SchemaClass(self.anchor(node, node.name), name, kind))
            if kind != "TypedDict":
                self.schema_names[name] = kind
        scope = Scope(self.names, self.patterns, qualname, "class")
        builder = _Builder(self, scope)
        for statement in node.body.body:
            if isinstance(statement, cst.FunctionDef):
                self.function(statement, qualname, info)
            else:
                builder.statement(statement)


def _module_level(statements: Statements) -> list[cst.CSTNode]:
    """Module-level definitions and small statements, through ``if``/``try``/``with``."""
    found: list[cst.CSTNode] = []
    for statement in statements:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef, cst.BaseSmallStatement)):
            found.append(statement)
        elif isinstance(statement, cst.SimpleStatementLine):
            found.extend(statement.body)
        elif isinstance(statement, (cst.If, cst.Try, cst.TryStar, cst.With)):
            for block in _blocks_of(statement):
                found.extend(_module_level(block))
    return found


def _blocks_of(node: cst.CSTNode) -> list[Statements]:
    blocks: list[Statements] = []
    if isinstance(node, cst.If):
        blocks.append(node.body.body)
        if isinstance(node.orelse, cst.If):
            blocks.extend(_blocks_of(node.orelse))
        elif node.orelse is not None:
            blocks.append(node.orelse.body.body)
    elif isinstance(node, (cst.Try, cst.TryStar)):
        blocks.append(node.body.body)
        blocks.extend(handler.body.body for handler in node.handlers)
        if node.orelse is not None:
            blocks.append(node.orelse.body.body)
        if node.finalbody is not None:
            blocks.append(node.finalbody.body.body)
    elif isinstance(node, (cst.With, cst.For, cst.While)):
        blocks.append(node.body.body)
    return blocks


def _simple_statements(statements: Statements) -> list[cst.BaseSmallStatement]:
    """Small statements of a body and its nested blocks (not of nested functions/classes)."""
    found: list[cst.BaseSmallStatement] = []
    for statement in statements:
        if isinstance(statement, cst.BaseSmallStatement):
            found.append(statement)
        elif isinstance(statement, cst.SimpleStatementLine):
            found.extend(statement.body)
        else:
            for block in _blocks_of(statement):
                found.extend(_simple_statements(block))
    return found


def _annotated_params(scope: Scope, node: cst.FunctionDef) -> None:
    """A parameter annotated with an HTTP client class (or an imported class) is one."""
    for param in (*node.params.params, *node.params.kwonly_params):
        if param.annotation is None:
            continue
        bound = scope.meaning(param.annotation.annotation)
        if bound is None or bound.kind != "import":
            continue
        library = scope.patterns.library_of(bound.value)
        if library is None:
            scope.locals[param.name.value] = Bound("client-object", param.name.value,
                                                   bound.ordinal)
        elif is_client_class(library, bound.value[len(library) + 1:]):
            scope.locals[param.name.value] = Bound("lib-object", library, bound.ordinal)


_SKIPPED_FIELDS = frozenset({
    "lpar", "rpar", "comma", "operator", "equal", "star", "dot", "colon", "semicolon",
    "lbracket", "rbracket", "lbrace", "rbrace", "whitespace", "prefix", "quote", "start",
    "end", "value_quote", "keyword", "asynchronous", "await_", "header", "footer",
})


@functools.cache
def _child_fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of a node type that may hold expressions (not whitespace or punctuation)."""
    return tuple(
        field.name for field in dataclasses.fields(kind)
        if field.name not in _SKIPPED_FIELDS and not field.name.startswith("whitespace")
    )


class _Scan:
    """The calls (in evaluation order), names and ``raise_for_status`` of one expression.

    A plain recursive walk over the node's fields: libcst's own visitors rebuild every node
    they pass, which costs more than the parse for what this needs."""

    def __init__(self, builder: _Builder) -> None:
        self.builder = builder
        self.events: list[int] = []
        self.refs: list[str] = []
        self.checks: list[str] = []

    def walk(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            if (len(self.refs) < MAX_REFS and node.value not in self.refs
                    and node.value not in ("None", "True", "False")):
                self.refs.append(node.value)
            return
        if isinstance(node, cst.Attribute):
            self.walk(node.value)  # ``r`` of ``r.json``, not the attribute's name
            return
        if isinstance(node, cst.Arg):
            self.walk(node.value)  # the value, not the keyword's name
            return
        if isinstance(node, (cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)):
            return
        for name in _child_fields(type(node)):
            child = getattr(node, name)
            if isinstance(child, cst.CSTNode):
                self.walk(child)
            elif isinstance(child, (list, tuple)):
                for item in child:
                    if isinstance(item, cst.CSTNode):
                        self.walk(item)
        if isinstance(node, cst.Call):
            self.call(node)

    def call(self, node: cst.Call) -> None:
        builder = self.builder
        anchor = builder.call_event(node)
        if anchor is not None:
            self.events.append(anchor)
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "raise_for_status":
            subject = builder.subject(func.value)
            if subject:
                self.checks.append(subject)
        if last_name(func) in VALIDATING_CALLS and node.args:
            first = node.args[0].value
            if isinstance(first, cst.Name):
                builder.analysis.validated.add(first.value)


class _Builder:
    """Builds one body's statement tree, call sites and token writes."""

    def __init__(self, analysis: _Analysis, scope: Scope) -> None:
        self.analysis = analysis
        self.scope = scope
        self.patterns = analysis.patterns
        self.calls: list[CallSite] = []
        self.writes: list[int] = []
        self.call_anchors: dict[cst.Call, int] = {}

    # -- expressions ----------------------------------------------------------------------

    def scan(self, node: cst.CSTNode | None) -> _Scan:
        scan = _Scan(self)
        if node is not None:
            scan.walk(node)
        return scan

    def subject(self, node: cst.BaseExpression) -> str:
        """What a status test or ``raise_for_status`` is about: a name, or ``@<anchor>``."""
        while isinstance(node, cst.Await):
            node = node.expression
        if isinstance(node, cst.Name):
            return node.value
        if isinstance(node, cst.Call) and node in self.call_anchors:
            return f"@{self.call_anchors[node]}"
        return ""

    def call_event(self, call: cst.Call) -> int | None:
        scope = self.scope
        request = classify_request(scope, call)
        write = call_write(scope, call)
        callee = dotted(call.func)
        obj = call.func.value if isinstance(call.func, cst.Attribute) else None
        name = last_name(call.func)
        reset: ResetForm = ""
        if write == "reset" or self.patterns.remove_prefix(name):
            reset = "token"
        elif self.patterns.is_reset_name(name) and not (
            obj is not None and scope.is_payload(obj)
        ):
            reset = "pattern"
        stores = self.patterns.store_prefix(name) and bool(call.args) and not is_empty(
            call.args[0].value)
        if (request is None and write is None and not reset and not stores
                and not self.candidate(callee)):
            return None
        anchor = self.analysis.anchor(call)
        self.call_anchors[call] = anchor
        if write is not None:
            self.add_write(anchor, write, f"`{_code(call.func)}(…)`")
        self.calls.append(CallSite(anchor, callee, request, reset, stores))
        return anchor

    def candidate(self, callee: str) -> bool:
        """A call that may be a project function: a request wrapper or a resetter."""
        if not callee:
            return False
        root = callee.split(".")[0]
        if root in self.scope.locals:
            return False
        if root == self.scope.self_name or root == "cls":
            return True
        bound = self.scope.module.names.get(root)
        return bound is not None and not (bound.kind == "import" and is_stdlib(bound))

    def add_write(self, anchor: int, kind: WriteKind, what: str) -> None:
        self.analysis.writes.append(TokenWrite(anchor, kind, what))
        self.writes.append(anchor)

    def status_test(self, test: cst.BaseExpression) -> StatusTest | None:
        negate = False
        while isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            negate, test = not negate, test.expression
        if isinstance(test, cst.BooleanOperation):
            found = self.status_test(test.left)
            return None if found is None else StatusTest(
                found.subject, found.failing_when_true != negate)
        failing = _failing(test)
        if failing is None:
            return None
        subject = self.subject(_tested(test))
        return StatusTest(subject, failing != negate) if subject else None

    # -- statements -----------------------------------------------------------------------

    def block(self, statements: Statements) -> Block:
        nodes: list[Node] = []
        for statement in statements:
            nodes.extend(self.statement(statement))
        return tuple(nodes)

    def statement(self, node: cst.BaseStatement | cst.BaseSmallStatement) -> list[Node]:
        if isinstance(node, cst.BaseSmallStatement):  # ``if x: a(); b()`` on one line
            step = self.small(node)
            return [step] if step is not None else []
        if isinstance(node, cst.SimpleStatementLine):
            return [step for small in node.body if (step := self.small(small)) is not None]
        if isinstance(node, cst.If):
            return self.branch(node)
        if isinstance(node, (cst.Try, cst.TryStar)):
            tried = Try(
                self.block(node.body.body),
                tuple(self.block(handler.body.body) for handler in node.handlers),
                self.block(node.orelse.body.body) if node.orelse is not None else (),
                self.block(node.finalbody.body.body) if node.finalbody is not None else (),
            )
            empty = not (tried.body or tried.orelse or tried.final or any(tried.handlers))
            return [] if empty else [tried]
        if isinstance(node, (cst.For, cst.While)):
            return self.loop(node)
        if isinstance(node, cst.With):
            return self.with_(node)
        if isinstance(node, cst.FunctionDef):
            self.analysis.function(node, self.scope.qualname, None)
        elif isinstance(node, cst.ClassDef):
            self.analysis.klass(node, self.scope.qualname, self.scope)
        elif isinstance(node, cst.Match):
            return self.match(node)
        return []

    def branch(self, node: cst.If) -> list[Node]:
        scan = self.scan(node.test)
        test = self.status_test(node.test)
        body = self.block(node.body.body)
        orelse: Block = ()
        if isinstance(node.orelse, cst.If):
            orelse = tuple(self.branch(node.orelse))
        elif node.orelse is not None:
            orelse = self.block(node.orelse.body.body)
        head = Step(tuple(scan.events), checks=tuple(scan.checks))
        if not (head.events or head.checks or test or body or orelse):
            return []
        return [Branch(head, test, body, orelse)]

    def loop(self, node: cst.For | cst.While) -> list[Node]:
        if isinstance(node, cst.For):
            scan = self.scan(node.iter)
            binds = tuple(_target_names(node.target))
            for name in binds:
                self.scope.locals.pop(name, None)
        else:
            scan, binds = self.scan(node.test), ()
        body = self.block(node.body.body)
        orelse = self.block(node.orelse.body.body) if node.orelse is not None else ()
        head = Step(tuple(scan.events), binds, checks=tuple(scan.checks))
        if not (head.events or body or orelse):
            return []
        return [Loop(head, body, orelse)]

    def with_(self, node: cst.With) -> list[Node]:
        events: list[int] = []
        binds: list[str] = []
        for item in node.items:
            scan = self.scan(item.item)
            events.extend(scan.events)
            if item.asname is not None:
                names = _target_names(item.asname.name)
                binds.extend(names)
                self.alias(names, item.item)
        body = self.block(node.body.body)
        if not (events or body):
            return []
        return [With(Step(tuple(events), tuple(binds)), body)]

    def match(self, node: cst.Match) -> list[Node]:
        scan = self.scan(node.subject)
        chain: Block = ()
        for case in reversed(node.cases):
            body = self.block(case.body.body)
            if body or chain:
                chain = (Branch(Step(), None, body, chain),)
        head = Step(tuple(scan.events), checks=tuple(scan.checks))
        return [*([head] if head.events else []), *chain]

    def small(self, node: cst.BaseSmallStatement) -> Step | None:
        if isinstance(node, cst.Expr):
            scan = self.scan(node.value)
            if scan.events or scan.checks:
                return Step(tuple(scan.events), checks=tuple(scan.checks))
            return None
        if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            return self.assignment(node)
        if isinstance(node, cst.Return):
            scan = self.scan(node.value)
            return Step(tuple(scan.events), refs=tuple(scan.refs), exit="return",
                        checks=tuple(scan.checks))
        if isinstance(node, cst.Raise):
            scan = self.scan(node.exc)
            return Step(tuple(scan.events), exit="raise")
        if isinstance(node, cst.Del):
            return self.deletion(node)
        return None

    def assignment(self, node: cst.Assign | cst.AnnAssign | cst.AugAssign) -> Step | None:
        value = node.value
        if value is None:
            return None
        scan = self.scan(value)
        targets = (
            [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        )
        events = list(scan.events)
        kind: WriteKind | None = None
        for target in targets:
            for element, element_value in _pairs(target, value):
                found = self.target_write(element, element_value)
                if found is not None and kind != "store":
                    kind = found
        if kind is not None:
            anchor = self.analysis.anchor(node)
            operator = "=" if not isinstance(node, cst.AugAssign) else _code(node.operator)
            self.add_write(anchor, kind, f"`{_code(targets[0])} {operator} …`")
            events.append(anchor)
        binds = [name for target in targets for name in _target_names(target)]
        if not isinstance(node, cst.AugAssign):
            self.alias(binds, value)
        if not (events or scan.checks or (binds and scan.refs)):
            return None  # a constant: nothing a failure-path analysis follows
        return Step(tuple(events), tuple(binds), tuple(scan.refs), checks=tuple(scan.checks))

    def alias(self, names: list[str], value: cst.BaseExpression) -> None:
        """Follow ``client = httpx.Client()``; note locals that hold a payload being built."""
        scope = self.scope
        bound = scope.meaning(value) if isinstance(value, (cst.Call, cst.Await)) else None
        for name in names:
            scope.locals.pop(name, None)
            scope.payload.discard(name)
            if bound is not None and bound.kind in ("lib-object", "client-object"):
                scope.locals[name] = bound
            elif scope.kind == "function" and len(names) == 1 and _builds_value(value):
                scope.payload.add(name)

    def deletion(self, node: cst.Del) -> Step | None:
        targets = (
            [e.value for e in node.target.elements]
            if isinstance(node.target, (cst.Tuple, cst.List)) else [node.target]
        )
        for target in targets:
            if self.token_target(target):
                anchor = self.analysis.anchor(node)
                self.add_write(anchor, "reset", f"`del {_code(target)}`")
                return Step((anchor,))
        return None

    def token_target(self, target: cst.BaseExpression) -> bool:
        """A name, attribute or subscript that holds a token and outlives the call."""
        scope = self.scope
        if isinstance(target, cst.Name):
            return self.patterns.is_token(target.value) and (
                scope.kind != "function" or target.value in scope.declared_global)
        if isinstance(target, cst.Attribute):
            return self.patterns.is_token(target.attr.value) and not scope.is_payload(target)
        if isinstance(target, cst.Subscript):
            index = subscript_index(target)
            return (index is not None and is_token_key(self.patterns, index)
                    and not scope.is_payload(target))
        return False

    def target_write(self, target: cst.BaseExpression,
                     value: cst.BaseExpression) -> WriteKind | None:
        """Assigning ``value`` to ``target``: a token store, a reset, or neither (5.1)."""
        if not self.token_target(target) or is_lexing(value):
            return None
        kind = self.scope.kind
        if isinstance(target, cst.Name) and kind != "function":
            # A module- or class-level name: literals are constants or initial values.
            if is_empty(value) or is_literal(value):
                return None
            return None if kind == "class" and is_declaration(value) else "store"
        found = value_write(value)
        if found == "reset" and (self.scope.is_init or kind == "class"):
            return None  # an initial value
        return found


def _pairs(target: cst.BaseExpression,
           value: cst.BaseExpression) -> list[tuple[cst.BaseExpression, cst.BaseExpression]]:
    """``a, b = x, y`` -> (a, x), (b, y); otherwise each target with the whole value."""
    if isinstance(target, (cst.Tuple, cst.List)):
        elements = [e.value for e in target.elements]
        if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(elements):
            return [
                pair for element, item in zip(elements, value.elements, strict=True)
                for pair in _pairs(element, item.value)
            ]
        return [pair for element in elements for pair in _pairs(element, value)]
    return [(target, value)]


def _builds_value(value: cst.BaseExpression) -> bool:
    """A fresh container or a new object: ``{}``, ``[…]``, ``dict(…)``, ``Payload(…)``."""
    if isinstance(value, (cst.Dict, cst.List, cst.Set, cst.Tuple, cst.DictComp, cst.ListComp,
                          cst.SetComp)):
        return True
    if isinstance(value, cst.Call):
        name = last_name(value.func)
        return name in ("dict", "list", "set", "copy", "deepcopy") or name[:1].isupper()
    return False


def _tested(test: cst.BaseExpression) -> cst.BaseExpression:
    """The object a status test is about: ``r`` in ``r.status_code != 200``."""
    if isinstance(test, cst.Comparison):
        left = test.left
        if (isinstance(left, (cst.SimpleString, cst.ConcatenatedString))
                and test.comparisons):  # "error" in data
            return test.comparisons[0].comparator
        return _tested(left)
    if isinstance(test, cst.Call):
        return _tested(test.func) if last_name(test.func) == "getcode" else test
    if isinstance(test, cst.Attribute) and (
        test.attr.value in STATUS_ATTRS | SUCCESS_ATTRS | FAILURE_ATTRS
    ):
        return test.value
    return test


def _status_number(node: cst.BaseExpression) -> int | None:
    if isinstance(node, cst.Integer):
        value = node.evaluated_value  # ``0x190``, ``4_00`` too
        return value if isinstance(value, int) else None
    name = last_name(node).lower()
    if name:
        return 200 if name in SUCCESS_STATUS_NAMES else 400
    return None


def _failing(test: cst.BaseExpression) -> bool | None:
    """Whether ``test`` holds on failure (True), on success (False), or says nothing (None)."""
    if isinstance(test, cst.Name):
        return False  # ``if tokens:``
    if isinstance(test, cst.Await):
        return _failing(test.expression)
    if isinstance(test, cst.Attribute):
        if test.attr.value in SUCCESS_ATTRS:
            return False
        if test.attr.value in FAILURE_ATTRS:
            return True
        return None
    if isinstance(test, cst.Call):
        return False if isinstance(test.func, (cst.Name, cst.Attribute)) else None
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    operator = test.comparisons[0].operator
    right = test.comparisons[0].comparator
    if isinstance(test.left, (cst.SimpleString, cst.ConcatenatedString)):
        if isinstance(operator, cst.In):
            return True  # "error" in data
        return None
    if isinstance(right, cst.Name) and right.value == "None":
        return isinstance(operator, (cst.Is, cst.Equal))
    status_attr = last_name(test.left.func if isinstance(test.left, cst.Call) else test.left)
    if status_attr not in STATUS_ATTRS:
        return None
    if isinstance(operator, (cst.In, cst.NotIn)):
        elements = right.elements if isinstance(right, (cst.Tuple, cst.List, cst.Set)) else []
        numbers = [_status_number(e.value) for e in elements]
        if not numbers or None in numbers:
            return None
        failing = all(number is not None and number >= 400 for number in numbers)
        return failing if isinstance(operator, cst.In) else not failing
    number = _status_number(right)
    if number is None:
        return None
    if isinstance(operator, (cst.Equal, cst.Is)):
        return number >= 400
    if isinstance(operator, (cst.NotEqual, cst.IsNot)):
        return number < 400
    if isinstance(operator, (cst.GreaterThan, cst.GreaterThanEqual)):
        return number >= 300
    if isinstance(operator, (cst.LessThan, cst.LessThanEqual)):
        return False if number >= 300 else None
    return None

