"""The rule documents (``rules/FSDnnn.md``): where they are and what is in them.

One text serves every reader: ``fsd-lint rule``, the tests that run their examples, and any
future SARIF/LSP help. Installed wheels carry them as ``fsd_lint/_rule_docs``; a source
checkout reads the repository's ``rules/`` folder.
"""

from __future__ import annotations

from pathlib import Path

PACKAGED = Path(__file__).resolve().parent.parent / "_rule_docs"
SOURCE_TREE = Path(__file__).resolve().parent.parent.parent / "rules"


def docs_dir() -> Path:
    return PACKAGED if PACKAGED.is_dir() else SOURCE_TREE


def doc_path(code: str) -> Path:
    return docs_dir() / f"{code}.md"


def load(code: str) -> str | None:
    """The markdown document of a rule, or None if it is missing."""
    path = doc_path(code)
    return path.read_text(encoding="utf-8") if path.is_file() else None
