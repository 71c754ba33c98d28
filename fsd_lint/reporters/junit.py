"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure...).

One ``<testsuite>`` per file and one failing ``<testcase>`` per diagnostic, named with its code
and position so that names are unique (GitLab keeps only the first of equal names). A clean run
is one passing test case, "No errors found", so consumers never see an empty report.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from fsd_lint.diagnostics import Diagnostic
from fsd_lint.reporters.base import ReportContext

CLEAN = "No errors found"
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _counts(element: ET.Element, tests: int, failures: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")
    element.set("skipped", "0")


def case_names(diagnostics: list[Diagnostic]) -> list[str]:
    """``CODE rule-name (line:col)`` for each diagnostic of one file, made unique with a
    ``#n`` suffix when a file has the same code twice at one position."""
    names: list[str] = []
    seen: set[str] = set()
    for diagnostic in diagnostics:
        span = diagnostic.span
        base = f"{diagnostic.code} {diagnostic.rule} ({span.line}:{span.column})"
        name, number = base, 1
        while name in seen:
            number += 1
            name = f"{base} #{number}"
        seen.add(name)
        names.append(name)
    return names


def junit_tree(diagnostics: list[Diagnostic]) -> ET.Element:
    """The ``<testsuites>`` element for a run (diagnostics in the reporting order)."""
    root = ET.Element("testsuites", name="fsd-lint")
    _counts(root, max(1, len(diagnostics)), len(diagnostics))
    if not diagnostics:
        suite = ET.SubElement(root, "testsuite", name="fsd-lint")
        _counts(suite, 1, 0)
        ET.SubElement(suite, "testcase", name=CLEAN, classname="fsd-lint")
        return root
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    for path, found in by_path.items():
        suite = ET.SubElement(root, "testsuite", name=_text(path))
        _counts(suite, len(found), len(found))
        for diagnostic, name in zip(found, case_names(found), strict=True):
            span = diagnostic.span
            case = ET.SubElement(suite, "testcase", name=_text(name), classname=_text(path),
                                 file=_text(path), line=str(span.line))
            failure = ET.SubElement(case, "failure", message=_text(diagnostic.message),
                                    type=diagnostic.severity.value)
            failure.text = _text(f"{path}:{span.line}:{span.column}: {diagnostic.code} "
                                 f"[{diagnostic.severity.value}] {diagnostic.message}")
    return root


def render_junit(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    root = junit_tree(diagnostics)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
