"""Frozen values describing an FSD project: roots, layers, slices, and where a module lies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Layers from top to bottom, with their rank (higher may import lower).
LAYER_RANKS: Mapping[str, int] = {
    "app": 7,
    "processes": 6,
    "pages": 5,
    "widgets": 4,
    "features": 3,
    "entities": 2,
    "shared": 1,
}
UNSLICED_LAYERS = frozenset({"app", "shared"})
SLICED_LAYERS = frozenset(LAYER_RANKS) - UNSLICED_LAYERS
CONVENTIONAL_SEGMENTS = ("ui", "api", "model", "lib", "config")


def layers_below(layer: str) -> list[str]:
    """The layers a module on ``layer`` may import, top to bottom."""
    rank = LAYER_RANKS[layer]
    return [name for name, other in LAYER_RANKS.items() if other < rank]


@dataclass(frozen=True)
class Slice:
    """A slice of a sliced layer; ``name`` is a path for grouped slices (``session/login``)."""

    layer: str
    name: str
    path: Path
    segments: tuple[str, ...]
    has_init: bool

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(self.name.split("/"))


@dataclass(frozen=True)
class Segment:
    """A segment of an unsliced layer (``shared/api``) or of a slice."""

    name: str
    path: Path  # the package directory, or the module file for a file segment
    is_package: bool
    has_init: bool


@dataclass(frozen=True)
class Layer:
    """One layer of a root."""

    name: str  # canonical name: ``pages`` for a ``_pages`` folder too
    dir_name: str
    path: Path
    slices: Mapping[tuple[str, ...], Slice] = field(default_factory=dict)
    segments: Mapping[str, Segment] = field(default_factory=dict)  # unsliced layers only

    @property
    def is_sliced(self) -> bool:
        return self.name in SLICED_LAYERS


@dataclass(frozen=True)
class Root:
    """An FSD root: a directory whose child packages are layers."""

    path: Path
    # Dotted name of the root package ("" when the root is an import root itself). A root that
    # no import root reaches gets a placeholder prefix that no absolute import can name, so that
    # its relative imports still resolve.
    module_prefix: str
    importable: bool
    layers: Mapping[str, Layer]  # by canonical name
    configured: bool

    def layer_by_dir(self, dir_name: str) -> Layer | None:
        for layer in self.layers.values():
            if layer.dir_name == dir_name:
                return layer
        return None

    def module_name(self, parts: tuple[str, ...]) -> str:
        return ".".join(p for p in (self.module_prefix, *parts) if p)

    def parts_of(self, module: str) -> tuple[str, ...] | None:
        """The module's path below the root, or None when the name lies outside it."""
        if not self.module_prefix:
            return tuple(module.split("."))
        if module == self.module_prefix:
            return ()
        if module.startswith(self.module_prefix + "."):
            return tuple(module[len(self.module_prefix) + 1 :].split("."))
        return None


@dataclass(frozen=True)
class Location:
    """Where a module lies in an FSD root."""

    root: Root
    layer: str | None  # None: inside the root but outside every layer
    slice: str | None = None  # sliced layers only
    segment: str | None = None
    rest: tuple[str, ...] = ()  # module path below the segment (or below the layer)

    @property
    def unit(self) -> tuple[Path, str | None, str | None]:
        """What "the same place" means for imports: a slice, or a segment of shared/app."""
        if self.layer in UNSLICED_LAYERS:
            return (self.root.path, self.layer, self.segment)
        return (self.root.path, self.layer, self.slice)

    @property
    def is_public_api(self) -> bool:
        """The slice's ``__init__`` itself (for unsliced layers: the segment's)."""
        if self.layer in UNSLICED_LAYERS:
            return self.segment is not None and not self.rest
        return self.slice is not None and self.segment is None

    def describe(self) -> str:
        """A short human name: ``features/cart``, ``shared/api``, ``entities``."""
        parts = [p for p in (self.layer, self.slice, self.segment if self.layer in UNSLICED_LAYERS
                             else None) if p]
        return "/".join(parts) if parts else "(root)"


@dataclass(frozen=True)
class ProjectModel:
    """Every FSD root of a project and the module index needed to resolve imports."""

    project_dir: Path
    roots: tuple[Root, ...]
    modules: Mapping[str, Path]  # module name -> file, for files inside roots
    packages: frozenset[str]  # module names of directories inside roots (namespace or not)
    files: Mapping[Path, tuple[Root, str, Location]]  # file -> (root, module name, location)
