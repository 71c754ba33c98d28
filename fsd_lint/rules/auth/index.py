"""What the auth rules know about the whole project, built lazily once per run.

It answers, across files: is this call the shared API client (a name imported from
``shared/api`` or configured), which endpoint does a request hit (refresh, logout), which
project function does a call reach (through imports and ``__init__`` re-exports), is that
function called at all, is it a refresh/logout wrapper (it hands the request's failure to its
callers), and does a call reset the token store (by its form, or because the function it
reaches does).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fsd_lint.facts.auth_types import AuthFacts, CallSite, FunctionInfo, RequestInfo, TokenWrite
from fsd_lint.facts.auth_words import looks_like_path
from fsd_lint.facts.lazy import has_auth, paths_with_auth
from fsd_lint.model.project import Location
from fsd_lint.resolve import ResolvedImport
from fsd_lint.rules.api import RuleContext
from fsd_lint.rules.auth.flow import Kind, Verdict, analyse, judge

_MAX_DEPTH = 12
Target = tuple[Path, str]  # a function: its file and qualname


@dataclass
class _FileView:
    auth: AuthFacts
    functions: dict[str, FunctionInfo]
    writes: dict[int, TokenWrite]
    sites: dict[int, CallSite]
    constants: dict[str, str]
    imports: dict[int, list[ResolvedImport]] = field(default_factory=dict)


def in_shared_api(location: Location | None) -> bool:
    return location is not None and location.layer == "shared" and location.segment == "api"


class AuthIndex:
    """Cross-file answers for the auth rules; every answer is memoised."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        settings = ctx.settings
        self.refresh = [re.compile(p, re.IGNORECASE) for p in settings.refresh_endpoints]
        self.logout = [re.compile(p, re.IGNORECASE) for p in settings.logout_endpoints]
        self.client_names = frozenset(settings.api_client_names)
        self._views: dict[Path, _FileView | None] = {}
        self._calls: dict[tuple[Path, str, str], Target | None] = {}
        self._wrappers: dict[Target, dict[Kind, str]] = {}
        self._resetters: dict[Target, bool] = {}
        self._verdicts: dict[tuple[Path, str, int, Kind], Verdict] = {}
        self._called: frozenset[Target] | None = None

    # -- files ----------------------------------------------------------------------------

    def view(self, path: Path) -> _FileView | None:
        if path not in self._views:
            known = self.ctx.resolver.facts
            facts = known.get(path) if has_auth(known, path) else None
            auth = facts.auth if facts is not None else None
            self._views[path] = None if auth is None else _FileView(
                auth,
                {info.qualname: info for info in auth.functions},
                {write.anchor: write for write in auth.writes},
                {site.anchor: site for info in auth.functions for site in info.calls},
                dict(auth.url_constants),
            )
        return self._views[path]

    def function(self, target: Target) -> FunctionInfo | None:
        view = self.view(target[0])
        return view.functions.get(target[1]) if view is not None else None

    def import_targets(self, path: Path, ordinal: int) -> list[ResolvedImport]:
        view = self.view(path)
        facts = self.ctx.resolver.facts.get(path)
        entry = self.ctx.model.files.get(path)
        if view is None or facts is None or entry is None:
            return []
        if ordinal not in view.imports:
            root, module, _ = entry
            fact = next((f for f in facts.imports if f.ordinal == ordinal), None)
            view.imports[ordinal] = [] if fact is None else self.ctx.resolver.resolve(
                fact, module, path.name == "__init__.py", root)
        return view.imports[ordinal]

    # -- requests -------------------------------------------------------------------------

    def is_client(self, path: Path, request: RequestInfo) -> bool:
        """A call of the shared API client: a name imported from ``shared/api``, a name in
        ``api-client-names``, or a client function of a ``shared/api`` module itself."""
        if request.via != "client":
            return False
        if request.origin in self.client_names or (
            request.origin.split(".")[0] in self.client_names
        ):
            return True
        if request.local:
            entry = self.ctx.model.files.get(path)
            return entry is not None and in_shared_api(entry[2])
        if request.import_ordinal is None:
            return False
        return any(in_shared_api(target.location)
                   for target in self.import_targets(path, request.import_ordinal))

    def sends(self, path: Path, site: CallSite) -> RequestInfo | None:
        """The request the call sends itself (an HTTP library or the shared client)."""
        request = site.request
        if request is None or request.via == "library":
            return request
        if request.url is None:  # the path is a name: a constant of another module?
            url = self.url(path, request)
            if url is None or not looks_like_path(url):
                return None
        return request if self.is_client(path, request) else None

    def url(self, path: Path, request: RequestInfo) -> str | None:
        if request.url is not None or request.url_name is None:
            return request.url
        found = self._symbol(path, request.url_name.split("."), self._defines_constant)
        if found is None:
            return None
        view = self.view(found[0])
        return view.constants.get(found[1]) if view is not None else None

    def request_kinds(self, path: Path, request: RequestInfo) -> dict[Kind, str]:
        """refresh/logout, by the endpoint literal (or an OAuth refresh grant)."""
        url = self.url(path, request)
        shown = f'`{request.target}("{url}")`' if url is not None else f"`{request.target}(…)`"
        kinds: dict[Kind, str] = {}
        endpoint = "/" + url.split("?")[0].split("#")[0].lstrip("/") if url is not None else ""
        if request.refresh_grant or (url is not None and any(
                pattern.search(endpoint) for pattern in self.refresh)):
            kinds["refresh"] = shown
        if url is not None and any(pattern.search(endpoint) for pattern in self.logout):
            kinds["logout"] = shown
        return kinds

    def site_kinds(self, path: Path, info: FunctionInfo, site: CallSite) -> dict[Kind, str]:
        """Which refresh/logout request a call is: itself, or through the wrapper it calls."""
        request = self.sends(path, site)
        if request is not None:
            return self.request_kinds(path, request)
        target = self.resolve_call(path, info.qualname, site.callee)
        if target is None or target == (path, info.qualname):
            return {}
        return self.wrapper_kinds(target)

    # -- names ----------------------------------------------------------------------------

    def resolve_call(self, path: Path, caller: str, callee: str) -> Target | None:
        """The project function a call reaches: a method through ``self``, a function of the
        module, or one imported (through any chain of re-exports)."""
        key = (path, caller, callee)
        if key not in self._calls:
            parts = callee.split(".") if callee else []
            found: Target | None = None
            if len(parts) == 2 and parts[0] in ("self", "cls"):
                owner = caller.rpartition(".")[0]
                method = f"{owner}.{parts[1]}"
                found = (path, method) if owner and self.function((path, method)) else None
            elif parts:
                found = self._symbol(path, parts, self._defines_function)
            self._calls[key] = found
        return self._calls[key]

    def is_called(self, target: Target) -> bool:
        """Some call in the project, other than its own, reaches the function."""
        if self._called is None:
            called: set[Target] = set()
            for path in paths_with_auth(self.ctx.resolver.facts):
                view = self.view(path)
                for info in view.functions.values() if view is not None else ():
                    for site in info.calls:
                        found = self.resolve_call(path, info.qualname, site.callee)
                        if found is not None and found != (path, info.qualname):
                            called.add(found)
            self._called = frozenset(called)
        return target in self._called

    def _defines_function(self, path: Path, name: str) -> bool:
        return name != "" and self.function((path, name)) is not None

    def _defines_constant(self, path: Path, name: str) -> bool:
        view = self.view(path)
        return view is not None and name in view.constants

    def _symbol(self, path: Path, parts: list[str], defines: Callable[[Path, str], bool],
                depth: int = 0) -> Target | None:
        """Where ``parts`` (a dotted name as used in ``path``) is defined."""
        if depth > _MAX_DEPTH or not parts:
            return None
        if defines(path, ".".join(parts)):
            return path, ".".join(parts)
        facts = self.ctx.resolver.facts.get(path)
        entry = self.ctx.model.files.get(path)
        if facts is None or entry is None:
            return None
        root, module, _ = entry
        is_package = path.name == "__init__.py"
        head, rest = parts[0], parts[1:]
        for fact in facts.imports:
            found: Target | None = None
            if fact.kind == "from":
                if fact.is_star:
                    for target in self.ctx.resolver.resolve(fact, module, is_package, root):
                        found = found or self._in_module(target.target, parts, defines, depth)
                for alias in fact.names:
                    if (alias.asname or alias.name) != head or alias.name == "*":
                        continue
                    for target in self.ctx.resolver.resolve(fact, module, is_package, root):
                        if alias.name in target.names:
                            found = found or self._in_module(
                                target.target, [alias.name, *rest], defines, depth)
                        elif not target.names:
                            found = found or self._in_module(target.target, rest, defines, depth)
            elif fact.kind == "import" and (fact.asname or fact.module.split(".")[0]) == head:
                if fact.asname:
                    found = self._in_module(fact.module, rest, defines, depth)
                else:
                    found = self._dotted_module(parts, defines, depth)
            if found is not None:
                return found
        return None

    def _dotted_module(self, parts: list[str], defines: Callable[[Path, str], bool],
                       depth: int) -> Target | None:
        """``import shop.shared.api`` then ``shop.shared.api.logout()``."""
        for size in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:size])
            if self.ctx.resolver.exists(module):
                return self._in_module(module, parts[size:], defines, depth)
        return None

    def _in_module(self, module: str, parts: list[str], defines: Callable[[Path, str], bool],
                   depth: int) -> Target | None:
        if not parts:
            return None
        path = self.ctx.model.modules.get(module)
        if path is not None:
            found = self._symbol(path, parts, defines, depth + 1)
            if found is not None:
                return found
        submodule = f"{module}.{parts[0]}"
        if self.ctx.resolver.exists(submodule):
            return self._in_module(submodule, parts[1:], defines, depth + 1)
        return None

    # -- wrappers and resets --------------------------------------------------------------

    def wrapper_kinds(self, target: Target) -> dict[Kind, str]:
        """The requests a function hands to its callers (a thin endpoint function, or one
        that re-raises the failure): kind -> the request it wraps, for messages."""
        if target in self._wrappers:
            return self._wrappers[target]
        self._wrappers[target] = {}  # a cycle ends here
        info = self.function(target)
        found: dict[Kind, str] = {}
        if info is not None and info.anchor is not None:
            for site in info.calls:
                for kind, shown in self.site_kinds(target[0], info, site).items():
                    if kind not in found and self.verdict(
                            target[0], info, site.anchor, kind).outcome == "propagate":
                        found[kind] = shown
        self._wrappers[target] = found
        return found

    def verdict(self, path: Path, info: FunctionInfo, anchor: int, kind: Kind) -> Verdict:
        key = (path, info.qualname, anchor, kind)
        if key not in self._verdicts:
            flow = analyse(info.body, anchor)
            self._verdicts[key] = Verdict("ok") if flow is None else judge(
                flow, kind, lambda event: self.is_reset_event(path, info, event),
                self.handles_tokens(path, info))
        return self._verdicts[key]

    def is_reset_event(self, path: Path, info: FunctionInfo, anchor: int) -> bool:
        view = self.view(path)
        if view is None:
            return False
        write = view.writes.get(anchor)
        if write is not None:
            return write.kind == "reset"
        site = view.sites.get(anchor)
        return site is not None and self.is_reset_call(path, info, site)

    def is_reset_call(self, path: Path, info: FunctionInfo, site: CallSite) -> bool:
        """A call resets the token store: by its form (``clear_tokens()``, ``.pop("token")``,
        a name matching ``reset-pattern``) unless it is a request wrapper, or because the
        project function it calls resets it."""
        if self.sends(path, site) is not None:
            return False
        target = self.resolve_call(path, info.qualname, site.callee)
        if target is None or target == (path, info.qualname):
            return bool(site.reset)
        if self.wrapper_kinds(target):
            return False
        return bool(site.reset) or self.is_resetter(target)

    def is_resetter(self, target: Target) -> bool:
        if target in self._resetters:
            return self._resetters[target]
        self._resetters[target] = False  # a cycle ends here
        info = self.function(target)
        view = self.view(target[0])
        found = info is not None and view is not None and (
            any(view.writes[anchor].kind == "reset" for anchor in info.writes)
            or any(self.is_reset_call(target[0], info, site) for site in info.calls)
        )
        self._resetters[target] = found
        return found

    def handles_tokens(self, path: Path, info: FunctionInfo) -> bool:
        """The function stores or resets tokens itself: it is a flow, not a wrapper."""
        return bool(info.writes) or any(
            site.stores or self.is_reset_call(path, info, site) for site in info.calls)


_LAST: list[tuple[object, AuthIndex]] = []


def index_for(ctx: RuleContext) -> AuthIndex:
    """The index of this run (one per resolver: the rules of a run share it)."""
    if _LAST and _LAST[0][0] is ctx.resolver:
        return _LAST[0][1]
    index = AuthIndex(ctx)
    _LAST[:] = [(ctx.resolver, index)]
    return index
