"""The editor's in-memory project session gives a document exactly the diagnostics a full run
with the same unsaved text gives it (the language server relies on this between keystrokes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO

from fsd_lint.engine import RunOptions
from fsd_lint.runner import plan, run
from fsd_lint.session import ProjectSession

FIXTURES = ("src_layout", "flat_layout", "auth_nicegui", "auth_flask")
# Appended to every file: an import of each layer, a token store, a request, a schema.
EDIT = (
    "\nfrom shop.pages.home import HomePage\nfrom shop.features.cart.model import Cart\n"
    "import httpx\nclass Form(BaseModel): ...\n"
    "def go():\n    httpx.get('/me')\n    session['access_token'] = 'x'\n"
)


@pytest.fixture(params=FIXTURES)
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    copy = tmp_path / request.param
    shutil.copytree(REPO / "fixtures" / request.param, copy)
    return copy


def test_a_session_check_equals_a_full_run_with_the_same_text(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    options = RunOptions(use_cache=False)
    (settings, _), = plan([project], None, isolated=False)
    session = ProjectSession(settings, options)
    files = sorted(path for path in project.rglob("*.py") if session.covers(path))
    assert files, "the fixture has files in an FSD root"
    compared = 0
    for path in files:
        original = path.read_bytes()
        for text in (original, original + EDIT.encode()):
            expected = [d for d in run([path], RunOptions(use_cache=False, stdin=(path, text))
                                       ).diagnostics
                        if Path(d.path).resolve() == path]
            assert session.check(path, text) == expected, path
            compared += len(expected)
    assert compared > 0, "the comparison saw diagnostics"


def test_a_session_does_not_cover_files_outside_the_roots(tmp_path: Path) -> None:
    project = tmp_path / "src_layout"
    shutil.copytree(REPO / "fixtures" / "src_layout", project)
    (settings, _), = plan([project], None, isolated=False)
    session = ProjectSession(settings, RunOptions(use_cache=False))
    outside = project / "scripts" / "tool.py"
    outside.parent.mkdir(exist_ok=True)
    outside.write_text("import os\n")
    assert not session.covers(outside)
    assert session.covers(next(path for path in sorted(project.rglob("*.py"))
                               if "shared" in path.parts))
