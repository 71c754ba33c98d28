"""Where the time went: with ``FSD_LINT_TIMING=1`` (or ``check --timing``) each phase of a
run (discovery, model, cache, scan, parse, rules, positions, report) is timed and counted,
and a table is printed to stderr at the end.

Phases nest freely and may repeat (one per project); their times add up. Counters record how
many files went which way (from the cache, fast path, libcst). Timing costs nothing when off.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

_START = time.perf_counter()
_times: dict[str, float] = {}
_counts: dict[str, int] = {}
_enabled = os.environ.get("FSD_LINT_TIMING", "") not in ("", "0")


def enable() -> None:
    global _enabled
    _enabled = True


def enabled() -> bool:
    return _enabled


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Time the block under ``name`` (added to earlier blocks of the same name)."""
    if not _enabled:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        _times[name] = _times.get(name, 0.0) + time.perf_counter() - start


def count(name: str, amount: int = 1) -> None:
    if _enabled and amount:
        _counts[name] = _counts.get(name, 0) + amount


def _process_age() -> float | None:
    """Seconds since this process started (Linux), to show the interpreter's start-up."""
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            fields = handle.read().rpartition(")")[2].split()
        with open("/proc/uptime", encoding="ascii") as handle:
            uptime = float(handle.read().split()[0])
        return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def render() -> str:
    total = time.perf_counter() - _START
    lines = ["fsd-lint timing (seconds):"]
    age = _process_age()
    if age is not None:
        startup = max(age - total, 0.0)
        lines.append(f"  {'interpreter start-up':<28} {startup:8.3f}")
    for name, seconds in _times.items():
        lines.append(f"  {name:<28} {seconds:8.3f}")
    lines.append(f"  {'total since import':<28} {total:8.3f}")
    if _counts:
        lines.append("files:")
        lines += [f"  {name:<28} {number:8d}" for name, number in sorted(_counts.items())]
    return "\n".join(lines)


def report() -> None:
    """Print the table to stderr when timing is on."""
    if _enabled:
        print(render(), file=sys.stderr)
