""""Show as QR": the codes on screen decode back to the exact presentation, one code or an
animated sequence of frames read in the order shown or shuffled; the timer plays them;
the Share dialog opens it once a presentation is made."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from app.dialogs.credential_detail import CredentialDetailDialog
from app.dialogs.share import ShareDialog
from app.dialogs.show_qr import FRAME_MODULES, SCALE, ShowQrDialog
from app.main_window import MainWindow
from app.views.credentials import CredentialsPage
from core.qr import FrameAssembler, decode_gray
from tests.app.driving import WAIT_MS, click, paste_credential, type_into
from tests.app.issuing import TestIssuer, holder_key
from tests.conftest import REPO_ROOT

ALPHABET = string.ascii_letters + string.digits + "-_"


def fake_presentation(size: int, seed: int) -> str:
    """SD-JWT-shaped ASCII text of ``size`` characters: base64url parts between ``.``
    and ``~`` (only the characters matter to the framing and the codes)."""
    rng = random.Random(seed)
    text = "".join(rng.choice(ALPHABET) for _ in range(size))
    chars = list(text)
    for position in range(80, size - 1, 97):
        chars[position] = "~" if position % 2 else "."
    return "".join(chars)


def shown_texts(dialog: ShowQrDialog) -> list[str]:
    """Grab the dialog's QR widget as a person sees it and read it with zxing-cpp."""
    image = dialog.code.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = bytes(image.constBits())
    pixels = b"".join(data[row * stride : row * stride + width] for row in range(height))
    return decode_gray(pixels, width, height)


@pytest.fixture
def show(qtbot, styled_app: QApplication):
    made: list[ShowQrDialog] = []

    def open_dialog(presentation: str, **options) -> ShowQrDialog:
        dialog = ShowQrDialog(presentation, **options)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        made.append(dialog)
        return dialog

    yield open_dialog
    for dialog in made:
        dialog.timer.stop()


def test_a_short_presentation_is_one_code(show) -> None:
    presentation = fake_presentation(700, seed=1)
    dialog = show(presentation)
    assert len(dialog.frames) == 1 and not dialog.animated
    assert not dialog.timer.isActive() and not dialog.position.isVisible()
    (text,) = shown_texts(dialog)
    assembler = FrameAssembler()
    assert assembler.add(text).complete
    assert assembler.result() == presentation


def test_a_large_presentation_steps_through_numbered_frames(qtbot, show) -> None:
    presentation = fake_presentation(6000, seed=6)
    dialog = show(presentation)
    total = len(dialog.frames)
    assert total == 7 and dialog.animated and dialog.timer.isActive()
    assert dialog.position.text() == f"Frame 1 of {total}"
    # every frame is drawn at the same size (version 25, same scale and quiet zone)
    assert {(p.width(), p.height()) for p in dialog.pixmaps} == {(FRAME_MODULES * SCALE,) * 2}

    qtbot.keyClick(dialog.code, Qt.Key.Key_Right)  # stepping pauses the sequence
    assert dialog.paused and dialog.pause_button.text() == "Resume"
    qtbot.keyClick(dialog.code, Qt.Key.Key_Left)
    seen: list[str] = []
    for number in range(1, total + 1):
        assert dialog.position.text() == f"Frame {number} of {total}"
        (text,) = shown_texts(dialog)
        assert text == dialog.frames[number - 1]
        seen.append(text)
        qtbot.keyClick(dialog.code, Qt.Key.Key_Right)
    assert dialog.position.text() == f"Frame 1 of {total}"  # wraps around

    in_order = FrameAssembler()
    for text in seen:
        in_order.add(text)
    assert in_order.result() == presentation

    shuffled = seen[:]
    random.Random(7).shuffle(shuffled)
    assert shuffled != seen
    assembler = FrameAssembler()
    for text in shuffled[:-1]:
        assembler.add(text)
    assert not assembler.complete and len(assembler.missing()) == 1
    assembler.add(shuffled[-1])
    assert assembler.result() == presentation


def test_the_timer_plays_the_frames_and_space_pauses(qtbot, show) -> None:
    dialog = show(fake_presentation(6000, seed=6), interval_ms=30)
    total = len(dialog.frames)
    qtbot.waitUntil(lambda: dialog.position.text() == f"Frame 3 of {total}", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dialog.position.text() == f"Frame 1 of {total}", timeout=WAIT_MS)

    qtbot.keyClick(dialog.code, Qt.Key.Key_Space)
    assert dialog.paused and dialog.pause_button.text() == "Resume"
    held = dialog.position.text()
    qtbot.wait(120)
    assert dialog.position.text() == held
    click(qtbot, dialog.pause_button)  # Resume
    assert not dialog.paused and dialog.pause_button.text() == "Pause"
    qtbot.waitUntil(lambda: dialog.position.text() != held, timeout=WAIT_MS)

    qtbot.keyClick(dialog.code, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and not dialog.timer.isActive()


def test_screenshot(qtbot, show) -> None:
    dialog = show(fake_presentation(6000, seed=6))
    dialog.set_paused(True)
    dialog.show_frame(2)
    qtbot.wait(50)  # let the layout settle after the button's text changed
    image = dialog.grab().toImage()
    assert image.width() >= FRAME_MODULES * SCALE
    artifacts = REPO_ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    assert image.save(str(artifacts / "show-qr.png"))


# --- from the Share dialog ---------------------------------------------------------------


@pytest.fixture
def share(qtbot, wallet_window: MainWindow) -> ShareDialog:
    wallet_window.show_page("credentials")
    page = wallet_window.pages["credentials"]
    assert isinstance(page, CredentialsPage) and page.session is not None
    paste_credential(qtbot, page, TestIssuer.new().issue(holder_key(page.session.wallet)))
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    detail = page.dialog
    assert isinstance(detail, CredentialDetailDialog)
    click(qtbot, detail.share_button)
    dialog = detail.dialog
    assert isinstance(dialog, ShareDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_share_offers_show_as_qr(qtbot, share: ShareDialog, tmp_path: Path) -> None:
    assert not share.qr_button.isVisible()  # nothing to show before sharing
    type_into(qtbot, share.audience, "https://verifier.example")
    type_into(qtbot, share.nonce, "n-0S6_WzA2Mj")
    click(qtbot, share.share_button)
    qtbot.waitUntil(lambda: share.presentation is not None, timeout=WAIT_MS)
    assert share.qr_button.isVisible() and share.copy_button.isVisible()
    assert share.grab().toImage().save(str(REPO_ROOT / "artifacts" / "share-show-qr.png"))
    click(qtbot, share.qr_button)
    shown = share.qr_dialog
    assert isinstance(shown, ShowQrDialog)
    qtbot.waitExposed(shown)
    assert shown.presentation == share.presentation
    assembler = FrameAssembler()
    for number in range(len(shown.frames)):
        shown.set_paused(True)
        shown.show_frame(number)
        (text,) = shown_texts(shown)
        assembler.add(text)
    assert assembler.result() == share.presentation
    click(qtbot, shown.close_button)
    qtbot.waitUntil(lambda: share.qr_dialog is None, timeout=WAIT_MS)
    assert share.isVisible()
