"""The failure paths of one refresh or logout request inside one function (SPEC 5.2).

Works on the statement tree of the function's facts: where the request sits (inside which
``try`` bodies, ``if`` branches, loops), what runs before it, in a ``finally`` around it, in
the ``except`` handlers that catch its failure, in the branches its status tests take on
failure, and after it. Whether an event is a reset is the caller's business (``is_reset``):
resets may be calls of functions in other files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from fsd_lint.facts.auth_types import Block, Branch, Loop, Node, Step, Try, With

Kind = Literal["refresh", "logout"]
End = Literal["raise", "return", "fallthrough"]
_CONDITIONAL_PARTS = frozenset({"body", "orelse", "loop-body", "loop-else", "handler"})


@dataclass(frozen=True)
class FailurePath:
    """What runs when the request fails along one path, and how that path ends."""

    events: frozenset[int]
    end: End


@dataclass(frozen=True)
class Flow:
    """Everything about one request call that the verdict needs."""

    before: frozenset[int]  # runs, unconditionally, before the call
    final: frozenset[int]  # in a ``finally`` around the call
    in_try: bool  # an ``except`` handler can catch its failure
    handlers: tuple[FailurePath, ...]
    status: tuple[FailurePath, ...]  # the branches a failed status takes
    status_checked: bool  # a status test or ``raise_for_status()`` on its result
    after: frozenset[int]  # what runs after it on the success path
    returned: bool  # the function returns its result (or something made from it)
    conditional: bool  # it sits in an ``if``, a loop or an ``except`` handler


@dataclass(frozen=True)
class Verdict:
    """``propagate``: the callers get the failure. Its ``reason`` is set when the function
    hands the failure over only through what it returns (``return None`` on the failing
    branch), which is no hand-over when nothing calls it: the reason to report it then."""

    outcome: Literal["ok", "bad", "propagate"]
    reason: str = ""


@dataclass(frozen=True)
class _Frame:
    block: Block
    index: int
    part: str  # which part of ``block[index]`` holds the call ("step", "head", "body", …)

    @property
    def node(self) -> Node:
        return self.block[self.index]


def _children(node: Node) -> list[tuple[str, Block]]:
    if isinstance(node, Branch):
        return [("body", node.body), ("orelse", node.orelse)]
    if isinstance(node, Loop):
        return [("loop-body", node.body), ("loop-else", node.orelse)]
    if isinstance(node, With):
        return [("with-body", node.body)]
    if isinstance(node, Try):
        return [("try-body", node.body), *(("handler", h) for h in node.handlers),
                ("try-else", node.orelse), ("final", node.final)]
    return []


def _head(node: Node) -> Step | None:
    return node.head if isinstance(node, (Branch, Loop, With)) else None


def _locate(block: Block, anchor: int) -> list[_Frame] | None:
    for index, node in enumerate(block):
        if isinstance(node, Step):
            if anchor in node.events:
                return [_Frame(block, index, "step")]
            continue
        head = _head(node)
        if head is not None and anchor in head.events:
            return [_Frame(block, index, "head")]
        for part, child in _children(node):
            found = _locate(child, anchor)
            if found is not None:
                return [_Frame(block, index, part), *found]
    return None


def _events(block: Block) -> frozenset[int]:
    """Every event anywhere in ``block``."""
    found: set[int] = set()
    for node in block:
        found |= _node_events(node)
    return frozenset(found)


def _node_events(node: Node) -> frozenset[int]:
    if isinstance(node, Step):
        return frozenset(node.events)
    head = _head(node)
    found = set(head.events) if head is not None else set()
    for _, child in _children(node):
        found |= _events(child)
    return frozenset(found)


def _unconditional(node: Node) -> frozenset[int]:
    """The events of ``node`` that run whenever it runs (to its end)."""
    if isinstance(node, Step):
        return frozenset(node.events)
    if isinstance(node, With):
        found = set(node.head.events)
        for child in node.body:
            found |= _unconditional(child)
        return frozenset(found)
    if isinstance(node, Try):
        return frozenset(e for child in (*node.body, *node.final) for e in _unconditional(child))
    head = _head(node)
    return frozenset(head.events) if head is not None else frozenset()


def _end(block: Block) -> End:
    """How a block ends: its own exit first, then any ``raise``, then any ``return``."""
    for node in block:
        if isinstance(node, Step) and node.exit:
            return node.exit
    exits = {step.exit for step in _steps(block)}
    if "raise" in exits:
        return "raise"
    return "return" if "return" in exits else "fallthrough"


def _steps(block: Block) -> Iterator[Step]:
    for node in block:
        if isinstance(node, Step):
            yield node
            continue
        head = _head(node)
        if head is not None:
            yield head
        for _, child in _children(node):
            yield from _steps(child)


@dataclass(frozen=True)
class _Next:
    """A node that runs after the call: in ``container`` at ``index``; ``in_try``: still
    inside the innermost ``try`` body that catches the call's failure."""

    node: Node
    container: Block
    index: int
    in_try: bool


def _following(frames: list[_Frame], try_depth: int) -> Iterator[_Next]:
    """The nodes after the call, in order, from the innermost block outwards."""
    for depth in range(len(frames) - 1, -1, -1):
        frame = frames[depth]
        node = frame.node
        inside = depth > try_depth
        if frame.part == "head":
            for _, child in _children(node):
                yield from (_Next(n, child, i, inside) for i, n in enumerate(child))
        yield from (
            _Next(frame.block[i], frame.block, i, inside)
            for i in range(frame.index + 1, len(frame.block))
        )
        if isinstance(node, Try) and frame.part in ("try-body", "handler", "try-else"):
            tails = [node.final] if frame.part != "try-body" else [node.orelse, node.final]
            for tail in tails:
                yield from (_Next(n, tail, i, False) for i, n in enumerate(tail))


def _flatten(node: Node) -> Iterator[Node]:
    yield node
    for _, child in _children(node):
        for inner in child:
            yield from _flatten(inner)


def analyse(body: Block, anchor: int) -> Flow | None:
    """The flow of the call ``anchor`` in a function ``body``; None if it is not there."""
    frames = _locate(body, anchor)
    if frames is None:
        return None
    own = frames[-1].node
    before: set[int] = set()
    final: set[int] = set()
    for frame in frames:
        for node in frame.block[: frame.index]:
            before |= _unconditional(node)
        head = _head(frame.node)
        if frame.part not in ("step", "head") and head is not None:
            before |= set(head.events)
        node = frame.node
        if isinstance(node, Try) and frame.part in ("try-body", "handler", "try-else"):
            final |= _events(node.final)
    if isinstance(own, Step):
        before |= set(own.events[: own.events.index(anchor)])
    try_depths = [
        depth for depth, frame in enumerate(frames)
        if frame.part == "try-body" and isinstance(frame.node, Try) and frame.node.handlers
    ]
    try_depth = try_depths[-1] if try_depths else len(frames)
    handlers = tuple(_handler_paths(frames, try_depths)) if try_depths else ()

    subject = f"@{anchor}"
    names: set[str] = {subject}
    if frames[-1].part == "step" and isinstance(own, Step):
        names |= set(own.binds)
    elif isinstance(own, With):
        names |= set(own.head.binds)
    status: list[FailurePath] = []
    checked = False
    returned = isinstance(own, Step) and own.exit == "return"
    own_step = own if isinstance(own, Step) else _head(own)
    if own_step is not None and names & set(own_step.checks):
        checked = True
        if try_depth >= len(frames):
            status.append(FailurePath(frozenset(), "raise"))
    if isinstance(own, Branch) and own.test is not None and own.test.subject == subject:
        checked = True
        status.extend(_status_path(own, frames[-1].block, frames[-1].index,
                                   try_depth < len(frames) - 1))
    after: set[int] = set()
    for following in _following(frames, try_depth):
        if isinstance(following.node, Try):
            after |= _events(following.node.body) | _events(following.node.orelse)
            after |= _events(following.node.final)
        else:
            after |= _node_events(following.node)
        for node in _flatten(following.node):
            step = node if isinstance(node, Step) else _head(node)
            if step is not None and names & set(step.refs):
                names |= set(step.binds)
                returned = returned or step.exit == "return"
            if step is not None and names & set(step.checks):
                checked = True
                if not following.in_try:
                    status.append(FailurePath(frozenset(), "raise"))
            if isinstance(node, Branch) and node.test is not None and node.test.subject in names:
                checked = True
                container, index = _position(following, node)
                status.extend(_status_path(node, container, index, following.in_try))
    return Flow(
        before=frozenset(before), final=frozenset(final), in_try=bool(try_depths),
        handlers=handlers, status=tuple(status),
        status_checked=checked, after=frozenset(after), returned=returned,
        conditional=any(frame.part in _CONDITIONAL_PARTS for frame in frames),
    )


def _position(following: _Next, node: Branch) -> tuple[Block, int]:
    """Where a status test sits: its own block and index (nested ones: their parent block)."""
    if following.node is node:
        return following.container, following.index
    for inner in _flatten(following.node):
        for _, child in _children(inner):
            for index, candidate in enumerate(child):
                if candidate is node:
                    return child, index
    return (node,), 0


def _status_path(test: Branch, container: Block, index: int,
                 in_try: bool) -> list[FailurePath]:
    """The path a failed status takes at ``test``; none when it raises into a handler of a
    ``try`` around the request (the handler paths cover it)."""
    assert test.test is not None
    failing, succeeding = (
        (test.body, test.orelse) if test.test.failing_when_true else (test.orelse, test.body)
    )
    events = set(_events(failing))
    end = _end(failing)
    if not failing and _end(succeeding) != "fallthrough":
        # ``if r.ok: …; return`` then the failure code below it.
        rest = container[index + 1:]
        events |= _events(rest)
        end = _end(rest)
    if end == "raise" and in_try:
        return []
    return [FailurePath(frozenset(events), end)]


def _handler_paths(frames: list[_Frame], try_depths: list[int]) -> Iterator[FailurePath]:
    """Each ``except`` handler that may catch the failure; one that re-raises continues into
    the handlers of an enclosing ``try`` of the same function."""
    depth, outer = try_depths[-1], try_depths[:-1]
    node = frames[depth].node
    assert isinstance(node, Try)
    for handler in node.handlers:
        events, end = _events(handler), _end(handler)
        if end == "raise" and outer:
            for path in _handler_paths(frames, outer):
                yield FailurePath(events | path.events, path.end)
        else:
            yield FailurePath(events, end)


# -- the verdict ----------------------------------------------------------------------------

NO_HANDLING = "nothing handles its failure: no `except` catches it and its status is not checked"
HANDLER = ("an `except` handler catches its failure without resetting the token store "
           "(reset there, then re-raise if the caller must know)")
STATUS = "the failure branch of its status check does not reset the token store"
STATUS_RAISE = "the failure branch of its status check raises without resetting the token store"
SUCCESS_ONLY = ("the token store is reset only after the request succeeds: when it fails, "
                "the tokens stay")
NEVER = "nothing resets the token store (access and refresh tokens)"
FAILURE_ONLY = "the token store is reset only when the request fails"


def judge(flow: Flow, kind: Kind, is_reset: Callable[[int], bool],
          handles_tokens: bool) -> Verdict:
    """Whether every failure path of the request reaches a reset (``ok``), some does not
    (``bad``, with the reason), or the function hands its failure to its callers
    (``propagate``: it is a wrapper; its call sites are checked instead). A thin wrapper
    (it returns the request's result, nothing handles its failure) and one that raises on
    failure hand it over unconditionally; one whose failing branch returns a value hands it
    over only to callers that exist (see ``Verdict``)."""

    def resets(events: frozenset[int]) -> bool:
        return any(is_reset(event) for event in events)

    if resets(flow.before) or resets(flow.final):
        return Verdict("ok")
    wrapper_like = not handles_tokens and not flow.conditional
    reasons: list[str] = []
    signalled: list[str] = []  # failure paths handed over by a returned value only
    propagate = False

    def hand_over(end: End, reason: str) -> None:
        nonlocal propagate
        raises = end == "raise" and (wrapper_like or (kind == "refresh" and not flow.conditional))
        signals = end == "return" and wrapper_like and flow.returned  # ``return None``
        if raises or signals:
            propagate = True
        else:
            reasons.append(reason)
        if signals:  # the function resets nothing: for a logout, not even on success
            signalled.append(NEVER if kind == "logout" else reason)

    for path in flow.handlers:
        if not resets(path.events):
            hand_over(path.end, HANDLER)
    if not flow.in_try:
        if kind == "logout":
            if wrapper_like and flow.returned:
                propagate = True
            else:
                reasons.append(SUCCESS_ONLY if resets(flow.after) else NEVER)
        elif not flow.status_checked:
            if wrapper_like and flow.returned:
                propagate = True
            else:
                reasons.append(NO_HANDLING)
    for path in flow.status:
        if not resets(path.events):
            hand_over(path.end, STATUS_RAISE if path.end == "raise" else STATUS)
    if reasons:
        return Verdict("bad", reasons[0])
    if kind == "logout" and not propagate and not resets(flow.after):
        return Verdict("bad", FAILURE_ONLY)
    if propagate:
        return Verdict("propagate", signalled[0] if signalled else "")
    return Verdict("ok")
