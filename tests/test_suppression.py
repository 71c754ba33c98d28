"""Suppression comments end to end: ``# noqa`` forms, ``# fsd-lint: ...`` directives,
skip-file, and unused suppressions (``--report-unused-noqa``, FSD900)."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli, write_packages

from fsd_lint.facts.comments import has_skip_file, parse_suppressions

UP = "from shop.pages.login import ui"  # in entities: FSD101 and FSD103 (sidestep)


def shop(top: Path, files: dict[str, str]) -> Path:
    return write_packages(top, {
        "pyproject.toml": "[tool.fsd-lint]\n",
        "src/shop/shared/api/client.py": "",
        "src/shop/entities/user/model.py": "",
        "src/shop/features/cart/model.py": "",
        "src/shop/pages/login/ui.py": "",
        **files,
    }, "src/shop")


def by_line(top: Path, *args: str) -> list[tuple[int, str]]:
    result = run_cli(["check", "--output-format", "json", *args], top)
    assert result.returncode in (0, 1), result.stderr
    return [(d["line"], d["code"]) for d in result.json()]


SUPPRESSED = "\n".join([
    f"{UP}  # noqa",  # 1: everything
    f"{UP}  # noqa: FSD101",  # 2: FSD103 left
    f"{UP}  # noqa: no-public-api-sidestep",  # 3: FSD101 left
    f"{UP}  # noqa: forbidden-imports",  # 4: alias of FSD101 and FSD102: FSD103 left
    f"{UP}  # fsd-lint: noqa",  # 5: everything
    f"{UP}  # fsd-lint: ignore[FSD101, FSD103]",  # 6: everything
    "# fsd-lint: ignore[FSD103]",  # 7: on its own line: covers the next code line
    "",  # 8
    UP,  # 9: FSD101 left
    f"{UP}  # noqa: E501",  # 10: another tool's code suppresses nothing here
    f's = "# noqa"; {UP}',  # 11: not a comment
    f"{UP}  # NOQA:fsd101",  # 12: codes in any case; FSD103 left
    "from shop.pages.login import (",  # 13
    "    ui,",  # 14
    ")  # noqa: FSD101,FSD103",  # 15: on the last line of the statement
    f"{UP}  # type: ignore  # noqa: FSD103 because of the migration",  # 16: FSD101 left
    f"{UP}  # noqa:FSD101 FSD103",  # 17: space-separated codes
    "from shop.pages.login import (  # noqa: FSD101",  # 18: on the first line: FSD103 left
    "    ui,",  # 19
    ")",  # 20
    "",
])


def test_suppression_comments(tmp_path: Path) -> None:
    shop(tmp_path, {"src/shop/entities/user/model.py": SUPPRESSED})
    assert by_line(tmp_path) == [
        (2, "FSD103"),
        (3, "FSD101"),
        (4, "FSD103"),
        (9, "FSD101"),
        (10, "FSD101"), (10, "FSD103"),
        (11, "FSD101"), (11, "FSD103"),
        (12, "FSD103"),
        (16, "FSD101"),
        (18, "FSD103"),
    ]


def test_an_own_line_ignore_covers_only_the_next_line(tmp_path: Path) -> None:
    source = f"# fsd-lint: ignore[FSD101, FSD103]\n{UP}\n{UP}\n"
    shop(tmp_path, {"src/shop/entities/user/model.py": source})
    assert by_line(tmp_path) == [(3, "FSD101"), (3, "FSD103")]


def test_skip_file_in_the_leading_comments(tmp_path: Path) -> None:
    shop(tmp_path, {
        "src/shop/entities/user/model.py": f"#!/usr/bin/env python\n# Generated.\n\n"
                                           f"# fsd-lint: skip-file\n{UP}\n",
        # After code it is not a file-level directive.
        "src/shop/entities/user/api.py": f"{UP}\n# fsd-lint: skip-file\n",
    })
    result = run_cli(["check", "--output-format", "json"], tmp_path)
    assert [(d["path"], d["line"], d["code"]) for d in result.json()] == [
        ("src/shop/entities/user/api.py", 1, "FSD101"),
        ("src/shop/entities/user/api.py", 1, "FSD103"),
    ]


UNUSED = "\n".join([
    "import os  # noqa: FSD102",  # 1: unused
    f"{UP}  # noqa: FSD101, FSD102, FSD103",  # 2: FSD102 is not needed
    "import json  # noqa",  # 3: a bare noqa may serve other tools: left alone
    "import sys  # fsd-lint: noqa",  # 4: ours, unused
    "import re  # noqa: E501",  # 5: another tool's code: left alone
    "# fsd-lint: ignore[FSD101]",  # 6: covers line 7, which is clean
    "import abc",  # 7
    "",
])


def test_report_unused_noqa(tmp_path: Path) -> None:
    shop(tmp_path, {"src/shop/features/cart/model.py": UNUSED})
    assert by_line(tmp_path) == []  # FSD900 is off by default
    result = run_cli(["check", "--output-format", "json", "--report-unused-noqa"], tmp_path)
    assert result.returncode == 0, "FSD900 is a warning: it does not fail the run"
    found = [(d["line"], d["column"], d["end_column"], d["code"], d["severity"], d["message"])
             for d in result.json()]
    line2_comment = len(UP) + 3  # two spaces after the import, then "#" (1-based)
    assert found == [
        (1, 12, 12 + len("# noqa: FSD102"), "FSD900", "warning",
         "unused suppression `# noqa: FSD102`: it suppresses no FSD102 diagnostic on line 1; "
         "remove it"),
        (2, line2_comment, line2_comment + len("# noqa: FSD101, FSD102, FSD103"), "FSD900",
         "warning", "unused suppression `# noqa: FSD101, FSD102, FSD103`: it suppresses no "
         "FSD102 diagnostic on line 2; remove it"),
        (4, 13, 13 + len("# fsd-lint: noqa"), "FSD900", "warning",
         "unused suppression `# fsd-lint: noqa`: it suppresses nothing on line 4; remove it"),
        (6, 1, 1 + len("# fsd-lint: ignore[FSD101]"), "FSD900", "warning",
         "unused suppression `# fsd-lint: ignore[FSD101]`: it suppresses no FSD101 diagnostic "
         "on line 7; remove it"),
    ]
    strict = run_cli(["check", "--report-unused-noqa", "--warnings-as-errors"], tmp_path)
    assert strict.returncode == 1


def test_unused_noqa_is_not_reported_for_skipped_or_unparsable_files(tmp_path: Path) -> None:
    shop(tmp_path, {
        "src/shop/features/cart/model.py": "# fsd-lint: skip-file\nimport os  # noqa: FSD101\n",
        "src/shop/features/cart/api.py": "import os  # noqa: FSD101\ndef f(:\n",
    })
    assert by_line(tmp_path, "--report-unused-noqa") == [(2, "FSD001")]


def test_fsd900_can_itself_be_selected_and_ignored(tmp_path: Path) -> None:
    shop(tmp_path, {"src/shop/features/cart/model.py": "import os  # noqa: FSD101\n"})
    assert by_line(tmp_path, "--extend-select", "unused-noqa") == [(1, "FSD900")]
    assert by_line(tmp_path, "--report-unused-noqa", "--ignore", "FSD900") == []


# --- the parser itself ----------------------------------------------------------------------


def test_parse_suppressions_binds_each_comment_to_the_line_it_covers() -> None:
    text = "x = 1  # noqa: FSD101,no-cross-imports\n# fsd-lint: ignore[FSD103]\n\ny = 2\n"
    first, second = parse_suppressions(text)
    assert (first.line, first.selectors) == (1, frozenset({"FSD101", "no-cross-imports"}))
    assert first.at is not None and (first.at.line, first.at.column) == (1, 8)
    assert (second.line, second.selectors) == (4, frozenset({"FSD103"}))
    assert second.at is not None and second.at.line == 2


def test_parse_suppressions_reads_comments_only() -> None:
    assert parse_suppressions('s = """\n# noqa\n"""\n') == ()
    assert parse_suppressions("x = '# fsd-lint: noqa'\n") == ()
    (blanket,) = parse_suppressions("x = 1  # noqa: this is explained here\n")
    assert blanket.selectors is None  # no code after the colon: a blanket noqa, as in flake8


def test_has_skip_file_only_before_code() -> None:
    assert has_skip_file("# a header\n\n# FSD-LINT: Skip-File\nimport os\n")
    assert not has_skip_file("import os\n# fsd-lint: skip-file\n")
    assert not has_skip_file('"""Docstring."""\n# fsd-lint: skip-file\n')
