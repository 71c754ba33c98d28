"""The command line end to end: output formats and the JSON contract, exit codes, options,
stdin, colour, and the notes printed when there is nothing to check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli, write_packages

from fsd_lint import __version__

UP = "from shop.pages.login import ui\n"  # entities -> pages: FSD101, and a sidestep (FSD103)
UP_MESSAGE_START = "`from shop.pages.login import ui`: `entities/user` imports `pages/login`"
JSON_KEYS = ["code", "rule", "severity", "message", "path", "line", "column", "end_line",
             "end_column", "fix"]


def shop(top: Path, files: dict[str, str] | None = None,
         config: str = "[tool.fsd-lint]\n") -> Path:
    """A small FSD project: src/shop with shared, entities/user, features/cart, pages/login."""
    return write_packages(top, {
        "pyproject.toml": config,
        "src/shop/shared/api/client.py": "",
        "src/shop/entities/user/model.py": "",
        "src/shop/features/cart/model.py": "",
        "src/shop/pages/login/ui.py": "",
        **(files or {}),
    }, "src/shop")


# --- output formats -----------------------------------------------------------------------


def test_json_follows_the_documented_contract(tmp_path: Path) -> None:
    # The import starts after "x = 1; " (7 characters), so at column 8, and is 31 long.
    statement = UP.rstrip("\n")
    project = shop(tmp_path, {"src/shop/entities/user/model.py": f"x = 1; {statement}\n"})
    result = run_cli(["check", "--output-format", "json"], project)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("[")
    data = result.json()
    assert [d["code"] for d in data] == ["FSD101", "FSD103"]
    first = data[0]
    assert list(first) == JSON_KEYS
    assert first["rule"] == "no-higher-level-imports"
    assert first["severity"] == "error"
    assert first["message"].startswith(UP_MESSAGE_START)
    assert first["path"] == "src/shop/entities/user/model.py"
    assert (first["line"], first["column"]) == (1, 8)
    assert (first["end_line"], first["end_column"]) == (1, 8 + len(statement))
    assert first["fix"] is None
    for diagnostic in data:
        assert isinstance(diagnostic["message"], str)
        for key in ("line", "column", "end_line", "end_column"):
            assert isinstance(diagnostic[key], int) and not isinstance(diagnostic[key], bool)


def test_json_paths_are_relative_to_the_current_directory(tmp_path: Path) -> None:
    project = shop(tmp_path / "proj", {"src/shop/entities/user/model.py": UP})
    from_parent = run_cli(["check", "--output-format", "json", "proj"], tmp_path)
    assert {d["path"] for d in from_parent.json()} == {"proj/src/shop/entities/user/model.py"}
    from_src = run_cli(["check", "--output-format", "json"], project / "src")
    assert {d["path"] for d in from_src.json()} == {"shop/entities/user/model.py"}
    assert "\\" not in from_parent.stdout


def test_json_is_sorted_by_path_line_column_code(tmp_path: Path) -> None:
    project = shop(tmp_path, {
        # Two findings on one statement (FSD101 and FSD103), and one on a later line.
        "src/shop/entities/user/model.py": "import json\n" + UP + "import os; " + UP,
        "src/shop/entities/user/api.py": UP,
        "src/shop/features/cart/ui.py": UP,
    })
    data = run_cli(["check", "--output-format", "json"], project).json()
    keys = [(d["path"], d["line"], d["column"], d["code"]) for d in data]
    assert keys == sorted(keys)
    assert keys == [
        ("src/shop/entities/user/api.py", 1, 1, "FSD101"),
        ("src/shop/entities/user/api.py", 1, 1, "FSD103"),
        ("src/shop/entities/user/model.py", 2, 1, "FSD101"),
        ("src/shop/entities/user/model.py", 2, 1, "FSD103"),
        ("src/shop/entities/user/model.py", 3, 12, "FSD101"),
        ("src/shop/entities/user/model.py", 3, 12, "FSD103"),
        ("src/shop/features/cart/ui.py", 1, 1, "FSD101"),
        ("src/shop/features/cart/ui.py", 1, 1, "FSD103"),
    ]


def test_json_lines_prints_one_object_per_line(tmp_path: Path) -> None:
    project = shop(tmp_path, {"src/shop/entities/user/model.py": UP,
                              "src/shop/features/cart/ui.py": UP})
    as_json = run_cli(["check", "--output-format", "json"], project)
    lines = run_cli(["check", "--output-format", "json-lines"], project)
    assert lines.returncode == 1
    rows = lines.stdout.splitlines()
    assert len(rows) == 4
    assert [json.loads(row) for row in rows] == as_json.json()


@pytest.mark.parametrize("output_format", ["json", "json-lines"])
def test_a_clean_run_prints_an_empty_result(tmp_path: Path, output_format: str) -> None:
    project = shop(tmp_path)
    result = run_cli(["check", "--output-format", output_format], project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("[]\n" if output_format == "json" else "")


def test_full_output_shows_the_line_a_caret_and_a_summary(tmp_path: Path) -> None:
    project = shop(tmp_path, {"src/shop/entities/user/model.py": "import os\n" + UP})
    result = run_cli(["check"], project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    head = "src/shop/entities/user/model.py:2:1: FSD101 " + UP_MESSAGE_START
    assert lines[0].startswith(head)
    assert lines[1:4] == ["  |", "2 | " + UP.rstrip(), "  | " + "^" * len(UP.rstrip())]
    assert "Found 2 errors." in lines
    assert "Checked FSD root src/shop (detected; pin it with root = \"src/shop\" " \
           "under [tool.fsd-lint])." in lines


def test_concise_output_is_one_line_per_diagnostic(tmp_path: Path) -> None:
    project = shop(tmp_path, {"src/shop/entities/user/model.py": UP})
    result = run_cli(["check", "--output-format", "concise"], project)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("src/shop/entities/user/model.py:1:1: FSD101 " + UP_MESSAGE_START)
    assert lines[1].startswith("src/shop/entities/user/model.py:1:1: FSD103 ")
    assert lines[2] == "Found 2 errors."


def test_a_clean_run_says_so(tmp_path: Path) -> None:
    result = run_cli(["check"], shop(tmp_path))
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == "All checks passed!"


def test_quiet_prints_the_diagnostics_only(tmp_path: Path) -> None:
    project = shop(tmp_path, {"src/shop/entities/user/model.py": UP})
    result = run_cli(["check", "--quiet", "--output-format", "concise"], project)
    assert result.returncode == 1
    assert [line.split(" ")[1] for line in result.stdout.splitlines()] == ["FSD101", "FSD103"]
    clean = run_cli(["check", "-q"], shop(tmp_path / "clean"))
    assert (clean.returncode, clean.stdout) == (0, "")


# --- exit codes -----------------------------------------------------------------------------


def test_exit_codes(tmp_path: Path) -> None:
    project = shop(tmp_path, {"src/shop/entities/user/model.py": UP})
    assert run_cli(["check"], project).returncode == 1
    assert run_cli(["check", "--exit-zero"], project).returncode == 0
    assert run_cli(["check", "src/shop/features"], project).returncode == 0
    assert run_cli(["check", "--no-such-option"], project).returncode == 2
    (project / "pyproject.toml").write_text("[tool.fsd-lint]\nselect = 1\n")
    broken = run_cli(["check", "--exit-zero"], project)
    assert broken.returncode == 2, "--exit-zero does not hide a configuration error"


def test_a_missing_path_exits_2_and_names_it(tmp_path: Path) -> None:
    result = run_cli(["check", "nowhere.py"], shop(tmp_path))
    assert result.returncode == 2
    assert "no such file or directory: nowhere.py" in result.stderr
    assert "Traceback" not in result.stderr


# --- statistics -----------------------------------------------------------------------------


def stats_project(top: Path) -> Path:
    return shop(top, {
        "src/shop/entities/user/model.py": UP,
        "src/shop/entities/user/api.py": UP,
        "src/shop/features/cart/ui.py": "from shop.pages.login import x\n",  # FSD101 only
    })


def test_statistics_as_text(tmp_path: Path) -> None:
    result = run_cli(["check", "--statistics"], stats_project(tmp_path))
    assert result.returncode == 1
    rows = [line.split() for line in result.stdout.splitlines()[:2]]
    assert rows == [["3", "FSD101", "no-higher-level-imports"],
                    ["2", "FSD103", "no-public-api-sidestep"]]
    assert "Found 5 errors." in result.stdout


def test_statistics_as_json(tmp_path: Path) -> None:
    result = run_cli(["check", "--statistics", "--output-format", "json"],
                     stats_project(tmp_path))
    assert result.json() == [
        {"code": "FSD101", "name": "no-higher-level-imports", "count": 3, "fixable": False},
        {"code": "FSD103", "name": "no-public-api-sidestep", "count": 2, "fixable": False},
    ]


# --- selection on the command line ------------------------------------------------------


def codes(top: Path, *args: str) -> list[str]:
    result = run_cli(["check", "--output-format", "json", *args], top)
    assert result.returncode in (0, 1), result.stderr
    return [d["code"] for d in result.json()]


def test_select_ignore_and_extend_select_take_lists_and_repeat(tmp_path: Path) -> None:
    project = shop(tmp_path, {
        "src/shop/entities/user/model.py": UP,
        "src/shop/features/cart/ui.py": "from shop.features.cart.model import x\n",  # FSD104
    })
    assert codes(project) == ["FSD101", "FSD103"]
    assert codes(project, "--select", "FSD101,FSD104") == ["FSD101", "FSD104"]
    assert codes(project, "--select", "FSD101", "--select", "FSD104") == ["FSD101", "FSD104"]
    assert codes(project, "--ignore", "FSD101,FSD103") == []
    assert codes(project, "--ignore", "FSD101", "--ignore", "no-public-api-sidestep") == []
    assert codes(project, "--extend-select", "FSD104") == ["FSD101", "FSD103", "FSD104"]
    # The more specific selector wins: a rule named exactly beats a code prefix.
    assert codes(project, "--extend-select", "import-locality", "--ignore", "FSD1") == ["FSD104"]
    assert codes(project, "--extend-select", "FSD1", "--ignore", "import-locality") == [
        "FSD101", "FSD103"
    ]


def test_the_command_line_selection_replaces_the_configs(tmp_path: Path) -> None:
    project = shop(tmp_path, {"src/shop/entities/user/model.py": UP},
                   config='[tool.fsd-lint]\nselect = ["FSD103"]\n')
    assert codes(project) == ["FSD103"]
    assert codes(project, "--select", "FSD101") == ["FSD101"]


def test_an_unknown_selector_on_the_command_line_exits_2(tmp_path: Path) -> None:
    project = shop(tmp_path)
    for option in ("--select", "--ignore", "--extend-select"):
        result = run_cli(["check", option, "FSD101,XYZ123"], project)
        assert result.returncode == 2
        assert f"{option}: 'XYZ123' is not a rule code" in result.stderr
        assert "Traceback" not in result.stderr


# --- stdin ----------------------------------------------------------------------------------


def test_stdin_is_checked_as_the_named_file_even_if_it_is_not_on_disk(tmp_path: Path) -> None:
    project = shop(tmp_path)
    result = run_cli(["check", "--output-format", "json", "--stdin-filename",
                      "src/shop/entities/user/new.py"], project, stdin=UP)
    assert result.returncode == 1, result.stderr
    assert [(d["path"], d["code"]) for d in result.json()] == [
        ("src/shop/entities/user/new.py", "FSD101"), ("src/shop/entities/user/new.py", "FSD103")
    ]
    assert not (project / "src/shop/entities/user/new.py").exists()


def test_stdin_replaces_the_file_on_disk(tmp_path: Path) -> None:
    project = shop(tmp_path, {"src/shop/entities/user/model.py": UP})
    target = "src/shop/entities/user/model.py"
    clean = run_cli(["check", "-", "--stdin-filename", target], project, stdin="import os\n")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    dirty = run_cli(["check", "--stdin-filename", target, "--output-format", "json"], project,
                    stdin="import os\n" + UP)
    assert [d["line"] for d in dirty.json()] == [2, 2]


def test_stdin_takes_module_name_config_and_per_file_ignores_from_the_filename(
    tmp_path: Path,
) -> None:
    # The file belongs to the nested project "web", whose config ignores FSD103 for ui.py files
    # and whose root is not detected but configured. A relative import resolves from the
    # file's module name (shop.entities.user.ui -> shop.pages.login).
    top = tmp_path / "repo"
    (top / "pyproject.toml").parent.mkdir(parents=True)
    (top / "pyproject.toml").write_text('[tool.fsd-lint]\nselect = ["FSD102"]\n')
    web = shop(top / "web", config='[tool.fsd-lint]\nroot = "src/shop"\n'
               '[tool.fsd-lint.per-file-ignores]\n"ui.py" = ["FSD103"]\n')
    source = "from ...pages.login import ui\n"
    result = run_cli(["check", "--output-format", "json", "--stdin-filename",
                      "web/src/shop/entities/user/ui.py"], top, stdin=source)
    assert result.returncode == 1, result.stderr
    assert [(d["path"], d["code"]) for d in result.json()] == [
        ("web/src/shop/entities/user/ui.py", "FSD101")
    ]
    other = run_cli(["check", "--output-format", "json", "--stdin-filename",
                     "src/shop/entities/user/api.py"], web, stdin=source)
    assert [d["code"] for d in other.json()] == ["FSD101", "FSD103"]


def test_stdin_refuses_other_paths_and_a_dash_needs_a_filename(tmp_path: Path) -> None:
    project = shop(tmp_path)
    mixed = run_cli(["check", "src", "--stdin-filename", "src/shop/x.py"], project, stdin="")
    assert mixed.returncode == 2
    assert "--stdin-filename" in mixed.stderr
    dash = run_cli(["check", "-"], project, stdin="import os\n")
    assert dash.returncode == 2
    assert "needs --stdin-filename" in dash.stderr


# --- colour ---------------------------------------------------------------------------------


ESC = "\x1b["


@pytest.mark.parametrize(("args", "env", "colored"), [
    ([], {"NO_COLOR": ""}, False),  # not a terminal
    ([], {"NO_COLOR": "", "FORCE_COLOR": "1"}, True),
    ([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),  # NO_COLOR wins over FORCE_COLOR
    (["--color", "always"], {"NO_COLOR": "1"}, True),  # --color wins over both
    (["--color", "never"], {"NO_COLOR": "", "FORCE_COLOR": "1"}, False),
    (["--color", "auto"], {"NO_COLOR": "", "FORCE_COLOR": "1"}, True),
])
def test_color(tmp_path: Path, args: list[str], env: dict[str, str], colored: bool) -> None:
    project = shop(tmp_path, {"src/shop/entities/user/model.py": UP})
    result = run_cli(["check", "--output-format", "concise", *args], project, env=env)
    assert (ESC in result.stdout) is colored
    assert result.returncode == 1


def test_json_is_never_colored(tmp_path: Path) -> None:
    project = shop(tmp_path, {"src/shop/entities/user/model.py": UP})
    result = run_cli(["check", "--output-format", "json", "--color", "always"], project)
    assert ESC not in result.stdout
    assert len(result.json()) == 2


# --- informational options --------------------------------------------------------------


def test_show_files_lists_the_files_that_would_be_checked(tmp_path: Path) -> None:
    project = shop(tmp_path, {"scripts/tool.py": UP, "src/shop/entities/user/model.py": UP})
    result = run_cli(["check", "--show-files"], project)
    assert result.returncode == 0, "listing files is not a check"
    assert result.stdout.splitlines() == sorted([
        "src/shop/__init__.py",
        "src/shop/entities/__init__.py",
        "src/shop/entities/user/__init__.py",
        "src/shop/entities/user/model.py",
        "src/shop/features/__init__.py",
        "src/shop/features/cart/__init__.py",
        "src/shop/features/cart/model.py",
        "src/shop/pages/__init__.py",
        "src/shop/pages/login/__init__.py",
        "src/shop/pages/login/ui.py",
        "src/shop/shared/__init__.py",
        "src/shop/shared/api/__init__.py",
        "src/shop/shared/api/client.py",
    ])


def test_show_settings_prints_the_resolved_settings(tmp_path: Path) -> None:
    project = shop(tmp_path, config='[tool.fsd-lint]\nroot = "src/shop"\n'
                   'extend-select = ["FSD104"]\nignore = ["FSD106"]\n'
                   '[tool.fsd-lint.severity]\nFSD101 = "warning"\n')
    result = run_cli(["check", "--show-settings"], project)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert f"config file: {project / 'pyproject.toml'}" in lines
    enabled = next(line for line in lines if line.startswith("enabled rules: "))
    assert "FSD104" in enabled.split(": ")[1].split(", ")
    assert "FSD106" not in enabled
    assert "FSD101=warning" in next(line for line in lines if line.startswith("severity: "))
    assert any(line.startswith(f"  {project / 'src/shop'} (configured") for line in lines)


def test_version(tmp_path: Path) -> None:
    result = run_cli(["--version"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"fsd-lint, version {__version__}"


def test_python_dash_m_runs_the_same_command(tmp_path: Path) -> None:
    project = shop(tmp_path, {"src/shop/entities/user/model.py": UP})
    env = {**os.environ, "NO_COLOR": "1"}
    completed = subprocess.run(
        [sys.executable, "-m", "fsd_lint", "check", "--output-format", "json"],
        cwd=project, capture_output=True, text=True, env=env, check=False, timeout=120,
    )
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout == run_cli(["check", "--output-format", "json"], project).stdout


# --- nothing to check, nested projects ---------------------------------------------------


def test_a_project_without_an_fsd_root_says_why_nothing_was_checked(tmp_path: Path) -> None:
    # Django-like names, but no `shared` layer: not an FSD root. Six files (with __init__s).
    write_packages(tmp_path, {
        "pyproject.toml": "[project]\nname = 'site'\n",
        "site/pages/views.py": UP,
        "site/features/flags/model.py": "",
    }, "site")
    result = run_cli(["check"], tmp_path)
    assert result.returncode == 0
    assert "no FSD root found in .: nothing was checked (6 Python files found" in result.stderr
    assert 'root = "path/to/root"' in result.stderr
    assert "All checks passed!" not in result.stdout
    as_json = run_cli(["check", "--output-format", "json"], tmp_path)
    assert (as_json.returncode, as_json.stdout) == (0, "[]\n")
    assert "nothing was checked" in as_json.stderr


def test_a_nested_project_is_checked_with_its_own_settings(tmp_path: Path) -> None:
    # The outer project selects only FSD103; the nested one (with its own config) only FSD101.
    outer = shop(tmp_path, {"src/shop/entities/user/model.py": UP},
                 config='[tool.fsd-lint]\nselect = ["FSD103"]\n')
    shop(outer / "packages/web", {"src/shop/entities/user/model.py": UP},
         config='[tool.fsd-lint]\nselect = ["FSD101"]\n')
    data = run_cli(["check", "--output-format", "json"], outer).json()
    assert [(d["path"], d["code"]) for d in data] == [
        ("packages/web/src/shop/entities/user/model.py", "FSD101"),
        ("src/shop/entities/user/model.py", "FSD103"),
    ]
    # Checking the nested directory alone, or one of its files, uses its settings too.
    inner = run_cli(["check", "--output-format", "json", "packages/web/src/shop/entities"],
                    outer)
    assert [d["code"] for d in inner.json()] == ["FSD101"]


def test_show_settings_prints_the_auth_keys(tmp_path: Path) -> None:
    project = shop(tmp_path, config='[tool.fsd-lint]\nroot = "src/shop"\n'
                   'token-pattern = "(?:secret|jwt)"\n'
                   'token-forbidden-layers = ["pages", "widgets", "features"]\n'
                   'refresh-endpoints = ["/session/renew$"]\n'
                   'logout-endpoints = ["/session/end$", "/bye$"]\n'
                   'reset-pattern = "drop_everything"\n'
                   'api-client-names = ["backend"]\n'
                   'http-libraries = ["requests"]\n')
    lines = run_cli(["check", "--show-settings"], project).stdout.splitlines()
    for line in ("token-pattern: (?:secret|jwt)",
                 "token-forbidden-layers: pages, widgets, features",
                 "refresh-endpoints: /session/renew$",
                 "logout-endpoints: /session/end$, /bye$",
                 "reset-pattern: drop_everything",
                 "api-client-names: backend",
                 "http-libraries: requests"):
        assert line in lines
    defaults = run_cli(["check", "--show-settings"], shop(tmp_path / "plain")).stdout
    assert "refresh-endpoints: /refresh/?$, /refresh[-_]?token/?$" in defaults.splitlines()
    assert "api-client-names: (none)" in defaults.splitlines()
