"""Frozen, picklable per-file facts (cacheable by content hash)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from fsd_lint.diagnostics import Span

if TYPE_CHECKING:  # the auth fact types are imported by what builds or reads them
    from fsd_lint.facts.auth_types import AuthFacts

ImportKind = Literal["import", "from", "dynamic"]


@dataclass(frozen=True)
class ImportedName:
    """One name of a ``from`` import: ``from m import name as asname``; ``*`` for a star."""

    name: str
    asname: str | None = None


@dataclass(frozen=True)
class ImportFact:
    """One import: a statement alias, a ``from`` statement, or an ``import_module`` call.

    ``ordinal`` identifies the import within its file; positions are only filled in when a file
    has something to report (``span``: the statement or call; ``module_span``: the module
    reference, dots included, that a fix rewrites).
    """

    ordinal: int
    kind: ImportKind
    module: str  # "a.b"; "" for ``from . import x``
    level: int = 0  # leading dots of a relative import
    names: tuple[ImportedName, ...] = ()
    type_checking: bool = False
    # For import_module(".x", package=...): the literal package; None means the file's own.
    package: str | None = None
    asname: str | None = None  # ``import a.b as asname`` (plain imports only)
    call: str = ""  # the function of a dynamic import, as written: "importlib.import_module"...
    span: Span | None = None
    module_span: Span | None = None

    @property
    def is_star(self) -> bool:
        return any(alias.name == "*" for alias in self.names)

    def written(self) -> str:
        """The module reference as written: ``..model``, ``shop.entities.user``."""
        return "." * self.level + self.module


@dataclass(frozen=True)
class Suppression:
    """A suppression comment on ``line``; ``selectors`` None means every rule."""

    line: int
    selectors: frozenset[str] | None
    text: str  # the comment, for unused-suppression reports
    at: Span | None = None  # where the comment itself is (own-line comments cover the next line)


@dataclass(frozen=True)
class ParseFailure:
    """Why a file could not be analysed, and where: unparsable text, or unreadable bytes."""

    message: str
    span: Span
    unreadable: bool = False  # reported as FSD002 io-error instead of FSD001 syntax-error


@dataclass(frozen=True)
class FileFacts:
    """Everything the rules need from one file."""

    imports: tuple[ImportFact, ...] = ()
    bound_names: frozenset[str] = frozenset()  # names bound at module level (explicitly)
    suppressions: tuple[Suppression, ...] = ()
    skip_file: bool = False
    failure: ParseFailure | None = None
    auth: AuthFacts | None = None  # None: nothing for the auth/API rules (FSD3xx-5xx)
