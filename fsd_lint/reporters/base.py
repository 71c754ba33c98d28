"""What every reporter is given besides the diagnostics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReportContext:
    color: bool = False
    # The text of a reported file by its display path (None if it cannot be read).
    source: Callable[[str], str | None] = lambda path: None
