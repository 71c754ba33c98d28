"""A run's facts by path, read from the cache only when a rule asks for them.

A warm run in which one file changed needs the facts of few files: the changed ones, what
their imports resolve to, the files with auth facts (the auth rules look across files) and
those with suppression comments (for FSD900). What each file holds is kept beside its facts in
the cache (a :class:`Summary`), so those files are found without reading any facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from fsd_lint.facts.types import FileFacts


class Summary(NamedTuple):
    """What a file's facts hold, as far as choosing files to read goes."""

    auth: bool  # it has auth facts
    suppressions: bool  # it has suppression comments

    @classmethod
    def of(cls, facts: FileFacts) -> Summary:
        return cls(facts.auth is not None, bool(facts.suppressions))


class LazyFacts(Mapping[Path, FileFacts]):
    """Facts by path: ``fresh`` ones at hand, the others loaded by digest when first read
    (or, should the cache fail to give them back, extracted again by ``extract``)."""

    def __init__(self, fresh: Mapping[Path, FileFacts], digests: Mapping[Path, bytes],
                 summaries: Mapping[Path, Summary], load: Callable[[bytes], FileFacts | None],
                 extract: Callable[[Path], FileFacts]) -> None:
        self._facts = dict(fresh)
        self._digests = {path: digest for path, digest in digests.items() if path not in fresh}
        self._summaries = {**summaries, **{path: Summary.of(f) for path, f in fresh.items()}}
        self._load = load
        self._extract = extract

    def __getitem__(self, path: Path) -> FileFacts:
        found = self._facts.get(path)
        if found is None:
            if path not in self._digests:
                raise KeyError(path)
            found = self._load(self._digests[path]) or self._extract(path)
            self._facts[path] = found
        return found

    def __contains__(self, path: object) -> bool:
        return path in self._summaries

    def __iter__(self) -> Iterator[Path]:
        return iter(self._summaries)

    def __len__(self) -> int:
        return len(self._summaries)

    def summary(self, path: Path) -> Summary:
        return self._summaries[path]

    def only(self, paths: list[Path]) -> LazyFacts:
        """The same facts, for ``paths`` only."""
        wanted = set(paths)
        return LazyFacts({path: f for path, f in self._facts.items() if path in wanted},
                         {path: d for path, d in self._digests.items() if path in wanted},
                         {path: s for path, s in self._summaries.items() if path in wanted},
                         self._load, self._extract)


def paths_with_auth(facts: Mapping[Path, FileFacts]) -> list[Path]:
    """The files that have auth facts, in ``facts``' order."""
    if isinstance(facts, LazyFacts):
        return [path for path in facts if facts.summary(path).auth]
    return [path for path, found in facts.items() if found.auth is not None]


def has_auth(facts: Mapping[Path, FileFacts], path: Path) -> bool:
    """Whether ``path`` has auth facts (read only if they are needed to tell)."""
    if isinstance(facts, LazyFacts):
        return path in facts and facts.summary(path).auth
    found = facts.get(path)
    return found is not None and found.auth is not None


def paths_with_suppressions(facts: Mapping[Path, FileFacts]) -> list[Path]:
    """The files that have suppression comments, in ``facts``' order."""
    if isinstance(facts, LazyFacts):
        return [path for path in facts if facts.summary(path).suppressions]
    return [path for path, found in facts.items() if found.suppressions]
