"""THE rule table: code, name, default severity, on by default, and the module that checks.

Adding a rule: write ``rules/FSDnnn.md``, a module with one check function (``check`` for a
file rule, ``check_project`` for a project rule), and one line here. Codes are never reused.
Rules without a module are produced by the engine itself. A rule's module is imported when
its check is first asked for: a run whose result is cached imports none.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from fsd_lint.diagnostics import Severity

if TYPE_CHECKING:  # rule modules import the rule API when they are loaded
    from fsd_lint.rules.api import FileCheck, ProjectCheck

ERROR, WARNING = Severity.ERROR, Severity.WARNING


AUTH_RULE_PREFIXES = ("FSD3", "FSD4", "FSD5")  # the rules that read auth facts


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    on_by_default: bool
    summary: str
    module: str | None = None  # under ``fsd_lint.rules``: "imports.fsd101_no_higher_level_imports"
    fixable: bool = False
    # A file rule whose findings for a file depend only on that file's facts, on which files
    # exist where (the model) and on the facts of public APIs (``__init__.py`` files): the
    # engine reuses them from the cache while none of those changed.
    local: bool = False

    @property
    def reads_auth(self) -> bool:
        """An auth/API rule: it finds nothing in a file without auth facts."""
        return self.code.startswith(AUTH_RULE_PREFIXES)

    @property
    def check_file(self) -> FileCheck | None:
        return cast("FileCheck | None", _function(self.module, "check"))

    @property
    def check_project(self) -> ProjectCheck | None:
        return cast("ProjectCheck | None", _function(self.module, "check_project"))


@functools.cache
def _function(module: str | None, name: str) -> object:
    if module is None:
        return None
    return getattr(importlib.import_module(f"fsd_lint.rules.{module}"), name, None)


RULES: tuple[Rule, ...] = (
    Rule("FSD001", "syntax-error", ERROR, True, "a file that cannot be parsed"),
    Rule("FSD002", "io-error", ERROR, True, "a file that cannot be read"),
    Rule("FSD101", "no-higher-level-imports", ERROR, True,
         "a module imports from a layer above its own",
         "imports.fsd101_no_higher_level_imports", local=True),
    Rule("FSD102", "no-cross-imports", ERROR, True,
         "a slice imports a sibling slice on the same layer",
         "imports.fsd102_no_cross_imports", local=True),
    Rule("FSD103", "no-public-api-sidestep", ERROR, True,
         "an import reaches past another slice's public API",
         "imports.fsd103_no_public_api_sidestep", fixable=True, local=True),
    Rule("FSD104", "import-locality", ERROR, False,
         "absolute imports inside a slice, relative ones across slices",
         "imports.fsd104_import_locality", fixable=True, local=True),
    Rule("FSD105", "no-self-public-api-import", ERROR, True,
         "a module imports its own slice's public API",
         "imports.fsd105_no_self_public_api_import", local=True),
    Rule("FSD106", "no-wildcard-reexport", WARNING, True,
         "a star import in a public API",
         "imports.fsd106_no_wildcard_reexport", local=True),
    Rule("FSD107", "cross-import-api-outside-entities", WARNING, True,
         "a cross-import API (`x`) outside the entities layer",
         "imports.fsd107_cross_import_api_outside_entities"),
    Rule("FSD301", "token-storage-in-ui-layer", ERROR, True,
         "a token stored in a module of `pages` or `widgets`",
         "auth.fsd301_token_storage_in_ui_layer"),
    Rule("FSD302", "refresh-failure-without-reset", ERROR, True,
         "a failed token refresh that does not reset the token store",
         "auth.fsd302_refresh_failure_without_reset"),
    Rule("FSD303", "logout-without-reset", ERROR, True,
         "a logout that does not reset the token store on every path",
         "auth.fsd303_logout_without_reset"),
    Rule("FSD304", "token-logic-in-request-module", WARNING, True,
         "a `shared` module that mixes token management with request functions",
         "auth.fsd304_token_logic_in_request_module"),
    Rule("FSD401", "misplaced-api-function", ERROR, True,
         "a function that sends a backend request outside an `api` segment",
         "auth.fsd401_misplaced_api_function"),
    Rule("FSD402", "raw-http-client", WARNING, True,
         "a module outside `shared/api` that sends requests with an HTTP library",
         "auth.fsd402_raw_http_client"),
    Rule("FSD501", "schema-in-ui", WARNING, True,
         "a validation schema defined in a `ui` segment",
         "auth.fsd501_schema_in_ui"),
    Rule("FSD900", "unused-noqa", WARNING, False, "a suppression comment that suppresses nothing"),
)

BY_CODE: Mapping[str, Rule] = {rule.code: rule for rule in RULES}
BY_NAME: Mapping[str, Rule] = {rule.name: rule for rule in RULES}
# Names that select several rules, as in Steiger.
ALIASES: Mapping[str, tuple[str, ...]] = {"forbidden-imports": ("FSD101", "FSD102")}


def lookup(code_or_name: str) -> Rule | None:
    """A rule by its code (any case) or its name."""
    return BY_CODE.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())
