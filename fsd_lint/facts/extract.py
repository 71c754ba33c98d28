"""libcst -> FileFacts, in one targeted walk over statements.

The walk visits statements only (module body and the bodies of compound statements), never
every expression node: imports are statements. ``importlib.import_module``/``__import__`` calls
are expressions, so a call visitor runs only over files whose text mentions them. Positions
are resolved (libcst's PositionProvider, the costly part) only when asked, for files that have
something to report; the walk is the same either way, so ordinals match.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange

from fsd_lint.diagnostics import Span
from fsd_lint.facts import depth
from fsd_lint.facts.auth import analyse as analyse_auth
from fsd_lint.facts.auth_names import dotted
from fsd_lint.facts.auth_words import DEFAULT_OPTIONS, needs_auth_analysis
from fsd_lint.facts.comments import has_skip_file, parse_suppressions
from fsd_lint.facts.options import FactOptions
from fsd_lint.facts.positions import node_positions
from fsd_lint.facts.types import FileFacts, ImportedName, ImportFact, ParseFailure

Positions = Mapping[cst.CSTNode, CodeRange]


def _span(code_range: CodeRange) -> Span:
    return Span(code_range.start.line, code_range.start.column + 1,
                code_range.end.line, code_range.end.column + 1)


def _between(first: CodeRange, last: CodeRange) -> Span:
    return Span(first.start.line, first.start.column + 1, last.end.line, last.end.column + 1)


def _is_type_checking(test: cst.BaseExpression) -> bool:
    return dotted(test).split(".")[-1] == "TYPE_CHECKING"


def _target_names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        names: set[str] = set()
        for element in target.elements:
            names |= _target_names(element.value)
        return names
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()


class _StatementWalk:
    """Collects import facts and module-level bindings from statements."""

    def __init__(self, positions: Positions | None) -> None:
        self.positions = positions
        self.imports: list[ImportFact] = []
        self.bound: set[str] = set()

    def span_of(self, node: cst.CSTNode) -> Span | None:
        return _span(self.positions[node]) if self.positions is not None else None

    def body(self, statements: Sequence[cst.BaseStatement | cst.BaseSmallStatement],
             type_checking: bool, module_level: bool) -> None:
        for statement in statements:
            self.statement(statement, type_checking, module_level)

    def block(self, block: cst.BaseSuite, type_checking: bool, module_level: bool) -> None:
        self.body(block.body, type_checking, module_level)

    def statement(self, node: cst.CSTNode, type_checking: bool, module_level: bool) -> None:
        if isinstance(node, cst.SimpleStatementLine):
            self.body(node.body, type_checking, module_level)
        elif isinstance(node, cst.Import):
            self.plain_import(node, type_checking, module_level)
        elif isinstance(node, cst.ImportFrom):
            self.from_import(node, type_checking, module_level)
        elif module_level and isinstance(node, cst.Assign):
            for target in node.targets:
                self.bound |= _target_names(target.target)
        elif module_level and isinstance(node, (cst.AnnAssign, cst.AugAssign)):
            if not isinstance(node, cst.AnnAssign) or node.value is not None:
                self.bound |= _target_names(node.target)
        elif module_level and isinstance(node, cst.TypeAlias):
            self.bound.add(node.name.value)
        elif isinstance(node, cst.If):
            self.block(node.body, type_checking or _is_type_checking(node.test), module_level)
            if node.orelse is not None:
                self.statement(node.orelse, type_checking, module_level)
        elif isinstance(node, cst.Else):
            self.block(node.body, type_checking, module_level)
        elif isinstance(node, (cst.Try, cst.TryStar)):
            self.block(node.body, type_checking, module_level)
            for handler in node.handlers:
                self.block(handler.body, type_checking, module_level)
            if node.orelse is not None:
                self.block(node.orelse.body, type_checking, module_level)
            if node.finalbody is not None:
                self.block(node.finalbody.body, type_checking, module_level)
        elif isinstance(node, (cst.For, cst.While)):
            if module_level and isinstance(node, cst.For):
                self.bound |= _target_names(node.target)
            self.block(node.body, type_checking, module_level)
            if node.orelse is not None:
                self.block(node.orelse.body, type_checking, module_level)
        elif isinstance(node, cst.With):
            if module_level:
                for item in node.items:
                    if item.asname is not None:
                        self.bound |= _target_names(item.asname.name)
            self.block(node.body, type_checking, module_level)
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            if module_level:
                self.bound.add(node.name.value)
            self.block(node.body, type_checking, module_level=False)
        elif isinstance(node, cst.Match):
            for case in node.cases:
                self.block(case.body, type_checking, module_level)

    def plain_import(self, node: cst.Import, type_checking: bool, module_level: bool) -> None:
        for alias in node.names:
            name = dotted(alias.name)
            if module_level and not type_checking:
                bound = alias.asname.name if alias.asname else None
                self.bound.add(bound.value if isinstance(bound, cst.Name) else name.split(".")[0])
            asname = alias.asname.name if alias.asname else None
            self.imports.append(ImportFact(
                ordinal=len(self.imports), kind="import", module=name,
                type_checking=type_checking,
                asname=asname.value if isinstance(asname, cst.Name) else None,
                span=self.span_of(node),
                module_span=self.span_of(alias.name),
            ))

    def from_import(self, node: cst.ImportFrom, type_checking: bool, module_level: bool) -> None:
        if isinstance(node.names, cst.ImportStar):
            names: tuple[ImportedName, ...] = (ImportedName("*"),)
        else:
            names = tuple(
                ImportedName(
                    dotted(alias.name),
                    alias.asname.name.value
                    if alias.asname and isinstance(alias.asname.name, cst.Name) else None,
                )
                for alias in node.names
            )
        if module_level and not type_checking:
            self.bound |= {alias.asname or alias.name for alias in names if alias.name != "*"}
        module_span = None
        if self.positions is not None:
            pieces: list[cst.CSTNode] = [*node.relative]
            if node.module is not None:
                pieces.append(node.module)
            module_span = _between(self.positions[pieces[0]], self.positions[pieces[-1]])
        self.imports.append(ImportFact(
            ordinal=len(self.imports), kind="from", module=dotted(node.module),
            level=len(node.relative), names=names, type_checking=type_checking,
            span=self.span_of(node), module_span=module_span,
        ))


def _string_value(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString) and "f" not in node.prefix.lower():
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _int_value(node: cst.BaseExpression) -> int | None:
    if isinstance(node, cst.Integer):
        value = node.evaluated_value
        return value if isinstance(value, int) and value >= 0 else None
    return None


class _DynamicImports(cst.CSTVisitor):
    """``importlib.import_module("a.b")``, ``import_module(".b", package=...)``,
    ``__import__("a.b")`` with literal strings."""

    def __init__(self, walk: _StatementWalk) -> None:
        super().__init__()
        self.walk = walk

    def visit_Call(self, node: cst.Call) -> None:
        callee = dotted(node.func)
        if callee not in ("importlib.import_module", "import_module", "__import__"):
            return
        positional = [arg for arg in node.args if arg.keyword is None]
        keywords = {arg.keyword.value: arg for arg in node.args if arg.keyword is not None}
        first = positional[0] if positional else keywords.get("name")
        target = _string_value(first.value) if first is not None else None
        if first is None or target is None or not target.strip("."):
            return
        package: str | None = None
        if callee == "__import__":
            # __import__(name, globals, locals, fromlist, level): relative to the caller's own
            # package when level > 0; its name never has leading dots.
            level_arg = keywords.get("level") or (positional[4] if len(positional) > 4 else None)
            level = _int_value(level_arg.value) if level_arg is not None else 0
            if level is None or target.startswith("."):
                return
        else:
            level = len(target) - len(target.lstrip("."))
        if level and callee != "__import__":
            package_arg = keywords.get("package") or (
                positional[1] if len(positional) > 1 else None
            )
            if package_arg is None:
                return  # a relative name without a package raises TypeError at run time
            if dotted(package_arg.value) != "__package__":
                package = _string_value(package_arg.value)
                if package is None:
                    return  # not a literal: cannot be resolved statically
        self.walk.imports.append(ImportFact(
            ordinal=len(self.walk.imports), kind="dynamic", module=target.lstrip("."),
            level=level, package=package, call=callee, span=self.walk.span_of(node),
            module_span=self.walk.span_of(first.value),
        ))


def _failure_from_compile(text: str, fallback: ParseFailure) -> ParseFailure:
    """CPython's own parser places syntax errors more precisely than libcst's."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # warnings about the user's code are not ours
            compile(text, "<file>", "exec", dont_inherit=True, flags=0x400)  # PyCF_ONLY_AST
    except SyntaxError as error:
        if error.lineno:
            column = max(error.offset or 1, 1)
            return ParseFailure(
                f"syntax error: {error.msg}",
                Span(error.lineno, column, error.lineno, column + 1),
            )
        return fallback
    except (ValueError, RecursionError, MemoryError):
        return fallback
    # Python accepts what libcst refused: not the user's syntax error, a parser limitation.
    return ParseFailure(
        f"{fallback.message.removeprefix('syntax error: ')} (Python itself parses this file, "
        f"but libcst, which fsd-lint uses, cannot; exclude the file or report the problem)",
        fallback.span,
    )


def _decode_failure(source: bytes, error: UnicodeDecodeError) -> ParseFailure:
    before = source[: error.start]
    line = before.count(b"\n") + 1
    column = error.start - (before.rfind(b"\n") + 1) + 1
    return ParseFailure(
        f"file is not valid {error.encoding} text (byte {source[error.start]:#04x})",
        Span(line, column, line, column + 1),
    )


def parse(source: bytes) -> cst.Module | ParseFailure:
    """A libcst module, or why the source cannot be analysed (syntax, encoding, depth)."""
    if not depth.is_risky(source):
        return _parse_module(source)
    return depth.depth_failure(source) or depth.on_large_stack(_parse_module, source)


def _parse_module(source: bytes) -> cst.Module | ParseFailure:
    try:
        return cst.parse_module(source)
    except UnicodeDecodeError as error:
        return _decode_failure(source, error)
    except (LookupError, SyntaxError) as error:  # a bad or unknown coding declaration
        try:
            source.decode("utf-8")
        except UnicodeDecodeError as decode_error:
            return _decode_failure(source, decode_error)
        return ParseFailure(f"cannot decode the file: {error}", Span(1, 1, 1, 2))
    except cst.ParserSyntaxError as error:
        line, column = error.raw_line, error.raw_column + 1
        fallback = ParseFailure(
            f"syntax error: {error.message}", Span(line, column, line, column + 1)
        )
        text = source.decode("utf-8", errors="replace")
        if "\x00" in text:
            index = text.index("\x00")
            line = text.count("\n", 0, index) + 1
            column = index - (text.rfind("\n", 0, index) + 1) + 1
            return ParseFailure("the file contains a NUL byte",
                                Span(line, column, line, column + 1))
        return _failure_from_compile(text, fallback)
    except RecursionError:
        return ParseFailure("the file is nested too deeply to be parsed", Span(1, 1, 1, 2))


def facts_from_module(
    module: cst.Module, text: str, *, with_positions: bool,
    options: FactOptions = DEFAULT_OPTIONS,
) -> FileFacts:
    """Facts of a parsed module; positions only when ``with_positions``."""
    positions: Positions | None = None
    if with_positions:
        positions = node_positions(module)
    walk = _StatementWalk(positions)
    walk.body(module.body, type_checking=False, module_level=True)
    if "import_module" in text or "__import__" in text:
        module.visit(_DynamicImports(walk))
    auth = None
    if needs_auth_analysis(text, options):
        auth = analyse_auth(module, walk.imports, options, positions)
    return FileFacts(
        imports=tuple(walk.imports),
        bound_names=frozenset(walk.bound),
        suppressions=parse_suppressions(text),
        skip_file=has_skip_file(text),
        auth=auth,
    )


def extract_facts(
    source: bytes, *, with_positions: bool = False, options: FactOptions = DEFAULT_OPTIONS
) -> FileFacts:
    """Everything the rules need from one file's bytes; never raises for bad input."""
    parsed = parse(source)
    text = source.decode("utf-8", errors="replace")
    if isinstance(parsed, ParseFailure):
        return FileFacts(
            suppressions=parse_suppressions(text), skip_file=has_skip_file(text), failure=parsed
        )
    with contextlib.suppress(RecursionError):
        text = parsed.code if parsed.encoding.lower().replace("_", "-") != "utf-8" else text
    try:
        return facts_from_module(parsed, text, with_positions=with_positions, options=options)
    except RecursionError:
        failure = ParseFailure("the file is nested too deeply to be analysed", Span(1, 1, 1, 2))
        return FileFacts(suppressions=parse_suppressions(text), failure=failure)
