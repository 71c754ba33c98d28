"""Frozen, picklable facts for the authentication and API-placement rules (FSD3xx-5xx).

One file's auth facts are: its functions (the module body counts as one, with qualname "")
with the calls that matter in them and a small statement tree of their bodies (only what a
failure-path analysis needs: calls, token writes, bindings, status tests, ``try``, exits), the
token writes (stores and resets) of the module, and its validation-schema classes. Everything
that points at code does so through an *anchor*: a number given in walk order; the spans of the
anchors are only computed in the positions pass, for files that have findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fsd_lint.diagnostics import Span

RequestVia = Literal["library", "client"]


@dataclass(frozen=True)
class RequestInfo:
    """A call that sends a request, or may: an HTTP library call (certain), or a call of a
    name that is the shared API client if ``import_ordinal`` imports it from ``shared/api``
    (or the name is configured in ``api-client-names``; ``local``: a function of this module)."""

    via: RequestVia
    origin: str  # the library ("httpx"), or the client name as bound here ("POST", "api")
    target: str  # the callee as written, for messages: "httpx.post", "client.post", "POST"
    verb: str  # "post", "get"…; "" when the callee says nothing about it
    url: str | None  # the URL literal; f-string and concatenated parts joined with "{}"
    url_name: str | None = None  # the URL is this imported name (a constant elsewhere)
    refresh_grant: bool = False  # the arguments carry grant_type="refresh_token"
    import_ordinal: int | None = None  # the import that binds the library or the client name
    local: bool = False  # the client name is a function defined in this module


ResetForm = Literal["", "token", "pattern"]


@dataclass(frozen=True)
class CallSite:
    """A call that may matter to the auth rules: a request, a reset by its form, or a call of a
    project function (a possible request wrapper or token resetter, resolved by the rules)."""

    anchor: int
    callee: str  # dotted, as written ("refresh_tokens", "api.logout", "self._refresh")
    request: RequestInfo | None = None
    reset: ResetForm = ""  # "token": clears a token by its form; "pattern": matches reset-pattern
    stores: bool = False  # hands a token to a store function (``save_tokens(pair)``)


WriteKind = Literal["store", "reset"]


@dataclass(frozen=True)
class TokenWrite:
    """A token stored (written where it outlives the call) or reset (None, "", del, pop…)."""

    anchor: int
    kind: WriteKind
    what: str  # a short description for messages: "`self.refresh_token = …`"


# -- The statement tree of a function body (only what the failure-path analysis needs) --------

Exit = Literal["", "return", "raise"]


@dataclass(frozen=True)
class Step:
    """A simple statement, or the header of a compound one (an ``if`` test, ``with`` items)."""

    events: tuple[int, ...] = ()  # anchors of call sites and token writes, in evaluation order
    binds: tuple[str, ...] = ()  # names (or ``self.x``) this statement assigns
    refs: tuple[str, ...] = ()  # names the assigned, returned or raised value mentions
    exit: Exit = ""
    checks: tuple[str, ...] = ()  # names ``.raise_for_status()`` is called on ("@n": call n)


@dataclass(frozen=True)
class StatusTest:
    """An ``if`` test that tells failure from success: ``not r.ok``, ``r.status_code != 200``,
    ``tokens is None``; ``subject`` is the tested name, or ``@<anchor>`` for a call itself."""

    subject: str
    failing_when_true: bool


@dataclass(frozen=True)
class Branch:
    """``if``/``elif``/``else`` (and ``match``): ``body`` runs when the test holds."""

    head: Step
    test: StatusTest | None
    body: Block
    orelse: Block


@dataclass(frozen=True)
class Try:
    body: Block
    handlers: tuple[Block, ...]
    orelse: Block
    final: Block


@dataclass(frozen=True)
class Loop:
    head: Step
    body: Block
    orelse: Block


@dataclass(frozen=True)
class With:
    head: Step
    body: Block


Node = Step | Branch | Try | Loop | With
Block = tuple[Node, ...]


@dataclass(frozen=True)
class FunctionInfo:
    """A function or method (qualname ``Class.method``, ``outer.inner``), or the module body
    (qualname ""), with its calls, its token writes and its statement tree."""

    qualname: str
    anchor: int | None  # the ``def`` line; None for the module body
    calls: tuple[CallSite, ...]
    writes: tuple[int, ...]  # anchors of its own token writes (see AuthFacts.writes)
    body: Block


@dataclass(frozen=True)
class SchemaClass:
    """A validation schema class: what makes it one, for the message."""

    anchor: int
    name: str
    kind: str  # "pydantic `BaseModel`", "marshmallow `Schema`", …


@dataclass(frozen=True)
class AuthFacts:
    """Everything the auth and API rules need from one file."""

    functions: tuple[FunctionInfo, ...] = ()  # the module body first
    writes: tuple[TokenWrite, ...] = ()  # every token store and reset, in source order
    schemas: tuple[SchemaClass, ...] = ()
    url_constants: tuple[tuple[str, str], ...] = ()  # module-level NAME = "/path/literal"
    spans: tuple[Span, ...] = ()  # by anchor; only filled in the positions pass
