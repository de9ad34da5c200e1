"""The window renders real pixels, in-process and through `python -m app --screenshot`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app.main_window import MainWindow
from core.vault.kdf import KdfParams
from core.wallet import Wallet
from tests.app.imaging import assert_not_blank, colour_stats

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_window_grab_is_not_blank(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "window.png"
    assert window.grab().save(str(path), "PNG")
    image = QImage(str(path))
    assert image.width() >= 960 and image.height() >= 640
    assert_not_blank(image)


def test_blank_check_rejects_a_blank_image() -> None:
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    with pytest.raises(AssertionError):
        assert_not_blank(image)
    assert colour_stats(image) == (1, 1.0)


def _run_app(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("TESSERA_VAULT", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args, "--vault", str(tmp_path / "vault")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_screenshot_of_a_first_run_shows_the_welcome_screen(tmp_path: Path) -> None:
    path = tmp_path / "shots" / "welcome.png"
    completed = _run_app(tmp_path, "--screenshot", str(path), "--page", "settings")
    assert completed.returncode == 0, completed.stderr
    image = QImage(str(path))
    assert image.width() >= 780 and image.height() >= 640
    assert_not_blank(image)
    assert not (tmp_path / "vault").exists()  # showing onboarding must not create the vault


def test_cli_screenshot_of_an_existing_wallet_shows_the_unlock_dialog(tmp_path: Path) -> None:
    wallet, _phrase = Wallet.create(
        tmp_path / "vault", "a passphrase for the test", kdf=KdfParams.FAST_INSECURE
    )
    wallet.close()
    path = tmp_path / "unlock.png"
    completed = _run_app(tmp_path, "--screenshot", str(path))
    assert completed.returncode == 0, completed.stderr
    image = QImage(str(path))
    assert 400 <= image.width() < 960  # the dialog, not the (locked) main window
    assert_not_blank(image)


def test_cli_screenshot_to_unwritable_path_fails(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--screenshot",
            str(blocker / "x.png"),
            "--vault",
            str(tmp_path / "vault"),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode != 0
