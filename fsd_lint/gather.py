"""Facts and positions for a run: from the cache when a file's content is known, otherwise
extracted in worker processes (the fast path, or libcst), and stored back.

Unchanged files are not even read when their stat matches the cache index; files whose stat
changed are read and hashed here, and only the contents never seen before are analysed.
Positions (a libcst pass) are only asked for files with findings, and cached by content too.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from fsd_lint import timing
from fsd_lint.cache import Cache, cache_directory, digest_key, tool_fingerprint
from fsd_lint.extraction import (
    Extracted,
    Workers,
    digest_of,
    extract_many,
    facts_for_source,
    fast_path_enabled,
    read_source,
)
from fsd_lint.facts.lazy import LazyFacts, Summary
from fsd_lint.facts.options import FactOptions
from fsd_lint.facts.types import FileFacts
from fsd_lint.files import StatKey, stat_key
from fsd_lint.settings import Settings


def _nothing(digest: bytes) -> None:
    return None


def open_cache(settings: Settings, override: Path | None, options: FactOptions,
               auth: bool) -> Cache:
    """The cache of a project, keyed by everything its facts depend on."""
    directory = cache_directory(settings.project_dir, settings.cache_dir,
                                override)
    key = digest_key("facts", tool_fingerprint(), sys.version, sys.implementation.name,
                     str(settings.project_dir), options, auth, fast_path_enabled())
    return Cache(directory, key)


class Gatherer:
    """Gets the facts of a project's files for one run; ``cache`` None reads and writes
    nothing on disk."""

    def __init__(self, cache: Cache | None, workers: Workers, options: FactOptions,
                 auth: bool) -> None:
        self.cache = cache
        self.workers = workers
        self.options = options
        self.auth = auth
        self.digests: dict[Path, bytes] = {}  # content hash of every file read or known
        self.previous: dict[Path, bytes] = {}  # for files the index no longer vouches for:
        # the content hash it held (what the file contained when last seen)
        self._pending: dict[Path, tuple[StatKey, int]] = {}  # read here, analysed by workers

    def known(self, paths: Sequence[Path]) -> dict[Path, bytes]:
        """Content hashes the cache index vouches for, without reading the files."""
        if self.cache is None:
            return {}
        with timing.phase("cache: index"):
            known = self.cache.known_digests(paths)
        self.digests.update(known)
        return known

    def facts(self, paths: Sequence[Path], overrides: Mapping[Path, bytes]) -> LazyFacts:
        """Facts for every path (``overrides``: contents not on disk, never cached); those in
        the cache are read when first asked for."""
        facts: dict[Path, FileFacts] = {}
        cached: dict[Path, bytes] = {}  # path -> digest of facts in the cache
        summaries: dict[Path, Summary] = {}
        tasks: list[tuple[Path, bytes | None]] = []
        cache = self.cache
        on_disk = [path for path in paths if path not in overrides]
        if cache is not None:
            known = self.known([path for path in on_disk if path not in self.digests])
            known.update({path: self.digests[path] for path in on_disk if path in self.digests})
            with timing.phase("cache: facts"):
                for path, digest in known.items():
                    summary = cache.summary(digest)
                    if summary is not None:
                        cached[path] = digest
                        summaries[path] = summary
            unknown = [path for path in on_disk if path not in cached]
            self.previous = {}
            for path in unknown:
                recorded = cache.recorded_digest(path)
                if recorded is not None:
                    self.previous[path] = recorded
            if unknown and cache.has_facts():
                tasks += self._read_and_look_up(unknown, cached, summaries)
            else:
                tasks += [(path, None) for path in unknown]
        else:
            tasks += [(path, None) for path in on_disk]
        timing.count("facts from the cache", len(cached))
        tasks += [(path, overrides[path]) for path in paths if path in overrides]
        with timing.phase("scan + parse (workers)"):
            extracted = extract_many(tasks, self.workers, self.options, auth=self.auth)
        for item in extracted:
            facts[item.path] = item.facts
            timing.count(f"facts: {item.route}")
            self._remember(item, overrides)
        load = cache.facts if cache is not None else _nothing
        return LazyFacts(facts, cached, summaries, load, self._extract_again)

    def _extract_again(self, path: Path) -> FileFacts:
        """A file's facts the cache vouched for but could not give back (a damaged entry)."""
        return facts_for_source(read_source(path), options=self.options, auth=self.auth)

    def equivalent_digests(self, facts: Mapping[Path, FileFacts]) -> dict[Path, bytes]:
        """This run's content hashes, except that a changed file whose facts equal those of its
        previous content counts as that content: the rules cannot tell them apart."""
        digests = dict(self.digests)
        if self.cache is None:
            return digests
        for path, previous in self.previous.items():
            if digests.get(path) != previous and path in facts \
                    and self.cache.facts(previous) == facts[path]:
                digests[path] = previous
        return digests

    def _read_and_look_up(self, paths: list[Path], cached: dict[Path, bytes],
                          summaries: dict[Path, Summary]) -> list[tuple[Path, bytes | None]]:
        """Read and hash files the index cannot vouch for; a known content is not analysed
        again (a checkout or a ``touch`` changes mtimes, not contents)."""
        assert self.cache is not None
        tasks: list[tuple[Path, bytes | None]] = []
        with timing.phase("read + hash"):
            for path in paths:
                seen_at = time.time_ns()
                try:
                    status = stat_key(os.stat(path))
                except OSError:
                    tasks.append((path, None))
                    continue
                source = read_source(path)
                if not isinstance(source, bytes):
                    tasks.append((path, None))
                    continue
                digest = digest_of(source)
                summary = self.cache.summary(digest)
                if summary is None:
                    tasks.append((path, source))
                    self._pending[path] = (status, seen_at)
                    continue
                cached[path] = digest
                summaries[path] = summary
                self.digests[path] = digest
                self.cache.record_stat(path, status, seen_at, digest)
        return tasks

    def _remember(self, item: Extracted, overrides: Mapping[Path, bytes]) -> None:
        if item.digest is None or item.path in overrides:
            return
        self.digests[item.path] = item.digest
        if self.cache is None:
            return
        self.cache.add_facts(item.digest, item.facts)
        pending = self._pending.pop(item.path, None)
        if pending is not None:
            self.cache.record_stat(item.path, pending[0], pending[1], item.digest)
        else:
            self.cache.record_stat(item.path, item.stat, item.seen_at, item.digest)

    def positioned(self, paths: Sequence[Path], overrides: Mapping[Path, bytes]
                   ) -> dict[Path, FileFacts]:
        """Facts with positions (libcst) for the files that have findings."""
        found: dict[Path, FileFacts] = {}
        tasks: list[tuple[Path, bytes | None]] = []
        for path in paths:
            digest = self.digests.get(path)
            cached = None
            if self.cache is not None and digest is not None and path not in overrides:
                cached = self.cache.positioned(digest)
            if cached is not None:
                found[path] = cached
            else:
                tasks.append((path, overrides.get(path)))
        timing.count("positions from the cache", len(found))
        with timing.phase("positions (libcst)"):
            extracted = extract_many(tasks, self.workers, self.options, auth=self.auth,
                                     with_positions=True)
        for item in extracted:
            found[item.path] = item.facts
            timing.count("positions: libcst")
            if (self.cache is not None and item.digest is not None
                    and item.path not in overrides):
                self.cache.add_positioned(item.digest, item.facts)
        return found
