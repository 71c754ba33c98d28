"""The FSD model: roots (configured or detected on strong evidence), layers, slices, slice
groups, segments, public APIs and module names."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fsd_lint.model.build import locate
from fsd_lint.model.project import Location, ProjectModel, Root
from fsd_lint.rules.imports.common import public_api_module

from .helpers import model_of, project_of, write

ROOT = 'root = "src/shop"\n'


def roots(model: ProjectModel, top: Path) -> list[tuple[str, str, bool]]:
    """(path relative to ``top``, module prefix, configured) of each root."""
    return [(r.path.relative_to(top).as_posix(), r.module_prefix, r.configured)
            for r in model.roots]


def slices(root: Root, layer: str) -> list[str]:
    return sorted(s.name for s in root.layers[layer].slices.values())


def location(model: ProjectModel, top: Path, relative: str) -> tuple[object, ...]:
    _, module, where = model.files[(top / relative).resolve()]
    return (module, where.layer, where.slice, where.segment, where.rest)


# --- root discovery -------------------------------------------------------------------------


def test_configured_root_is_used_without_any_evidence(tmp_path: Path) -> None:
    # Only loose modules: detection would never accept this, configuration does.
    write(tmp_path, {"src/shop/entities/user.py": "", "src/shop/app/main.py": ""}, config=ROOT)
    model = model_of(tmp_path)
    assert roots(model, tmp_path) == [("src/shop", "shop", True)]
    assert set(model.roots[0].layers) == {"entities", "app"}


def test_several_configured_roots_each_get_their_own_module_prefix(tmp_path: Path) -> None:
    write(tmp_path, {
        "apps/web/src/web/shared/ui/__init__.py": "",
        "apps/web/src/web/entities/order/model.py": "",
        "apps/admin/src/admin/features/refund/model.py": "",
    }, package_top=None, config=(
        'root = ["apps/web/src/web", "apps/admin/src/admin"]\n'
        'src = ["apps/web/src", "apps/admin/src"]\n'
    ))
    model = model_of(tmp_path)
    assert sorted(roots(model, tmp_path)) == [
        ("apps/admin/src/admin", "admin", True),
        ("apps/web/src/web", "web", True),
    ]
    assert location(model, tmp_path, "apps/web/src/web/entities/order/model.py") == (
        "web.entities.order.model", "entities", "order", "model", ())


def test_detected_root_has_shared_and_a_sliced_layer_holding_a_slice(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/shop/shared/ui/button.py": "",
        "src/shop/entities/user/model.py": "",
    })
    model = model_of(tmp_path)
    assert roots(model, tmp_path) == [("src/shop", "shop", False)]


def test_django_project_with_app_pages_features_and_shared_apps_is_not_a_root(
    tmp_path: Path,
) -> None:
    write(tmp_path, {
        "manage.py": "import os\n",
        "app/settings.py": "INSTALLED_APPS = ['features', 'pages', 'shared']\n",
        "app/urls.py": "",
        "shared/models.py": "",
        "shared/apps.py": "",
        "features/models.py": "",
        "features/views.py": "",
        "features/api/serializers.py": "",
        "features/api/views.py": "",
        "features/migrations/0001_initial.py": "",
        "features/management/commands/seed.py": "",
        "pages/templatetags/page_tags.py": "",
        "pages/tests.py": "",
        "pages/views.py": "",
    }, package_top=".")
    assert model_of(tmp_path).roots == ()


def test_clean_architecture_with_entities_and_shared_is_not_a_root(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/core/entities/user.py": "",
        "src/core/entities/order.py": "",
        "src/core/shared/errors.py": "",
        "src/core/use_cases/place_order.py": "",
        "src/core/adapters/repository.py": "",
    })
    assert model_of(tmp_path).roots == ()


def test_slices_without_a_shared_layer_are_not_enough(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/shop/entities/user/model.py": "",
        "src/shop/features/cart/ui.py": "",
    })
    assert model_of(tmp_path).roots == ()


def test_a_slice_must_have_a_conventional_or_configured_segment(tmp_path: Path) -> None:
    files = {"src/shop/shared/ui.py": "", "src/shop/pages/home/routes.py": ""}
    write(tmp_path, files)
    assert model_of(tmp_path).roots == ()
    write(tmp_path, files, config='custom-segments = ["routes"]\n')
    model = model_of(tmp_path)
    assert roots(model, tmp_path) == [("src/shop", "shop", False)]
    assert slices(model.roots[0], "pages") == ["home"]


def test_a_root_inside_a_detected_root_is_not_detected_again(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/shop/shared/ui.py": "",
        "src/shop/entities/user/model.py": "",
        # Looks like a root of its own, but it lies inside src/shop.
        "src/shop/pages/admin/shared/ui.py": "",
        "src/shop/pages/admin/entities/role/model.py": "",
    })
    assert roots(model_of(tmp_path), tmp_path) == [("src/shop", "shop", False)]


def test_sibling_roots_are_all_detected(tmp_path: Path) -> None:
    write(tmp_path, {
        "apps/one/shared/ui.py": "",
        "apps/one/entities/user/model.py": "",
        "apps/two/shared/lib.py": "",
        "apps/two/features/cart/ui/__init__.py": "",
    }, package_top="apps")
    assert sorted(roots(model_of(tmp_path), tmp_path)) == [
        ("apps/one", "apps.one", False), ("apps/two", "apps.two", False)]


def test_underscore_prefixed_layers_are_layers_and_count_as_evidence(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/shop/_shared/ui.py": "",
        "src/shop/_entities/user/model.py": "",
    })
    model = model_of(tmp_path)
    assert roots(model, tmp_path) == [("src/shop", "shop", False)]
    layer = model.roots[0].layers["entities"]
    assert (layer.dir_name, slices(model.roots[0], "entities")) == ("_entities", ["user"])
    assert location(model, tmp_path, "src/shop/_entities/user/model.py") == (
        "shop._entities.user.model", "entities", "user", "model", ())


def test_prefixed_layer_wins_over_the_plain_one(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/shop/shared/ui.py": "",
        "src/shop/pages/old/ui.py": "",
        "src/shop/_pages/home/ui.py": "",
    }, config=ROOT)
    model = model_of(tmp_path)
    root = model.roots[0]
    assert root.layers["pages"].dir_name == "_pages"
    assert slices(root, "pages") == ["home"]
    # The plain folder is then no layer at all.
    assert location(model, tmp_path, "src/shop/pages/old/ui.py")[1] is None


def test_a_digit_prefixed_or_double_underscore_folder_is_no_layer(tmp_path: Path) -> None:
    write(tmp_path, {"src/shop/shared/ui.py": "", "src/shop/__pages/home/ui.py": ""},
          config=ROOT)
    assert set(model_of(tmp_path).roots[0].layers) == {"shared"}


# --- slices, groups and segments ------------------------------------------------------------


def test_slice_groups_recurse_and_slice_names_are_paths(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/shop/shared/ui.py": "",
        "src/shop/features/session/login/model.py": "",
        "src/shop/features/session/logout/ui/__init__.py": "",
        "src/shop/features/admin/users/ban/api.py": "",
        "src/shop/features/cart/config.py": "",
        # A package without segments inside a group is neither slice nor group of slices.
        "src/shop/features/session/helpers/stuff.py": "",
    }, config=ROOT)
    model = model_of(tmp_path)
    assert slices(model.roots[0], "features") == [
        "admin/users/ban", "cart", "session/login", "session/logout"]
    assert location(model, tmp_path, "src/shop/features/session/login/model.py") == (
        "shop.features.session.login.model", "features", "session/login", "model", ())
    # The group's own __init__ lies in the layer, in no slice.
    assert location(model, tmp_path, "src/shop/features/session/__init__.py") == (
        "shop.features.session", "features", None, None, ("session",))


def test_a_slice_with_segments_is_not_searched_for_nested_slices(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/shop/shared/ui.py": "",
        "src/shop/entities/user/model.py": "",
        "src/shop/entities/user/profile/ui.py": "",
    }, config=ROOT)
    model = model_of(tmp_path)
    assert slices(model.roots[0], "entities") == ["user"]
    assert location(model, tmp_path, "src/shop/entities/user/profile/ui.py")[1:] == (
        "entities", "user", "profile", ("ui",))


def test_segments_may_be_packages_or_modules(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/shop/shared/api/client.py": "",
        "src/shop/shared/config.py": "",
        "src/shop/entities/user/model.py": "",
        "src/shop/entities/user/api/__init__.py": "",
    }, config=ROOT)
    model = model_of(tmp_path)
    root = model.roots[0]
    shared = root.layers["shared"].segments
    assert {name: (s.is_package, s.has_init) for name, s in shared.items()} == {
        "api": (True, True), "config": (False, True)}
    assert root.layers["entities"].slices[("user",)].segments == ("api", "model")
    assert location(model, tmp_path, "src/shop/shared/api/client.py")[1:] == (
        "shared", None, "api", ("client",))
    assert location(model, tmp_path, "src/shop/shared/config.py")[1:] == (
        "shared", None, "config", ())


def test_a_namespace_segment_has_no_public_api(tmp_path: Path) -> None:
    write(tmp_path, {"shop/shared/ui/button.py": "", "shop/entities/user/model.py": ""},
          package_top=None, config='root = "shop"\n')
    segment = model_of(tmp_path).roots[0].layers["shared"].segments["ui"]
    assert (segment.is_package, segment.has_init) == (True, False)


def test_tests_and_conftest_are_never_segments_or_slices(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/shop/shared/ui.py": "",
        "src/shop/shared/conftest.py": "",
        "src/shop/shared/tests/test_ui.py": "",
        "src/shop/shared/test_config.py": "",
        "src/shop/shared/config_test.py": "",
        # Only test children: not a slice.
        "src/shop/entities/user/tests/test_model.py": "",
        "src/shop/entities/user/test_user.py": "",
        "src/shop/entities/user/conftest.py": "",
        "src/shop/entities/order/model.py": "",
        "src/shop/entities/order/test_model.py": "",
        # A layer-level tests package is not a slice group.
        "src/shop/features/tests/cart/ui.py": "",
    }, config=ROOT)
    root = model_of(tmp_path).roots[0]
    assert set(root.layers["shared"].segments) == {"ui"}
    assert slices(root, "entities") == ["order"]
    assert root.layers["entities"].slices[("order",)].segments == ("model",)
    assert slices(root, "features") == []


def test_a_cross_import_api_alone_does_not_make_a_slice(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/shop/shared/ui.py": "",
        "src/shop/entities/song/x/artist.py": "",
        "src/shop/entities/artist/x/song.py": "",
        "src/shop/entities/artist/model.py": "",
    }, config=ROOT)
    model = model_of(tmp_path)
    assert slices(model.roots[0], "entities") == ["artist"]
    assert location(model, tmp_path, "src/shop/entities/artist/x/song.py")[1:] == (
        "entities", "artist", "x", ("song",))


def test_files_lying_directly_in_a_layer_belong_to_no_slice(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/shop/shared/ui.py": "",
        "src/shop/features/helpers.py": "",
        "src/shop/app/main.py": "",
    }, config=ROOT)
    model = model_of(tmp_path)
    assert location(model, tmp_path, "src/shop/features/helpers.py") == (
        "shop.features.helpers", "features", None, None, ("helpers",))
    assert location(model, tmp_path, "src/shop/app/main.py") == (
        "shop.app.main", "app", None, "main", ())
    assert location(model, tmp_path, "src/shop/__init__.py") == ("shop", None, None, None, ())


# --- module names ---------------------------------------------------------------------------


def test_module_names_default_to_src_when_it_exists(tmp_path: Path) -> None:
    write(tmp_path, {"src/shop/shared/ui.py": "", "src/shop/entities/user/model.py": ""})
    model = model_of(tmp_path)
    assert location(model, tmp_path, "src/shop/entities/user/model.py")[0] == (
        "shop.entities.user.model")
    assert "shop.entities.user" in model.packages
    assert model.modules["shop.entities.user"].name == "__init__.py"


def test_layers_may_be_top_level_packages(tmp_path: Path) -> None:
    write(tmp_path, {"shared/ui.py": "", "entities/user/model.py": ""}, package_top=".")
    model = model_of(tmp_path)
    assert roots(model, tmp_path) == [(".", "", False)]
    assert location(model, tmp_path, "entities/user/model.py")[0] == "entities.user.model"


def test_flat_layout_package_is_named_from_the_project_directory(tmp_path: Path) -> None:
    write(tmp_path, {"shop/shared/ui.py": "", "shop/entities/user/model.py": ""},
          package_top="shop")
    model = model_of(tmp_path)
    assert roots(model, tmp_path) == [("shop", "shop", False)]


def test_configured_src_names_modules(tmp_path: Path) -> None:
    write(tmp_path, {"backend/shop/shared/ui.py": "", "backend/shop/entities/user/model.py": ""},
          package_top="backend/shop", config='src = ["backend"]\n')
    model = model_of(tmp_path)
    assert roots(model, tmp_path) == [("backend/shop", "shop", False)]


def test_a_root_outside_src_is_named_from_the_project_directory(tmp_path: Path) -> None:
    write(tmp_path, {"src/other/x.py": "", "shop/shared/ui.py": "",
                     "shop/entities/user/model.py": ""}, package_top="shop")
    assert roots(model_of(tmp_path), tmp_path) == [("shop", "shop", False)]


def test_a_root_no_import_root_reaches_gets_a_placeholder_prefix(tmp_path: Path) -> None:
    write(tmp_path, {"my-app/shop/shared/ui.py": "", "my-app/shop/entities/user/model.py": ""},
          package_top="my-app/shop", config='root = "my-app/shop"\n')
    model = model_of(tmp_path)
    root = model.roots[0]
    assert not root.importable
    module = location(model, tmp_path, "my-app/shop/entities/user/model.py")[0]
    assert isinstance(module, str) and module.endswith(".entities.user.model")
    assert not module.split(".")[0].isidentifier()  # no absolute import can name it
    assert root.parts_of(module) == ("entities", "user", "model")


def test_a_package_wins_over_a_same_named_module(tmp_path: Path) -> None:
    write(tmp_path, {"src/shop/shared/ui.py": "", "src/shop/entities/user/model.py": "",
                     "src/shop/entities/user/model/__init__.py": ""}, config=ROOT)
    model = model_of(tmp_path)
    assert model.modules["shop.entities.user.model"].name == "__init__.py"


# --- locate and public APIs -----------------------------------------------------------------


def test_locate_and_public_api_of_each_kind_of_place(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/shop/shared/api/client.py": "",
        "src/shop/shared/ui/button.py": "",
        "src/shop/shared/config.py": "",
        "src/shop/entities/user/model/store.py": "",
        "src/shop/features/session/login/ui.py": "",
        "src/shop/app/routes.py": "",
    }, config=ROOT)
    root = model_of(tmp_path).roots[0]

    def api(*parts: str) -> str | None:
        return public_api_module(locate(root, parts))

    assert api("entities", "user", "model", "store") == "shop.entities.user"
    assert api("entities", "user") == "shop.entities.user"
    assert api("features", "session", "login", "ui") == "shop.features.session.login"
    assert api("features", "session") is None  # a group has no public API
    assert api("shared", "api", "client") == "shop.shared.api"
    assert api("shared", "config") == "shop.shared.config"
    assert api("shared") is None
    assert api("app", "routes") == "shop.app.routes"
    assert api("nowhere", "x") is None
    user = locate(root, ("entities", "user"))
    assert user.is_public_api and user.describe() == "entities/user"
    store = locate(root, ("entities", "user", "model", "store"))
    assert not store.is_public_api
    assert store.unit == user.unit
    client = locate(root, ("shared", "api", "client"))
    assert client.describe() == "shared/api"
    assert client.unit != locate(root, ("shared", "ui", "button")).unit
    assert locate(root, ()) == Location(root, None)


# --- property: any tree builds, and every file's name and place agree -----------------------

PART = st.sampled_from([
    "shared", "entities", "features", "_pages", "pages", "app", "processes", "widgets",
    "ui", "model", "api", "lib", "config", "x", "tests", "user", "cart", "session", "my-app",
])
STEM = st.sampled_from(["__init__", "model", "ui", "test_model", "conftest", "helpers", "api"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paths=st.lists(st.tuples(st.lists(PART, min_size=1, max_size=5), STEM),
                      min_size=1, max_size=25))
def test_any_tree_builds_and_names_agree_with_places(paths: list[tuple[list[str], str]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        top = Path(directory).resolve()
        files = {"/".join([*parts, f"{stem}.py"]): "from . import x\n" for parts, stem in paths}
        write(top, files, package_top=None, config='root = "."\n')
        project = project_of(top)
        assert len(project.model.files) == len(files)
        for path, (root, module, where) in project.model.files.items():
            parts = path.relative_to(root.path).with_suffix("").parts
            parts = parts[:-1] if parts[-1] == "__init__" else parts
            assert root.parts_of(module) == parts
            assert locate(root, parts) == where
            if where.layer is not None:
                assert root.layers[where.layer].path == root.path / parts[0]
            project.resolve(path.relative_to(top).as_posix())  # never raises
