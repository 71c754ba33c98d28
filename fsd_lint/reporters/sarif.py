"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

The log passes the official OASIS schema and GitHub's own requirements: every enabled rule is
described (with its document as help), and results point at files by URIs relative to
``%SRCROOT%`` (``$GITHUB_WORKSPACE`` when set, else the current directory).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fsd_lint import __version__
from fsd_lint.diagnostics import Diagnostic, Fix, Span
from fsd_lint.reporters.base import ReportContext, relative_to
from fsd_lint.rules import docs
from fsd_lint.rules.registry import RULES, Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/fsd-lint/"
SRCROOT = "%SRCROOT%"
WORKSPACE_VARIABLE = "GITHUB_WORKSPACE"
DESCRIPTION_LIMIT = 1024  # GitHub's limit for short and full descriptions
_SECTION = re.compile(r"^## What it does[ \t]*\n(?P<body>.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def full_description(summary: str, document: str | None) -> str:
    """The "What it does" section of the rule's document, unwrapped, as many whole paragraphs
    as fit GitHub's limit (the summary when there is no document)."""
    match = _SECTION.search(document or "")
    if match is None:
        return _sentence(summary)
    paragraphs = [" ".join(p.split()) for p in match.group("body").split("\n\n") if p.strip()]
    if not paragraphs:
        return _sentence(summary)
    text = paragraphs[0]
    for paragraph in paragraphs[1:]:
        if len(text) + 2 + len(paragraph) > DESCRIPTION_LIMIT:
            break
        text += "\n\n" + paragraph
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A SARIF ``reportingDescriptor`` for ``rule``."""
    document = docs.load(rule.code)
    help_: dict[str, str] = {"text": _sentence(rule.summary)}
    if document is not None:
        help_ = {"text": document.strip(), "markdown": document.strip()}
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _sentence(rule.summary)},
        "fullDescription": {"text": full_description(rule.summary, document)},
        "help": help_,
        "defaultConfiguration": {"level": rule.severity.value},
        "properties": {"tags": ["feature-sliced-design", "architecture"]},
    }


def source_root() -> str:
    """The directory ``%SRCROOT%`` stands for: ``$GITHUB_WORKSPACE``, else the current one."""
    return os.path.realpath(os.environ.get(WORKSPACE_VARIABLE) or os.getcwd())


def artifact_location(path: str, root: str) -> dict[str, str]:
    """A file as a percent-encoded URI relative to ``%SRCROOT%`` (``root``), or as an
    absolute ``file:`` URI when it lies outside."""
    relative = relative_to(path, root)
    if relative is None:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}


def _region(span: Span) -> dict[str, int]:
    return {"startLine": span.line, "startColumn": span.column,
            "endLine": span.end_line, "endColumn": span.end_column}


def _fixes(fix: Fix, location: dict[str, str]) -> list[dict[str, Any]]:
    replacements = [{"deletedRegion": _region(edit.span), "insertedContent": {"text": edit.content}}
                    for edit in fix.edits]
    return [{"description": {"text": fix.message},
             "artifactChanges": [{"artifactLocation": location, "replacements": replacements}]}]


def _result(diagnostic: Diagnostic, rule_index: int | None, root: str) -> dict[str, Any]:
    location = artifact_location(diagnostic.path, root)
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        **({} if rule_index is None else {"ruleIndex": rule_index}),
        "level": diagnostic.severity.value,
        "message": {"text": diagnostic.message},
        "locations": [{"physicalLocation": {"artifactLocation": location,
                                            "region": _region(diagnostic.span)}}],
    }
    if diagnostic.fix is not None:
        result["fixes"] = _fixes(diagnostic.fix, location)
    return result


def _directory_uri(directory: str) -> str:
    uri = Path(directory).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def sarif_log(diagnostics: list[Diagnostic], enabled_rules: tuple[str, ...],
              root: str) -> dict[str, Any]:
    """The whole SARIF log: one run, every enabled rule (and any that fired) in table order,
    file URIs relative to ``root``."""
    wanted = set(enabled_rules) | {d.code for d in diagnostics}
    rules = [rule for rule in RULES if rule.code in wanted]
    index = {rule.code: number for number, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "fsd-lint",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule) for rule in rules],
            }},
            "invocations": [{"executionSuccessful": True}],
            "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(root)}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(d, index.get(d.code), root) for d in diagnostics],
        }],
    }


def render_sarif(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    log = sarif_log(diagnostics, context.enabled_rules, source_root())
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
