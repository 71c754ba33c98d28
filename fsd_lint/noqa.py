"""Writing ``# noqa`` comments: extend the line's comment, or append a new one.

Shared by ``--add-noqa`` and the language server's "Disable CODE for this line" action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z0-9\-]+(?:[,\s]+[A-Za-z0-9\-]+)*))?",
                   re.IGNORECASE)


@dataclass(frozen=True)
class LineEdit:
    """Replace code points ``start:end`` of a line with ``text``."""

    start: int
    end: int
    text: str


def noqa_edit(line: str, codes: list[str]) -> LineEdit | None:
    """The edit that makes ``line`` suppress ``codes``; None if it already does."""
    line = line.rstrip("\r\n")
    match = _NOQA.search(line)
    if match is None:
        return LineEdit(len(line), len(line), f"  # noqa: {', '.join(codes)}")
    present = match["codes"]
    if present is None:
        return None  # a bare "# noqa" already suppresses everything
    existing = [code for code in re.split(r"[,\s]+", present) if code]
    missing = [code for code in codes if code not in existing]
    if not missing:
        return None
    return LineEdit(match.start("codes"), match.end("codes"), ", ".join([*existing, *missing]))
