"""The words of the auth/API rules, without a syntax tree: token and reset names, store and
remove verbs, the compiled settings patterns, backend paths, and the text gate that tells which
files may hold an auth/API finding at all.

Names are compared in one normal form: camelCase and kebab-case turned into snake_case,
lower case, outer underscores stripped (``_accessToken`` -> ``access_token``). Patterns from
the settings are matched whole (``re.fullmatch``) against that form, case-insensitively.
This module imports no parser: the rules and the fast path use it without loading libcst.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from fsd_lint.facts.options import FactOptions

DEFAULT_OPTIONS = FactOptions()

# Limits of what a statement tree records (names read, and the ``what`` text of a write).
MAX_REFS = 16
MAX_WHAT = 60
# Attributes of a response that hold its status, say it succeeded, or say it failed.
STATUS_ATTRS = frozenset({"status_code", "status", "code", "status_int", "getcode"})
SUCCESS_ATTRS = frozenset({"ok", "is_success", "is_ok", "successful", "is_successful"})
FAILURE_ATTRS = frozenset({
    "is_error", "is_client_error", "is_server_error", "failed", "is_failure", "error",
})
SUCCESS_STATUS_NAMES = frozenset({"ok", "created", "accepted", "no_content"})  # HTTPStatus.OK…
# Validation schemas (FSD501).
PYDANTIC_BASES = frozenset({"BaseModel", "RootModel", "GenericModel", "SQLModel"})
ATTRS_DECORATORS = frozenset({"s", "attrs", "define", "frozen", "mutable"})
# Calls that validate data against a type given as their first argument.
VALIDATING_CALLS = frozenset({"TypeAdapter", "parse_obj_as", "validate_as"})

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[-.\s]+")

# Store-like methods (5.1) and their removal counterparts; compared in normal form.
STORE_VERBS = frozenset({
    "set", "set_value", "setvalue", "setdefault", "put", "putenv", "store", "save", "write",
    "write_text", "set_item", "setitem", "update", "set_password", "set_cookie",
    "set_signed_cookie", "set_secure_cookie", "persist", "cache",
})
# Of those, the ones that store their single argument when it is a token (``store.save(tokens)``).
VALUE_VERBS = frozenset({
    "set", "set_value", "store", "save", "put", "persist", "update", "cache", "write_text",
})
REMOVE_VERBS = frozenset({
    "remove", "delete", "pop", "discard", "remove_item", "removeitem", "delete_item", "del_item",
    "unset", "delete_password", "delete_cookie", "unsetenv", "delenv", "expire",
})
_STORE_PREFIX = re.compile(r"(?:set|save|store|update|persist|cache|remember|put|write)_(.+)")
_REMOVE_PREFIX = re.compile(
    r"(?:remove|delete|drop|clear|forget|reset|revoke|discard|purge|wipe|invalidate)_(.+)"
)
_KEY_SUFFIX = re.compile(r"_(?:key|name|field|cookie|header|storage_key)$")
# Calls whose result is a text's tokens (a lexer), not a credential.
LEXING_WORDS = ("tokeniz", "lex", "split", "scan", "findall", "finditer")
# Class-level calls that declare a field (pydantic, attrs, dataclasses, ORMs), not a value.
DECLARATION_NAMES = frozenset({"field", "attrib", "ib", "mapped_column", "relationship", "var"})


@functools.lru_cache(maxsize=4096)  # the same few names are asked about again and again
def normal(name: str) -> str:
    """``_accessToken`` -> ``access_token``; ``X-Auth-Token`` -> ``x_auth_token``."""
    return _SEPARATORS.sub("_", _CAMEL.sub("_", name)).strip("_").lower()


@dataclass(frozen=True)
class Patterns:
    """The compiled patterns of one FactOptions."""

    token: re.Pattern[str]
    reset: re.Pattern[str]
    libraries: tuple[str, ...]  # longest first
    client_names: frozenset[str]

    def is_token(self, name: str) -> bool:
        """A token name or key: ``access_token``, ``TOKEN``, ``accessToken``, ``jwt``."""
        return bool(name) and self.token.fullmatch(normal(name)) is not None

    def mentions_token(self, name: str) -> bool:
        """A name that holds tokens (``token_store``, ``_tokens``): one of its words is one."""
        words = normal(name).split("_")
        return any(
            self.token.fullmatch("_".join(words[start:end])) is not None
            for start in range(len(words)) for end in range(start + 1, len(words) + 1)
        )

    def is_reset_name(self, name: str) -> bool:
        return bool(name) and self.reset.fullmatch(normal(name)) is not None

    def library_of(self, qualified: str) -> str | None:
        """The configured HTTP library a qualified name belongs to (``httpx.post`` -> httpx)."""
        for library in self.libraries:
            if qualified == library or qualified.startswith(library + "."):
                return library
        return None

    def is_token_key(self, literal: str | None, name: str) -> bool:
        """A subscript index or call argument naming a token, given its value when it is a
        string literal, else the last name it ends with: ``"access_token"``, ``TOKEN_KEY``."""
        if literal is not None:
            return self.is_token(literal)
        if not name:
            return False
        return self.is_token(name) or self.is_token(_KEY_SUFFIX.sub("", normal(name)))

    def store_prefix(self, name: str) -> bool:
        """``set_token``, ``save_tokens``, ``store_access_token``."""
        found = _STORE_PREFIX.fullmatch(normal(name))
        return found is not None and self.is_token(found.group(1))

    def remove_prefix(self, name: str) -> bool:
        """``remove_token``, ``clear_tokens``, ``forget_refresh_token``."""
        found = _REMOVE_PREFIX.fullmatch(normal(name))
        return found is not None and self.is_token(found.group(1))


@functools.lru_cache(maxsize=8)
def patterns(options: FactOptions) -> Patterns:
    return Patterns(
        token=re.compile(options.token_pattern, re.IGNORECASE),
        reset=re.compile(options.reset_pattern, re.IGNORECASE),
        libraries=tuple(sorted(options.http_libraries, key=len, reverse=True)),
        client_names=frozenset(options.api_client_names),
    )


def looks_like_path(url: str) -> bool:
    """A backend path or URL, not any string: ``/auth/refresh``, ``https://…``, ``{}/me``."""
    if not url or any(char.isspace() for char in url):
        return False
    return url.startswith(("/", "http://", "https://", "{}/"))


# Lower-case words whose absence rules out every auth/API finding (with the default settings).
_WORDS = (
    "token", "bearer", "jwt",  # token names (5.1)
    "refresh", "logout", "log_out", "log-out", "signout", "sign_out", "sign-out",  # 5.2
    "reset", "clear", "forget", "invalidate", "purge", "wipe",  # resets, for resetter lookups
    "http", "requests", "urllib",  # HTTP libraries (http.client, httpx, aiohttp, urllib3)
    "pydantic", "basemodel", "rootmodel", "sqlmodel", "marshmallow", "schema", "msgspec",
    "__post_init__", "attrs", "attr.", "import attr", "typeadapter",  # schemas (FSD501)
)
_API_WORD = re.compile(r"\bapi\b")  # ``from shop.shared.api import …``, ``import api``
# A shared-client call needs a path: a literal (``"/me"``, ``f"{BASE}/me"``, ``"https://…"``)
# or a constant named like one (``ME_URL``).
_PATH_LITERAL = re.compile(r"""[rRbBuUfF]{0,2}["'](?:/|https?://|\{[^{}"'\n]*\}/)""")
_URL_NAME = re.compile(r"\b[A-Z][A-Z0-9_]*(?:URL|PATH|ENDPOINT|ROUTE)S?\b")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")


@functools.lru_cache(maxsize=8)
def _word_patterns(http_libraries: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """Patterns that together match where any of _WORDS or the libraries' top-level names
    does: one per first letter (``t(?:oken|ypeadapter)``). The regex engine looks for a literal
    first letter at least as fast as ``in`` looks for a whole word: fewer passes over a text.
    A library name that holds one of the words (``httpx``) adds nothing."""
    libraries = (library.split(".")[0].lower() for library in http_libraries)
    words = [*_WORDS, *(name for name in libraries if not any(word in name for word in _WORDS))]
    groups: dict[str, list[str]] = {}
    for word in dict.fromkeys(words):
        groups.setdefault(word[:1], []).append(word)
    return tuple(_any_of(group) for group in groups.values())


def _any_of(words: list[str]) -> re.Pattern[str]:
    """``words`` as a pattern that opens with what they have in common."""
    if len(words) == 1:
        return re.compile(re.escape(words[0]))
    prefix = words[0]
    for word in words:
        while not word.startswith(prefix):
            prefix = prefix[:-1]
    rests = "|".join(re.escape(word[len(prefix):]) for word in words)
    return re.compile(f"{re.escape(prefix)}(?:{rests})")


def needs_auth_analysis(text: str, options: FactOptions = DEFAULT_OPTIONS) -> bool:
    """Whether ``text`` may hold an auth/API finding; False only when it surely cannot."""
    lower = text.lower()
    # One of _WORDS, or the top-level name of an HTTP library.
    if any(pattern.search(lower) for pattern in _word_patterns(options.http_libraries)):
        return True
    if "api" in lower and _API_WORD.search(lower) and (
            _PATH_LITERAL.search(text) or _URL_NAME.search(text)):
        return True
    if any(name.split(".")[0] in text for name in options.api_client_names):
        return True
    custom_words = (options.token_pattern != DEFAULT_OPTIONS.token_pattern
                    or options.reset_pattern != DEFAULT_OPTIONS.reset_pattern)
    found = patterns(options)
    if custom_words and any(
        found.is_token(word) or found.is_reset_name(word)
        for word in {*_IDENTIFIER.findall(text), *(s[1:-1] for s in _STRING.findall(text))}
    ):
        return True
    endpoints = (*options.refresh_endpoints, *options.logout_endpoints)
    if endpoints != (*DEFAULT_OPTIONS.refresh_endpoints, *DEFAULT_OPTIONS.logout_endpoints):
        compiled = _endpoint_patterns(endpoints)
        return any(
            pattern.search(literal[1:-1]) for literal in _STRING.findall(text)
            for pattern in compiled
        )
    return False


@functools.lru_cache(maxsize=8)
def _endpoint_patterns(endpoints: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in endpoints)
