"""Build the project model from the list of Python files: root detection, layers, slices.

Directories exist for the model only through the Python files below them, as in Steiger.
Slice detection follows Steiger: a package inside a sliced layer is a slice when one of its
children is a conventional or configured segment; otherwise it is a slice group and its children
are examined in turn.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from fsd_lint.model.project import (
    CONVENTIONAL_SEGMENTS,
    LAYER_RANKS,
    SLICED_LAYERS,
    Layer,
    Location,
    ProjectModel,
    Root,
    Segment,
    Slice,
)
from fsd_lint.settings import Settings

DETECTION_LAYERS = ("pages", "widgets", "features", "entities")


def is_test_name(stem: str) -> bool:
    """Test modules and folders, which are never segments or slices."""
    return (
        stem in ("conftest", "tests", "test")
        or stem.startswith("test_")
        or stem.endswith("_test")
    )


@dataclass
class DirNode:
    """A directory as seen through the Python files below it."""

    path: Path
    dirs: dict[str, DirNode] = field(default_factory=dict)
    modules: set[str] = field(default_factory=set)  # stems of the .py files directly inside

    @property
    def has_init(self) -> bool:
        return "__init__" in self.modules

    def child_names(self) -> set[str]:
        """Names of the children that may be segments (not tests, not ``__init__``)."""
        names = {m for m in self.modules if m != "__init__"} | set(self.dirs)
        return {n for n in names if not is_test_name(n)}


def _relative_parts(file: Path, prefix: str) -> list[str] | None:
    """The parts of ``file`` below the directory ``prefix`` (with its trailing separator);
    string work, several times faster than pathlib's for thousands of files."""
    name = str(file)
    return name[len(prefix):].split(os.sep) if name.startswith(prefix) else None


def build_tree(top: Path, files: Iterable[Path]) -> DirNode:
    tree = DirNode(top)
    prefix = os.path.join(str(top), "")
    for file in files:
        parts = _relative_parts(file, prefix)
        if parts is None:
            continue
        node = tree
        for part in parts[:-1]:
            child = node.dirs.get(part)
            if child is None:
                child = node.dirs[part] = DirNode(node.path / part)
            node = child
        node.modules.add(parts[-1][:-3])
    return tree


def canonical_layer(dir_name: str) -> str | None:
    name = dir_name[1:] if dir_name.startswith("_") else dir_name
    return name if name in LAYER_RANKS else None


def layer_dirs(node: DirNode) -> dict[str, str]:
    """Canonical layer name -> directory name; a ``_``-prefixed folder wins over a plain one."""
    found: dict[str, str] = {}
    for dir_name in sorted(node.dirs):
        layer = canonical_layer(dir_name)
        if layer is not None and (layer not in found or dir_name.startswith("_")):
            found[layer] = dir_name
    return found


def find_slices(
    node: DirNode, layer: str, segment_names: frozenset[str], prefix: tuple[str, ...] = ()
) -> dict[tuple[str, ...], Slice]:
    slices: dict[tuple[str, ...], Slice] = {}
    for name in sorted(node.dirs):
        if is_test_name(name):
            continue
        child = node.dirs[name]
        key = (*prefix, name)
        children = child.child_names()
        if children & segment_names:
            slices[key] = Slice(layer, "/".join(key), child.path, tuple(sorted(children)),
                                child.has_init)
        elif child.dirs:
            slices.update(find_slices(child, layer, segment_names, key))
    return slices


def has_slice(node: DirNode, segment_names: frozenset[str]) -> bool:
    return bool(find_slices(node, "", segment_names))


def is_detected_root(node: DirNode, segment_names: frozenset[str]) -> bool:
    """Strong evidence only: a ``shared`` layer and a sliced layer holding a slice."""
    layers = layer_dirs(node)
    if "shared" not in layers:
        return False
    return any(
        layer in layers and has_slice(node.dirs[layers[layer]], segment_names)
        for layer in DETECTION_LAYERS
    )


def detect_roots(tree: DirNode, segment_names: frozenset[str]) -> list[DirNode]:
    found: list[DirNode] = []

    def visit(node: DirNode) -> None:
        if is_detected_root(node, segment_names):
            found.append(node)
            return
        for name in sorted(node.dirs):
            visit(node.dirs[name])

    visit(tree)
    return found


def find_node(tree: DirNode, path: Path) -> DirNode:
    node = tree
    try:
        parts = path.relative_to(tree.path).parts
    except ValueError:
        return DirNode(path)
    for part in parts:
        node = node.dirs.get(part) or DirNode(node.path / part)
    return node


def module_prefix(root: Path, import_roots: tuple[Path, ...]) -> str | None:
    """The root's dotted module name from the most specific import root that reaches it."""
    for import_root in import_roots:  # most specific first
        if root == import_root or import_root in root.parents:
            parts = root.relative_to(import_root).parts
            if all(part.isidentifier() for part in parts):
                return ".".join(parts)
    return None


def build_root(node: DirNode, settings: Settings, segment_names: frozenset[str],
               configured: bool, index: int) -> Root:
    layers: dict[str, Layer] = {}
    for layer_name, dir_name in layer_dirs(node).items():
        layer_node = node.dirs[dir_name]
        if layer_name in SLICED_LAYERS:
            layers[layer_name] = Layer(layer_name, dir_name, layer_node.path,
                                       slices=find_slices(layer_node, layer_name, segment_names))
        else:
            segments = {}
            for name in sorted(layer_node.child_names()):
                if name in layer_node.dirs:
                    sub = layer_node.dirs[name]
                    segments[name] = Segment(name, sub.path, True, sub.has_init)
                else:
                    segments[name] = Segment(name, layer_node.path / f"{name}.py", False, True)
            layers[layer_name] = Layer(layer_name, dir_name, layer_node.path, segments=segments)
    prefix = module_prefix(node.path, settings.src)
    if prefix is None:
        return Root(node.path, f"<root{index}>", False, layers, configured)
    return Root(node.path, prefix, True, layers, configured)


def locate(root: Root, parts: tuple[str, ...]) -> Location:
    """Where the module at ``parts`` (relative to the root, no ``__init__``) lies."""
    if not parts:
        return Location(root, None)
    layer = root.layer_by_dir(parts[0])
    if layer is None:
        return Location(root, None, rest=parts)
    below = parts[1:]
    if not layer.is_sliced:
        return Location(root, layer.name, None, below[0] if below else None, below[1:])
    for size in range(1, len(below) + 1):
        if below[:size] in layer.slices:
            slice_ = layer.slices[below[:size]]
            after = below[size:]
            return Location(root, layer.name, slice_.name, after[0] if after else None, after[1:])
    return Location(root, layer.name, None, None, below)


def _module_parts(file: Path, prefix: str) -> tuple[str, ...]:
    """``module_parts`` for a file known to lie below ``prefix``, with strings."""
    parts = os.path.splitext(str(file)[len(prefix):])[0].split(os.sep)
    return tuple(parts[:-1] if parts[-1] == "__init__" else parts)


def build_roots(settings: Settings, files: Iterable[Path]) -> tuple[Root, ...]:
    """The project's FSD roots (configured, or detected from its Python files), with their
    layers, slices and segments: all of the model a run whose result is cached needs."""
    segment_names = frozenset((*CONVENTIONAL_SEGMENTS, *settings.custom_segments))
    tree = build_tree(settings.project_dir, sorted(dict.fromkeys(files)))
    if settings.roots:
        root_nodes = [find_node(tree, path) for path in settings.roots]
    else:
        root_nodes = detect_roots(tree, segment_names)
    return tuple(
        build_root(node, settings, segment_names, bool(settings.roots), index)
        for index, node in enumerate(root_nodes)
    )


def _prefixes(roots: tuple[Root, ...]) -> list[tuple[str, Root]]:
    """Root directories as path prefixes, innermost first: a file belongs to the first that
    contains it."""
    return sorted(((os.path.join(str(root.path), ""), root) for root in roots),
                  key=lambda item: -len(item[0]))


def files_in_roots(roots: tuple[Root, ...], files: Iterable[Path]) -> list[Path]:
    """The files that lie in some root (the model's files), in the order given."""
    prefixes = tuple(prefix for prefix, _ in _prefixes(roots))
    return [file for file in files if str(file).startswith(prefixes)] if prefixes else []


def build_model(settings: Settings, files: Iterable[Path],
                roots: tuple[Root, ...] | None = None) -> ProjectModel:
    """The model of one project from its Python files (and its roots, if already built)."""
    files = sorted(dict.fromkeys(files))  # usually sorted already: then this is cheap
    if roots is None:
        roots = build_roots(settings, files)
    modules: dict[str, Path] = {}
    packages: set[str] = set()
    located: dict[Path, tuple[Root, str, Location]] = {}
    prefixes = _prefixes(roots)
    for file in files:
        name_of_file = str(file)
        found = next(((prefix, root) for prefix, root in prefixes
                      if name_of_file.startswith(prefix)), None)
        if found is None:
            continue
        prefix, root = found
        parts = _module_parts(file, prefix)
        name = root.module_name(parts)
        located[file] = (root, name, locate(root, parts))
        is_init = name_of_file.endswith(f"{os.sep}__init__.py")
        if name not in modules or is_init:
            modules[name] = file  # a package wins over a same-named module, as in Python
        for size in range(len(parts) - (0 if is_init else 1), -1, -1):
            package = root.module_name(parts[:size])
            if package in packages:
                break  # its own packages were added with it
            if package:
                packages.add(package)
    return ProjectModel(settings.project_dir, roots, modules, frozenset(packages), located)

