"""The fast path's auth facts (``facts.fast_auth*``, over CPython's ``ast``) must equal libcst's
(``facts.auth``, the analyzer of record) for every file it does not give up on: compared on every
fixture file, on the sources the auth tests use, on the benchmark's generated tree, on generated
auth-ish modules and with other settings; files it cannot be sure of go through libcst. The
generated tree's auth files must actually take the fast path: the speed-up cannot silently
vanish. (The CLI output with and without the fast path is compared in ``test_fast_path.py``.)
"""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fsd_lint.extraction import NO_FAST_PATH_ENV, routed_facts
from fsd_lint.facts.auth_words import needs_auth_analysis
from fsd_lint.facts.extract import extract_facts
from fsd_lint.facts.fast import fast_facts
from fsd_lint.facts.options import FactOptions
from fsd_lint.facts.types import FileFacts
from tests.conftest import REPO

FIXTURE_SOURCES = sorted((REPO / "fixtures").rglob("*.py"))
OPTIONS = [
    FactOptions(),
    FactOptions(token_pattern=r"ticket|(?:access_|refresh_)?tokens?", reset_pattern=r"drop_\w+",
                api_client_names=("backend", "api.call"), http_libraries=("httpx", "niquests"),
                refresh_endpoints=("/renew$",), logout_endpoints=("/bye$",)),
]


def check_same_auth(source: bytes, options: FactOptions = OPTIONS[0]) -> FileFacts | None:
    """The fast facts of ``source``, auth included, equal libcst's, or the fast path declines."""
    fast = fast_facts(source, source.decode("utf-8", errors="replace"), options)
    reference = extract_facts(source, options=options)
    if fast is not None and reference.failure is None:
        assert fast.auth == reference.auth
        assert fast == reference
    return fast


def _auth_test_sources() -> list[str]:
    """The modules written out in the auth tests (string literals that are Python programs
    the text gate lets through)."""
    found: set[str] = set()
    for path in sorted((REPO / "tests" / "auth").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                    "\n" in node.value):
                text = textwrap.dedent(node.value)
                try:
                    ast.parse(text)
                except SyntaxError:
                    continue
                if needs_auth_analysis(text):
                    found.add(text)
    return sorted(found)


AUTH_TEST_SOURCES = _auth_test_sources()


# -- real code ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURE_SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_fast_auth_facts_equal_libcst_on_every_fixture_file(path: Path) -> None:
    source = path.read_bytes()
    fast = check_same_auth(source)
    if extract_facts(source).failure is None:
        assert fast is not None, "fixture code should take the fast path"


def test_the_auth_tests_sources_are_found() -> None:
    assert len(AUTH_TEST_SOURCES) > 50


@pytest.mark.parametrize("options", OPTIONS, ids=["default", "custom"])
def test_fast_auth_facts_equal_libcst_on_the_auth_tests_sources(options: FactOptions) -> None:
    declined = [text for text in AUTH_TEST_SOURCES
                if check_same_auth(text.encode(), options) is None]
    assert len(declined) <= len(AUTH_TEST_SOURCES) // 20, declined


def test_fast_auth_facts_equal_libcst_on_the_package_itself() -> None:
    for path in sorted((REPO / "fsd_lint").rglob("*.py")):
        check_same_auth(path.read_bytes())


def _generate(size: str, out: Path) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    generate.generate(size, out)


def test_the_generated_trees_auth_files_take_the_fast_path_with_libcsts_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The S tree is written like the M tree the benchmark measures: if its auth files stop
    taking the fast path, the cold run loses most of what this path saves."""
    _generate("S", tmp_path / "tree")
    routes: dict[str, int] = {}
    for path in sorted((tmp_path / "tree").rglob("*.py")):
        source = path.read_bytes()
        facts, route = routed_facts(source)
        routes[route] = routes.get(route, 0) + 1
        if route == "fast-auth":
            assert facts == extract_facts(source), path
    assert routes.get("fast-auth", 0) > 20
    assert set(routes) == {"fast", "fast-auth"}, routes
    monkeypatch.setenv(NO_FAST_PATH_ENV, "1")
    assert {routed_facts(path.read_bytes())[1]
            for path in (tmp_path / "tree").rglob("*.py")} == {"libcst"}


# -- what the fast path takes, and what it leaves to libcst ------------------------------------

HEAD = "import httpx\nfrom shop.shared.api import client\n\n\n"


@pytest.mark.parametrize("body", [
    "def f(self, r):\n    self.access_token = None\n    del self._tokens['refresh_token']\n",
    "def f(store, t):\n    store.set('access_token', t)\n    store.pop('refresh_token')\n",
    "def f(self, t):\n    self.token += t\n    a.token, b = t, 1\n    (a, b), c.token = t\n",
    "def f(d):\n    del d.x, d['access_token']\n    del (d.y, d.access_token)\n",
    "def f():\n    r = httpx.post(f'{BASE}/auth/refresh?x={{1}}\\n', json={'a': 1})\n"
    "    if r.status_code != 200 and r.ok:\n        raise ValueError(f'{r=}')\n",
    "def f():\n    if f'{x}' 'y' in data:\n        return client.post('/logout')\n",
    "class Tokens(TypedDict):\n    token: str\n\n\nTypeAdapter(Tokens)\n",
    "class A: x = attr.ib(validator=v); token = compute()\n",
    "def f(r):\n    if r.status_code == 0x190 or r.status in (4_01, 0o623):\n        return 1\n",
    "def f(self):\n    s = sorted(t, key=lambda a, /, b=refresh(), *c, d, **e: 0)\n"
    "    return [save(t) for t in tokens if t], {k: v for k, v in items}\n",
    "def f(x):\r\n    client.post(f'''/a/{x}''')\r\n    client.post(rf'/a/\\d{x:{w}}')\r\n"
    "    client.post(f'/a/{\"}\"}' f'{x!r}', *a, url='/b')\r\n"
    "    client.post(f'/it\\'s/{x}')\r\n    return client.post(url=path, *rest)\r\n",
])
def test_common_auth_code_takes_the_fast_path(body: str) -> None:
    fast = check_same_auth((HEAD + body).encode())
    assert fast is not None and fast.auth is not None


@pytest.mark.parametrize("body", [
    "def f(self):\n    (self.access_token) = None\n",  # libcst's code has the parentheses
    "def f(self):\n    del (self.access_token)\n",
    "def f(d):\n    del d.x, (d.access_token)\n",
    "def f(store, t):\n    (store.set)('access_token', t)\n",
    "def f(store, t):\n    return f'{store.set(\"access_token\", t)}'\n",  # 3.11 f-string positions
])
def test_what_only_libcst_can_tell_goes_to_libcst(body: str) -> None:
    source = (HEAD + body).encode()
    if "f'{" in body and sys.version_info >= (3, 12):
        pytest.skip("f-string positions are reliable from Python 3.12")
    assert fast_facts(source, source.decode(), FactOptions()) is None
    _, route = routed_facts(source)
    assert route == "libcst-auth"


def test_without_options_the_fast_path_gathers_no_auth_facts() -> None:
    source = (HEAD + "def f(self):\n    self.access_token = None\n").encode()
    facts = fast_facts(source, source.decode())
    assert facts is not None and facts.auth is None
    assert routed_facts(source, auth=False)[1] == "fast"


# -- generated modules -------------------------------------------------------------------------

IMPORTS = st.sampled_from([
    "import httpx", "import requests", "import requests as rq", "from httpx import AsyncClient",
    "import aiohttp", "from shop.shared.api import client, post, api, ApiError",
    "from .store import token_store, save_tokens, clear_tokens", "from pydantic import BaseModel",
    "import attr", "from dataclasses import dataclass", "from typing import TypedDict",
    "from pydantic import TypeAdapter", "import os", "from urllib.parse import urljoin",
    "from .backend import backend", "import niquests",
])
MODULE_LINES = st.sampled_from([
    'BASE = "https://api.example.com"', 'REFRESH_URL = "/auth/refresh"', "TOKEN = None",
    "client = httpx.Client()", "session = requests.Session()", 'access_token = ""',
    "token = load()", "backend = Backend()", 'TOKEN_KEY = "access_token"',
])
URLS = st.sampled_from([
    '"/auth/refresh"', 'f"{BASE}/auth/refresh"', 'f"{BASE}/items?page={page}"', "REFRESH_URL",
    'BASE + "/logout"', 'urljoin(BASE, "/auth/refresh")', "url", 'f"{x=}/bye"',
    'f"a{{b}}/renew"', '"/a" f"{b}"', 'f"/x/{d[\'k\']:>{w}}"', '"/api/" "logout"', "path",
])
CALLEES = st.sampled_from([
    "httpx.post", "requests.get", "rq.request", "client.post", "session.get", "api.post",
    "post", "self._http.post", "await client.get", "await s.post", "backend.get",
    "backend", "api.call", "niquests.post", "ApiError", "self.get", "(await c.get)",
])
VALUES = st.sampled_from([
    "None", '""', "b''", "[]", "{}", "dict()", '"" ""', "t", "data['access_token']",
    "r.json()['refresh']", "tokenize(text)", "Field(default=None)", "1", "(1, 'a')", "x.token",
])
TARGETS = st.sampled_from([
    "self.access_token", "self._tokens['refresh_token']", "session['jwt']", "TOKEN",
    "token", "os.environ['API_TOKEN']", "a.token, b", "(self.token)", "self.ticket",
    "payload['token']", "store[TOKEN_KEY]", "self.cache.token",
])
TESTS = st.sampled_from([
    "r.status_code != 200", "not r.ok", "r.status_code in (401, 403)", "resp is None",
    '"error" in data', "r.status_code >= 400 and x", "not (r.ok or retry)", "True",
    "r.is_error", "r.getcode() == 200", "tokens", "await check()",
    "r.status < HTTPStatus.OK", 'f"{x}" in data', "r.status_code == 2_00", "r.ok == None",
])


@st.composite
def simple_statement(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 12))
    if kind == 0:
        return f"{draw(TARGETS)} = {draw(VALUES)}"
    if kind == 1:
        method = draw(st.sampled_from(["set", "save", "pop", "delete", "update", "clear",
                                       "set_password", "reset", "write_text", "drop_all"]))
        args = draw(st.sampled_from(["'access_token', t", "key='token', value=v", "t",
                                     "{'refresh_token': r}", "'token'", "", "TOKEN_KEY, None",
                                     "*rest, name='jwt'", "name='jwt', *rest"]))
        obj = draw(st.sampled_from(["store", "self._store", "token_store", "cache", "keyring",
                                    "payload", "(store)"]))
        return f"{obj}.{method}({args})"
    if kind == 2:
        return draw(st.sampled_from([
            "save_tokens(pair)", "save_tokens(None)", "clear_tokens()", "logout()",
            "setattr(self, 'token', v)", "del self.access_token", "del (self.token)",
            "del session['jwt'], x", "global TOKEN", "TOKEN = t", "self.token += 'x'",
            "r.raise_for_status()", "(await client.get('/me')).raise_for_status()",
            "TypeAdapter(Tokens)", "reset_session()", "forget_token(t)", "x: int",
            "self.session = requests.Session()", "self.client = client", "pass",
        ]))
    if kind == 3:
        target = draw(st.sampled_from(["r = ", "resp = ", "tokens = ", "", "return "]))
        args = draw(st.sampled_from(["", ", json={'grant_type': 'refresh_token'}",
                                     ", data=dict(grant_type='refresh_token')", ", *rest",
                                     ", **{'grant_type': 'refresh_token'}", ", timeout=3"]))
        first = draw(st.sampled_from(["", "'POST', "]))
        return f"{target}{draw(CALLEES)}({first}{draw(URLS)}{args})"
    if kind == 4:
        return draw(st.sampled_from([
            "return r.json()", "return None", "raise ApiError(f'failed {r.status_code}')",
            "raise", "return", "x = [save(t) for t in tokens if t]", "y = {k: v for k, v in d}",
            "f = lambda a, /, b=refresh(), *c, d=logout(), **e: 0", "z = a if refresh() else b",
            "w = (n := refresh())", "yield token", "data = {'token': t, **rest}", "lst = []",
            "assert refresh()", "v = x[refresh():2, 3]", "print(f'{token!r:>{width}}')",
            "return {'access_token': t}", "u = await refresh()", "s = c.post(url=base, *a)",
        ]))
    if kind == 5:
        return f"self.client = {draw(CALLEES)}({draw(URLS)})"
    return f"{draw(TARGETS)} = {draw(CALLEES)}({draw(URLS)})" if kind == 6 else (
        f"{draw(st.sampled_from(['r', 'tokens', 'data']))} = {draw(VALUES)}")


@st.composite
def block(draw: st.DrawFn, depth: int = 0) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 3 and draw(st.integers(0, 3)) == 0:
            header = draw(st.sampled_from([
                f"if {draw(TESTS)}:", "try:", "for attempt in range(3):", "while not done:",
                "async with httpx.AsyncClient() as c:", "with open(p) as f, lock:",
                "match r.status_code:", "def inner():", "async def inner(client: httpx.Client):",
            ]))
            body = draw(block(depth + 1))
            lines.append(header)
            if header.startswith("match"):
                lines += ["    case 200:", *("        " + line for line in body)]
                lines += ["    case _:", *("        " + line for line in draw(block(depth + 1)))]
                continue
            lines += ["    " + line for line in body]
            if header == "try:":
                handler = draw(st.sampled_from(["except httpx.HTTPError:", "except* E:",
                                                "finally:", "except Exception as error:"]))
                lines += [handler, *("    " + line for line in draw(block(depth + 1)))]
                if draw(st.booleans()) and not handler.startswith("finally"):
                    lines += ["else:", *("    " + line for line in draw(block(depth + 1)))]
            elif header.startswith(("if ", "for ", "while ")) and draw(st.booleans()):
                tail = f"elif {draw(TESTS)}:" if header.startswith("if ") else "else:"
                lines += [tail, *("    " + line for line in draw(block(depth + 1)))]
        else:
            lines.append(draw(simple_statement()))
    return lines


@st.composite
def definition(draw: st.DrawFn) -> list[str]:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        header = draw(st.sampled_from(["def refresh(self, t):", "async def renew(r):",
                                       "def sign_out():", "def load(page, url):"]))
        return [header, *("    " + line for line in draw(block(1)))]
    if kind == 1:
        return [draw(st.sampled_from([
            "class Tokens(BaseModel):\n    access_token: str",
            "class Session(requests.Session):\n    def get(self, u):\n        return self.post(u)",
            "@dataclass\nclass P:\n    def __post_init__(self):\n        raise ValueError",
            "@attr.s\nclass A:\n    x = attr.ib(validator=v)",
            "@attr.s\nclass A: x = attr.ib(validator=v)",
            "class T(TypedDict):\n    token: str",
            "class Store:\n    token = None\n    def save(self, t):\n        self.token = t",
            "class Api:\n    def __init__(self, client: httpx.Client):\n"
            "        self.client = client\n    def me(self):\n"
            "        return self.client.get('/me')",
            "class Sub(Tokens):\n    pass", "class Model(msgspec.Struct): pass",
        ]))]
    header = draw(st.sampled_from(["class Store:", "class Client(httpx.Client):",
                                   "class Auth(Base):"]))
    methods = [draw(st.sampled_from(["def __init__(self):", "def refresh(self):",
                                     "async def logout(self, /, x):", "def clear(cls):"]))
               for _ in range(draw(st.integers(1, 2)))]
    lines = [header]
    for method in methods:
        lines += ["    " + method, *("        " + line for line in draw(block(2)))]
    if kind == 3:
        lines += ["    " + line for line in draw(block(2))]
    return lines


@st.composite
def auth_module(draw: st.DrawFn) -> str:
    lines = draw(st.lists(IMPORTS, min_size=1, max_size=4, unique=True))
    lines += draw(st.lists(MODULE_LINES, max_size=3))
    for _ in range(draw(st.integers(1, 3))):
        lines += ["", ""] + (draw(definition()) if draw(st.integers(0, 4)) else draw(block(0)))
    return "\n".join(lines) + "\n"


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(auth_module(), st.sampled_from(OPTIONS))
def test_fast_auth_facts_equal_libcst_on_generated_modules(text: str,
                                                            options: FactOptions) -> None:
    check_same_auth(text.encode(), options)
