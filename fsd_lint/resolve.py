"""Import resolution: from an import fact to the module it targets and where that lies.

``from P import c`` follows Python's own lookup: a name that ``P/__init__.py`` explicitly binds
wins over a same-named submodule; otherwise a submodule on disk; otherwise a name of ``P``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fsd_lint.facts.types import FileFacts, ImportFact
from fsd_lint.model.build import locate
from fsd_lint.model.project import Location, ProjectModel, Root


@dataclass(frozen=True)
class ResolvedImport:
    """One target of one import: a module, the names taken from it, and where it lies."""

    fact: ImportFact
    target: str  # absolute module name
    names: tuple[str, ...]  # names taken from ``target`` (empty: the module itself)
    location: Location | None  # None: outside every FSD root (stdlib, third party, elsewhere)


def package_of(module: str, is_package: bool) -> str:
    """The package a relative import starts from: a package is its own."""
    return module if is_package else module.rpartition(".")[0]


def absolute_base(fact: ImportFact, module: str, is_package: bool) -> str | None:
    """The absolute module a (possibly relative) import names; None if it climbs too high."""
    if fact.level == 0:
        return fact.module
    start = fact.package if fact.package is not None else package_of(module, is_package)
    parts = start.split(".") if start else []
    climb = fact.level - 1
    if climb >= len(parts):
        return None  # beyond the top-level package: an ImportError at run time
    base = parts[: len(parts) - climb]
    return ".".join([*base, *([fact.module] if fact.module else [])])


class Resolver:
    """Resolves imports against one project model and the facts of its files."""

    def __init__(self, model: ProjectModel, facts: Mapping[Path, FileFacts]) -> None:
        self.model = model
        self.facts = facts
        # locate() answers by (module, id of the preferred root): thousands of imports name
        # the same few hundred modules. The model's roots live as long as the resolver.
        self._located: dict[tuple[str, int], Location | None] = {}

    def exists(self, module: str) -> bool:
        return module in self.model.modules or module in self.model.packages

    def binds(self, package: str, name: str) -> bool:
        """Whether ``package/__init__.py`` explicitly binds ``name``."""
        path = self.model.modules.get(package)
        if path is None or path.name != "__init__.py":
            return False
        facts = self.facts.get(path)
        return facts is not None and name in facts.bound_names

    def binds_submodule(self, package: str, name: str) -> bool:
        """Whether ``package/__init__.py`` binds ``name`` only by importing the submodule of
        that name (``from . import name``, ``import package.name as name``)."""
        path = self.model.modules.get(package)
        facts = self.facts.get(path) if path is not None else None
        if facts is None or path is None or path.name != "__init__.py":
            return False
        found = False
        for fact in facts.imports:
            if fact.kind == "import" and fact.asname == name:
                if fact.module != f"{package}.{name}":
                    return False
                found = True
            elif fact.kind == "from":
                for alias in fact.names:
                    if (alias.asname or alias.name) != name:
                        continue
                    if alias.name != name or absolute_base(fact, package, True) != package:
                        return False
                    found = True
        return found and self.exists(f"{package}.{name}")

    def public_api_file(self, module: str) -> Path | None:
        path = self.model.modules.get(module)
        return path if path is not None and path.name == "__init__.py" else None

    def locate(self, module: str, prefer: Root | None) -> Location | None:
        """Where ``module`` lies, preferring the importer's root when several could hold it."""
        key = (module, id(prefer))
        if key not in self._located:
            self._located[key] = self._locate(module, prefer)
        return self._located[key]

    def _locate(self, module: str, prefer: Root | None) -> Location | None:
        roots = sorted(self.model.roots, key=lambda root: root is not prefer)
        for root in roots:
            parts = root.parts_of(module)
            if parts is None:
                continue
            if parts and not self._inside(root, parts):
                continue
            return locate(root, parts)
        return None

    def _inside(self, root: Root, parts: tuple[str, ...]) -> bool:
        """Whether the module, or a package on its way, exists in ``root``."""
        name = root.module_prefix
        for part in parts:
            name = f"{name}.{part}" if name else part
            if self.exists(name):
                return True
        return False

    def resolve(
        self, fact: ImportFact, module: str, is_package: bool, root: Root | None
    ) -> list[ResolvedImport]:
        base = absolute_base(fact, module, is_package)
        if not base:
            return []
        if fact.kind != "from" or fact.is_star:
            names = ("*",) if fact.is_star else ()
            return [ResolvedImport(fact, base, names, self.locate(base, root))]
        by_target: dict[str, list[str]] = {}
        for alias in fact.names:
            submodule = f"{base}.{alias.name}"
            if not self.binds(base, alias.name) and self.exists(submodule):
                by_target.setdefault(submodule, [])
            else:
                by_target.setdefault(base, []).append(alias.name)
        return [
            ResolvedImport(fact, target, tuple(names), self.locate(target, root))
            for target, names in by_target.items()
        ]
