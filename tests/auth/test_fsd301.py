"""FSD301 token-storage-in-ui-layer, end to end: every storing form of SPEC 5.1, and the
look-alikes that must stay silent."""

from __future__ import annotations

from pathlib import Path

from .harness import assert_marked

STORES = {
    "src/shop/pages/login/ui/streamlit_page.py": """\
        import streamlit as st

        from shop.shared.api import login

        access_token = login("a", "b").json()["access_token"]  # error: [FSD301]


        def submit(email: str, password: str) -> None:
            pair = login(email, password).json()
            st.session_state["access_token"] = pair["access_token"]  # error: [FSD301]
            st.session_state.refresh_token = pair["refresh_token"]  # error: [FSD301]
            st.session_state.update(token=pair["access_token"])  # error: [FSD301]
            setattr(st.session_state, "jwt", pair["access_token"])  # error: [FSD301]
        """,
    "src/shop/pages/login/ui/globals.py": """\
        import os

        _token: str | None = None


        def remember(token: str) -> None:
            global _token
            _token = token  # error: [FSD301]
            os.environ["API_TOKEN"] = token  # error: [FSD301]


        def outer() -> None:
            bearer = ""

            def inner(value: str) -> None:
                nonlocal bearer
                bearer = value  # error: [FSD301]

            inner("x")
        """,
    "src/shop/widgets/header/ui/header.py": """\
        import keyring
        from nicegui import app


        class SessionBox:
            token = keyring.get_password("shop", "token")  # error: [FSD301]

            def __init__(self, token: str) -> None:
                self.refresh_token = token  # error: [FSD301]


        def keep(session: dict[str, str], tok: str) -> None:
            session["access_token"] = tok  # error: [FSD301]
            app.storage.user["token"] = tok  # error: [FSD301]
            keyring.set_password("shop", "refresh_token", tok)  # error: [FSD301]
        """,
    "src/shop/widgets/header/ui/calls.py": """\
        from PySide6.QtCore import QSettings


        def keep(page, response, cache, tok: str, token: str) -> None:
            QSettings().setValue("access_token", tok)  # error: [FSD301]
            page.client_storage.set("token", tok)  # error: [FSD301]
            response.set_cookie("token", tok)  # error: [FSD301]
            response.set_cookie(key="refresh_token", value=tok)  # error: [FSD301]
            cache.setdefault("accessToken", tok)  # error: [FSD301]
            cache.put("id_token", tok)  # error: [FSD301]
            cache.save(token)  # error: [FSD301]
            cache.save(tok)
            cache.update({"auth_token": tok})  # error: [FSD301]
        """,
}

LOOK_ALIKES = {
    "src/shop/pages/search/ui/page.py": """\
        import re
        import secrets

        import streamlit as st

        from shop.shared.api import login
        from shop.shared.auth import access_token, save_tokens

        TOKEN_KEY = "access_token"
        ACCESS_TOKEN = "access_token"
        token_url = "https://auth.example.com/token"
        token_endpoint = token_url + "/v2"
        tokenizer = re.compile(r"[\\w-]+")
        _token: str | None = None
        tokens: list[str] = []


        def tokenize(text: str) -> list[str]:
            return tokenizer.findall(text)


        class Parser:
            def __init__(self, text: str) -> None:
                self.tokens = tokenize(text)
                self.token = None


        def search(text: str) -> list[str]:
            tokens = tokenize(text)
            token = tokens[0] if tokens else ""
            return [token, *tokens]


        def submit(email: str, password: str) -> None:
            save_tokens(login(email, password).json())
            st.session_state["email"] = email
            state = secrets.token_urlsafe(16)
            st.session_state["oauth_state"] = state


        def headers() -> dict[str, str]:
            token = access_token()
            payload = {}
            payload["refresh_token"] = st.session_state["refresh_token"]
            return {"Authorization": f"Bearer {token}", **payload}


        def sign_out() -> None:
            global _token
            _token = None
            st.session_state["access_token"] = None
            st.session_state.refresh_token = ""
            del st.session_state["jwt"]
            st.session_state.pop("token", None)
        """,
    "src/shop/pages/search/ui/models.py": """\
        from dataclasses import dataclass, field

        from pydantic import Field


        @dataclass
        class Credentials:
            access_token: str | None = None
            tokens: list[str] = field(default_factory=list)


        class TokenView:
            access_token: str = Field(alias="accessToken")
            token_type = "bearer"
        """,
    "src/shop/features/auth/model/store.py": """\
        _token: str | None = None


        def remember(token: str) -> None:
            global _token
            _token = token
        """,
    "src/shop/entities/user/model/session.py": """\
        class Session:
            def __init__(self, token: str) -> None:
                self.token = token
        """,
}


def test_every_storing_form_in_pages_and_widgets_is_reported(tmp_path: Path) -> None:
    output = assert_marked(tmp_path, STORES)
    first = next(d for d in output if d["line"] == 5 and "streamlit_page" in d["path"])
    assert first["column"] == 1
    assert "`access_token = …`" in first["message"]
    assert "`pages/login`" in first["message"]
    assert "shared/auth" in first["message"] and "entities/user/model" in first["message"]
    assert all(d["severity"] == "error" and d["rule"] == "token-storage-in-ui-layer"
               for d in output)


def test_reads_locals_resets_constants_and_other_layers_are_not_reported(
        tmp_path: Path) -> None:
    assert_marked(tmp_path, LOOK_ALIKES)


def test_token_forbidden_layers_adds_features(tmp_path: Path) -> None:
    files = {
        "src/shop/features/login/model/store.py": """\
            _token: str | None = None


            def remember(token: str) -> None:
                global _token
                _token = token  # error: [FSD301]
            """,
        "src/shop/pages/login/ui/page.py": """\
            def remember(session: dict[str, str], token: str) -> None:
                session["token"] = token
            """,
    }
    assert_marked(tmp_path, files, config='token-forbidden-layers = ["features"]\n')


def test_token_pattern_is_configurable(tmp_path: Path) -> None:
    files = {
        "src/shop/pages/login/ui/page.py": """\
            def remember(session: dict[str, str], value: str) -> None:
                session["ticket"] = value  # error: [FSD301]
                session["token"] = value
            """,
    }
    assert_marked(tmp_path, files, config='token-pattern = "ticket"\n')


def test_a_noqa_comment_on_the_storing_line_suppresses_it(tmp_path: Path) -> None:
    files = {
        "src/shop/pages/login/ui/page.py": """\
            def remember(session: dict[str, str], value: str) -> None:
                session["token"] = value  # noqa: FSD301
                session["jwt"] = (  # error: [FSD301]
                    value
                )
            """,
    }
    output = assert_marked(tmp_path, files)
    assert (output[0]["line"], output[0]["end_line"]) == (3, 5)
