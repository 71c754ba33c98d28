"""The auth rules inside the engine: settings reach the worker processes, findings are placed
in the positions pass (stdin included), suppressions and severities apply."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli

from .harness import check, diagnostics, project

STORE = "def keep(session, value):\n    session['ticket'] = value\n"


def test_settings_reach_the_workers_and_output_does_not_depend_on_jobs(
        tmp_path: Path) -> None:
    files = {f"src/shop/pages/p{n:02}/ui.py": STORE for n in range(70)}
    project(tmp_path, files, config='token-pattern = "ticket"\n')
    serial = run_cli(["check", "--select", "FSD301", "--jobs", "1", "--output-format", "json"],
                     tmp_path)
    parallel = run_cli(["check", "--select", "FSD301", "--jobs", "2", "--output-format",
                        "json"], tmp_path)
    assert serial.returncode == parallel.returncode == 1
    assert serial.stdout == parallel.stdout
    found = diagnostics(serial.json())
    assert found == [(f"src/shop/pages/p{n:02}/ui.py", 2, "FSD301") for n in range(70)]


def test_stdin_contents_are_checked_and_placed(tmp_path: Path) -> None:
    project(tmp_path, {"src/shop/pages/login/ui/page.py": "X = 1\n"})
    source = "import streamlit as st\n\n\ndef keep(v):\n    st.session_state.jwt = v\n"
    result = run_cli(["check", "--select", "FSD301", "--output-format", "json",
                      "--stdin-filename", "src/shop/pages/login/ui/page.py", "-"],
                     tmp_path, stdin=source)
    assert result.returncode == 1, result.stderr
    (found,) = result.json()
    assert (found["line"], found["column"], found["end_line"], found["end_column"]) == (
        5, 5, 5, 29)


def test_def_lines_decorators_noqa_severity_and_per_file_ignores(tmp_path: Path) -> None:
    files = {
        "src/shop/pages/home/ui/page.py": """\
            from shop.shared.api import get


            @property
            async def first():
                return get("/a")


            def second():  # noqa: misplaced-api-function
                return get("/b")
            """,
        "src/shop/pages/about/ui/page.py": """\
            from shop.shared.api import get


            def third():
                return get("/c")
            """,
    }
    config = """\
        [tool.fsd-lint.severity]
        FSD401 = "warning"

        [tool.fsd-lint.per-file-ignores]
        "src/shop/pages/about/**" = ["FSD401"]
        """
    project(tmp_path, files, config=config)
    output = check(tmp_path, select="FSD401")
    assert [(d["path"], d["line"], d["column"], d["end_line"], d["end_column"], d["severity"])
            for d in output] == [("src/shop/pages/home/ui/page.py", 5, 1, 5, 16, "warning")]


def test_rule_documents_are_printed(tmp_path: Path) -> None:
    for code, name in (("FSD301", "token-storage-in-ui-layer"), ("FSD501", "schema-in-ui")):
        result = run_cli(["rule", name], tmp_path)
        assert result.returncode == 0
        assert result.stdout.startswith(f"# {name} ({code})")
