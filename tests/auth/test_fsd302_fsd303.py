"""FSD302 refresh-failure-without-reset and FSD303 logout-without-reset, end to end: requests
recognised directly and through wrappers anywhere in the project, every failure path."""

from __future__ import annotations

from pathlib import Path

from .harness import assert_marked

FLOWS = "FSD302,FSD303"

REEXPORTED_REFRESH = {
    "src/shop/shared/api/__init__.py": """\
        from .client import POST
        from .endpoints.refresh import refresh_tokens

        __all__ = ["POST", "refresh_tokens"]
        """,
    "src/shop/shared/api/client.py": """\
        import httpx

        _client = httpx.Client(base_url="https://api.example.com")


        def POST(path: str, body: dict[str, str]) -> httpx.Response:
            return _client.post(path, json=body)
        """,
    "src/shop/shared/api/endpoints/refresh.py": """\
        import httpx

        from ..client import POST


        def refresh_tokens(refresh_token: str) -> httpx.Response:
            return POST("/auth/refresh", {"refresh_token": refresh_token})
        """,
    "src/shop/entities/user/model/session.py": """\
        from shop.shared.api import refresh_tokens

        _tokens: dict[str, str] = {}


        def renew() -> None:
            pair = refresh_tokens(_tokens["refresh_token"]).json()  # error: [FSD302]
            _tokens["access_token"] = pair["access_token"]


        def renew_safely() -> None:
            try:
                pair = refresh_tokens(_tokens["refresh_token"]).json()
            except Exception:
                _tokens.clear()
                raise
            _tokens["access_token"] = pair["access_token"]
        """,
}

REFRESH_FLOWS = {
    "src/shop/features/session/model/flows.py": """\
        import httpx as h

        import shop.shared.api as api
        from shop.shared.api import post, refresh_tokens
        from shop.shared.auth import clear_tokens, refresh_token, save_tokens

        REFRESH_URL = "/token/refresh"


        def no_handling() -> None:
            save_tokens(refresh_tokens(refresh_token()).json())  # error: [FSD302]


        def swallowed() -> None:
            try:
                response = refresh_tokens(refresh_token())  # error: [FSD302]
            except OSError:
                return
            save_tokens(response.json())


        def status_without_reset() -> None:
            response = api.refresh_tokens(refresh_token())  # error: [FSD302]
            if response.status_code != 200:
                return
            save_tokens(response.json())


        def success_branch_only() -> None:
            response = refresh_tokens(refresh_token())  # error: [FSD302]
            if response.ok:
                save_tokens(response.json())


        def raise_for_status_in_try() -> None:
            try:
                response = h.post("https://api.example.com/auth/refresh")  # error: [FSD302]
                response.raise_for_status()
            except h.HTTPError:
                print("refresh failed")
            else:
                save_tokens(response.json())


        def oauth_grant() -> None:
            response = h.post(  # error: [FSD302]
                "https://auth.example.com/token",
                data={"grant_type": "refresh_token", "refresh_token": refresh_token()},
            )
            save_tokens(response.json())


        def url_constant() -> None:
            save_tokens(post(REFRESH_URL, {"token": refresh_token()}).json())  # error: [FSD302]


        def reraises() -> httpx.Response:
            try:
                return refresh_tokens(refresh_token())
            except OSError:
                raise


        def calls_the_reraising_wrapper() -> None:
            save_tokens(reraises().json())  # error: [FSD302]


        def reset_and_reraise() -> None:
            try:
                response = refresh_tokens(refresh_token())
            except OSError:
                clear_tokens()
                raise
            save_tokens(response.json())


        def status_reset() -> None:
            response = refresh_tokens(refresh_token())
            if not response.ok:
                clear_tokens()
                return
            save_tokens(response.json())


        def else_reset() -> None:
            response = refresh_tokens(refresh_token())
            if response.status_code == 200:
                save_tokens(response.json())
            else:
                clear_tokens()


        def early_return_then_reset() -> None:
            response = refresh_tokens(refresh_token())
            if response.is_success:
                save_tokens(response.json())
                return
            clear_tokens()


        def in_finally() -> None:
            try:
                save_tokens(refresh_tokens(refresh_token()).json())
            finally:
                print("done")
                clear_tokens()
        """,
    "src/shop/shared/api/middleware.py": """\
        import httpx

        from shop.shared.auth import access_token, refresh_token, save_tokens

        _client = httpx.Client(base_url="https://api.example.com")


        class SessionExpired(Exception):
            pass


        def authorized_get(path: str) -> httpx.Response:
            response = _client.get(path, headers={"Authorization": access_token()})
            if response.status_code == 401:
                renewed = _client.post(  # error: [FSD302]
                    "/auth/refresh", json={"refresh_token": refresh_token()}
                )
                if not renewed.is_success:
                    raise SessionExpired("log in again")
                save_tokens(renewed.json())
                response = _client.get(path, headers={"Authorization": access_token()})
            return response


        class Api:
            def __init__(self) -> None:
                self.session = httpx.Client()

            def _refresh(self) -> httpx.Response:
                return self.session.post("/auth/refresh")

            def ensure_session(self) -> None:
                save_tokens(self._refresh().json())  # error: [FSD302]
        """,
    "src/shop/shared/auth/session.py": """\
        from shop.shared.api import refresh_tokens

        from .tokens import refresh_token, save_tokens
        from .tokens import _tokens as store


        def end_session() -> None:
            store.popitem()


        def renew() -> None:
            try:
                save_tokens(refresh_tokens(refresh_token()).json())
            except OSError:
                end_session()
                raise
        """,
}

LOGOUT_FLOWS = {
    "src/shop/pages/profile/ui/page.py": """\
        import streamlit as st

        from shop.shared.api import logout, post
        from shop.shared.auth import clear_tokens


        def success_only() -> None:
            logout()  # error: [FSD303]
            clear_tokens()


        def never() -> None:
            logout()  # error: [FSD303]


        def swallowed() -> None:
            try:
                logout()  # error: [FSD303]
            except OSError:
                st.error("offline")


        def failure_only() -> None:
            try:
                logout()  # error: [FSD303]
            except OSError:
                clear_tokens()


        def status_success_only() -> None:
            response = post("/sign-out")  # error: [FSD303]
            if response.ok:
                clear_tokens()


        def in_finally() -> None:
            try:
                logout()
            finally:
                clear_tokens()


        def before() -> None:
            clear_tokens()
            logout()


        def every_except_and_after() -> None:
            try:
                logout()
            except OSError:
                clear_tokens()
                raise
            clear_tokens()


        def session_state() -> None:
            try:
                post("/logout")
            finally:
                st.session_state.clear()


        st.button("Log out", on_click=lambda: logout())  # error: [FSD303]
        """,
    "src/shop/pages/settings/ui/page.py": """\
        from shop.shared.api import logout as logout_request
        from shop.shared.auth import clear_tokens


        def logout() -> None:
            try:
                logout_request()
            finally:
                clear_tokens()


        def sign_out() -> None:
            logout()


        def sign_out_twice() -> None:
            logout_request()  # error: [FSD303]
            logout_request()  # error: [FSD303]
        """,
}


def test_refresh_wrapper_reexported_from_init_is_followed(tmp_path: Path) -> None:
    output = assert_marked(tmp_path, REEXPORTED_REFRESH, base=False, select=FLOWS)
    assert output[0]["column"] == 12
    assert 'it sends `POST("/auth/refresh")`' in output[0]["message"]
    assert "no `except` catches it and its status is not checked" in output[0]["message"]


def test_refresh_failure_paths(tmp_path: Path) -> None:
    output = assert_marked(tmp_path, REFRESH_FLOWS, select=FLOWS)
    assert {d["rule"] for d in output} == {"refresh-failure-without-reset"}


def test_logout_failure_paths(tmp_path: Path) -> None:
    output = assert_marked(tmp_path, LOGOUT_FLOWS, select=FLOWS)
    messages = {d["line"]: d["message"] for d in output if d["path"].endswith("profile/ui/page.py")}
    assert "only after the request succeeds" in messages[8]
    assert "nothing resets the token store" in messages[13]
    assert "only when the request fails" in messages[25]


def test_endpoints_and_reset_pattern_are_configurable(tmp_path: Path) -> None:
    files = {
        "src/shop/pages/profile/ui/page.py": """\
            from shop.shared.api import post


            def end(store: dict[str, str]) -> None:
                try:
                    post("/session/end")
                finally:
                    store.drop_everything()


            def end_badly(store: dict[str, str]) -> None:
                try:
                    post("/session/end")  # error: [FSD303]
                finally:
                    store.clear()


            def renew() -> None:
                post("/session/renew")  # error: [FSD302]
                post("/auth/refresh")
            """,
    }
    config = """\
        refresh-endpoints = ["/session/renew$"]
        logout-endpoints = ["/session/end$"]
        reset-pattern = "drop_everything"
        """
    assert_marked(tmp_path, files, config=config, select=FLOWS)


def test_wrappers_are_found_through_star_reexports_and_dotted_imports(tmp_path: Path) -> None:
    files = {
        "src/shop/shared/api/__init__.py": """\
            from .client import client, get, post
            from .endpoints import *
            """,
        "src/shop/pages/profile/ui/page.py": """\
            import shop.shared.api
            import shop.shared.api.endpoints as endpoints
            from shop.shared.api import logout


            def by_star_reexport() -> None:
                logout()  # error: [FSD303]


            def by_dotted_module() -> None:
                shop.shared.api.logout()  # error: [FSD303]


            def by_module_alias() -> None:
                endpoints.refresh_tokens("x")  # error: [FSD302]
            """,
    }
    assert_marked(tmp_path, files, select=FLOWS)


UNCALLED_RENEW_HOOK = """\
    from shop.shared.api import client


    def renew(rt):
        r = client.post("/auth/refresh", json={"rt": rt})  # error: [FSD302]
        if r.status_code != 200:
            return None
        return r.json()


    client.renew = renew
    """


def test_uncalled_function_returning_none_on_failure_is_reported(tmp_path: Path) -> None:
    files = {
        "src/shop/shared/auth/renew.py": UNCALLED_RENEW_HOOK,
        "src/shop/shared/auth/hooks.py": """\
            from shop.shared.api import client, post


            def renew_or_none(rt):
                try:
                    return post("/token/refresh", {"rt": rt})  # error: [FSD302]
                except OSError:
                    return None


            def sign_out():
                r = client.post("/auth/logout")  # error: [FSD303]
                if not r.ok:
                    return None
                return r.json()


            client.hooks = {"refresh": renew_or_none, "logout": sign_out}
            """,
    }
    output = assert_marked(tmp_path, files, select=FLOWS)
    messages = {d["path"].rsplit("/", 1)[1] + f":{d['line']}": d["message"] for d in output}
    assert ("the failure branch of its status check does not reset the token store, and no call "
            "of `renew` in the project handles the failure instead") in messages["renew.py:5"]
    assert "an `except` handler catches its failure" in messages["hooks.py:6"]
    assert "nothing resets the token store" in messages["hooks.py:12"]


def test_called_function_returning_none_on_failure_is_checked_at_its_callers(
        tmp_path: Path) -> None:
    files = {
        "src/shop/shared/auth/renew.py": UNCALLED_RENEW_HOOK.replace(
            "  # error: [FSD302]", ""),
        "src/shop/shared/auth/session.py": """\
            from shop.shared.api import client

            from .renew import renew
            from .tokens import clear_tokens, refresh_token, save_tokens


            def resets_on_none() -> None:
                pair = renew(refresh_token())
                if pair is None:
                    clear_tokens()
                    return
                save_tokens(pair)


            class Session:
                def _renew(self):
                    r = client.post("/auth/refresh")
                    if not r.ok:
                        return None
                    return r.json()

                def ensure(self) -> None:
                    pair = self._renew()
                    if pair is None:
                        clear_tokens()
                        return
                    save_tokens(pair)
            """,
        "src/shop/shared/auth/keep.py": """\
            from .renew import renew
            from .tokens import refresh_token, save_tokens


            def keeps_dead_tokens() -> None:
                pair = renew(refresh_token())  # error: [FSD302]
                if pair is None:
                    return
                save_tokens(pair)
            """,
    }
    output = assert_marked(tmp_path, files, select=FLOWS)
    assert 'it sends `client.post("/auth/refresh")`' in output[0]["message"]


def test_uncalled_wrappers_that_hand_the_failure_over_stay_silent(tmp_path: Path) -> None:
    files = {
        "src/shop/shared/auth/hooks.py": """\
            from shop.shared.api import client
            from shop.shared.auth import clear_tokens


            def thin(rt):
                return client.post("/auth/refresh", json={"rt": rt})


            def thin_json(rt):
                r = client.post("/auth/refresh", json={"rt": rt})
                return r.json()


            def raises(rt):
                r = client.post("/auth/refresh", json={"rt": rt})
                r.raise_for_status()
                return r.json()


            def resets_on_failure(rt):
                r = client.post("/auth/refresh", json={"rt": rt})
                if r.status_code != 200:
                    clear_tokens()
                    return None
                return r.json()


            def thin_logout():
                return client.post("/auth/logout")


            client.hooks = [thin, thin_json, raises, resets_on_failure, thin_logout]
            """,
    }
    assert_marked(tmp_path, files, select=FLOWS)
