"""The cache: same output warm or cold, invalidated by content and settings, safe when corrupt,
foreign, hostile or shared by concurrent runs; ``--no-cache``, ``--cache-dir``,
``FSD_LINT_CACHE_DIR``, the ``cache-dir`` setting and ``fsd-lint clean``.

What a run took from the cache is read from its ``FSD_LINT_TIMING=1`` report (stderr).
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fsd_lint.cache import TAG, Cache, find_caches, is_our_cache, racy_margin
from fsd_lint.facts.types import FileFacts, ImportFact
from tests.conftest import FSD_LINT, CliResult, run_cli, write_packages

CACHE = ".fsd_lint_cache"
CLEAN_VIEW = "from shop.entities.user import User\n\n\ndef render() -> str:\n    return 'x'\n"
SIDESTEP = "from shop.entities.user.model import User\n"
TIMING = {"FSD_LINT_TIMING": "1"}


def make_project(top: Path, config: str = "") -> Path:
    write_packages(top, {
        "pyproject.toml": f'[tool.fsd-lint]\nroot = "shop"\n{config}',
        "shop/entities/user/__init__.py": "from .model import User\n",
        "shop/entities/user/model.py": "class User:\n    pass\n",
        "shop/features/login/__init__.py": "from .ui import render\n",
        "shop/features/login/ui.py": CLEAN_VIEW,
        "shop/features/basket/__init__.py": "",
        "shop/features/basket/ui.py": SIDESTEP,
        "shop/pages/home/__init__.py": "",
        "shop/pages/home/ui.py": "from shop.features.login import render\n",
        "shop/shared/lib/__init__.py": "",
        "shop/shared/lib/text.py": "def shorten(text: str) -> str:\n    return text\n",
    }, "shop")
    age_files(top)
    return top


def age_files(top: Path, seconds: float = 3600) -> None:
    """Files last changed long ago, as in a real checkout (the cache index trusts those)."""
    then = time.time() - seconds
    for path in top.rglob("*.py"):
        os.utime(path, (then, then))
    time.sleep(0.2)  # their ctime (now) must be older than the racy-timestamp margin too


def check(top: Path, *args: str, env: dict[str, str] | None = None) -> CliResult:
    return run_cli(["check", "--output-format", "json", *args], cwd=top,
                   env={**TIMING, **(env or {})})


def counted(result: CliResult, what: str) -> int:
    """A count from the timing report: ``facts from the cache``, ``facts: fast``..."""
    found = re.search(rf"^\s+{re.escape(what)}\s+(\d+)$", result.stderr, re.MULTILINE)
    return int(found.group(1)) if found else 0


def codes(result: CliResult) -> list[tuple[str, str, int]]:
    return [(d["code"], d["path"], d["line"]) for d in result.json()]


def test_a_warm_run_reuses_everything_and_prints_the_same(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    cold = check(top)
    warm = check(top)
    assert cold.returncode == warm.returncode == 1
    assert cold.stdout == warm.stdout
    assert codes(cold) == [("FSD103", "shop/features/basket/ui.py", 1)]
    assert counted(cold, "facts: fast") > 0 and counted(cold, "whole run from the cache") == 0
    assert counted(warm, "whole run from the cache") == 1


def test_the_cache_directory_is_tagged_and_ignored_by_git(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    started = time.time()
    check(top)
    cache = top / CACHE
    assert (cache / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")
    assert (cache / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert is_our_cache(cache)
    written = {path.relative_to(top).parts[0] for path in top.rglob("*")
               if path.is_file() and path.stat().st_mtime >= started}
    assert written == {CACHE}, "a check writes nowhere but in its cache directory"


def test_a_changed_file_is_analysed_again_and_only_it(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    check(top)
    (top / "shop/features/login/ui.py").write_text(CLEAN_VIEW + SIDESTEP, encoding="utf-8")
    changed = check(top)
    assert ("FSD103", "shop/features/login/ui.py", 6) in codes(changed)
    assert counted(changed, "facts: fast") == 1
    assert counted(changed, "facts from the cache") > 5
    (top / "shop/features/login/ui.py").write_text(CLEAN_VIEW, encoding="utf-8")
    assert codes(check(top)) == [("FSD103", "shop/features/basket/ui.py", 1)]


def test_an_edit_that_leaves_the_facts_alone_reuses_the_findings(tmp_path: Path) -> None:
    """A comment added above a finding: no rule runs again, yet the finding moves down."""
    top = make_project(tmp_path)
    check(top)
    basket = top / "shop/features/basket/ui.py"
    basket.write_text("# a comment line added\n" + SIDESTEP, encoding="utf-8")
    age_files(top)  # the index keeps what the file held before: its entry is not racy
    edited = check(top)
    assert counted(edited, "findings from the cache") == 1
    assert "  rules " not in edited.stderr
    assert codes(edited) == [("FSD103", "shop/features/basket/ui.py", 2)]
    assert edited.stdout == check(top, "--no-cache").stdout


def test_an_edit_that_changes_the_facts_runs_the_rules(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    check(top)
    view = top / "shop/features/login/ui.py"
    view.write_text(CLEAN_VIEW + "from shop.pages.home import ui\n", encoding="utf-8")
    age_files(top)
    edited = check(top)
    assert counted(edited, "findings from the cache") == 0
    assert "  rules " in edited.stderr
    assert ("FSD101", "shop/features/login/ui.py", 6) in codes(edited)


def test_findings_are_not_reused_when_another_file_changes_how_imports_resolve(
    tmp_path: Path,
) -> None:
    """A public API that starts re-exporting ``model``: the file importing it is unchanged, yet
    its finding goes; the facts of ``__init__.py`` changed, so the rules run again."""
    top = make_project(tmp_path)
    (top / "shop/features/basket/ui.py").write_text(
        "from shop.entities.user import model\n", encoding="utf-8")
    age_files(top)
    assert codes(check(top)) == [("FSD103", "shop/features/basket/ui.py", 1)]
    (top / "shop/entities/user/__init__.py").write_text(
        "from . import model\nfrom .model import User\n", encoding="utf-8")
    age_files(top)
    edited = check(top)
    assert counted(edited, "findings from the cache") == 0
    assert counted(edited, "local findings from the cache") == 0  # a public API changed
    assert codes(edited) == []


def test_the_import_rules_findings_of_unchanged_files_are_reused(tmp_path: Path) -> None:
    """An import added to one module: the import rules run on it alone, their findings for
    every other file come from the cache, and the output is a cold run's."""
    top = make_project(tmp_path)
    files = len(list(top.rglob("*.py")))
    check(top)
    view = top / "shop/features/login/ui.py"
    view.write_text(CLEAN_VIEW + "from shop.pages.home import ui\n", encoding="utf-8")
    age_files(top)
    edited = check(top)
    assert counted(edited, "local findings from the cache") == files - 1
    assert ("FSD101", "shop/features/login/ui.py", 6) in codes(edited)
    assert ("FSD103", "shop/features/basket/ui.py", 1) in codes(edited)
    assert edited.stdout == check(top, "--no-cache").stdout


def add_auth_and_suppression(top: Path) -> Path:
    """An auth finding (FSD301: a token stored by a page) and an unused suppression (FSD900),
    each in a file of its own."""
    write_packages(top, {
        "shop/pages/session/__init__.py": "",
        "shop/pages/session/ui.py": "def keep(store, access_token):\n"
                                    "    store['access_token'] = access_token\n",
        "shop/shared/lib/quiet.py": "import os  # noqa: FSD101\n",
    }, "shop")
    return top


def test_a_changed_import_reads_only_the_facts_the_rules_need(tmp_path: Path) -> None:
    """Of the unchanged files, only those the rules look at are read from the cache: the
    public APIs the new import resolves through, the files with auth facts and those with
    suppression comments; their diagnostics are still a cold run's."""
    top = add_auth_and_suppression(make_project(tmp_path))
    write_packages(top, {f"shop/shared/lib/plain{number}.py": f"VALUE = {number}\n"
                         for number in range(12)}, "shop")
    age_files(top)
    check(top, "--select", "ALL")
    view = top / "shop/features/login/ui.py"
    view.write_text(CLEAN_VIEW + "from shop.pages.home import ui\n", encoding="utf-8")
    age_files(top)
    edited = check(top, "--select", "ALL")
    read = counted(edited, "facts read from the cache")
    assert 0 < read <= 6, edited.stderr  # the APIs on the way, the auth file, quiet.py
    assert {"FSD101", "FSD301", "FSD900"} <= {code for code, _, _ in codes(edited)}
    assert edited.stdout == check(top, "--select", "ALL", "--no-cache").stdout


def test_a_new_module_is_a_new_model_nothing_is_reused(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    check(top)
    (top / "shop/features/login/model.py").write_text("class Form: ...\n", encoding="utf-8")
    age_files(top)
    edited = check(top)
    assert counted(edited, "local findings from the cache") == 0
    assert edited.stdout == check(top, "--no-cache").stdout


def test_a_rewrite_of_the_same_size_with_the_old_mtime_is_seen(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    view = top / "shop/features/login/ui.py"
    old = view.stat()
    check(top)
    assert counted(check(top), "whole run from the cache") == 1
    replacement = SIDESTEP + "#" * (len(CLEAN_VIEW) - len(SIDESTEP) - 1) + "\n"
    assert len(replacement) == len(CLEAN_VIEW)
    view.write_text(replacement, encoding="utf-8")
    os.utime(view, ns=(old.st_atime_ns, old.st_mtime_ns))  # mtime and size as before
    assert ("FSD103", "shop/features/login/ui.py", 1) in codes(check(top))


def test_a_file_with_a_recent_timestamp_is_read_again_next_time(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    soon = time.time() + 30  # as if written right before it was read (or by a skewed clock)
    os.utime(top / "shop/pages/home/ui.py", (soon, soon))
    check(top)
    again = check(top)
    assert counted(again, "whole run from the cache") == 0, "racy timestamp: not trusted"
    assert counted(again, "facts from the cache") == len(list(top.rglob("shop/**/*.py")))
    assert counted(again, "facts: fast") == 0, "but its content is known"


def test_touching_files_without_changing_them_analyses_nothing(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    check(top)
    age_files(top, seconds=100)
    touched = check(top)
    assert counted(touched, "facts from the cache") == len(list(top.rglob("shop/**/*.py")))
    assert counted(touched, "facts: fast") == 0
    assert codes(touched) == [("FSD103", "shop/features/basket/ui.py", 1)]


def test_settings_are_part_of_the_key(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    (top / "shop/pages/home/ui.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from shop.features.login.ui import render\n", encoding="utf-8")
    age_files(top)
    assert ("FSD103", "shop/pages/home/ui.py", 3) in codes(check(top))
    config = top / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + "ignore-type-checking-imports = true\n", encoding="utf-8")
    assert ("FSD103", "shop/pages/home/ui.py", 3) not in codes(check(top))
    assert codes(check(top, "--select", "FSD102")) == []
    assert ("FSD103", "shop/features/basket/ui.py", 1) in codes(check(top))


def test_results_depend_on_the_current_directory(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    check(top)
    inside = run_cli(["check", "--output-format", "json"], cwd=top / "shop")
    assert [d["path"] for d in inside.json()] == ["features/basket/ui.py"]


@pytest.mark.parametrize("garbage", [
    b"", b"not a pickle at all", pickle.dumps({"format": 999, "key": "x"}),
    pickle.dumps(["a list"]), b"\x80\x05\x95",
])
def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(tmp_path: Path,
                                                           garbage: bytes) -> None:
    top = make_project(tmp_path)
    expected = check(top).stdout
    files = [path for path in (top / CACHE).rglob("*") if path.is_file()
             and path.parent.name != CACHE]
    assert files
    for path in files:
        path.write_bytes(garbage)
    again = check(top)
    assert (again.returncode, again.stdout) == (1, expected)
    assert counted(again, "facts: fast") > 0
    rebuilt = check(top)
    assert counted(rebuilt, "whole run from the cache") == 1


class _Hostile:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch pwned",))


def test_a_hostile_cache_file_runs_no_code(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    check(top)
    for path in (top / CACHE).rglob("*"):
        if path.is_file() and path.parent.name != CACHE:
            path.write_bytes(pickle.dumps({"format": 1, "key": "x", "files": _Hostile()}))
    result = check(top)
    assert result.returncode == 1
    assert not (top / "pwned").exists()


@pytest.mark.parametrize("payload", [b"not a pickle", pickle.dumps(["a list"]),
                                     pickle.dumps(_Hostile())])
def test_a_damaged_entry_among_good_ones_is_extracted_again(tmp_path: Path,
                                                            payload: bytes) -> None:
    """Each file's facts are unpickled only when read: one that will not load is analysed
    again from the file, whatever the entry holds (hostile pickles included)."""
    top = add_auth_and_suppression(make_project(tmp_path))
    check(top, "--select", "ALL")
    for shard in (top / CACHE).rglob("*.facts*"):
        data = pickle.loads(shard.read_bytes())
        data["facts"] = {digest: (summary, payload)
                         for digest, (summary, _) in data["facts"].items()}
        shard.write_bytes(pickle.dumps(data))
    view = top / "shop/features/login/ui.py"
    view.write_text(CLEAN_VIEW + "from shop.pages.home import ui\n", encoding="utf-8")
    edited = check(top, "--select", "ALL")
    assert {"FSD301", "FSD900"} <= {code for code, _, _ in codes(edited)}
    assert edited.stdout == check(top, "--select", "ALL", "--no-cache").stdout
    assert counted(edited, "facts read from the cache") == 0
    assert not (top / "pwned").exists()


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    first = check(top, "--no-cache")
    assert not (top / CACHE).exists()
    check(top)
    second = check(top, "--no-cache")
    assert counted(second, "facts from the cache") == 0
    assert first.stdout == second.stdout


def test_cache_dir_option_environment_and_setting(tmp_path: Path) -> None:
    top = make_project(tmp_path / "project")
    check(top, "--cache-dir", str(tmp_path / "by-option"))
    assert is_our_cache(tmp_path / "by-option")
    check(top, env={"FSD_LINT_CACHE_DIR": str(tmp_path / "by-env")})
    assert is_our_cache(tmp_path / "by-env")
    assert not (top / CACHE).exists()
    config = top / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'cache-dir = "../by-setting"\n',
                      encoding="utf-8")
    check(top)
    assert is_our_cache(tmp_path / "by-setting")
    assert not (top / CACHE).exists()


def test_a_cache_that_cannot_be_written_is_a_warning(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    result = check(top, "--cache-dir", str(blocker / "cache"))
    assert result.returncode == 1
    assert codes(result) == [("FSD103", "shop/features/basket/ui.py", 1)]
    assert "warning: could not write the cache" in result.stderr


def test_clean_removes_the_cache_and_nothing_else(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    check(top)
    nested = make_project(top / "sub")
    check(nested)
    assert (top / CACHE).is_dir() and (nested / CACHE).is_dir()
    result = run_cli(["clean"], cwd=top)
    assert result.returncode == 0
    assert not (top / CACHE).exists() and not (nested / CACHE).exists()
    assert "Removed the cache in .fsd_lint_cache." in result.stdout
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("data", encoding="utf-8")
    refused = run_cli(["clean", "--cache-dir", str(precious)], cwd=top)
    assert (precious / "keep.txt").exists()
    assert "is not an fsd-lint cache" in refused.stderr


def test_concurrent_runs_share_the_cache_safely(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    expected = check(top, "--no-cache").stdout
    env = {**os.environ, "NO_COLOR": "1"}
    for _ in range(2):
        runs = [subprocess.Popen([str(FSD_LINT), "check", "--output-format", "json"], cwd=top,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
                for _ in range(4)]
        outputs = [process.communicate(timeout=120) for process in runs]
        assert [out.decode() for out, _ in outputs] == [expected] * 4
        assert all(err == b"" for _, err in outputs)
        (top / "shop/features/login/ui.py").write_text(CLEAN_VIEW + "\n", encoding="utf-8")
    assert not list((top / CACHE).rglob(".tmp-*")), "no temporary file is left behind"
    assert check(top).stdout == expected


def test_jobs_do_not_change_the_output_cold_or_warm(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    for index in range(80):  # enough files for the workers to start
        (top / f"shop/shared/lib/m{index}.py").write_text(
            f"from shop.features.login import ui\nVALUE = {index}\n", encoding="utf-8")
    age_files(top)
    one = check(top, "--jobs", "1", "--no-cache")
    two = check(top, "--jobs", "2")
    warm = check(top, "--jobs", "2")
    assert one.stdout == two.stdout == warm.stdout
    assert len(one.json()) > 80


def test_stdin_contents_are_not_cached_as_the_files(tmp_path: Path) -> None:
    top = make_project(tmp_path)
    check(top)
    edited = run_cli(["check", "--output-format", "json", "--stdin-filename",
                      "shop/features/basket/ui.py"], cwd=top, stdin="import os\n")
    assert edited.json() == []
    assert codes(check(top)) == [("FSD103", "shop/features/basket/ui.py", 1)]


# -- the cache object ----------------------------------------------------------------------


def test_whole_second_timestamps_need_a_wider_margin() -> None:
    assert racy_margin(1_700_000_000_000_000_000) == 2_000_000_000
    assert racy_margin(1_700_000_000_123_456_789) == 100_000_000


def test_only_old_enough_stats_are_recorded(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache", "k")
    file = tmp_path / "a.py"
    file.write_text("x = 1\n", encoding="utf-8")
    status = file.stat()
    key = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
    margin = racy_margin(status.st_ctime_ns)
    cache.record_stat(file, key, status.st_ctime_ns + margin // 2, b"d1")
    assert cache.known_digests([file]) == {}
    cache.record_stat(file, key, status.st_ctime_ns + 2 * margin, b"d1")
    assert cache.known_digests([file]) == {file: b"d1"}
    file.write_text("x = 2\n", encoding="utf-8")
    assert cache.known_digests([file]) == {}


def test_saved_facts_load_back_and_stale_ones_are_pruned(tmp_path: Path) -> None:
    facts = FileFacts(imports=(ImportFact(0, "from", "a", level=1),))
    cache = Cache(tmp_path / "cache", "k")
    for number in range(300):
        cache.add_facts(bytes([number % 256, number // 256]) + b"x" * 30, facts)
    cache.save()
    reloaded = Cache(tmp_path / "cache", "k")
    assert reloaded.facts(b"\x05\x00" + b"x" * 30) == facts
    reloaded.add_facts(b"\x05\x00" + b"y" * 30, facts)
    reloaded.save()
    shard = Cache(tmp_path / "cache", "k")
    assert shard.facts(b"\x05\x00" + b"y" * 30) == facts
    assert Cache(tmp_path / "cache", "other key").facts(b"\x05\x00" + b"x" * 30) is None


def test_find_caches_skips_virtual_environments(tmp_path: Path) -> None:
    (tmp_path / "a" / CACHE).mkdir(parents=True)
    (tmp_path / ".venv" / CACHE).mkdir(parents=True)
    (tmp_path / CACHE / "inner" / CACHE).mkdir(parents=True)
    assert sorted(find_caches(tmp_path)) == [tmp_path / CACHE, tmp_path / "a" / CACHE]
    (tmp_path / CACHE / "CACHEDIR.TAG").write_text(TAG, encoding="utf-8")
    assert is_our_cache(tmp_path / CACHE) and not is_our_cache(tmp_path / "a" / CACHE)


def test_a_run_whose_result_is_cached_imports_neither_libcst_nor_a_rule(tmp_path: Path) -> None:
    """What keeps a warm run cheap: no parser, no rule module, no worker pool is loaded, nor
    the glob library (the walk is reused) or the fact and rule types."""
    top = make_project(tmp_path)
    check(top)  # creates the cache directory, which changes the project directory
    then = time.time() - 3600
    for directory in [top, *(path for path in top.rglob("*") if path.is_dir())]:
        os.utime(directory, (then, then))
    time.sleep(0.2)
    check(top)
    script = (
        "import sys\n"
        "from fsd_lint import timing\n"
        "from fsd_lint.cli import cli\n"
        "try:\n"
        "    cli.main(args=['check', '.'], prog_name='fsd-lint', standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "timing.report()\n"
        "print('MODULES', *sorted(sys.modules))\n"
    )
    warm = subprocess.run([sys.executable, "-c", script], cwd=top, capture_output=True,
                          text=True, check=False, env={**os.environ, **TIMING})
    warm_result = CliResult(warm.returncode, warm.stdout, warm.stderr)
    assert counted(warm_result, "whole run from the cache") == 1, warm.stderr
    assert counted(warm_result, "discovery from the cache") == 1, warm.stderr
    (listing,) = [line for line in warm.stdout.splitlines() if line.startswith("MODULES ")]
    modules = set(listing.split()[1:])
    assert "fsd_lint.rules.registry" in modules
    assert not {name for name in modules
                if name == "libcst" or name.startswith(("fsd_lint.rules.imports.",
                                                        "fsd_lint.rules.auth.",
                                                        "concurrent.futures.process"))}
    assert not modules & {"pathspec", "fsd_lint.checking", "fsd_lint.rules.api",
                          "fsd_lint.facts.auth_types", "fsd_lint.facts.fast"}
