"""File discovery: every Python file of a project, honouring excludes and .gitignore files.

Directories that hold a config file of their own are separate projects: they are reported back
instead of walked, so each is checked with its own settings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pathspec

from fsd_lint.settings import Settings, own_config_in


@dataclass(frozen=True)
class Discovery:
    """What a walk of one project found."""

    python_files: tuple[Path, ...]  # absolute, sorted
    nested_projects: tuple[Path, ...]  # directories with a config file of their own


class _IgnoreStack:
    """The .gitignore files in effect for a directory, outermost first."""

    def __init__(self, entries: tuple[tuple[Path, pathspec.GitIgnoreSpec], ...] = ()) -> None:
        self.entries = entries

    def with_directory(self, directory: Path) -> _IgnoreStack:
        gitignore = directory / ".gitignore"
        if not gitignore.is_file():
            return self
        try:
            lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return self
        return _IgnoreStack((*self.entries, (directory, pathspec.GitIgnoreSpec.from_lines(lines))))

    def ignores(self, path: Path, is_dir: bool) -> bool:
        verdict = False
        for base, spec in self.entries:
            relative = path.relative_to(base).as_posix() + ("/" if is_dir else "")
            result = spec.check_file(relative)
            if result.include is not None:
                verdict = result.include
        return verdict


def _outer_gitignores(project_dir: Path) -> _IgnoreStack:
    """Ignore files between the repository top (the directory holding .git) and the project."""
    chain = [project_dir, *project_dir.parents]
    top = next((d for d in chain if (d / ".git").exists()), None)
    if top is None:
        return _IgnoreStack()
    stack = _IgnoreStack()
    info_exclude = top / ".git" / "info" / "exclude"
    if info_exclude.is_file():
        lines = info_exclude.read_text(encoding="utf-8", errors="replace").splitlines()
        stack = _IgnoreStack(((top, pathspec.GitIgnoreSpec.from_lines(lines)),))
    for directory in reversed(chain[: chain.index(top) + 1]):
        if directory != project_dir:
            stack = stack.with_directory(directory)
    return stack


class Excluder:
    """Answers "is this path excluded?" for one project's settings."""

    def __init__(self, settings: Settings) -> None:
        self.project_dir = settings.project_dir
        self.spec = pathspec.GitIgnoreSpec.from_lines(
            [*settings.exclude, *settings.extend_exclude]
        )
        self.respect_gitignore = settings.respect_gitignore
        self.outer = _outer_gitignores(self.project_dir) if self.respect_gitignore else None

    def by_settings(self, path: Path, is_dir: bool) -> bool:
        try:
            relative = path.relative_to(self.project_dir).as_posix()
        except ValueError:
            return False
        return self.spec.match_file(relative + ("/" if is_dir else ""))

    def excluded(self, path: Path) -> bool:
        """Whether ``path`` (or one of its directories) is excluded: used for explicit files."""
        try:
            parts = path.relative_to(self.project_dir).parts
        except ValueError:
            return False
        stack = self.outer or _IgnoreStack()
        current = self.project_dir
        for index, part in enumerate(parts):
            if self.respect_gitignore:
                stack = stack.with_directory(current)
            current = current / part
            is_dir = index < len(parts) - 1
            if self.by_settings(current, is_dir) or (
                self.respect_gitignore and stack.ignores(current, is_dir)
            ):
                return True
        return False


def discover(settings: Settings, *, split_nested_projects: bool) -> Discovery:
    """Walk the project directory once and list its Python files."""
    excluder = Excluder(settings)
    files: list[Path] = []
    nested: list[Path] = []

    def walk(directory: Path, stack: _IgnoreStack) -> None:
        if excluder.respect_gitignore:
            stack = stack.with_directory(directory)
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            if not (is_dir or (is_file and entry.name.endswith(".py"))):
                continue
            if excluder.by_settings(path, is_dir):
                continue
            if excluder.respect_gitignore and stack.ignores(path, is_dir):
                continue
            if is_dir:
                if split_nested_projects and own_config_in(path) is not None:
                    nested.append(path)
                else:
                    walk(path, stack)
            else:
                files.append(path)

    walk(settings.project_dir, excluder.outer or _IgnoreStack())
    return Discovery(tuple(sorted(files)), tuple(sorted(nested)))
