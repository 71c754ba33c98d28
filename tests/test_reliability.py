"""Bad input never ends in a traceback: unparsable, undecodable, unreadable, huge or deeply
nested files give a diagnostic and the run goes on; a bug in fsd-lint exits 2 and says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli, write_packages

from fsd_lint.extraction import MAX_FILE_BYTES
from fsd_lint.facts.depth import is_risky

UP = "from shop.pages.login import ui\n"  # FSD101 and FSD103 in entities
USER = "src/shop/entities/user"


def shop(top: Path, files: dict[str, str | bytes]) -> Path:
    return write_packages(top, {
        "pyproject.toml": "[tool.fsd-lint]\n",
        "src/shop/shared/api/client.py": "",
        f"{USER}/model.py": UP,  # the control: still reported when other files are broken
        "src/shop/features/cart/model.py": "",
        "src/shop/pages/login/ui.py": "",
        **files,
    }, "src/shop")


def diagnostics(top: Path, *args: str) -> list[tuple[str, int, int, str, str]]:
    result = run_cli(["check", "--no-cache", "--output-format", "json", *args], top)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return [(d["path"], d["line"], d["column"], d["code"], d["message"]) for d in result.json()]


CONTROL = [(f"{USER}/model.py", 1, 1, "FSD101"), (f"{USER}/model.py", 1, 1, "FSD103")]


def without_messages(found: list[tuple[str, int, int, str, str]]) -> list[tuple[str, int, int,
                                                                                 str]]:
    return [(path, line, column, code) for path, line, column, code, _ in found]


@pytest.mark.parametrize(("source", "line", "column", "message"), [
    (b"import os\ndef broken(:\n    pass\n", 2, 12, "syntax error: invalid syntax"),
    (b"x = (1,\n", 1, 5, "syntax error: '(' was never closed"),
    (b"x = 1\n  y = 2\n", 2, 2, "syntax error: unexpected indent"),  # where CPython puts it
    (b'x = "caf\xe9"\n', 1, 9, "file is not valid utf-8 text (byte 0xe9)"),
    (b"import os\nx = 1\x00\n", 2, 6, "the file contains a NUL byte"),
    (b"# -*- coding: klingon -*-\nx = 1\n", 1, 1,
     "cannot decode the file: unknown encoding: klingon"),
])
def test_a_file_that_cannot_be_parsed_is_reported_where_it_fails(
    tmp_path: Path, source: bytes, line: int, column: int, message: str
) -> None:
    shop(tmp_path, {f"{USER}/api.py": source})
    found = diagnostics(tmp_path)
    assert found[0] == (f"{USER}/api.py", line, column, "FSD001", message)
    assert without_messages(found[1:]) == CONTROL  # the run went on


def test_files_that_parse_are_analysed_whatever_their_encoding(tmp_path: Path) -> None:
    shop(tmp_path, {
        f"{USER}/api.py": b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n" + UP.encode(),
        f"{USER}/lib.py": b"\xef\xbb\xbf" + UP.encode(),  # a UTF-8 byte order mark
        f"{USER}/empty.py": b"",
        f"{USER}/blank.py": b"\n\n   \n",
        f"{USER}/crlf.py": b"import os\r\n" + UP.replace("\n", "\r\n").encode(),
    })
    assert without_messages(diagnostics(tmp_path)) == [
        (f"{USER}/api.py", 3, 1, "FSD101"), (f"{USER}/api.py", 3, 1, "FSD103"),
        (f"{USER}/crlf.py", 2, 1, "FSD101"), (f"{USER}/crlf.py", 2, 1, "FSD103"),
        (f"{USER}/lib.py", 1, 1, "FSD101"), (f"{USER}/lib.py", 1, 1, "FSD103"),
        *CONTROL,
    ]


def test_symlink_loops_and_broken_symlinks_are_reported(tmp_path: Path) -> None:
    shop(tmp_path, {})
    folder = tmp_path / USER
    (folder / "a.py").symlink_to("b.py")
    (folder / "b.py").symlink_to("a.py")
    (folder / "gone.py").symlink_to("missing.py")
    found = diagnostics(tmp_path)
    assert [(path, code) for path, _, _, code, _ in found] == [
        (f"{USER}/a.py", "FSD002"), (f"{USER}/b.py", "FSD002"), (f"{USER}/gone.py", "FSD002"),
        *[(path, code) for path, _, _, code in CONTROL],
    ]
    assert found[2][4].startswith("cannot read the file: it is a broken symbolic link (")
    assert all(message.startswith("cannot read the file: ") for *_, message in found[:3])


def test_a_directory_named_like_a_module_is_walked(tmp_path: Path) -> None:
    shop(tmp_path, {f"{USER}/odd.py/inner.py": UP})
    found = without_messages(diagnostics(tmp_path))
    assert found == [
        (f"{USER}/model.py", 1, 1, "FSD101"), (f"{USER}/model.py", 1, 1, "FSD103"),
        (f"{USER}/odd.py/inner.py", 1, 1, "FSD101"), (f"{USER}/odd.py/inner.py", 1, 1, "FSD103"),
    ]
    explicit = run_cli(["check", "--output-format", "json", f"{USER}/odd.py"], tmp_path)
    assert [d["path"] for d in explicit.json()] == [f"{USER}/odd.py/inner.py"] * 2


def test_a_huge_file_is_reported_not_analysed(tmp_path: Path) -> None:
    shop(tmp_path, {f"{USER}/data.py": b"x = 1\n" * (MAX_FILE_BYTES // 6 + 1)})
    found = diagnostics(tmp_path)
    assert found[0][:4] == (f"{USER}/data.py", 1, 1, "FSD002")
    assert "MiB" in found[0][4] and "exclude it" in found[0][4]


@pytest.mark.parametrize(("name", "source"), [
    ("brackets", "x = " + "(" * 5000 + "1" + ")" * 5000),
    ("lists", "x = " + "[" * 1200 + "]" * 1200),
    ("unary", "x = " + "-" * 20000 + "1"),
    ("lambdas", "f = " + "lambda: " * 5000 + "1"),
    ("attributes", "x = a" + ".b" * 20000),
    ("multiline", "x = (\n" + "(\n" * 3000 + ")\n" * 3001),
])
def test_deeply_nested_code_is_a_diagnostic_not_a_crash(
    tmp_path: Path, name: str, source: str
) -> None:
    # libcst's parser overflows its stack on input like this and would kill the process.
    shop(tmp_path, {f"{USER}/deep.py": UP + source + "\n"})
    found = diagnostics(tmp_path)
    assert found[0][0] == f"{USER}/deep.py"
    assert found[0][3] == "FSD001"
    assert found[0][4].startswith("the file is nested too deeply to be parsed"), found[0]
    assert without_messages(found[1:]) == CONTROL


def test_long_but_shallow_code_is_analysed(tmp_path: Path) -> None:
    # Long lines and many brackets, but nothing Python itself would refuse.
    chain = "ok = " + " and ".join(["a"] * 20000)
    spread = "also = (\n" + "a and\n" * 30000 + "a)"  # the same, on many lines
    table = "TABLE = [\n" + "".join(f"    ({i}, [{i}], {{{i}: ({i},)}}),\n" for i in range(3000))
    shop(tmp_path, {f"{USER}/long.py": f"{UP}{chain}\n{spread}\n{table}]\n"})
    assert without_messages(diagnostics(tmp_path)) == [
        (f"{USER}/long.py", 1, 1, "FSD101"), (f"{USER}/long.py", 1, 1, "FSD103"), *CONTROL,
    ]


def test_the_depth_guard_picks_out_only_suspicious_sources() -> None:
    ordinary = Path(__file__).read_bytes()
    assert not is_risky(ordinary)
    assert not is_risky(b"x = " + b"(" * 90 + b")" * 90 + b"\n")
    assert is_risky(b"x = " + b"(" * 150 + b")" * 150 + b"\n")
    assert is_risky(b"s = '" + b"[" * 150 + b"'\n")  # conservative: strings count too
    assert is_risky(b"x = " + b"-" * 3000 + b"1\n")  # a long line
    assert is_risky(b"x = (\n" + b"a and\n" * 3000 + b"a)\n")  # a long stretch in brackets
    assert not is_risky(b"x = 1\n" * 3000)


def test_an_unreadable_file_is_reported(tmp_path: Path) -> None:
    shop(tmp_path, {f"{USER}/secret.py": UP})
    secret = tmp_path / USER / "secret.py"
    secret.chmod(0)
    try:
        if os.access(secret, os.R_OK):
            pytest.skip("running as root (or with CAP_DAC_OVERRIDE): chmod 000 does not stop "
                        "reading; test_a_read_error_is_reported_not_raised covers the path")
        found = diagnostics(tmp_path)
        assert found[0][:4] == (f"{USER}/secret.py", 1, 1, "FSD002")
        assert found[0][4] == "cannot read the file: Permission denied"
    finally:
        secret.chmod(0o644)


def run_patched(patch: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real entry point, ``fsd_lint.cli.main``, after ``patch`` (Python code)."""
    program = f"import sys\n{patch}\nfrom fsd_lint.cli import main\nsys.argv = ['fsd-lint', " \
              f"*{list(args)!r}]\nmain()\n"
    env = {**os.environ, "NO_COLOR": "1", "FSD_LINT_NO_FAST_PATH": "1"}
    return subprocess.run([sys.executable, "-c", program], cwd=cwd, capture_output=True,
                          text=True, env=env, check=False, timeout=120)


def test_a_read_error_is_reported_not_raised(tmp_path: Path) -> None:
    # The same failure as an unreadable file, for any user: reading it raises EACCES.
    shop(tmp_path, {f"{USER}/secret.py": UP})
    patch = (
        "import errno, pathlib\n"
        "real = pathlib.Path.read_bytes\n"
        "def read_bytes(self):\n"
        "    if self.name == 'secret.py':\n"
        "        raise PermissionError(errno.EACCES, 'Permission denied', str(self))\n"
        "    return real(self)\n"
        "pathlib.Path.read_bytes = read_bytes\n"
    )
    result = run_patched(patch, tmp_path, "check", "--no-cache", "--output-format", "concise")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert f"{USER}/secret.py:1:1: FSD002 cannot read the file: Permission denied" in lines
    assert any(line.startswith(f"{USER}/model.py:1:1: FSD101 ") for line in lines)


def test_a_crash_while_extracting_facts_exits_2_and_names_the_file(tmp_path: Path) -> None:
    shop(tmp_path, {})
    patch = (
        "import fsd_lint.facts.extract as extract\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('simulated bug')\n"
        "extract.extract_facts = broken\n"
    )
    result = run_patched(patch, tmp_path, "check", "--no-cache")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("fsd-lint: internal error while processing src/shop/")
    assert "This is a bug in fsd-lint" in result.stderr
    assert "RuntimeError: simulated bug" in result.stderr  # the details, for the report


def test_a_crash_in_a_rule_exits_2_and_names_the_file(tmp_path: Path) -> None:
    shop(tmp_path, {})
    patch = (
        "import fsd_lint.rules.imports.fsd101_no_higher_level_imports as rule\n"
        "def broken(file, ctx):\n"
        "    if file.path.name == 'model.py':\n"
        "        raise KeyError('simulated bug')\n"
        "    return iter(())\n"
        "rule.check = broken\n"
    )
    result = run_patched(patch, tmp_path, "check", "--no-cache")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(
        "fsd-lint: internal error while processing src/shop/entities/user/model.py."
    )
    assert "This is a bug in fsd-lint" in result.stderr
