"""The failure-path verdict of one refresh/logout request (``fsd_lint.rules.auth.flow``), on
the statement trees the facts pass builds. Resets here are those recognisable by their form
(``clear_tokens()``, ``store.clear()``, ``token = None``…); the index adds cross-file ones."""

from __future__ import annotations

import textwrap

import pytest

from fsd_lint.facts.extract import extract_facts
from fsd_lint.facts.options import FactOptions
from fsd_lint.rules.auth.flow import (
    FAILURE_ONLY,
    HANDLER,
    NEVER,
    NO_HANDLING,
    STATUS,
    STATUS_RAISE,
    SUCCESS_ONLY,
    Kind,
    Verdict,
    analyse,
    judge,
)

HEADER = "import httpx\nfrom store import clear_tokens, save_tokens\n\n\n"


def verdict(body: str, kind: Kind = "refresh") -> Verdict:
    source = HEADER + "def f(store):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    auth = extract_facts(source.encode(), options=FactOptions()).auth
    assert auth is not None
    info = next(info for info in auth.functions if info.qualname == "f")
    resets = {write.anchor for write in auth.writes if write.kind == "reset"}
    resets |= {site.anchor for site in info.calls if site.reset}
    endpoint = "/auth/refresh" if kind == "refresh" else "/auth/logout"
    (site,) = [s for s in info.calls if s.request is not None and s.request.url == endpoint]
    flow = analyse(info.body, site.anchor)
    assert flow is not None
    handles_tokens = bool(info.writes) or any(s.reset or s.stores for s in info.calls)
    return judge(flow, kind, resets.__contains__, handles_tokens)


OK, PROPAGATE = Verdict("ok"), Verdict("propagate")


@pytest.mark.parametrize(("body", "expected"), [
    ("""\
        save_tokens(httpx.post("/auth/refresh").json())
     """, Verdict("bad", NO_HANDLING)),
    ("""\
        try:
            try:
                r = httpx.post("/auth/refresh")
            except httpx.TimeoutException:
                raise
        except httpx.HTTPError:
            clear_tokens()
            raise
        save_tokens(r.json())
     """, OK),
    ("""\
        try:
            try:
                r = httpx.post("/auth/refresh")
            except httpx.TimeoutException:
                raise
        except httpx.HTTPError:
            return
        save_tokens(r.json())
     """, Verdict("bad", HANDLER)),
    ("""\
        for attempt in range(3):
            r = httpx.post("/auth/refresh")
            if not r.ok:
                raise RuntimeError("expired")
            save_tokens(r.json())
     """, Verdict("bad", STATUS_RAISE)),
    ("""\
        r = httpx.get("/me")
        if r.status_code == 401:
            renewed = httpx.post("/auth/refresh")
            if renewed.status_code in (401, 403):
                clear_tokens()
                raise RuntimeError("expired")
            save_tokens(renewed.json())
     """, OK),
    ("""\
        with store.lock:
            save_tokens(httpx.post("/auth/refresh").json())
     """, Verdict("bad", NO_HANDLING)),
    ("""\
        try:
            r = httpx.post("/auth/refresh")
        except httpx.HTTPError:
            store.reset()
            raise
        else:
            save_tokens(r.json())
     """, OK),
    ("""\
        if not httpx.post("/auth/refresh").ok:
            clear_tokens()
     """, OK),
    ("""\
        r = httpx.post("/auth/refresh")
        data = r.json()
        if "error" in data:
            store.access_token = None
            return
        save_tokens(data)
     """, OK),
    ("""\
        r = httpx.post("/auth/refresh")
        data = r.json()
        if not data:
            return
        save_tokens(data)
     """, Verdict("bad", STATUS)),
    ("""\
        return httpx.post("/auth/refresh").json()
     """, PROPAGATE),
    ("""\
        r = httpx.post("/auth/refresh")
        r.raise_for_status()
        return r.json()
     """, PROPAGATE),
    ("""\
        try:
            return httpx.post("/auth/refresh")
        except httpx.HTTPError:
            return None
     """, Verdict("propagate", HANDLER)),
    ("""\
        r = httpx.post("/auth/refresh")
        if r.status_code != 200:
            return None
        return r.json()
     """, Verdict("propagate", STATUS)),
    ("""\
        try:
            r = httpx.post("/auth/refresh")
        except httpx.HTTPError:
            raise
        if not r.ok:
            return None
        return r.json()
     """, Verdict("propagate", STATUS)),
    ("""\
        clear_tokens()
        save_tokens(httpx.post("/auth/refresh").json())
     """, OK),
])
def test_refresh(body: str, expected: Verdict) -> None:
    assert verdict(body) == expected


@pytest.mark.parametrize(("body", "expected"), [
    ("""\
        httpx.post("/auth/logout")
        clear_tokens()
     """, Verdict("bad", SUCCESS_ONLY)),
    ("""\
        httpx.post("/auth/logout")
        print("bye")
     """, Verdict("bad", NEVER)),
    ("""\
        try:
            httpx.post("/auth/logout")
        except httpx.HTTPError:
            clear_tokens()
     """, Verdict("bad", FAILURE_ONLY)),
    ("""\
        try:
            httpx.post("/auth/logout")
        except httpx.HTTPError:
            clear_tokens()
            raise
        finally:
            print("done")
        store.clear()
     """, OK),
    ("""\
        try:
            httpx.post("/auth/logout")
        finally:
            store.pop("access_token", None)
     """, OK),
    ("""\
        r = httpx.post("/auth/logout")
        if r.ok:
            clear_tokens()
     """, Verdict("bad", SUCCESS_ONLY)),
    ("""\
        return httpx.post("/auth/logout")
     """, PROPAGATE),
    ("""\
        try:
            return httpx.post("/auth/logout")
        except httpx.HTTPError:
            raise
     """, PROPAGATE),
    ("""\
        r = httpx.post("/auth/logout")
        if not r.ok:
            return None
        return r.json()
     """, Verdict("propagate", NEVER)),
])
def test_logout(body: str, expected: Verdict) -> None:
    assert verdict(body, "logout") == expected
