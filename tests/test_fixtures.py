"""The sample projects in ``fixtures/``, checked end to end with the installed command.

Each ``fixtures/<name>/expected.json`` holds the exact JSON that ``fsd-lint check
--output-format json`` prints from inside the fixture. The files are written and reviewed by
hand against the list of planted violations and look-alikes in each fixture's README.md;
nothing regenerates them.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli, write_packages

from fsd_lint.extraction import PARALLEL_THRESHOLD

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

FIXTURES = REPO / "fixtures"
# auth_* fixtures are compared by tests/test_auth_fixtures.py (key fields only, for now).
CASES = sorted(path.parent.name for path in FIXTURES.glob("*/expected.json")
               if not path.parent.name.startswith("auth_"))
JSON = ["check", "--output-format", "json"]


def expected(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((FIXTURES / name / "expected.json").read_text())
    return data


def expected_exit(name: str) -> int:
    return 1 if any(item["severity"] == "error" for item in expected(name)) else 0


def fsd_lint_table(project: Path) -> dict[str, Any]:
    with (project / "pyproject.toml").open("rb") as handle:
        table: dict[str, Any] = tomllib.load(handle).get("tool", {}).get("fsd-lint", {})
    return table


def test_the_layout_fixtures_are_all_there_with_their_readme() -> None:
    layouts = {"src_layout", "flat_layout", "django_lookalike", "monorepo"}
    assert layouts <= set(CASES)
    for name in layouts:
        assert (FIXTURES / name / "README.md").is_file(), name


@pytest.mark.parametrize("name", CASES)
def test_json_output_is_the_expected_one(name: str) -> None:
    result = run_cli(JSON, cwd=FIXTURES / name)
    assert result.json() == expected(name), result.stderr
    assert result.returncode == expected_exit(name), result.stderr


@pytest.mark.parametrize("name", CASES)
def test_output_does_not_depend_on_the_number_of_jobs(name: str) -> None:
    for output_format in ("json", "full"):
        args = ["check", "--output-format", output_format, "--color", "never"]
        one = run_cli([*args, "--jobs", "1"], cwd=FIXTURES / name)
        two = run_cli([*args, "--jobs", "2"], cwd=FIXTURES / name)
        assert one.returncode == two.returncode == expected_exit(name)
        assert one.stdout == two.stdout
        assert one.stderr == two.stderr


def test_src_layout_is_big_enough_for_the_parallel_path() -> None:
    files = list((FIXTURES / "src_layout" / "src" / "shop").rglob("*.py"))
    assert len(files) >= PARALLEL_THRESHOLD


@pytest.mark.parametrize("name", CASES)
def test_checking_a_fixture_from_the_repository_root_uses_its_own_config(name: str) -> None:
    result = run_cli([*JSON, f"fixtures/{name}"], cwd=REPO)
    prefixed = [{**item, "path": f"fixtures/{name}/{item['path']}"} for item in expected(name)]
    assert result.json() == prefixed, result.stderr
    assert result.returncode == expected_exit(name)


def test_src_layout_summary_names_the_configured_root_from_anywhere() -> None:
    inside = run_cli(["check", "--color", "never"], cwd=FIXTURES / "src_layout")
    assert "Checked FSD root src/shop (configured)." in inside.stdout
    assert "Found 9 errors and 2 warnings." in inside.stdout
    outside = run_cli(["check", "--color", "never", "fixtures/src_layout"], cwd=REPO)
    assert "Checked FSD root fixtures/src_layout/src/shop (configured)." in outside.stdout


def test_src_layout_suppressions_are_all_used() -> None:
    result = run_cli([*JSON, "--report-unused-noqa"], cwd=FIXTURES / "src_layout")
    assert [item for item in result.json() if item["code"] == "FSD900"] == []
    assert result.json() == expected("src_layout")


def test_src_layout_suppressions_hide_real_violations(tmp_path: Path) -> None:
    """Without its suppressions, the five suppressed violations of the README come back."""
    copy = tmp_path / "src_layout"
    shutil.copytree(FIXTURES / "src_layout", copy)
    for path in copy.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"  # noqa.*", "", text)
        text = re.sub(r"(?m)^# fsd-lint: (ignore\[.*\]|skip-file).*\n", "", text)
        path.write_text(text, encoding="utf-8")
    config = copy / "pyproject.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.split("[tool.fsd-lint.per-file-ignores]")[0], encoding="utf-8")

    result = run_cli(JSON, cwd=copy)
    found = {(item["path"], item["line"], item["code"]) for item in result.json()}
    shop = "src/shop"
    revealed = {
        (f"{shop}/widgets/header/ui/header.py", 13, "FSD101"),  # a noqa with a code
        (f"{shop}/pages/product/ui/page.py", 10, "FSD102"),  # a noqa with a rule alias
        (f"{shop}/pages/product/ui/page.py", 15, "FSD103"),  # line 16 under its ignore comment
        (f"{shop}/pages/login/ui/legacy_form.py", 5, "FSD103"),  # per-file-ignores
        (f"{shop}/entities/product/lib/legacy_pricing.py", 6, "FSD101"),  # skip-file
    }
    assert revealed <= found
    assert len(found) == len(expected("src_layout")) + len(revealed)


def test_src_layout_fix_rewrites_the_sidestep_to_the_public_api(tmp_path: Path) -> None:
    copy = tmp_path / "src_layout"
    shutil.copytree(FIXTURES / "src_layout", copy)
    page = copy / "src/shop/pages/product/ui/page.py"
    before = page.read_text(encoding="utf-8")

    run_cli(["check", "--fix"], cwd=copy)

    after = page.read_text(encoding="utf-8")
    assert after == before.replace(
        "from shop.entities.product.model.product import Product, ProductId",
        "from shop.entities.product import Product, ProductId",
    )
    remaining = [item for item in expected("src_layout") if item["fix"] is None]
    assert run_cli(JSON, cwd=copy).json() == remaining


def test_flat_layout_root_is_detected_without_configuration() -> None:
    project = FIXTURES / "flat_layout"
    assert "root" not in fsd_lint_table(project)
    result = run_cli(["check", "--color", "never"], cwd=project)
    assert 'Checked FSD root . (detected; pin it with root = "." under [tool.fsd-lint]).' in (
        result.stdout
    )


def test_monorepo_checks_both_configured_roots() -> None:
    result = run_cli(["check", "--color", "never"], cwd=FIXTURES / "monorepo")
    assert "Checked FSD root apps/web/src/web (configured)." in result.stdout
    assert "Checked FSD root apps/admin/src/admin (configured)." in result.stdout


def test_django_lookalike_is_not_an_fsd_project() -> None:
    project = FIXTURES / "django_lookalike"
    for args in (JSON, ["check", "--color", "never"]):
        result = run_cli(args, cwd=project)
        assert result.returncode == 0
        assert "no FSD root found in" in result.stderr
        assert "nothing was checked" in result.stderr
        assert 'root = "path/to/root"' in result.stderr
    assert run_cli(JSON, cwd=project).stdout == "[]\n"
    assert run_cli(["check", "--color", "never", "--show-files"], cwd=project).stdout == ""


def generated_tree(top: Path) -> Path:
    """An FSD project of well over PARALLEL_THRESHOLD files, with findings spread over many."""
    files: dict[str, str] = {
        "pyproject.toml": '[tool.fsd-lint]\nroot = "src/gen"\nselect = ["FSD102", "FSD103"]\n',
        "src/gen/shared/lib/text.py": "def shout(text: str) -> str:\n    return text.upper()\n",
    }
    for index in range(30):
        entity = f"src/gen/entities/thing{index}"
        files[f"{entity}/__init__.py"] = "from .model import Thing\n"
        files[f"{entity}/model.py"] = (
            "from gen.shared.lib.text import shout\n\n\nclass Thing:\n    name = shout('x')\n"
        )
        feature = f"src/gen/features/do{index}"
        files[f"{feature}/__init__.py"] = "from .model import run\n"
        files[f"{feature}/model.py"] = (
            f"from gen.entities.thing{index}.model import Thing\n"  # FSD103
            f"from gen.features.do{(index + 1) % 30} import run as other\n"  # FSD102
            "\n\ndef run() -> object:\n    return Thing()\n"
        )
    files["src/gen/pages/home/__init__.py"] = ""
    files["src/gen/pages/home/ui.py"] = "from gen.features.do0 import run\n"
    return write_packages(top, files, "src/gen")


def test_generated_tree_gives_the_same_output_with_one_or_two_jobs(tmp_path: Path) -> None:
    project = generated_tree(tmp_path / "gen")
    assert len(list((project / "src").rglob("*.py"))) >= 2 * PARALLEL_THRESHOLD
    for output_format in ("json", "full"):
        args = ["check", "--output-format", output_format, "--color", "never"]
        one = run_cli([*args, "--jobs", "1"], cwd=project)
        two = run_cli([*args, "--jobs", "2"], cwd=project)
        assert one.returncode == two.returncode == 1
        assert one.stdout == two.stdout
    found = run_cli(JSON, cwd=project).json()
    assert sorted({item["code"] for item in found}) == ["FSD102", "FSD103"]
    assert len(found) == 60
