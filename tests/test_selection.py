"""Rule selection and severity: codes, prefixes, names, the ``forbidden-imports`` alias and
``ALL``; the more specific selector wins; severities from the config; what fails a run."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli, write_packages

from fsd_lint.diagnostics import Severity
from fsd_lint.rules.registry import RULES
from fsd_lint.selection import Overrides, UnknownSelector, build_selection, match
from fsd_lint.settings import ConfigError, Settings

FILES = {
    "src/shop/shared/api/client.py": "",
    # FSD101 (entities -> pages) and FSD103 (into pages/login/ui, past its public API).
    "src/shop/entities/user/model.py": "from shop.pages.login import ui\n",
    # FSD106 (a warning): a star import in a slice's public API.
    "src/shop/entities/user/__init__.py": "from .model import *\n",
    # FSD104 (off by default): an absolute import inside its own slice.
    "src/shop/features/cart/ui.py": "from shop.features.cart.model import total\n",
    "src/shop/features/cart/model.py": "total = 0\n",
    "src/shop/pages/login/ui.py": "",
}
DEFAULT = ["FSD101", "FSD103", "FSD106"]


def shop(top: Path, config: str = "") -> Path:
    return write_packages(top, {"pyproject.toml": "[tool.fsd-lint]\n" + config, **FILES},
                          "src/shop")


def codes(top: Path, *args: str) -> list[str]:
    result = run_cli(["check", "--output-format", "json", *args], top)
    assert result.returncode in (0, 1), result.stderr
    return sorted(d["code"] for d in result.json())


@pytest.mark.parametrize(("args", "expected"), [
    ([], DEFAULT),
    (["--select", "FSD101"], ["FSD101"]),
    (["--select", "fsd103"], ["FSD103"]),  # codes in any case
    (["--select", "FSD10"], ["FSD101", "FSD103", "FSD104", "FSD106"]),  # a prefix
    (["--select", "no-wildcard-reexport"], ["FSD106"]),  # a name
    (["--select", "forbidden-imports"], ["FSD101"]),  # FSD101 + FSD102 (Steiger's name)
    (["--select", "ALL"], ["FSD101", "FSD103", "FSD104", "FSD106"]),
    (["--select", "FSD104"], ["FSD104"]),  # off by default, on when named
    (["--select", "import-locality"], ["FSD104"]),
    (["--extend-select", "FSD104"], ["FSD101", "FSD103", "FSD104", "FSD106"]),
    (["--ignore", "FSD1"], []),
    (["--ignore", "forbidden-imports"], ["FSD103", "FSD106"]),
    # The more specific selector wins, whichever list it is in.
    (["--select", "FSD104", "--ignore", "FSD1"], ["FSD104"]),
    (["--select", "FSD1", "--ignore", "FSD104"], ["FSD101", "FSD103", "FSD106"]),
    (["--select", "ALL", "--ignore", "FSD10"], []),
    (["--select", "FSD10", "--ignore", "no-higher-level-imports"],
     ["FSD103", "FSD104", "FSD106"]),
    # A tie goes to ignore.
    (["--select", "FSD101", "--ignore", "FSD101"], []),
])
def test_selectors(tmp_path: Path, args: list[str], expected: list[str]) -> None:
    assert codes(shop(tmp_path), *args) == expected


def test_the_config_selects_and_the_command_line_overrides(tmp_path: Path) -> None:
    project = shop(tmp_path, 'select = ["ALL"]\nignore = ["FSD103"]\n')
    assert codes(project) == ["FSD101", "FSD104", "FSD106"]
    # --select replaces the config's select; the config's ignore still applies.
    assert codes(project, "--select", "FSD103,FSD106") == ["FSD106"]
    project = shop(tmp_path / "b", 'extend-select = ["import-locality"]\n')
    assert codes(project) == ["FSD101", "FSD103", "FSD104", "FSD106"]
    assert codes(project, "--ignore", "FSD104") == DEFAULT


def test_a_warning_does_not_fail_the_run_unless_asked(tmp_path: Path) -> None:
    project = shop(tmp_path)
    only_warning = run_cli(["check", "--select", "FSD106"], project)
    assert only_warning.returncode == 0
    assert "Found 1 warning." in only_warning.stdout
    strict = run_cli(["check", "--select", "FSD106", "--warnings-as-errors"], project)
    assert strict.returncode == 1


def test_severity_overrides(tmp_path: Path) -> None:
    project = shop(tmp_path, '[tool.fsd-lint.severity]\nFSD1 = "warning"\n'
                   'no-public-api-sidestep = "error"\nFSD106 = "error"\n')
    result = run_cli(["check", "--output-format", "json"], project)
    severities = {d["code"]: d["severity"] for d in result.json()}
    # The prefix makes FSD101 a warning; the rule's own name is more specific for FSD103.
    assert severities == {"FSD101": "warning", "FSD103": "error", "FSD106": "error"}
    assert result.returncode == 1
    warnings_only = run_cli(["check", "--select", "FSD101"], project)
    assert warnings_only.returncode == 0
    assert "Found 1 warning." in warnings_only.stdout
    assert run_cli(["check", "--select", "FSD101", "--warnings-as-errors"],
                   project).returncode == 1
    summary = run_cli(["check", "--select", "FSD101,FSD103"], project).stdout
    assert "Found 1 error and 1 warning." in summary


# --- the selection itself ------------------------------------------------------------------


def test_match_names_rules_and_ranks_specificity() -> None:
    assert match("FSD101")[0] == frozenset({"FSD101"})
    assert match("no-cross-imports")[0] == frozenset({"FSD102"})
    assert match("forbidden-imports")[0] == frozenset({"FSD101", "FSD102"})
    assert match("ALL")[0] == frozenset(rule.code for rule in RULES)
    assert match("FSD10")[0] >= {"FSD101", "FSD107"}
    assert match("ALL")[1] < match("FSD")[1] < match("FSD1")[1] < match("FSD10")[1]
    assert match("FSD10")[1] < match("forbidden-imports")[1] < match("FSD101")[1]
    for bad in ("", "E501", "FSD8", "no-such-rule", "all", "FSD1011", "FSD101,FSD102"):
        with pytest.raises(UnknownSelector):
            match(bad)


def test_build_selection_reports_every_unknown_command_line_selector() -> None:
    settings = Settings(project_dir=Path("/nowhere"))
    with pytest.raises(ConfigError) as caught:
        build_selection(settings, Overrides(select=("E501",), ignore=("FSD101", "nope")))
    assert [key for key, _ in caught.value.problems] == ["--select", "--ignore"]
    assert str(caught.value).startswith("invalid options on the command line:")


def test_defaults_enable_the_on_by_default_rules_at_their_severity() -> None:
    selection = build_selection(Settings(project_dir=Path("/nowhere")), Overrides())
    assert selection.enabled == {rule.code for rule in RULES if rule.on_by_default}
    assert "FSD104" not in selection.enabled and "FSD900" not in selection.enabled
    assert selection.severity["FSD106"] is Severity.WARNING
    assert selection.severity["FSD101"] is Severity.ERROR
