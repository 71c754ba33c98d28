"""Positions of the nodes of a libcst tree, for the files that have findings.

libcst's ``PositionProvider`` computes positions during one code generation pass over the
module; ``MetadataWrapper.resolve`` adds a full visit of the tree on top of it, which doubles
the cost. This module runs the code generation pass alone, with libcst's own
``PositionProvidingCodegenState`` (so the positions are libcst's, node for node), and counts
newlines only in the tokens that hold one. If libcst's internals ever differ from what this
expects, it falls back to ``MetadataWrapper.resolve`` (``tests/test_fast_path.py`` compares
both on every fixture).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider
from libcst.metadata.position_provider import PositionProvidingCodegenState


class _State(PositionProvidingCodegenState):
    """The same state, with a shortcut for the many tokens without a line break."""

    def _update_position(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            super()._update_position(value)
        else:
            self.column += len(value)


class _Positions:
    """Stands in for the provider: the code generation state only fills ``_computed``."""

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeRange] = {}


def by_resolving(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """The documented way: a metadata wrapper (a full visit, then code generation)."""
    return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)


def node_positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's position (as ``PositionProvider`` gives them), at about half the cost."""
    holder = _Positions()
    try:
        state = _State(default_indent=module.default_indent,
                       default_newline=module.default_newline,
                       provider=cast(Any, holder))
        module._codegen(state)
    except (AttributeError, TypeError):  # libcst's internals changed: take the long way
        return by_resolving(module)
    return holder._computed
