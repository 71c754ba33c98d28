"""The engine: settings -> model -> facts -> rules -> suppressions -> sorted diagnostics.

One call checks one project (one config file). Front ends (CLI, language server) only wire
this to their inputs and outputs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fsd_lint import timing
from fsd_lint.cache import Cache, run_key
from fsd_lint.diagnostics import Diagnostic
from fsd_lint.extraction import Workers
from fsd_lint.facts.options import FactOptions
from fsd_lint.files import Discovery, Excluder, discover, excluded_targets
from fsd_lint.gather import Gatherer, open_cache
from fsd_lint.model.build import build_model, build_roots, files_in_roots
from fsd_lint.model.project import ProjectModel, Root
from fsd_lint.rules.registry import BY_CODE
from fsd_lint.selection import Overrides, RuleSelection, build_selection
from fsd_lint.settings import Settings

if TYPE_CHECKING:
    from fsd_lint.facts.types import FileFacts
    from fsd_lint.rules.api import Finding


@dataclass(frozen=True)
class RunOptions:
    """How to run, as given on the command line (or by an editor)."""

    overrides: Overrides = field(default_factory=Overrides)
    jobs: int = 1
    force_exclude: bool = False
    split_nested_projects: bool = True
    stdin: tuple[Path, bytes] | None = None  # a file's contents that replace what is on disk
    use_cache: bool = True  # False: --no-cache, nothing read from or written to the cache
    cache_dir: Path | None = None  # --cache-dir; None: FSD_LINT_CACHE_DIR, setting, default


@dataclass
class ProjectRun:
    """The outcome of checking one project."""

    settings: Settings
    roots: tuple[Root, ...]
    selection: RuleSelection
    checked_files: list[Path]
    diagnostics: list[Diagnostic]
    nested_projects: tuple[Path, ...] = ()
    outside_roots: list[Path] = field(default_factory=list)  # explicit files no root contains
    discovered_files: int = 0  # Python files found in the project, in a root or not
    warnings: list[str] = field(default_factory=list)  # e.g. the cache could not be written
    excluded_targets: list[Path] = field(default_factory=list)  # directories named, excluded


def select_targets(
    settings: Settings, targets: list[Path], files: list[Path], force_exclude: bool
) -> tuple[list[Path], list[Path]]:
    """Files to check for the given paths, and the explicit files that must be added."""
    excluder = Excluder(settings) if force_exclude else None
    explicit = [
        target for target in targets
        if target.suffix == ".py" and not target.is_dir()
        and not (excluder is not None and excluder.excluded(target))
    ]
    # Strings, not pathlib: thousands of files, each tested against every directory.
    directories = tuple(os.path.join(str(target), "") for target in targets if target.is_dir())
    chosen = [file for file in files if str(file).startswith(directories)]
    return sorted(dict.fromkeys([*chosen, *explicit])), explicit


@dataclass
class Prepared:
    """A project ready to be checked: its rules, files and roots, before any file is read; the
    model of every file is built when first asked for (a run whose result is cached needs
    none)."""

    settings: Settings
    selection: RuleSelection
    discovery: Discovery
    files: list[Path]  # every Python file of the run: discovered, or named explicitly
    roots: tuple[Root, ...]
    paths: list[Path]  # the files in an FSD root, sorted
    to_check: list[Path]  # the files under the targets, in an FSD root
    outside: list[Path]  # explicit files no root contains
    fact_options: FactOptions
    auth: bool  # an auth rule is enabled: gather auth facts

    @functools.cached_property
    def model(self) -> ProjectModel:
        with timing.phase("model"):
            return build_model(self.settings, self.files, self.roots)


def prepare(settings: Settings, targets: list[Path], options: RunOptions,
            selection: RuleSelection | None = None, cache: Cache | None = None) -> Prepared:
    """Discover the project's files and find its roots (the part of a run that reads no file
    contents); with a ``cache``, an earlier walk's result is reused while it stands."""
    if selection is None:
        selection = build_selection(settings, options.overrides)
    with timing.phase("discovery"):
        discovery = _discover(settings, options.split_nested_projects, cache)
    files = list(discovery.python_files)
    with timing.phase("model"):
        wanted, explicit = select_targets(settings, targets, files, options.force_exclude)
        known = set(files)
        files += [path for path in explicit if path not in known]
        roots = build_roots(settings, files)
        paths = sorted(files_in_roots(roots, files))
        in_roots = set(paths)
    return Prepared(
        settings, selection, discovery, files, roots, paths,
        to_check=[path for path in wanted if path in in_roots],
        outside=[path for path in explicit if path not in in_roots],
        fact_options=FactOptions.from_settings(settings), auth=_reads_auth(selection),
    )


def _reads_auth(selection: RuleSelection) -> bool:
    return any(BY_CODE[code].reads_auth for code in selection.enabled)


def _discover(settings: Settings, split_nested_projects: bool, cache: Cache | None) -> Discovery:
    """The project's files: the cached walk's while its witnesses hold, else a new walk."""
    key = run_key({"discovery": repr((settings.project_dir, settings.exclude,
                                      settings.extend_exclude, settings.respect_gitignore,
                                      split_nested_projects))})
    known = cache.discovery(key) if cache is not None else None
    if known is not None:
        timing.count("discovery from the cache")
        return known
    discovery = discover(settings, split_nested_projects=split_nested_projects,
                         cache_directory=cache.directory if cache is not None else None)
    if cache is not None:
        cache.add_discovery(key, discovery)
    return discovery


def check_project(settings: Settings, targets: list[Path], options: RunOptions) -> ProjectRun:
    """Check the files under ``targets`` (absolute paths) of the project ``settings`` describe."""
    selection = build_selection(settings, options.overrides)
    cache = open_cache(settings, options.cache_dir, FactOptions.from_settings(settings),
                       _reads_auth(selection)) if options.use_cache else None
    project = prepare(settings, targets, options, selection, cache)
    to_check = project.to_check
    stdin_path = options.stdin[0] if options.stdin else None
    overrides = {stdin_path: options.stdin[1]} if options.stdin and stdin_path else {}
    paths = project.paths

    def finish(diagnostics: list[Diagnostic]) -> ProjectRun:
        return ProjectRun(settings, project.roots, project.selection, to_check, diagnostics,
                          project.discovery.nested_projects, project.outside,
                          len(project.discovery.python_files),
                          cache.warnings if cache is not None else [],
                          excluded_targets(settings, project.discovery, targets))

    with Workers(options.jobs) as workers:
        gatherer = Gatherer(cache, workers, project.fact_options, project.auth)
        if cache is not None and not overrides and len(gatherer.known(paths)) == len(paths):
            cached = cache.result(_run_key(cache, settings, targets, options, gatherer.digests))
            if cached is not None:  # nothing changed since a run with the same options
                timing.count("whole run from the cache")
                cache.save()  # only if the walk was new
                return finish(cached)
        from fsd_lint import checking  # the rules and their API: only for a run not cached whole

        facts = gatherer.facts(paths, overrides)
        # This run's key, when every input is known: under it go its findings and its
        # diagnostics, for the next run.
        own_key = None
        if cache is not None and not overrides \
                and all(path in gatherer.digests for path in paths):
            own_key = _run_key(cache, settings, targets, options, gatherer.digests)
        if cache is not None and own_key is not None:
            findings = _findings_with_cache(project, targets, options, facts, cache, gatherer,
                                            own_key)
        else:
            with timing.phase("rules"):
                findings = checking.run_rules(settings, project.model, facts, to_check,
                                              targets, project.selection)
        with timing.phase("diagnostics"):
            diagnostics = checking.to_diagnostics(
                findings, facts.only(to_check), project.selection,
                overrides, project.fact_options,
                positions=lambda need: gatherer.positioned(need, overrides),
            )
    if cache is not None:
        if own_key is not None:
            cache.add_result(own_key, diagnostics)
        cache.forget_unseen(paths)
        with timing.phase("cache: write"):
            cache.save()
    return finish(diagnostics)


def _findings_with_cache(project: Prepared, targets: list[Path], options: RunOptions,
                         facts: Mapping[Path, FileFacts], cache: Cache,
                         gatherer: Gatherer, own_key: str) -> list[Finding]:
    """The rules' findings, reused where they cannot differ: all of them when every changed
    file has the facts its previous content had; else the local rules' findings of the
    unchanged files while the model and the public APIs are unchanged. Stored for next time."""
    from fsd_lint import checking

    settings = project.settings
    findings = checking.findings_from(cache.findings(_run_key(
        cache, settings, targets, options, gatherer.equivalent_digests(facts))))
    if findings is not None:
        timing.count("findings from the cache", len(findings))
    else:
        local_key = _local_key(cache, settings, options, project.paths, gatherer.digests)
        known = checking.known_local(cache.local_findings(local_key), gatherer.digests)
        local = checking.LocalFindings(known)
        timing.count("local findings from the cache", len(local.known))
        with timing.phase("rules"):
            findings = checking.run_rules(settings, project.model, facts, project.to_check,
                                          targets, project.selection, local)
        cache.add_local_findings(local_key, {
            str(path): (gatherer.digests[path], checking.finding_rows(found))
            for path, found in local.found.items()
        })
    cache.add_findings(own_key, checking.finding_rows(findings))
    return findings


def _local_key(cache: Cache, settings: Settings, options: RunOptions, paths: list[Path],
               digests: Mapping[Path, bytes]) -> str:
    """What the local rules' findings depend on besides the file itself: the settings, which
    files exist where, and the contents of the public APIs (``__init__.py``)."""
    return run_key({
        "facts": cache.key, "settings": repr(settings), "selection": repr(options.overrides),
        "files": [str(path) for path in paths],
        "apis": [(str(path), digests[path]) for path in paths if path.name == "__init__.py"],
    })


def _run_key(cache: Cache, settings: Settings, targets: list[Path], options: RunOptions,
             digests: Mapping[Path, bytes]) -> str:
    """What a whole run's diagnostics depend on, besides the tool and the facts' key."""
    return run_key({
        "facts": cache.key, "settings": repr(settings), "selection": repr(options.overrides),
        "targets": [str(target) for target in targets], "force": options.force_exclude,
        "split": options.split_nested_projects, "cwd": os.getcwd(),
        "files": sorted((str(path), digest) for path, digest in digests.items()),
    })
