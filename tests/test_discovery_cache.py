"""A walk's result is reused from the cache while its witnesses hold, and never once the tree
changed in a way a walk would see: files and directories added, removed or renamed, an ignore
file or a nested config file edited in place, a symbolic link's target replaced.

End to end through the installed command (what a run took from the cache is read from its
``FSD_LINT_TIMING=1`` report), and a stateful property: after any sequence of changes, the
cached discovery equals a fresh walk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fsd_lint import cache as cache_module
from fsd_lint.cache import Cache
from fsd_lint.engine import _discover
from fsd_lint.files import discover
from fsd_lint.settings import load_settings
from tests.conftest import CliResult, run_cli, write_packages

FROM_CACHE = "discovery from the cache"
SIDESTEP = "from shop.entities.user.model import User\n"


def age_tree(top: Path, seconds: float = 3600) -> None:
    """Every file and directory last changed long ago, as in a real checkout, then a pause so
    that their ctime (now) is older than the racy-timestamp margin too."""
    then = time.time() - seconds
    for path in sorted(top.rglob("*"), reverse=True):
        os.utime(path, (then, then), follow_symlinks=False)
    os.utime(top, (then, then))
    time.sleep(0.25)


def make_project(top: Path) -> Path:
    write_packages(top, {
        "pyproject.toml": '[tool.fsd-lint]\nroot = "shop"\n',
        "shop/entities/user/__init__.py": "from .model import User\n",
        "shop/entities/user/model.py": "class User:\n    pass\n",
        "shop/features/basket/__init__.py": "",
        "shop/features/basket/ui.py": "",
        "shop/shared/lib/__init__.py": "",
    }, "shop")
    age_tree(top)
    return top


def check(top: Path, *args: str) -> CliResult:
    return run_cli(["check", "--output-format", "json", *args], cwd=top,
                   env={"FSD_LINT_TIMING": "1"})


def warmed(top: Path) -> CliResult:
    """Run until the walk is taken from the cache (the second run at the latest)."""
    first = check(top)
    second = check(top)
    assert FROM_CACHE in second.stderr, second.stderr
    assert second.json() == first.json()
    return second


def files_reported(result: CliResult) -> set[str]:
    return {item["path"] for item in result.json()}


def rewrite_in_place(path: Path, text: str) -> None:
    """Overwrite the start of an existing file: its directory's mtime does not change, its
    own does."""
    with path.open("r+") as handle:
        handle.write(text)


def sidestep_in(top: Path, relative: str) -> None:
    target = top / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(SIDESTEP)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


def test_an_unchanged_tree_is_not_walked_again(project: Path) -> None:
    """The first run creates the cache directory in the project: that change alone does not
    keep the next run from reusing the walk."""
    assert not (project / ".fsd_lint_cache").exists()
    warmed(project)
    third = check(project)
    assert FROM_CACHE in third.stderr
    assert third.json() == check(project, "--no-cache").json()


def test_a_file_added_to_a_listed_directory_is_found(project: Path) -> None:
    warmed(project)
    sidestep_in(project, "shop/features/basket/extra.py")
    result = check(project)
    assert FROM_CACHE not in result.stderr
    assert files_reported(result) == {"shop/features/basket/extra.py"}


def test_a_removed_or_renamed_file_is_gone(project: Path) -> None:
    sidestep_in(project, "shop/features/basket/extra.py")
    age_tree(project)
    assert files_reported(warmed(project)) == {"shop/features/basket/extra.py"}
    (project / "shop/features/basket/extra.py").rename(project / "shop/features/basket/b.txt")
    assert files_reported(check(project)) == set()


def test_a_file_added_beside_the_cache_directory_is_found(project: Path) -> None:
    """That directory is witnessed by its entries, not its mtime."""
    warmed(project)
    settings_ = load_settings(None, project)
    cache = Cache(project / ".fsd_lint_cache", "test")
    first = _discover(settings_, True, cache)
    key = cache.index["discovery"]["key"]
    assert cache.discovery(key) == first  # kept, and it stands
    (project / "tool.py").write_text("")
    assert cache.discovery(key) is None
    assert project / "tool.py" in _discover(settings_, True, cache).python_files


def test_a_directory_added_deep_down_is_walked(project: Path) -> None:
    warmed(project)
    sidestep_in(project, "shop/features/basket/deep/er/still.py")
    assert files_reported(check(project)) == {"shop/features/basket/deep/er/still.py"}


def test_an_ignore_file_edited_in_place_is_read_again(project: Path) -> None:
    sidestep_in(project, "shop/features/basket/extra.py")
    (project / "shop/features/basket/.gitignore").write_text("# nothing yet\n")
    age_tree(project)
    assert files_reported(warmed(project)) == {"shop/features/basket/extra.py"}
    rewrite_in_place(project / "shop/features/basket/.gitignore", "extra.py\n")
    assert files_reported(check(project)) == set()


def test_an_outer_ignore_file_edited_in_place_is_read_again(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("# nothing yet\n")
    project = make_project(tmp_path / "project")
    sidestep_in(project, "shop/features/basket/extra.py")
    age_tree(tmp_path)
    assert files_reported(warmed(project)) == {"shop/features/basket/extra.py"}
    rewrite_in_place(tmp_path / ".gitignore", "extra.py\n")
    assert files_reported(check(project)) == set()


def test_a_repository_made_around_the_project_brings_its_ignore_files(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("extra.py\n")  # not in effect: no repository yet
    project = make_project(tmp_path / "project")
    sidestep_in(project, "shop/features/basket/extra.py")
    age_tree(tmp_path)
    assert files_reported(warmed(project)) == {"shop/features/basket/extra.py"}
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert files_reported(check(project)) == set()


def test_a_nested_config_edited_in_place_makes_a_separate_project(project: Path) -> None:
    sidestep_in(project, "shop/features/basket/extra.py")
    (project / "shop/features/basket/pyproject.toml").write_text("[tool.other]\n")
    age_tree(project)
    assert files_reported(warmed(project)) == {"shop/features/basket/extra.py"}
    with (project / "shop/features/basket/pyproject.toml").open("w") as handle:
        handle.write('[tool.fsd-lint]\nroot = "."\n')
    result = check(project, "shop")
    assert FROM_CACHE not in result.stderr
    assert "shop/features/basket/extra.py" not in files_reported(result)


def test_a_symlink_whose_target_becomes_a_file_is_found(project: Path) -> None:
    elsewhere = project.parent / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, project / "shop/features/basket/linked.py")
    age_tree(project)
    assert files_reported(warmed(project)) == set()  # a link to a directory: not a module
    elsewhere.rmdir()
    elsewhere.write_text(SIDESTEP)
    assert files_reported(check(project)) == {"shop/features/basket/linked.py"}


def test_an_excluded_directory_named_on_the_command_line_is_still_warned_about(
        project: Path) -> None:
    sidestep_in(project, "shop/build/extra.py")  # ``build`` is excluded by default
    age_tree(project)
    check(project, "shop/build")
    warm = check(project, "shop/build")
    assert FROM_CACHE in warm.stderr
    assert "shop/build is excluded" in warm.stderr


def test_a_walk_of_a_tree_changed_moments_ago_is_not_kept(project: Path) -> None:
    settings_ = load_settings(None, project)
    sidestep_in(project, "shop/features/basket/extra.py")  # its directory changes now
    cache = Cache(project / ".fsd_lint_cache", "test")
    walked = _discover(settings_, True, cache)
    assert walked.python_files  # the walk was done, and
    assert not cache.index.get("discovery")  # not kept: its witnesses cannot vouch for it


def test_a_walk_lists_files_in_pathlib_order(tmp_path: Path) -> None:
    names = ["a.py", "a/b.py", "a-b/c.py", "a_b.py", "A.py", "a/b/c.py", "ab.py", "a.b/c.py"]
    write_packages(tmp_path, {"pyproject.toml": "[tool.fsd-lint]\n",
                              **{f"pkg/{name}": "" for name in names}}, "pkg")
    found = discover(load_settings(None, tmp_path), split_nested_projects=True).python_files
    assert list(found) == sorted(found)
    assert len(found) >= len(names)


OPERATIONS = st.lists(st.tuples(
    st.sampled_from(["add", "remove", "add-dir", "remove-dir", "ignore", "unignore",
                     "nest", "unnest"]),
    st.integers(min_value=0, max_value=50),
), min_size=1, max_size=6)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_the_cached_walk_equals_a_fresh_one_after_any_changes(
        tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
        operations: list[tuple[str, int]]) -> None:
    # No racy margin: the pauses below keep every change out of a walk's timestamp tick.
    monkeypatch.setattr(cache_module, "FINE_RACY_NS", 0)
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    top = make_project(tmp_path_factory.mktemp("tree") / "project")
    settings_ = load_settings(None, top)
    cache = Cache(top / ".fsd_lint_cache", "test")
    _discover(settings_, True, cache)
    for operation, number in operations:
        _change(top, operation, number)
        time.sleep(0.03)
        cached = _discover(settings_, True, cache)
        fresh = discover(settings_, split_nested_projects=True)
        assert (cached.python_files, cached.nested_projects) == \
            (fresh.python_files, fresh.nested_projects)
        time.sleep(0.03)


def _change(top: Path, operation: str, number: int) -> None:
    """One change to the tree under ``top`` (the cache directory aside), in a directory chosen
    by ``number``."""
    directories = sorted(path for path in [top, *top.rglob("*")]
                         if path.is_dir() and ".fsd_lint_cache" not in path.parts)
    directory = directories[number % len(directories)]
    if operation == "add":
        (directory / f"m{number}.py").write_text("")
    elif operation == "remove":
        modules = sorted(directory.glob("*.py"))
        if modules:
            modules[number % len(modules)].unlink()
    elif operation == "add-dir":
        (directory / f"d{number}").mkdir(exist_ok=True)
        (directory / f"d{number}" / "inner.py").write_text("")
    elif operation == "remove-dir" and directory != top:
        shutil.rmtree(directory)
    elif operation in ("ignore", "unignore"):
        ignore = directory / ".gitignore"
        if ignore.exists() or operation == "ignore":
            with ignore.open("a") as handle:  # in place, when it exists
                handle.write("*.py\n" if operation == "ignore" else "!*.py\n")
    elif operation in ("nest", "unnest"):
        config = directory / "pyproject.toml"
        if config.exists() or operation == "nest":  # rewritten in place when it exists
            config.write_text('[tool.fsd-lint]\n' if operation == "nest" else "[tool.other]\n")
