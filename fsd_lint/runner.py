"""Plan and run a check over several paths: one run per project (per config file).

Paths are grouped by the config file found walking up from each; directories inside a project
that hold a config file of their own are separate projects and are checked with their settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from fsd_lint.diagnostics import Diagnostic, display_path, sort_diagnostics
from fsd_lint.engine import ProjectRun, RunOptions, check_project
from fsd_lint.settings import Settings, find_config, load_settings


@dataclass
class Outcome:
    """Everything a front end needs to report a whole run."""

    runs: list[ProjectRun] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # for stderr, already worded


def plan(
    paths: Sequence[Path], config: Path | None, isolated: bool
) -> list[tuple[Settings, list[Path]]]:
    """Settings for each group of paths (absolute)."""
    if config is not None:
        return [(load_settings(config, paths[0], base=Path.cwd()), list(paths))]
    if isolated:
        return [(load_settings(None, paths[0]), list(paths))]
    groups: dict[Path, list[Path]] = {}
    fallback: dict[Path, Path] = {}
    for path in paths:
        found = find_config(path)
        key: Path = found if found is not None else load_settings(None, path).project_dir
        if found is None:
            fallback[key] = path
        groups.setdefault(key, []).append(path)
    planned = []
    for key, targets in groups.items():
        if key in fallback:
            planned.append((load_settings(None, fallback[key]), targets))
        else:
            planned.append((load_settings(key, targets[0]), targets))
    return planned


def run(paths: Sequence[Path], options: RunOptions, config: Path | None = None,
        isolated: bool = False) -> Outcome:
    """Check ``paths`` (absolute) and return every project's run and all diagnostics sorted."""
    outcome = Outcome()
    split = config is None and not isolated
    options = replace(options, split_nested_projects=split)
    pending = plan(paths, config, isolated)
    while pending:
        settings, targets = pending.pop(0)
        project_run = check_project(settings, targets, options)
        outcome.warnings.extend(excluded_directories(project_run))
        outcome.runs.append(project_run)
        outcome.diagnostics.extend(project_run.diagnostics)
        for nested in project_run.nested_projects:
            if any(nested == t or t in nested.parents for t in targets):
                nested_settings = load_settings(find_config(nested), nested)
                pending.append((nested_settings, [nested]))
    outcome.diagnostics = sort_diagnostics(outcome.diagnostics)
    return outcome


def excluded_directories(project_run: ProjectRun) -> list[str]:
    """Warnings for directories named on the command line that are excluded, so that nothing
    in them is checked (only files named explicitly escape the excludes)."""
    return [
        f"warning: {display_path(target)} is excluded (by `exclude`, `extend-exclude` or a "
        f".gitignore): nothing in it was checked; name its files to check them"
        for target in project_run.excluded_targets
    ]
