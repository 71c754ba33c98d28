"""Shared test helpers: run the installed ``fsd-lint`` command, and write project trees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

FSD_LINT = Path(sys.executable).parent / "fsd-lint"
REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(
    args: Sequence[str],
    cwd: Path,
    stdin: str | bytes | None = None,
    env: Mapping[str, str] | None = None,
) -> CliResult:
    """Run the installed ``fsd-lint`` console script, as a user would."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("FORCE_COLOR", None) if "FORCE_COLOR" not in (env or {}) else None
    data = stdin.encode() if isinstance(stdin, str) else stdin
    completed = subprocess.run(
        [str(FSD_LINT), *args], cwd=cwd, input=data, capture_output=True, env=full_env,
        timeout=120, check=False,
    )
    return CliResult(
        completed.returncode,
        completed.stdout.decode("utf-8", errors="replace"),
        completed.stderr.decode("utf-8", errors="replace"),
    )


def write_tree(top: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> content) under ``top``; returns ``top``."""
    for relative, content in files.items():
        path = top / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return top


def write_packages(top: Path, files: Mapping[str, str | bytes], package_top: str) -> Path:
    """Like :func:`write_tree`, and give every directory below ``package_top`` (relative to
    ``top``) an empty ``__init__.py`` unless one is given."""
    write_tree(top, files)
    base = top / package_top
    for relative in files:
        directory = (top / relative).parent
        while directory == base or base in directory.parents:
            init = directory / "__init__.py"
            if not init.exists():
                init.write_text("", encoding="utf-8")
            directory = directory.parent
    return top


@pytest.fixture
def cli() -> Any:
    """The :func:`run_cli` helper as a fixture."""
    return run_cli
