"""The benchmark's tree generator: deterministic, realistic enough to be valid Python, and its
planted violations are exactly what the installed ``fsd-lint`` reports (every rule on)."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO, run_cli


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import generate as module
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    return module


def tree_files(top: Path) -> dict[str, bytes]:
    return {path.relative_to(top).as_posix(): path.read_bytes()
            for path in sorted(top.rglob("*")) if path.is_file()}


def test_the_same_size_and_seed_give_byte_identical_trees(generate: ModuleType,
                                                         tmp_path: Path) -> None:
    generate.generate("S", tmp_path / "one")
    generate.generate("S", tmp_path / "two")
    one, two = tree_files(tmp_path / "one"), tree_files(tmp_path / "two")
    assert one == two
    generate.generate("S", tmp_path / "other", seed=7)
    assert tree_files(tmp_path / "other") != one


def test_the_small_tree_is_about_three_hundred_valid_modules(generate: ModuleType,
                                                            tmp_path: Path) -> None:
    manifest = generate.generate("S", tmp_path / "tree")
    sources = sorted((tmp_path / "tree").rglob("*.py"))
    assert len(sources) == manifest["modules"]
    assert 250 <= len(sources) <= 350
    for path in sources:
        ast.parse(path.read_bytes(), filename=str(path))
    assert {"pages", "widgets", "features", "entities"} == set(manifest["slices"])
    assert {"api", "auth", "config", "lib", "ui"} <= set(manifest["shared_segments"])


def test_the_sizes_grow_tenfold(generate: ModuleType) -> None:
    def modules(size: str) -> int:
        spec = generate.SIZES[size]
        per_slice = 1 + sum(1 + count for _, count in spec.segment_modules)
        return len(generate.SLICED_LAYERS) * max(spec.groups, 1) * spec.slices_per_group \
            * per_slice

    assert modules("S") * 8 < modules("M") < modules("S") * 13
    assert modules("M") * 8 < modules("L") < modules("M") * 13


def test_fsd_lint_finds_exactly_the_planted_violations(generate: ModuleType,
                                                       tmp_path: Path) -> None:
    top = tmp_path / "tree"
    generate.generate("S", top)
    planted = json.loads((top / "planted.json").read_text(encoding="utf-8"))
    kinds = {item["code"] for item in planted}
    assert kinds == {"FSD101", "FSD102", "FSD103", "FSD105", "FSD106"}
    result = run_cli(["check", "--select", "ALL", "--output-format", "json", "--no-cache"],
                     cwd=top)
    assert result.returncode == 1, result.stderr
    found = sorted((d["code"], d["path"], d["line"]) for d in result.json())
    assert found == sorted((p["code"], p["path"], p["line"]) for p in planted)
