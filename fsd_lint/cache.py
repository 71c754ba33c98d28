"""The on-disk cache: facts by file content, and the results of whole runs.

Layout (``.fsd_lint_cache/`` in the project directory unless ``--cache-dir``,
``FSD_LINT_CACHE_DIR`` or the ``cache-dir`` setting says otherwise)::

    .fsd_lint_cache/
      CACHEDIR.TAG        marks the directory as a cache (backup tools skip it)
      .gitignore          "*": never committed
      <version>/
        <key>.facts00-15  facts, and facts with positions, by sha256 of the file's bytes (in
                          16 shards: a run that analysed one file rewrites one shard); each
                          pickled on its own, beside a summary of what it holds, and only
                          unpickled when read
        <key>.index       path -> (size, mtime, ctime, inode, sha256); results and
                          findings of whole runs; the last walk of the project's files

``<key>`` digests everything the facts depend on: this format, the tool (its version and a
fingerprint of its own source files, so an edited install never reads stale facts), the Python
version (the fast path uses its parser), the project directory and the settings the facts
depend on. Facts are keyed by content hash, so a file whose mtime changed but not its bytes is
not analysed again; cross-file rules always run again, on the facts.

The index lets a warm run skip reading unchanged files: an entry is trusted when the file's
size, mtime, ctime and inode are those recorded. It is only recorded when the file was last
changed well before it was read (the "racy timestamp" rule, as in git): 0.1 s before on file
systems with sub-second timestamps, 2 s on those with whole seconds; a file changed again
within the same timestamp tick would otherwise keep its old entry. ctime cannot be set back by
tools, so a later write always shows.

The last walk's file list is kept with its witnesses (``files.Witnesses``: the stat of every
directory listed and of every ignore or config file read), and reused while they hold; it is
only kept when they are old enough by the same rule.

A whole run's diagnostics are stored under a digest of every input (tool, settings, options,
current directory, targets, and the content hash of every file): when nothing changed, they
are reused as they are. The rules'
findings (before positions and suppressions) are stored under the same digest: when the only
files that changed have the very facts their previous contents had (a comment, a docstring or
a function body edited), the engine looks them up under the previous hashes and runs no rule.

Writes go to a temporary file renamed over the old one, so a reader sees the old file or the
new one, never half of one; two concurrent runs may each lose the other's additions, never
corrupt the cache. Anything unreadable, from another format or for another key is ignored
(and replaced on the next write). Files are pickles read with an unpickler that only builds
fsd-lint's own fact and diagnostic types: a crafted cache file cannot run code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import hashlib
import importlib
import io
import os
import pickle
import secrets
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from fsd_lint import timing
from fsd_lint.diagnostics import Diagnostic
from fsd_lint.facts.lazy import Summary
from fsd_lint.facts.types import FileFacts
from fsd_lint.files import Discovery, StatKey, Witnesses, stat_key

FORMAT = 4
CACHE_DIR_NAME = ".fsd_lint_cache"
CACHE_DIR_ENV = "FSD_LINT_CACHE_DIR"
RACY_NS = 2_000_000_000  # a file changed this recently is read again next time...
FINE_RACY_NS = 100_000_000  # ...or this recently on a file system with sub-second times
MAX_RESULTS = 8  # whole-run results kept per project (one per set of options and targets)
TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by fsd-lint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_TYPE_MODULES = ("fsd_lint.facts.types", "fsd_lint.facts.auth_types", "fsd_lint.diagnostics")

_BINARY = getattr(os, "O_BINARY", 0)  # Windows



def cache_directory(project_dir: Path, configured: Path | None, override: Path | None) -> Path:
    """Where a project's cache lives: ``--cache-dir``, else ``FSD_LINT_CACHE_DIR``, else the
    ``cache-dir`` setting, else ``.fsd_lint_cache`` in the project directory."""
    if override is not None:
        return override.resolve()
    from_env = os.environ.get(CACHE_DIR_ENV)
    if from_env:
        return Path(from_env).resolve()
    return configured if configured is not None else project_dir / CACHE_DIR_NAME


def is_our_cache(directory: Path) -> bool:
    """Whether ``directory`` holds fsd-lint's cache tag (``clean`` removes nothing else)."""
    try:
        return (directory / "CACHEDIR.TAG").read_text(encoding="utf-8") == TAG
    except (OSError, UnicodeDecodeError):
        return False


@functools.lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """The version and the size and mtime of every module of fsd-lint itself."""
    from fsd_lint import __version__

    package = Path(__file__).parent
    digest = hashlib.sha256(__version__.encode())
    pending = [str(package)]
    entries = []
    while pending:
        with os.scandir(pending.pop()) as scan:
            for entry in scan:
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    status = entry.stat()
                    entries.append(f"{entry.path}:{status.st_size}:{status.st_mtime_ns}")
    for item in sorted(entries):
        digest.update(item.encode())
    return f"{__version__}-{digest.hexdigest()[:16]}"


def racy_margin(ctime_ns: int) -> int:
    """How long ago a file must have changed for its stat to vouch for its content: ctime
    cannot be set by tools, so whole seconds mean a file system that keeps only those."""
    return FINE_RACY_NS if ctime_ns % 1_000_000_000 else RACY_NS


def settled(stat: StatKey, seen_at: int) -> bool:
    """Whether a stat taken at ``seen_at`` can vouch for its file next time: the file had
    last changed well before (the racy-timestamp rule)."""
    return max(stat[1], stat[2]) < seen_at - racy_margin(stat[2])


def digest_key(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


class _Unpickler(pickle.Unpickler):
    """Builds only fsd-lint's fact and diagnostic types (frozen dataclasses and enums)."""

    def find_class(self, module: str, name: str) -> Any:
        # The auth fact types are imported only when a cache file holds them.
        owner = importlib.import_module(module) if module in _TYPE_MODULES else None
        found = getattr(owner, name, None)
        if isinstance(found, type) and (dataclasses.is_dataclass(found)
                                         or issubclass(found, enum.Enum)):
            return found
        raise pickle.UnpicklingError(f"{module}.{name} has no place in fsd-lint's cache")


def _load(path: Path, key: str) -> dict[str, Any] | None:
    """The file's content if it is ours, of this format and for this key; None otherwise."""
    try:
        with path.open("rb") as handle:
            data = _Unpickler(handle).load()
    except Exception:  # missing, unreadable, truncated, corrupt or foreign: start afresh
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        return None
    return data


def _write_atomically(path: Path, write: Any) -> None:
    """Write through a temporary file in the same directory, then rename it into place."""
    temporary = path.parent / f".tmp-{os.getpid()}-{secrets.token_hex(6)}.part"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _dump(handle: BinaryIO, data: object) -> None:
    pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)


def prepare_directory(directory: Path) -> None:
    """Create the cache directory with its tag and its .gitignore."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in (("CACHEDIR.TAG", TAG), (".gitignore", "*\n")):
        target = directory / name
        if not target.exists():
            _write_atomically(target, lambda handle, text=content: handle.write(text.encode()))


SHARDS = 16  # facts files per key: a run that changed little rewrites little


class Cache:
    """One project's cache, for one key: loaded lazily, written by :meth:`save`."""

    def __init__(self, directory: Path, key: str) -> None:
        from fsd_lint import __version__

        self.directory = directory
        self.key = key
        self.folder = directory / __version__
        self.warnings: list[str] = []
        self._index: dict[str, Any] | None = None
        self._index_changed = False
        self._shards: dict[int, dict[str, Any]] = {}
        self._dirty: set[int] = set()
        self._used: set[tuple[str, bytes]] = set()  # (table, digest) read or added this run
        self._unpickled: dict[tuple[str, bytes], FileFacts] = {}

    # -- the index ----------------------------------------------------------------------------

    @property
    def index(self) -> dict[str, Any]:
        if self._index is None:
            loaded = _load(self.folder / f"{self.key}.index", self.key)
            self._index = loaded or {"format": FORMAT, "key": self.key, "files": {},
                                     "results": {}, "findings": {}, "local": {}}
        return self._index

    def known_digests(self, paths: Iterable[Path]) -> dict[Path, bytes]:
        """The content hash of every path whose stat matches its trusted index entry."""
        files: dict[str, tuple[int, int, int, int, bytes]] = self.index["files"]
        known: dict[Path, bytes] = {}
        stat = os.stat
        for path in paths:
            name = str(path)
            entry = files.get(name)
            if entry is None:
                continue
            try:
                status = stat(name)
            except OSError:
                continue
            if entry[:4] == stat_key(status):
                known[path] = entry[4]
        return known

    def recorded_digest(self, path: Path) -> bytes | None:
        """The content hash the index holds for ``path``, whether or not its stat still
        matches (for a changed file: the hash of what it held before)."""
        entry = self.index["files"].get(str(path))
        return entry[4] if entry is not None else None

    def record_stat(self, path: Path, stat: StatKey | None, seen_at: int, digest: bytes) -> None:
        """Remember that ``path`` with ``stat`` (taken at ``seen_at``, before reading) holds
        ``digest``, if its timestamps are old enough to be trusted next time."""
        name = str(path)
        files = self.index["files"]
        if stat is None or not settled(stat, seen_at):
            if files.pop(name, None) is not None:
                self._index_changed = True
            return
        entry = (*stat, digest)
        if files.get(name) != entry:
            files[name] = entry
            self._index_changed = True

    def forget_unseen(self, paths: Iterable[Path]) -> None:
        """Drop index entries of files that are no longer part of the project."""
        current = {str(path) for path in paths}
        files = self.index["files"]
        for name in [name for name in files if name not in current]:
            del files[name]
            self._index_changed = True

    def result(self, run_key: str) -> list[Diagnostic] | None:
        found = self.index["results"].get(run_key)
        if isinstance(found, tuple) and all(isinstance(d, Diagnostic) for d in found):
            return list(found)
        return None

    def add_result(self, run_key: str, diagnostics: list[Diagnostic]) -> None:
        results: dict[str, tuple[Diagnostic, ...]] = self.index["results"]
        if results.get(run_key) == tuple(diagnostics):
            return
        results.pop(run_key, None)
        results[run_key] = tuple(diagnostics)
        while len(results) > MAX_RESULTS:
            del results[next(iter(results))]
        self._index_changed = True

    def findings(self, run_key: str) -> tuple[tuple[Any, ...], ...] | None:
        """The rules' findings of an earlier run, as rows (the engine reads them)."""
        found = self.index["findings"].get(run_key)
        return found if isinstance(found, tuple) else None

    def add_findings(self, run_key: str, rows: tuple[tuple[Any, ...], ...]) -> None:
        table: dict[str, tuple[tuple[Any, ...], ...]] = self.index["findings"]
        if table.get(run_key) == rows:
            return
        table.pop(run_key, None)
        table[run_key] = rows
        while len(table) > MAX_RESULTS:
            del table[next(iter(table))]
        self._index_changed = True

    def discovery(self, key: str) -> Discovery | None:
        """The result of the last walk with the discovery settings ``key`` stands for, if its
        witnesses still hold (the walk would find the same files); None otherwise."""
        table = self.index.get("discovery")
        if not isinstance(table, dict) or table.get("key") != key:
            return None
        try:
            files, nested, walked, stats, exists, seen_at, listings = table["entry"]
            witnesses = Witnesses(stats, exists, seen_at, listings)
            if not witnesses.hold():
                return None
            return Discovery(tuple(map(Path, files)), tuple(map(Path, nested)),
                             frozenset(walked), witnesses)
        except (KeyError, TypeError, ValueError):
            return None

    def add_discovery(self, key: str, discovery: Discovery) -> None:
        """Remember a walk's result if its witnesses can vouch for it next time: none of them
        changed too recently (the racy-timestamp rule of the file index)."""
        witnesses = discovery.witnesses
        if witnesses is None:
            return
        trusted = all(stat is None or settled(stat, witnesses.seen_at)
                      for _, stat in witnesses.stats)
        entry = (tuple(map(str, discovery.python_files)),
                 tuple(map(str, discovery.nested_projects)), tuple(sorted(discovery.walked)),
                 witnesses.stats, witnesses.exists, witnesses.seen_at, witnesses.listings)
        self.index["discovery"] = {"key": key, "entry": entry} if trusted else {}
        self._index_changed = True

    def local_findings(self, key: str) -> dict[str, tuple[bytes, tuple[tuple[Any, ...], ...]]]:
        """The local rules' findings by file (path -> its content hash and the rows), stored
        under ``key`` (the model and public APIs they were found with); empty for another."""
        table = self.index["local"]
        found = table.get("entries") if table.get("key") == key else None
        return found if isinstance(found, dict) else {}

    def add_local_findings(self, key: str,
                           entries: Mapping[str, tuple[bytes, tuple[tuple[Any, ...], ...]]]
                           ) -> None:
        """Add (or replace) files' entries under ``key``; entries of another key are dropped:
        they were found with a model or public APIs that no longer exist."""
        if not entries:
            return
        table = self.index["local"]
        if table.get("key") != key:
            table.clear()
            table.update(key=key, entries={})
        table["entries"].update(entries)
        self._index_changed = True

    # -- the facts ------------------------------------------------------------------------------

    def _shard(self, digest: bytes) -> tuple[int, dict[str, Any]]:
        number = digest[0] * SHARDS // 256
        shard = self._shards.get(number)
        if shard is None:
            loaded = _load(self.folder / f"{self.key}.facts{number:02d}", self.key)
            shard = loaded or {"format": FORMAT, "key": self.key, "facts": {}, "positioned": {}}
            self._shards[number] = shard
        return number, shard

    def has_facts(self) -> bool:
        """Whether any facts are cached at all (a cold cache reads nothing in this process)."""
        return any((self.folder / f"{self.key}.facts{number:02d}").exists()
                   for number in range(SHARDS))

    def _entry(self, table: str, digest: bytes) -> tuple[tuple[bool, bool], bytes] | None:
        """A table's entry: (the summary, the pickled facts); None if absent or malformed."""
        entry = self._shard(digest)[1][table].get(digest)
        if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], bytes)
                and isinstance(entry[0], tuple) and len(entry[0]) == len(Summary._fields)):
            return None
        self._used.add((table, digest))
        return entry

    def _get(self, table: str, digest: bytes) -> FileFacts | None:
        found = self._unpickled.get((table, digest))
        if found is not None:
            return found
        entry = self._entry(table, digest)
        if entry is None:
            return None
        try:
            loaded = _Unpickler(io.BytesIO(entry[1])).load()
        except Exception:  # corrupt: as if absent
            return None
        if not isinstance(loaded, FileFacts):
            return None
        timing.count(f"{table} read from the cache")
        self._unpickled[(table, digest)] = loaded
        return loaded

    def _put(self, table: str, digest: bytes, facts: FileFacts) -> None:
        number, shard = self._shard(digest)
        shard[table][digest] = (tuple(Summary.of(facts)),
                                pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))
        self._unpickled[(table, digest)] = facts
        self._used.add((table, digest))
        self._dirty.add(number)

    def summary(self, digest: bytes) -> Summary | None:
        """What the cached facts of ``digest`` hold (None: none cached), without reading them."""
        entry = self._entry("facts", digest)
        return Summary(*entry[0]) if entry is not None else None

    def facts(self, digest: bytes) -> FileFacts | None:
        return self._get("facts", digest)

    def add_facts(self, digest: bytes, facts: FileFacts) -> None:
        self._put("facts", digest, facts)

    def positioned(self, digest: bytes) -> FileFacts | None:
        return self._get("positioned", digest)

    def add_positioned(self, digest: bytes, facts: FileFacts) -> None:
        self._put("positioned", digest, facts)

    # -- writing ------------------------------------------------------------------------------

    def _pruned(self, table: str, entries: dict[bytes, Any]) -> dict[bytes, Any]:
        """This run's entries, then the most recent others: at most about twice as many (the
        branch a developer switches back to keeps most of its facts)."""
        kept = {digest: facts for digest, facts in entries.items()
                if (table, digest) in self._used}
        limit = 2 * len(kept) + 64
        for digest in reversed(list(entries)):
            if len(kept) >= limit:
                break
            kept.setdefault(digest, entries[digest])
        return kept

    def save(self) -> None:
        """Write what changed; a failure to write is a warning, never an error."""
        if not (self._index_changed or self._dirty):
            return
        try:
            prepare_directory(self.directory)
            self.folder.mkdir(exist_ok=True)
            for number in sorted(self._dirty):
                shard = dict(self._shards[number])
                for table in ("facts", "positioned"):
                    shard[table] = self._pruned(table, shard[table])
                _write_atomically(self.folder / f"{self.key}.facts{number:02d}",
                                  functools.partial(_dump, data=shard))
            if self._index_changed and self._index is not None:
                _write_atomically(self.folder / f"{self.key}.index",
                                  functools.partial(_dump, data=self._index))
            self._remove_stale_temporaries()
        except OSError as error:
            self.warnings.append(f"could not write the cache in {self.directory}: "
                                 f"{error.strerror or error}")
        self._index_changed = False
        self._dirty.clear()

    def _remove_stale_temporaries(self) -> None:
        """Temporary files left by runs that were killed while writing."""
        limit = time.time() - 3600
        with contextlib.suppress(OSError), os.scandir(self.folder) as scan:
            for entry in scan:
                if entry.name.startswith(".tmp-") and entry.stat().st_mtime < limit:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


def run_key(parts: Mapping[str, object]) -> str:
    """The digest of everything a whole run's diagnostics depend on."""
    return digest_key(FORMAT, tool_fingerprint(), sorted(parts.items()))


_PRUNED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox",
                          ".nox", "__pycache__", ".mypy_cache", ".ruff_cache"})


def find_caches(top: Path) -> list[Path]:
    """fsd-lint cache directories at or below ``top`` (what ``fsd-lint clean`` removes)."""
    found = []
    for directory, subdirectories, _ in os.walk(top):
        if CACHE_DIR_NAME in subdirectories:
            found.append(Path(directory) / CACHE_DIR_NAME)
        subdirectories[:] = [name for name in subdirectories
                             if name not in _PRUNED_DIRS and name != CACHE_DIR_NAME]
    return found


def remove_cache(directory: Path) -> str | None:
    """Remove a cache directory; why not, if it does not look like one of ours."""
    import shutil

    if not is_our_cache(directory):
        return (f"{directory} is not an fsd-lint cache (it has no CACHEDIR.TAG written by "
                "fsd-lint); left alone")
    try:
        shutil.rmtree(directory)
    except OSError as error:
        return f"could not remove {directory}: {error.strerror or error}"
    return None
