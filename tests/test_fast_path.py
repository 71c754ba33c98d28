"""The fast path (CPython's ``ast`` instead of libcst) and the cheap positions pass must change
nothing: the same facts, the same positions, the same output. Compared on every fixture (the
``auth_*`` apps included, whose auth files take the fast path too), on the benchmark's generated
tree, on generated sources (valid and broken) and on generated FSD trees, with the hidden switch
``FSD_LINT_NO_FAST_PATH=1`` (every file through libcst) as the reference. The auth facts
themselves are compared file by file in ``test_fast_auth.py``.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fsd_lint.engine import RunOptions
from fsd_lint.extraction import NO_FAST_PATH_ENV, routed_facts
from fsd_lint.facts.extract import extract_facts
from fsd_lint.facts.fast import fast_facts
from fsd_lint.facts.positions import by_resolving, node_positions
from fsd_lint.facts.types import FileFacts
from fsd_lint.runner import run
from fsd_lint.selection import Overrides
from tests.conftest import REPO, run_cli, write_tree

FIXTURES = sorted(path for path in (REPO / "fixtures").iterdir() if path.is_dir())
FIXTURE_SOURCES = sorted((REPO / "fixtures").rglob("*.py"))


def libcst_facts(source: bytes) -> FileFacts:
    """The reference: libcst's facts without the auth part (the fast path has none without
    options)."""
    return dataclasses.replace(extract_facts(source), auth=None)


def cpython_accepts(source: bytes) -> bool:
    try:
        compile(source, "<source>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return True


def check_same_facts(source: bytes) -> FileFacts | None:
    """The fast facts of ``source`` equal libcst's, or the fast path declines; a file libcst
    cannot parse must never get fast facts (its syntax error would pass silently)."""
    fast = fast_facts(source, source.decode("utf-8", errors="replace"))
    reference = libcst_facts(source)
    if reference.failure is not None and not cpython_accepts(source):
        # A file CPython itself accepts but libcst refuses (e.g. ``[x for* _ in y]``) is
        # libcst's limitation, not the user's syntax error: the fast path may analyse it.
        assert fast is None, f"libcst fails ({reference.failure}) but the fast path does not"
    if fast is not None and reference.failure is None:
        assert fast == reference
    return fast


# -- fixtures and real code -------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURE_SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_fast_facts_equal_libcst_facts_on_every_fixture_file(path: Path) -> None:
    source = path.read_bytes()
    fast = check_same_facts(source)
    if libcst_facts(source).failure is None:
        assert fast is not None, "valid Python this Python parses should take the fast path"


def test_fast_facts_equal_libcst_facts_on_the_package_itself() -> None:
    sources = sorted((REPO / "fsd_lint").rglob("*.py"))
    assert len(sources) > 30
    for path in sources:
        assert check_same_facts(path.read_bytes()) is not None, path


@pytest.mark.parametrize("path", FIXTURE_SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_cheap_positions_equal_libcsts_positions(path: Path) -> None:
    try:
        module = cst.parse_module(path.read_bytes())
    except cst.ParserSyntaxError:
        pytest.skip("a deliberate syntax error")
    assert dict(node_positions(module)) == dict(by_resolving(module))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
@pytest.mark.parametrize("selection", [[], ["--select", "ALL"]], ids=["default", "all"])
def test_fixture_output_is_identical_without_the_fast_path(
    fixture: Path, selection: list[str]
) -> None:
    args = ["check", "--output-format", "json", "--no-cache", *selection]
    fast = run_cli(args, cwd=fixture)
    slow = run_cli(args, cwd=fixture, env={NO_FAST_PATH_ENV: "1"})
    assert fast.returncode == slow.returncode
    assert fast.stdout == slow.stdout
    assert fast.json() == slow.json()


def test_benchmark_tree_output_is_identical_without_the_fast_path(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    generate.generate("S", tmp_path / "tree")
    args = ["check", "--output-format", "json", "--no-cache", "--select", "ALL"]
    fast = run_cli(args, cwd=tmp_path / "tree")
    slow = run_cli(args, cwd=tmp_path / "tree", env={NO_FAST_PATH_ENV: "1"})
    assert fast.json(), "the generated tree has planted violations"
    assert (fast.returncode, fast.stdout) == (slow.returncode, slow.stdout)


def test_the_switch_sends_every_file_through_libcst(monkeypatch: pytest.MonkeyPatch) -> None:
    source = b"import os\n"
    assert routed_facts(source, auth=False)[1] == "fast"
    monkeypatch.setenv(NO_FAST_PATH_ENV, "1")
    assert routed_facts(source, auth=False)[1] == "libcst"


@pytest.mark.parametrize("source", [
    b"import os\nx = = 1\n",  # a syntax error: libcst reports it
    b"# -*- coding: latin-1 -*-\nimport os\nname = '\xe9'\n",  # another encoding
    b"import os\x00\n",  # a NUL byte
    b"type Alias = int\nimport os\n",  # newer syntax than this Python parses
    b"import_module(f'{import_module(\"a\")}')\n",  # a dynamic import inside an f-string
    b"x = " + b"(" * 150 + b"1" + b")" * 150 + b"\nimport os\n",  # deep: libcst may refuse
])
def test_the_fast_path_declines_what_it_cannot_be_sure_of(source: bytes) -> None:
    if source.startswith(b"type ") and sys.version_info >= (3, 12):
        pytest.skip("this Python parses type aliases")
    assert fast_facts(source, source.decode("utf-8", errors="replace")) is None


def test_files_needing_auth_analysis_take_the_fast_path_with_their_auth_facts(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    source = b"import httpx\n\ndef load():\n    return httpx.get('/items')\n"
    facts, route = routed_facts(source)
    assert route == "fast-auth"
    assert facts.auth is not None and facts == extract_facts(source)
    assert routed_facts(source, auth=False)[1] == "fast"
    unsure = b"import httpx\n\ndef reset(self):\n    (self.access_token) = None\n"
    assert routed_facts(unsure)[1] == "libcst-auth"
    monkeypatch.setenv(NO_FAST_PATH_ENV, "1")
    assert routed_facts(source)[1] == "libcst"


# -- generated sources -------------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "pkg", "x", "TYPE_CHECKING", "typing", "t", "mod", "api"])
DOTTED = st.lists(NAMES, min_size=1, max_size=3).map(".".join)


@st.composite
def import_statement(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        items = draw(st.lists(st.tuples(DOTTED, st.none() | NAMES), min_size=1, max_size=3))
        return "import " + ", ".join(f"{m} as {a}" if a else m for m, a in items)
    dots = "." * draw(st.integers(0, 3))
    module = draw(st.none() | DOTTED) if dots else draw(DOTTED)
    source = dots + (module or "")
    if kind == 1:
        return f"from {source} import *"
    names = draw(st.lists(st.tuples(NAMES, st.none() | NAMES), min_size=1, max_size=3))
    listed = ", ".join(f"{n} as {a}" if a else n for n, a in names)
    if kind == 2:
        return f"from {source} import ({listed},)" if draw(st.booleans()) else \
            f"from {source} import (\n    {listed}\n)"
    if kind == 3:
        return f"from {source} \\\n    import {listed}"
    return f"from {source} import {listed}"


STRINGS = st.sampled_from(['"a.b"', "'.b'", '"..x"', '"a" "b"', 'f"a"', 'b"a"', '"""x.y"""',
                           '("p")', "'.'", '""'])


@st.composite
def dynamic_import(draw: st.DrawFn) -> str:
    callee = draw(st.sampled_from(["importlib.import_module", "import_module", "__import__",
                                   "other.import_module", "lib.importlib.import_module"]))
    args = draw(st.lists(st.one_of(
        STRINGS, NAMES, st.just("__package__"), st.just("*rest"), st.just("**options"),
        st.integers(-1, 3).map(str), st.just("True"),
        st.sampled_from(["package=", "level=", "name="]).flatmap(
            lambda keyword: st.one_of(STRINGS, NAMES, st.just("__package__"),
                                      st.integers(0, 2).map(str)).map(lambda v: keyword + v)),
    ), max_size=5))
    return f"{callee}({', '.join(args)})"


TARGETS = st.sampled_from(["x", "a, b", "(a, b)", "[a, *b]", "a.b", "a[0]", "*c, d", "t"])
SIMPLE = st.one_of(
    import_statement(),
    dynamic_import().map(lambda call: f"value = {call}"),
    dynamic_import(),
    dynamic_import().map(lambda call: f"print([{call} for _ in ()])"),
    TARGETS.map(lambda target: f"{target} = 1"),
    st.sampled_from(["x: int = 1", "x: int", "x += 1", "a = b = 2", "(y := 3)", "pass",
                     "del x", "global g", "return", "raise", "'import os'",
                     "s = 'from a import b'  # import c", "# from x import y",
                     "x = 1  # noqa: FSD101", "y = 2  # fsd-lint: ignore[FSD102]",
                     "lambda: __import__('q')", "import os; import sys",
                     "from . import (a,\n    b)  # noqa"]),
)


@st.composite
def block(draw: st.DrawFn, depth: int = 0) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 3 and draw(st.integers(0, 3)) == 0:
            header = draw(st.sampled_from([
                "if TYPE_CHECKING:", "if typing.TYPE_CHECKING:", "if t.TYPE_CHECKING:",
                "if x:", "for a, b in c:", "async for a in c:", "while x:", "with a as (b, c):",
                "with a, b as c:", "def f(x=__import__('p')):", "async def g():",
                "class C(Base):", "@decorate(import_module('deco'))\ndef h():", "try:",
                "match x:",
            ]))
            body = draw(block(depth + 1))
            lines.append(header)
            if header == "match x:":
                lines += ["    case 1:", *("        " + line for line in body)]
                lines += ["    case _:", "        pass"]
                continue
            lines += ["    " + line for line in body]
            if header == "try:":
                handler = draw(st.sampled_from(["except E:", "except* E:", "finally:"]))
                lines += [handler, *("    " + line for line in draw(block(depth + 1)))]
            elif header.startswith(("if ", "for ", "while ")) and draw(st.booleans()):
                tail = draw(st.sampled_from(["else:", "elif TYPE_CHECKING:", "elif y:"]))
                if not header.startswith("if ") and tail.startswith("elif"):
                    tail = "else:"
                lines += [tail, *("    " + line for line in draw(block(depth + 1)))]
        else:
            for line in draw(SIMPLE).split("\n"):
                lines.append(line)
    return lines


@st.composite
def python_source(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(["", "# fsd-lint: skip-file\n", '"""Docstring."""\n',
                                 "# -*- coding: utf-8 -*-\n", "\ufeff"]))
    text = head + "\n".join(draw(block())) + "\n"
    return text.replace("\n", "\r\n") if draw(st.integers(0, 9)) == 0 else text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(python_source())
def test_fast_facts_equal_libcst_facts_on_generated_sources(text: str) -> None:
    check_same_facts(text.encode("utf-8"))


@st.composite
def broken_source(draw: st.DrawFn) -> str:
    text = draw(python_source())
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(0, len(text)))
        edit = draw(st.integers(0, 2))
        if edit == 0:
            text = text[:position] + text[position + 1:]
        else:
            piece = draw(st.sampled_from(["(", ")", "[", ":", "'", '"', '"""', "\\", "#",
                                          "\n", " ", "  ", "\t", "=", ",", "import", "*"]))
            text = text[:position] + piece + text[position:]
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_source())
def test_broken_sources_never_get_fast_facts_that_libcst_would_refuse(text: str) -> None:
    check_same_facts(text.encode("utf-8"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(python_source())
def test_cheap_positions_equal_libcsts_on_generated_sources(text: str) -> None:
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return
    assert dict(node_positions(module)) == dict(by_resolving(module))


# -- generated trees ---------------------------------------------------------------------------

SLICES = {
    "entities": ["user", "cart"],
    "features": ["login", "basket"],
    "widgets": ["header"],
    "pages": ["home"],
}
MODULES = [f"shop/{layer}/{name}/{segment}/{stem}.py" for layer, names in SLICES.items()
           for name in names for segment, stem in (("model", "store"), ("ui", "view"))]
MODULES += ["shop/shared/api/client.py", "shop/shared/lib/text.py", "shop/app/main/run.py"]


def _module_name(path: str) -> str:
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


TREE_IMPORTS = st.one_of(
    st.sampled_from(MODULES).map(lambda p: f"import {_module_name(p)}"),
    st.sampled_from(MODULES).map(
        lambda p: f"from {_module_name(p).rpartition('.')[0]} import {p.split('/')[-1][:-3]}"),
    st.sampled_from([f"shop.{layer}.{name}" for layer, names in SLICES.items()
                     for name in names]).map(lambda m: f"from {m} import Thing"),
    st.sampled_from(["from .. import Thing", "from ..model import store", "from . import x",
                     "from ...login import Thing", "from ..ui.view import render",
                     "from shop.shared.api import client", "from shop.entities import *",
                     "import_module('shop.features.login')", "import os",
                     "__import__('shop.pages.home', None, None, [], 0)",
                     "import_module('..basket', package='shop.features.login')",
                     "from shop.features.login.model.store import Thing  # noqa: FSD103",
                     "x = (  # a syntax error"]),
)


@st.composite
def fsd_tree(draw: st.DrawFn) -> dict[str, str]:
    files = {"pyproject.toml": '[tool.fsd-lint]\nroot = "shop"\n'}
    for path in MODULES:
        lines = draw(st.lists(TREE_IMPORTS, max_size=4))
        if draw(st.integers(0, 5)) == 0:
            lines = ["if TYPE_CHECKING:", *("    " + line for line in lines or ["pass"])]
        files[path] = "\n".join(["Thing = 1", *lines]) + "\n"
    for layer, names in SLICES.items():
        for name in names:
            exports = draw(st.lists(st.sampled_from(
                ["from .model.store import Thing", "from .model import *", "from . import ui",
                 "Thing = None", "__all__ = ['Thing']"]), max_size=2, unique=True))
            files[f"shop/{layer}/{name}/__init__.py"] = "\n".join(exports) + "\n"
    return files


@contextmanager
def fast_path(enabled: bool) -> Iterator[None]:
    previous = os.environ.pop(NO_FAST_PATH_ENV, None)
    if not enabled:
        os.environ[NO_FAST_PATH_ENV] = "1"
    try:
        yield
    finally:
        os.environ.pop(NO_FAST_PATH_ENV, None)
        if previous is not None:
            os.environ[NO_FAST_PATH_ENV] = previous


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fsd_tree())
def test_generated_trees_give_identical_diagnostics_without_the_fast_path(
    files: dict[str, str]
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        top = write_tree(Path(directory), files)
        for segment_dir in {Path(p).parent for p in MODULES}:
            for package in (segment_dir, *segment_dir.parents):
                init = top / package / "__init__.py"
                if package != Path(".") and not init.exists():
                    init.write_text("", encoding="utf-8")
        options = RunOptions(overrides=Overrides(select=("ALL",)), use_cache=False)
        outcomes = []
        for enabled in (True, False):
            with fast_path(enabled):
                outcome = run([top.resolve()], options)
            outcomes.append([(d.code, d.path, d.span, d.message, d.fix)
                             for d in outcome.diagnostics])
        assert outcomes[0] == outcomes[1]
