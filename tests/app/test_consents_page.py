"""The Consents page on a real vault: filters, readable rows, Withdraw with a confirmation
naming the verifier, and the signed withdrawal exported or copied for the verifier."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from app.context import AppContext
from app.formatting import log_kind
from app.models.activity import ActivityTableModel
from app.models.consents import ConsentColumn, ConsentTableModel
from app.session import WalletSession
from app.views.consents import ConsentsPage, withdrawal_file_name
from core.consent import SharedCredential, verify_consent, verify_withdrawal
from core.wallet import Wallet
from tests.app.conftest import PASSPHRASE
from tests.app.driving import click

SHOP = "redirect_uri:https://shop.example/response"
CLUB = "decentralized_identifier:did:web:club.example"
PID = SharedCredential("ab" * 32, "urn:eudi:pid:1", "https://pid.example",
                       ("given_name", "address.locality"))
BANK = SharedCredential("cd" * 32, "https://bank.example/BankAccount", "https://bank.example",
                        ("iban",))


def fill(wallet: Wallet) -> dict[str, str]:
    """Active (30 days), expired (this once) and withdrawn consents."""
    did = wallet.identities.all()[0].did
    ids = {
        "expired": wallet.record_consent(did, SHOP, "Quick Check", False, None, (PID,),
                                         "once").id,
        "withdrawn": wallet.record_consent(did, CLUB, "Rowing Club", True, "Membership",
                                           (PID, BANK), "until_withdrawn").id,
        "active": wallet.record_consent(did, SHOP, "Example Shop", False,
                                        "Deliver your order", (PID,), "30d").id,
    }
    wallet.withdraw_consent(ids["withdrawn"])
    return ids


@pytest.fixture
def session(qapp, wallet_context: AppContext) -> Iterator[WalletSession]:
    wallet, _ = Wallet.create(wallet_context.vault_dir, PASSPHRASE, kdf=wallet_context.kdf)
    opened = WalletSession(wallet, wallet_context)
    yield opened
    QThreadPool.globalInstance().waitForDone(5000)
    opened.close()


def open_page(qtbot, session: WalletSession, **options) -> ConsentsPage:  # type: ignore[no-untyped-def]
    page = ConsentsPage(session, **options)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


def cell(page: ConsentsPage, row: int, column: ConsentColumn) -> str:
    return str(page.model.index(row, column).data())


def test_model_passes_the_model_tester(qtmodeltester, session: WalletSession) -> None:
    fill(session.wallet)
    model = ConsentTableModel()
    model.set_consents(session.consents())
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)


def test_empty_page(qtbot, session: WalletSession) -> None:
    page = open_page(qtbot, session)
    assert page.empty_state.isVisible() and not page.table.isVisible()
    assert page.empty_state.title == "No consents yet"


def test_filters_and_rows(qtbot, session: WalletSession) -> None:
    ids = fill(session.wallet)
    page = open_page(qtbot, session)
    assert [page.filter.itemText(i) for i in range(4)] == [
        "Active (1)", "Expired (1)", "Withdrawn (1)", "All (3)"
    ]
    assert page.model.rowCount() == 1 and page.model.consent(0).id == ids["active"]
    assert cell(page, 0, ConsentColumn.VERIFIER) == "Example Shop · not verified"
    assert cell(page, 0, ConsentColumn.SHARED) == "Given name, Address \u203a Locality"
    assert cell(page, 0, ConsentColumn.PURPOSE) == "Deliver your order"
    assert cell(page, 0, ConsentColumn.STATE) == "Active"
    assert page.model.index(0, ConsentColumn.VERIFIER).data(Qt.ItemDataRole.ToolTipRole) == SHOP
    assert "Example Shop" in page.detail.text() and "for 30 days" in page.detail.text()
    assert page.withdraw_button.isEnabled() and not page.export_button.isEnabled()

    page.set_filter("Expired")
    assert [page.model.consent(r).id for r in range(page.model.rowCount())] == [ids["expired"]]
    assert cell(page, 0, ConsentColumn.UNTIL) == "This once"
    assert not page.withdraw_button.isEnabled() and not page.copy_button.isEnabled()

    page.set_filter("Withdrawn")
    assert cell(page, 0, ConsentColumn.VERIFIER) == "Rowing Club · verified"
    assert cell(page, 0, ConsentColumn.SHARED) == (
        "PID: Given name, Address \u203a Locality; Bank account: Iban"
    )
    assert cell(page, 0, ConsentColumn.UNTIL) == "Until withdrawn"
    assert cell(page, 0, ConsentColumn.STATE) == "Withdrawn"
    tip = page.model.index(0, ConsentColumn.STATE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Withdrawn 2")
    assert "You withdrew it on" in page.detail.text()
    assert page.export_button.isEnabled() and not page.withdraw_button.isEnabled()

    page.set_filter("All")
    assert page.model.rowCount() == 3


def test_withdraw_asks_first_naming_the_verifier(qtbot, session: WalletSession,
                                                 tmp_path: Path) -> None:
    ids = fill(session.wallet)
    saved = tmp_path / "withdrawal.jwt"
    asked: list[str] = []

    def choose(_parent, suggested: str) -> Path:  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return saved

    page = open_page(qtbot, session, choose_path=choose)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=3000)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)  # the keyboard way to Withdraw…
    box = page.dialog
    assert isinstance(box, QMessageBox)
    assert box.text() == "Withdraw your consent for Example Shop?"
    assert SHOP in box.informativeText() and "Given name" in box.informativeText()
    assert box.defaultButton().text() == "Keep"
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Keep: nothing happens
    qtbot.waitUntil(lambda: page.dialog is None)
    assert session.wallet.consent(ids["active"]).state == "active"

    click(qtbot, page.withdraw_button)
    box = page.dialog
    assert isinstance(box, QMessageBox)
    click(qtbot, box.withdraw_button)  # type: ignore[attr-defined]
    stored = session.wallet.consent(ids["active"])
    assert stored.state == "withdrawn" and stored.withdrawal is not None
    assert session.wallet.ledger.entries()[-1].kind == "consent.withdrawn"
    assert page.filter.currentText().startswith("Withdrawn")  # it stays in view
    assert page.selected() is not None and page.selected().id == ids["active"]  # type: ignore[union-attr]
    assert page.message.text.startswith("Consent withdrawn. Export the signed withdrawal")

    click(qtbot, page.export_button)
    assert asked == [withdrawal_file_name(stored)]
    assert asked[0].startswith("withdrawal-example-shop-")
    token = saved.read_text().strip()
    assert token == stored.withdrawal.token
    assert verify_withdrawal(token, consent=verify_consent(stored.consent.token))

    click(qtbot, page.copy_button)
    assert QGuiApplication.clipboard().text() == stored.withdrawal.token


def test_export_cancelled_or_failing(qtbot, session: WalletSession, tmp_path: Path) -> None:
    fill(session.wallet)
    chosen: list[Path | None] = [None, tmp_path / "missing" / "w.jwt"]
    page = open_page(qtbot, session, choose_path=lambda _parent, _name: chosen.pop(0))
    page.set_filter("Withdrawn")
    click(qtbot, page.export_button)  # cancelled: nothing said, nothing written
    assert not page.message.isVisible()
    click(qtbot, page.export_button)
    assert page.message.isVisible() and page.message.text.startswith(
        "Tessera couldn't save the withdrawal")
    assert "io_error" in page.message.details


def test_an_expired_consent_refused_late_is_explained(qtbot, session: WalletSession) -> None:
    ids = fill(session.wallet)
    page = open_page(qtbot, session)
    page._withdraw(session.wallet.consent(ids["expired"]))  # as if it ended meanwhile
    assert page.message.text == "Tessera couldn't withdraw this consent."
    assert "consent_expired" in page.message.details


def test_lock_clears_the_page(qtbot, session: WalletSession) -> None:
    fill(session.wallet)
    page = open_page(qtbot, session)
    session.lock()
    assert page.model.rowCount() == 0 and not page.table.isVisible()
    assert not page.empty_state.isVisible()


def test_activity_labels(session: WalletSession) -> None:
    fill(session.wallet)
    model = ActivityTableModel()
    model.set_entries(session.wallet.ledger.entries())
    shown = [str(model.index(row, 1).data()) for row in range(model.rowCount())]
    assert shown[:2] == ["Consent withdrawn", "Consent given"]
    assert log_kind("payment.approved") == "Payment approved"
    assert log_kind("payment.declined") == "Payment declined"
