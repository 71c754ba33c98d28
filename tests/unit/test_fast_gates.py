"""The cheap tests the fast path runs on every file give the answers of their plain definitions:
the depth guard (``depth.is_risky``, which bounds its measures in C before counting bracket by
bracket), the text gate of the auth analysis (``needs_auth_analysis``, which searches one pattern
per first letter instead of each word) and the walk for imports (``fast._Walk``, which skips
the bodies of functions and classes whose lines hold no ``import``)."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fsd_lint.facts import depth
from fsd_lint.facts.auth_words import _WORDS, _word_patterns, needs_auth_analysis
from fsd_lint.facts.extract import extract_facts
from fsd_lint.facts.fast import _import_lines, fast_facts
from fsd_lint.facts.options import FactOptions

# -- the depth guard -----------------------------------------------------------------------


def reference_brackets(source: bytes) -> tuple[int, int]:
    """The deepest nesting and longest stretch inside outer brackets, one bracket at a time."""
    depth_now = deepest = longest = start = 0
    for position, byte in enumerate(source):
        if byte in b"([{":
            if depth_now == 0:
                start = position
            depth_now += 1
            deepest = max(deepest, depth_now)
        elif byte in b")]}" and depth_now > 0:
            depth_now -= 1
            if depth_now == 0:
                longest = max(longest, position - start)
    if depth_now > 0:
        longest = max(longest, len(source) - start)
    return deepest, longest


def reference_is_risky(source: bytes) -> bool:
    if len(source) <= depth.DEEP_BRACKETS:
        return False
    if max(map(len, source.split(b"\n"))) > depth.LONG_LINE:
        return True
    deepest, longest = reference_brackets(source)
    return deepest > depth.DEEP_BRACKETS or longest > depth.LONG_SPAN


def check_depth(source: bytes) -> None:
    assert depth.is_risky(source) == reference_is_risky(source)
    assert depth._brackets(source) == reference_brackets(source)  # the exact count it falls to


PIECES = st.one_of(
    st.sampled_from([b"(", b")", b"[", b"]", b"{", b"}", b"\n", b"x = 1\n", b"'('", b"# )\n"]),
    st.integers(1, 2100).map(lambda size: b"a" * size),  # lines near LONG_LINE
    st.integers(90, 110).map(lambda size: b"(" * size + b"\n" + b")" * size),  # near the depth
    st.integers(90, 110).map(lambda size: b"[" * size),  # unmatched openings
    st.integers(1, 60).map(lambda lines: b"b, c,\n" * lines * 30),  # long stretches in brackets
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=40))
def test_the_depth_guard_answers_as_its_plain_definition(pieces: list[bytes]) -> None:
    check_depth(b"".join(pieces))


def test_the_depth_guard_at_its_limits() -> None:
    limit = depth.LONG_SPAN
    for offset in (0, 1, 2_499, 4_999, 5_000, 5_001, 9_999):
        for inside in (limit - 2, limit - 1, limit, limit + 1):
            lines = b"a,\n" * (inside // 3) + b"b" * (inside % 3)
            check_depth(b"#\n" * (offset // 2) + b"(" + lines + b")\n" + b"x = 1\n" * 2_000)
            check_depth(b"x\n" * offset + b"[" + lines)  # never closed
        for length in (depth.LONG_LINE - 1, depth.LONG_LINE, depth.LONG_LINE + 1):
            check_depth(b"y = 2\n" * (offset // 6) + b"z" * length + b"\nw = 3\n" * 500)
            check_depth(b"y = 2\n" * (offset // 6) + b"z" * length)  # no newline at the end
    for levels in (depth.DEEP_BRACKETS, depth.DEEP_BRACKETS + 1):
        check_depth(b"x = " + b"(" * levels + b")" * levels + b"\n")
        check_depth(b")" * 50 + b"(" * (levels - 3) + b"[{" + b"}]" + b")" * 20)
        check_depth(b"s = '" + b"(" * (levels - 2) + b"'\n" + b"f(g(h()))\n" * 20)


# -- the text gate of the auth analysis ----------------------------------------------------


def reference_words(text: str, options: FactOptions) -> bool:
    """The words part of the gate: one of _WORDS or a library's top-level name, in lower case."""
    lower = text.lower()
    return any(word in lower for word in _WORDS) or any(
        library.split(".")[0].lower() in lower for library in options.http_libraries)


TEXT_PIECES = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(_WORDS).map(lambda word: word[:-1]),  # almost a word
    st.sampled_from(_WORDS).map(str.upper),
    st.sampled_from(["\u212a", "K", "x = 1\n", "log", "out", "sign_", "attr", "re", "model",
                     "niquests", "pkg", "api", " ", "\n", "-", "_", "."]),
)
LIBRARIES = st.lists(st.sampled_from(["requests", "httpx", "urllib.request", "niquests",
                                      "Pkg.sub", ".hidden", "attrsy", "x"]), max_size=3)


@settings(max_examples=500, deadline=None)
@given(st.lists(TEXT_PIECES, max_size=12), LIBRARIES)
def test_the_auth_text_gate_finds_a_word_where_the_plain_search_does(
        pieces: list[str], libraries: list[str]) -> None:
    text = "".join(pieces)
    options = FactOptions(http_libraries=tuple(libraries))
    found = reference_words(text, options)
    patterns = _word_patterns(options.http_libraries)
    assert any(pattern.search(text.lower()) for pattern in patterns) == found
    assert needs_auth_analysis(text, options) or not found


def test_the_auth_text_gate_on_each_word() -> None:
    for word in _WORDS:
        assert needs_auth_analysis(f"value = '{word.upper()}'\n")
    assert needs_auth_analysis("t = 'to\u212aen'\n")  # the Kelvin sign lowers to "k"
    assert needs_auth_analysis("import niquests\n", FactOptions(http_libraries=("niquests",)))
    assert not needs_auth_analysis("import niquests\n")
    assert needs_auth_analysis("x = 1\n", FactOptions(http_libraries=(".hidden",)))  # "" is in


# -- the walk for imports ------------------------------------------------------------------

LOCAL_IMPORTS = '''\
"""Nothing important here: no imports of note."""
import os


def first():
    return os.sep


class Holder:
    def method(self):
        from pkg import (
            a,
            b)
        return a, b

    def other(self):
        return "import x"


def later():
    if True:
        def inner():
            import json as js, re
            return js, re
    x = 1
    from . \\
        import sibling
    return x


def last():
    return "importlib, imported, reimport, _import, import_"
'''


def check_imports(text: str) -> None:
    source = text.encode()
    fast = fast_facts(source, text)
    assert fast is not None
    assert fast == dataclasses.replace(extract_facts(source), auth=None)
    assert [fact.module for fact in fast.imports] == ["os", "pkg", "json", "re", ""]


def test_only_the_keyword_counts_as_an_import_line() -> None:
    lines = [2, 11, 17, 23, 27]  # ``return "import x"`` too: a text test cannot tell
    assert _import_lines(LOCAL_IMPORTS.encode()) == (lines, lines)
    lows, highs = _import_lines(LOCAL_IMPORTS.replace("\n", "\r\n").encode())
    assert lows == lines and highs == [2 * line - 1 for line in lines]
    assert _import_lines(b"def f():import a\nx = 1;import b\nif x:\n    import\\\nc\n") == (
        [1, 2, 4], [1, 2, 4])


def test_imports_in_bodies_are_found_whatever_the_line_endings() -> None:
    check_imports(LOCAL_IMPORTS)
    check_imports(LOCAL_IMPORTS.replace("\n", "\r\n"))
    check_imports(LOCAL_IMPORTS.replace("\n", "\r"))
    check_imports(LOCAL_IMPORTS.replace("\n", "\r\n", 12).replace("\n", "\r", 5))
