"""Writing suppression comments: extend the line's directive, or append ``# noqa: CODES``.

Shared by ``--add-noqa`` and the language server's "Disable CODE for this line" action. The
line's comment is the one the tokenizer found (``facts.comments.comment_columns``): a ``#``
inside a string is never edited. Directives are read with the same patterns that decide what
they suppress, so an added code always takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from fsd_lint.facts.comments import FSD_IGNORE, FSD_NOQA, NOQA, selector_words


@dataclass(frozen=True)
class LineEdit:
    """Replace code points ``start:end`` of a line with ``text``."""

    start: int
    end: int
    text: str


def noqa_edit(line: str, codes: list[str], comment_column: int | None) -> LineEdit | None:
    """The edit that makes ``line`` suppress ``codes``; None if it already does.
    ``comment_column``: where the line's comment starts (0-based), None if it has none."""
    line = line.rstrip("\r\n")
    appended = LineEdit(len(line), len(line), f"  # noqa: {', '.join(codes)}")
    if comment_column is None:
        return appended
    comment = line[comment_column:]
    if FSD_NOQA.search(comment):
        return None  # suppresses everything already
    ignore = FSD_IGNORE.search(comment)
    if ignore is not None:  # ``# fsd-lint: ignore[...]`` wins over a noqa: extend it
        return _extend(comment_column + ignore.start("list"), ignore["list"], codes)
    noqa = NOQA.search(comment)
    if noqa is None:
        return appended  # another comment: the directive may follow it
    if not noqa["colon"] or not selector_words(noqa["list"]):
        return None  # a bare noqa suppresses everything already
    return _extend(comment_column + noqa.start("list"), noqa["list"], codes)


def _extend(start: int, listed: str, codes: list[str]) -> LineEdit | None:
    """Add the missing ``codes`` after the selectors that open ``listed`` (at ``start``)."""
    words = selector_words(listed)
    existing = [word[0] for word in words]
    missing = [code for code in codes if code not in existing]
    if not missing:
        return None
    if not words:
        return LineEdit(start, start, ", ".join(missing))
    end = start + words[-1].end()
    return LineEdit(end, end, "".join(f", {code}" for code in missing))
