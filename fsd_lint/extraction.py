"""Reading files and extracting their facts, spread over processes.

Each file is read and parsed once, in a worker; what comes back are frozen facts. A crash
while processing a file is a bug: it is reported with the file's path, never swallowed.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import traceback
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from fsd_lint.diagnostics import FILE_START
from fsd_lint.facts.extract import extract_facts
from fsd_lint.facts.types import FileFacts, ParseFailure

MAX_FILE_BYTES = 8 * 1024 * 1024
PARALLEL_THRESHOLD = 64  # below this many files, starting workers costs more than it saves


class InternalError(Exception):
    """fsd-lint itself failed while processing ``path``: a bug."""

    def __init__(self, path: Path, details: str) -> None:
        self.path = path
        self.details = details
        super().__init__(f"internal error while processing {path}")


def read_source(path: Path) -> bytes | ParseFailure:
    """The file's bytes, or why they cannot be had."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return ParseFailure(
                f"the file is {size // (1024 * 1024)} MiB, larger than the "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MiB fsd-lint analyses; exclude it",
                FILE_START, unreadable=True,
            )
        return path.read_bytes()
    except OSError as error:
        return ParseFailure(f"cannot read the file: {error.strerror or error}", FILE_START,
                            unreadable=True)


def facts_for_source(source: bytes | ParseFailure, *, with_positions: bool = False) -> FileFacts:
    if isinstance(source, ParseFailure):
        return FileFacts(failure=source)
    return extract_facts(source, with_positions=with_positions)


def _extract_one(path: Path) -> tuple[Path, FileFacts | str]:
    try:
        return path, facts_for_source(read_source(path))
    except Exception:
        return path, traceback.format_exc()


def _context() -> multiprocessing.context.BaseContext:
    if sys.platform != "win32" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def extract_all(
    paths: Iterable[Path], jobs: int, overrides: Mapping[Path, bytes] | None = None
) -> dict[Path, FileFacts]:
    """Facts for every path; ``overrides`` supplies contents not on disk (stdin)."""
    overrides = overrides or {}
    on_disk = [path for path in paths if path not in overrides]
    results: list[tuple[Path, FileFacts | str]]
    if jobs > 1 and len(on_disk) >= PARALLEL_THRESHOLD:
        chunksize = max(1, len(on_disk) // (jobs * 8))
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_context()) as pool:
            results = list(pool.map(_extract_one, on_disk, chunksize=chunksize))
    else:
        results = [_extract_one(path) for path in on_disk]
    facts: dict[Path, FileFacts] = {}
    for path, outcome in results:
        if isinstance(outcome, str):
            raise InternalError(path, outcome)
        facts[path] = outcome
    for path, source in overrides.items():
        try:
            facts[path] = facts_for_source(source)
        except Exception as error:
            raise InternalError(path, traceback.format_exc()) from error
    return facts
