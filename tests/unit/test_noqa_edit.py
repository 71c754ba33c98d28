"""``noqa_edit``: which edit makes a line suppress some codes, given where its comment is."""

from __future__ import annotations

import pytest

from fsd_lint.facts.comments import comment_columns, parse_suppressions
from fsd_lint.noqa import noqa_edit


def apply(line: str, codes: list[str]) -> str:
    edit = noqa_edit(line, codes, comment_columns(line + "\n").get(1))
    return line if edit is None else line[: edit.start] + edit.text + line[edit.end :]


@pytest.mark.parametrize(("line", "codes", "expected"), [
    ("import a", ["FSD101"], "import a  # noqa: FSD101"),
    ("import a  # noqa: E501", ["FSD101"], "import a  # noqa: E501, FSD101"),
    ("import a  # noqa:E501,F401 because", ["FSD101"],
     "import a  # noqa:E501,F401, FSD101 because"),
    ("import a  # noqa: FSD101", ["FSD101"], "import a  # noqa: FSD101"),
    ("import a  # noqa", ["FSD101"], "import a  # noqa"),
    ("import a  # fsd-lint: noqa", ["FSD101"], "import a  # fsd-lint: noqa"),
    ("import a  # fsd-lint: ignore[]", ["FSD101"], "import a  # fsd-lint: ignore[FSD101]"),
    ("import a  # fsd-lint: ignore[FSD102]", ["FSD101"],
     "import a  # fsd-lint: ignore[FSD102, FSD101]"),
    ("import a  # why", ["FSD101", "FSD103"], "import a  # why  # noqa: FSD101, FSD103"),
    ('import a; s = "# noqa"', ["FSD101"], 'import a; s = "# noqa"  # noqa: FSD101'),
])
def test_the_edit_and_that_it_takes_effect(line: str, codes: list[str], expected: str) -> None:
    edited = apply(line, codes)
    assert edited == expected
    (suppression,) = parse_suppressions(edited + "\n")
    assert suppression.selectors is None or set(codes) <= suppression.selectors
