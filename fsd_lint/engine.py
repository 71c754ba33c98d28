"""The engine: settings -> model -> facts -> rules -> suppressions -> sorted diagnostics.

One call checks one project (one config file). Front ends (CLI, language server) only wire
this to their inputs and outputs.
"""

from __future__ import annotations

import functools
import os
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fsd_lint import timing
from fsd_lint.cache import Cache, run_key
from fsd_lint.diagnostics import FILE_START, Diagnostic, Edit, Fix, Span
from fsd_lint.extraction import InternalError, Workers, facts_for_source, read_source
from fsd_lint.facts.options import FactOptions
from fsd_lint.facts.types import FileFacts, ImportFact, Suppression
from fsd_lint.files import Discovery, Excluder, discover
from fsd_lint.gather import Gatherer, open_cache
from fsd_lint.model.build import build_model, build_roots, files_in_roots
from fsd_lint.model.project import ProjectModel, Root
from fsd_lint.resolve import Resolver
from fsd_lint.rules.api import FileCheck, FileContext, Finding, ModuleRewrite, RuleContext
from fsd_lint.rules.registry import ALIASES, BY_CODE, RULES, Rule
from fsd_lint.selection import Overrides, RuleSelection, build_selection
from fsd_lint.settings import Settings


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


def display_path(path: Path) -> str:
    """Relative to the current directory, forward slashes (absolute if on another drive)."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:
        return path.as_posix()


def _inside(path: Path, targets: Iterable[Path]) -> bool:
    return any(path == target or target in path.parents for target in targets)


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


def prepare(settings: Settings, targets: list[Path], options: RunOptions) -> Prepared:
    """Discover the project's files and find its roots (the part of a run that reads no file
    contents)."""
    selection = build_selection(settings, options.overrides)
    with timing.phase("discovery"):
        discovery = discover(settings, split_nested_projects=options.split_nested_projects)
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
        fact_options=FactOptions.from_settings(settings),
        auth=any(code.startswith(AUTH_RULE_PREFIXES) for code in selection.enabled),
    )


def check_project(settings: Settings, targets: list[Path], options: RunOptions) -> ProjectRun:
    """Check the files under ``targets`` (absolute paths) of the project ``settings`` describe."""
    project = prepare(settings, targets, options)
    to_check = project.to_check
    stdin_path = options.stdin[0] if options.stdin else None
    overrides = {stdin_path: options.stdin[1]} if options.stdin and stdin_path else {}
    cache = open_cache(settings, options.cache_dir, project.fact_options, project.auth) \
        if options.use_cache else None
    paths = project.paths

    def finish(diagnostics: list[Diagnostic]) -> ProjectRun:
        return ProjectRun(settings, project.roots, project.selection, to_check, diagnostics,
                          project.discovery.nested_projects, project.outside,
                          len(project.discovery.python_files),
                          cache.warnings if cache is not None else [])

    with Workers(options.jobs) as workers:
        gatherer = Gatherer(cache, workers, project.fact_options, project.auth)
        if cache is not None and not overrides and len(gatherer.known(paths)) == len(paths):
            cached = cache.result(_run_key(cache, settings, targets, options, gatherer.digests))
            if cached is not None:  # nothing changed since a run with the same options
                timing.count("whole run from the cache")
                return finish(cached)
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
                findings = run_rules(settings, project.model, facts, to_check, targets,
                                     project.selection)
        with timing.phase("diagnostics"):
            diagnostics = to_diagnostics(
                findings, {path: facts[path] for path in to_check}, project.selection,
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


AUTH_RULE_PREFIXES = ("FSD3", "FSD4", "FSD5")  # the rules that read auth facts


def _findings_with_cache(project: Prepared, targets: list[Path], options: RunOptions,
                         facts: Mapping[Path, FileFacts], cache: Cache,
                         gatherer: Gatherer, own_key: str) -> list[Finding]:
    """The rules' findings, reused where they cannot differ: all of them when every changed
    file has the facts its previous content had; else the local rules' findings of the
    unchanged files while the model and the public APIs are unchanged. Stored for next time."""
    settings = project.settings
    findings = _findings_from(cache.findings(_run_key(
        cache, settings, targets, options, gatherer.equivalent_digests(facts))))
    if findings is not None:
        timing.count("findings from the cache", len(findings))
    else:
        local_key = _local_key(cache, settings, options, project.paths, gatherer.digests)
        local = LocalFindings(_known_local(cache.local_findings(local_key), gatherer.digests))
        timing.count("local findings from the cache", len(local.known))
        with timing.phase("rules"):
            findings = run_rules(settings, project.model, facts, project.to_check, targets,
                                 project.selection, local)
        cache.add_local_findings(local_key, {
            str(path): (gatherer.digests[path], _finding_rows(found))
            for path, found in local.found.items()
        })
    cache.add_findings(own_key, _finding_rows(findings))
    return findings


def _finding_rows(findings: list[Finding]) -> tuple[tuple[Any, ...], ...]:
    """Findings as rows of the cache's own types (paths as text, a fix as its two strings)."""
    return tuple(
        (f.code, f.message, str(f.path), f.ordinal,
         (f.fix.title, f.fix.replacement) if f.fix is not None else None, f.span, f.anchor)
        for f in findings
    )


def _findings_from(rows: tuple[tuple[Any, ...], ...] | None) -> list[Finding] | None:
    """The findings of cached rows; None when there are none or they are not well formed."""
    if rows is None:
        return None
    try:
        return [
            Finding(code, message, Path(path), ordinal,
                    ModuleRewrite(*fix) if fix is not None else None, span, anchor)
            for code, message, path, ordinal, fix, span, anchor in rows
        ]
    except (TypeError, ValueError):
        return None


def _local_key(cache: Cache, settings: Settings, options: RunOptions, paths: list[Path],
               digests: Mapping[Path, bytes]) -> str:
    """What the local rules' findings depend on besides the file itself: the settings, which
    files exist where, and the contents of the public APIs (``__init__.py``)."""
    return run_key({
        "facts": cache.key, "settings": repr(settings), "selection": repr(options.overrides),
        "files": [str(path) for path in paths],
        "apis": [(str(path), digests[path]) for path in paths if path.name == "__init__.py"],
    })


def _known_local(entries: Mapping[str, tuple[bytes, tuple[tuple[Any, ...], ...]]],
                 digests: Mapping[Path, bytes]) -> dict[Path, list[Finding]]:
    """The cached local findings of the files whose content is still the one they were
    found in."""
    known: dict[Path, list[Finding]] = {}
    for path, digest in digests.items():
        entry = entries.get(str(path))
        if entry is not None and entry[0] == digest:
            findings = _findings_from(entry[1])
            if findings is not None:
                known[path] = findings
    return known


def _run_key(cache: Cache, settings: Settings, targets: list[Path], options: RunOptions,
             digests: Mapping[Path, bytes]) -> str:
    """What a whole run's diagnostics depend on, besides the tool and the facts' key."""
    return run_key({
        "facts": cache.key, "settings": repr(settings), "selection": repr(options.overrides),
        "targets": [str(target) for target in targets], "force": options.force_exclude,
        "split": options.split_nested_projects, "cwd": os.getcwd(),
        "files": sorted((str(path), digest) for path, digest in digests.items()),
    })


@dataclass
class LocalFindings:
    """The findings of the local rules (``Rule.local``) by file: those known from an earlier
    run with the same model and public APIs, and those found in this one."""

    known: Mapping[Path, list[Finding]] = field(default_factory=dict)
    found: dict[Path, list[Finding]] = field(default_factory=dict)


def run_rules(settings: Settings, model: ProjectModel, facts: Mapping[Path, FileFacts],
              to_check: list[Path], targets: list[Path], selection: RuleSelection,
              local: LocalFindings | None = None) -> list[Finding]:
    """Every enabled rule's findings for the files ``to_check`` (project rules: those inside
    ``targets``); the local rules' findings are taken from ``local.known`` where present."""
    resolver = Resolver(model, facts)
    ctx = RuleContext(settings, model, resolver)
    rules = [(rule, check) for rule in RULES
             if rule.code in selection.enabled and (check := rule.check_file) is not None]
    findings: list[Finding] = []
    for path in to_check:
        try:
            findings.extend(check_file(path, facts[path], ctx, rules, local))
        except Exception as error:  # a bug in a rule: say which file it was looking at
            raise InternalError(path, traceback.format_exc()) from error
    for rule in RULES:
        project_check = rule.check_project if rule.code in selection.enabled else None
        if project_check is not None:
            findings.extend(
                finding for finding in project_check(ctx) if _inside(finding.path, targets)
            )
    return findings


def file_context(path: Path, facts: FileFacts, ctx: RuleContext) -> FileContext:
    _, module, location = ctx.model.files[path]
    return FileContext(path, module, path.name == "__init__.py", location, facts, ctx)


def check_file(path: Path, facts: FileFacts, ctx: RuleContext,
               rules: Sequence[tuple[Rule, FileCheck]],
               local: LocalFindings | None = None) -> list[Finding]:
    """Findings of ``rules`` (file rules, with their checks) for one file, parse failures
    included."""
    if facts.skip_file:
        return []
    if facts.failure is not None:
        code = "FSD002" if facts.failure.unreadable else "FSD001"
        return [Finding(code, facts.failure.message, path, span=facts.failure.span)]
    context = file_context(path, facts, ctx)
    known = local.known.get(path) if local is not None else None
    findings: list[Finding] = list(known) if known is not None else []
    fresh: list[Finding] = []
    for rule, check in rules:
        if rule.local and known is not None:
            continue
        found = list(check(context, ctx))
        findings.extend(found)
        if rule.local:
            fresh.extend(found)
    if local is not None and known is None:
        local.found[path] = fresh
    return findings


Positions = Callable[[list[Path]], Mapping[Path, FileFacts]]


def _positioned(
    paths: list[Path], overrides: Mapping[Path, bytes], options: FactOptions,
    positions: Positions | None,
) -> dict[Path, tuple[dict[int, ImportFact], tuple[Span, ...]]]:
    """Facts with positions of the files that have findings (re-read, on a libcst tree): their
    imports by ordinal, and the spans of their auth anchors."""
    if positions is not None:
        found = positions(paths)
    else:
        found = {
            path: facts_for_source(overrides[path] if path in overrides else read_source(path),
                                   with_positions=True, options=options)
            for path in paths
        }
    return {
        path: ({fact.ordinal: fact for fact in facts.imports},
               facts.auth.spans if facts.auth is not None else ())
        for path, facts in found.items()
    }


def to_diagnostics(
    findings: list[Finding],
    facts: Mapping[Path, FileFacts],
    selection: RuleSelection,
    overrides: Mapping[Path, bytes],
    options: FactOptions | None = None,
    positions: Positions | None = None,
) -> list[Diagnostic]:
    """Place findings, apply per-file ignores and suppression comments, set severities;
    ``options`` must be those the facts were extracted with (auth anchors depend on them);
    ``positions`` gives the positioned facts of files (cached, in workers), if given."""
    options = options if options is not None else FactOptions()
    placed = [
        finding for finding in findings
        if finding.code in selection.enabled
        and finding.code not in selection.ignored_for(finding.path)
    ]
    need = sorted({finding.path for finding in placed
                   if finding.ordinal is not None or finding.anchor is not None})
    positioned = _positioned(need, overrides, options, positions)
    used: dict[Path, dict[Suppression, set[str]]] = {}
    diagnostics: list[Diagnostic] = []
    for finding in placed:
        span, fix = FILE_START, None
        if finding.span is not None:
            span = finding.span
        if finding.anchor is not None:
            spans = positioned[finding.path][1]
            if finding.anchor < len(spans):
                span = spans[finding.anchor]
        if finding.ordinal is not None:
            fact = positioned[finding.path][0].get(finding.ordinal)
            if fact is not None and fact.span is not None:
                span = fact.span
                if finding.fix is not None and fact.module_span is not None:
                    fix = Fix(finding.fix.title,
                              (Edit(fact.module_span, finding.fix.replacement),))
        file_facts = facts.get(finding.path)
        suppression = _suppressing(file_facts, finding.code, span)
        if suppression is not None:
            used.setdefault(finding.path, {}).setdefault(suppression, set()).add(finding.code)
            continue
        rule = BY_CODE[finding.code]
        diagnostics.append(Diagnostic(
            finding.code, rule.name, selection.severity[finding.code], finding.message,
            display_path(finding.path), span, fix,
        ))
    if "FSD900" in selection.enabled:
        diagnostics.extend(_unused_suppressions(facts, used, selection))
    return diagnostics


def _selects(selectors: frozenset[str] | None, code: str) -> bool:
    if selectors is None:
        return True
    rule = BY_CODE[code]
    return any(
        s.upper() == code or s.lower() == rule.name or code in ALIASES.get(s.lower(), ())
        for s in selectors
    )


def _suppressing(facts: FileFacts | None, code: str, span: Span) -> Suppression | None:
    if facts is None:
        return None
    for suppression in facts.suppressions:
        if span.line <= suppression.line <= span.end_line and _selects(
            suppression.selectors, code
        ):
            return suppression
    return None


def _unused_suppressions(
    facts: Mapping[Path, FileFacts],
    used: Mapping[Path, Mapping[Suppression, set[str]]],
    selection: RuleSelection,
) -> list[Diagnostic]:
    """FSD900 for fsd-lint suppressions that suppressed nothing (bare ``# noqa`` is shared
    with other tools and is left alone)."""
    unused: list[Diagnostic] = []
    for path, file_facts in facts.items():
        if file_facts.skip_file or file_facts.failure is not None:
            continue  # nothing was checked, so nothing can be said about its suppressions
        if "FSD900" in selection.ignored_for(path):
            continue
        for suppression in file_facts.suppressions:
            ours = _our_selectors(suppression)
            if ours is None:
                continue
            hit = used.get(path, {}).get(suppression, set())
            idle = sorted(s for s in ours if not any(_selects(frozenset({s}), c) for c in hit))
            if (not ours and not hit) or idle:
                what = f"no {', '.join(idle)} diagnostic" if idle else "nothing"
                at = suppression.at or Span(suppression.line, 1, suppression.line, 1)
                unused.append(Diagnostic(
                    "FSD900", "unused-noqa", selection.severity["FSD900"],
                    f"unused suppression `{suppression.text}`: it suppresses {what} on line "
                    f"{suppression.line}; remove it",
                    display_path(path), at,
                ))
    return unused


def _our_selectors(suppression: Suppression) -> frozenset[str] | None:
    """The suppression's fsd-lint selectors; empty for ``# fsd-lint: noqa``; None if not ours."""
    if suppression.selectors is None:
        return frozenset() if "fsd-lint" in suppression.text.lower() else None
    ours = frozenset(
        s for s in suppression.selectors
        if s.upper() in BY_CODE or s.lower() in {r.name for r in RULES} or s.lower() in ALIASES
    )
    return ours or None
