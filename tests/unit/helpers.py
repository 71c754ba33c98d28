"""Helpers for the unit tests: write a project, build its model, run the engine on it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fsd_lint.diagnostics import Diagnostic
from fsd_lint.engine import ProjectRun, RunOptions, check_project
from fsd_lint.extraction import extract_all
from fsd_lint.facts.types import FileFacts
from fsd_lint.files import discover
from fsd_lint.model.build import build_model
from fsd_lint.model.project import ProjectModel
from fsd_lint.resolve import ResolvedImport, Resolver
from fsd_lint.selection import Overrides
from fsd_lint.settings import Settings, find_config, load_settings

SHOP = "src/shop"


def write(top: Path, files: Mapping[str, str], package_top: str | None = SHOP,
          config: str | None = None) -> Path:
    """Write ``files`` under ``top``; every directory from ``package_top`` down (``top``
    itself excepted) gets an ``__init__.py`` unless one is given; ``config`` becomes the
    ``[tool.fsd-lint]`` table of ``pyproject.toml`` (a bare pyproject marks the project top
    when it is None)."""
    pyproject = "[project]\nname = 'demo'\n"
    if config is not None:
        pyproject += "\n[tool.fsd-lint]\n" + config
    (top / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for relative, content in files.items():
        path = top / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    if package_top is not None:
        base = top / package_top
        for relative in files:
            directory = (top / relative).parent
            while directory != top and (directory == base or base in directory.parents):
                init = directory / "__init__.py"
                if not init.exists():
                    init.write_text("", encoding="utf-8")
                directory = directory.parent
    return top


def settings_of(top: Path) -> Settings:
    return load_settings(find_config(top), top)


def model_of(top: Path) -> ProjectModel:
    settings = settings_of(top)
    files = discover(settings, split_nested_projects=False).python_files
    return build_model(settings, files)


@dataclass(frozen=True)
class Project:
    """A built project: its model, every file's facts and a resolver over them."""

    top: Path
    model: ProjectModel
    facts: Mapping[Path, FileFacts]
    resolver: Resolver

    def resolve(self, relative: str) -> list[ResolvedImport]:
        """Every resolved import of the file at ``relative``."""
        path = (self.top / relative).resolve()
        root, module, _ = self.model.files[path]
        found: list[ResolvedImport] = []
        for fact in self.facts[path].imports:
            found.extend(self.resolver.resolve(fact, module, path.name == "__init__.py", root))
        return found

    def targets(self, relative: str) -> list[tuple[str, tuple[str, ...]]]:
        """(target module, names) of every import of one file."""
        return [(r.target, r.names) for r in self.resolve(relative)]

    def where(self, relative: str) -> list[str | None]:
        """Where each import of one file lands, as ``layer/slice/segment/rest`` text."""
        out: list[str | None] = []
        for resolved in self.resolve(relative):
            location = resolved.location
            if location is None:
                out.append(None)
                continue
            parts = [location.layer or "-", location.slice or "-", location.segment or "-",
                     *location.rest]
            out.append("/".join(parts))
        return out


def project_of(top: Path) -> Project:
    model = model_of(top)
    facts = extract_all(sorted(model.files), jobs=1)
    return Project(top, model, facts, Resolver(model, facts))


def lint(top: Path, select: Sequence[str] | None = ("FSD1",), targets: Sequence[Path] = ()
         ) -> list[Diagnostic]:
    """Diagnostics of the engine over the project at ``top``; ``select`` None keeps the
    configured/default selection. Paths are relative to the current directory: callers chdir
    to ``top`` with monkeypatch."""
    return run(top, select, targets).diagnostics


def run(top: Path, select: Sequence[str] | None = ("FSD1",), targets: Sequence[Path] = ()
        ) -> ProjectRun:
    settings = settings_of(top)
    chosen = tuple(select) if select is not None else None
    options = RunOptions(overrides=Overrides(select=chosen),
                         split_nested_projects=False)
    outcome = check_project(settings, list(targets) or [top.resolve()], options)
    outcome.diagnostics.sort(key=Diagnostic.sort_key)
    return outcome


def codes(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, str, int]]:
    """(path, code, line) of each diagnostic, sorted."""
    return sorted((d.path, d.code, d.span.line) for d in diagnostics)
