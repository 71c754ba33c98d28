"""File discovery: every Python file of a project, honouring excludes and .gitignore files.

Directories that hold a config file of their own are separate projects: they are reported back
instead of walked, so each is checked with its own settings.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pathspec

from fsd_lint.settings import CONFIG_FILE_NAMES, Settings, own_config_in


@dataclass(frozen=True)
class Discovery:
    """What a walk of one project found."""

    python_files: tuple[Path, ...]  # absolute, sorted
    nested_projects: tuple[Path, ...]  # directories with a config file of their own


class _Spec:
    """A gitignore spec with a quick first test: one regular expression made of all its
    patterns tells whether any of them matches (searched, as pathspec does; a superset of a
    match); only then is pathspec asked for the verdict (the last match wins, negations...).
    Exact, and fast because most paths match no pattern at all."""

    def __init__(self, lines: list[str]) -> None:
        self.spec = pathspec.GitIgnoreSpec.from_lines(lines)
        self.any: re.Pattern[str] | None = None
        sources = []
        for pattern in self.spec.patterns:
            regex = getattr(pattern, "regex", None)
            if pattern.include is None:
                continue
            if not isinstance(regex, re.Pattern) or regex.flags != re.UNICODE:
                return  # not the regular expressions this shortcut understands: no shortcut
            sources.append(f"(?:{_NAMED_GROUP.sub('(?:', regex.pattern)})")
        try:
            self.any = re.compile("|".join(sources)) if sources else None
        except re.error:
            return
        self.empty = not sources

    empty = False

    def verdict(self, relative: str) -> bool | None:
        """True: excluded; False: re-included; None: no pattern matches ``relative``."""
        if self.empty or (self.any is not None and self.any.search(relative) is None):
            return None
        return self.spec.check_file(relative).include


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


class _IgnoreStack:
    """The .gitignore files in effect for a directory, outermost first."""

    def __init__(self, entries: tuple[tuple[str, _Spec], ...] = ()) -> None:
        self.entries = entries  # (directory with a trailing separator, its patterns)

    def with_directory(self, directory: Path, has_gitignore: bool | None = None) -> _IgnoreStack:
        if has_gitignore is False:
            return self
        gitignore = directory / ".gitignore"
        if has_gitignore is None and not gitignore.is_file():
            return self
        try:
            lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return self
        base = os.path.join(str(directory), "")
        return _IgnoreStack((*self.entries, (base, _Spec(lines))))

    def ignores(self, path: Path | str, is_dir: bool) -> bool:
        name = str(path)
        verdict = False
        for base, spec in self.entries:
            relative = name[len(base):]
            if os.sep != "/":
                relative = relative.replace(os.sep, "/")
            result = spec.verdict(relative + "/" if is_dir else relative)
            if result is not None:
                verdict = result
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
        stack = _IgnoreStack(((os.path.join(str(top), ""), _Spec(lines)),))
    for directory in reversed(chain[: chain.index(top) + 1]):
        if directory != project_dir:
            stack = stack.with_directory(directory)
    return stack


class Excluder:
    """Answers "is this path excluded?" for one project's settings."""

    def __init__(self, settings: Settings) -> None:
        self.project_dir = settings.project_dir
        self.spec = _Spec([*settings.exclude, *settings.extend_exclude])
        self.respect_gitignore = settings.respect_gitignore
        self.outer = _outer_gitignores(self.project_dir) if self.respect_gitignore else None

    def by_settings(self, path: Path, is_dir: bool) -> bool:
        try:
            relative = path.relative_to(self.project_dir).as_posix()
        except ValueError:
            return False
        return self.by_relative(relative, is_dir)

    def by_relative(self, relative: str, is_dir: bool) -> bool:
        """``by_settings`` for a path given relative to the project, with forward slashes."""
        return bool(self.spec.verdict(relative + "/" if is_dir else relative))

    def excluded(self, path: Path, is_dir: bool = False) -> bool:
        """Whether ``path`` (or one of its directories) is excluded: used for explicit paths."""
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
            is_dir_here = index < len(parts) - 1 or is_dir
            if self.by_settings(current, is_dir_here) or (
                self.respect_gitignore and stack.ignores(current, is_dir_here)
            ):
                return True
        return False


def _dangling(entry: os.DirEntry[str]) -> bool:
    """A symbolic link whose target does not exist or cannot be resolved (a loop)."""
    return entry.is_symlink() and not os.path.exists(entry.path)


def discover(settings: Settings, *, split_nested_projects: bool) -> Discovery:
    """Walk the project directory once and list its Python files."""
    excluder = Excluder(settings)
    files: list[Path] = []
    nested: list[Path] = []

    config_names = frozenset(CONFIG_FILE_NAMES)

    # Paths are kept as strings (absolute, and relative to the project with forward slashes)
    # while walking: pathlib objects for every entry would cost more than the walk itself.
    def walk(directory: str, relative_dir: str, stack: _IgnoreStack) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            return
        names = {entry.name for entry in entries}
        if relative_dir and split_nested_projects and names & config_names:
            own = Path(directory)
            if own_config_in(own) is not None:
                nested.append(own)
                return
        if excluder.respect_gitignore and ".gitignore" in names:
            stack = stack.with_directory(Path(directory), True)
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = not is_dir and entry.is_file()
            except OSError:  # a symlink loop
                is_dir, is_file = False, False
            # A broken or looping symlink is kept, to be reported as unreadable.
            is_file = is_file or (not is_dir and _dangling(entry))
            if not (is_dir or (is_file and entry.name.endswith(".py"))):
                continue
            relative = f"{relative_dir}/{entry.name}" if relative_dir else entry.name
            if excluder.by_relative(relative, is_dir):
                continue
            if excluder.respect_gitignore and stack.ignores(entry.path, is_dir):
                continue
            if is_dir:
                walk(entry.path, relative, stack)
            else:
                files.append(Path(entry.path))

    walk(str(settings.project_dir), "", excluder.outer or _IgnoreStack())
    return Discovery(tuple(sorted(files)), tuple(sorted(nested)))
