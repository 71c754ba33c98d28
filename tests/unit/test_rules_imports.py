"""The import rules FSD101-FSD107 through the engine: Steiger's own test cases ported to Python
trees (named ``test_steiger_…``), Python-specific cases, fixes with their exact edits, and
what each rule must leave alone."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from fsd_lint.diagnostics import Diagnostic, Edit, Severity, Span

from .helpers import lint, write

ROOT = 'root = "src/shop"\n'

# A well-formed shop: every layer, a grouped slice, a cross-import API, relaxed shared/ui and
# shared/lib public APIs; relative imports inside a slice, absolute ones across slices.
CORRECT: dict[str, str] = {
    "src/shop/__main__.py": "from shop.app.main import run\n\nrun()\n",
    "src/shop/app/main.py": (
        "from shop.pages.home import render_home\n"
        "from shop.processes.checkout import checkout_flow\n"
        "from shop.app.routes import ROUTES\n\n\n"
        "def run() -> None:\n    print(ROUTES, render_home())\n"
    ),
    "src/shop/app/routes.py": "from shop.pages.home import render_home\n\nROUTES = {}\n",
    "src/shop/processes/checkout/__init__.py": "from .model import checkout_flow\n",
    "src/shop/processes/checkout/model.py": (
        "from shop.features.add_to_cart import add\n\n\ndef checkout_flow() -> None: ...\n"),
    "src/shop/pages/home/__init__.py": "from .ui.page import render_home\n",
    "src/shop/pages/home/model.py": "TITLE = 'Home'\n",
    "src/shop/pages/home/ui/page.py": (
        "from ..model import TITLE\n"
        "from shop.widgets.header import header\n"
        "from shop.features.add_to_cart import add\n"
        "from shop.entities.product import Product\n"
        "from shop.shared.ui import button\n"
        "from shop.shared.ui.card import card\n"
        "from shop.shared.lib.dates import fmt\n"
        "from shop.shared.config import THEME\n\n\n"
        "def render_home() -> str:\n    return header() + button(TITLE)\n"
    ),
    "src/shop/widgets/header/__init__.py": "from .ui import header\n",
    "src/shop/widgets/header/ui.py": (
        "from shop.features.auth.login import LoginButton\n"
        "from shop.entities.user import User\n\n\ndef header() -> str:\n    return ''\n"
    ),
    "src/shop/features/add_to_cart/__init__.py": "from .model import add\n",
    "src/shop/features/add_to_cart/model.py": (
        "from shop.entities.cart import Cart\nfrom shop.entities.product import Product\n\n\n"
        "def add(cart: Cart, product: Product) -> None: ...\n"
    ),
    "src/shop/features/auth/login/__init__.py": "from .ui import LoginButton\n",
    "src/shop/features/auth/login/ui.py": (
        "import json\n\nimport requests\n\nfrom shop.shared.api import client\n"
        "from shop.entities.user import User\n\n\nclass LoginButton: ...\n"
    ),
    "src/shop/entities/user/__init__.py": "from .model import User\n\n__all__ = ['User']\n",
    "src/shop/entities/user/model.py": "from dataclasses import dataclass\n\n\nclass User: ...\n",
    "src/shop/entities/cart/__init__.py": "from .model import Cart\n",
    "src/shop/entities/cart/model.py": (
        "from shop.entities.product.x.cart import Product\nfrom .lib import total\n\n\n"
        "class Cart: ...\n"
    ),
    "src/shop/entities/cart/lib.py": "def total() -> int:\n    return 0\n",
    "src/shop/entities/product/__init__.py": "from .model import Product\n",
    "src/shop/entities/product/model.py": "class Product: ...\n",
    "src/shop/entities/product/x/cart.py": "from ..model import Product\n",
    "src/shop/shared/ui/__init__.py": "from .button import button\n",
    "src/shop/shared/ui/button.py": "from shop.shared.config import THEME\ndef button(t): ...\n",
    "src/shop/shared/ui/card/__init__.py": "from .card import card\n",
    "src/shop/shared/ui/card/card.py": "def card(): ...\n",
    "src/shop/shared/lib/dates/__init__.py": "from .format import fmt\n",
    "src/shop/shared/lib/dates/format.py": "def fmt(): ...\n",
    "src/shop/shared/api/__init__.py": "from .client import client\n",
    "src/shop/shared/api/client.py": "import os\n\nclient = object()\n",
    "src/shop/shared/config.py": "THEME = 'dark'\n",
}

Lint = Callable[..., list[Diagnostic]]


@pytest.fixture
def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Lint:
    """Write the correct shop plus ``files`` (None leaves a file of the base out) into a
    fresh project, lint it, return the diagnostics (paths relative to the project)."""

    runs = iter(range(1000))

    def run(files: Mapping[str, str | None] | None = None, *, config: str = ROOT,
            select: Sequence[str] | None = ("FSD1",), base: Mapping[str, str] = CORRECT
            ) -> list[Diagnostic]:
        top = tmp_path / f"project{next(runs)}"  # a fresh project for every call
        top.mkdir()
        merged = {**base, **(files or {})}
        write(top, {k: v for k, v in merged.items() if v is not None}, config=config)
        monkeypatch.chdir(top)
        return lint(top, select)

    return run


def found(diagnostics: Sequence[Diagnostic], code: str | None = None
          ) -> list[tuple[str, int, str]]:
    """(path, line, code) of the diagnostics (of one code)."""
    return [(d.path.removeprefix("src/shop/"), d.span.line, d.code) for d in diagnostics
            if code is None or d.code == code]


def only(diagnostics: Sequence[Diagnostic], code: str) -> Diagnostic:
    matching = [d for d in diagnostics if d.code == code]
    assert len(matching) == 1, [(d.path, d.code, d.message) for d in diagnostics]
    return matching[0]


def test_the_correct_shop_has_no_findings_even_with_every_import_rule(check: Lint) -> None:
    assert found(check()) == []


# --- Steiger: forbidden-imports (FSD101 + FSD102) -------------------------------------------


def test_steiger_forbidden_imports_correct_project(check: Lint) -> None:
    assert found(check(select=["forbidden-imports"])) == []


def test_steiger_forbidden_imports_cross_import_from_a_sibling_entity(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/product/ui/product_card.py": "from shop.entities.user import User\n",
    }, select=["forbidden-imports"])
    assert found(diagnostics) == [("entities/product/ui/product_card.py", 1, "FSD102")]
    message = diagnostics[0].message
    assert "`entities/product` imports the sibling slice `entities/user`" in message
    assert "entities/user/x/product.py" in message  # what to do instead, for entities


def test_steiger_forbidden_imports_higher_layer(check: Lint) -> None:
    diagnostics = check({
        "src/shop/pages/editor/ui.py": "",
        "src/shop/features/comments/ui/comment_card.py": "from shop.pages.editor import ui\n",
    }, select=["forbidden-imports"])
    assert found(diagnostics) == [("features/comments/ui/comment_card.py", 1, "FSD101")]
    message = diagnostics[0].message
    assert "`features/comments` imports `pages/editor`" in message
    assert "higher layer `pages`" in message
    assert "`features` may import only `entities`, `shared`" in message


def test_steiger_forbidden_imports_a_module_lying_in_app_and_app_itself(check: Lint) -> None:
    diagnostics = check({
        "src/shop/app/root.py": "ROOT = 1\n",
        "src/shop/entities/cart/lib/count_cart_items.py": "from shop.app.root import ROOT\n",
        "src/shop/entities/cart/ui/small_cart.py": "import shop.app\n",
        "src/shop/entities/cart/lib.py": None,
        "src/shop/entities/cart/lib/__init__.py": "def total() -> int:\n    return 0\n",
    }, select=["forbidden-imports"])
    assert found(diagnostics) == [
        ("entities/cart/lib/count_cart_items.py", 1, "FSD101"),
        ("entities/cart/ui/small_cart.py", 1, "FSD101"),
    ]
    assert all("higher layer `app`" in d.message for d in diagnostics)
    assert "imports `app/root`" in diagnostics[0].message
    assert "imports `app`" in diagnostics[1].message


def test_steiger_forbidden_imports_cross_import_api_for_the_importer(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/user/x/product.py": "from ..model import User\n",
        "src/shop/entities/product/model.py": "from shop.entities.user.x.product import User\n",
    }, select=["forbidden-imports"])
    assert found(diagnostics) == []


def test_steiger_forbidden_imports_cross_import_api_package_with_init(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/order/model.py": "",
        "src/shop/entities/order/x/cart/__init__.py": "from ...model import *\n",
        "src/shop/entities/cart/lib.py": "from shop.entities.order.x.cart import Order\n",
    }, select=["forbidden-imports"])
    assert found(diagnostics) == []


def test_steiger_forbidden_imports_cross_import_api_meant_for_another_slice(
    check: Lint,
) -> None:
    diagnostics = check({
        "src/shop/entities/user/x/product.py": "from ..model import User\n",
        "src/shop/entities/cart/lib.py": "from shop.entities.user.x.product import User\n",
    }, select=["forbidden-imports"])
    assert found(diagnostics) == [("entities/cart/lib.py", 1, "FSD102")]
    message = diagnostics[0].message
    assert "`entities/cart` imports `entities/user/x/product`" in message
    assert "meant for `entities/product`" in message
    assert "`entities/user/x/cart.py`" in message


# --- Steiger: no-cross-imports / no-higher-level-imports alone ------------------------------

MIXED = {
    "src/shop/pages/editor/ui.py": "",
    "src/shop/features/comments/ui.py": (
        "import shop.pages.editor\nfrom shop.features.add_to_cart import add\n"),
}


def test_steiger_no_higher_level_imports_alone(check: Lint) -> None:
    assert found(check(MIXED, select=["no-higher-level-imports"])) == [
        ("features/comments/ui.py", 1, "FSD101")]


def test_steiger_no_cross_imports_alone(check: Lint) -> None:
    assert found(check(MIXED, select=["no-cross-imports"])) == [
        ("features/comments/ui.py", 2, "FSD102")]


def test_forbidden_imports_is_on_by_default_and_selects_both(check: Lint) -> None:
    expected = [("features/comments/ui.py", 1, "FSD101"), ("features/comments/ui.py", 2, "FSD102")]
    assert found(check(MIXED, select=None)) == expected
    assert found(check(MIXED, select=["forbidden-imports"])) == expected


# --- Steiger: no-public-api-sidestep (FSD103) -----------------------------------------------


def test_steiger_sidestep_cross_import_api_is_not_a_sidestep(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/user/x/product.py": "from ..model import User\n",
        "src/shop/entities/product/model.py": "from shop.entities.user.x.product import User\n",
    }, select=["FSD103"])
    assert found(diagnostics) == []


def test_steiger_sidestep_into_a_slice_segment(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/product/ui/product_card.py": "class ProductCard: ...\n",
        "src/shop/pages/editor/ui/editor.py": (
            "from shop.entities.product.ui.product_card import ProductCard\n"),
    }, select=["FSD103"])
    assert found(diagnostics) == [("pages/editor/ui/editor.py", 1, "FSD103")]
    message = diagnostics[0].message
    assert "`pages/editor` reaches past the public API of `entities/product`" in message
    assert "(`entities/product/ui/product_card`)" in message
    assert "import from `shop.entities.product` instead" in message


def test_steiger_sidestep_into_a_shared_segment(check: Lint) -> None:
    diagnostics = check({
        "src/shop/shared/i18n/__init__.py": "",
        "src/shop/shared/i18n/translator.py": "",
        "src/shop/pages/editor/ui.py": "from shop.shared.i18n import translator\n",
    }, select=["FSD103"])
    assert found(diagnostics) == [("pages/editor/ui.py", 1, "FSD103")]
    assert "import from `shop.shared.i18n` instead" in diagnostics[0].message


def test_steiger_sidestep_several_public_apis_of_one_segment_are_fine(check: Lint) -> None:
    # Steiger accepts index.server.ts and index.client.ts; in Python a shared/ui segment is
    # reached through its __init__, a module lying directly in it, or a first-level package.
    diagnostics = check({
        "src/shop/pages/editor/ui.py": (
            "from shop.shared.ui import button\n"
            "from shop.shared.ui.button import button as plain\n"
            "from shop.shared.ui.card import card\n"
            "import shop.shared.ui.card\n"
        ),
    }, select=["FSD103"])
    assert found(diagnostics) == []


def test_steiger_sidestep_shared_lib_first_level_packages_are_fine(check: Lint) -> None:
    diagnostics = check({
        "src/shop/shared/lib/i18n/__init__.py": "from .translator import t\n",
        "src/shop/shared/lib/i18n/translator.py": "def t(): ...\n",
        "src/shop/pages/editor/ui.py": (
            "from shop.shared.lib.dates import fmt\nfrom shop.shared.lib.i18n import t\n"),
    }, select=["FSD103"])
    assert found(diagnostics) == []


def test_steiger_sidestep_past_a_shared_lib_package(check: Lint) -> None:
    diagnostics = check({
        "src/shop/shared/lib/i18n/__init__.py": "from .translator import t\n",
        "src/shop/shared/lib/i18n/translator.py": "def t(): ...\n",
        "src/shop/pages/editor/ui.py": "from shop.shared.lib.i18n.translator import t\n",
    }, select=["FSD103"])
    assert found(diagnostics) == [("pages/editor/ui.py", 1, "FSD103")]
    message = diagnostics[0].message
    assert "the public API of `shared/lib/i18n`" in message
    assert "import from `shop.shared.lib.i18n` instead" in message
    assert diagnostics[0].fix is not None
    assert diagnostics[0].fix.edits == (Edit(Span(1, 6, 1, 37), "shop.shared.lib.i18n"),)


# --- Steiger: import-locality (FSD104) ------------------------------------------------------


def test_steiger_import_locality_absolute_import_inside_the_slice(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/user/ui/name.py": "def name(): ...\n",
        "src/shop/entities/user/ui/card.py": "from shop.entities.user.ui.name import name\n",
    }, select=["FSD104"])
    diagnostic = only(diagnostics, "FSD104")
    assert "absolute import of a module of the same slice `entities/user`" in diagnostic.message
    assert "use a relative import" in diagnostic.message
    assert diagnostic.fix is not None
    assert diagnostic.fix.edits == (Edit(Span(1, 6, 1, 32), ".name"),)


def test_steiger_import_locality_own_public_api_is_fsd105_not_fsd104(check: Lint) -> None:
    # Steiger asks for a relative import here; a relative `from .. import User` would still be
    # a circular import in Python, so FSD105 reports it instead (and FSD104 stays quiet).
    diagnostics = check({
        "src/shop/entities/user/ui.py": "from shop.entities.user import User\n",
    }, select=["FSD104", "FSD105"])
    assert found(diagnostics) == [("entities/user/ui.py", 1, "FSD105")]


def test_steiger_import_locality_relative_import_into_another_layer(check: Lint) -> None:
    diagnostics = check({
        "src/shop/features/comments/ui/card.py": "from ....entities.user import User\n",
    }, select=["FSD104"])
    diagnostic = only(diagnostics, "FSD104")
    assert "climbs out of `features/comments` into `entities/user`" in diagnostic.message
    assert "use an absolute import (`shop.entities.user`)" in diagnostic.message
    assert diagnostic.fix is not None
    assert diagnostic.fix.edits == (Edit(Span(1, 6, 1, 23), "shop.entities.user"),)


# --- FSD101 no-higher-level-imports: Python cases -------------------------------------------


def test_type_checking_imports_count_unless_configured(check: Lint) -> None:
    files = {"src/shop/entities/user/model.py": (
        "from typing import TYPE_CHECKING\n"
        "import typing\n"
        "if TYPE_CHECKING:\n    from shop.features.add_to_cart import add\n"
        "if typing.TYPE_CHECKING:\n    import shop.pages.home\n"
        "class User: ...\n"
    )}
    assert found(check(files)) == [
        ("entities/user/model.py", 4, "FSD101"), ("entities/user/model.py", 6, "FSD101")]
    ignored = check(files, config=ROOT + "ignore-type-checking-imports = true\n")
    assert found(ignored) == []


def test_dynamic_lazy_and_guarded_imports_count(check: Lint) -> None:
    diagnostics = check({"src/shop/entities/user/model.py": (
        "import importlib\n"
        "def load():\n"
        "    importlib.import_module('shop.features.add_to_cart')\n"
        "    return __import__('shop.widgets.header')\n"
        "class User:\n"
        "    def page(self):\n"
        "        from shop.pages.home import render_home\n"
        "try:\n    from shop.processes.checkout import checkout_flow\n"
        "except ImportError:\n    checkout_flow = None\n"
        "match 1:\n    case 1:\n        import shop.app.routes\n"
    )}, select=["FSD101"])
    assert found(diagnostics) == [
        ("entities/user/model.py", line, "FSD101") for line in (3, 4, 7, 9, 14)]
    assert "`importlib.import_module(\"shop.features.add_to_cart\")`" in diagnostics[0].message
    assert "`__import__(\"shop.widgets.header\")`" in diagnostics[1].message


def test_reexports_in_an_init_are_imports(check: Lint) -> None:
    diagnostics = check({"src/shop/entities/user/__init__.py": (
        "from .model import User\nfrom shop.pages.home import *\n"
        "from shop.features.add_to_cart import add as add_to_cart\n")})
    assert found(diagnostics) == [
        ("entities/user/__init__.py", 2, "FSD101"),
        ("entities/user/__init__.py", 2, "FSD106"),
        ("entities/user/__init__.py", 3, "FSD101"),
    ]


def test_shared_may_import_only_shared_and_third_party(check: Lint) -> None:
    diagnostics = check({"src/shop/shared/lib/analytics.py": (
        "import os\nimport requests\nfrom shop.shared.api import client\n"
        "from shop.shared.api.client import client as raw\n"
        "def track():\n    from shop.entities.user import User\n"
    )})
    diagnostic = only(diagnostics, "FSD101")
    assert diagnostic.span.line == 6
    assert "`shared/lib` imports `entities/user`" in diagnostic.message
    assert "`shared` may import only `shared` itself and third-party code" in diagnostic.message


def test_app_may_import_every_layer_below(check: Lint) -> None:
    diagnostics = check({"src/shop/app/main.py": (
        "from shop.processes.checkout import checkout_flow\n"
        "from shop.pages.home import render_home\nfrom shop.widgets.header import header\n"
        "from shop.features.auth.login import LoginButton\nfrom shop.entities.user import User\n"
        "from shop.shared.api import client\nfrom shop.app.routes import ROUTES\n"
        "def run(): ...\n"
    )})
    assert found(diagnostics) == []


def test_processes_is_ranked_between_app_and_pages(check: Lint) -> None:
    diagnostics = check({"src/shop/pages/home/model.py": (
        "from shop.processes.checkout import checkout_flow\nTITLE = ''\n")})
    assert found(diagnostics) == [("pages/home/model.py", 1, "FSD101")]


def test_a_file_lying_directly_in_a_sliced_layer_is_still_checked_for_layers(
    check: Lint,
) -> None:
    diagnostics = check({"src/shop/features/helpers.py": (
        "from shop.features.add_to_cart import add\nfrom shop.pages.home import render_home\n")})
    assert found(diagnostics) == [("features/helpers.py", 2, "FSD101")]


def test_files_outside_the_layers_are_not_checked(check: Lint) -> None:
    diagnostics = check({
        "src/shop/settings.py": "from shop.pages.home import render_home\n",
        "scripts/seed.py": "from shop.entities.user.model import User\n",
    })
    assert found(diagnostics) == []


def test_stdlib_and_third_party_are_never_violations_with_top_level_layers(
    check: Lint,
) -> None:
    flat = {
        "shared/ui.py": "import os\nimport typing\nimport email.message\nimport requests\n",
        "entities/user/model.py": "import json\nimport pages\nfrom entities.user import lib\n",
        "entities/user/lib.py": "",
        "features/cart/ui.py": "import shared.ui\nfrom entities.user import model\n",
    }
    diagnostics = check(flat, config='root = "."\n', base={}, select=None)
    assert found(diagnostics) == [("features/cart/ui.py", 2, "FSD103")]


# --- FSD102 no-cross-imports: Python cases --------------------------------------------------


def test_relative_import_climbing_into_a_sibling_slice(check: Lint) -> None:
    diagnostics = check({"src/shop/features/add_to_cart/ui.py": (
        "from ..auth.login import LoginButton\nfrom ...entities.user import User\n")},
        select=["FSD101", "FSD102", "FSD103"])
    assert found(diagnostics) == [("features/add_to_cart/ui.py", 1, "FSD102")]
    assert "the sibling slice `features/auth/login`" in diagnostics[0].message
    assert "compose both slices in a higher layer" in diagnostics[0].message


def test_from_a_layer_import_a_slice_package(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/cart/lib.py": "from shop.entities import user\n",
        "src/shop/features/add_to_cart/ui.py": "from shop.entities import user\n",
    })
    assert found(diagnostics) == [("entities/cart/lib.py", 1, "FSD102")]


def test_grouped_slices_are_siblings_of_each_other(check: Lint) -> None:
    diagnostics = check({
        "src/shop/features/auth/logout/__init__.py": "from .model import logout\n",
        "src/shop/features/auth/logout/model.py": (
            "from shop.features.auth.login import LoginButton\ndef logout(): ...\n"),
    })
    assert found(diagnostics) == [("features/auth/logout/model.py", 1, "FSD102")]
    assert "`features/auth/logout` imports the sibling slice `features/auth/login`" in (
        diagnostics[0].message)


def test_same_slice_imports_are_always_allowed(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/user/lib/__init__.py": "",
        "src/shop/entities/user/lib/names.py": "",
        "src/shop/entities/user/ui.py": (
            "from .model import User\nfrom .lib.names import *\n"
            "from shop.entities.user.lib import names\n"),
    }, select=["FSD101", "FSD102", "FSD103"])
    assert found(diagnostics) == []


def test_shared_segments_may_import_each_other_freely(check: Lint) -> None:
    diagnostics = check({
        "src/shop/shared/api/endpoints/__init__.py": "",
        "src/shop/shared/api/endpoints/login.py": "",
        "src/shop/shared/ui/form.py": (
            "from shop.shared.api.endpoints.login import x\nfrom ..api.client import client\n"),
    }, select=["FSD101", "FSD102", "FSD103"])
    assert found(diagnostics) == []


def test_files_directly_in_a_sliced_layer_are_not_cross_imports(check: Lint) -> None:
    diagnostics = check({
        "src/shop/features/helpers.py": "from shop.features.add_to_cart import add\n",
        "src/shop/features/add_to_cart/ui.py": "from shop.features.helpers import x\n",
    })
    assert found(diagnostics) == []


def test_slice_group_init_reexports(check: Lint) -> None:
    diagnostics = check({
        "src/shop/features/auth/__init__.py": (
            "from .login import LoginButton\nfrom .login.ui import LoginButton as Raw\n"),
        # Importing the group package from a sibling slice: no slice on the other side.
        "src/shop/features/add_to_cart/ui.py": "from shop.features.auth import LoginButton\n",
    })
    assert found(diagnostics) == [("features/auth/__init__.py", 2, "FSD103")]


def test_cross_import_api_used_from_a_higher_layer(check: Lint) -> None:
    diagnostics = check({
        "src/shop/pages/home/model.py": (
            "from shop.entities.product.x.cart import Product\nTITLE = ''\n"),
        "src/shop/app/routes.py": "from shop.entities.product.x import cart\nROUTES = {}\n",
        "src/shop/shared/lib/x_user.py": "from shop.entities.product.x.cart import Product\n",
    })
    assert found(diagnostics) == [
        ("app/routes.py", 1, "FSD102"),
        ("pages/home/model.py", 1, "FSD102"),
        ("shared/lib/x_user.py", 1, "FSD101"),
    ]
    message = next(d for d in diagnostics if d.path.endswith("pages/home/model.py")).message
    assert "`pages/home` imports `entities/product/x/cart`" in message
    assert "meant for `entities/cart`" in message
    assert "import from the public API of `entities/product` instead" in message


def test_the_cross_import_package_itself_is_meant_for_no_slice(check: Lint) -> None:
    diagnostics = check({"src/shop/entities/cart/lib.py": "import shop.entities.product.x\n"})
    assert found(diagnostics) == [("entities/cart/lib.py", 1, "FSD102")]
    assert "meant for no slice in particular" in diagnostics[0].message


def test_grouped_consumer_of_a_cross_import_api(check: Lint) -> None:
    diagnostics = check({
        "src/shop/features/add_to_cart/x/auth/login.py": "from ...model import add\n",
        "src/shop/features/auth/login/ui.py": (
            "from shop.features.add_to_cart.x.auth.login import add\nclass LoginButton: ...\n"),
        "src/shop/features/auth/logout/ui.py": (
            "from shop.features.add_to_cart.x.auth.login import add\n"),
    }, select=["FSD102"])
    assert found(diagnostics) == [("features/auth/logout/ui.py", 1, "FSD102")]
    message = diagnostics[0].message
    assert "meant for `features/auth/login`" in message
    assert "`features/add_to_cart/x/auth/logout.py`" in message


def test_a_custom_cross_import_api_name(check: Lint) -> None:
    files = {
        "src/shop/entities/user/xapi/cart.py": "from ..model import User\n",
        "src/shop/entities/cart/lib.py": "from shop.entities.user.xapi.cart import User\n",
    }
    # Under another name, `x` is an ordinary segment: the base shop's `entities/product/x`
    # import becomes a cross-import and a sidestep.
    assert found(check(files, config=ROOT + 'cross-import-api = "xapi"\n')) == [
        ("entities/cart/model.py", 1, "FSD102"), ("entities/cart/model.py", 1, "FSD103")]
    assert found(check(files)) == [
        ("entities/cart/lib.py", 1, "FSD102"), ("entities/cart/lib.py", 1, "FSD103")]


def test_several_roots_are_checked_each_on_its_own(check: Lint) -> None:
    files = {
        "apps/web/src/web/shared/ui.py": "",
        "apps/web/src/web/features/checkout/model.py": "",
        "apps/web/src/web/entities/order/model.py": (
            "from web.features.checkout import go\n"
            "from admin.features.refund.model import Refund\n"),
        "apps/admin/src/admin/shared/ui.py": "",
        "apps/admin/src/admin/features/refund/model.py": "",
        "apps/admin/src/admin/entities/user/model.py": "from admin.features.refund import refund\n",
    }
    config = ('root = ["apps/web/src/web", "apps/admin/src/admin"]\n'
              'src = ["apps/web/src", "apps/admin/src"]\n')
    diagnostics = check(files, config=config, base={})
    assert [(d.path, d.span.line, d.code) for d in diagnostics] == [
        ("apps/admin/src/admin/entities/user/model.py", 1, "FSD101"),
        ("apps/web/src/web/entities/order/model.py", 1, "FSD101"),
    ]


# --- FSD103 fixes ---------------------------------------------------------------------------

USER_API = {
    "src/shop/entities/user/__init__.py": (
        "from typing import TYPE_CHECKING\n"
        "from .model.store import User, helper as renamed\n"
        "from .model import store\n"
        "from .lib.other import Other\n"
        "if TYPE_CHECKING:\n    from .model.store import Hidden\n"
    ),
    "src/shop/entities/user/model.py": None,
    "src/shop/entities/user/model/__init__.py": "",
    "src/shop/entities/user/model/store.py": (
        "class User: ...\nclass Other: ...\nclass Hidden: ...\ndef helper(): ...\n"),
    "src/shop/entities/user/lib/__init__.py": "",
    "src/shop/entities/user/lib/other.py": "class Other: ...\n",
}


@pytest.mark.parametrize(("line", "edit"), [
    ("from shop.entities.user.model.store import User",
     Edit(Span(1, 6, 1, 36), "shop.entities.user")),
    ("from shop.entities.user.model.store import User as Person",
     Edit(Span(1, 6, 1, 36), "shop.entities.user")),
    ("from shop.entities.user.model import store, User",
     Edit(Span(1, 6, 1, 30), "shop.entities.user")),
    ("from ...entities.user.model.store import User",
     Edit(Span(1, 6, 1, 34), "shop.entities.user")),
    ("    from shop.entities.user.model.store import (\n        User,\n    )",
     Edit(Span(1, 10, 1, 40), "shop.entities.user")),
])
def test_sidestep_fix_is_offered_when_the_api_reexports_every_name(
    check: Lint, line: str, edit: Edit
) -> None:
    source = line + "\n" if not line.startswith(" ") else "def f():\n" + line + "\n"
    if line.startswith(" "):
        edit = Edit(Span(2, edit.span.column, 2, edit.span.end_column), edit.content)
    diagnostics = check({**USER_API, "src/shop/features/profile/ui.py": source},
                        select=["FSD103"])
    diagnostic = only(diagnostics, "FSD103")
    assert diagnostic.fix is not None
    assert diagnostic.fix.message == "Import from the public API `shop.entities.user`"
    assert diagnostic.fix.edits == (edit,)


@pytest.mark.parametrize("line", [
    "from shop.entities.user.model.store import Other",     # the API's Other is another one
    "from shop.entities.user.model.store import helper",    # re-exported under another name
    "from shop.entities.user.model.store import Hidden",    # only under TYPE_CHECKING
    "from shop.entities.user.model.store import User, Other",  # not every name
    "from shop.entities.user.model.store import *",
    "import shop.entities.user.model.store",
    "from shop.entities.user import model",                 # the segment itself
    "import importlib; importlib.import_module('shop.entities.user.model.store')",
])
def test_sidestep_fix_is_not_offered_otherwise(check: Lint, line: str) -> None:
    diagnostics = check({**USER_API, "src/shop/features/profile/ui.py": line + "\n"},
                        select=["FSD103"])
    diagnostic = only(diagnostics, "FSD103")
    assert diagnostic.fix is None
    assert "import from `shop.entities.user` instead" in diagnostic.message


def test_sidestep_fix_in_a_shared_segment(check: Lint) -> None:
    diagnostics = check({
        "src/shop/shared/api/client.py": "client = object()\n",
        "src/shop/pages/home/model.py": "from shop.shared.api.client import client\nTITLE = ''\n",
    }, select=["FSD103"])
    diagnostic = only(diagnostics, "FSD103")
    assert "reaches past the public API of `shared/api`" in diagnostic.message
    assert diagnostic.fix is not None
    assert diagnostic.fix.edits == (Edit(Span(1, 6, 1, 28), "shop.shared.api"),)


def test_sidestep_in_a_root_no_import_root_reaches_has_no_fix(check: Lint) -> None:
    diagnostics = check({
        "my-app/shop/shared/ui.py": "",
        "my-app/shop/entities/user/__init__.py": "from .model import User\n",
        "my-app/shop/entities/user/model.py": "class User: ...\n",
        "my-app/shop/entities/cart/model.py": (
            "from ..user.model import User\nfrom ...features.checkout import go\n"),
        "my-app/shop/features/checkout/__init__.py": "",
        "my-app/shop/features/checkout/ui.py": "",
    }, config='root = "my-app/shop"\n', base={}, select=["FSD1"])
    assert [(d.path, d.span.line, d.code) for d in diagnostics] == [
        ("my-app/shop/entities/cart/model.py", 1, "FSD102"),
        ("my-app/shop/entities/cart/model.py", 1, "FSD103"),
        ("my-app/shop/entities/cart/model.py", 2, "FSD101"),
    ]
    assert diagnostics[1].fix is None
    assert "import from its public API instead" in diagnostics[1].message


def test_one_sidestep_finding_per_statement(check: Lint) -> None:
    diagnostics = check({
        **USER_API,
        "src/shop/features/profile/ui.py": "from shop.entities.user.model import store, User\n",
    }, select=["FSD103"])
    assert found(diagnostics) == [("features/profile/ui.py", 1, "FSD103")]


def test_a_segment_the_public_api_exports_explicitly_is_no_sidestep(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/user/__init__.py": "from . import model\nfrom .model import User\n",
        "src/shop/features/add_to_cart/ui.py": "from shop.entities.user import model\n",
    }, select=["FSD103"])
    assert found(diagnostics) == []


def test_sidestep_from_app(check: Lint) -> None:
    diagnostics = check({
        "src/shop/app/routes.py": "from shop.entities.user.model import User\nROUTES = {}\n",
    }, select=["FSD103"])
    assert found(diagnostics) == [("app/routes.py", 1, "FSD103")]


# --- FSD104 import-locality -----------------------------------------------------------------


def test_locality_is_off_by_default(check: Lint) -> None:
    files = {"src/shop/entities/user/ui.py": "from shop.entities.user.model import User\n"}
    assert found(check(files, select=None)) == []
    assert found(check(files, select=["ALL"]), "FSD104") == [
        ("entities/user/ui.py", 1, "FSD104")]


def test_locality_fixes_absolute_imports_inside_a_slice(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/user/lib/__init__.py": "",
        "src/shop/entities/user/lib/names.py": "",
        "src/shop/entities/user/ui/avatar.py": (
            "from shop.entities.user.model import User\n"
            "from shop.entities.user.lib import names\n"
            "from shop.entities.user.ui import Avatar\n"
            "import shop.entities.user.lib.names\n"
        ),
        "src/shop/entities/user/model.py": "from shop.entities.user.lib.names import n\n",
    }, select=["FSD104"])
    fixes = {(d.path.removeprefix("src/shop/"), d.span.line): d.fix for d in diagnostics}
    assert sorted(fixes) == [("entities/user/model.py", 1), ("entities/user/ui/avatar.py", 1),
                             ("entities/user/ui/avatar.py", 2), ("entities/user/ui/avatar.py", 3),
                             ("entities/user/ui/avatar.py", 4)]

    def edit(path: str, line: int) -> tuple[Edit, ...] | None:
        fix = fixes[(path, line)]
        return fix.edits if fix is not None else None

    assert edit("entities/user/model.py", 1) == (Edit(Span(1, 6, 1, 34), ".lib.names"),)
    assert edit("entities/user/ui/avatar.py", 1) == (Edit(Span(1, 6, 1, 30), "..model"),)
    assert edit("entities/user/ui/avatar.py", 2) == (Edit(Span(2, 6, 2, 28), "..lib"),)
    assert edit("entities/user/ui/avatar.py", 3) == (Edit(Span(3, 6, 3, 27), "."),)
    assert edit("entities/user/ui/avatar.py", 4) is None  # `import x.y` has no relative form


def test_locality_segments_are_the_units_of_shared(check: Lint) -> None:
    diagnostics = check({
        "src/shop/shared/ui/theme.py": "",
        "src/shop/shared/ui/button.py": (
            "from .theme import x\n"
            "from shop.shared.ui.theme import y\n"
            "from shop.shared.config import THEME\n"
            "from ..api import client\n"
        ),
    }, select=["FSD104"])
    assert [(d.span.line, d.fix.edits if d.fix else None) for d in diagnostics] == [
        (2, (Edit(Span(2, 6, 2, 26), ".theme"),)),
        (4, (Edit(Span(4, 6, 4, 11), "shop.shared.api"),)),
    ]
    assert "same segment `shared/ui`" in diagnostics[0].message
    assert "climbs out of `shared/ui` into `shared/api`" in diagnostics[1].message


def test_locality_leaves_alone(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/user/ui.py": "from .model import User\nfrom . import model\n",
        "src/shop/features/auth/login/ui.py": (
            "from shop.entities.user import User\n"
            "import importlib\nimportlib.import_module('shop.features.auth.login.model')\n"
            "class LoginButton: ...\n"),
        "src/shop/features/helpers.py": "from .add_to_cart import add\n",
    }, select=["FSD104"])
    assert found(diagnostics) == []


def test_locality_has_nothing_to_suggest_without_an_import_root(check: Lint) -> None:
    diagnostics = check({
        "my-app/shop/shared/ui.py": "",
        "my-app/shop/entities/user/model.py": "from ...shared.ui import button\n",
    }, config='root = "my-app/shop"\n', base={}, select=["FSD104"])
    assert found(diagnostics) == []


# --- FSD105 no-self-public-api-import -------------------------------------------------------


def test_importing_the_own_public_api_from_inside(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/user/ui/__init__.py": "",
        "src/shop/entities/user/ui/avatar.py": "from .. import User\n",
        "src/shop/entities/user/lib.py": "from . import User\n",
        "src/shop/entities/user/api.py": "def f():\n    from shop.entities.user import User\n",
        "src/shop/shared/api/client.py": "from shop.shared.api import client\nclient = 1\n",
    }, select=["FSD105"])
    assert found(diagnostics) == [
        ("entities/user/api.py", 2, "FSD105"),
        ("entities/user/lib.py", 1, "FSD105"),
        ("entities/user/ui/avatar.py", 1, "FSD105"),
        ("shared/api/client.py", 1, "FSD105"),
    ]
    message = diagnostics[0].message
    assert "the public API of its own slice `entities/user`" in message
    assert "circular import" in message
    assert "the public API of its own segment `shared/api`" in diagnostics[3].message


def test_own_public_api_leaves_alone(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/user/__init__.py": "from .model import User\nfrom . import model\n",
        "src/shop/entities/user/ui.py": "from . import model\nfrom .model import User\n",
        "src/shop/entities/user/tests/test_api.py": "from shop.entities.user import User\n",
        "src/shop/entities/user/test_user.py": "from shop.entities.user import User\n",
        "src/shop/shared/config.py": "from shop.shared import config\n",
    }, select=["FSD105"])
    assert found(diagnostics) == []


# --- FSD106 no-wildcard-reexport ------------------------------------------------------------


def test_wildcard_reexports_in_public_apis(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/user/__init__.py": "from .model import *\n",
        "src/shop/shared/api/__init__.py": "from .client import *\n",
        "src/shop/shared/ui/card/__init__.py": "from .card import *\n",
    }, select=["FSD106"])
    assert found(diagnostics) == [
        ("entities/user/__init__.py", 1, "FSD106"),
        ("shared/api/__init__.py", 1, "FSD106"),
        ("shared/ui/card/__init__.py", 1, "FSD106"),
    ]
    assert all(d.severity is Severity.WARNING for d in diagnostics)
    assert "public API of `entities/user`" in diagnostics[0].message
    assert "import the public names explicitly" in diagnostics[0].message


def test_wildcard_imports_elsewhere_are_left_alone(check: Lint) -> None:
    diagnostics = check({
        "src/shop/entities/user/ui.py": "from .model import *\n",
        "src/shop/entities/user/api/__init__.py": "from .load import *\n",
        "src/shop/entities/user/api/load.py": "",
        "src/shop/app/__init__.py": "from .routes import *\n",
        "src/shop/features/auth/__init__.py": "from .login import *\n",
        "src/shop/shared/lib/dates/format.py": "from os.path import *\n",
    }, select=["FSD106"])
    assert found(diagnostics) == []


# --- FSD107 cross-import-api-outside-entities -----------------------------------------------


def test_cross_import_api_outside_entities(check: Lint) -> None:
    diagnostics = check({
        "src/shop/features/add_to_cart/x/__init__.py": "",
        "src/shop/features/add_to_cart/x/checkout.py": "",
        "src/shop/widgets/header/x.py": "",
    }, select=["FSD107"])
    assert found(diagnostics) == [
        ("features/add_to_cart/x", 1, "FSD107"), ("widgets/header/x.py", 1, "FSD107")]
    assert all(d.severity is Severity.WARNING for d in diagnostics)
    message = diagnostics[0].message
    assert "`features/add_to_cart/x` is a cross-import API outside `entities`" in message


def test_cross_import_api_on_entities_or_under_another_name_is_fine(check: Lint) -> None:
    files = {"src/shop/features/add_to_cart/x/checkout.py": ""}
    assert found(check(files, select=["FSD107"],
                       config=ROOT + 'cross-import-api = "xapi"\n')) == []
    assert found(check({}, select=["FSD107"])) == []  # entities/product/x in the base shop
