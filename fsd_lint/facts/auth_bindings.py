"""What a name of a module stands for, for the auth/API analysis: the HTTP libraries' request
functions, client classes and methods, and the module-wide bindings (imports, functions,
classes, client objects, URL constants). No syntax tree here: both analyses (libcst's in
``facts.auth_calls``, CPython ``ast``'s in ``facts.fast_auth_calls``) fill these in."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from fsd_lint.facts.types import ImportFact

# Module-level functions of the HTTP libraries that send a request.
LIB_FUNCTIONS = frozenset({
    "get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "urlopen",
})
# Methods of their client objects that send one.
OBJECT_VERBS = LIB_FUNCTIONS | {"send", "open"}
# Methods of the shared API client (5.3).
CLIENT_VERBS = frozenset({"get", "post", "put", "patch", "delete", "request"})
# The client classes of the known libraries (others: any CapWords name of the library).
CLIENT_CLASSES: Mapping[str, frozenset[str]] = {
    "requests": frozenset({"Session", "session"}),
    "httpx": frozenset({"Client", "AsyncClient"}),
    "aiohttp": frozenset({"ClientSession"}),
    "urllib3": frozenset({
        "PoolManager", "ProxyManager", "HTTPConnectionPool", "HTTPSConnectionPool",
        "connection_from_url",
    }),
    "http.client": frozenset({"HTTPConnection", "HTTPSConnection"}),
    "urllib.request": frozenset({"build_opener", "OpenerDirector"}),
}

BoundKind = Literal["import", "lib-object", "client-object", "def", "class", "self"]


@dataclass(frozen=True)
class Bound:
    """What a name stands for: an imported dotted name, an HTTP client object of a library,
    an instance of an imported class (maybe the shared client), a function or class of this
    module, or ``self`` in a method."""

    kind: BoundKind
    value: str  # qualified name / library / client origin / def or class name
    ordinal: int | None = None  # the import it comes from


@dataclass
class ClassInfo:
    name: str
    library: str | None = None  # a subclass of this library's client class
    ordinal: int | None = None
    attrs: dict[str, Bound] = field(default_factory=dict)  # ``self.x`` -> what it holds


@dataclass
class ModuleNames:
    """Module-wide bindings: imports, functions, classes, client objects, URL constants."""

    names: dict[str, Bound] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)  # NAME = "/a/path"

    def add_imports(self, imports: tuple[ImportFact, ...]) -> None:
        for fact in imports:
            if fact.kind == "import":
                if fact.asname:
                    self.names[fact.asname] = Bound("import", fact.module, fact.ordinal)
                else:
                    top = fact.module.split(".")[0]
                    self.names[top] = Bound("import", top, fact.ordinal)
            elif fact.kind == "from" and not fact.is_star:
                base = "." * fact.level + fact.module
                for alias in fact.names:
                    qualified = f"{base}.{alias.name}" if fact.module else base + alias.name
                    self.names[alias.asname or alias.name] = Bound(
                        "import", qualified, fact.ordinal)


def is_stdlib(bound: Bound) -> bool:
    """An import of the standard library (never the project's API client or a wrapper)."""
    top = bound.value.split(".")[0]
    return bool(top) and top in sys.stdlib_module_names


def is_client_class(library: str, rest: str) -> bool:
    if not rest:
        return False
    last = rest.split(".")[-1]
    known = CLIENT_CLASSES.get(library)
    return last in known if known is not None else last[:1].isupper()
