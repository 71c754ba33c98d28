"""The auth facts of one module (``fsd_lint.facts.auth``): what is recorded, positions only in
the positions pass, and the text test that decides whether the analysis runs at all."""

from __future__ import annotations

import dataclasses
import pickle
import re
import textwrap

import libcst as cst
import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from fsd_lint.facts.auth import analyse
from fsd_lint.facts.auth_types import AuthFacts, RequestInfo, StatusTest
from fsd_lint.facts.auth_words import needs_auth_analysis
from fsd_lint.facts.extract import extract_facts
from fsd_lint.facts.options import FactOptions

from .harness import BASE


def auth_of(source: str, options: FactOptions | None = None,
            with_positions: bool = False) -> AuthFacts:
    facts = extract_facts(textwrap.dedent(source).encode(), with_positions=with_positions,
                          options=options or FactOptions())
    assert facts.auth is not None
    return facts.auth


def forced(source: str, options: FactOptions) -> AuthFacts:
    """The auth facts even when the text test would skip the module."""
    facts = extract_facts(source.encode(), options=options)
    return analyse(cst.parse_module(source), facts.imports, options, None)


def requests_of(auth: AuthFacts) -> list[RequestInfo]:
    return [site.request for info in auth.functions for site in info.calls
            if site.request is not None]


def writes_of(auth: AuthFacts) -> list[tuple[str, str]]:
    return [(write.kind, write.what) for write in auth.writes]


def test_stores_and_resets_are_told_apart() -> None:
    auth = auth_of("""\
        import os
        _token = None
        TOKEN_KEY = "access_token"


        def f(session, value):
            global _token
            _token = value
            _token = None
            session["access_token"] = value
            session["access_token"] = ""
            del session["refresh_token"]
            session.pop("jwt", None)
            os.environ.setdefault("TOKEN", value)
            session.set("token", None)
            local_token = value
            payload = {}
            payload["refresh_token"] = value
            return local_token, payload
        """)
    assert writes_of(auth) == [
        ("store", "`_token = …`"),
        ("reset", "`_token = …`"),
        ("store", '`session["access_token"] = …`'),
        ("reset", '`session["access_token"] = …`'),
        ("reset", '`del session["refresh_token"]`'),
        ("reset", "`session.pop(…)`"),
        ("store", "`os.environ.setdefault(…)`"),
        ("reset", "`session.set(…)`"),
    ]


def test_initial_values_and_field_declarations_are_not_writes() -> None:
    auth = auth_of("""\
        from pydantic import BaseModel, Field


        class Tokens(BaseModel):
            access_token: str = Field(alias="accessToken")
            refresh_token: str | None = None
            token_type = "bearer"


        class Client:
            def __init__(self):
                self._token = None
                self.tokens = []
        """)
    assert auth.writes == ()


@pytest.mark.parametrize(("call", "url", "via", "origin"), [
    ('httpx.post(f"{host}/auth/refresh")', "{}/auth/refresh", "library", "httpx"),
    ('httpx.post(f"{BASE}/auth/refresh")', "https://api.example.com/auth/refresh", "library",
     "httpx"),
    ('h.get(BASE + "/me")', "https://api.example.com/me", "library", "httpx"),
    ("requests.Session().get(URL)", "/auth/logout", "library", "requests"),
    ('urlopen(urljoin(BASE, "/x"))', "{}/x", "library", "urllib.request"),
    ('conn.request("GET", "/status")', "/status", "library", "http.client"),
    ('post("/login", {"a": 1})', "/login", "client", "post"),
    ('api.request("POST", "/token/refresh")', "/token/refresh", "client", "api"),
])
def test_requests_and_their_url_literals(call: str, url: str, via: str, origin: str) -> None:
    auth = auth_of(f"""\
        import http.client
        import httpx
        import httpx as h
        import requests
        from urllib.parse import urljoin
        from urllib.request import urlopen

        from shop.shared import api
        from shop.shared.api import post

        BASE = "https://api.example.com"
        URL = "/auth/logout"
        conn = http.client.HTTPSConnection("example.com")


        def f(host):
            return {call}
        """)
    (request,) = requests_of(auth)
    assert (request.url, request.via, request.origin) == (url, via, origin)


def test_calls_without_a_path_are_not_client_requests() -> None:
    source = textwrap.dedent("""\
        from shop.shared.api import get_user, login


        def f(email):
            login(email, "secret")
            get_user("bob")
            return get_user(email)
        """)
    assert not needs_auth_analysis(source)
    auth = forced(source, FactOptions())
    assert requests_of(auth) == []
    assert [site.callee for site in auth.functions[1].calls] == ["login", "get_user", "get_user"]


def test_status_tests_know_which_branch_is_the_failure() -> None:
    auth = auth_of("""\
        import httpx


        def f():
            r = httpx.get("/x")
            if not r.ok: pass
            if r.status_code != 200: pass
            if r.status_code == 401: pass
            if r.status_code >= 400: pass
            if r.status_code in (200, 201): pass
            if r.status_code not in (200, 201): pass
            if r.is_error: pass
            if r: pass
            if r is None: pass
            if "error" in r: pass
            if r.status == HTTPStatus.OK: pass
        """)
    tests = [node.test for node in auth.functions[1].body[1:]]  # type: ignore[union-attr]
    assert tests == [StatusTest("r", failing) for failing in (
        True, True, True, True, False, True, True, False, True, True, False)]


def test_positions_do_not_change_the_facts_only_add_spans() -> None:
    source = (REPO / "fixtures" / "auth_streamlit" / "src" / "insights" / "pages" / "reports"
              / "ui" / "reports_page.py").read_text(encoding="utf-8")
    without = auth_of(source)
    positioned = auth_of(source, with_positions=True)
    assert without.spans == ()
    assert dataclasses.replace(positioned, spans=()) == without
    anchors = [write.anchor for write in positioned.writes]
    anchors += [site.anchor for info in positioned.functions for site in info.calls]
    anchors += [schema.anchor for schema in positioned.schemas]
    assert anchors and all(0 <= anchor < len(positioned.spans) for anchor in anchors)


def test_def_and_class_anchors_span_the_header_line_only() -> None:
    auth = auth_of("""\
        from pydantic import BaseModel


        @decorator(
            "/x",
        )
        async def load():
            return None


        class Form(BaseModel):
            email: str
        """, with_positions=True)
    load = next(info for info in auth.functions if info.qualname == "load")
    assert load is not None and load.anchor is not None
    span = auth.spans[load.anchor]
    assert (span.line, span.column, span.end_line, span.end_column) == (7, 1, 7, 15)
    form = auth.spans[auth.schemas[0].anchor]
    assert (form.line, form.column, form.end_line, form.end_column) == (11, 1, 11, 11)


def test_facts_are_frozen_and_picklable() -> None:
    facts = extract_facts(textwrap.dedent(BASE["src/shop/shared/api/client.py"]).encode())
    assert pickle.loads(pickle.dumps(facts)) == facts
    assert facts.auth is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.auth.functions = ()  # type: ignore[misc]


# -- the text test ---------------------------------------------------------------------------


def test_a_module_without_any_auth_word_is_not_analysed() -> None:
    source = "from .model import User\n\n\ndef title(user: User) -> str:\n    return user.name\n"
    assert not needs_auth_analysis(source)
    assert extract_facts(source.encode()).auth is None


@pytest.mark.parametrize("source", [
    "x.token = y\n", "import httpx\n", "from requests import get\n",
    "import urllib.request\n", "from http import client\n",
    "from shop.shared.api import get\nget('/me')\n", "from ..api import post\npost(ME_URL)\n",
    "class A(BaseModel): pass\n", "class A(ma.Schema): pass\n", "import msgspec\n",
    "@attr.s\nclass A: pass\n", "post('/auth/refresh')\n", "post('/logout')\n",
    "store.clear()\n", "JWT = f()\n",
])
def test_each_kind_of_finding_makes_a_module_analysed(source: str) -> None:
    assert needs_auth_analysis(source)


def test_importing_endpoint_functions_without_a_path_is_not_analysed() -> None:
    source = "from .api import fetch_orders\n\n\ndef view(user):\n    return fetch_orders(user)\n"
    assert not needs_auth_analysis(source)


def test_configured_words_make_a_module_analysed() -> None:
    source = "def f(session, v):\n    session['ticket'] = v\n    backend.get('/end')\n"
    assert not needs_auth_analysis(source)
    assert needs_auth_analysis(source, FactOptions(token_pattern="ticket"))
    assert needs_auth_analysis(source, FactOptions(api_client_names=("backend",)))
    assert needs_auth_analysis(source, FactOptions(logout_endpoints=("/end$",)))
    assert not needs_auth_analysis(source, FactOptions(logout_endpoints=("/bye$",)))


def _findings(auth: AuthFacts, options: FactOptions) -> bool:
    """Facts that can make a finding in any module: token writes, schemas, resets, HTTP
    library requests, and shared-client calls of a refresh or logout endpoint. (Other client
    calls matter only when the name comes from ``shared/api``: the import names ``api``.)"""
    endpoints = [re.compile(p, re.IGNORECASE)
                 for p in (*options.refresh_endpoints, *options.logout_endpoints)]
    return bool(auth.writes or auth.schemas or any(
        site.reset for info in auth.functions for site in info.calls) or any(
        request.via == "library" or any(p.search(request.url or "") for p in endpoints)
        for request in requests_of(auth)))


_WORDS = st.sampled_from([
    "token", "ticket", "session", "data", "pair", "backend", "api", "client", "x", "jwt",
    "clear", "drop", "end", "renew",
])
_LINES = st.sampled_from([
    "{a}['{b}'] = {c}", "{a}.{b} = {c}()", "{a}.set('{b}', {c})", "{a}.{b}()",
    "{a}.get('/{b}')", "{a}('/{b}', {c})", "class {a}({b}): pass", "{a} = {b}('/{c}')",
    "import {a}", "from {a} import {b}", "del {a}['{b}']",
])


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(st.tuples(_LINES, _WORDS, _WORDS, _WORDS), min_size=1, max_size=6),
    token=_WORDS, reset=_WORDS, endpoint=_WORDS, client=_WORDS,
)
def test_the_text_test_never_skips_a_module_with_something_to_report(
        lines: list[tuple[str, str, str, str]], token: str, reset: str, endpoint: str,
        client: str) -> None:
    source = "\n".join(template.format(a=a, b=b, c=c) for template, a, b, c in lines) + "\n"
    options = FactOptions(token_pattern=token, reset_pattern=reset,
                          logout_endpoints=(f"/{endpoint}$",), api_client_names=(client,),
                          http_libraries=(client,))
    facts = extract_facts(source.encode(), options=options)
    if facts.failure is not None or needs_auth_analysis(source, options):
        return
    assert not _findings(forced(source, options), options), source


def test_the_text_test_keeps_every_fixture_module_with_findings() -> None:
    paths = [path for path in (REPO / "fixtures").glob("auth_*/**/*.py")]
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if not needs_auth_analysis(text):
            assert not _findings(forced(text, FactOptions()), FactOptions()), path
