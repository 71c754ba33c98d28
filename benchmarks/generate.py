"""Generate a deterministic Feature-Sliced Design Python project for the benchmark.

    python benchmarks/generate.py --size M --out /tmp/fsd-m

writes ``/tmp/fsd-m/`` (a ``pyproject.toml`` pinning the FSD root ``src/shop``, and the package
``src/shop`` with the layers app, pages, widgets, features, entities and shared), plus
``planted.json``: the exact list of violations planted in it (code, path, line), and
``manifest.json``: the slices and shared segments (what ``run.py`` needs to write equivalent
configs for the peer tools).

Sizes: S ≈ 300 modules, M ≈ 3,000, L ≈ 30,000. The code is ordinary application code (classes,
dataclasses, functions, comprehensions, docstrings, comments, parenthesised and
``TYPE_CHECKING`` imports, strings that merely look like imports), layered imports that respect
FSD, re-exports in every slice's ``__init__.py``, a shared API client over httpx with endpoint
functions, and a token store in ``shared/auth`` with a logout and a refresh flow written as the
FSD authentication guide recommends. Apart from the planted violations the tree is clean for
every rule, including the ones off by default (``--select ALL``). The same size and seed always
give byte-identical files.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "shop"
SLICED_LAYERS = ("pages", "widgets", "features", "entities")


@dataclass(frozen=True)
class Size:
    """How big a tree is: slices per sliced layer (in groups) and modules per segment."""

    groups: int  # slice groups per sliced layer; 0 means slices sit directly in the layer
    slices_per_group: int
    segment_modules: tuple[tuple[str, int], ...]  # (segment, modules besides its __init__)
    planted_per_kind: int  # FSD101, FSD102 and FSD103 each; FSD105 and FSD106 a fifth of it


# Every size has slices of the same make-up (19 modules), so that sizes differ only in
# number: S and M's ratio and M and L's measure scaling, not a different mix of code.
SLICE_MAKEUP = (("ui", 6), ("model", 4), ("api", 2), ("lib", 2))
SIZES = {
    "S": Size(0, 4, SLICE_MAKEUP, 2),
    "M": Size(4, 10, SLICE_MAKEUP, 10),
    "L": Size(20, 20, SLICE_MAKEUP, 100),
}

RESERVED = frozenset({
    "ui", "model", "api", "lib", "config", "auth", "x", "app", "pages", "widgets", "features",
    "entities", "shared", "processes", "test", "tests", "conftest", "main", "routes",
})
_CONSONANTS = "bdfgklmnprtvz"
_VOWELS = "aeiou"


@dataclass
class SliceSpec:
    """One slice: where it lives and the names its public API re-exports."""

    layer: str
    group: str | None
    name: str
    modules: dict[str, list[str]]  # segment -> module stems (besides __init__)

    @property
    def parts(self) -> tuple[str, ...]:
        return (self.layer, *((self.group,) if self.group else ()), self.name)

    @property
    def dotted(self) -> str:
        return ".".join((PACKAGE, *self.parts))

    @property
    def directory(self) -> str:
        return "/".join(("src", PACKAGE, *self.parts))

    @property
    def camel(self) -> str:
        return self.name.capitalize()

    def record(self, stem: str) -> str:
        return f"{self.camel}{stem.capitalize()}"


@dataclass
class Module:
    """A module being written: its import block and body, kept apart so that a planted import
    can be added and its line known."""

    path: str
    docstring: str
    future: bool = True
    imports: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    guarded: list[str] = field(default_factory=list)  # imports under ``if TYPE_CHECKING:``
    planted: list[tuple[str, int]] = field(default_factory=list)  # (code, index in imports)

    def render(self) -> tuple[str, list[tuple[str, int]]]:
        """The text, and the 1-based line of each planted import."""
        lines = [f'"""{self.docstring}"""', ""]
        if self.future:
            lines += ["from __future__ import annotations", ""]
        start = len(lines)
        offsets = []
        for import_line in self.imports:
            offsets.append(len(lines) - start)
            lines += import_line.split("\n")
        if self.guarded:
            lines += ["", "if TYPE_CHECKING:", *(f"    {line}" for line in self.guarded)]
        if self.imports:
            lines.append("")
        if self.body:
            lines += ["", *self.body]
        text = "\n".join(lines).rstrip("\n") + "\n"
        lines_of = [start + offsets[index] + 1 for _, index in self.planted]
        return text, [(code, line) for (code, _), line in zip(self.planted, lines_of, strict=True)]


class Generator:
    """Builds the whole tree in memory, then writes it."""

    def __init__(self, size: str, seed: int) -> None:
        self.size = SIZES[size]
        self.rng = random.Random(f"fsd-bench-{size}-{seed}")
        self.used: set[str] = set(RESERVED)
        self.modules: dict[str, Module] = {}
        self.slices: dict[str, list[SliceSpec]] = {}
        self.planted: list[dict[str, object]] = []

    # -- names ------------------------------------------------------------------------------

    def word(self, syllables: int | None = None, used: set[str] | None = None) -> str:
        """A pronounceable identifier (consonant-vowel syllables, never a plural) not in
        ``used`` (default: every name of the tree, for slices and groups)."""
        taken = self.used if used is None else used
        while True:
            count = syllables or self.rng.choice((2, 3, 3))
            word = "".join(
                self.rng.choice(_CONSONANTS) + self.rng.choice(_VOWELS) for _ in range(count)
            )
            if word not in taken and word not in RESERVED:
                taken.add(word)
                return word

    # -- layout -----------------------------------------------------------------------------

    def plan(self) -> None:
        for layer in SLICED_LAYERS:
            specs = []
            groups: list[str | None] = (
                [self.word(3) for _ in range(self.size.groups)] if self.size.groups else [None]
            )
            for group in groups:
                for _ in range(self.size.slices_per_group):
                    name = self.word()
                    stems: set[str] = set()  # module names: unique within their slice
                    modules = {
                        segment: [self.word(2, stems) for _ in range(count)]
                        for segment, count in self.size.segment_modules
                    }
                    specs.append(SliceSpec(layer, group, name, modules))
            self.slices[layer] = specs

    def add(self, module: Module) -> Module:
        self.modules[module.path] = module
        return module

    def package_inits(self) -> None:
        base = f"src/{PACKAGE}"
        self.add(Module(f"{base}/__init__.py", "The shop: an online store laid out with FSD.",
                        future=False))
        for layer in (*SLICED_LAYERS, "shared", "app"):
            self.add(Module(f"{base}/{layer}/__init__.py",
                            f"The {layer} layer (no public API of its own).", future=False))
        for layer in SLICED_LAYERS:
            for group in sorted({s.group for s in self.slices[layer] if s.group}):
                self.add(Module(f"{base}/{layer}/{group}/__init__.py",
                                f"The {group} group of {layer} slices.", future=False))

    # -- shared -------------------------------------------------------------------------------

    LIB_MODULES = ("formatting", "dates", "numbers", "text", "paging", "ids", "retry",
                   "collections_ext", "sorting", "caching")
    UI_MODULES = ("button", "card", "table", "layout", "form", "badge")

    def shared(self) -> None:
        base = f"src/{PACKAGE}/shared"
        self.add(Module(f"{base}/lib/__init__.py", "Small helpers used everywhere."))
        for stem in self.LIB_MODULES:
            module = self.add(Module(f"{base}/lib/{stem}.py", f"Helpers: {stem}."))
            module.imports.append("import re")
            module.body += self.lib_body(stem)
        ui_exports = []
        for stem in self.UI_MODULES:
            name = stem.capitalize()
            ui_exports.append(name)
            module = self.add(Module(f"{base}/ui/{stem}.py", f"The {stem} component."))
            module.imports.append("from dataclasses import dataclass, field")
            module.imports.append("from shop.shared.lib.text import shorten")
            module.body += self.component_body(name)
        init = self.add(Module(f"{base}/ui/__init__.py", "Shared UI components."))
        init.imports += [f"from .{stem} import {stem.capitalize()}" for stem in self.UI_MODULES]
        init.body.append(f"__all__ = {sorted(ui_exports)!r}")
        self.add(Module(f"{base}/config/__init__.py",
                        "Settings read once at start-up.")).imports.append(
            "from .settings import BASE_URL, TIMEOUT_SECONDS")
        settings = self.add(Module(f"{base}/config/settings.py", "Deployment settings."))
        settings.imports.append("import os")
        settings.body += [
            'BASE_URL = os.environ.get("SHOP_BACKEND_URL", "https://backend.example.com")',
            "TIMEOUT_SECONDS = float(os.environ.get(\"SHOP_TIMEOUT\", \"10\"))",
        ]
        self.shared_api(base)
        self.shared_auth(base)

    def shared_api(self, base: str) -> None:
        client = self.add(Module(f"{base}/api/client.py",
                                 "The one HTTP client: base URL, headers, JSON, errors."))
        client.imports += ["from typing import Any", "", "import httpx", "",
                           "from shop.shared.config import BASE_URL, TIMEOUT_SECONDS"]
        client.body += [
            "class ApiError(Exception):",
            '    """The backend answered with an error status."""',
            "",
            "    def __init__(self, status: int, detail: str) -> None:",
            '        super().__init__(f"{status}: {detail}")',
            "        self.status = status",
            "",
            "",
            "class ApiClient:",
            '    """Sends JSON requests to the backend."""',
            "",
            "    def __init__(self, base_url: str) -> None:",
            "        self._http = httpx.Client(base_url=base_url, timeout=TIMEOUT_SECONDS)",
            "        self.headers: dict[str, str] = {}",
            "",
            "    def request(self, method: str, path: str, **kwargs: Any) -> Any:",
            "        answer = self._http.request(method, path, headers=self.headers, **kwargs)",
            "        if answer.status_code >= 400:",
            "            raise ApiError(answer.status_code, answer.text)",
            "        return answer.json()",
            "",
            "    def get(self, path: str, **kwargs: Any) -> Any:",
            '        return self.request("GET", path, **kwargs)',
            "",
            "    def post(self, path: str, **kwargs: Any) -> Any:",
            '        return self.request("POST", path, **kwargs)',
            "",
            "",
            "api_client = ApiClient(BASE_URL)",
        ]
        session = self.add(Module(f"{base}/api/endpoints/session.py",
                                  "Session endpoints: thin functions over the client."))
        session.imports += ["from typing import Any", "", "from ..client import api_client"]
        session.body += [
            "def login(email: str, password: str) -> Any:",
            '    return api_client.post("/auth/login", json={"email": email, '
            '"password": password})',
            "",
            "",
            "def logout() -> Any:",
            '    return api_client.post("/auth/logout")',
            "",
            "",
            "def refresh_session(refresh_value: str) -> Any:",
            '    return api_client.post("/auth/refresh", json={"refresh": refresh_value})',
        ]
        catalog = self.add(Module(f"{base}/api/endpoints/catalog.py", "Catalog endpoints."))
        catalog.imports += ["from typing import Any", "", "from ..client import api_client"]
        catalog.body += [
            "def list_items(page: int = 1) -> Any:",
            '    return api_client.get("/items", params={"page": page})',
            "",
            "",
            "def get_item(item_id: int) -> Any:",
            '    return api_client.get(f"/items/{item_id}")',
        ]
        self.add(Module(f"{base}/api/endpoints/__init__.py", "Endpoint functions.")).imports += [
            "from .catalog import get_item, list_items",
            "from .session import login, logout, refresh_session",
        ]
        init = self.add(Module(f"{base}/api/__init__.py", "The backend API."))
        init.imports += [
            "from .client import ApiError, api_client",
            "from .endpoints import get_item, list_items, login, logout, refresh_session",
        ]
        init.body.append('__all__ = ["ApiError", "api_client", "get_item", "list_items", '
                         '"login", "logout", "refresh_session"]')

    def shared_auth(self, base: str) -> None:
        store = self.add(Module(f"{base}/auth/store.py",
                                "Where the session's tokens live, apart from request code."))
        store.imports.append("from dataclasses import dataclass")
        store.body += [
            "@dataclass",
            "class TokenStore:",
            '    """The access and refresh tokens of the signed-in user."""',
            "",
            "    access_token: str | None = None",
            "    refresh_token: str | None = None",
            "",
            "    def save(self, access: str, refresh: str) -> None:",
            "        self.access_token = access",
            "        self.refresh_token = refresh",
            "",
            "    def reset(self) -> None:",
            "        self.access_token = None",
            "        self.refresh_token = None",
            "",
            "",
            "token_store = TokenStore()",
        ]
        flows = self.add(Module(f"{base}/auth/flows.py",
                                "Sign-in, sign-out and refresh: the store follows the server."))
        flows.imports += [
            "from shop.shared.api import ApiError, login, logout, refresh_session",
            "",
            "from .store import token_store",
        ]
        flows.body += [
            "def sign_in(email: str, password: str) -> None:",
            "    answer = login(email, password)",
            '    token_store.save(answer["access"], answer["refresh"])',
            "",
            "",
            "def sign_out() -> None:",
            "    try:",
            "        logout()",
            "    finally:",
            "        token_store.reset()",
            "",
            "",
            "def renew() -> None:",
            "    current = token_store.refresh_token or \"\"",
            "    try:",
            "        answer = refresh_session(current)",
            "    except ApiError:",
            "        token_store.reset()",
            "        raise",
            '    token_store.save(answer["access"], answer["refresh"])',
        ]
        init = self.add(Module(f"{base}/auth/__init__.py", "Token management."))
        init.imports += ["from .flows import renew, sign_in, sign_out",
                         "from .store import token_store"]
        init.body.append('__all__ = ["renew", "sign_in", "sign_out", "token_store"]')

    # -- slices -----------------------------------------------------------------------------

    def dependencies(self) -> dict[str, list[SliceSpec]]:
        """Each slice's lower-layer slices: every widget, feature and entity is used by at
        least two slices of the layer above, plus a few more from further up."""
        deps: dict[str, list[SliceSpec]] = {s.dotted: [] for ss in self.slices.values()
                                            for s in ss}
        for upper, lower in itertools.pairwise(SLICED_LAYERS):
            above, below = self.slices[upper], self.slices[lower]
            for index, target in enumerate(below):
                for importer in (above[index % len(above)], above[(index + 1) % len(above)]):
                    if target not in deps[importer.dotted]:
                        deps[importer.dotted].append(target)
        for position, layer in enumerate(SLICED_LAYERS[:-2]):
            for importer in self.slices[layer]:
                for lower in SLICED_LAYERS[position + 2:]:
                    target = self.rng.choice(self.slices[lower])
                    if target not in deps[importer.dotted]:
                        deps[importer.dotted].append(target)
        return deps

    def slice_modules(self, spec: SliceSpec, deps: list[SliceSpec]) -> None:
        base = spec.directory
        first = {segment: stems[0] for segment, stems in spec.modules.items()}
        for segment, stems in spec.modules.items():
            for stem in stems:
                module = self.add(Module(f"{base}/{segment}/{stem}.py",
                                         f"{spec.camel} {segment}: {stem}."))
                getattr(self, f"{segment}_module")(module, spec, stem)
            init = self.add(Module(f"{base}/{segment}/__init__.py",
                                   f"The {segment} segment of {spec.name}."))
            init.imports += [f"from .{stem} import {self.export(spec, segment, stem)}"
                             for stem in stems]
        public = self.add(Module(f"{base}/__init__.py", f"Public API of the {spec.name} "
                                 f"{spec.layer[:-1] if spec.layer != 'entities' else 'entity'}."))
        names = []
        for segment in spec.modules:
            name = self.export(spec, segment, first[segment])
            names.append(name)
            public.imports.append(f"from .{segment} import {name}")
        public.body.append(f"__all__ = {sorted(names)!r}")
        self.wire(spec, deps)

    @staticmethod
    def export(spec: SliceSpec, segment: str, stem: str) -> str:
        return {
            "ui": f"render_{spec.name}_{stem}",
            "model": spec.record(stem),
            "api": f"fetch_{spec.name}_{stem}",
            "lib": f"{spec.name}_{stem}_key",
        }[segment]

    def wire(self, spec: SliceSpec, deps: list[SliceSpec]) -> None:
        """Absolute imports of the dependencies' public APIs, in the ui and model modules."""
        users = [f"{spec.directory}/{segment}/{stem}.py" for segment in ("ui", "model")
                 for stem in spec.modules.get(segment, [])]
        for index, target in enumerate(deps):
            module = self.modules[users[index % len(users)]]
            name = target.record(target.modules["model"][0])
            style = self.rng.random()
            if style < 0.15:
                module.imports.append(f"from {target.dotted} import (\n    {name},\n)")
            elif style < 0.25:
                module.imports.append(f"import {target.dotted} as {target.name}_api")
                module.body += ["", "", f"def use_{target.name}() -> object:",
                                f"    return {target.name}_api.{name}"]
                continue
            else:
                module.imports.append(f"from {target.dotted} import {name}")
            module.body += ["", "", f"def build_{target.name}(count: int) -> list[object]:",
                            f'    """Instances of {name} for the view."""',
                            f"    return [{name} for _ in range(count)]"]

    def ui_module(self, module: Module, spec: SliceSpec, stem: str) -> None:
        record = spec.record(spec.modules["model"][0])
        module.imports += ["from typing import TYPE_CHECKING", "",
                           "from shop.shared.lib.formatting import format_amount",
                           "from shop.shared.ui import Card, Table", "",
                           f"from ..model import {record}"]
        if self.rng.random() < 0.3:
            module.guarded.append("from shop.shared.lib.paging import Page")
        module.body += [
            f"def render_{spec.name}_{stem}(items: list[{record}]) -> Card:",
            f'    """The {stem} view of {spec.name}."""',
            "    rows = [(item.label, format_amount(item.amount)) for item in items]",
            f'    return Card(title="{spec.camel} {stem}", body=Table(rows=rows))',
            "", "",
        ]
        module.body += self.filler(spec, stem, 12)

    def model_module(self, module: Module, spec: SliceSpec, stem: str) -> None:
        stems = spec.modules["model"]
        module.imports += ["from dataclasses import dataclass, field", "from enum import Enum",
                           "", "from shop.shared.lib.ids import new_id"]
        if stem != stems[0]:
            module.imports.append(f"from .{stems[0]} import {spec.record(stems[0])}")
        name = spec.record(stem)
        module.body += [
            "class Status(Enum):",
            '    DRAFT = "draft"',
            '    ACTIVE = "active"',
            '    ARCHIVED = "archived"',
            "", "",
            "@dataclass",
            f"class {name}:",
            f'    """One {spec.name} {stem}."""',
            "",
            "    label: str",
            "    amount: float = 0.0",
            "    status: Status = Status.DRAFT",
            "    ident: str = field(default_factory=new_id)",
            "    tags: list[str] = field(default_factory=list)",
            "",
            "    def archive(self) -> None:",
            "        self.status = Status.ARCHIVED",
            "",
            "    def tagged(self, tag: str) -> bool:",
            "        return tag in self.tags",
            "", "",
        ]
        module.body += self.filler(spec, stem, 10)

    def api_module(self, module: Module, spec: SliceSpec, stem: str) -> None:
        module.imports += ["from typing import Any", "", "from shop.shared.api import api_client"]
        module.body += [
            f"def fetch_{spec.name}_{stem}(page: int = 1) -> list[dict[str, Any]]:",
            f'    """Load {spec.name} {stem} records from the backend."""',
            f'    answer = api_client.get("/{spec.name}/{stem}", params={{"page": page}})',
            "    return list(answer)",
            "", "",
            f"def save_{spec.name}_{stem}(payload: dict[str, Any]) -> Any:",
            f'    return api_client.post("/{spec.name}/{stem}", json=payload)',
            "", "",
        ]
        module.body += self.filler(spec, stem, 9)

    def lib_module(self, module: Module, spec: SliceSpec, stem: str) -> None:
        module.imports += ["import hashlib", "", "from shop.shared.lib.text import shorten"]
        module.body += [
            f"def {spec.name}_{stem}_key(*parts: str) -> str:",
            '    """A short stable key for caches and URLs."""',
            '    digest = hashlib.sha1("/".join(parts).encode()).hexdigest()',
            '    return shorten(digest, 12)',
            "", "",
        ]
        module.body += self.filler(spec, stem, 12)

    # -- ordinary code ------------------------------------------------------------------------

    def filler(self, spec: SliceSpec, stem: str, count: int) -> list[str]:
        """``count`` chunks of ordinary code (functions and classes), chosen and named by the
        seeded generator."""
        chunks = [self.rng.choice(_CHUNKS) for _ in range(count)]
        lines: list[str] = []
        for number, chunk in enumerate(chunks):
            names = {"name": f"{spec.name}_{stem}_{number}", "cls": f"{spec.camel}{number}",
                     "slice": spec.name, "word": self.rng.choice(_WORDS)}
            lines += [line.format(**names) for line in chunk]
            lines += ["", ""]
        return lines[:-2]

    def lib_body(self, stem: str) -> list[str]:
        return [
            'def format_amount(value: float, unit: str = "EUR") -> str:',
            '    """Two decimals and a unit."""',
            '    return f"{value:,.2f} {unit}"',
            "", "",
            "def shorten(text: str, limit: int) -> str:",
            '    return text if len(text) <= limit else text[: limit - 1] + "…"',
            "", "",
            "def new_id() -> str:",
            f'    return re.sub(r"[^a-z0-9]", "", "{stem}-" + str(id(object())))',
            "", "",
            "class Page:",
            '    """A page of results."""',
            "",
            "    def __init__(self, items: list[object], number: int) -> None:",
            "        self.items = items",
            "        self.number = number",
        ]

    @staticmethod
    def component_body(name: str) -> list[str]:
        return [
            "@dataclass",
            f"class {name}:",
            f'    """A {name.lower()} on screen."""',
            "",
            '    title: str = ""',
            "    body: object = None",
            "    rows: list[tuple[str, str]] = field(default_factory=list)",
            "",
            "    def caption(self) -> str:",
            "        return shorten(self.title, 40)",
        ]

    # -- violations ---------------------------------------------------------------------------

    def plant(self) -> None:
        """The known violations, each in its own module, each one import."""
        count = self.size.planted_per_kind
        taken: set[str] = set()

        def pick_module(spec: SliceSpec, segments: tuple[str, ...]) -> Module:
            for segment in segments:
                for stem in spec.modules.get(segment, []):
                    path = f"{spec.directory}/{segment}/{stem}.py"
                    if path not in taken:
                        taken.add(path)
                        return self.modules[path]
            raise RuntimeError(f"no free module in {spec.dotted}")

        def free_slice(layer: str) -> SliceSpec:
            candidates = [s for s in self.slices[layer]
                          if f"{s.directory}/model/{s.modules['model'][0]}.py" not in taken
                          or f"{s.directory}/ui/{s.modules['ui'][0]}.py" not in taken]
            return self.rng.choice(candidates)

        def record(module: Module, code: str, line: str) -> None:
            module.planted.append((code, len(module.imports)))
            module.imports.append(line)

        upward = (("entities", "features"), ("features", "widgets"), ("widgets", "pages"))
        for index in range(count):
            lower, upper = upward[index % len(upward)]
            source, target = free_slice(lower), self.rng.choice(self.slices[upper])
            module = pick_module(source, ("model", "ui"))
            record(module, "FSD101", f"from {target.dotted} import "
                   f"{target.record(target.modules['model'][0])}")
        for index in range(count):
            layer = ("features", "widgets", "entities")[index % 3]
            source = free_slice(layer)
            target = self.rng.choice([s for s in self.slices[layer] if s is not source])
            module = pick_module(source, ("ui", "model"))
            record(module, "FSD102", f"from {target.dotted} import "
                   f"{target.record(target.modules['model'][0])}")
        for index in range(count):
            layer = ("pages", "widgets", "features")[index % 3]
            below = SLICED_LAYERS[SLICED_LAYERS.index(layer) + 1:]
            source = free_slice(layer)
            target = self.rng.choice(self.slices[self.rng.choice(below)])
            stem = target.modules["model"][-1]
            module = pick_module(source, ("ui", "model"))
            record(module, "FSD103",
                   f"from {target.dotted}.model.{stem} import {target.record(stem)}")
        for _ in range(max(1, count // 5)):
            source = free_slice("features")
            module = pick_module(source, ("model",))
            record(module, "FSD105", f"from .. import {source.record(source.modules['model'][0])}")
        for _ in range(max(1, count // 5)):
            source = self.rng.choice([s for s in self.slices["widgets"]
                                      if f"{s.directory}/__init__.py" not in taken])
            path = f"{source.directory}/__init__.py"
            taken.add(path)
            record(self.modules[path], "FSD106", "from .lib import *")

    # -- output -------------------------------------------------------------------------------

    def build(self) -> None:
        self.plan()
        self.package_inits()
        self.shared()
        deps = self.dependencies()
        for layer in SLICED_LAYERS:
            for spec in self.slices[layer]:
                self.slice_modules(spec, deps[spec.dotted])
        self.app()
        self.plant()

    def app(self) -> None:
        base = f"src/{PACKAGE}/app"
        routes = self.add(Module(f"{base}/routes/table.py", "Every page, by URL."))
        entries = []
        for spec in self.slices["pages"]:
            alias = f"{spec.name}_page"
            routes.imports.append(f"from {spec.dotted} import "
                                  f"render_{spec.name}_{spec.modules['ui'][0]} as {alias}")
            entries.append(f'    "/{spec.name}": {alias},')
        routes.body += ["ROUTES = {", *entries, "}"]
        self.add(Module(f"{base}/routes/__init__.py", "URL routing.")).imports.append(
            "from .table import ROUTES")
        setup = self.add(Module(f"{base}/providers/setup.py", "Start-up wiring."))
        setup.imports += ["import logging", "", "from shop.shared.auth import token_store",
                          "from shop.shared.config import BASE_URL"]
        setup.body += [
            "def configure() -> None:",
            "    logging.basicConfig(level=logging.INFO)",
            '    logging.getLogger(__name__).info("backend %s, signed in: %s", BASE_URL,',
            "                                     token_store.access_token is not None)",
        ]
        self.add(Module(f"{base}/providers/__init__.py", "Application providers.")).imports\
            .append("from .setup import configure")

    def write(self, out: Path) -> None:
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        (out / "pyproject.toml").write_text(
            '[project]\nname = "shop"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n\n'
            '[tool.fsd-lint]\nroot = "src/shop"\n', encoding="utf-8")
        planted = []
        for path in sorted(self.modules):
            text, lines = self.modules[path].render()
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            planted += [{"code": code, "path": path, "line": line} for code, line in lines]
        planted.sort(key=lambda item: (item["path"], item["line"], item["code"]))
        (out / "planted.json").write_text(json.dumps(planted, indent=1) + "\n",
                                          encoding="utf-8")
        manifest = {
            "package": PACKAGE,
            "source_root": "src",
            "modules": len(self.modules),
            "slices": {layer: [s.dotted for s in specs] for layer, specs in self.slices.items()},
            "shared_segments": sorted({p.split("/")[3] for p in self.modules
                                       if p.startswith(f"src/{PACKAGE}/shared/")
                                       and p.count("/") > 3}),
        }
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n",
                                           encoding="utf-8")


_WORDS = ("amount", "label", "weight", "count", "score", "ratio", "price", "limit", "rank")

# Ordinary code, formatted with name, cls, slice and word.
_CHUNKS: tuple[tuple[str, ...], ...] = (
    (
        "def summarise_{name}(values: list[float]) -> dict[str, float]:",
        '    """Minimum, maximum and mean of the {word}s."""',
        "    if not values:",
        '        return {{"min": 0.0, "max": 0.0, "mean": 0.0}}',
        "    total = sum(values)",
        '    return {{"min": min(values), "max": max(values), "mean": total / len(values)}}',
    ),
    (
        "class {cls}Index:",
        '    """Looks {slice} items up by {word}."""',
        "",
        "    def __init__(self) -> None:",
        "        self._by_key: dict[str, list[int]] = {{}}",
        "",
        "    def add(self, key: str, position: int) -> None:",
        "        self._by_key.setdefault(key, []).append(position)",
        "",
        "    def find(self, key: str) -> list[int]:",
        "        return list(self._by_key.get(key, ()))",
        "",
        "    def __len__(self) -> int:",
        "        return sum(len(found) for found in self._by_key.values())",
    ),
    (
        "def parse_{name}(raw: str) -> int:",
        '    """The {word} written in ``raw``; 0 when it is not a number."""',
        "    try:",
        "        return int(raw.strip())",
        "    except ValueError:",
        "        return 0",
    ),
    (
        "# Note: the next helper used to say 'from shop.pages import everything'; it no",
        "# longer does. The string below is only a message.",
        "HINT_{cls} = \"from shop.features import nothing  # not an import\"",
        "MESSAGE_{cls} = '''",
        "import this is not code either",
        "'''",
    ),
    (
        "def batches_{name}(items: list[str], size: int = 10):",
        '    """Yield ``items`` in groups of ``size``."""',
        "    for start in range(0, len(items), size):",
        "        yield items[start : start + size]",
    ),
    (
        "def ranked_{name}(rows: list[tuple[str, float]]) -> list[str]:",
        "    def by_{word}(row: tuple[str, float]) -> float:",
        "        return -row[1]",
        "",
        "    ordered = sorted(rows, key=by_{word})",
        "    return [label for label, _ in ordered if label]",
    ),
    (
        "class {cls}Counter:",
        '    """Counts {word} changes, for the status bar."""',
        "",
        "    step = 1",
        "",
        "    def __init__(self, start: int = 0) -> None:",
        "        self.value = start",
        "",
        "    def bump(self) -> int:",
        "        self.value += self.step",
        "        return self.value",
        "",
        "    def __repr__(self) -> str:",
        '        return f"{cls}Counter({{self.value}})"',
    ),
    (
        "class {cls}View:",
        '    """A read-only view over {slice} rows."""',
        "",
        "    def __init__(self, rows: list[dict[str, float]]) -> None:",
        "        self._rows = rows",
        "",
        "    @property",
        "    def total(self) -> float:",
        '        return sum(row.get("{word}", 0.0) for row in self._rows)',
        "",
        "    @staticmethod",
        "    def empty() -> {cls}View:",
        "        return {cls}View([])",
        "",
        "    def by_{word}(self) -> dict[float, int]:",
        '        return {{row.get("{word}", 0.0): index for index, row in enumerate(self._rows)}}',
    ),
    (
        "def classify_{name}(value: object) -> str:",
        '    """A label for ``value`` in the {slice} screens."""',
        "    match value:",
        "        case int() | float() if value < 0:",
        '            return "negative"',
        "        case int() | float():",
        '            return "number"',
        "        case str() as text if text.isdigit():",
        '            return "digits"',
        "        case {{\"{word}\": inner}}:",
        '            return f"{word} {{inner}}"',
        "        case _:",
        '            return "other"',
    ),
    (
        "async def gather_{name}(sources: list[object]) -> list[str]:",
        '    """Collect the names of ``sources`` concurrently (one at a time here)."""',
        "    found: list[str] = []",
        "    for source in sources:",
        "        name = getattr(source, \"__name__\", None)",
        "        if name is None:",
        "            continue",
        "        found.append(name)",
        "    while len(found) > 50:",
        "        found.pop()",
        "    return found",
    ),
    (
        "def write_{name}(path: str, lines: list[str]) -> int:",
        "    written = 0",
        '    with open(path, "w", encoding="utf-8") as handle:',
        "        for line in lines:",
        '            handle.write(line + "\\n")',
        "            written += 1",
        "    return written",
    ),
    (
        "def describe_{name}(data: dict[str, object]) -> str:",
        '    parts = [f"{{key}}={{value!r}}" for key, value in sorted(data.items())]',
        '    text = ", ".join(parts)',
        "    if len(text) > 80:",
        '        text = text[:77] + "..."',
        "    return text",
    ),
)


def generate(size: str, out: Path, seed: int = 0) -> dict[str, object]:
    """Write the tree for ``size`` into ``out`` (replacing it); returns the manifest."""
    generator = Generator(size, seed)
    generator.build()
    generator.write(out)
    manifest: dict[str, object] = json.loads((out / "manifest.json").read_text("utf-8"))
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="M", choices=sorted(SIZES))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    manifest = generate(args.size, args.out, args.seed)
    planted = json.loads((args.out / "planted.json").read_text("utf-8"))
    print(f"{args.out}: {manifest['modules']} modules, {len(planted)} planted violations",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
