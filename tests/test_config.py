"""Configuration: where it is found, what each key does, and strict validation (exit 2 naming
the file, the key and what was expected; every problem at once)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli, write_packages, write_tree

UP = "from shop.pages.login import ui\n"  # FSD101 (entities -> pages) and FSD103 (sidestep)
SLICES = {
    "src/shop/shared/api/client.py": "",
    "src/shop/entities/user/model.py": UP,
    "src/shop/features/cart/model.py": "",
    "src/shop/pages/login/ui.py": "",
}


def shop(top: Path, config: dict[str, str], files: dict[str, str] | None = None) -> Path:
    return write_packages(top, {**SLICES, **config, **(files or {})}, "src/shop")


def found(top: Path, *args: str) -> list[tuple[str, str]]:
    result = run_cli(["check", "--output-format", "json", *args], top)
    assert result.returncode in (0, 1), result.stderr
    return [(d["path"], d["code"]) for d in result.json()]


def config_error(top: Path, *args: str) -> str:
    result = run_cli(["check", *args], top)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return result.stderr


MODEL = "src/shop/entities/user/model.py"


# --- discovery of the config file ---------------------------------------------------------


def test_the_config_is_found_walking_up_from_the_checked_path(tmp_path: Path) -> None:
    shop(tmp_path / "proj", {"pyproject.toml": '[tool.fsd-lint]\nselect = ["FSD103"]\n'})
    # From outside the project (no config in the current directory or above it).
    assert found(tmp_path, "proj/src/shop/entities") == [(f"proj/{MODEL}", "FSD103")]
    # From a directory inside the project.
    inside = tmp_path / "proj/src/shop/entities"
    assert found(inside, ".") == [("user/model.py", "FSD103")]


@pytest.mark.parametrize("name", ["fsd-lint.toml", ".fsd-lint.toml"])
def test_a_dedicated_file_has_the_keys_at_the_top_level(tmp_path: Path, name: str) -> None:
    shop(tmp_path, {name: 'select = ["FSD103"]\n'})
    assert found(tmp_path) == [(MODEL, "FSD103")]


def test_dedicated_files_win_over_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    shop(tmp_path, {
        "pyproject.toml": '[tool.fsd-lint]\nselect = ["FSD101"]\n',
        "fsd-lint.toml": 'select = ["FSD103"]\n',
    })
    assert found(tmp_path) == [(MODEL, "FSD103")]
    write_tree(tmp_path, {".fsd-lint.toml": 'select = ["FSD101"]\n'})
    assert found(tmp_path) == [(MODEL, "FSD101")]


def test_a_pyproject_without_a_section_is_passed_over(tmp_path: Path) -> None:
    write_tree(tmp_path, {"fsd-lint.toml": 'select = ["FSD103"]\nsrc = ["proj/src"]\n'})
    shop(tmp_path / "proj", {"pyproject.toml": "[project]\nname = 'proj'\n"})
    assert found(tmp_path / "proj") == [("src/shop/entities/user/model.py", "FSD103")]


def test_config_option_applies_one_file_to_every_path(tmp_path: Path) -> None:
    # As in ruff, paths in a file given with --config are relative to the current directory.
    shop(tmp_path, {"pyproject.toml": '[tool.fsd-lint]\nselect = ["FSD103"]\n',
                    "ci/strict.toml": 'select = ["FSD101"]\nroot = "src/shop"\n'})
    assert found(tmp_path, "--config", "ci/strict.toml") == [(MODEL, "FSD101")]
    assert found(tmp_path, "--config", "ci/strict.toml", "src/shop/entities") == [
        (MODEL, "FSD101")
    ]
    missing = run_cli(["check", "--config", "nope.toml"], tmp_path)
    assert missing.returncode == 2
    assert "nope.toml" in missing.stderr


def test_isolated_ignores_every_config_file(tmp_path: Path) -> None:
    shop(tmp_path, {"pyproject.toml": '[tool.fsd-lint]\nselect = ["FSD103"]\nbogus = 1\n'})
    assert found(tmp_path, "--isolated") == [(MODEL, "FSD101"), (MODEL, "FSD103")]
    both = run_cli(["check", "--isolated", "--config", "pyproject.toml"], tmp_path)
    assert both.returncode == 2
    assert "--config and --isolated cannot be used together" in both.stderr


# --- what the keys do -----------------------------------------------------------------------


def test_root_and_src_are_relative_to_the_config_file(tmp_path: Path) -> None:
    # Not detectable (no `shared` layer) and under `lib/`, not `src/`: `root` and `src` say
    # where the layers are and how modules are named.
    files = {
        "lib/shop/entities/user/model.py": UP,
        "lib/shop/pages/login/ui.py": "",
    }
    write_packages(tmp_path, files, "lib/shop")
    write_tree(tmp_path, {"pyproject.toml": "[tool.fsd-lint]\n"})
    assert found(tmp_path) == []  # nothing detected
    write_tree(tmp_path, {"pyproject.toml": '[tool.fsd-lint]\nroot = "lib/shop"\n'})
    # Module names come from the project directory: `lib.shop...`, so `shop.pages` is not
    # resolved into the root.
    assert found(tmp_path) == []
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.fsd-lint]\nroot = "lib/shop"\nsrc = ["lib"]\n'
    })
    model = "lib/shop/entities/user/model.py"
    assert found(tmp_path) == [(model, "FSD101"), (model, "FSD103")]
    # The same settings apply when checking from elsewhere.
    assert found(tmp_path / "lib", "shop") == [
        ("shop/entities/user/model.py", "FSD101"), ("shop/entities/user/model.py", "FSD103")
    ]


def test_exclude_replaces_the_defaults_and_extend_exclude_adds_to_them(tmp_path: Path) -> None:
    build = "src/shop/entities/user/build/gen.py"
    vendor = "src/shop/entities/user/vendor/lib.py"
    files = {build: UP, vendor: UP, MODEL: ""}
    shop(tmp_path, {"pyproject.toml": "[tool.fsd-lint]\n"}, files)
    assert found(tmp_path) == [(vendor, "FSD101"), (vendor, "FSD103")]  # build/ is excluded
    write_tree(tmp_path, {"pyproject.toml": '[tool.fsd-lint]\nextend-exclude = ["vendor"]\n'})
    assert found(tmp_path) == []
    write_tree(tmp_path, {"pyproject.toml": '[tool.fsd-lint]\nexclude = ["vendor"]\n'})
    assert found(tmp_path) == [(build, "FSD101"), (build, "FSD103")]
    write_tree(tmp_path, {"pyproject.toml": '[tool.fsd-lint]\nexclude = []\n'})
    assert [path for path, _ in found(tmp_path)] == [build, build, vendor, vendor]


def test_per_file_ignores_with_globs_names_and_negation(tmp_path: Path) -> None:
    cart = "src/shop/features/cart/ui.py"
    config = (
        "[tool.fsd-lint.per-file-ignores]\n"
        '"!src/shop/entities/**" = ["no-public-api-sidestep"]\n'  # everywhere but entities
        '"model.py" = ["FSD101"]\n'  # a name without a slash matches at any depth
    )
    shop(tmp_path, {"pyproject.toml": config}, {cart: UP})
    assert found(tmp_path) == [(MODEL, "FSD103"), (cart, "FSD101")]


def test_ignore_type_checking_imports(tmp_path: Path) -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    " + UP
    shop(tmp_path, {"pyproject.toml": "[tool.fsd-lint]\n"}, {MODEL: source})
    assert [code for _, code in found(tmp_path)] == ["FSD101", "FSD103"]
    config = "[tool.fsd-lint]\nignore-type-checking-imports = true\n"
    write_tree(tmp_path, {"pyproject.toml": config})
    assert found(tmp_path) == []


# --- validation -----------------------------------------------------------------------------


def test_every_problem_is_reported_at_once_with_file_and_key(tmp_path: Path) -> None:
    config = (
        "[tool.fsd-lint]\n"
        "colour = true\n"
        'select = "FSD1"\n'
        "respect-gitignore = \"yes\"\n"
        'exclude = ["ok/**", "gen[0-9"]\n'
        'root = "nowhere"\n'
        "[tool.fsd-lint.severity]\n"
        'FSD101 = "fatal"\n'
    )
    shop(tmp_path, {"pyproject.toml": config})
    stderr = config_error(tmp_path)
    assert f"invalid configuration in {tmp_path / 'pyproject.toml'}:" in stderr
    lines = stderr.splitlines()[1:]
    assert len(lines) == 6, stderr
    expected = [
        "[tool.fsd-lint] colour: unknown key; known keys are: ",
        "[tool.fsd-lint] select: expected a list of strings, got a string ('FSD1')",
        "[tool.fsd-lint] respect-gitignore: expected true or false, got a string ('yes')",
        "[tool.fsd-lint] exclude: 'gen[0-9' is not a valid glob: '[' is never closed by ']'",
        "[tool.fsd-lint] root: expected a directory, but 'nowhere' ",
        "[tool.fsd-lint] severity.FSD101: expected \"error\" or \"warning\", got 'fatal'",
    ]
    for start in expected:
        assert any(line.strip().startswith(start) for line in lines), (start, stderr)


def test_a_dedicated_file_names_keys_without_a_section(tmp_path: Path) -> None:
    shop(tmp_path, {"fsd-lint.toml": "roots = ['src/shop']\n"})
    stderr = config_error(tmp_path)
    assert f"invalid configuration in {tmp_path / 'fsd-lint.toml'}:" in stderr
    assert "  roots: unknown key; known keys are: " in stderr
    assert "root," in stderr


def test_a_toml_syntax_error_names_the_file_and_the_position(tmp_path: Path) -> None:
    shop(tmp_path, {"pyproject.toml": "[tool.fsd-lint]\nselect = FSD101\n"})
    stderr = config_error(tmp_path)
    assert str(tmp_path / "pyproject.toml") in stderr
    assert "not valid TOML: Invalid value (at line 2, column 10)" in stderr


@pytest.mark.parametrize(("line", "key", "expected"), [
    ('exclude = "build"', "exclude", "expected a list of strings, got a string ('build')"),
    ("extend-exclude = [1]", "extend-exclude", "expected a list of strings, got a list"),
    ('exclude = ["[z-a]"]', "exclude", "'[z-a]' is not a valid glob: bad character range z-a"),
    ('exclude = ["#notes"]', "exclude", "'#notes' starts with '#'"),
    ('extend-exclude = [""]', "extend-exclude", "an empty glob matches nothing"),
    ("src = ['missing']", "src", "expected a directory, but 'missing'"),
    ("root = 3", "root", "expected a list of strings, got an integer (3)"),
    ('cross-import-api = "x-y"', "cross-import-api", "expected a Python identifier"),
    ('custom-segments = ["a-b"]', "custom-segments", "'a-b' is not a Python identifier"),
    ("per-file-ignores = []", "per-file-ignores", "expected a table, got a list"),
    ('per-file-ignores = {"a[" = ["FSD101"]}', "per-file-ignores.'a['",
     "'a[' is not a valid glob"),
    ('per-file-ignores = {"tests/*" = "FSD101"}', "per-file-ignores.'tests/*'",
     "expected a list of strings, got a string ('FSD101')"),
    ('severity = {FSD101 = 1}', "severity.FSD101", 'expected "error" or "warning", got 1'),
    ("ignore-type-checking-imports = 1", "ignore-type-checking-imports",
     "expected true or false, got an integer (1)"),
])
def test_each_key_is_validated(tmp_path: Path, line: str, key: str, expected: str) -> None:
    shop(tmp_path, {"pyproject.toml": f"[tool.fsd-lint]\n{line}\n"})
    stderr = config_error(tmp_path)
    assert f"[tool.fsd-lint] {key}: {expected}" in stderr, stderr


@pytest.mark.parametrize(("line", "key"), [
    ('select = ["FSD101", "FSD9999"]', "select"),
    ('ignore = ["no-such-rule"]', "ignore"),
    ('extend-select = ["E501"]', "extend-select"),
    ('per-file-ignores = {"tests/*" = ["FSD101", "F401"]}', "per-file-ignores.'tests/*'"),
    ('severity = {FSD999 = "warning"}', "severity.FSD999"),
])
def test_unknown_rule_selectors_in_the_config_exit_2(tmp_path: Path, line: str, key: str) -> None:
    shop(tmp_path, {"pyproject.toml": f"[tool.fsd-lint]\n{line}\n"})
    stderr = config_error(tmp_path)
    assert f"[tool.fsd-lint] {key}: " in stderr
    assert "is not a rule code, code prefix or rule name" in stderr


def test_selector_problems_come_with_the_other_problems(tmp_path: Path) -> None:
    shop(tmp_path, {"pyproject.toml": '[tool.fsd-lint]\nignore = ["nope"]\nunknown = 1\n'})
    stderr = config_error(tmp_path)
    assert "[tool.fsd-lint] unknown: unknown key" in stderr
    assert "[tool.fsd-lint] ignore: 'nope' is not a rule code" in stderr


def test_a_bad_config_of_a_nested_project_is_reported(tmp_path: Path) -> None:
    shop(tmp_path, {"pyproject.toml": "[tool.fsd-lint]\n"})
    write_tree(tmp_path, {"tools/fsd-lint.toml": "select = 1\n"})
    stderr = config_error(tmp_path)
    assert f"invalid configuration in {tmp_path / 'tools/fsd-lint.toml'}" in stderr
    assert "  select: expected a list of strings" in stderr


def test_another_projects_broken_pyproject_is_passed_over(tmp_path: Path) -> None:
    # Test data of some other tool: not TOML at all, and not about fsd-lint.
    shop(tmp_path, {"pyproject.toml": "[tool.fsd-lint]\n",
                    "tests/data/pyproject.toml": "[project\nname = \n"})
    assert found(tmp_path) == [(MODEL, "FSD101"), (MODEL, "FSD103")]
    # One that is meant for fsd-lint is read, and its error reported.
    write_tree(tmp_path, {"tests/data/pyproject.toml": "[tool.fsd-lint\n"})
    stderr = config_error(tmp_path)
    assert f"invalid configuration in {tmp_path / 'tests/data/pyproject.toml'}" in stderr
