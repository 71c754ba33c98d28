"""Running the rules and placing their findings: the part of a run that needs the facts.

``engine`` imports this module only when a run's diagnostics are not cached whole: a warm run
with nothing changed loads neither the rules' API nor the fact types' consumers.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fsd_lint.diagnostics import FILE_START, Diagnostic, Edit, Fix, Span, display_path
from fsd_lint.extraction import InternalError, facts_for_source, read_source
from fsd_lint.facts.lazy import paths_with_auth, paths_with_suppressions
from fsd_lint.facts.options import FactOptions
from fsd_lint.facts.types import FileFacts, ImportFact, Suppression
from fsd_lint.model.project import ProjectModel
from fsd_lint.resolve import Resolver
from fsd_lint.rules.api import FileCheck, FileContext, Finding, ModuleRewrite, RuleContext
from fsd_lint.rules.registry import ALIASES, BY_CODE, RULES, Rule
from fsd_lint.selection import RuleSelection
from fsd_lint.settings import Settings


def _inside(path: Path, targets: Iterable[Path]) -> bool:
    return any(path == target or target in path.parents for target in targets)


def finding_rows(findings: list[Finding]) -> tuple[tuple[Any, ...], ...]:
    """Findings as rows of the cache's own types (paths as text, a fix as its two strings)."""
    return tuple(
        (f.code, f.message, str(f.path), f.ordinal,
         (f.fix.title, f.fix.replacement) if f.fix is not None else None, f.span, f.anchor)
        for f in findings
    )


def findings_from(rows: tuple[tuple[Any, ...], ...] | None) -> list[Finding] | None:
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


def known_local(entries: Mapping[str, tuple[bytes, tuple[tuple[Any, ...], ...]]],
                 digests: Mapping[Path, bytes]) -> dict[Path, list[Finding]]:
    """The cached local findings of the files whose content is still the one they were
    found in."""
    known: dict[Path, list[Finding]] = {}
    for path, digest in digests.items():
        entry = entries.get(str(path))
        if entry is not None and entry[0] == digest:
            findings = findings_from(entry[1])
            if findings is not None:
                known[path] = findings
    return known


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
    # A file whose local findings are known is left to the other file rules; when those all
    # read auth facts, a file without any is not even read.
    unread = local is not None and all(rule.reads_auth for rule, _ in rules if not rule.local)
    with_auth = set(paths_with_auth(facts)) if unread else set()
    for path in to_check:
        known = local.known.get(path) if local is not None else None
        if unread and known is not None and path not in with_auth:
            findings.extend(known)
            continue
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
    for path in paths_with_suppressions(facts):
        file_facts = facts[path]
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
