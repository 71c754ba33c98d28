"""File discovery: .gitignore files (nested, negated, above the project), default and
configured excludes, explicit paths and --force-exclude, and output that does not depend on
--jobs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli, write_packages, write_tree

from fsd_lint.extraction import PARALLEL_THRESHOLD

UP = "from shop.pages.login import ui\n"
USER = "src/shop/entities/user"
BASE = {
    "src/shop/shared/api/client.py": "",
    f"{USER}/model.py": "",
    "src/shop/features/cart/model.py": "",
    "src/shop/pages/login/ui.py": "",
}


def shop(top: Path, files: dict[str, str], config: str = "[tool.fsd-lint]\n") -> Path:
    return write_packages(top, {"pyproject.toml": config, **BASE, **files}, "src/shop")


def reported(top: Path, *args: str) -> list[str]:
    """The paths with an FSD101 finding (each bad file imports a higher layer once)."""
    result = run_cli(["check", "--output-format", "json", "--select", "FSD101", *args], top)
    assert result.returncode in (0, 1), result.stderr
    return [d["path"] for d in result.json()]


def shown(top: Path, *args: str) -> list[str]:
    result = run_cli(["check", "--show-files", *args], top)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_nested_gitignore_files_and_negation(tmp_path: Path) -> None:
    shop(tmp_path, {
        f"{USER}/gen/a.py": UP,
        f"{USER}/lib/tmp_a.py": UP,
        f"{USER}/lib/tmp_keep.py": UP,
        f"{USER}/lib/real.py": UP,
        f"{USER}/api/generated.py": UP,
        "src/shop/features/cart/generated.py": UP,
        ".gitignore": "gen/\n",
        f"{USER}/lib/.gitignore": "tmp_*.py\n!tmp_keep.py\n",
        f"{USER}/api/.gitignore": "generated.py\n",  # applies only below api/
    })
    assert reported(tmp_path) == [
        f"{USER}/lib/real.py",
        f"{USER}/lib/tmp_keep.py",
        "src/shop/features/cart/generated.py",
    ]


def test_the_repositorys_gitignore_applies_to_a_project_in_a_subdirectory(
    tmp_path: Path,
) -> None:
    (tmp_path / ".git" / "info").mkdir(parents=True)
    write_tree(tmp_path, {
        ".gitignore": "/app/src/shop/entities/user/model/old.py\n*_pb2.py\n",
        ".git/info/exclude": "scratch.py\n",
    })
    app = shop(tmp_path / "app", {
        f"{USER}/model/old.py": UP,
        f"{USER}/model/user_pb2.py": UP,
        f"{USER}/model/scratch.py": UP,
        f"{USER}/model/kept.py": UP,
    })
    assert reported(app) == [f"{USER}/model/kept.py"]


def test_a_gitignore_above_the_repository_is_not_read(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    write_tree(outer, {".gitignore": "*.py\n"})
    repo = outer / "repo"
    (repo / ".git").mkdir(parents=True)
    shop(repo, {f"{USER}/api.py": UP})
    assert reported(repo) == [f"{USER}/api.py"]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")
def test_discovery_agrees_with_git(tmp_path: Path) -> None:
    # git itself is the oracle: the files it does not ignore are the files fsd-lint lists.
    shop(tmp_path, {
        ".gitignore": "/src/shop/shared/api/client.py\n**/cache/\n*.gen.py\n!keep.gen.py\n",
        f"{USER}/model/cache/a.py": "",
        f"{USER}/model/x.gen.py": "",
        f"{USER}/model/keep.gen.py": "",
        f"{USER}/ui/.gitignore": "*\n!.gitignore\n!visible.py\n",
        f"{USER}/ui/hidden.py": "",
        f"{USER}/ui/visible.py": "",
        "src/shop/pages/login/.gitignore": "/ui.py\n",
        "src/shop/pages/login/ui/ui.py": "",
        "src/shop/pages/login/ui/ui2.py": "",
    })
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    listed = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", "--", "*.py"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert f"{USER}/model/keep.gen.py" in listed
    assert "src/shop/pages/login/ui/ui.py" in listed
    assert sorted(shown(tmp_path)) == sorted(listed)


DEFAULT_EXCLUDED = [".venv", "venv", "build", "dist", ".git", "__pycache__", "node_modules",
                    ".tox", ".nox", "site-packages"]


def test_default_excludes(tmp_path: Path) -> None:
    files = {f"{USER}/{name}/bad.py": UP for name in DEFAULT_EXCLUDED}
    shop(tmp_path, {**files, f"{USER}/lib/bad.py": UP})
    assert reported(tmp_path) == [f"{USER}/lib/bad.py"]
    # They are excluded by the defaults, which `exclude` replaces: then they are checked.
    write_tree(tmp_path, {"pyproject.toml": "[tool.fsd-lint]\nexclude = []\n"})
    assert reported(tmp_path) == sorted([f"{USER}/lib/bad.py", *files])


def test_explicit_files_are_checked_even_if_excluded_unless_force_exclude(
    tmp_path: Path,
) -> None:
    shop(tmp_path, {
        f"{USER}/build/gen.py": UP,
        f"{USER}/vendor/lib.py": UP,
        f"{USER}/ignored.py": UP,
        f"{USER}/plain.py": UP,
        ".gitignore": "ignored.py\n",
    }, config='[tool.fsd-lint]\nextend-exclude = ["vendor"]\n')
    explicit = [f"{USER}/build/gen.py", f"{USER}/vendor/lib.py", f"{USER}/ignored.py",
                f"{USER}/plain.py"]
    assert reported(tmp_path) == [f"{USER}/plain.py"]
    assert reported(tmp_path, *explicit) == sorted(explicit)
    assert reported(tmp_path, "--force-exclude", *explicit) == [f"{USER}/plain.py"]


def test_an_excluded_directory_named_on_the_command_line_is_reported(tmp_path: Path) -> None:
    shop(tmp_path, {f"{USER}/build/gen.py": UP, f"{USER}/gen/x.py": UP, ".gitignore": "gen/\n"})
    for directory in (f"{USER}/build", f"{USER}/gen"):
        result = run_cli(["check", directory], tmp_path)
        assert result.returncode == 0
        assert f"warning: {directory} is excluded" in result.stderr
        assert "nothing in it was checked" in result.stderr
    quiet = run_cli(["check", f"{USER}"], tmp_path)
    assert "is excluded" not in quiet.stderr


def test_symlinked_directories_are_not_followed(tmp_path: Path) -> None:
    shop(tmp_path, {f"{USER}/lib/bad.py": UP})
    (tmp_path / USER / "lib" / "loop").symlink_to(tmp_path / "src")
    (tmp_path / USER / "mirror").symlink_to(tmp_path / USER / "lib", target_is_directory=True)
    assert reported(tmp_path) == [f"{USER}/lib/bad.py"]


def test_only_python_files_are_checked(tmp_path: Path) -> None:
    shop(tmp_path, {f"{USER}/lib/notes.txt": UP, f"{USER}/lib/script": UP,
                    f"{USER}/lib/stub.pyi": UP})
    listed = shown(tmp_path)
    assert all(path.endswith(".py") for path in listed)
    assert f"{USER}/model.py" in listed


def many_slices(top: Path, count: int) -> Path:
    """``count`` feature slices, each importing a page and its neighbour (FSD101, FSD102 and
    two FSD103 in every slice), a few syntax errors: enough files for the process pool."""
    files: dict[str, str] = {}
    for index in range(count):
        neighbour = (index + 1) % count
        files[f"src/shop/features/f{index:03}/model.py"] = (
            f"import os\nfrom shop.pages.login import ui\nfrom shop.features.f{neighbour:03} "
            f"import model\n"
        )
        files[f"src/shop/features/f{index:03}/ui.py"] = (
            "def broken(:\n" if index % 17 == 0 else "from . import model\n"
        )
    return shop(top, files)


def test_output_is_byte_identical_whatever_the_number_of_jobs(tmp_path: Path) -> None:
    project = many_slices(tmp_path, 60)
    assert len(shown(project)) >= 2 * PARALLEL_THRESHOLD  # enough to start worker processes
    outputs = {}
    for output_format in ("full", "json"):
        for jobs in ("1", "2", "3"):
            result = run_cli(["check", "--no-cache", "--jobs", jobs, "--output-format",
                              output_format], project)
            assert result.returncode == 1, result.stderr
            outputs[output_format, jobs] = result.stdout
    data = json.loads(outputs["json", "1"])
    # Per slice: FSD101 and FSD103 for the page, FSD102 and FSD103 for the neighbour.
    assert len(data) == 60 * 4 + 4  # and four syntax errors
    assert {d["code"] for d in data} == {"FSD001", "FSD101", "FSD102", "FSD103"}
    for output_format in ("full", "json"):
        assert outputs[output_format, "2"] == outputs[output_format, "1"]
        assert outputs[output_format, "3"] == outputs[output_format, "1"]


def test_the_cache_does_not_change_the_output(tmp_path: Path) -> None:
    project = many_slices(tmp_path, 40)
    fresh = run_cli(["check", "--no-cache", "--output-format", "json"], project).stdout
    first = run_cli(["check", "--jobs", "2", "--output-format", "json"], project).stdout
    second = run_cli(["check", "--jobs", "1", "--output-format", "json"], project).stdout
    assert fresh == first == second
    assert len(json.loads(fresh)) == 40 * 4 + 3


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_not_read(tmp_path: Path) -> None:
    # A FIFO named like a module would block a naive reader forever.
    shop(tmp_path, {f"{USER}/lib/bad.py": UP})
    os.mkfifo(tmp_path / USER / "lib" / "pipe.py")
    assert reported(tmp_path) == [f"{USER}/lib/bad.py"]
    explicit = run_cli(["check", "--output-format", "json", f"{USER}/lib/pipe.py"], tmp_path)
    assert [(d["code"], d["message"]) for d in explicit.json()] == [
        ("FSD002", "not a regular file; exclude it")
    ]
