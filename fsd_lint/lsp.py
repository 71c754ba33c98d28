"""The language server (``fsd-lint server``): a thin adapter from LSP to the engine.

Open, changed (debounced) and saved documents are checked with their in-memory text and the
project on disk; diagnostics are published with positions converted from code points to the
client's encoding (UTF-16 by default). Each project is kept in memory between checks
(``session.ProjectSession``), so a keystroke costs the document's own analysis, not a run over
the project. Sessions are dropped when files may have changed on disk: on save, on the
client's file-watch events (registered when the client allows it), and otherwise after a few
seconds. Saving any file re-checks every open document, since an architecture rule depends on
more than one file. Code actions offer the rule's fix and a ``# noqa: CODE`` comment.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace
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
from fsd_lint.facts.comments import comment_columns
from fsd_lint.noqa import noqa_edit
from fsd_lint.runner import plan, run
from fsd_lint.session import ProjectSession
from fsd_lint.settings import ConfigError, Settings

SOURCE = "fsd-lint"
DEBOUNCE_SECONDS = 0.05  # a check takes tens of milliseconds: wait only for a burst to end
UNWATCHED_SESSION_SECONDS = 3.0  # how long a session is trusted when files are not watched
WATCHED_FILES = ("**/*.py", "**/pyproject.toml", "**/fsd-lint.toml", "**/.fsd-lint.toml",
                 "**/.gitignore")


class FsdLanguageServer(LanguageServer):
    """Keeps one pending check per document, so a burst of changes is checked once, and one
    session per project."""

    def __init__(self) -> None:
        super().__init__("fsd-lint", __version__)
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.sessions: dict[Path, ProjectSession] = {}  # by project directory
        self.watching = False  # the client reports file changes (workspace/didChangeWatchedFiles)

    def session_for(self, settings: Settings, options: RunOptions) -> ProjectSession:
        """The project's session, built anew when missing, stale or for other settings."""
        session = self.sessions.get(settings.project_dir)
        if session is None or session.settings != settings or session.expired():
            max_age = None if self.watching else UNWATCHED_SESSION_SECONDS
            session = ProjectSession(settings, options, max_age)
            self.sessions[settings.project_dir] = session
        return session


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


def check_document(ls: FsdLanguageServer, document: TextDocument) -> list[Diagnostic] | str:
    """Diagnostics of one document, or a message saying why it could not be checked."""
    fs_path = to_fs_path(document.uri)
    if fs_path is None:
        return []
    path = Path(fs_path).resolve()
    source = document.source.encode("utf-8")
    options = RunOptions(jobs=os.cpu_count() or 1)
    try:
        (settings, _), = plan([path], None, isolated=False)
        session = ls.session_for(settings, options)
        if session.covers(path):
            return session.check(path, source)
        # Not a file of the project's roots (or of a nested project): a full run decides.
        outcome = run([path], replace(options, stdin=(path, source)))
    except ConfigError as error:
        return f"fsd-lint: {error}"
    except InternalError as error:
        return f"fsd-lint: internal error while processing {error.path} (a bug):\n{error.details}"
    return [d for d in outcome.diagnostics if Path(d.path).resolve() == path]


def publish(ls: FsdLanguageServer, uri: str) -> None:
    document = ls.workspace.get_text_document(uri)
    result = check_document(ls, document)
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


@server.feature(types.INITIALIZED)
async def initialized(ls: FsdLanguageServer, params: types.InitializedParams) -> None:
    """Ask the client to report changes to Python and config files, if it can."""
    capabilities = ls.client_capabilities.workspace
    watch = capabilities.did_change_watched_files if capabilities is not None else None
    if watch is None or not watch.dynamic_registration:
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED_FILES]
    )
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[
            types.Registration(id="fsd-lint-watched-files",
                               method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                               register_options=options),
        ]))
    except Exception:  # any error answer (JSON-RPC errors have several types): no watching
        return
    ls.watching = True
    ls.sessions.clear()  # sessions built before this expire; new ones need not


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def did_change_watched_files(ls: FsdLanguageServer,
                                   params: types.DidChangeWatchedFilesParams) -> None:
    ls.sessions.clear()


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: FsdLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.sessions.clear()  # the saved file (and maybe others) changed on disk
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
    edit = noqa_edit(text, [code], comment_columns(document.source).get(line + 1))
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
