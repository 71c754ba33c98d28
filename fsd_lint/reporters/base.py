"""What every reporter is given besides the diagnostics, and the CI formats' path helper."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReportContext:
    color: bool = False
    # The text of a reported file by its display path (None if it cannot be read).
    source: Callable[[str], str | None] = lambda path: None
    # The codes of every rule that was enabled for the run (SARIF lists them all).
    enabled_rules: tuple[str, ...] = ()


def relative_to(path: str, base: str) -> str | None:
    """``path`` (a display path) relative to the directory ``base`` (a CI checkout such as
    ``$GITHUB_WORKSPACE``), with forward slashes; None if the file lies outside ``base``."""
    base = os.path.realpath(base)
    absolute = os.path.abspath(path)
    try:
        inside = os.path.commonpath([base, absolute]) == base
    except ValueError:  # another drive
        return None
    return os.path.relpath(absolute, base).replace(os.sep, "/") if inside else None


def checkout_path(path: str, checkout: str | None) -> str:
    """``path`` relative to the CI checkout directory ``checkout`` when one is given and holds
    the file; otherwise ``path`` itself."""
    return (relative_to(path, checkout) if checkout else None) or path
