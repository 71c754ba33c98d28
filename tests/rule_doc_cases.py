"""Read the rule documents (``rules/FSDnnn.md``): their sections and their executable cases.

The format is described in ``rules/README.md`` and at the top of ``tests/test_rule_docs.py``.
This module only parses and writes projects; running ``fsd-lint`` is the test's job.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

# Ruff's order. The first four are required in every document, the others are optional.
SECTION_ORDER = (
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "Fix",
    "Options",
    "Differences from Steiger",
    "References",
)
REQUIRED_SECTIONS = SECTION_ORDER[:4]
# Sections whose code blocks are executed: "Example" cases must fire, "Use instead" must not.
CASE_SECTIONS = {"Example": "bad", "Use instead": "good"}

DEFAULT_ROOT = "src/shop"
ABSENT = "# (absent)"  # the whole content of a file block that must NOT exist in the case

_TITLE = re.compile(r"^# (?P<name>[a-z0-9-]+) \((?P<code>FSD\d{3})\)$")
_PATH_HEADER = re.compile(r"^`(?P<path>[^`\s]+)`:$")
_FENCE = re.compile(r"^(?P<fence>```+)\s*(?P<lang>[\w+-]*)\s*$")
_MARK = re.compile(r"#\s*error:\s*\[(?P<codes>[^\]]*)\]\s*$")
_OPTION = re.compile(r"^- `(?P<key>[a-z0-9-]+(?:\.[A-Za-z0-9-]+)?)`:")
PYTHON_LANGS = ("py", "python")

Expected = tuple[str, int, str]  # (path relative to the project, line, code)


class DocFormatError(ValueError):
    """A rule document that does not follow the format; the message names the line."""


@dataclass(frozen=True)
class CaseFile:
    """One file (or folder, when ``path`` ends with ``/``) of a case."""

    path: str
    content: str | None  # None: the file must not exist (the block said ``# (absent)``)
    doc_line: int

    @property
    def is_folder(self) -> bool:
        return self.path.endswith("/")


@dataclass(frozen=True)
class Case:
    """One executable example: a small project and the diagnostics it must produce."""

    code: str
    kind: str  # "bad" (an Example) or "good" (a Use instead)
    title: str
    doc_line: int
    files: tuple[CaseFile, ...]
    config: str  # the body of ``[tool.fsd-lint]`` given by the case ("" if none)
    expected: tuple[Expected, ...]  # sorted; a code marked twice on a line is expected twice

    @property
    def id(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")
        return f"{self.code}-{slug}"


@dataclass(frozen=True)
class Block:
    lang: str
    text: str
    doc_line: int  # line of the opening fence


@dataclass
class Section:
    title: str
    doc_line: int
    lines: list[tuple[int, str]] = field(default_factory=list)  # (doc line, text)


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str
    sections: tuple[str, ...]  # the ``##`` headings, in order
    option_keys: tuple[str, ...]  # the keys named by the Options bullets
    cases: tuple[Case, ...]
    toml_blocks: tuple[Block, ...]  # every toml block of the document, cases included


def marks(line: str) -> list[str]:
    """The codes a line's ``# error: [A, B]`` mark expects (empty if it has none)."""
    found = _MARK.search(line)
    if found is None:
        return []
    return [code.strip() for code in found["codes"].split(",") if code.strip()]


def _sections(text: str, where: str) -> tuple[str, str, list[Section]]:
    lines = text.splitlines()
    title = _TITLE.match(lines[0]) if lines else None
    if title is None:
        raise DocFormatError(f"{where}:1: the first line must be `# <rule-name> (<CODE>)`")
    sections: list[Section] = []
    in_fence: str | None = None
    for number, line in enumerate(lines[1:], start=2):
        fence = _FENCE.match(line)
        if fence and (in_fence is None or (fence["fence"] == in_fence and not fence["lang"])):
            in_fence = fence["fence"] if in_fence is None else None
        elif in_fence is None and line.startswith("## "):
            sections.append(Section(line[3:].strip(), number))
            continue
        elif in_fence is None and line.startswith("# "):
            raise DocFormatError(f"{where}:{number}: only the title may be a `#` heading")
        if sections:
            sections[-1].lines.append((number, line))
        elif line.strip():
            raise DocFormatError(f"{where}:{number}: text before the first `##` section")
    if in_fence is not None:
        raise DocFormatError(f"{where}: a code block is never closed")
    return title["code"], title["name"], sections


def _blocks(section: Section, where: str) -> list[tuple[str | None, str | None, Block]]:
    """(``###`` heading, path header, block) for every code block of a section."""
    found: list[tuple[str | None, str | None, Block]] = []
    heading: str | None = None
    header: tuple[int, str] | None = None
    lines = section.lines
    index = 0
    while index < len(lines):
        number, line = lines[index]
        fence = _FENCE.match(line)
        if fence:
            body: list[str] = []
            index += 1
            while index < len(lines) and lines[index][1].strip() != fence["fence"]:
                body.append(lines[index][1])
                index += 1
            text = "\n".join(body) + "\n" if body else ""
            found.append((heading, header[1] if header else None,
                          Block(fence["lang"].lower(), text, number)))
            header = None
        elif line.startswith("### "):
            if header is not None:
                raise DocFormatError(f"{where}:{header[0]}: a file name with no code block")
            heading = line[4:].strip()
        elif (path := _PATH_HEADER.match(line.strip())) is not None:
            if header is not None:
                raise DocFormatError(f"{where}:{header[0]}: a file name with no code block")
            header = (number, path["path"])
        elif line.strip() and header is not None:
            raise DocFormatError(
                f"{where}:{header[0]}: a file name must be followed directly by its code block")
        index += 1
    if header is not None:
        raise DocFormatError(f"{where}:{header[0]}: a file name with no code block")
    return found


def _case(code: str, kind: str, title: str, doc_line: int,
          blocks: list[tuple[str | None, Block]], where: str) -> Case:
    files: list[CaseFile] = []
    config = ""
    expected: list[Expected] = []
    for path, block in blocks:
        if path is None and block.lang == "toml":
            if config:
                raise DocFormatError(f"{where}:{block.doc_line}: a second config block")
            config = block.text
            continue
        if path is None:
            continue  # text, console…: shown to the reader, not executed
        if path.startswith("/") or ".." in Path(path).parts:
            raise DocFormatError(f"{where}:{block.doc_line}: {path!r} leaves the project")
        if any(existing.path == path for existing in files):
            raise DocFormatError(f"{where}:{block.doc_line}: {path} is given twice")
        if path.endswith("/"):
            for offset, line in enumerate(block.text.splitlines()):
                if line.strip() and not marks(line):
                    raise DocFormatError(
                        f"{where}:{block.doc_line + 1 + offset}: a folder block holds only "
                        "`# error: [CODE]` lines")
                expected.extend((path.rstrip("/"), 1, mark) for mark in marks(line))
            files.append(CaseFile(path, None, block.doc_line))
            continue
        absent = block.text.strip() == ABSENT
        files.append(CaseFile(path, None if absent else block.text, block.doc_line))
        for number, line in enumerate(block.text.splitlines(), start=1):
            expected.extend((path, number, mark) for mark in marks(line))
    return Case(code, kind, title, doc_line, tuple(files), config, tuple(sorted(expected)))


def parse_doc(text: str, where: str = "<doc>") -> RuleDoc:
    """Parse one rule document; raise DocFormatError when its structure is wrong."""
    code, name, sections = _sections(text, where)
    cases: list[Case] = []
    option_keys: list[str] = []
    toml_blocks: list[Block] = []
    for section in sections:
        blocks = _blocks(section, where)
        toml_blocks.extend(block for _, path, block in blocks
                           if block.lang == "toml" and path is None)
        if section.title == "Options":
            option_keys.extend(
                found["key"] for _, line in section.lines
                if (found := _OPTION.match(line)) is not None
            )
        kind = CASE_SECTIONS.get(section.title)
        if kind is None:
            continue
        groups: dict[str | None, list[tuple[str | None, Block]]] = {}
        for heading, path, block in blocks:
            if path is None and block.lang in PYTHON_LANGS:
                raise DocFormatError(
                    f"{where}:{block.doc_line}: a Python block needs a file name before it "
                    "(`src/shop/<layer>/<slice>/<module>.py`:)")
            groups.setdefault(heading, []).append((path, block))
        for heading, group in groups.items():
            title = section.title if heading is None else f"{section.title}: {heading}"
            if any(path is not None for path, _ in group):
                cases.append(_case(code, kind, title, group[0][1].doc_line, group, where))
    return RuleDoc(code, name, tuple(s.title for s in sections), tuple(option_keys),
                   tuple(cases), tuple(toml_blocks))


def config_table(config: str) -> dict[str, object]:
    """The ``[tool.fsd-lint]`` table of a case (its block may repeat that header or not)."""
    data = tomllib.loads(_with_header(config))
    table = data.get("tool", {}).get("fsd-lint", {})
    assert isinstance(table, dict)
    return table


def _with_header(config: str) -> str:
    body = "\n".join(
        line for line in config.splitlines() if line.strip() != "[tool.fsd-lint]"
    )
    return "[tool.fsd-lint]\n" + body + "\n"


def write_case(case: Case, top: Path) -> None:
    """Write the case as a project in ``top``: pyproject.toml, its files, and the
    ``__init__.py`` of every package directory (from each root down) it does not give."""
    table = config_table(case.config)
    pyproject = _with_header(case.config)
    if "root" not in table:
        default = f'[tool.fsd-lint]\nroot = "{DEFAULT_ROOT}"\n'
        pyproject = pyproject.replace("[tool.fsd-lint]\n", default, 1)
    (top / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    roots = table.get("root", DEFAULT_ROOT)
    listed = [roots] if isinstance(roots, str) else roots if isinstance(roots, list) else []
    package_tops = [top / str(root) for root in listed]
    absent = {top / f.path for f in case.files if f.content is None and not f.is_folder}
    directories: list[Path] = []
    for file in case.files:
        path = top / file.path
        if file.is_folder:
            path.mkdir(parents=True, exist_ok=True)
            directories.append(path)
        elif file.content is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(file.content, encoding="utf-8")
            directories.append(path.parent)
    for directory in directories:
        for package_top in package_tops:
            current = directory
            while current == package_top or package_top in current.parents:
                init = current / "__init__.py"
                if not init.exists() and init not in absent:
                    init.write_text("", encoding="utf-8")
                current = current.parent


def diagnostics_of(output: list[dict[str, object]]) -> tuple[Expected, ...]:
    """(path, line, code) of every diagnostic of a JSON report, sorted."""
    return tuple(sorted((str(d["path"]), int(str(d["line"])), str(d["code"])) for d in output))
