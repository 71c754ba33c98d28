"""--fix and --diff: fixes are applied safely, idempotently, and only where offered."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli, write_packages

from fsd_lint.diagnostics import Diagnostic, Edit, Fix, Severity, Span
from fsd_lint.fixes import FileFix, plan_fixes, write_fix

SIDESTEP = (
    "from shop.entities.user.model.store import User\n\n\n"
    "def show(user: User) -> str:\n    return user.name\n"
)
FIXED = SIDESTEP.replace("shop.entities.user.model.store", "shop.entities.user")


def shop(tmp_path: Path) -> Path:
    return write_packages(tmp_path, {
        "pyproject.toml": '[tool.fsd-lint]\nroot = "src/shop"\n',
        "src/shop/shared/api/client.py": "",
        "src/shop/entities/user/__init__.py": (
            "from .model.store import User\n\n__all__ = ['User']\n"
        ),
        "src/shop/entities/user/model/store.py": "class User:\n    name = ''\n",
        "src/shop/features/profile/ui.py": SIDESTEP,
        # Not re-exported by the public API: reported, but no fix is offered.
        "src/shop/features/profile/model.py": "from shop.entities.user.model.store import helper\n",
    }, "src/shop")


def test_fix_rewrites_a_sidestep_to_the_public_api_and_is_idempotent(tmp_path: Path) -> None:
    project = shop(tmp_path)
    fixed = run_cli(["check", "--fix", "--output-format", "json"], project)
    ui = project / "src/shop/features/profile/ui.py"
    assert ui.read_text() == FIXED
    remaining = fixed.json()
    assert [(d["path"], d["code"]) for d in remaining] == [
        ("src/shop/features/profile/model.py", "FSD103")
    ]
    assert remaining[0]["fix"] is None
    assert fixed.returncode == 1

    again = run_cli(["check", "--fix", "--output-format", "json"], project)
    assert again.json() == remaining
    assert ui.read_text() == FIXED


def test_fix_exits_zero_when_everything_was_fixed(tmp_path: Path) -> None:
    project = shop(tmp_path)
    (project / "src/shop/features/profile/model.py").write_text("import json\n")
    result = run_cli(["check", "--fix"], project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Fixed 1 diagnostic." in result.stderr
    assert "All checks passed!" in result.stdout


def test_diff_prints_the_fix_and_writes_nothing(tmp_path: Path) -> None:
    project = shop(tmp_path)
    result = run_cli(["check", "--diff"], project)
    assert result.returncode == 1
    assert "-from shop.entities.user.model.store import User" in result.stdout
    assert "+from shop.entities.user import User" in result.stdout
    assert (project / "src/shop/features/profile/ui.py").read_text() == SIDESTEP

    (project / "src/shop/features/profile/ui.py").write_text("import json\n")
    clean = run_cli(["check", "--diff"], project)
    assert clean.returncode == 0
    assert clean.stdout == ""


def test_import_locality_fix_makes_a_climbing_relative_import_absolute(tmp_path: Path) -> None:
    project = write_packages(tmp_path, {
        "pyproject.toml": '[tool.fsd-lint]\nroot = "src/shop"\nextend-select = ["FSD104"]\n',
        "src/shop/shared/api/client.py": "",
        "src/shop/entities/user/model.py": "class User: ...\n",
        "src/shop/features/profile/ui.py": "from ...entities.user import User\n",
    }, "src/shop")
    result = run_cli(["check", "--fix"], project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "src/shop/features/profile/ui.py").read_text() == (
        "from shop.entities.user import User\n"
    )


def test_fix_and_stdin_cannot_be_combined(tmp_path: Path) -> None:
    project = shop(tmp_path)
    result = run_cli(["check", "--fix", "--stdin-filename", "src/shop/features/profile/ui.py"],
                     project, stdin=SIDESTEP)
    assert result.returncode == 2
    assert "--stdin-filename" in result.stderr


def diagnostic(path: Path, edit: Edit) -> Diagnostic:
    return Diagnostic("FSD103", "no-public-api-sidestep", Severity.ERROR, "m", str(path),
                      edit.span, Fix("f", (edit,)))


def test_a_fix_that_would_break_the_syntax_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("from a.b import c\n")
    broken = Edit(Span(1, 6, 1, 9), "a b (")
    (plan,) = plan_fixes([diagnostic(path, broken)])
    assert plan.fixed is None
    assert plan.problem is not None and "would not parse" in plan.problem


def test_overlapping_edits_are_applied_once(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("from a.b import c\n")
    edit = Edit(Span(1, 6, 1, 9), "x.y")
    (plan,) = plan_fixes([diagnostic(path, edit), diagnostic(path, edit)])
    assert plan.fixed == "from x.y import c\n"
    assert plan.applied == 1


def test_a_file_changed_during_the_run_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("changed meanwhile\n")
    problem = write_fix(FileFix(path, "original\n", "fixed\n", 1))
    assert problem is not None and "changed" in problem
    assert path.read_text() == "changed meanwhile\n"


def test_add_noqa_silences_every_reported_line_once(tmp_path: Path) -> None:
    project = write_packages(tmp_path, {
        "pyproject.toml": '[tool.fsd-lint]\nroot = "src/shop"\n',
        "src/shop/shared/api/client.py": "",
        "src/shop/entities/user/model.py": (
            "from shop.features.auth import login  # noqa: E501\n"
            "from shop.features.cart import (\n"
            "    add,\n"
            ")\n"
            'NOTE = """\n'
            'text"""; from shop.pages.home import page\n'
        ),
        "src/shop/features/auth/ui.py": "def login() -> None: ...\n",
        "src/shop/features/cart/ui.py": "def add() -> None: ...\n",
        "src/shop/pages/home/ui.py": "def page() -> None: ...\n",
    }, "src/shop")
    result = run_cli(["check", "--add-noqa"], project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Added 3 noqa comments." in result.stdout
    assert (project / "src/shop/entities/user/model.py").read_text() == (
        "from shop.features.auth import login  # noqa: E501, FSD101\n"
        "from shop.features.cart import (  # noqa: FSD101\n"
        "    add,\n"
        ")\n"
        'NOTE = """\n'
        'text"""; from shop.pages.home import page  # noqa: FSD101\n'
    )
    assert run_cli(["check"], project).returncode == 0
    again = run_cli(["check", "--add-noqa"], project)
    assert "Added 0 noqa comments." in again.stdout


def test_add_noqa_edits_comments_never_strings(tmp_path: Path) -> None:
    """A ``# noqa`` inside a string is text, not a suppression: the comment is added after it,
    the string is left alone; an ``ignore[...]`` directive is extended where it is."""
    project = write_packages(tmp_path, {
        "pyproject.toml": '[tool.fsd-lint]\nroot = "src/shop"\n',
        "src/shop/shared/api/client.py": "",
        "src/shop/entities/user/model.py": (
            'from shop.features.auth import login; X = "# noqa: E501"\n'
            "from shop.features.cart import add  # fsd-lint: ignore[FSD103] why\n"
            "from shop.pages.home import page  # a plain comment\n"
        ),
        "src/shop/features/auth/ui.py": "def login() -> None: ...\n",
        "src/shop/features/cart/ui.py": "def add() -> None: ...\n",
        "src/shop/pages/home/ui.py": "def page() -> None: ...\n",
    }, "src/shop")
    result = run_cli(["check", "--add-noqa"], project)
    assert "Added 3 noqa comments." in result.stdout, result.stdout + result.stderr
    assert (project / "src/shop/entities/user/model.py").read_text() == (
        'from shop.features.auth import login; X = "# noqa: E501"  # noqa: FSD101\n'
        "from shop.features.cart import add  # fsd-lint: ignore[FSD103, FSD101] why\n"
        "from shop.pages.home import page  # a plain comment  # noqa: FSD101\n"
    )
    assert run_cli(["check"], project).returncode == 0

