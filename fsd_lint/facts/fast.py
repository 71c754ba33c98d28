"""The fast path: a file's facts from CPython's own parser (``ast``), without building a CST.

libcst is the analyzer of record, but most files of a healthy project have nothing to report,
and CPython's C parser finds that out about ten times faster. :func:`fast_facts` returns the
same :class:`FileFacts` the libcst extractor (``facts.extract``) returns without positions:
the same imports in the same order (kind, module, level, names, ``TYPE_CHECKING``), the same
module-level bindings, suppressions and skip-file flag, and, given the options, the same auth
facts (``facts.fast_auth``, for files the text gate ``needs_auth_analysis`` lets through).
It is a mirror of ``facts.extract._StatementWalk`` and ``_DynamicImports``: change one, change
the other (``tests/test_fast_path.py`` and ``tests/test_fast_auth.py`` compare them on every
fixture and on generated sources).

Whenever it cannot be sure, it returns None and the caller takes the libcst path: the file
does not parse with this Python (a syntax error, which libcst then reports exactly; newer
syntax), declares a non-UTF-8 encoding, contains a NUL byte, or might nest deeply enough for
libcst to refuse it (``facts.depth``), or holds auth code whose facts only libcst can tell
(``fast_auth_source.Unsure``). Positions are never computed here: files with findings are
re-read and placed on a libcst tree.

Measured on the benchmark's M tree (2,931 files, one process): ``ast.parse`` plus this walk
takes about 0.5 ms a file, ``libcst.parse_module`` alone about 5.5 ms; a hand-written text
scanner would be faster still but cannot see syntax errors, which must not pass silently.
"""

from __future__ import annotations

import ast
import bisect
import codecs
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from fsd_lint.facts import depth
from fsd_lint.facts.auth_types import AuthFacts
from fsd_lint.facts.auth_words import needs_auth_analysis
from fsd_lint.facts.comments import has_skip_file, parse_suppressions
from fsd_lint.facts.fast_auth_names import dotted
from fsd_lint.facts.fast_auth_source import Source, Unsure
from fsd_lint.facts.options import FactOptions
from fsd_lint.facts.types import FileFacts, ImportedName, ImportFact

# PEP 263: a coding declaration on the first or second line.
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)
# The keyword, not inside a longer word (the literal first: the regex engine searches for it).
_IMPORT_WORD = re.compile(rb"import(?<![A-Za-z_]import)(?![A-Za-z0-9_])")
_UTF8 = frozenset({"utf-8", "utf8", "utf_8", "u8", "utf", "cp65001"})
_DYNAMIC = ("importlib.import_module", "import_module", "__import__")
_TRY: tuple[type[ast.stmt], ...] = (ast.Try, getattr(ast, "TryStar", ast.Try))  # 3.11+


def _declares_other_encoding(source: bytes) -> bool:
    head = source.split(b"\n", 2)[:2]
    for line in head:
        match = _CODING.match(line)
        if match:
            return match.group(1).decode("ascii", "replace").lower() not in _UTF8
    return False


def _target_names(target: ast.expr) -> set[str]:
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        names: set[str] = set()
        for element in target.elts:
            names |= _target_names(element)
        return names
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return set()


def _import_lines(source: bytes) -> tuple[list[int], list[int]]:
    r"""For each place the keyword ``import`` may be (not inside a longer word: ``important``),
    in order: the least and the greatest line number it can have. CPython ends a line at
    ``\n``, ``\r\n`` or ``\r``: the least counts ``\n`` alone, the greatest ``\r`` too."""
    starts = [match.start() for match in _IMPORT_WORD.finditer(source)]
    lows = _line_numbers(source, starts, b"\n")
    if b"\r" not in source:
        return lows, lows
    returns = _line_numbers(source, starts, b"\r")
    return lows, [low + extra - 1 for low, extra in zip(lows, returns, strict=True)]


def _line_numbers(source: bytes, starts: list[int], newline: bytes) -> list[int]:
    """For each offset of ``starts`` (in order), 1 + the ``newline`` bytes before it."""
    numbers: list[int] = []
    number = 1
    previous = 0
    for start in starts:
        number += source.count(newline, previous, start)
        previous = start
        numbers.append(number)
    return numbers


class _Walk:
    """Import facts and module-level bindings from statements, in source order. Statements
    are dispatched on their exact type: most are neither imports nor blocks, and are skipped
    at the cost of one dictionary lookup. Below module level only imports count: bodies of
    functions and classes whose lines hold no ``import`` (``_import_lines``) are not walked."""

    def __init__(self, import_lines: tuple[list[int], list[int]]) -> None:
        self.imports: list[ImportFact] = []
        self.bound: set[str] = set()
        self.import_lows, self.import_highs = import_lines

    def may_import(self, node: ast.stmt) -> bool:
        """Whether an ``import`` may be on the lines of ``node``."""
        index = bisect.bisect_left(self.import_highs, node.lineno)
        return index < len(self.import_lows) and (
            node.end_lineno is None or self.import_lows[index] <= node.end_lineno)

    def body(self, statements: Sequence[ast.stmt], type_checking: bool,
             module_level: bool) -> None:
        for statement in statements:
            handler = _DISPATCH.get(type(statement))
            if handler is not None:
                handler(self, statement, type_checking, module_level)

    def assign(self, node: ast.Assign, type_checking: bool, module_level: bool) -> None:
        if module_level:
            for target in node.targets:
                self.bound |= _target_names(target)

    def augmented(self, node: ast.AugAssign | ast.AnnAssign, type_checking: bool,
                  module_level: bool) -> None:
        if module_level and (not isinstance(node, ast.AnnAssign) or node.value is not None):
            self.bound |= _target_names(node.target)

    def if_(self, node: ast.If, type_checking: bool, module_level: bool) -> None:
        test = dotted(node.test).split(".")[-1] == "TYPE_CHECKING"
        self.body(node.body, type_checking or test, module_level)
        self.body(node.orelse, type_checking, module_level)

    def try_(self, node: ast.Try, type_checking: bool, module_level: bool) -> None:
        self.body(node.body, type_checking, module_level)
        for handler in node.handlers:
            self.body(handler.body, type_checking, module_level)
        self.body(node.orelse, type_checking, module_level)
        self.body(node.finalbody, type_checking, module_level)

    def loop(self, node: ast.For | ast.AsyncFor | ast.While, type_checking: bool,
             module_level: bool) -> None:
        if module_level and not isinstance(node, ast.While):
            self.bound |= _target_names(node.target)
        self.body(node.body, type_checking, module_level)
        self.body(node.orelse, type_checking, module_level)

    def with_(self, node: ast.With | ast.AsyncWith, type_checking: bool,
              module_level: bool) -> None:
        if module_level:
            for item in node.items:
                if item.optional_vars is not None:
                    self.bound |= _target_names(item.optional_vars)
        self.body(node.body, type_checking, module_level)

    def definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
                   type_checking: bool, module_level: bool) -> None:
        if module_level:
            self.bound.add(node.name)
        if self.may_import(node):
            self.body(node.body, type_checking, module_level=False)

    def match(self, node: ast.Match, type_checking: bool, module_level: bool) -> None:
        for case in node.cases:
            self.body(case.body, type_checking, module_level)

    def plain_import(self, node: ast.Import, type_checking: bool, module_level: bool) -> None:
        for alias in node.names:
            if module_level and not type_checking:
                self.bound.add(alias.asname or alias.name.split(".")[0])
            self.imports.append(ImportFact(
                ordinal=len(self.imports), kind="import", module=alias.name,
                type_checking=type_checking, asname=alias.asname,
            ))

    def from_import(self, node: ast.ImportFrom, type_checking: bool,
                    module_level: bool) -> None:
        names = tuple(ImportedName(alias.name, alias.asname) for alias in node.names)
        if module_level and not type_checking:
            self.bound |= {alias.asname or alias.name for alias in names if alias.name != "*"}
        self.imports.append(ImportFact(
            ordinal=len(self.imports), kind="from", module=node.module or "",
            level=node.level or 0, names=names, type_checking=type_checking,
        ))


_Handler = Callable[[_Walk, Any, bool, bool], None]
_DISPATCH: dict[type[ast.stmt], _Handler] = {
    ast.Import: _Walk.plain_import,
    ast.ImportFrom: _Walk.from_import,
    ast.Assign: _Walk.assign,
    ast.AugAssign: _Walk.augmented,
    ast.AnnAssign: _Walk.augmented,
    ast.If: _Walk.if_,
    ast.For: _Walk.loop,
    ast.AsyncFor: _Walk.loop,
    ast.While: _Walk.loop,
    ast.With: _Walk.with_,
    ast.AsyncWith: _Walk.with_,
    ast.FunctionDef: _Walk.definition,
    ast.AsyncFunctionDef: _Walk.definition,
    ast.ClassDef: _Walk.definition,
    ast.Match: _Walk.match,
    **{kind: _Walk.try_ for kind in _TRY},
}


def _calls(node: ast.AST, in_fstring: bool = False) -> Iterator[tuple[ast.Call, bool]]:
    """Every call below ``node``, and whether it sits inside an f-string."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Call):
            yield child, in_fstring
        yield from _calls(child, in_fstring or isinstance(child, ast.JoinedStr))


def _string_value(node: ast.expr, source: Source) -> str | None:
    if (isinstance(node, ast.Constant) and type(node.value) is str
            and source.single_literal(node)):
        return node.value
    return None


def _int_value(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int and node.value >= 0:
        return node.value
    return None


def _dynamic_import(call: ast.Call, source: Source, walk: _Walk) -> None:
    """As ``extract._DynamicImports.visit_Call``: ``import_module("a.b")``,
    ``import_module(".b", package=...)``, ``__import__("a.b")`` with literal strings."""
    callee = dotted(call.func)
    if callee not in _DYNAMIC:
        return
    # libcst keeps ``*x`` and ``**x`` among the positional arguments, by their value.
    positional = [arg.value if isinstance(arg, ast.Starred) else arg for arg in call.args]
    positional += [keyword.value for keyword in call.keywords if keyword.arg is None]
    keywords = {keyword.arg: keyword.value for keyword in call.keywords
                if keyword.arg is not None}
    first = positional[0] if positional else keywords.get("name")
    target = _string_value(first, source) if first is not None else None
    if first is None or target is None or not target.strip("."):
        return
    package: str | None = None
    if callee == "__import__":
        level_arg = keywords.get("level") or (positional[4] if len(positional) > 4 else None)
        level = _int_value(level_arg) if level_arg is not None else 0
        if level is None or target.startswith("."):
            return
    else:
        level = len(target) - len(target.lstrip("."))
    if level and callee != "__import__":
        package_arg = keywords.get("package") or (positional[1] if len(positional) > 1 else None)
        if package_arg is None:
            return
        if dotted(package_arg) != "__package__":
            package = _string_value(package_arg, source)
            if package is None:
                return
    walk.imports.append(ImportFact(
        ordinal=len(walk.imports), kind="dynamic", module=target.lstrip("."), level=level,
        package=package, call=callee,
    ))


def fast_facts(source: bytes, text: str, options: FactOptions | None = None) -> FileFacts | None:
    """The facts of ``source`` (``text`` is its UTF-8 decoding, errors replaced), or None when
    only libcst can tell. With ``options``, auth facts too, as ``facts.extract`` gathers them:
    for files the text gate lets through; without, never (no auth rule is enabled)."""
    if b"\x00" in source or _declares_other_encoding(source) or depth.is_risky(source):
        return None  # deep nesting: libcst may refuse what CPython accepts
    if source.startswith(codecs.BOM_UTF8) and text.startswith("\ufeff"):
        text = text[1:]  # libcst's text has no byte order mark: columns count without it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "invalid escape sequence"... is not ours to say
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None
    walk = _Walk(_import_lines(source))
    written = Source(text)
    auth: AuthFacts | None = None
    try:
        walk.body(tree.body, type_checking=False, module_level=True)
        if "import_module" in text or "__import__" in text:
            calls = [(call, in_fstring) for call, in_fstring in _calls(tree)
                     if dotted(call.func) in _DYNAMIC]
            if any(in_fstring for _, in_fstring in calls):
                return None  # positions inside f-strings are not reliable before 3.12
            calls.sort(key=lambda item: (item[0].lineno, item[0].col_offset))
            for call, _ in calls:
                _dynamic_import(call, written, walk)
        if options is not None and needs_auth_analysis(text, options):
            from fsd_lint.facts import fast_auth  # ~20 ms of imports: not on warm runs

            auth = fast_auth.analyse(tree, written, walk.imports, options)
    except (RecursionError, Unsure):
        return None
    return FileFacts(
        imports=tuple(walk.imports),
        bound_names=frozenset(walk.bound),
        suppressions=parse_suppressions(text),
        skip_file=has_skip_file(text),
        auth=auth,
    )
