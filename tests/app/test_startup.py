"""Command line, vault location and resources used at start-up."""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs
import pytest
from PySide6.QtGui import QColor, QImage

from app.__main__ import PAGE_NAMES, parse_args
from app.context import AppContext, app_version, default_vault_dir, resolve_vault_dir
from app.resources import (
    APP_ICON_PNG,
    RESOURCES_DIR,
    app_icon,
    load_stylesheet,
    render_svg,
    resource_path,
)
from core.vault.kdf import KdfParams
from core.wallet import Wallet
from core.wallet import default_vault_dir as core_default_vault_dir
from tests.app.imaging import assert_not_blank


def test_defaults() -> None:
    options = parse_args([])
    assert options.vault is None
    assert options.screenshot is None
    assert options.page == "credentials"


def test_all_options(tmp_path: Path) -> None:
    options = parse_args(
        ["--vault", str(tmp_path), "--screenshot", str(tmp_path / "s.png"), "--page", "activity"]
    )
    assert options.vault == str(tmp_path)
    assert options.screenshot == tmp_path / "s.png"
    assert options.page == "activity"


@pytest.mark.parametrize("argv", [["--page", "wallet"], ["--vault"], ["--bogus"]])
def test_usage_errors_exit_with_status_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as excinfo:
        parse_args(argv)
    assert excinfo.value.code == 2


def test_page_names_match_the_window() -> None:
    assert PAGE_NAMES == ("credentials", "identities", "activity", "consents", "settings")


@pytest.mark.parametrize(
    ("cli", "env", "expected"),
    [
        ("/srv/cli-vault", {"TESSERA_VAULT": "/srv/env-vault"}, Path("/srv/cli-vault")),
        (None, {"TESSERA_VAULT": "/srv/env-vault"}, Path("/srv/env-vault")),
        (None, {"TESSERA_VAULT": ""}, None),
        (None, {}, None),
    ],
)
def test_vault_dir_precedence(cli: str | None, env: dict[str, str], expected: Path | None) -> None:
    resolved = resolve_vault_dir(cli, env)
    assert resolved == (expected if expected is not None else default_vault_dir())


def test_default_vault_dir_is_the_one_the_cli_uses(monkeypatch) -> None:
    monkeypatch.delenv("TESSERA_VAULT", raising=False)
    assert default_vault_dir() == core_default_vault_dir()
    assert default_vault_dir().parent == Path(platformdirs.user_data_dir("Tessera", False))


def test_relative_vault_dir_is_made_absolute(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_vault_dir("wallet", {}) == tmp_path.resolve() / "wallet"


def test_context_reports_whether_the_vault_exists(tmp_path: Path) -> None:
    assert not AppContext(tmp_path / "missing", "1").vault_exists
    assert not AppContext(tmp_path, "1").vault_exists  # a folder is not a vault yet
    Wallet.create(tmp_path / "v", "a long enough passphrase", kdf=KdfParams.FAST_INSECURE)[0].close()
    assert AppContext(tmp_path / "v", "1").vault_exists


def test_app_version_is_a_non_empty_string() -> None:
    version = app_version()
    assert isinstance(version, str) and version


def test_stylesheet_uses_palette_roles_not_fixed_colours() -> None:
    qss = load_stylesheet()
    assert "#navList" in qss
    assert "palette(highlight)" in qss
    colours = re.findall(r"#[0-9a-fA-F]{3,8}(?![\w-])|\brgba?\(", qss)
    assert not colours, f"fixed colours would fight the system theme: {colours}"


def test_missing_resource_raises() -> None:
    with pytest.raises(FileNotFoundError):
        resource_path("icons/nope.svg")


def test_app_icon_and_its_png_rendering(qapp) -> None:
    assert not app_icon().isNull()
    png = QImage(str(RESOURCES_DIR / APP_ICON_PNG))
    assert (png.width(), png.height()) == (256, 256)
    assert_not_blank(png)
    assert png.pixelColor(0, 0).alpha() == 0  # transparent corners around the rounded tile


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_nav_icons_render_in_the_requested_colour(qapp, name: str) -> None:
    image = render_svg(f"icons/nav/{name}.svg", 48, QColor("#c03020"))
    drawn = [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    ]
    assert len(drawn) > 40, "icon is (nearly) empty"
    assert all(c.red() > 150 and c.green() < 80 for c in drawn)
