"""What a rule sees and what it returns.

A file rule gets a :class:`FileContext` (one file's facts, its location and its resolved
imports) and the :class:`RuleContext` (settings and model); a project rule gets the
RuleContext only. Both return :class:`Finding` values; the engine turns them into diagnostics
(positions, severity, suppressions). Rules never read files, print or touch the cache.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from fsd_lint.diagnostics import Span
from fsd_lint.facts.types import FileFacts
from fsd_lint.model.project import Location, ProjectModel
from fsd_lint.resolve import ResolvedImport, Resolver
from fsd_lint.settings import Settings


@dataclass(frozen=True)
class ModuleRewrite:
    """A fix that rewrites the module reference of one import (``..model`` -> ``shop.x``)."""

    title: str
    replacement: str


@dataclass(frozen=True)
class Finding:
    """What a rule found: about the import ``ordinal``, at an explicit ``span``, at the auth
    facts' ``anchor`` (a node the auth analysis numbered, placed in the positions pass), or
    (none) about the whole path (a folder or file, reported at line 1, column 1)."""

    code: str
    message: str
    path: Path
    ordinal: int | None = None
    fix: ModuleRewrite | None = None
    span: Span | None = None
    anchor: int | None = None


@dataclass(frozen=True)
class RuleContext:
    """What every rule may read: the settings and the project model."""

    settings: Settings
    model: ProjectModel
    resolver: Resolver


@dataclass(frozen=True)
class FileContext:
    """One checked file inside an FSD root."""

    path: Path
    module: str
    is_package: bool  # an ``__init__.py``
    location: Location
    facts: FileFacts
    ctx: RuleContext

    @functools.cached_property
    def imports(self) -> tuple[ResolvedImport, ...]:
        """The file's imports, resolved (on first use: rules that never look pay nothing)."""
        resolved: list[ResolvedImport] = []
        skip_type_checking = self.ctx.settings.ignore_type_checking_imports
        for fact in self.facts.imports:
            if not (fact.type_checking and skip_type_checking):
                resolved.extend(self.ctx.resolver.resolve(
                    fact, self.module, self.is_package, self.location.root))
        return tuple(resolved)

    def imports_into_root(self) -> Iterable[tuple[ResolvedImport, Location]]:
        """Imports whose target lies in this file's own FSD root."""
        own = self.location.root
        for resolved in self.imports:
            target = resolved.location
            if target is not None and (target.root is own or target.root.path == own.path):
                yield resolved, target


FileCheck = Callable[[FileContext, RuleContext], Iterable[Finding]]
ProjectCheck = Callable[[RuleContext], Iterable[Finding]]
