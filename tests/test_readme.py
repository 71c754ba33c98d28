"""The README stays true: its rule table matches the registry, its commands are CI's."""

from __future__ import annotations

import re

from conftest import REPO

from fsd_lint.rules.registry import RULES

README = (REPO / "README.md").read_text(encoding="utf-8")


def rule_table() -> dict[str, tuple[str, str]]:
    rows = re.findall(r"^\| (FSD\d{3}) \| `([a-z0-9-]+)` \| (\w+) \|", README, re.MULTILINE)
    return {code: (name, default) for code, name, default in rows}


def test_every_rule_is_in_the_readme_table_with_its_name_and_default() -> None:
    table = rule_table()
    for rule in RULES:
        default = rule.severity.value if rule.on_by_default else "off"
        assert table.get(rule.code) == (rule.name, default), rule.code
    assert set(table) == {rule.code for rule in RULES}


def test_ci_runs_exactly_the_readme_test_command() -> None:
    commands = re.findall(r"^```sh\n(.+?)\n```", README, re.MULTILINE | re.DOTALL)
    test_command = next(c for c in commands if "pytest" in c)
    ci_script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci_script.splitlines()


def test_the_readme_example_project_exists() -> None:
    first = re.search(r"^```sh\n(python -m pip install \. && fsd-lint check (\S+))\n```",
                      README, re.MULTILINE)
    assert first is not None
    assert (REPO / first.group(2) / "pyproject.toml").is_file()
