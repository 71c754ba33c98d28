"""The statement tree, call sites and token writes of one body (a function's, the module's, a
class's) from CPython ``ast`` nodes: a mirror of ``_Scan``, ``_Builder`` and their helpers in
``facts.auth`` for the fast path (change one, change the other). Expressions are walked in
libcst's field order (children first, then the call itself), which numbers the anchors."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from fsd_lint.facts.auth_bindings import is_stdlib
from fsd_lint.facts.auth_types import (
    Block,
    Branch,
    CallSite,
    Loop,
    Node,
    ResetForm,
    StatusTest,
    Step,
    TokenWrite,
    Try,
    With,
    WriteKind,
)
from fsd_lint.facts.auth_words import MAX_REFS, MAX_WHAT, VALIDATING_CALLS
from fsd_lint.facts.fast_auth_calls import Scope, call_write, classify_request, value_write
from fsd_lint.facts.fast_auth_names import (
    arguments,
    dotted,
    is_declaration,
    is_empty,
    is_lexing,
    is_literal,
    is_token_key,
    last_name,
    name_of,
    subscript_index,
    unstarred,
)
from fsd_lint.facts.fast_auth_source import Unsure, code
from fsd_lint.facts.fast_auth_status import holds_on_failure, tested

if TYPE_CHECKING:
    from fsd_lint.facts.fast_auth import Analysis

_AUGMENTED = {
    ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.MatMult: "@=", ast.Div: "/=",
    ast.Mod: "%=", ast.Pow: "**=", ast.LShift: "<<=", ast.RShift: ">>=", ast.BitOr: "|=",
    ast.BitXor: "^=", ast.BitAnd: "&=", ast.FloorDiv: "//=",
}
DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
TRY: tuple[type[ast.stmt], ...] = (ast.Try, getattr(ast, "TryStar", ast.Try))  # 3.11+
WITH = (ast.With, ast.AsyncWith)
LOOP = (ast.For, ast.AsyncFor, ast.While)


def target_names(target: ast.AST) -> list[str]:
    """The names an assignment target binds, in order (as ``auth._target_names``)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in target_names(element)]
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    return []


def _starts_together(node: ast.AST, statement: ast.stmt) -> bool:
    return (getattr(node, "lineno", None), getattr(node, "col_offset", None)) == (
        statement.lineno, statement.col_offset)


class _Scan:
    """The calls, names and ``raise_for_status`` of one expression, in libcst's field order
    (``facts.auth._Scan``): children first, then the call itself."""

    def __init__(self, builder: Builder) -> None:
        self.builder = builder
        self.source = builder.analysis.source
        self.events: list[int] = []
        self.refs: list[str] = []
        self.checks: list[str] = []

    def ref(self, name: str) -> None:
        if len(self.refs) < MAX_REFS and name not in self.refs:
            self.refs.append(name)

    def walk(self, node: ast.AST | None) -> None:
        if node is None or isinstance(node, ast.Constant):
            return  # literals; ``None``/``True``/``False`` are no references either
        if isinstance(node, ast.Name):
            self.ref(node.id)
        elif isinstance(node, ast.Attribute):
            self.walk(node.value)
        elif isinstance(node, ast.Call):
            self.walk(node.func)
            for arg in arguments(self.source, node):
                self.walk(arg.value)
            self.call(node)
        elif isinstance(node, ast.BinOp):
            self.walk(node.left)
            self.walk(node.right)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self.walk(value)
        elif isinstance(node, ast.Compare):
            self.walk(node.left)
            for comparator in node.comparators:
                self.walk(comparator)
        elif isinstance(node, ast.UnaryOp):
            self.walk(node.operand)
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            for element in node.elts:
                self.walk(element)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                self.walk(key)
                self.walk(value)
        elif isinstance(node, (ast.Starred, ast.Await, ast.Yield, ast.YieldFrom)):
            self.walk(node.value)
        elif isinstance(node, ast.Subscript):
            self.walk(node.value)
            self.walk(node.slice)
        elif isinstance(node, ast.Slice):
            self.walk(node.lower)
            self.walk(node.upper)
            self.walk(node.step)
        elif isinstance(node, ast.IfExp):
            self.walk(node.test)  # libcst's field order: test, body, orelse
            self.walk(node.body)
            self.walk(node.orelse)
        elif isinstance(node, ast.NamedExpr):
            self.walk(node.target)
            self.walk(node.value)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            self.walk(node.elt)
            self.comprehension(node.generators)
        elif isinstance(node, ast.DictComp):
            self.walk(node.key)
            self.walk(node.value)
            self.comprehension(node.generators)
        elif isinstance(node, ast.Lambda):
            self.parameters(node.args)
            self.walk(node.body)
        elif isinstance(node, ast.JoinedStr):
            self.source.in_fstring += 1
            try:
                for part in node.values:
                    self.walk(part)
            finally:
                self.source.in_fstring -= 1
        elif isinstance(node, ast.FormattedValue):
            self.walk(node.value)
            self.walk(node.format_spec)
        else:
            raise Unsure  # an expression this mirror does not know (3.14's t-strings…)

    def comprehension(self, generators: list[ast.comprehension]) -> None:
        for generator in generators:
            self.walk(generator.target)
            self.walk(generator.iter)
            for condition in generator.ifs:
                self.walk(condition)

    def parameters(self, args: ast.arguments) -> None:
        """A lambda's parameters, in libcst's order: the plain ones, ``*args``, keyword-only
        ones, ``**kwargs``, then the positional-only ones; each name before its default."""
        plain = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(plain) - len(args.defaults))
        defaults += args.defaults
        split = len(args.posonlyargs)
        for param, default in zip(plain[split:], defaults[split:], strict=True):
            self.ref(param.arg)
            self.walk(default)
        if args.vararg is not None:
            self.ref(args.vararg.arg)
        for param, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            self.ref(param.arg)
            self.walk(default)
        if args.kwarg is not None:
            self.ref(args.kwarg.arg)
        for param, default in zip(plain[:split], defaults[:split], strict=True):
            self.ref(param.arg)
            self.walk(default)

    def call(self, node: ast.Call) -> None:
        builder = self.builder
        anchor = builder.call_event(node)
        if anchor is not None:
            self.events.append(anchor)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "raise_for_status":
            subject = builder.subject(func.value)
            if subject:
                self.checks.append(subject)
        if last_name(func) in VALIDATING_CALLS and (node.args or node.keywords):
            first = arguments(self.source, node)[0].value
            if isinstance(first, ast.Name):
                builder.analysis.validated.add(first.id)


class Builder:
    """Builds one body's statement tree, call sites and token writes."""

    def __init__(self, analysis: Analysis, scope: Scope) -> None:
        self.analysis = analysis
        self.scope = scope
        self.patterns = analysis.patterns
        self.source = analysis.source
        self.calls: list[CallSite] = []
        self.writes: list[int] = []
        self.call_anchors: dict[ast.Call, int] = {}

    # -- expressions ----------------------------------------------------------------------

    def scan(self, node: ast.AST | None) -> _Scan:
        scan = _Scan(self)
        scan.walk(node)
        return scan

    def subject(self, node: ast.AST) -> str:
        """What a status test or ``raise_for_status`` is about: a name, or ``@<anchor>``."""
        while isinstance(node, ast.Await):
            node = node.value
        name = name_of(node)
        if name is not None:
            return name
        if isinstance(node, ast.Call) and node in self.call_anchors:
            return f"@{self.call_anchors[node]}"
        return ""

    def call_event(self, call: ast.Call) -> int | None:
        scope = self.scope
        request = classify_request(scope, call)
        write = call_write(scope, call)
        callee = dotted(call.func)
        obj = call.func.value if isinstance(call.func, ast.Attribute) else None
        name = last_name(call.func)
        reset: ResetForm = ""
        if write == "reset" or self.patterns.remove_prefix(name):
            reset = "token"
        elif self.patterns.is_reset_name(name) and not (
            obj is not None and scope.is_payload(obj)
        ):
            reset = "pattern"
        stores = self.patterns.store_prefix(name) and bool(
            call.args or call.keywords) and not is_empty(
            self.source, arguments(self.source, call)[0].value)
        if (request is None and write is None and not reset and not stores
                and not self.candidate(callee)):
            return None
        anchor = self.analysis.anchor()
        self.call_anchors[call] = anchor
        if write is not None:
            if not self.source.opens_call(call.func):
                raise Unsure  # ``(store.set)(…)``: libcst's code has the parentheses
            self.add_write(anchor, write, f"`{code(self.source, call.func, MAX_WHAT)}(…)`")
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

    def status_test(self, test: ast.expr) -> StatusTest | None:
        negate = False
        while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            negate, test = not negate, test.operand
        if isinstance(test, ast.BoolOp):
            found = self.status_test(test.values[0])
            return None if found is None else StatusTest(
                found.subject, found.failing_when_true != negate)
        failing = holds_on_failure(self.source, test)
        if failing is None:
            return None
        subject = self.subject(tested(self.source, test))
        return StatusTest(subject, failing != negate) if subject else None

    # -- statements -----------------------------------------------------------------------

    def block(self, statements: Sequence[ast.stmt]) -> Block:
        nodes: list[Node] = []
        for statement in statements:
            nodes.extend(self.statement(statement))
        return tuple(nodes)

    def statement(self, node: ast.stmt) -> list[Node]:
        if isinstance(node, ast.Expr):
            scan = self.scan(node.value)
            if scan.events or scan.checks:
                return [Step(tuple(scan.events), checks=tuple(scan.checks))]
            return []
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            step = self.assignment(node)
            return [step] if step is not None else []
        if isinstance(node, ast.Return):
            scan = self.scan(node.value)
            return [Step(tuple(scan.events), refs=tuple(scan.refs), exit="return",
                         checks=tuple(scan.checks))]
        if isinstance(node, ast.Raise):
            scan = self.scan(node.exc)
            return [Step(tuple(scan.events), exit="raise")]
        if isinstance(node, ast.Delete):
            step = self.deletion(node)
            return [step] if step is not None else []
        if isinstance(node, ast.If):
            return self.branch(node)
        if isinstance(node, TRY):
            statement = cast(ast.Try, node)  # or TryStar, which has the same fields
            tried = Try(
                self.block(statement.body),
                tuple(self.block(handler.body) for handler in statement.handlers),
                self.block(statement.orelse),
                self.block(statement.finalbody),
            )
            empty = not (tried.body or tried.orelse or tried.final or any(tried.handlers))
            return [] if empty else [tried]
        if isinstance(node, LOOP):
            return self.loop(node)
        if isinstance(node, WITH):
            return self.with_(node)
        if isinstance(node, DEFS):
            self.analysis.function(node, self.scope.qualname, None)
        elif isinstance(node, ast.ClassDef):
            self.analysis.klass(node, self.scope.qualname, self.scope)
        elif isinstance(node, ast.Match):
            return self.match(node)
        return []

    def branch(self, node: ast.If) -> list[Node]:
        scan = self.scan(node.test)
        test = self.status_test(node.test)
        body = self.block(node.body)
        orelse = self.block(node.orelse)  # ``elif``: a block of one ``if``, as libcst's
        head = Step(tuple(scan.events), checks=tuple(scan.checks))
        if not (head.events or head.checks or test or body or orelse):
            return []
        return [Branch(head, test, body, orelse)]

    def loop(self, node: ast.For | ast.AsyncFor | ast.While) -> list[Node]:
        binds: tuple[str, ...] = ()
        if isinstance(node, ast.While):
            scan = self.scan(node.test)
        else:
            scan = self.scan(node.iter)
            binds = tuple(target_names(node.target))
            for name in binds:
                self.scope.locals.pop(name, None)
        body = self.block(node.body)
        orelse = self.block(node.orelse)
        head = Step(tuple(scan.events), binds, checks=tuple(scan.checks))
        if not (head.events or body or orelse):
            return []
        return [Loop(head, body, orelse)]

    def with_(self, node: ast.With | ast.AsyncWith) -> list[Node]:
        events: list[int] = []
        binds: list[str] = []
        for item in node.items:
            scan = self.scan(item.context_expr)
            events.extend(scan.events)
            if item.optional_vars is not None:
                names = target_names(item.optional_vars)
                binds.extend(names)
                self.alias(names, item.context_expr)
        body = self.block(node.body)
        if not (events or body):
            return []
        return [With(Step(tuple(events), tuple(binds)), body)]

    def match(self, node: ast.Match) -> list[Node]:
        scan = self.scan(node.subject)
        chain: Block = ()
        for case in reversed(node.cases):
            body = self.block(case.body)
            if body or chain:
                chain = (Branch(Step(), None, body, chain),)
        head = Step(tuple(scan.events), checks=tuple(scan.checks))
        return [*([head] if head.events else []), *chain]

    def assignment(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> Step | None:
        value = node.value
        if value is None:
            return None
        scan = self.scan(value)
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        events = list(scan.events)
        kind: WriteKind | None = None
        for target in targets:
            for element, element_value in _pairs(target, value):
                found = self.target_write(element, element_value)
                if found is not None and kind != "store":
                    kind = found
        if kind is not None:
            anchor = self.analysis.anchor()
            operator = _AUGMENTED[type(node.op)] if isinstance(node, ast.AugAssign) else "="
            if not _starts_together(targets[0], node):
                raise Unsure  # ``(x.token) = …``: libcst's code has the parentheses
            self.add_write(anchor, kind,
                           f"`{code(self.source, targets[0], MAX_WHAT)} {operator} …`")
            events.append(anchor)
        binds = [name for target in targets for name in target_names(target)]
        if not isinstance(node, ast.AugAssign):
            self.alias(binds, value)
        if not (events or scan.checks or (binds and scan.refs)):
            return None  # a constant: nothing a failure-path analysis follows
        return Step(tuple(events), tuple(binds), tuple(scan.refs), checks=tuple(scan.checks))

    def alias(self, names: list[str], value: ast.expr) -> None:
        """Follow ``client = httpx.Client()``; note locals that hold a payload being built."""
        scope = self.scope
        bound = scope.meaning(value) if isinstance(value, (ast.Call, ast.Await)) else None
        for name in names:
            scope.locals.pop(name, None)
            scope.payload.discard(name)
            if bound is not None and bound.kind in ("lib-object", "client-object"):
                scope.locals[name] = bound
            elif scope.kind == "function" and len(names) == 1 and _builds_value(value):
                scope.payload.add(name)

    def deletion(self, node: ast.Delete) -> Step | None:
        container: ast.expr | None = None
        targets = list(node.targets)
        if len(targets) == 1 and isinstance(targets[0], (ast.Tuple, ast.List)):
            container = targets[0]
            targets = list(container.elts)
        for target in targets:
            if self.token_target(target):
                self.check_delete_target(target, container)
                anchor = self.analysis.anchor()
                self.add_write(anchor, "reset",
                               f"`del {code(self.source, target, MAX_WHAT)}`")
                return Step((anchor,))
        return None

    def check_delete_target(self, target: ast.expr, container: ast.expr | None) -> None:
        """Unsure unless the text just before a ``del`` target, on its line, is the keyword,
        a comma or the bracket of the tuple or list it is in: a parenthesis of its own would
        be there (libcst's code of the target includes it, ``ast``'s text does not)."""
        if self.source.before(target).endswith((b"del", b",")):  # only the keyword ends so
            return
        if container is not None and self.source.right_after_opening(target, container):
            return
        raise Unsure  # ``del (x.token)``

    def token_target(self, target: ast.expr) -> bool:
        """A name, attribute or subscript that holds a token and outlives the call."""
        scope = self.scope
        name = name_of(target)
        if name is not None:
            return self.patterns.is_token(name) and (
                scope.kind != "function" or name in scope.declared_global)
        if isinstance(target, ast.Attribute):
            return self.patterns.is_token(target.attr) and not scope.is_payload(target)
        if isinstance(target, ast.Subscript):
            index = subscript_index(target)
            return (index is not None and is_token_key(self.patterns, index)
                    and not scope.is_payload(target))
        return False

    def target_write(self, target: ast.expr, value: ast.expr) -> WriteKind | None:
        """Assigning ``value`` to ``target``: a token store, a reset, or neither (5.1)."""
        if not self.token_target(target) or is_lexing(value):
            return None
        kind = self.scope.kind
        if name_of(target) is not None and kind != "function":
            # A module- or class-level name: literals are constants or initial values.
            if is_empty(self.source, value) or is_literal(self.source, value):
                return None
            return None if kind == "class" and is_declaration(value) else "store"
        found = value_write(self.source, value)
        if found == "reset" and (self.scope.is_init or kind == "class"):
            return None  # an initial value
        return found


def _pairs(target: ast.expr, value: ast.expr) -> list[tuple[ast.expr, ast.expr]]:
    """``a, b = x, y`` -> (a, x), (b, y); otherwise each target with the whole value."""
    if isinstance(target, (ast.Tuple, ast.List)):
        elements = [unstarred(e) for e in target.elts]
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(elements):
            return [
                pair for element, item in zip(elements, value.elts, strict=True)
                for pair in _pairs(element, unstarred(item))
            ]
        return [pair for element in elements for pair in _pairs(element, value)]
    return [(target, value)]



def _builds_value(value: ast.expr) -> bool:
    """A fresh container or a new object: ``{}``, ``[…]``, ``dict(…)``, ``Payload(…)``."""
    if isinstance(value, (ast.Dict, ast.List, ast.Set, ast.Tuple, ast.DictComp, ast.ListComp,
                          ast.SetComp)):
        return True
    if isinstance(value, ast.Call):
        name = last_name(value.func)
        return name in ("dict", "list", "set", "copy", "deepcopy") or name[:1].isupper()
    return False
