"""FSD304, FSD401, FSD402 and FSD501 end to end: where request code, token code and schemas
may live."""

from __future__ import annotations

from pathlib import Path

from .harness import assert_marked

SENDERS = {
    "src/shop/pages/profile/ui/page.py": """\
        import aiohttp  # error: [FSD402]
        import httpx as h  # error: [FSD402]
        import requests  # error: [FSD402]
        import urllib.request  # error: [FSD402]
        from requests.exceptions import HTTPError

        from shop.shared.api import client, get, login, post

        session = requests.Session()


        def by_alias() -> dict[str, str]:  # error: [FSD401]
            return h.get("https://api.example.com/me").json()


        def by_module_object() -> bytes:  # error: [FSD401]
            return session.get("https://api.example.com/me").content


        def by_local_client() -> int:  # error: [FSD401]
            local = h.Client()
            return local.post("https://api.example.com/ping").status_code


        async def by_aiohttp() -> str:  # error: [FSD401]
            async with aiohttp.ClientSession() as s:
                async with s.get("https://api.example.com/me") as response:
                    return await response.text()


        class Profile:
            def load(self) -> dict[str, str]:  # error: [FSD401]
                return get("/me").json()

            def save(self) -> None:  # error: [FSD401]
                client.post("/me", json={"name": "x"})


        @staticmethod
        def decorated() -> None:  # error: [FSD401]
            post("/ping")


        def uses_endpoint_functions(email: str) -> None:
            login(email, "secret")
            get(email)
            if not isinstance(email, HTTPError):
                print(email)


        def nested() -> None:
            def send() -> bytes:  # error: [FSD401]
                return urllib.request.urlopen("https://example.com").read()

            send()
        """,
    "src/shop/pages/profile/ui/sessions.py": """\
        import requests  # error: [FSD402]


        class ApiSession(requests.Session):
            def me(self) -> dict[str, str]:  # error: [FSD401]
                return self.get("https://api.example.com/me").json()


        def build(client: requests.Session) -> dict[str, str]:  # error: [FSD401]
            return client.get("https://api.example.com/me").json()
        """,
    "src/shop/pages/profile/api/profile.py": """\
        import httpx  # error: [FSD402]

        from shop.shared.api import get


        def load_profile() -> dict[str, str]:
            return get("/me").json()


        def load_avatar() -> bytes:
            return httpx.get("https://cdn.example.com/avatar.png").content
        """,
    "src/shop/shared/lib/isbn.py": """\
        from urllib.request import urlopen  # error: [FSD402]


        def lookup(isbn: str) -> bytes:  # error: [FSD401]
            return urlopen(f"https://isbn.example.com/{isbn}").read()
        """,
    "src/shop/app/bootstrap.py": """\
        from shop.shared.api import get


        def warm_up() -> None:  # error: [FSD401]
            get("/health")
        """,
    "src/shop/widgets/avatar/__init__.py": """\
        from shop.shared.api import get


        def fetch_avatar() -> bytes:  # error: [FSD401]
            return get("/me/avatar").content
        """,
    "src/shop/widgets/avatar/ui/avatar.py": """\
        def avatar(picture: bytes) -> str:
            return picture.hex()
        """,
    "src/shop/shared/auth/renewal.py": """\
        from shop.shared.api import get, post


        def renew() -> None:
            post("/auth/refresh")


        def whoami() -> None:  # error: [FSD401]
            get("/me")
        """,
}

LOOK_ALIKES = {
    "src/shop/pages/home/ui/page.py": """\
        from flask import Blueprint
        from requests.exceptions import HTTPError
        from httpx import Response

        from shop.shared.api import get, login

        bp = Blueprint("home", __name__)
        cache: dict[str, str] = {}


        @bp.post("/logout")
        def route() -> str:
            return "ok"


        def submit(email: str, password: str) -> Response:
            cache.get("/me")
            return login(email, password)


        def parse(error: HTTPError) -> str:
            return str(error)


        def headers(path: str) -> str:
            return path.replace("/", "_")
        """,
    "src/shop/pages/home/api/home.py": """\
        from shop.shared.api import get


        def load() -> dict[str, str]:
            return get("/home").json()
        """,
    "src/shop/shared/api/extra.py": """\
        import requests


        def ping() -> int:
            return requests.get("https://api.example.com/ping").status_code
        """,
}


def test_request_functions_outside_api_segments(tmp_path: Path) -> None:
    output = assert_marked(tmp_path, SENDERS, select="FSD401,FSD402")
    app = next(d for d in output if d["path"].endswith("app/bootstrap.py"))
    assert "`warm_up` sends a backend request (`get`)" in app["message"]
    assert "`shared/api/`" in app["message"]
    lib = next(d for d in output if d["code"] == "FSD401" and "isbn" in d["path"])
    assert "`shared/lib`" in lib["message"]
    ui = next(d for d in output if d["code"] == "FSD401" and d["line"] == 12)
    assert "the `ui` segment of `pages/profile`" in ui["message"]
    assert "`pages/profile/api/`" in ui["message"]
    public = next(d for d in output if d["path"].endswith("avatar/__init__.py"))
    assert "defined in the public API (`__init__.py`) of `widgets/avatar`" in public["message"]
    raw = next(d for d in output if d["code"] == "FSD402" and "isbn" in d["path"])
    assert raw["message"].startswith("`from urllib.request import urlopen`: `shared/lib` sends "
                                     "requests with `urllib.request` directly")
    assert raw["severity"] == "warning"


def test_endpoint_calls_exceptions_routes_and_api_segments_are_not_reported(
        tmp_path: Path) -> None:
    assert_marked(tmp_path, LOOK_ALIKES, select="FSD401,FSD402")


def test_configured_client_names_and_http_libraries(tmp_path: Path) -> None:
    files = {
        "src/shop/pages/home/ui/page.py": """\
            import niquests  # error: [FSD402]
            import requests


            def load(backend) -> None:  # error: [FSD401]
                backend.get("/home")


            def raw() -> None:  # error: [FSD401]
                niquests.get("https://example.com")


            def not_a_library_now() -> None:
                requests.get("https://example.com")
            """,
    }
    config = """\
        api-client-names = ["backend"]
        http-libraries = ["niquests"]
        """
    assert_marked(tmp_path, files, config=config, select="FSD401,FSD402")


def test_token_logic_in_shared_request_modules(tmp_path: Path) -> None:
    files = {
        "src/shop/shared/api/session.py": """\
            import httpx

            _client = httpx.Client()
            _token: str | None = None


            def set_token(token: str) -> None:
                global _token
                _token = token  # error: [FSD304]


            def clear() -> None:
                global _token
                _token = None


            def get(path: str) -> httpx.Response:
                return _client.get(path, headers={"Authorization": f"Bearer {_token}"})
            """,
        "src/shop/shared/lib/cookies.py": """\
            from shop.shared.api import post


            def forget(response) -> None:
                response.delete_cookie("refresh_token")  # error: [FSD304]


            def ping() -> None:
                post("/ping")
            """,
        "src/shop/shared/api/endpoints_refresh.py": """\
            import httpx

            from .client import post


            def refresh(refresh_token: str) -> httpx.Response:
                payload = {"refresh_token": refresh_token}
                return post("/auth/refresh", payload)
            """,
        "src/shop/shared/api/cookies.py": """\
            def remember(response, token: str) -> None:
                response.set_cookie("refresh_token", token, httponly=True)
            """,
        "src/shop/shared/api/login_flow.py": """\
            from shop.shared.auth import save_tokens

            from .client import post


            def sign_in(email: str) -> None:
                save_tokens(post("/login", {"email": email}).json())
            """,
        "src/shop/shared/auth/refresher.py": """\
            from shop.shared.api import post

            _tokens: dict[str, str] = {}


            def renew() -> None:
                try:
                    _tokens["access_token"] = post("/auth/refresh").json()["access_token"]
                except OSError:
                    _tokens.clear()
                    raise
            """,
    }
    output = assert_marked(tmp_path, files, select="FSD304")
    first = next(d for d in output if d["path"].endswith("session.py"))
    assert "this `shared/api` module mixes token management (`_token = …`)" in first["message"]
    assert "`set_token`" not in first["message"] and "`get`" in first["message"]


def test_validation_schemas_in_ui_segments(tmp_path: Path) -> None:
    files = {
        "src/shop/pages/login/ui/forms.py": """\
            from dataclasses import dataclass
            from enum import Enum
            from typing import NamedTuple, TypedDict

            import attr
            import marshmallow as ma
            import msgspec
            from pydantic import BaseModel, RootModel, TypeAdapter
            from pydantic.dataclasses import dataclass as pydantic_dataclass


            class Login(BaseModel):  # error: [FSD501]
                email: str


            class Emails(RootModel[list[str]]):  # error: [FSD501]
                pass


            class Strict(Login):  # error: [FSD501]
                pass


            class Signup(ma.Schema):  # error: [FSD501]
                email = ma.fields.Email()


            class Event(msgspec.Struct):  # error: [FSD501]
                name: str


            @pydantic_dataclass
            class Point:  # error: [FSD501]
                x: int


            @attr.s
            class Age:  # error: [FSD501]
                value = attr.ib(validator=attr.validators.instance_of(int))


            @dataclass
            class Password:  # error: [FSD501]
                value: str

                def __post_init__(self) -> None:
                    if len(self.value) < 6:
                        raise ValueError("too short")


            class Payload(TypedDict):  # error: [FSD501]
                email: str


            PAYLOAD = TypeAdapter(Payload)


            @dataclass
            class FieldState:
                label: str


            class Props(TypedDict):
                title: str


            class Color(Enum):
                RED = 1


            class Pair(NamedTuple):
                a: int
            """,
        "src/shop/pages/login/model/schema.py": """\
            from pydantic import BaseModel


            class Login(BaseModel):
                email: str
            """,
        "src/shop/shared/ui/form.py": """\
            from pydantic import BaseModel


            class Field(BaseModel):  # error: [FSD501]
                label: str
            """,
    }
    output = assert_marked(tmp_path, files, select="FSD501")
    first = next(d for d in output if d["line"] == 12)
    assert first["column"] == 1 and first["end_line"] == 12
    assert "`Login` is a validation schema (pydantic `BaseModel`)" in first["message"]
    assert "`pages/login/model/`" in first["message"]
