"""The pre-commit hook works from another repository, through a real ``pre-commit`` run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, write_packages

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"

pytestmark = pytest.mark.skipif(
    not PRE_COMMIT.exists() or shutil.which("git") is None,
    reason="needs pre-commit (test extra) and git",
)


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


def test_hook_reports_a_violation_and_passes_once_fixed(tmp_path: Path) -> None:
    project = write_packages(tmp_path / "project", {
        "pyproject.toml": '[tool.fsd-lint]\nroot = "src/shop"\n',
        "src/shop/shared/api/client.py": "def get(url: str) -> None: ...\n",
        "src/shop/entities/user/model.py": "from shop.features.auth import login\n",
        "src/shop/features/auth/ui.py": "def login() -> None: ...\n",
    }, "src/shop")
    git("init", "-q", cwd=project)
    git("add", "-A", cwd=project)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PRE_COMMIT_COLOR": "never", "NO_COLOR": "1"}

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PRE_COMMIT), "try-repo", str(REPO), "fsd-lint", "--all-files", "--verbose"],
            cwd=project, capture_output=True, text=True, env=env, timeout=600, check=False,
        )

    failing = try_repo()
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "FSD101" in failing.stdout
    assert "src/shop/entities/user/model.py:1:1" in failing.stdout

    (project / "src/shop/entities/user/model.py").write_text("import json\n", encoding="utf-8")
    git("add", "-A", cwd=project)
    passing = try_repo()
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "All checks passed!" in passing.stdout


def test_manifest_is_valid() -> None:
    result = subprocess.run(
        [str(PRE_COMMIT), "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
