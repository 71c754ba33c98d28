"""File discovery: every Python file of a project, honouring excludes and .gitignore files.

Directories that hold a config file of their own are separate projects: they are reported back
instead of walked, so each is checked with its own settings.

A walk records what its result depends on (its *witnesses*): the stat of every directory it
listed (adding, removing or renaming an entry changes a directory's mtime), of every ignore
and config file it read or looked for, and of the targets of symbolic links. While all of them
are unchanged, an earlier walk's result stands, and the next run need not walk again (the
engine keeps it in the cache).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fsd_lint.settings import CONFIG_FILE_NAMES, Settings, own_config_in

if TYPE_CHECKING:  # imported when a walk or an explicit path needs the patterns
    pass

StatKey = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
Listing = tuple[tuple[str, bool], ...]  # a directory's entries: (name, is a directory), sorted


def stat_key(status: os.stat_result) -> StatKey:
    """What tells a file's content has not changed since (with the racy-timestamp rule)."""
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def stat_or_none(path: str) -> StatKey | None:
    """The stat of ``path`` (following symbolic links), None if it has none."""
    try:
        return stat_key(os.stat(path))
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class Witnesses:
    """What a walk's result depends on, as it was during the walk (taken at ``seen_at``,
    ``time.time_ns()`` before the walk began)."""

    stats: tuple[tuple[str, StatKey | None], ...]  # None: the path did not exist
    exists: tuple[tuple[str, bool], ...]  # paths only looked for (``.git``)
    seen_at: int
    # The directory that holds the cache directory is witnessed by its entries (the cache
    # directory left out), not by its mtime, which creating the cache changes: (directory,
    # the name left out, the entries).
    listings: tuple[tuple[str, str, Listing], ...] = ()

    def hold(self) -> bool:
        """Whether every witness is as it was: then the walk would find the same."""
        return all(stat_or_none(path) == recorded for path, recorded in self.stats) and all(
            os.path.exists(path) == recorded for path, recorded in self.exists) and all(
            _listing(directory, left_out) == entries
            for directory, left_out, entries in self.listings)


def _listing(directory: str, left_out: str) -> Listing | None:
    """The entries of ``directory`` but ``left_out``; None if it cannot be listed."""
    try:
        with os.scandir(directory) as scan:
            return _entries(scan, left_out)
    except OSError:
        return None


def _entries(entries: Iterable[os.DirEntry[str]], left_out: str) -> Listing:
    return tuple(sorted((entry.name, entry.is_dir(follow_symlinks=False))
                        for entry in entries if entry.name != left_out))


class _Recorder:
    """Collects a walk's witnesses."""

    def __init__(self) -> None:
        self.seen_at = time.time_ns()
        self.stats: dict[str, StatKey | None] = {}
        self.exists: dict[str, bool] = {}
        self.listings: list[tuple[str, str, Listing]] = []

    def stat(self, path: str) -> None:
        self.stats[path] = stat_or_none(path)

    def looked_for(self, path: str) -> bool:
        found = self.exists[path] = os.path.exists(path)
        return found

    def witnesses(self) -> Witnesses:
        return Witnesses(tuple(self.stats.items()), tuple(self.exists.items()), self.seen_at,
                         tuple(self.listings))


@dataclass(frozen=True)
class Discovery:
    """What a walk of one project found."""

    python_files: tuple[Path, ...]  # absolute, sorted
    nested_projects: tuple[Path, ...]  # directories with a config file of their own
    walked: frozenset[str] = frozenset()  # directories listed (absolute): none is excluded
    witnesses: Witnesses | None = field(default=None, compare=False)


class _Spec:
    """A gitignore spec with a quick first test: one regular expression made of all its
    patterns tells whether any of them matches (searched, as pathspec does; a superset of a
    match); only then is pathspec asked for the verdict (the last match wins, negations...).
    Exact, and fast because most paths match no pattern at all."""

    def __init__(self, lines: list[str]) -> None:
        import pathspec

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

    def with_directory(self, directory: Path, has_gitignore: bool | None = None,
                       recorder: _Recorder | None = None) -> _IgnoreStack:
        if has_gitignore is False:
            return self
        gitignore = directory / ".gitignore"
        if recorder is not None:
            recorder.stat(str(gitignore))
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


def _outer_gitignores(project_dir: Path, recorder: _Recorder | None = None) -> _IgnoreStack:
    """Ignore files between the repository top (the directory holding .git) and the project."""
    chain = [project_dir, *project_dir.parents]

    def has_git(directory: Path) -> bool:
        marker = directory / ".git"
        return recorder.looked_for(str(marker)) if recorder is not None else marker.exists()

    top = next((d for d in chain if has_git(d)), None)
    if top is None:
        return _IgnoreStack()
    stack = _IgnoreStack()
    info_exclude = top / ".git" / "info" / "exclude"
    if recorder is not None:
        recorder.stat(str(info_exclude))
    if info_exclude.is_file():
        lines = info_exclude.read_text(encoding="utf-8", errors="replace").splitlines()
        stack = _IgnoreStack(((os.path.join(str(top), ""), _Spec(lines)),))
    for directory in reversed(chain[: chain.index(top) + 1]):
        if directory != project_dir:
            stack = stack.with_directory(directory, recorder=recorder)
    return stack


class Excluder:
    """Answers "is this path excluded?" for one project's settings."""

    def __init__(self, settings: Settings, recorder: _Recorder | None = None) -> None:
        self.project_dir = settings.project_dir
        self.spec = _Spec([*settings.exclude, *settings.extend_exclude])
        self.respect_gitignore = settings.respect_gitignore
        self.outer = _outer_gitignores(self.project_dir, recorder) \
            if self.respect_gitignore else None

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


def discover(settings: Settings, *, split_nested_projects: bool,
             cache_directory: Path | None = None) -> Discovery:
    """Walk the project directory once and list its Python files, with the walk's witnesses
    (``cache_directory``: where this run's cache is, which may be created inside the tree)."""
    recorder = _Recorder()
    cache_parent = str(cache_directory.parent) if cache_directory is not None else None
    cache_name = cache_directory.name if cache_directory is not None else ""
    excluder = Excluder(settings, recorder)
    files: list[Path] = []
    nested: list[Path] = []
    walked: list[str] = []

    config_names = frozenset(CONFIG_FILE_NAMES)

    # Paths are kept as strings (absolute, and relative to the project with forward slashes)
    # while walking: pathlib objects for every entry would cost more than the walk itself.
    def walk(directory: str, relative_dir: str, stack: _IgnoreStack) -> None:
        if directory != cache_parent:
            recorder.stat(directory)  # before listing it: a later change shows in its mtime
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            if directory == cache_parent:  # unreadable: its mode and owner show in its stat
                recorder.stat(directory)
            return
        if directory == cache_parent:
            recorder.listings.append((directory, cache_name, _entries(entries, cache_name)))
        walked.append(directory)
        names = {entry.name for entry in entries}
        if relative_dir and split_nested_projects and names & config_names:
            for name in sorted(names & config_names):
                recorder.stat(os.path.join(directory, name))
            own = Path(directory)
            if own_config_in(own) is not None:
                nested.append(own)
                return
        if excluder.respect_gitignore and ".gitignore" in names:
            stack = stack.with_directory(Path(directory), True, recorder)
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = not is_dir and entry.is_file()
            except OSError:  # a symlink loop
                is_dir, is_file = False, False
            if not is_dir and entry.name.endswith(".py") and entry.is_symlink():
                recorder.stat(entry.path)  # its target may change without this directory
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
    # Entries are walked in name order, depth first: ``files`` is in pathlib's order already.
    return Discovery(tuple(files), tuple(sorted(nested)), frozenset(walked),
                     recorder.witnesses())


def excluded_targets(settings: Settings, discovery: Discovery,
                     targets: list[Path]) -> list[Path]:
    """The directories among ``targets`` that are excluded; a directory the walk listed is
    not, so the patterns are only consulted for the others."""
    unlisted = [target for target in targets
                if str(target) not in discovery.walked and target.is_dir()]
    if not unlisted:
        return []
    excluder = Excluder(settings)
    return [target for target in unlisted if excluder.excluded(target, is_dir=True)]
