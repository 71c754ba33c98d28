"""The engine: settings -> model -> facts -> rules -> suppressions -> sorted diagnostics.

One call checks one project (one config file). Front ends (CLI, language server) only wire
this to their inputs and outputs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fsd_lint.diagnostics import FILE_START, Diagnostic, Edit, Fix, Span
from fsd_lint.extraction import extract_all, facts_for_source, read_source
from fsd_lint.facts.types import FileFacts, ImportFact, Suppression
from fsd_lint.files import Excluder, discover
from fsd_lint.model.build import build_model
from fsd_lint.model.project import ProjectModel
from fsd_lint.resolve import Resolver
from fsd_lint.rules.api import FileContext, Finding, RuleContext
from fsd_lint.rules.registry import ALIASES, BY_CODE, RULES
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


@dataclass
class ProjectRun:
    """The outcome of checking one project."""

    settings: Settings
    model: ProjectModel
    selection: RuleSelection
    checked_files: list[Path]
    diagnostics: list[Diagnostic]
    nested_projects: tuple[Path, ...] = ()
    outside_roots: list[Path] = field(default_factory=list)  # explicit files no root contains


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
    excluder = Excluder(settings)
    explicit = [
        target for target in targets
        if target.suffix == ".py" and not target.is_dir()
        and not (force_exclude and excluder.excluded(target))
    ]
    directories = [target for target in targets if target.is_dir()]
    chosen = {file for file in files if _inside(file, directories)} | set(explicit)
    return sorted(chosen), explicit


def check_project(settings: Settings, targets: list[Path], options: RunOptions) -> ProjectRun:
    """Check the files under ``targets`` (absolute paths) of the project ``settings`` describe."""
    selection = build_selection(settings, options.overrides)
    discovery = discover(settings, split_nested_projects=options.split_nested_projects)
    files = list(discovery.python_files)
    stdin_path = options.stdin[0] if options.stdin else None
    wanted, explicit = select_targets(settings, targets, files, options.force_exclude)
    extra = [path for path in explicit if path not in set(files)]
    model = build_model(settings, [*files, *extra])
    to_check = [path for path in wanted if path in model.files]
    outside = [path for path in explicit if path not in model.files]
    overrides = {stdin_path: options.stdin[1]} if options.stdin and stdin_path else {}
    facts = extract_all(sorted(model.files), options.jobs, overrides)
    resolver = Resolver(model, facts)
    ctx = RuleContext(settings, model, resolver)

    findings: list[Finding] = []
    for path in to_check:
        findings.extend(check_file(path, facts[path], ctx, selection))
    for rule in RULES:
        if rule.check_project is not None and rule.code in selection.enabled:
            findings.extend(
                finding for finding in rule.check_project(ctx)
                if _inside(finding.path, targets)
            )
    diagnostics = to_diagnostics(
        findings, {path: facts[path] for path in to_check}, selection, overrides
    )
    return ProjectRun(settings, model, selection, to_check, diagnostics,
                      discovery.nested_projects, outside)


def file_context(path: Path, facts: FileFacts, ctx: RuleContext) -> FileContext:
    root, module, location = ctx.model.files[path]
    is_package = path.name == "__init__.py"
    imports = []
    for fact in facts.imports:
        if fact.type_checking and ctx.settings.ignore_type_checking_imports:
            continue
        imports.extend(ctx.resolver.resolve(fact, module, is_package, root))
    return FileContext(path, module, is_package, location, facts, tuple(imports))


def check_file(
    path: Path, facts: FileFacts, ctx: RuleContext, selection: RuleSelection
) -> list[Finding]:
    """Findings of every enabled file rule for one file (parse failures included)."""
    if facts.skip_file:
        return []
    if facts.failure is not None:
        code = "FSD002" if facts.failure.unreadable else "FSD001"
        return [Finding(code, facts.failure.message, path, span=facts.failure.span)]
    context = file_context(path, facts, ctx)
    findings: list[Finding] = []
    for rule in RULES:
        if rule.check_file is not None and rule.code in selection.enabled:
            findings.extend(rule.check_file(context, ctx))
    return findings


def _positioned_imports(
    path: Path, overrides: Mapping[Path, bytes]
) -> dict[int, ImportFact]:
    """Re-read a file that has findings and extract its imports with positions."""
    source = overrides[path] if path in overrides else read_source(path)
    facts = facts_for_source(source, with_positions=True)
    return {fact.ordinal: fact for fact in facts.imports}


def to_diagnostics(
    findings: list[Finding],
    facts: Mapping[Path, FileFacts],
    selection: RuleSelection,
    overrides: Mapping[Path, bytes],
) -> list[Diagnostic]:
    """Place findings, apply per-file ignores and suppression comments, set severities."""
    positioned: dict[Path, dict[int, ImportFact]] = {}
    used: dict[Path, dict[Suppression, set[str]]] = {}
    diagnostics: list[Diagnostic] = []
    for finding in findings:
        if finding.code not in selection.enabled:
            continue
        if finding.code in selection.ignored_for(finding.path):
            continue
        span, fix = FILE_START, None
        if finding.span is not None:
            span = finding.span
        if finding.ordinal is not None:
            if finding.path not in positioned:
                positioned[finding.path] = _positioned_imports(finding.path, overrides)
            fact = positioned[finding.path].get(finding.ordinal)
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
        for suppression in file_facts.suppressions:
            ours = _our_selectors(suppression)
            if ours is None:
                continue
            hit = used.get(path, {}).get(suppression, set())
            idle = sorted(s for s in ours if not any(_selects(frozenset({s}), c) for c in hit))
            if (not ours and not hit) or idle:
                what = ", ".join(idle) if idle else "anything"
                unused.append(Diagnostic(
                    "FSD900", "unused-noqa", selection.severity["FSD900"],
                    f"unused suppression `{suppression.text}`: it suppresses no {what} "
                    f"diagnostic on this line; remove it",
                    display_path(path), Span(suppression.line, 1, suppression.line, 1),
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
