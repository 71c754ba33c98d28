"""Import resolution: absolute and relative names, Python's ``from P import c`` lookup,
dynamic imports, and what lies outside every FSD root."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from fsd_lint.facts.types import ImportedName, ImportFact
from fsd_lint.resolve import absolute_base, package_of
from fsd_lint.rules.imports.fsd104_import_locality import relative_reference

from .helpers import Project, project_of, write

ROOT = 'root = "src/shop"\n'
UI = "src/shop/features/cart/ui.py"


def from_import(module: str, level: int = 0, *names: str) -> ImportFact:
    return ImportFact(0, "from", module, level, tuple(ImportedName(n) for n in names or ("x",)))


def shop(tmp_path: Path, files: dict[str, str], code: str) -> Project:
    """A small shop whose ``features/cart/ui.py`` holds ``code``."""
    write(tmp_path, {
        "src/shop/shared/api/client.py": "",
        "src/shop/entities/user/model.py": "",
        UI: code,
        **files,
    }, config=ROOT)
    return project_of(tmp_path)


# --- absolute_base and package_of -----------------------------------------------------------


def test_package_of_a_module_and_of_a_package() -> None:
    assert package_of("a.b.c", is_package=False) == "a.b"
    assert package_of("a.b", is_package=True) == "a.b"
    assert package_of("a", is_package=False) == ""


def test_absolute_base_of_relative_imports() -> None:
    assert absolute_base(from_import("x.y"), "a.b.c", False) == "x.y"
    assert absolute_base(from_import("", 1), "a.b.c", False) == "a.b"
    assert absolute_base(from_import("m", 1), "a.b.c", False) == "a.b.m"
    assert absolute_base(from_import("x", 2), "a.b.c", False) == "a.x"
    # An __init__.py is its own package.
    assert absolute_base(from_import("m", 1), "a.b", True) == "a.b.m"
    assert absolute_base(from_import("", 2), "a.b", True) == "a"


def test_absolute_base_beyond_the_top_level_package_is_none() -> None:
    assert absolute_base(from_import("x", 3), "a.b.c", False) is None
    assert absolute_base(from_import("", 1), "top", False) is None  # a top-level module
    assert absolute_base(from_import("x", 2), "a", True) is None


def test_absolute_base_uses_an_explicit_package() -> None:
    dynamic = ImportFact(0, "dynamic", "x", 2, package="a.b.c")
    assert absolute_base(dynamic, "elsewhere.mod", False) == "a.b.x"


identifier = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True)
dotted = st.lists(identifier, min_size=1, max_size=6).map(".".join)


@given(module=dotted, is_package=st.booleans(), level=st.integers(0, 9),
       target=st.one_of(st.just(""), dotted))
def test_absolute_base_never_crashes_and_climbs_exactly(
    module: str, is_package: bool, level: int, target: str
) -> None:
    fact = from_import(target, level)
    result = absolute_base(fact, module, is_package)
    if level == 0:
        assert result == target
        return
    start = package_of(module, is_package).split(".") if package_of(module, is_package) else []
    if level - 1 >= len(start):
        assert result is None
    else:
        base = ".".join(start[: len(start) - (level - 1)])
        assert result == (f"{base}.{target}" if target else base)


@given(top=identifier, here=st.lists(identifier, max_size=5),
       there=st.lists(identifier, max_size=5), is_package=st.booleans())
def test_relative_reference_round_trips_through_absolute_base(
    top: str, here: list[str], there: list[str], is_package: bool
) -> None:
    package = ".".join([top, *here])
    target = ".".join([top, *there])
    reference = relative_reference(package, target)
    level = len(reference) - len(reference.lstrip("."))
    # The importing module lies in ``package`` (or is its __init__).
    module = package if is_package else f"{package}.mod"
    fact = from_import(reference[level:], level)
    assert level >= 1
    assert absolute_base(fact, module, is_package) == target


# --- plain and from imports -----------------------------------------------------------------


def test_plain_imports_target_the_named_module(tmp_path: Path) -> None:
    project = shop(tmp_path, {}, (
        "import shop.entities.user.model\n"
        "import shop.entities.user.model as user_model\n"
        "import shop.shared.api, os\n"
    ))
    assert project.targets(UI) == [
        ("shop.entities.user.model", ()), ("shop.entities.user.model", ()),
        ("shop.shared.api", ()), ("os", ())]
    assert project.where(UI) == [
        "entities/user/model", "entities/user/model", "shared/-/api", None]


def test_a_name_bound_by_the_init_wins_over_a_same_named_submodule(tmp_path: Path) -> None:
    project = shop(tmp_path, {
        "src/shop/shared/config/__init__.py": "from .settings import settings\n",
        "src/shop/shared/config/settings.py": "settings = object()\n",
    }, "from shop.shared.config import settings\n")
    assert project.targets(UI) == [("shop.shared.config", ("settings",))]


def test_a_submodule_on_disk_wins_over_an_unbound_name(tmp_path: Path) -> None:
    project = shop(tmp_path, {
        "src/shop/entities/user/__init__.py": "from .model import User\n",
        "src/shop/entities/user/api/__init__.py": "",
    }, "from shop.entities.user import model, api, User, Missing\n")
    assert project.targets(UI) == [
        ("shop.entities.user.model", ()),
        ("shop.entities.user.api", ()),
        ("shop.entities.user", ("User", "Missing")),
    ]
    assert project.where(UI) == ["entities/user/model", "entities/user/api", "entities/user/-"]


def test_a_side_effect_submodule_import_is_not_an_explicit_binding(tmp_path: Path) -> None:
    project = shop(tmp_path, {
        "src/shop/entities/user/__init__.py": (
            "from .lib.store import User\n__all__ = ['User', 'lib']\n"),
        "src/shop/entities/user/lib/store.py": "class User: ...\n",
    }, "from shop.entities.user import lib\n")
    # At run time `lib` is an attribute of the package, but only as a side effect.
    assert project.targets(UI) == [("shop.entities.user.lib", ())]


def test_which_bindings_of_an_init_count(tmp_path: Path) -> None:
    init = (
        "from typing import TYPE_CHECKING\n"
        "import shop.shared.api as api\n"        # bound by `as`
        "from . import lib\n"                    # an explicit import of the submodule
        "config = {}\n"                          # an assignment
        "def ui(): ...\n"                        # a definition
        "if TYPE_CHECKING:\n"
        "    from . import model\n"              # not bound at run time
        "def load():\n"
        "    from . import tests\n"              # local to the function
        "__all__ = ['schema']\n"                 # __all__ alone binds nothing
    )
    files = {"src/shop/entities/user/__init__.py": init}
    for name in ("api", "lib", "config", "ui", "schema", "tests"):
        files[f"src/shop/entities/user/{name}.py"] = ""
    project = shop(tmp_path, files,
                   "from shop.entities.user import api, lib, config, ui, model, tests, schema\n")
    assert project.targets(UI) == [
        ("shop.entities.user", ("api", "lib", "config", "ui")),
        ("shop.entities.user.model", ()),
        ("shop.entities.user.tests", ()),
        ("shop.entities.user.schema", ()),
    ]


def test_from_a_package_import_a_slice_package(tmp_path: Path) -> None:
    project = shop(tmp_path, {}, "from shop.entities import user\nfrom shop import entities\n")
    assert project.targets(UI) == [("shop.entities.user", ()), ("shop.entities", ())]
    assert project.where(UI) == ["entities/user/-", "entities/-/-"]


# --- relative imports -----------------------------------------------------------------------


def test_relative_imports_at_every_level(tmp_path: Path) -> None:
    project = shop(tmp_path, {
        "src/shop/features/cart/model.py": "",
        "src/shop/features/auth/__init__.py": "",
        "src/shop/features/auth/model.py": "",
    }, (
        "from . import model\n"
        "from .model import Cart\n"
        "from .. import auth\n"
        "from ..auth.model import Session\n"
        "from ...entities.user import model as user_model\n"
        "from .... import beyond\n"
        "from ......... import far_beyond\n"
    ))
    assert project.targets(UI) == [
        ("shop.features.cart.model", ()),
        ("shop.features.cart.model", ("Cart",)),
        ("shop.features.auth", ()),
        ("shop.features.auth.model", ("Session",)),
        ("shop.entities.user.model", ()),
    ]


def test_an_init_is_its_own_package(tmp_path: Path) -> None:
    init = "src/shop/features/cart/__init__.py"
    project = shop(tmp_path, {init: "from .ui import Button\nfrom ..auth import Session\n",
                              "src/shop/features/auth/model.py": ""}, "")
    assert project.targets(init) == [
        ("shop.features.cart.ui", ("Button",)), ("shop.features.auth", ("Session",))]


def test_relative_imports_in_a_root_no_import_root_reaches(tmp_path: Path) -> None:
    write(tmp_path, {
        "my-app/shop/shared/ui.py": "",
        "my-app/shop/entities/user/model.py": (
            "from ..cart import Cart\nfrom ...shared.ui import button\n"
            "from shop.entities.cart import Cart\n"),
        "my-app/shop/entities/cart/model.py": "",
    }, package_top="my-app/shop", config='root = "my-app/shop"\n')
    project = project_of(tmp_path)
    where = project.where("my-app/shop/entities/user/model.py")
    # The absolute name cannot be the root's: no import root reaches it.
    assert where == ["entities/cart/-", "shared/-/ui", None]


# --- dynamic imports ------------------------------------------------------------------------


def test_import_module_and_dunder_import_with_literals(tmp_path: Path) -> None:
    project = shop(tmp_path, {"src/shop/features/cart/model.py": ""}, (
        "import importlib\n"
        "from importlib import import_module\n"
        "importlib.import_module('shop.entities.user.model')\n"
        "import_module('..auth', package='shop.features.cart')\n"
        "import_module('.model', package=__package__)\n"
        "import_module('.model', __package__)\n"
        "__import__('shop.shared.api')\n"
        "__import__('model', globals(), locals(), [], 1)\n"
        "importlib.import_module(name)\n"          # not a literal: skipped
        "importlib.import_module('.model')\n"      # no package: a TypeError at run time
        "importlib.import_module(f'shop.{x}')\n"   # not a literal
    ))
    assert project.targets(UI) == [
        ("importlib", ()), ("importlib", ("import_module",)),
        ("shop.entities.user.model", ()),
        ("shop.features.auth", ()),
        ("shop.features.cart.model", ()),
        ("shop.features.cart.model", ()),
        ("shop.shared.api", ()),
        ("shop.features.cart.model", ()),
    ]


# --- third-party and stdlib -----------------------------------------------------------------


def test_stdlib_and_third_party_lie_outside_every_root(tmp_path: Path) -> None:
    project = shop(tmp_path, {}, (
        "import os, json\nfrom typing import TYPE_CHECKING\nimport requests\n"
        "from django.db import models\nfrom shop_extras import thing\nimport shopx.entities\n"
    ))
    assert project.where(UI) == [None] * 7


def test_stdlib_is_not_mistaken_for_a_layer_when_layers_are_top_level(tmp_path: Path) -> None:
    write(tmp_path, {
        "shared/ui.py": "",
        "entities/user/model.py": "",
        "features/cart/ui.py": (
            "import os\nimport typing\nfrom collections import abc\nimport email.message\n"
            "import pages\nimport features_flags\nfrom entities.user import model\n"
        ),
    }, package_top=".")
    project = project_of(tmp_path)
    assert project.model.roots[0].module_prefix == ""
    assert project.where("features/cart/ui.py") == [
        None, None, None, None, None, None, "entities/user/model"]


def test_with_several_roots_a_target_lands_in_the_root_that_holds_it(tmp_path: Path) -> None:
    write(tmp_path, {
        "apps/web/src/web/shared/ui.py": "",
        "apps/web/src/web/entities/order/model.py": "from admin.entities.refund import R\n",
        "apps/admin/src/admin/entities/refund/model.py": "",
    }, package_top=None, config=(
        'root = ["apps/web/src/web", "apps/admin/src/admin"]\n'
        'src = ["apps/web/src", "apps/admin/src"]\n'
    ))
    project = project_of(tmp_path)
    [resolved] = project.resolve("apps/web/src/web/entities/order/model.py")
    assert resolved.location is not None
    assert resolved.location.root.module_prefix == "admin"
    assert (resolved.location.layer, resolved.location.slice) == ("entities", "refund")


def test_binds_submodule_tells_a_reexported_module_from_a_reexported_name(
    tmp_path: Path,
) -> None:
    project = shop(tmp_path, {
        "src/shop/entities/user/__init__.py": (
            "from . import model\nimport shop.entities.user.lib as lib\n"
            "from .api.client import client\nfrom .ui import ui\n"),
        "src/shop/entities/user/lib.py": "",
        "src/shop/entities/user/api/client.py": "",
        "src/shop/entities/user/ui.py": "",
    }, "")
    resolver, api = project.resolver, "shop.entities.user"
    assert resolver.binds_submodule(api, "model")
    assert resolver.binds_submodule(api, "lib")
    assert not resolver.binds_submodule(api, "client")  # a name from a module, not a module
    assert not resolver.binds_submodule(api, "ui")  # `ui` the name inside ui.py
    assert not resolver.binds_submodule(api, "missing")
    assert resolver.binds(api, "model") and resolver.binds(api, "ui")
