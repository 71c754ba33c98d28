"""Facts extraction: every kind of import wherever it stands, module-level bindings, and the
same facts with and without positions."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from fsd_lint.diagnostics import Span
from fsd_lint.facts.extract import extract_facts
from fsd_lint.facts.types import FileFacts, ImportFact


def summary(facts: FileFacts) -> list[tuple[object, ...]]:
    return [
        (f.kind, f.level, f.module, tuple(n.name for n in f.names), f.type_checking, f.package)
        for f in facts.imports
    ]


def without_spans(facts: FileFacts) -> tuple[object, ...]:
    """The import facts without their positions, and the bindings."""
    imports = tuple(dataclasses.replace(f, span=None, module_span=None) for f in facts.imports)
    return imports, facts.bound_names


PLACES = b'''\
import typing
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from a.tc import T
elif typing.TYPE_CHECKING:
    import a.tc2
else:
    from a.runtime import R
if not TYPE_CHECKING:
    import a.negated
try:
    from a.fast import F
except ImportError:
    from a.slow import F
else:
    import a.tryelse
finally:
    import a.fin
try:
    pass
except* ValueError:
    import a.trystar
def f():
    from a.infunc import G
    class Inner:
        import a.inclass
class C:
    from a.cls import H
match command:
    case [x]:
        import a.case1
    case _:
        from a.case2 import M
with open("x") as fh:
    import a.inwith
for i in range(3):
    import a.infor
else:
    import a.forelse
while False:
    import a.inwhile
async def g():
    async with lock:
        import a.asyncwith
    async for y in z:
        import a.asyncfor
lazy = lambda: __import__("a.lam")
'''


def test_imports_count_wherever_they_stand() -> None:
    facts = extract_facts(PLACES)
    assert summary(facts) == [
        ("import", 0, "typing", (), False, None),
        ("from", 0, "typing", ("TYPE_CHECKING",), False, None),
        ("from", 0, "a.tc", ("T",), True, None),
        ("import", 0, "a.tc2", (), True, None),
        ("from", 0, "a.runtime", ("R",), False, None),
        ("import", 0, "a.negated", (), False, None),
        ("from", 0, "a.fast", ("F",), False, None),
        ("from", 0, "a.slow", ("F",), False, None),
        ("import", 0, "a.tryelse", (), False, None),
        ("import", 0, "a.fin", (), False, None),
        ("import", 0, "a.trystar", (), False, None),
        ("from", 0, "a.infunc", ("G",), False, None),
        ("import", 0, "a.inclass", (), False, None),
        ("from", 0, "a.cls", ("H",), False, None),
        ("import", 0, "a.case1", (), False, None),
        ("from", 0, "a.case2", ("M",), False, None),
        ("import", 0, "a.inwith", (), False, None),
        ("import", 0, "a.infor", (), False, None),
        ("import", 0, "a.forelse", (), False, None),
        ("import", 0, "a.inwhile", (), False, None),
        ("import", 0, "a.asyncwith", (), False, None),
        ("import", 0, "a.asyncfor", (), False, None),
        ("dynamic", 0, "a.lam", (), False, None),
    ]
    assert [f.ordinal for f in facts.imports] == list(range(len(facts.imports)))


def test_type_checking_blocks_inside_functions_and_classes_count_as_such() -> None:
    facts = extract_facts(
        b"import typing\nclass A:\n    if typing.TYPE_CHECKING:\n        from b import B\n")
    assert summary(facts)[1] == ("from", 0, "b", ("B",), True, None)


def test_relative_and_star_imports() -> None:
    facts = extract_facts(b"from . import a, b as c\nfrom ..x.y import *\nfrom ... import z\n")
    assert summary(facts) == [
        ("from", 1, "", ("a", "b"), False, None),
        ("from", 2, "x.y", ("*",), False, None),
        ("from", 3, "", ("z",), False, None),
    ]
    assert facts.imports[0].names[1].asname == "c"
    assert facts.imports[1].is_star and facts.imports[1].written() == "..x.y"


def test_dynamic_imports_need_literal_names() -> None:
    facts = extract_facts(
        b"import importlib\nfrom importlib import import_module\n"
        b"importlib.import_module('a.b')\n"
        b"import_module(name='a.kw')\n"
        b"import_module('..up', package='p.q.r')\n"
        b"import_module('.here', package=__package__)\n"
        b"import_module('.pos', 'p.q')\n"
        b"__import__('a.c', fromlist=['d'])\n"
        b"__import__('sib', globals(), locals(), [], 2)\n"
        b"__import__('kw', level=1)\n"
        b"import_module(f'a.{b}')\n"
        b"import_module(name)\n"
        b"import_module('.nopackage')\n"
        b"import_module('.x', package=pkg)\n"
        b"import_module('.')\n"
        b"__import__('x', level=lvl)\n"
        b"other.import_module('a.not_importlib')\n"
    )
    assert summary(facts)[2:] == [
        ("dynamic", 0, "a.b", (), False, None),
        ("dynamic", 0, "a.kw", (), False, None),
        ("dynamic", 2, "up", (), False, "p.q.r"),
        ("dynamic", 1, "here", (), False, None),
        ("dynamic", 1, "pos", (), False, "p.q"),
        ("dynamic", 0, "a.c", (), False, None),
        ("dynamic", 2, "sib", (), False, None),
        ("dynamic", 1, "kw", (), False, None),
    ]


def test_module_level_bindings() -> None:
    facts = extract_facts(
        b"from typing import TYPE_CHECKING\n"
        b"import a.b\n"
        b"import c.d as e\n"
        b"from .f import g, h as i\n"
        b"from .star import *\n"
        b"j = k = 1\n"
        b"l, (m, *n) = 1, (2, 3)\n"
        b"o: int = 1\n"
        b"p: int\n"
        b"q += 1\n"
        b"def r(): import inner\n"
        b"class S:\n    t = 1\n"
        b"if TYPE_CHECKING:\n    from u import v\n"
        b"try:\n    import w\nexcept ImportError:\n    w = None\n"
        b"for x in []: pass\n"
        b"with y() as z: pass\n"
        b"type Alias = int\n"
        b"__all__ = ['nothing_else']\n"
    )
    assert facts.bound_names == frozenset({
        "TYPE_CHECKING", "a", "e", "g", "i", "j", "k", "l", "m", "n", "o", "q", "r", "S", "w",
        "x", "z", "Alias", "__all__",
    })


def test_positions_of_statements_and_module_references() -> None:
    source = (
        b"import os\n"
        b"def f():\n"
        b"    from ..model.store import User  # noqa\n"
        b"import shop.entities.user as user, json\n"
        b"x = importlib.import_module('shop.pages')\n"
    )
    facts = extract_facts(source, with_positions=True)
    relative = facts.imports[1]
    assert relative.span == Span(3, 5, 3, 35)
    assert relative.module_span == Span(3, 10, 3, 23)  # `..model.store`
    first, second = facts.imports[2], facts.imports[3]
    assert first.module_span == Span(4, 8, 4, 26)  # `shop.entities.user`
    assert second.module_span == Span(4, 36, 4, 40)  # `json`
    assert first.span == second.span == Span(4, 1, 4, 40)
    dynamic = facts.imports[4]
    assert dynamic.span == Span(5, 5, 5, 42)
    assert dynamic.module_span == Span(5, 29, 5, 41)  # the string literal, quotes included
    assert without_spans(facts) == without_spans(extract_facts(source))


def test_an_unparsable_file_has_a_failure_and_no_imports() -> None:
    facts = extract_facts(b"import a\ndef broken(:\n")
    assert facts.failure is not None and facts.imports == ()
    assert facts.failure.span.line == 2


# --- property: the same facts with and without positions ------------------------------------

names = st.sampled_from(["a", "b.c", "shop.entities.user", "x_y", "pkg.mod"])


@st.composite
def import_line(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["import", "from", "relative", "dynamic", "star", "assign"]))
    module = draw(names)
    if kind == "import":
        alias = draw(st.sampled_from(["", " as alias"]))
        return f"import {module}{alias}"
    if kind == "from":
        return f"from {module} import name, other as renamed"
    if kind == "relative":
        dots = "." * draw(st.integers(1, 4))
        return f"from {dots}{draw(st.sampled_from(['', module]))} import name"
    if kind == "star":
        return f"from {module} import *"
    if kind == "dynamic":
        return f"importlib.import_module({module!r})"
    return "value = 1"


def block(depth: int) -> st.SearchStrategy[list[str]]:
    line = import_line().map(lambda text: [text])
    if depth == 0:
        return line

    def nest(header: str) -> st.SearchStrategy[list[str]]:
        return st.lists(block(depth - 1), min_size=1, max_size=3).map(
            lambda bodies: [header] + ["    " + text for body in bodies for text in body])

    return st.one_of(
        line,
        nest("if TYPE_CHECKING:"),
        nest("if flag:"),
        nest("def function():"),
        nest("class Holder:"),
        st.tuples(nest("try:"), nest("except ImportError:")).map(lambda p: p[0] + p[1]),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(block(3), min_size=1, max_size=6))
def test_facts_are_the_same_with_and_without_positions(blocks: list[list[str]]) -> None:
    source = ("\n".join(text for lines in blocks for text in lines) + "\n").encode()
    plain = extract_facts(source)
    positioned = extract_facts(source, with_positions=True)
    assert plain.failure is None
    assert without_spans(positioned) == without_spans(plain)
    assert all(f.span is not None and f.module_span is not None for f in positioned.imports)
    assert all(f.span is None for f in plain.imports)
    lines = source.decode().splitlines()
    for fact in positioned.imports:
        assert fact.module_span is not None
        assert isinstance(fact, ImportFact)
        text = lines[fact.module_span.line - 1][
            fact.module_span.column - 1: fact.module_span.end_column - 1]
        if fact.kind == "dynamic":
            assert text.strip("'\"") == fact.written()
        else:
            assert text == fact.written()
