"""Reading files and extracting their facts, spread over processes.

Each file is read and parsed once, in a worker; what comes back are frozen facts. A crash
while processing a file is a bug: it is reported with the file's path, never swallowed.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from fsd_lint.diagnostics import FILE_START
from fsd_lint.facts.options import FactOptions
from fsd_lint.facts.types import FileFacts, ParseFailure
from fsd_lint.files import stat_key

if TYPE_CHECKING:  # worker processes are imported when first started: warm runs need none
    import multiprocessing.context
    from concurrent.futures import ProcessPoolExecutor

MAX_FILE_BYTES = 8 * 1024 * 1024
PARALLEL_THRESHOLD = 64  # below this many files, starting workers costs more than it saves
POSITIONS_THRESHOLD = 8  # the same for the positions pass (a libcst parse per file)
DEFAULT_OPTIONS = FactOptions()
NO_FAST_PATH_ENV = "FSD_LINT_NO_FAST_PATH"  # hidden switch: every file through libcst (tests)


class InternalError(Exception):
    """fsd-lint itself failed while processing ``path``: a bug."""

    def __init__(self, path: Path, details: str) -> None:
        self.path = path
        self.details = details
        super().__init__(f"internal error while processing {path}")


def read_source(path: Path) -> bytes | ParseFailure:
    """The file's bytes, or why they cannot be had."""
    try:
        status = path.stat()
        size = status.st_size
        if not stat.S_ISREG(status.st_mode):  # a FIFO or a device would block or never end
            return ParseFailure("not a regular file; exclude it", FILE_START, unreadable=True)
        if size > MAX_FILE_BYTES:
            return ParseFailure(
                f"the file is {size // (1024 * 1024)} MiB, larger than the "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MiB fsd-lint analyses; exclude it",
                FILE_START, unreadable=True,
            )
        return path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        if path.is_symlink():
            reason = f"it is a broken symbolic link ({reason})"
        return ParseFailure(f"cannot read the file: {reason}", FILE_START, unreadable=True)


def fast_path_enabled() -> bool:
    """False when ``FSD_LINT_NO_FAST_PATH`` is set: every file then goes through libcst."""
    return os.environ.get(NO_FAST_PATH_ENV, "") in ("", "0")


Route = Literal["fast", "fast-auth", "libcst-auth", "libcst", "unreadable"]


def routed_facts(
    source: bytes | ParseFailure, *, with_positions: bool = False,
    options: FactOptions = DEFAULT_OPTIONS, auth: bool = True,
) -> tuple[FileFacts, Route]:
    """The facts of one file's bytes, and the way they were had. Without positions, files take
    the fast path (``facts.fast``), with their auth facts ("fast-auth") unless ``auth`` is False
    (no auth rule is enabled); every file the fast path is unsure of goes through libcst
    (``facts.extract``), which stays the analyzer of record ("libcst-auth" for those that need
    auth analysis)."""
    if isinstance(source, ParseFailure):
        return FileFacts(failure=source), "unreadable"
    route: Route = "libcst"
    if not with_positions and fast_path_enabled():
        # Imported here, as libcst is below: a run whose facts are all cached needs neither.
        from fsd_lint.facts.auth_words import needs_auth_analysis
        from fsd_lint.facts.fast import fast_facts

        text = source.decode("utf-8", errors="replace")
        facts = fast_facts(source, text, options if auth else None)
        if facts is not None:
            return facts, "fast" if facts.auth is None else "fast-auth"
        if auth and needs_auth_analysis(text, options):
            route = "libcst-auth"
    from fsd_lint.facts.extract import extract_facts  # libcst: imported only when needed

    return extract_facts(source, with_positions=with_positions, options=options), route


def facts_for_source(
    source: bytes | ParseFailure, *, with_positions: bool = False,
    options: FactOptions = DEFAULT_OPTIONS, auth: bool = True,
) -> FileFacts:
    return routed_facts(source, with_positions=with_positions, options=options, auth=auth)[0]


@dataclass(frozen=True)
class Extracted:
    """What a worker returns for one file: its facts, and what the cache needs to key them."""

    path: Path
    facts: FileFacts
    route: Route
    digest: bytes | None = None  # sha256 of the bytes the facts come from; None: unreadable
    # (size, mtime_ns, ctime_ns, inode) taken before reading, and when (time.time_ns())
    stat: tuple[int, int, int, int] | None = None
    seen_at: int = 0


def digest_of(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _facts_task(
    task: tuple[Path, bytes | None], options: FactOptions, auth: bool, with_positions: bool
) -> Extracted | tuple[Path, str]:
    """One file, in a worker: read it (unless its bytes are given), hash it, extract."""
    path, data = task
    try:
        seen_at = time.time_ns()
        status: tuple[int, int, int, int] | None = None
        source: bytes | ParseFailure
        if data is None:
            try:
                status = stat_key(os.stat(path))
            except OSError:
                status = None
            source = read_source(path)
        else:
            source = data
        digest = digest_of(source) if isinstance(source, bytes) else None
        facts, route = routed_facts(source, with_positions=with_positions, options=options,
                                    auth=auth)
        return Extracted(path, facts, route, digest, status, seen_at)
    except Exception:
        return path, traceback.format_exc()


def _context() -> multiprocessing.context.BaseContext:
    import multiprocessing

    if sys.platform != "win32" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


T = TypeVar("T")
R = TypeVar("R")


class Workers:
    """Worker processes, started on first need and shared by the passes of a run (facts, then
    positions), so that each worker imports libcst once. Small batches run in this process.
    Results come back in the order of the inputs, whatever the number of workers."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None

    def map(self, function: Callable[[T], R], items: Sequence[T],
            threshold: int = PARALLEL_THRESHOLD) -> list[R]:
        """``function`` over ``items``; in the workers if they are running already or if there
        are at least ``threshold`` items."""
        if self.jobs <= 1 or not items or (self.pool is None and len(items) < threshold):
            return [function(item) for item in items]
        if self.pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=_context())
        chunksize = max(1, len(items) // (self.jobs * 8))
        return list(self.pool.map(function, items, chunksize=chunksize))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def extract_many(
    tasks: Sequence[tuple[Path, bytes | None]], workers: Workers,
    options: FactOptions = DEFAULT_OPTIONS, *, auth: bool = True, with_positions: bool = False,
) -> list[Extracted]:
    """Facts for each (path, its bytes, or None to read the file); InternalError on a bug."""
    task = functools.partial(_facts_task, options=options, auth=auth,
                             with_positions=with_positions)
    results: list[Extracted] = []
    # Positions cost a libcst parse and a code generation pass: worth workers sooner.
    threshold = POSITIONS_THRESHOLD if with_positions else PARALLEL_THRESHOLD
    for outcome in workers.map(task, tasks, threshold):
        if isinstance(outcome, tuple):
            raise InternalError(*outcome)
        results.append(outcome)
    return results


def extract_all(
    paths: Iterable[Path], jobs: int, overrides: Mapping[Path, bytes] | None = None,
    options: FactOptions = DEFAULT_OPTIONS, *, auth: bool = True,
) -> dict[Path, FileFacts]:
    """Facts for every path; ``overrides`` supplies contents not on disk (stdin); ``options``
    are the settings the facts depend on; without ``auth`` no auth facts are gathered."""
    overrides = overrides or {}
    tasks = [(path, overrides.get(path)) for path in paths]
    with Workers(jobs) as workers:
        return {item.path: item.facts
                for item in extract_many(tasks, workers, options, auth=auth)}
