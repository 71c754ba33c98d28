"""The language server, driven end to end by a real LSP client (pytest-lsp)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from conftest import FSD_LINT, write_packages
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

PROJECT_FILES = {
    "pyproject.toml": '[tool.fsd-lint]\nroot = "src/shop"\n',
    "src/shop/shared/api/client.py": "",
    "src/shop/entities/user/__init__.py": "from .model import User\n",
    "src/shop/entities/user/model.py": "class User: ...\n",
    "src/shop/features/auth/ui.py": "def login() -> None: ...\n",
    "src/shop/features/profile/ui.py": "import json\n",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_packages(tmp_path_factory.mktemp("lsp"), PROJECT_FILES, "src/shop")


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[str(FSD_LINT), "server"]),
)
async def client(lsp_client: LanguageClient, project: Path) -> AsyncIterator[LanguageClient]:
    registrations: list[types.Registration] = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    lsp_client.registrations = registrations  # type: ignore[attr-defined]
    capabilities = pytest_lsp.client_capabilities("visual-studio-code")
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities, root_uri=project.as_uri(),
    ))
    yield lsp_client
    await lsp_client.shutdown_session()


TIMEOUT = 60.0


async def expect(client: LanguageClient, method: str) -> asyncio.Future[Any]:
    """Start waiting for ``method`` before the request that causes it is sent, so a fast
    server's notification cannot be missed; bounded, so a lost one fails instead of hanging."""
    waiter = asyncio.ensure_future(
        asyncio.wait_for(client.wait_for_notification(method), TIMEOUT)
    )
    await asyncio.sleep(0)
    return waiter


def open_document(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version,
                                             text=text)))
    return uri


async def test_open_publishes_diagnostics_from_the_unsaved_text(
    client: LanguageClient, project: Path
) -> None:
    path = project / "src/shop/entities/user/model.py"
    published = await expect(client, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    uri = open_document(client, path, "from shop.features.auth import login\n")
    await published
    (diagnostic,) = client.diagnostics[uri]
    assert diagnostic.code == "FSD101"
    assert diagnostic.source == "fsd-lint"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.range == types.Range(types.Position(0, 0), types.Position(0, 36))


async def test_change_is_rechecked_and_close_clears(client: LanguageClient, project: Path) -> None:
    path = project / "src/shop/features/profile/ui.py"
    published = await expect(client, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    uri = open_document(client, path, "import json\n")
    await published
    assert len(client.diagnostics[uri]) == 0
    published = await expect(client, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(
            text="from shop.features.auth import login\n")],
    ))
    await published
    assert [d.code for d in client.diagnostics[uri]] == ["FSD102"]
    published = await expect(client, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    await published
    assert len(client.diagnostics[uri]) == 0


async def test_columns_are_utf16_code_units(client: LanguageClient, project: Path) -> None:
    path = project / "src/shop/entities/user/model.py"
    text = 'label = "😀"; from shop.features.auth import login\n'
    published = await expect(client, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    uri = open_document(client, path, text)
    await published
    (diagnostic,) = client.diagnostics[uri]
    # The emoji is one code point but two UTF-16 code units.
    start = text.index("from") + 1
    assert diagnostic.range.start == types.Position(0, start)


async def test_code_actions_offer_the_fix_and_a_noqa_comment(
    client: LanguageClient, project: Path
) -> None:
    path = project / "src/shop/features/profile/ui.py"
    published = await expect(client, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    uri = open_document(client, path, "from shop.entities.user.model import User\n")
    await published
    (diagnostic,) = client.diagnostics[uri]
    assert diagnostic.code == "FSD103"
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic]),
    ))
    assert actions is not None
    edits = {
        action.title: action.edit.changes[uri]
        for action in actions
        if isinstance(action, types.CodeAction) and action.edit and action.edit.changes
    }
    fix = next(e for title, e in edits.items() if "public API" in title)
    assert [(e.range, e.new_text) for e in fix] == [
        (types.Range(types.Position(0, 5), types.Position(0, 29)), "shop.entities.user")
    ]
    noqa = edits["Disable FSD103 for this line"]
    assert [e.new_text for e in noqa] == ["  # noqa: FSD103"]
    assert noqa[0].range.start == types.Position(0, 41)


async def test_a_bad_config_is_shown_not_crashed_on(
    client: LanguageClient, project: Path
) -> None:
    config = project / "pyproject.toml"
    original = config.read_text()
    config.write_text(original + "unknown-key = 1\n")
    try:
        path = project / "src/shop/entities/user/model.py"
        shown = await expect(client, types.WINDOW_SHOW_MESSAGE)
        published = await expect(client, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        uri = open_document(client, path, "import json\n")
        message = await shown
        assert "unknown-key" in message.message
        await published
        assert len(client.diagnostics[uri]) == 0
    finally:
        config.write_text(original)


def change_document(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
    ))


async def test_files_changed_on_disk_reach_the_next_check_through_file_watching(
    client: LanguageClient, project: Path
) -> None:
    """The server keeps the project in memory between keystrokes; a watched-file event makes
    it read the project again (here: a slice created on disk turns an import into FSD101)."""
    def watched() -> list[types.Registration]:
        return [r for r in client.registrations  # type: ignore[attr-defined]
                if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]

    for _ in range(200):  # the registration follows `initialized`: wait for it, bounded
        if watched():
            break
        await asyncio.sleep(0.05)
    assert len(watched()) == 1
    path = project / "src/shop/entities/user/model.py"
    text = "from shop.widgets.header import Header\n"
    published = await expect(client, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    uri = open_document(client, path, text)
    await published
    assert list(client.diagnostics[uri]) == []  # no such slice yet: nothing to say
    created = [project / "src/shop/widgets/__init__.py",
               project / "src/shop/widgets/header/__init__.py"]
    created[1].parent.mkdir(parents=True)
    created[0].write_text("")
    created[1].write_text("class Header: ...\n")
    try:
        published = await expect(client, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        change_document(client, uri, 2, text)
        await published
        assert list(client.diagnostics[uri]) == []  # no event yet: the session is trusted
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=file.as_uri(), type=types.FileChangeType.Created)
            for file in created
        ]))
        published = await expect(client, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        change_document(client, uri, 3, text)
        await published
        assert [d.code for d in client.diagnostics[uri]] == ["FSD101"]
    finally:
        for file in reversed(created):
            file.unlink()
        created[1].parent.rmdir()
        created[0].parent.rmdir()


def test_server_command_is_listed() -> None:
    import subprocess

    result = subprocess.run([str(FSD_LINT), "server", "--help"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0
    assert "language server" in result.stdout
