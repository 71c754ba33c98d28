"""The import rules end to end: the installed ``fsd-lint`` command, JSON output, exit codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import run_cli

from .helpers import write

ROOT = 'root = "src/shop"\n'
BASE = {
    "src/shop/shared/api/__init__.py": "from .client import get\n",
    "src/shop/shared/api/client.py": "def get(): ...\n",
    "src/shop/entities/user/__init__.py": "from .model import User\n",
    "src/shop/entities/user/model.py": "class User: ...\n",
    "src/shop/entities/cart/__init__.py": "from .model import Cart\n",
    "src/shop/entities/cart/model.py": "class Cart: ...\n",
    "src/shop/features/login/__init__.py": "",
    "src/shop/features/login/ui.py": "from shop.entities.user import User\n",
    "src/shop/pages/home/__init__.py": "",
    "src/shop/pages/home/ui.py": "import shop.features.login\n",
}


def lint(tmp_path: Path, files: dict[str, str], *args: str,
         config: str = ROOT) -> tuple[int, list[dict[str, Any]]]:
    write(tmp_path, {**BASE, **files}, config=config)
    result = run_cli(["check", "--output-format", "json", *args], tmp_path)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, result.json()


def brief(diagnostics: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    return [(d["path"], d["line"], d["code"]) for d in diagnostics]


def test_fsd101_higher_layer_import_full_json(tmp_path: Path) -> None:
    code, diagnostics = lint(tmp_path, {
        "src/shop/entities/user/model.py": (
            "from typing import TYPE_CHECKING\n\n"
            "if TYPE_CHECKING:\n    from shop.features.login import LoginForm\n"),
    }, "--select", "FSD101")
    assert code == 1
    [diagnostic] = diagnostics
    message = diagnostic.pop("message")
    assert diagnostic == {
        "code": "FSD101", "rule": "no-higher-level-imports", "severity": "error",
        "path": "src/shop/entities/user/model.py",
        "line": 4, "column": 5, "end_line": 4, "end_column": 46, "fix": None,
    }
    assert "`entities/user` imports `features/login`" in message
    assert "`entities` may import only `shared`" in message


def test_fsd101_type_checking_imports_can_be_ignored(tmp_path: Path) -> None:
    code, diagnostics = lint(tmp_path, {
        "src/shop/entities/user/model.py": (
            "import typing\nif typing.TYPE_CHECKING:\n    import shop.features.login\n"),
    }, "--select", "FSD101", config=ROOT + "ignore-type-checking-imports = true\n")
    assert (code, diagnostics) == (0, [])


def test_fsd101_and_fsd102_leave_a_correct_project_alone(tmp_path: Path) -> None:
    code, diagnostics = lint(tmp_path, {"src/shop/pages/home/ui.py": (
        "import os\nimport requests\nfrom shop.features.login import ui as _\n")},
        "--select", "forbidden-imports")
    assert (code, diagnostics) == (0, [])


def test_fsd102_sibling_slice_and_cross_import_api(tmp_path: Path) -> None:
    code, diagnostics = lint(tmp_path, {
        "src/shop/entities/user/x/__init__.py": "",
        "src/shop/entities/user/x/cart.py": "from ..model import User\n",
        "src/shop/entities/cart/model.py": (
            "from shop.entities.user.x.cart import User\nclass Cart: ...\n"),
        "src/shop/features/cart/__init__.py": "",
        "src/shop/features/cart/ui.py": "def f():\n    from ..login import ui\n",
    }, "--select", "FSD102")
    assert code == 1
    assert brief(diagnostics) == [("src/shop/features/cart/ui.py", 2, "FSD102")]
    assert "`features/cart` imports the sibling slice `features/login`" in (
        diagnostics[0]["message"])


def test_fsd103_fix_offered_with_its_exact_edit(tmp_path: Path) -> None:
    code, diagnostics = lint(tmp_path, {
        "src/shop/pages/home/ui.py": "from shop.entities.user.model import User\n",
    }, "--select", "FSD103")
    assert code == 1
    [diagnostic] = diagnostics
    assert diagnostic["fix"] == {
        "message": "Import from the public API `shop.entities.user`",
        "edits": [{"line": 1, "column": 6, "end_line": 1, "end_column": 30,
                   "content": "shop.entities.user"}],
    }
    assert "import from `shop.entities.user` instead" in diagnostic["message"]


def test_fsd103_no_fix_when_the_name_is_not_reexported(tmp_path: Path) -> None:
    code, diagnostics = lint(tmp_path, {
        "src/shop/entities/user/model.py": "class User: ...\nclass Secret: ...\n",
        "src/shop/pages/home/ui.py": "from shop.entities.user.model import Secret\n",
    }, "--select", "FSD103")
    assert code == 1
    assert brief(diagnostics) == [("src/shop/pages/home/ui.py", 1, "FSD103")]
    assert diagnostics[0]["fix"] is None


def test_fsd103_fix_applied_by_fix(tmp_path: Path) -> None:
    lint(tmp_path, {"src/shop/pages/home/ui.py": "from shop.entities.user.model import User\n"},
         "--select", "FSD103")
    result = run_cli(["check", "--fix", "--select", "FSD103", "--output-format", "json"],
                     tmp_path)
    assert (result.returncode, result.json()) == (0, [])
    assert (tmp_path / "src/shop/pages/home/ui.py").read_text() == (
        "from shop.entities.user import User\n")


def test_fsd103_leaves_public_apis_and_shared_internals_alone(tmp_path: Path) -> None:
    code, diagnostics = lint(tmp_path, {
        "src/shop/shared/ui/__init__.py": "",
        "src/shop/shared/ui/button.py": "",
        "src/shop/shared/lib/__init__.py": "from ..api.client import get\n",
        "src/shop/pages/home/ui.py": (
            "from shop.entities.user import User\nfrom shop.shared.ui.button import b\n"
            "from shop.shared.api import get\nimport shop.features.login\n"),
    }, "--select", "FSD103")
    assert (code, diagnostics) == (0, [])


def test_fsd104_is_off_by_default_and_fixes_when_selected(tmp_path: Path) -> None:
    files = {
        "src/shop/entities/user/ui.py": "from shop.entities.user.model import User\n",
        "src/shop/pages/home/ui.py": "from ...entities.user import User\n",
    }
    assert [d for d in lint(tmp_path, files)[1] if d["code"] == "FSD104"] == []
    code, diagnostics = lint(tmp_path, files, "--select", "FSD104")
    assert code == 1
    assert brief(diagnostics) == [("src/shop/entities/user/ui.py", 1, "FSD104"),
                                  ("src/shop/pages/home/ui.py", 1, "FSD104")]
    assert diagnostics[0]["fix"]["edits"] == [
        {"line": 1, "column": 6, "end_line": 1, "end_column": 30, "content": ".model"}]
    assert diagnostics[1]["fix"]["edits"] == [
        {"line": 1, "column": 6, "end_line": 1, "end_column": 22,
         "content": "shop.entities.user"}]


def test_fsd105_own_public_api(tmp_path: Path) -> None:
    code, diagnostics = lint(tmp_path, {
        "src/shop/entities/user/ui.py": "from . import User\nfrom .model import User as U\n",
    }, "--select", "FSD105")
    assert code == 1
    assert brief(diagnostics) == [("src/shop/entities/user/ui.py", 1, "FSD105")]


def test_fsd106_is_a_warning_and_does_not_fail_the_run(tmp_path: Path) -> None:
    code, diagnostics = lint(tmp_path, {
        "src/shop/entities/user/__init__.py": "from .model import *\n",
        "src/shop/entities/user/ui.py": "from .model import *\n",
    }, "--select", "FSD106")
    assert code == 0
    assert [(d["path"], d["severity"]) for d in diagnostics] == [
        ("src/shop/entities/user/__init__.py", "warning")]
    result = run_cli(["check", "--select", "FSD106", "--warnings-as-errors"], tmp_path)
    assert result.returncode == 1


def test_fsd107_cross_import_api_outside_entities(tmp_path: Path) -> None:
    code, diagnostics = lint(tmp_path, {
        "src/shop/features/login/x/__init__.py": "",
        "src/shop/features/login/x/cart.py": "",
        "src/shop/entities/user/x/__init__.py": "",
        "src/shop/entities/user/x/cart.py": "",
    }, "--select", "FSD107")
    assert code == 0
    assert [(d["path"], d["line"], d["column"], d["severity"]) for d in diagnostics] == [
        ("src/shop/features/login/x", 1, 1, "warning")]


def test_a_project_without_an_fsd_root_is_not_an_error(tmp_path: Path) -> None:
    write(tmp_path, {
        "app/settings.py": "", "features/models.py": "", "features/api/views.py": "",
        "shared/models.py": "", "pages/views.py": "",
    }, package_top=".")
    result = run_cli(["check"], tmp_path)
    assert result.returncode == 0
    assert "no FSD root found" in result.stdout + result.stderr
    assert "root =" in result.stdout + result.stderr
