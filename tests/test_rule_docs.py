"""The rule documents (``rules/FSDnnn.md``) are true: their examples are run by fsd-lint.

Format of a rule document (Ruff's section order, Ruff-mdtest-like examples):

- First line ``# <rule-name> (<CODE>)``, then ``##`` sections in this order: ``What it does``,
  ``Why is this bad?``, ``Example``, ``Use instead`` (all four required), then as needed
  ``Fix`` (exactly when the registry says the rule is fixable), ``Options`` (one bullet per
  config key, written ``- `key-name`: …``; every key must be a real one),
  ``Differences from Steiger`` and ``References``.
- In ``Example`` and ``Use instead``, a line holding only a path in backticks and a colon
  (`` `src/shop/entities/user/model.py`: ``) names the file of the code block right after it;
  several files make a multi-file case. A ``###`` heading inside the section starts a new case;
  without one, the whole section is one case. A ``toml`` block without a file name is the
  case's ``[tool.fsd-lint]`` table (the header line may be written or not); unless it sets
  ``root``, ``root = "src/shop"`` is used. Other blocks without a file name (``text``,
  ``console``) are shown, not run; a ``py`` block must have a file name.
- The harness writes the case to a temporary project and gives every directory from the root
  down an empty ``__init__.py``, unless the case gives one; a block whose whole content is
  ``# (absent)`` means "this file must not exist" (a namespace package, say). A file name that
  ends with ``/`` names a folder: its block holds only ``# error: [CODE]`` lines, for
  diagnostics reported at the folder itself.
- A line that must be reported ends with ``# error: [FSD101]`` (several diagnostics:
  ``# error: [FSD102, FSD103]``). The installed command is run with
  ``check --select ALL --output-format json`` and the (path, line, code) of its diagnostics must
  be exactly the marked ones: an Example reports its rule (at least once) and nothing
  unmarked; a Use instead case reports nothing at all. ``--select ALL`` includes the opt-in
  rules (FSD104 import-locality: relative imports inside a slice, absolute ones across slices;
  FSD900 unused-noqa).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli
from rule_doc_cases import (
    REQUIRED_SECTIONS,
    SECTION_ORDER,
    Case,
    DocFormatError,
    RuleDoc,
    config_table,
    diagnostics_of,
    parse_doc,
    write_case,
)

from fsd_lint.rules.registry import BY_CODE, RULES
from fsd_lint.settings import KNOWN_KEYS

RULES_DIR = REPO / "rules"
DOC_FILES = sorted(RULES_DIR.glob("FSD*.md"))
# Documents whose Example cannot be built from text blocks; test_io_error_doc_… covers FSD002.
NOT_EXECUTABLE = frozenset({"FSD002"})


def load(path: Path) -> RuleDoc:
    return parse_doc(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))


DOCS = {path.stem: load(path) for path in DOC_FILES}
CASES = [case for doc in DOCS.values() for case in doc.cases]


def check(top: Path, *extra: str) -> list[dict[str, Any]]:
    """Run ``fsd-lint check --select ALL`` in ``top``; the exit status must match the output."""
    result = run_cli(["check", "--select", "ALL", "--output-format", "json", *extra], cwd=top)
    assert result.returncode in (0, 1), result.stderr
    output: list[dict[str, Any]] = result.json()
    errors = [d for d in output if d["severity"] == "error"]
    assert result.returncode == (1 if errors else 0), result.stderr
    return output


def run_case(case: Case, top: Path) -> list[dict[str, Any]]:
    write_case(case, top)
    return check(top)


# --- registry <-> documents ------------------------------------------------------------------


def test_every_rule_has_a_document_and_every_document_a_rule() -> None:
    assert {path.stem for path in DOC_FILES} == {rule.code for rule in RULES}
    others = {p.name for p in RULES_DIR.iterdir()} - {p.name for p in DOC_FILES}
    assert others <= {"README.md"}


@pytest.mark.parametrize("code", sorted(DOCS))
def test_title_names_the_rule(code: str) -> None:
    assert (DOCS[code].code, DOCS[code].name) == (code, BY_CODE[code].name)


@pytest.mark.parametrize("code", sorted(DOCS))
def test_sections_are_complete_and_in_order(code: str) -> None:
    sections = DOCS[code].sections
    assert set(REQUIRED_SECTIONS) <= set(sections), sections
    assert all(title in SECTION_ORDER for title in sections), sections
    assert list(sections) == sorted(set(sections), key=SECTION_ORDER.index)


@pytest.mark.parametrize("code", sorted(DOCS))
def test_fix_section_exactly_when_the_rule_is_fixable(code: str) -> None:
    assert ("Fix" in DOCS[code].sections) == BY_CODE[code].fixable


@pytest.mark.parametrize("code", sorted(DOCS))
def test_options_name_real_config_keys(code: str) -> None:
    text = (RULES_DIR / f"{code}.md").read_text(encoding="utf-8")
    in_options = text.partition("\n## Options\n")[2].partition("\n## ")[0]
    bullets = [line for line in in_options.splitlines() if line.startswith("- ")]
    assert len(bullets) == len(DOCS[code].option_keys), "an Options bullet is not `- `key`: …`"
    for key in DOCS[code].option_keys:
        assert key.split(".")[0] in KNOWN_KEYS, key


@pytest.mark.parametrize("code", sorted(DOCS))
def test_toml_blocks_are_valid_config(code: str) -> None:
    for block in DOCS[code].toml_blocks:
        assert set(config_table(block.text)) <= set(KNOWN_KEYS), block.doc_line


@pytest.mark.parametrize("code", sorted(DOCS))
def test_examples_are_executable_and_marked(code: str) -> None:
    doc = DOCS[code]
    bad = [case for case in doc.cases if case.kind == "bad"]
    good = [case for case in doc.cases if case.kind == "good"]
    if code in NOT_EXECUTABLE:
        assert not doc.cases
        return
    assert bad and good
    for case in bad:
        assert code in {mark for _, _, mark in case.expected}, case.title
    for case in good:
        assert case.expected == (), case.title
    for case in doc.cases:
        assert {mark for _, _, mark in case.expected} <= set(BY_CODE), case.title


# --- the examples, run by the installed command -----------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case: Case, tmp_path: Path) -> None:
    output = run_case(case, tmp_path)
    assert diagnostics_of(output) == case.expected, json.dumps(output, indent=1)


IMPORT_ALL = """
import importlib, sys
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:  # a third-party library the example uses
        if (error.name or "").partition(".")[0] in {n.partition(".")[0] for n in sys.argv[1:]}:
            raise
"""


@pytest.mark.parametrize("case", [c for c in CASES if c.kind == "good"],
                         ids=[c.id for c in CASES if c.kind == "good"])
def test_use_instead_code_imports(case: Case, tmp_path: Path) -> None:
    """The recommended code is working Python: every module of the case can be imported."""
    write_case(case, tmp_path)
    src = tmp_path / "src" if (tmp_path / "src").is_dir() else tmp_path  # the import root
    modules = sorted(
        ".".join(path.relative_to(src).with_suffix("").parts).removesuffix(".__init__")
        for path in src.rglob("*.py")
    )
    result = subprocess.run([sys.executable, "-c", IMPORT_ALL, *modules], cwd=src,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("code", sorted(c for c in DOCS if "Fix" in DOCS[c].sections))
def test_examples_offer_the_documented_fix(code: str, tmp_path: Path) -> None:
    bad = [case for case in DOCS[code].cases if case.kind == "bad"]
    fixed_any = False
    for index, case in enumerate(bad):
        top = tmp_path / str(index)
        top.mkdir()
        output = run_case(case, top)
        with_fix = [d for d in output if d["code"] == code and d["fix"] is not None]
        if not with_fix:
            continue
        fixed_any = True
        after = check(top, "--fix")  # reports what is left once the fixes are written
        fixed = set(diagnostics_of(with_fix))
        # The fixed diagnostics are gone and the rewrite introduced nothing new.
        assert set(diagnostics_of(after)) <= set(diagnostics_of(output)) - fixed
    assert fixed_any, f"no Example of {code} is offered a fix"


def test_io_error_doc_describes_what_happens(tmp_path: Path) -> None:
    """FSD002 cannot be shown by a text example: a sparse 9 MiB file stands in for it."""
    doc = (RULES_DIR / "FSD002.md").read_text(encoding="utf-8")
    model = tmp_path / "src/shop/entities/user/model.py"
    model.parent.mkdir(parents=True)
    for directory in (model.parent, model.parent.parent, model.parent.parent.parent):
        (directory / "__init__.py").write_text("", encoding="utf-8")
    with model.open("wb") as handle:
        handle.truncate(9 * 1024 * 1024)
    (tmp_path / "pyproject.toml").write_text('[tool.fsd-lint]\nroot = "src/shop"\n')
    result = run_cli(["check", "--select", "ALL", "--output-format", "json"], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    [diagnostic] = result.json()
    assert (diagnostic["code"], diagnostic["path"], diagnostic["line"]) == (
        "FSD002", "src/shop/entities/user/model.py", 1)
    assert diagnostic["message"] in doc


# --- the documents reach users -----------------------------------------------------------------


@pytest.mark.parametrize("query", ["FSD101", "fsd101", "no-higher-level-imports"])
def test_rule_command_prints_the_document(query: str, tmp_path: Path) -> None:
    result = run_cli(["rule", query], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    document = (RULES_DIR / "FSD101.md").read_text(encoding="utf-8")
    assert result.stdout == document.rstrip("\n") + "\n"


def test_rule_command_rejects_an_unknown_rule(tmp_path: Path) -> None:
    result = run_cli(["rule", "no-such-rule"], cwd=tmp_path)
    assert result.returncode == 2
    assert "no-such-rule" in result.stderr and "fsd-lint rules" in result.stderr
    assert result.stdout == ""


def test_rules_command_lists_every_rule(tmp_path: Path) -> None:
    result = run_cli(["rules"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [rule.code for rule in RULES]
    for line, rule in zip(lines, RULES, strict=True):
        assert rule.name in line.split()


def test_wheel_ships_the_documents(tmp_path: Path) -> None:
    """Build a wheel, import fsd-lint from it alone, and ask it for a rule's document."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(REPO)],
        check=True, capture_output=True, timeout=120,
    )
    [wheel] = (tmp_path / "dist").glob("fsd_lint-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if name.startswith("fsd_lint/_rule_docs/")}
        assert {f"fsd_lint/_rule_docs/{path.name}" for path in DOC_FILES} <= shipped
        archive.extractall(tmp_path / "unpacked")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "unpacked")}
    shown = subprocess.run(
        [sys.executable, "-c",
         "from fsd_lint.rules import docs; print(docs.docs_dir()); print(docs.load('FSD101'))"],
        check=True, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )
    location, _, text = shown.stdout.partition("\n")
    assert Path(location) == tmp_path / "unpacked" / "fsd_lint" / "_rule_docs"
    assert text.rstrip("\n") == (RULES_DIR / "FSD101.md").read_text(encoding="utf-8").rstrip("\n")


# --- the harness itself ------------------------------------------------------------------------

SAMPLE = """# no-higher-level-imports (FSD101)

## What it does

Text.

## Example

```toml
[tool.fsd-lint]
cross-import-api = "xapi"
```

`src/shop/entities/user/model.py`:
```py
import os
from shop.features.cart import Cart  # error: [FSD101, FSD102]
```

`src/shop/features/cart/__init__.py`:
```py
# (absent)
```

`src/shop/features/cart/x/`:
```text
# error: [FSD107]
```

### Second case

`src/shop/shared/api/client.py`:
```py
```

## Use instead

```console
$ fsd-lint check
```
"""


def test_parser_reads_files_marks_config_and_cases() -> None:
    doc = parse_doc(SAMPLE)
    assert (doc.code, doc.name) == ("FSD101", "no-higher-level-imports")
    assert doc.sections == ("What it does", "Example", "Use instead")
    first, second = doc.cases  # the console block of "Use instead" is not a case
    assert first.title == "Example" and second.title == "Example: Second case"
    assert first.expected == (
        ("src/shop/entities/user/model.py", 2, "FSD101"),
        ("src/shop/entities/user/model.py", 2, "FSD102"),
        ("src/shop/features/cart/x", 1, "FSD107"),
    )
    assert config_table(first.config) == {"cross-import-api": "xapi"}
    assert [(f.path, f.content is None) for f in first.files] == [
        ("src/shop/entities/user/model.py", False),
        ("src/shop/features/cart/__init__.py", True),
        ("src/shop/features/cart/x/", True),
    ]
    assert second.files[0].content == "" and second.expected == ()


def test_write_case_builds_packages_but_not_absent_files(tmp_path: Path) -> None:
    write_case(parse_doc(SAMPLE).cases[0], tmp_path)
    shop = tmp_path / "src/shop"
    assert (shop / "entities/user/model.py").read_text().startswith("import os\n")
    for package in ("", "entities", "entities/user", "features", "features/cart/x"):
        assert (shop / package / "__init__.py").read_text() == "", package
    assert not (shop / "features/cart/__init__.py").exists()
    assert not (tmp_path / "src/__init__.py").exists()
    assert config_table((tmp_path / "pyproject.toml").read_text()) == {
        "root": "src/shop", "cross-import-api": "xapi"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("## Example\n\n```py\nimport os\n```\n", "needs a file name"),
        ("## Example\n\n`a.py`:\n\nSome prose.\n```py\n```\n", "followed directly"),
        ("## Example\n\n`a.py`:\n", "no code block"),
        ("## Example\n\n`a/`:\n```text\nimport os\n```\n", "only `# error"),
        ("## Example\n\n`a.py`:\n```py\n```\n`a.py`:\n```py\n```\n", "given twice"),
        ("## Example\n\n`../a.py`:\n```py\n```\n", "leaves the project"),
        ("Intro.\n## Example\n", "before the first"),
        ("## Example\n\n```py\nimport os\n", "never closed"),
    ],
)
def test_parser_rejects_malformed_documents(text: str, problem: str) -> None:
    with pytest.raises(DocFormatError, match=problem):
        parse_doc("# syntax-error (FSD001)\n\n" + text)


def test_a_wrongly_marked_example_fails(tmp_path: Path) -> None:
    """The comparison is exact: a mark on the wrong line does not pass."""
    doc = parse_doc(SAMPLE.replace("import os\nfrom shop", "from shop").replace(
        "from shop.features.cart import Cart  # error: [FSD101, FSD102]",
        "import os  # error: [FSD101]\nfrom shop.features.cart import Cart"))
    case = doc.cases[0]
    output = run_case(case, tmp_path)
    assert diagnostics_of(output) != case.expected
    assert ("src/shop/entities/user/model.py", 2, "FSD101") in diagnostics_of(output)
