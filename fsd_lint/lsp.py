"""The language server (``fsd-lint server``): a thin adapter from LSP to the engine.

Open, changed (debounced) and saved documents are checked with their in-memory text and the
project on disk; diagnostics are published with positions converted from code points to the
client's encoding (UTF-16 by default). Saving any file re-checks every open document, since an
architecture rule depends on more than one file. Code actions offer the rule's fix and a
``# noqa: CODE`` comment.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

from fsd_lint import __version__
from fsd_lint.diagnostics import Diagnostic, Severity, Span
from fsd_lint.engine import RunOptions
from fsd_lint.extraction import InternalError
from fsd_lint.noqa import noqa_edit
from fsd_lint.runner import run
from fsd_lint.settings import ConfigError

SOURCE = "fsd-lint"
DEBOUNCE_SECONDS = 0.3


class FsdLanguageServer(LanguageServer):
    """Keeps one pending check per document, so a burst of changes is checked once."""

    def __init__(self) -> None:
        super().__init__("fsd-lint", __version__)
        self.pending: dict[str, asyncio.Task[None]] = {}


server = FsdLanguageServer()


def _range(document: TextDocument, span: Span) -> types.Range:
    code_points = ServerTextRange(
        ServerTextPosition(span.line - 1, span.column - 1),
        ServerTextPosition(span.end_line - 1, span.end_column - 1),
    )
    return document.range_to_client_units(code_points)


def to_lsp(document: TextDocument, diagnostic: Diagnostic) -> types.Diagnostic:
    data: dict[str, Any] = {"rule": diagnostic.rule}
    if diagnostic.fix is not None:
        data["fix"] = {
            "message": diagnostic.fix.message,
            "edits": [{"line": e.span.line, "column": e.span.column, "end_line": e.span.end_line,
                       "end_column": e.span.end_column, "content": e.content}
                      for e in diagnostic.fix.edits],
        }
    return types.Diagnostic(
        range=_range(document, diagnostic.span),
        message=diagnostic.message,
        severity=(types.DiagnosticSeverity.Error if diagnostic.severity is Severity.ERROR
                  else types.DiagnosticSeverity.Warning),
        code=diagnostic.code,
        source=SOURCE,
        data=data,
    )


def check_document(document: TextDocument) -> list[Diagnostic] | str:
    """Diagnostics of one document, or a message saying why it could not be checked."""
    fs_path = to_fs_path(document.uri)
    if fs_path is None:
        return []
    path = Path(fs_path).resolve()
    options = RunOptions(jobs=os.cpu_count() or 1,
                         stdin=(path, document.source.encode("utf-8")))
    try:
        outcome = run([path], options)
    except ConfigError as error:
        return f"fsd-lint: {error}"
    except InternalError as error:
        return f"fsd-lint: internal error while processing {error.path} (a bug):\n{error.details}"
    return [d for d in outcome.diagnostics if Path(d.path).resolve() == path]


def publish(ls: FsdLanguageServer, uri: str) -> None:
    document = ls.workspace.get_text_document(uri)
    result = check_document(document)
    if isinstance(result, str):
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, result))
        result = []
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=uri, version=document.version, diagnostics=[to_lsp(document, d) for d in result],
    ))


def schedule(ls: FsdLanguageServer, uri: str, delay: float) -> None:
    previous = ls.pending.pop(uri, None)
    if previous is not None:
        previous.cancel()

    async def later() -> None:
        await asyncio.sleep(delay)
        ls.pending.pop(uri, None)
        publish(ls, uri)

    ls.pending[uri] = asyncio.get_running_loop().create_task(later())


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: FsdLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: FsdLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    schedule(ls, params.text_document.uri, DEBOUNCE_SECONDS)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: FsdLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    for uri in list(ls.workspace.text_documents):
        publish(ls, uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls: FsdLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    pending = ls.pending.pop(params.text_document.uri, None)
    if pending is not None:
        pending.cancel()
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )


def noqa_text_edit(document: TextDocument, line: int, code: str) -> types.TextEdit | None:
    """The edit that adds ``code`` to the line's ``# noqa`` comment (None: already there)."""
    text = document.lines[line] if line < len(document.lines) else ""
    edit = noqa_edit(text, [code])
    if edit is None:
        return None
    code_points = ServerTextRange(ServerTextPosition(line, edit.start),
                                  ServerTextPosition(line, edit.end))
    return types.TextEdit(document.range_to_client_units(code_points), edit.text)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def code_action(ls: FsdLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    document = ls.workspace.get_text_document(params.text_document.uri)
    actions: list[types.CodeAction] = []
    for diagnostic in params.context.diagnostics:
        if diagnostic.source != SOURCE or not isinstance(diagnostic.code, str):
            continue
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        fix = data.get("fix")
        if fix:
            edits = [
                types.TextEdit(_range(document, Span(e["line"], e["column"], e["end_line"],
                                                     e["end_column"])), e["content"])
                for e in fix["edits"]
            ]
            actions.append(types.CodeAction(
                title=f"{fix['message']} ({diagnostic.code})",
                kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic], is_preferred=True,
                edit=types.WorkspaceEdit(changes={document.uri: edits}),
            ))
        line = document.range_from_client_units(diagnostic.range).start.line
        noqa = noqa_text_edit(document, line, diagnostic.code)
        if noqa is not None:
            actions.append(types.CodeAction(
                title=f"Disable {diagnostic.code} for this line",
                kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(changes={document.uri: [noqa]}),
            ))
    return actions


def serve() -> None:
    """Run the server on stdin/stdout until the client exits."""
    server.start_io()
