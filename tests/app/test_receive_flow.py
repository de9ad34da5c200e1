"""Receiving a credential in the app: Scan (link, clipboard text or image, image file,
screen) → the offer screen → Accept or Decline, against the real demo issuer over loopback
HTTP and a real vault. No mocked HTTP layer.

Set TESSERA_SCREENSHOTS=DIR to keep PNGs of the scan and offer screens.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from app.dialogs.offer import WRONG_CODE, OfferDialog
from app.dialogs.scan import NOT_KNOWN, NOT_KNOWN_TEXT, SHARING_LATER, ScanDialog
from app.main_window import MainWindow
from app.qr import qr_image, qr_png
from app.scanning import ScanKind, decode_qimage, gray_pixels, kind_of
from app.views.credentials import CredentialsPage
from core.keys import Ed25519PrivateKey
from core.services.issuer import create_issuer_app
from core.services.runner import serve_in_thread
from tests.app.driving import WAIT_MS, click, press, type_into
from tests.app.imaging import assert_not_blank

ISSUER_KEY = Ed25519PrivateKey(bytes(range(80, 112)))


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with serve_in_thread(
        lambda base_url: create_issuer_app(base_url=base_url, issuer_key=ISSUER_KEY)
    ) as base_url:
        yield base_url


def make_offer(issuer: str, **body: Any) -> str:
    body.setdefault("credential_configuration_id", "identity_credential")
    with httpx.Client(timeout=10, trust_env=False) as http:
        response = http.post(f"{issuer}/demo/offers", json=body)
    assert response.status_code == 201, response.text
    uri: str = response.json()["offer_uri"]
    return uri


def credentials_page(window: MainWindow) -> CredentialsPage:
    page = window.pages["credentials"]
    assert isinstance(page, CredentialsPage)
    return page


def open_scan(qtbot, window: MainWindow) -> ScanDialog:
    window.scan_action.trigger()
    dialog = window.scan_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def offer_shown(qtbot, window: MainWindow) -> OfferDialog:
    qtbot.waitUntil(lambda: window.offer_dialog is not None, timeout=WAIT_MS)
    dialog = window.offer_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.summary is not None or dialog.message.isVisible(),
                    timeout=WAIT_MS)
    return dialog


def paste_link(qtbot, window: MainWindow, uri: str) -> OfferDialog:
    scan = open_scan(qtbot, window)
    scan.link.setText(uri)
    press(qtbot, scan.link, Qt.Key.Key_Return)
    return offer_shown(qtbot, window)


def accept(qtbot, dialog: OfferDialog) -> None:
    click(qtbot, dialog.accept_button)
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT_MS)


def test_pasted_offer_link_is_received_and_selected(
    qtbot, wallet_window: MainWindow, issuer: str
) -> None:
    dialog = paste_link(qtbot, wallet_window, make_offer(issuer))
    assert dialog.issuer_label.text() == "Tessera Demo Issuer"
    assert dialog.issuer_url.text() == issuer
    assert dialog.types_label.text() == "Identity credential"
    assert dialog.identity_combo.count() == 1
    assert not dialog.tx_code.isVisible()
    assert dialog.decline_button.isDefault() and not dialog.accept_button.isDefault()
    accept(qtbot, dialog)
    assert dialog.done_message.text == "Added: Identity credential from Tessera Demo Issuer."
    page = credentials_page(wallet_window)
    assert page.model.rowCount() == 1
    stored = dialog.stored
    assert stored is not None and page.selected_id() == stored.id
    assert "added" in wallet_window.statusBar().currentMessage()
    click(qtbot, dialog.close_button)
    qtbot.waitUntil(lambda: wallet_window.offer_dialog is None, timeout=WAIT_MS)


def test_transaction_code_wrong_then_right(qtbot, wallet_window: MainWindow, issuer: str) -> None:
    dialog = paste_link(qtbot, wallet_window, make_offer(issuer, tx_code="493536"))
    assert dialog.tx_code.isVisible()
    assert dialog.tx_code.echoMode() == dialog.tx_code.EchoMode.Password
    assert dialog.tx_note.text()
    click(qtbot, dialog.accept_button)  # no code yet: asked for, nothing sent
    assert "transaction code" in dialog.message.text
    type_into(qtbot, dialog.tx_code, "111111")
    press(qtbot, dialog.tx_code, Qt.Key.Key_Return)  # Enter in the code field accepts
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT_MS)
    assert dialog.message.text == WRONG_CODE
    assert "invalid_grant" in dialog.message.details
    assert wallet_window.session is not None
    assert wallet_window.session.credentials() == []
    dialog.tx_code.clear()
    type_into(qtbot, dialog.tx_code, "493536")
    accept(qtbot, dialog)
    assert dialog.stored is not None
    assert len(wallet_window.session.credentials()) == 1


def test_decline_stores_nothing(qtbot, wallet_window: MainWindow, issuer: str) -> None:
    dialog = paste_link(qtbot, wallet_window, make_offer(issuer))
    assert dialog.summary is not None
    click(qtbot, dialog.decline_button)
    qtbot.waitUntil(lambda: wallet_window.offer_dialog is None, timeout=WAIT_MS)
    assert wallet_window.session is not None
    assert wallet_window.session.credentials() == []


def test_unreachable_issuer_is_explained(qtbot, wallet_window: MainWindow) -> None:
    wallet_window.open_offer(
        "openid-credential-offer://?credential_offer_uri=http%3A%2F%2F127.0.0.1%3A9%2Foffers%2Fx"
    )
    dialog = offer_shown(qtbot, wallet_window)
    assert dialog.message.text.startswith("Tessera couldn't reach the issuer.")
    assert "issuer_unreachable" in dialog.message.details
    assert dialog.decline_button.text() == "Close" and not dialog.accept_button.isVisible()
    click(qtbot, dialog.decline_button)
    qtbot.waitUntil(lambda: wallet_window.offer_dialog is None, timeout=WAIT_MS)


def test_clipboard_image_opens_the_offer(qtbot, wallet_window: MainWindow, issuer: str) -> None:
    uri = make_offer(issuer, credential_configuration_id="membership_card")
    scan = open_scan(qtbot, wallet_window)
    QApplication.clipboard().setImage(qr_image(uri, scale=4))
    click(qtbot, scan.clipboard_button)
    dialog = offer_shown(qtbot, wallet_window)
    assert dialog.types_label.text() == "Membership card"
    click(qtbot, dialog.decline_button)


def test_image_file_and_screen_are_decoded(
    qtbot, wallet_window: MainWindow, issuer: str, tmp_path: Path, monkeypatch
) -> None:
    uri = make_offer(issuer)
    image_file = tmp_path / "offer.png"
    image_file.write_bytes(qr_png(uri, scale=4))
    scan = open_scan(qtbot, wallet_window)
    scan.from_path(image_file)
    assert scan.found == uri and scan.kind is ScanKind.OFFER
    dialog = offer_shown(qtbot, wallet_window)
    click(qtbot, dialog.decline_button)
    qtbot.waitUntil(lambda: wallet_window.offer_dialog is None, timeout=WAIT_MS)

    scan = open_scan(qtbot, wallet_window)
    blank = QImage(64, 64, QImage.Format.Format_RGB32)
    blank.fill(Qt.GlobalColor.white)
    monkeypatch.setattr(scan, "grab_screen", lambda: blank)
    click(qtbot, scan.screen_button)
    assert "No QR code found on your screen" in scan.message.text
    screen = QImage(900, 700, QImage.Format.Format_RGB32)
    screen.fill(Qt.GlobalColor.lightGray)
    painter = QPainter(screen)
    painter.drawImage(300, 150, qr_image(uri, scale=4))
    painter.end()
    monkeypatch.setattr(scan, "grab_screen", lambda: screen)
    click(qtbot, scan.screen_button)
    dialog = offer_shown(qtbot, wallet_window)
    assert dialog.offer_uri == uri
    click(qtbot, dialog.decline_button)


def test_unknown_text_and_images_get_a_plain_message(
    qtbot, wallet_window: MainWindow, tmp_path: Path
) -> None:
    scan = open_scan(qtbot, wallet_window)
    type_into(qtbot, scan.link, "https://example.com/hello")
    press(qtbot, scan.link, Qt.Key.Key_Return)
    assert scan.message.text == NOT_KNOWN_TEXT
    assert scan.isVisible() and scan.found is None
    picture = tmp_path / "other.png"
    picture.write_bytes(qr_png("WIFI:S:home;T:WPA;P:secret;;", scale=4))
    scan.from_path(picture)
    assert scan.message.text == NOT_KNOWN
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("hello")
    scan.from_path(not_an_image)
    assert scan.message.text == "That file is not an image Tessera can read."
    assert "qr_image_unreadable" in scan.message.details
    QApplication.clipboard().clear()
    click(qtbot, scan.clipboard_button)
    assert "clipboard is empty" in scan.message.text
    press(qtbot, scan, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: wallet_window.scan_dialog is None, timeout=WAIT_MS)


def test_verifier_request_without_the_review_screen(qtbot) -> None:
    scan = ScanDialog(requests_supported=False)
    qtbot.addWidget(scan)
    scan.dispatch(["openid4vp://?client_id=x&request_uri=https%3A%2F%2Fv.example%2Fr"])
    assert scan.message.text == SHARING_LATER and scan.found is None
    assert kind_of("OPENID-CREDENTIAL-OFFER://?x") is ScanKind.OFFER
    assert kind_of(" openid4vp://?x") is ScanKind.REQUEST
    assert kind_of("hello") is ScanKind.OTHER


def test_gray_pixels_drop_row_padding() -> None:
    image = QImage(13, 5, QImage.Format.Format_RGB32)  # 13 gray bytes a row: padded to 16
    image.fill(Qt.GlobalColor.white)
    pixels, width, height = gray_pixels(image)
    assert (width, height) == (13, 5) and pixels == b"\xff" * 65
    assert decode_qimage(QImage()) == []
    assert decode_qimage(qr_image("hello there", scale=3)) == ["hello there"]


def test_scan_and_offer_screens(qtbot, wallet_window: MainWindow, issuer: str,
                                tmp_path: Path) -> None:
    directory = Path(os.environ.get("TESSERA_SCREENSHOTS") or tmp_path / "screens")
    directory.mkdir(parents=True, exist_ok=True)

    def save(widget, name: str) -> None:  # type: ignore[no-untyped-def]
        widget.repaint()
        image = widget.grab().toImage()
        assert image.save(str(directory / f"{name}.png"), "PNG")
        assert_not_blank(image)

    scan = open_scan(qtbot, wallet_window)
    save(scan, "scan")
    scan.link.setText("https://example.com/hello")
    press(qtbot, scan.link, Qt.Key.Key_Return)
    save(scan, "scan-not-known")
    scan.link.setText(make_offer(issuer, tx_code="493536"))
    press(qtbot, scan.link, Qt.Key.Key_Return)
    dialog = offer_shown(qtbot, wallet_window)
    type_into(qtbot, dialog.tx_code, "1234")
    save(dialog, "offer-tx-code")
    accept(qtbot, dialog)
    assert dialog.message.text == WRONG_CODE
    save(dialog, "offer-wrong-code")
    dialog.tx_code.clear()
    type_into(qtbot, dialog.tx_code, "493536")
    accept(qtbot, dialog)
    save(dialog, "offer-received")


def test_the_credentials_page_scan_button_opens_scan(qtbot, wallet_window: MainWindow) -> None:
    page = credentials_page(wallet_window)
    button = page.empty_state.primary_button
    assert button is not None and button.text() == "Scan…"
    click(qtbot, button)
    qtbot.waitUntil(lambda: wallet_window.scan_dialog is not None, timeout=WAIT_MS)
    scan = wallet_window.scan_dialog
    assert scan is not None
    qtbot.waitUntil(scan.link.hasFocus, timeout=WAIT_MS)  # ready to paste a link
    press(qtbot, scan, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: wallet_window.scan_dialog is None, timeout=WAIT_MS)
    assert page.scan_button.toolTip().endswith("(Ctrl+Shift+S)")
