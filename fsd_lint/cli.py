"""The command line: ``fsd-lint check|rule|rules``. Exit codes: 0 clean, 1 violations, 2 error.

This module only wires options to the runner and the reporters. Every failure that is not a
finding (a bad config, a bad option, an internal bug) exits 2 with a message, never 1.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fsd_lint import __version__, timing
from fsd_lint.cache import cache_directory, find_caches, remove_cache
from fsd_lint.diagnostics import Diagnostic, Severity, display_path
from fsd_lint.engine import ProjectRun, RunOptions
from fsd_lint.extraction import InternalError
from fsd_lint.model.project import Root
from fsd_lint.reporters import FORMATS, HUMAN_FORMATS, ReportContext, reporter
from fsd_lint.reporters.text import summary
from fsd_lint.rules import docs
from fsd_lint.rules.registry import RULES, lookup
from fsd_lint.runner import Outcome, run
from fsd_lint.selection import Overrides
from fsd_lint.settings import ConfigError, find_config, load_settings

if TYPE_CHECKING:
    from fsd_lint.fixes import FileFix  # fixes import libcst: only when fixing


def use_color(choice: str) -> bool:
    """--color wins; then NO_COLOR (non-empty), then FORCE_COLOR, then "is it a terminal"."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def split_selectors(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="fsd-lint")
def cli() -> None:
    """fsd-lint: enforce Feature-Sliced Design on Python codebases."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--output-format", type=click.Choice(sorted(FORMATS)), default="full",
              envvar="FSD_LINT_OUTPUT_FORMAT", show_default=True,
              help="How to print diagnostics.")
@click.option("--select", multiple=True, metavar="RULES",
              help="Rules to enable (codes, prefixes, names, ALL), comma-separated; "
                   "replaces the config's select.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Rules to disable.")
@click.option("--extend-select", multiple=True, metavar="RULES",
              help="Rules to enable on top of the selection.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False,
                                                         exists=True),
              help="Use this config file for every path.")
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
@click.option("--fix", is_flag=True, help="Apply the available fixes, then report what is left.")
@click.option("--diff", is_flag=True,
              help="Print the fixes as a unified diff instead of applying them (exit 1 if any).")
@click.option("--add-noqa", is_flag=True,
              help="Add a `# noqa: CODE` comment to every reported line (for adopting "
                   "fsd-lint on an existing code base), then exit 0.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when diagnostics are found.")
@click.option("--warnings-as-errors", is_flag=True, help="Fail on warnings too.")
@click.option("--statistics", is_flag=True, help="Print how many diagnostics each rule found.")
@click.option("--stdin-filename", type=click.Path(path_type=Path),
              help="Read the source from stdin, as the file at this path.")
@click.option("--force-exclude", is_flag=True,
              help="Apply exclusions to files passed explicitly too.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes to use (default: all cores).")
@click.option("--report-unused-noqa", is_flag=True,
              help="Report suppression comments that suppress nothing (FSD900).")
@click.option("--show-files", is_flag=True, help="List the files that would be checked.")
@click.option("--show-settings", is_flag=True, help="Print the resolved settings.")
@click.option("--quiet", "-q", is_flag=True, help="Print diagnostics only, no summary.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour the output (honours NO_COLOR and FORCE_COLOR).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              envvar="FSD_LINT_CACHE_DIR",
              help="Keep the cache here (default: .fsd_lint_cache in the project directory; "
                   "also FSD_LINT_CACHE_DIR).")
@click.option("--timing", "show_timing", is_flag=True,
              help="Print where the time went (discovery, scan, parse, rules, report) to "
                   "stderr; also FSD_LINT_TIMING=1.")
def check(
    paths: tuple[Path, ...], output_format: str, select: tuple[str, ...],
    ignore: tuple[str, ...], extend_select: tuple[str, ...], config_file: Path | None,
    isolated: bool, fix: bool, diff: bool, add_noqa: bool, exit_zero: bool,
    warnings_as_errors: bool, statistics: bool,
    stdin_filename: Path | None, force_exclude: bool, jobs: int | None,
    report_unused_noqa: bool, show_files: bool, show_settings: bool, quiet: bool, color: str,
    no_cache: bool, cache_dir: Path | None, show_timing: bool,
) -> None:
    """Check PATHS (default: the current directory)."""
    if show_timing:
        timing.enable()
    # A short run that makes many small objects and no garbage cycles worth collecting early:
    # never scan what the imports made, and collect rarely (20-50% faster parsing and loading).
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    stdin = None
    if stdin_filename is not None and (fix or diff or add_noqa):
        raise click.UsageError(
            "--fix, --diff and --add-noqa work on files, not with --stdin-filename"
        )
    if config_file is not None and isolated:
        raise click.UsageError("--config and --isolated cannot be used together")
    if stdin_filename is not None:
        if any(str(p) != "-" for p in paths):
            raise click.UsageError(
                "--stdin-filename checks the source read from stdin; pass no other paths "
                "(or only `-`)"
            )
        stdin_path = stdin_filename.resolve()
        stdin = (stdin_path, sys.stdin.buffer.read())
        paths = (stdin_filename,)
    elif any(str(p) == "-" for p in paths):
        raise click.UsageError(
            "`-` reads the source from stdin and needs --stdin-filename PATH to say where "
            "the file belongs in the project"
        )
    missing = [str(p) for p in paths if not p.exists() and stdin is None]
    if missing:
        raise click.UsageError(f"no such file or directory: {', '.join(missing)}")
    targets = [path.resolve() for path in (paths or (Path("."),))]
    options = RunOptions(
        overrides=Overrides(
            select=split_selectors(select) if select else None,
            ignore=split_selectors(ignore),
            extend_select=split_selectors(extend_select),
            also_enable=("FSD900",) if report_unused_noqa else (),
        ),
        jobs=jobs or os.cpu_count() or 1,
        force_exclude=force_exclude,
        stdin=stdin,
        use_cache=not no_cache,
        cache_dir=cache_dir,
    )
    outcome = run(targets, options, config=config_file, isolated=isolated)
    for warning in sorted({w for project_run in outcome.runs for w in project_run.warnings}):
        click.echo(f"warning: {warning}", err=True)
    colored = use_color(color)
    if show_settings:
        click.echo(describe_settings(outcome.runs))
        return
    if show_files:
        for project_run in outcome.runs:
            for path in project_run.checked_files:
                click.echo(display_path(path))
        return
    if diff:
        sys.exit(print_diff(outcome))
    if add_noqa:
        from fsd_lint.fixes import plan_noqa

        added = write_plans(plan_noqa(outcome.diagnostics))
        click.echo(f"Added {added} noqa comment{'s' if added != 1 else ''}.")
        return
    if fix:
        fixed = apply_fixes(outcome)
        if fixed:
            outcome = run(targets, options, config=config_file, isolated=isolated)
            if output_format in HUMAN_FORMATS and not quiet:
                click.echo(f"Fixed {fixed} diagnostic{'s' if fixed != 1 else ''}.", err=True)
    with timing.phase("report"):
        report(outcome, output_format, colored, quiet, statistics, stdin)
    errors = [d for d in outcome.diagnostics
              if d.severity is Severity.ERROR or warnings_as_errors]
    sys.exit(1 if errors and not exit_zero else 0)


def print_diff(outcome: Outcome) -> int:
    """``--diff``: the fixes as a unified diff, nothing written; 1 if there is any."""
    from fsd_lint.fixes import plan_fixes, unified_diff

    changed = 0
    for plan in plan_fixes(outcome.diagnostics):
        if plan.problem is not None:
            click.echo(f"warning: {plan.path.as_posix()}: {plan.problem}", err=True)
        elif plan.fixed is not None and plan.fixed != plan.original:
            click.echo(unified_diff(plan), nl=False)
            changed += 1
    return 1 if changed else 0


def apply_fixes(outcome: Outcome) -> int:
    """``--fix``: write every fixed file; returns how many diagnostics were fixed."""
    from fsd_lint.fixes import plan_fixes

    return write_plans(plan_fixes(outcome.diagnostics))


def write_plans(plans: list[FileFix]) -> int:
    """Write every planned file; returns the number of changes applied (problems warned)."""
    from fsd_lint.fixes import write_fix

    done = 0
    for plan in plans:
        problem = plan.problem
        if problem is None and plan.fixed is not None and plan.fixed != plan.original:
            problem = write_fix(plan)
        if problem is not None:
            click.echo(f"warning: {plan.path.as_posix()}: {problem}", err=True)
        else:
            done += plan.applied
    return done


def report(outcome: Outcome, output_format: str, colored: bool, quiet: bool,
           statistics: bool, stdin: tuple[Path, bytes] | None) -> None:
    stdin_display = display_path(stdin[0]) if stdin else None

    def source(path: str) -> str | None:
        if stdin is not None and path == stdin_display:
            return stdin[1].decode("utf-8", errors="replace")
        try:
            return Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    diagnostics = outcome.diagnostics
    if statistics:
        click.echo(render_statistics(diagnostics, output_format), nl=False)
    else:
        enabled = sorted(set().union(*(r.selection.enabled for r in outcome.runs)))
        context = ReportContext(colored, source, enabled_rules=tuple(enabled))
        click.echo(reporter(output_format)(diagnostics, context), nl=False, color=colored)
    for warning in outcome.warnings:
        click.echo(warning, err=True)
    for project_run in outcome.runs:
        for path in project_run.outside_roots:
            click.echo(f"warning: {display_path(path)} lies outside every FSD root; "
                       f"not checked", err=True)
    if not any(project_run.roots for project_run in outcome.runs):
        click.echo(no_root_note(outcome.runs), err=True)
        return
    for project_run in outcome.runs:
        if not project_run.roots:
            config = project_run.settings.config_file
            settings_from = display_path(config) if config else "no config file"
            click.echo(f"warning: nothing was checked in "
                       f"{display_path(project_run.settings.project_dir)}: it is a separate "
                       f"project (settings from {settings_from}) without an FSD root", err=True)
    if output_format in HUMAN_FORMATS and not quiet:
        click.echo(summary(diagnostics, colored), color=colored)
        click.echo(roots_note(outcome.runs))


def render_statistics(diagnostics: list[Diagnostic], output_format: str) -> str:
    counts: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        counts.setdefault(diagnostic.code, []).append(diagnostic)
    rows = sorted(counts.items(), key=lambda item: (-len(item[1]), item[0]))
    if output_format in ("json", "json-lines"):
        import json

        data = [{"code": code, "name": items[0].rule, "count": len(items),
                 "fixable": any(d.fix for d in items)} for code, items in rows]
        return json.dumps(data, indent=2) + "\n"
    width = max((len(str(len(items))) for _, items in rows), default=1)
    return "".join(
        f"{len(items):>{width}}  {code}  {'[*]' if any(d.fix for d in items) else '   '} "
        f"{items[0].rule}\n"
        for code, items in rows
    )


def roots_note(runs: list[ProjectRun]) -> str:
    lines = []
    for project_run in runs:
        for root in project_run.roots:
            where = display_path(root.path)
            if root.configured:
                lines.append(f"Checked FSD root {where} (configured).")
            else:
                relative = root.path.relative_to(project_run.settings.project_dir).as_posix()
                lines.append(
                    f"Checked FSD root {where} (detected; pin it with "
                    f'root = "{relative}" under [tool.fsd-lint]).'
                )
            lines.append(f"  {import_name_note(root)}")
    files = sum(len(project_run.checked_files) for project_run in runs)
    lines.append(f"{files} file{'s' if files != 1 else ''} checked.")
    return "\n".join(lines)


def import_name_note(root: Root) -> str:
    """How the root's modules are named, so a wrong import root is visible, not silent."""
    if not root.importable:
        return ("No import root reaches it, so absolute imports of its modules are not "
                "recognised; set `src` to the directory your code imports it from.")
    name = f"{root.module_prefix}.*" if root.module_prefix else "its layers as top-level packages"
    return f"Its modules are imported as {name}; set `src` if your code imports them otherwise."


def no_root_note(runs: list[ProjectRun]) -> str:
    where = ", ".join(display_path(r.settings.project_dir) for r in runs) or "."
    found = sum(r.discovered_files for r in runs)
    files = (f"{found} Python file{'s' if found != 1 else ''} found, none of them in an FSD root"
             if found else "no Python file found (after excludes and .gitignore)")
    return (
        f"fsd-lint: no FSD root found in {where}: nothing was checked ({files}).\n"
        "An FSD root is a directory with a `shared` layer and at least one of `pages`, "
        "`widgets`, `features` or `entities` holding a slice (a package with a `ui`, `model`, "
        "`api`, `lib` or `config` child).\n"
        'If your layers live elsewhere, set root = "path/to/root" under [tool.fsd-lint] '
        "in pyproject.toml."
    )


def describe_settings(runs: list[ProjectRun]) -> str:
    out = []
    for project_run in runs:
        s = project_run.settings
        out += [
            f"config file: {s.config_file or '(none)'}",
            f"project directory: {s.project_dir}",
            f"import roots (src): {', '.join(str(p) for p in s.src)}",
            "roots:" if project_run.roots else "roots: (none found)",
        ]
        for root in project_run.roots:
            kind = "configured" if root.configured else "detected"
            prefix = root.module_prefix if root.importable else "(not importable)"
            layers = ", ".join(f"{layer.name}={layer.dir_name}" for layer in root.layers.values())
            out.append(f"  {root.path} ({kind}; package {prefix or '(top level)'}; {layers})")
        out += [
            f"enabled rules: {', '.join(sorted(project_run.selection.enabled))}",
            "severity: " + ", ".join(f"{code}={level.value}" for code, level in
                                     sorted(project_run.selection.severity.items())
                                     if code in project_run.selection.enabled),
            f"exclude: {', '.join((*s.exclude, *s.extend_exclude))}",
            f"respect-gitignore: {str(s.respect_gitignore).lower()}",
            f"ignore-type-checking-imports: {str(s.ignore_type_checking_imports).lower()}",
            f"cross-import-api: {s.cross_import_api}",
            f"custom-segments: {', '.join(s.custom_segments) or '(none)'}",
            f"token-pattern: {s.token_pattern}",
            f"token-forbidden-layers: {', '.join(s.token_forbidden_layers) or '(none)'}",
            f"refresh-endpoints: {', '.join(s.refresh_endpoints) or '(none)'}",
            f"logout-endpoints: {', '.join(s.logout_endpoints) or '(none)'}",
            f"reset-pattern: {s.reset_pattern}",
            f"api-client-names: {', '.join(s.api_client_names) or '(none)'}",
            f"http-libraries: {', '.join(s.http_libraries) or '(none)'}",
            "per-file-ignores: " + ("; ".join(f"{g} = {', '.join(c)}"
                                              for g, c in s.per_file_ignores) or "(none)"),
            "",
        ]
    return "\n".join(out).rstrip("\n")


@cli.command("rule")
@click.argument("code_or_name")
def rule_command(code_or_name: str) -> None:
    """Print the documentation of a rule (by code or name)."""
    rule = lookup(code_or_name)
    if rule is None:
        raise click.UsageError(f"unknown rule {code_or_name!r}; `fsd-lint rules` lists them")
    text = docs.load(rule.code)
    if text is None:
        raise click.ClickException(f"the documentation of {rule.code} is missing")
    click.echo(text.rstrip("\n"))


@cli.command("server")
def server_command() -> None:
    """Run the language server on stdin/stdout (needs the `lsp` extra)."""
    try:
        from fsd_lint.lsp import serve
    except ImportError as error:
        raise click.ClickException(
            f"the language server needs pygls: pip install 'fsd-lint[lsp]' ({error})"
        ) from error
    serve()


@cli.command("clean")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              envvar="FSD_LINT_CACHE_DIR", help="Remove this cache directory too.")
def clean_command(paths: tuple[Path, ...], cache_dir: Path | None) -> None:
    """Remove the cache of the projects at PATHS (default: the current directory) and every
    .fsd_lint_cache directory below them."""
    directories: list[Path] = []
    for path in paths or (Path("."),):
        path = path.resolve()
        settings = load_settings(find_config(path), path)
        directories.append(cache_directory(settings.project_dir, settings.cache_dir, cache_dir))
        if path.is_dir():
            directories += find_caches(path)
    for directory in dict.fromkeys(directories):
        if not directory.is_dir():
            continue
        problem = remove_cache(directory)
        if problem is not None:
            click.echo(f"warning: {problem}", err=True)
        else:
            click.echo(f"Removed the cache in {display_path(directory)}.")


@cli.command("rules")
def rules_command() -> None:
    """List every rule: code, name, default severity, and whether it is on by default."""
    for rule in RULES:
        state = "on " if rule.on_by_default else "off"
        click.echo(f"{rule.code}  {state}  {rule.severity.value:<7}  {rule.name:<34} "
                   f"{rule.summary}")


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: maps every failure onto the 0/1/2 exit-code contract."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="fsd-lint",
                 standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(2)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except ConfigError as error:
        click.echo(f"fsd-lint: {error}", err=True)
        sys.exit(2)
    except InternalError as error:
        click.echo(
            f"fsd-lint: internal error while processing {display_path(error.path)}.\n"
            f"This is a bug in fsd-lint, not a problem with your code; please report it "
            f"with the details below.\n\n{error.details}",
            err=True,
        )
        sys.exit(2)
    except Exception:
        import traceback

        click.echo(
            "fsd-lint: internal error. This is a bug in fsd-lint; please report it with the "
            f"details below.\n\n{traceback.format_exc()}",
            err=True,
        )
        sys.exit(2)
    finally:
        timing.report()
        _exit_without_teardown()


def _exit_without_teardown() -> None:
    """End the process now with the exit status ``sys.exit`` was given (as mypy does): freeing
    the facts of thousands of files one object at a time would add ~0.1 s to every run."""
    raised = sys.exc_info()[1]
    if raised is not None and not isinstance(raised, SystemExit):
        return  # not an exit: let it propagate
    code = raised.code if isinstance(raised, SystemExit) else 0
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)
