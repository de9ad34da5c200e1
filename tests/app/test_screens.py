"""Every screen of onboarding, unlocking and the wallet pages renders real pixels.

Set TESSERA_SCREENSHOTS=DIR to keep the PNGs (the README's screenshots come from here).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from app.credential_text import DAY
from app.dialogs.credential_detail import CredentialDetailDialog
from app.dialogs.share import ShareDialog
from app.flow import AppFlow
from app.views.credentials import CredentialsPage
from core.clock import FixedClock
from core.wallet import Wallet
from tests.app.conftest import PASSPHRASE
from tests.app.driving import (
    WAIT_MS,
    click,
    onboarding,
    press,
    submit_passphrase,
    type_into,
    unlock_dialog,
    wait_for_main,
)
from tests.app.imaging import assert_not_blank
from tests.app.issuing import (
    BANK_CLAIMS,
    BANK_DISCLOSABLE,
    BANK_VCT,
    DEGREE_CLAIMS,
    DEGREE_DISCLOSABLE,
    DEGREE_VCT,
    TestIssuer,
    holder_key,
)


@pytest.fixture
def shots(tmp_path: Path):  # type: ignore[no-untyped-def]
    directory = Path(os.environ.get("TESSERA_SCREENSHOTS") or tmp_path / "screens")
    directory.mkdir(parents=True, exist_ok=True)

    def save(widget: QWidget, name: str) -> QImage:
        widget.repaint()
        image = widget.grab().toImage()
        assert image.save(str(directory / f"{name}.png"), "PNG")
        assert_not_blank(image)
        return image

    return save


def test_onboarding_screens(qtbot, flow: AppFlow, shots) -> None:
    flow.start()
    window = onboarding(qtbot, flow)
    shots(window, "onboarding-1-welcome")
    click(qtbot, window.welcome.create_button)
    type_into(qtbot, window.passphrase.form.passphrase, "violet")
    shots(window, "onboarding-2-passphrase-weak")
    type_into(qtbot, window.passphrase.form.passphrase, " harbor lantern quietly")
    type_into(qtbot, window.passphrase.form.confirm, PASSPHRASE)
    shots(window, "onboarding-2-passphrase")
    click(qtbot, window.next_button)
    shots(window, "onboarding-3-creating")
    qtbot.waitUntil(lambda: window.current is window.phrase, timeout=WAIT_MS)
    words = window.phrase.words()
    shots(window, "onboarding-4-phrase")
    window.phrase.written.setChecked(True)
    click(qtbot, window.next_button)
    confirm = window.confirm
    type_into(qtbot, confirm.fields[0], words[confirm.positions[0]])
    type_into(qtbot, confirm.fields[1], "zoo" if words[confirm.positions[1]] != "zoo" else "zone")
    type_into(qtbot, confirm.fields[2], words[confirm.positions[2]])
    click(qtbot, window.next_button)
    shots(window, "onboarding-5-confirm-words")


def test_restore_screens(qtbot, flow: AppFlow, shots, tmp_path: Path) -> None:
    flow.start()
    window = onboarding(qtbot, flow)
    click(qtbot, window.welcome.restore_button)
    shots(window, "restore-1-choice")
    click(qtbot, window.restore_choice.phrase_button)
    fields = window.restore_phrase.entry.fields
    for field, word in zip(fields, ["abandon", "ability", "able", "about", "above"], strict=False):
        type_into(qtbot, field, word)
    type_into(qtbot, fields[5], "absant")
    fields[6].setFocus()
    shots(window, "restore-2-phrase")
    press(qtbot, window, Qt.Key.Key_Escape)
    click(qtbot, window.restore_choice.backup_button)
    type_into(qtbot, window.backup.path_field, str(tmp_path / "Tessera backup.tessera-backup"))
    shots(window, "restore-3-backup")


def test_wallet_screens(qtbot, flow: AppFlow, shots, wallet_context) -> None:
    wallet, _ = Wallet.create(wallet_context.vault_dir, PASSPHRASE, kdf=wallet_context.kdf)
    with wallet:
        first = wallet.identities.all()[0]
        wallet.relabel_identity(first.did, "Everyday")
        wallet.create_identity("jwk", "ES256", "Bank")
        wallet.create_identity("key", "EdDSA", "Health")
        _activity_for_screens(wallet)
    flow.start()
    dialog = unlock_dialog(qtbot, flow)
    shots(dialog, "unlock")
    submit_passphrase(qtbot, dialog, "not it")
    dialog.message.details_button.setChecked(True)
    shots(dialog, "unlock-wrong-passphrase")
    submit_passphrase(qtbot, dialog, PASSPHRASE)
    window = wait_for_main(qtbot, flow)
    window.resize(1120, 720)

    window.show_page("credentials")
    shots(window, "credentials-empty")

    window.show_page("identities")
    page = window.pages["identities"]
    page.select(first.did)
    shots(window, "identities")
    click(qtbot, page.qr_button)
    shots(page.dialog, "identity-qr")
    page.dialog.reject()
    click(qtbot, page.new_button)
    shots(page.dialog, "identity-new")
    page.dialog.reject()

    window.show_page("activity")
    activity = window.pages["activity"]
    qtbot.waitUntil(lambda: not activity.checking, timeout=WAIT_MS)
    approved = next(activity.model.entry(row) for row in range(activity.model.rowCount())
                    if activity.model.entry(row).kind == "payment.approved")
    activity.select(approved.seq)
    activity.table.setFocus()
    qtbot.wait(50)  # let the wrapped texts settle their heights
    assert activity.detail_area.isVisible()
    shots(window, "activity")

    window.show_page("settings")
    settings = window.pages["settings"]
    shots(window, "settings")
    click(qtbot, settings.change_button)
    shots(settings.dialog, "settings-change-passphrase")
    settings.dialog.reject()
    click(qtbot, settings.export_button)
    shots(settings.dialog, "settings-export-backup")
    settings.dialog.reject()

    window.lock_action.trigger()
    shots(window, "locked")


def _activity_for_screens(wallet: Wallet) -> None:
    """A credential received and shared with a 30-day consent that was then withdrawn,
    a payment approved and one declined."""
    from tests.app.test_activity_page import log_payment, share_and_withdraw

    share_and_withdraw(wallet)
    log_payment(wallet, approved=True, amount="1249.90", payee="Café Zürich ÅB",
                payee_id="CH93 0076 2011 6238 5295 7", transaction_id="ORD-2026-0519",
                verifier_name="Café Zürich Online Shop")
    log_payment(wallet, approved=False, amount="89.00", payee="Unknown Store",
                payee_id="DE02 1203 0000 0000 2020 51", transaction_id="X-77")


def _credentials_for_screens(wallet_context) -> None:  # type: ignore[no-untyped-def]
    """A wallet with three credentials of different types from three https issuers: an
    identity credential, a bank account that expires in 12 days and a degree that
    expired last month (imported while it was still valid)."""
    wallet, _ = Wallet.create(wallet_context.vault_dir, PASSPHRASE, kdf=wallet_context.kdf)
    wallet.close()
    now = time.time()
    past = FixedClock(now - 400 * DAY)
    pid = TestIssuer.new("https://pid.example.gov")
    bank = TestIssuer.new("https://www.examplebank.eu")
    university = TestIssuer.new("https://uni.example.edu")
    with Wallet.open(wallet_context.vault_dir, clock=past) as wallet:
        wallet.unlock(PASSPHRASE)
        holder = holder_key(wallet)
        degree = university.issue(holder, DEGREE_CLAIMS, DEGREE_DISCLOSABLE, DEGREE_VCT,
                                  expires_in=370 * DAY, clock=past)
        wallet.import_credential(degree, issuer_keys=university.issuer_keys)
    with Wallet.open(wallet_context.vault_dir) as wallet:
        wallet.unlock(PASSPHRASE)
        account = bank.issue(holder, BANK_CLAIMS, BANK_DISCLOSABLE, BANK_VCT,
                             expires_in=12 * DAY + 3600)
        wallet.import_credential(account, issuer_keys=bank.issuer_keys)
        wallet.import_credential(pid.issue(holder), issuer_keys=pid.issuer_keys)


def test_credential_screens(qtbot, flow: AppFlow, shots, wallet_context) -> None:
    _credentials_for_screens(wallet_context)
    flow.start()
    submit_passphrase(qtbot, unlock_dialog(qtbot, flow), PASSPHRASE)
    window = wait_for_main(qtbot, flow)
    window.resize(1120, 720)
    window.show_page("credentials")
    page = window.pages["credentials"]
    assert isinstance(page, CredentialsPage) and page.model.rowCount() == 3
    types = {page.model.card(row).type for row in range(3)}
    assert types == {"Identity credential", "Bank account", "University degree"}
    pid_row = next(row for row in range(3) if page.model.card(row).type == "Identity credential")
    page.select(page.model.card(pid_row).id)
    shots(window, "credentials")

    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    detail = page.dialog
    assert isinstance(detail, CredentialDetailDialog)
    qtbot.waitExposed(detail)
    shots(detail, "credential-detail")

    click(qtbot, detail.share_button)
    share = detail.dialog
    assert isinstance(share, ShareDialog)
    qtbot.waitExposed(share)
    for path in ("given_name", "family_name", "address.locality"):
        assert share.model.set_checked(path, True)
    type_into(qtbot, share.audience, "https://shop.example.com")
    type_into(qtbot, share.nonce, "n-0S6_WzA2Mj")
    share.tree.setFocus()
    shots(share, "share")
    click(qtbot, share.share_button)
    qtbot.waitUntil(lambda: share.presentation is not None, timeout=WAIT_MS)
    shots(share, "share-done")
    share.reject()
    detail.reject()

    page.search.setFocus()
    type_into(qtbot, page.search, "bank")
    shots(window, "credentials-search")
    page.search.clear()
    page.paste_button.setFocus()
    QApplication.clipboard().setText("not a credential")
    click(qtbot, page.paste_button)
    qtbot.waitUntil(lambda: not page.importing, timeout=WAIT_MS)
    page.message.details_button.setChecked(True)
    shots(window, "credentials-import-error")


def test_request_review_screens(qtbot, styled_app, wallet_context, shots) -> None:
    from tests.app.test_request_review import (
        new_request,
        open_session,
        query,
        review,
        running_verifier,
        share,
    )

    town_optional = query(["given_name"], ["family_name"], ["address", "locality"],
                          claim_sets=[["c0", "c1", "c2"], ["c0", "c1"]])
    with open_session(wallet_context) as session, running_verifier() as url:
        created = new_request(url, town_optional, purpose="Open a library account")
        dialog = review(qtbot, session, created["request_uri"])
        dialog.resize(960, 680)
        shots(dialog, "request-review")
        share(qtbot, dialog)
        shots(dialog, "request-review-shared")
        dialog.reject()

        created = new_request(url, query(["member_id"], vct="urn:example:membership:1"))
        missing = review(qtbot, session, created["request_uri"])
        missing.resize(960, 680)
        shots(missing, "request-review-unanswerable")
        missing.reject()


def test_payment_screens(qtbot, styled_app, wallet_context, shots) -> None:
    from tests.app.test_payment import (
        approve,
        checkout,
        open_payment,
        payer_session,
    )
    from tests.app.test_request_review import review, running_verifier

    with payer_session(wallet_context) as session, running_verifier() as url:
        created = checkout(url, "1249.90", "EUR", {"name": "Café Zürich ÅB",
                                                   "id": "CH93 0076 2011 6238 5295 7"})
        dialog = review(qtbot, session, created["request_uri"])
        dialog.resize(960, 680)
        shots(dialog, "payment-review")
        payment = open_payment(qtbot, dialog)
        payment.resize(720, 640)
        qtbot.wait(50)  # let the wrapped texts settle their heights
        shots(payment, "payment")
        payment.details_button.setChecked(True)
        qtbot.wait(50)
        shots(payment, "payment-details")
        payment.details_button.setChecked(False)
        approve(qtbot, payment, "not the passphrase")
        shots(payment, "payment-wrong-passphrase")
        approve(qtbot, payment, PASSPHRASE)
        shots(payment, "payment-paid")
        payment.reject()
        dialog.reject()

        long_name = "Landesverkehrsbetriebe Nordrhein-Westfalen Fernverkehr und Regionalbahn GmbH"
        created = checkout(url, "123456789012345.67", "EUR",
                           {"name": long_name, "id": "DE" + "0123456789" * 7})
        dialog = review(qtbot, session, created["request_uri"])
        payment = open_payment(qtbot, dialog)
        payment.resize(640, 600)
        payment.details_button.setChecked(True)
        qtbot.wait(50)
        shots(payment, "payment-long-values")
        payment.reject()


def test_consents_screens(qtbot, flow: AppFlow, shots, wallet_context) -> None:  # type: ignore[no-untyped-def]
    from tests.app.test_consents_page import fill

    wallet, _ = Wallet.create(wallet_context.vault_dir, PASSPHRASE, kdf=wallet_context.kdf)
    with wallet:
        fill(wallet)
    flow.start()
    submit_passphrase(qtbot, unlock_dialog(qtbot, flow), PASSPHRASE)
    window = wait_for_main(qtbot, flow)
    window.resize(1120, 720)
    window.show_page("consents")
    page = window.pages["consents"]
    shots(window, "consents-active")
    page.set_filter("All")
    shots(window, "consents-all")
    page.set_filter("Active")
    click(qtbot, page.withdraw_button)
    qtbot.waitExposed(page.dialog)
    shots(page.dialog, "consents-withdraw")
    page.dialog.reject()


def test_w3c_credential_screens(qtbot, flow: AppFlow, shots, wallet_context) -> None:  # type: ignore[no-untyped-def]
    from tests.app.test_w3c_credentials import fill, open_detail, open_share

    wallet, _ = Wallet.create(wallet_context.vault_dir, PASSPHRASE, kdf=wallet_context.kdf)
    with wallet:
        ids = fill(wallet)
    flow.start()
    submit_passphrase(qtbot, unlock_dialog(qtbot, flow), PASSPHRASE)
    window = wait_for_main(qtbot, flow)
    window.resize(1120, 720)
    window.show_page("credentials")
    page = window.pages["credentials"]
    assert isinstance(page, CredentialsPage) and page.model.rowCount() == 4
    page.select(ids["degree"])
    shots(window, "credentials-w3c")
    detail = open_detail(qtbot, page, ids["degree"])
    shots(detail, "credential-detail-w3c")
    share = open_share(qtbot, detail)
    type_into(qtbot, share.audience, "https://shop.example.com")
    type_into(qtbot, share.nonce, "n-0S6_WzA2Mj")
    shots(share, "share-w3c")
    share.reject()
    detail.reject()


def test_w3c_request_review_screen(qtbot, styled_app, wallet_context, shots) -> None:  # type: ignore[no-untyped-def]
    from tests.app.test_request_review import new_request, review, running_verifier
    from tests.app.test_w3c_credentials import degree_query, w3c_session

    with w3c_session(wallet_context) as session, running_verifier() as url:
        created = new_request(url, degree_query(), purpose="Check your degree")
        dialog = review(qtbot, session, created["request_uri"])
        dialog.resize(960, 680)
        shots(dialog, "request-review-w3c")
        dialog.reject()
