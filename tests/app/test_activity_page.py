"""The Activity page: entries newest first, times in the locale, and a banner that says
whether the log's signatures and links check out, also after tampering on disk; filters
by kind and by date (on the wallet's clock), the selected entry's details exactly as
logged, and all of it by keyboard."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime
from PySide6.QtWidgets import QApplication

from app.context import AppContext
from app.flow import AppFlow
from app.formatting import local_time
from app.main_window import MainWindow
from app.models.activity import ActivityColumn, ActivityRole
from app.views.activity import NO_MATCH, ActivityPage
from app.views.message import Tone
from core.clock import FixedClock
from core.ledger import LOG_KIND, entry_record_id
from core.oid4vp import RequestLink, read_request, record_decision
from core.payments import payment_entry, transaction_data_hash
from core.vault.store import DB_NAME
from core.wallet import Wallet
from tests.app.conftest import PASSPHRASE
from tests.app.driving import WAIT_MS, submit_passphrase, unlock_dialog, wait_for_main
from tests.app.issuing import TestIssuer, holder_key
from tests.services.test_oid4vp import RU, request_claims, unsigned

DAY = 86_400
#: The app's clock in these tests: noon (local time) on a fixed day.
NOW = QDateTime(QDate(2026, 5, 14), QTime(12, 0)).toSecsSinceEpoch()


@pytest.fixture
def wallet_context(wallet_context: AppContext) -> AppContext:
    """The app on a clock that stands still at :data:`NOW`."""
    return dataclasses.replace(wallet_context, clock=FixedClock(NOW))


def log_payment(
    wallet: Wallet, *, approved: bool, amount: str = "12.50", currency: str = "EUR",
    payee: str = "City Library", payee_id: str = "LIB-0042", transaction_id: str = "T-1",
    verifier_name: str | None = None,
) -> str:
    """Approve or decline a payment request (an unsigned request object for a
    redirect_uri verifier) the way the app does; the raw transaction data."""
    data = payment_entry(["pid"], transaction_id=transaction_id, amount=amount,
                         currency=currency, payee_name=payee, payee_id=payee_id)
    metadata = {"client_name": verifier_name} if verifier_name else None
    token = unsigned(request_claims(RU, transaction_data=[data], client_metadata=metadata))
    record_decision(wallet, read_request(RequestLink(RU, request=token), token), approved)
    return data


def share_and_withdraw(wallet: Wallet, audience: str = "https://library.example.org") -> None:
    """Import a credential, present two claims of it with a 30-day consent, and withdraw
    that consent: one entry each of credential.imported, credential.presented,
    consent.granted and consent.withdrawn."""
    issuer = TestIssuer.new("https://pid.example.gov")
    credential = wallet.import_credential(issuer.issue(holder_key(wallet)),
                                          issuer_keys=issuer.issuer_keys)
    wallet.present_credential(credential.id, ["given_name", "family_name"], nonce="n-1",
                              audience=audience, consent="30d")
    wallet.withdraw_consent(wallet.consents()[0].id)


def make_history(context: AppContext) -> int:
    """A wallet with a few logged actions, made by core; the number of log entries."""
    wallet, _phrase = Wallet.create(context.vault_dir, PASSPHRASE, kdf=context.kdf)
    with wallet:
        second = wallet.create_identity("jwk", "ES256", "Bank")
        wallet.relabel_identity(second.did, "Bank account")
        wallet.create_identity()
        return len(wallet.ledger.entries())


def open_activity(qtbot, flow: AppFlow) -> ActivityPage:
    flow.start()
    submit_passphrase(qtbot, unlock_dialog(qtbot, flow), PASSPHRASE)
    window = wait_for_main(qtbot, flow)
    window.show_page("activity")
    page = window.pages["activity"]
    assert isinstance(page, ActivityPage)
    qtbot.waitUntil(lambda: not page.checking, timeout=WAIT_MS)
    return page


def test_entries_newest_first_and_the_log_verifies(
    qtbot, flow: AppFlow, wallet_context: AppContext
) -> None:
    count = make_history(wallet_context)
    page = open_activity(qtbot, flow)
    model = page.model
    assert model.rowCount() == count
    seqs = [model.index(row, 0).data(ActivityRole.SEQ) for row in range(count)]
    assert seqs == sorted(seqs, reverse=True) and seqs[-1] == 0
    newest = model.entry(0)
    assert model.index(0, ActivityColumn.KIND).data() == "Identity created"
    assert model.index(count - 1, ActivityColumn.KIND).data() == "Wallet created"
    assert model.index(0, ActivityColumn.TIME).data() == local_time(newest.time, QLocale())
    assert model.index(0, ActivityColumn.SUMMARY).data() == newest.summary

    assert page.banner.isVisible() and page.banner.tone is Tone.SUCCESS
    assert page.banner.text == (
        f"The log checks out. All {count} entries are signed by this wallet, "
        "and none was changed or removed."
    )


def test_new_actions_show_up_and_are_checked_again(qtbot, flow: AppFlow, wallet_context) -> None:
    count = make_history(wallet_context)
    page = open_activity(qtbot, flow)
    assert flow.session is not None
    flow.session.create_identity("key", "EdDSA", "Later")
    qtbot.waitUntil(lambda: not page.checking, timeout=WAIT_MS)
    assert page.model.rowCount() == count + 1
    assert page.model.entry(0).kind == "identity.created"
    assert f"All {count + 1} entries" in page.banner.text


def test_a_hidden_page_waits_until_it_is_shown(qtbot, flow: AppFlow, wallet_context) -> None:
    count = make_history(wallet_context)
    page = open_activity(qtbot, flow)
    assert flow.session is not None and flow.window is not None
    flow.window.show_page("identities")
    flow.session.create_identity("key", "EdDSA", "While away")
    assert page.stale and not page.checking  # no log check for a page nobody sees
    assert page.model.rowCount() == count
    flow.window.show_page("activity")
    qtbot.waitUntil(lambda: not page.checking, timeout=WAIT_MS)
    assert not page.stale and page.model.rowCount() == count + 1


def _flip_a_byte(db: sqlite3.Connection, record_id: str) -> None:
    (sealed,) = db.execute(
        "SELECT sealed FROM records WHERE kind = ? AND id = ?", (LOG_KIND, record_id)
    ).fetchone()
    changed = bytearray(sealed)
    changed[len(changed) // 2] ^= 0x01
    db.execute(
        "UPDATE records SET sealed = ? WHERE kind = ? AND id = ?",
        (bytes(changed), LOG_KIND, record_id),
    )


def _remove(db: sqlite3.Connection, record_id: str) -> None:
    db.execute("DELETE FROM records WHERE kind = ? AND id = ?", (LOG_KIND, record_id))


@pytest.mark.parametrize("tamper", [_flip_a_byte, _remove])
def test_a_log_tampered_with_on_disk_does_not_verify(
    qtbot, flow: AppFlow, wallet_context: AppContext, tamper
) -> None:
    count = make_history(wallet_context)
    db = sqlite3.connect(Path(wallet_context.vault_dir) / DB_NAME, isolation_level=None)
    try:
        tamper(db, entry_record_id(1))
    finally:
        db.close()

    page = open_activity(qtbot, flow)
    assert page.banner.tone is Tone.ERROR
    assert page.banner.text == (
        "This log was changed outside Tessera: an entry was altered or removed. "
        "Don't trust the history below."
    )
    assert "Error code: malformed. First bad entry: number 1." in page.banner.details
    assert page.model.rowCount() == count - 1  # what can still be read is shown


# --- filters ---------------------------------------------------------------------------------


def shown_kinds(page: ActivityPage) -> list[str]:
    return [page.model.entry(row).kind for row in range(page.model.rowCount())]


def test_the_kind_filter_shows_one_kind_of_entry(
    qtbot, flow: AppFlow, wallet_context: AppContext
) -> None:
    wallet, _phrase = Wallet.create(wallet_context.vault_dir, PASSPHRASE, kdf=wallet_context.kdf)
    with wallet:
        wallet.create_identity("jwk", "ES256", "Bank")
        share_and_withdraw(wallet)
        log_payment(wallet, approved=True)
        log_payment(wallet, approved=False, transaction_id="T-2")
        total = len(wallet.ledger.entries())
    page = open_activity(qtbot, flow)
    assert page.kind_filter.currentText() == "All" and page.model.rowCount() == total

    expected = {
        "Credentials received": ["credential.imported"],
        "Shared (presentations)": ["credential.presented"],
        "Payments and signatures": ["payment.declined", "payment.approved"],
        "Consents": ["consent.withdrawn", "consent.granted"],
        "Identities": ["identity.created", "identity.created"],
        "Wallet and security": ["wallet.created"],
    }
    assert [page.kind_filter.itemText(i) for i in range(page.kind_filter.count())] == [
        "All", *expected
    ]
    for kind, kinds in expected.items():
        page.set_filter(kind=kind)
        assert shown_kinds(page) == kinds, kind
        assert page.table.isVisible() and not page.no_rows.isVisible()
    page.set_filter(kind="All")
    assert page.model.rowCount() == total
    assert page.banner.tone is Tone.SUCCESS  # filtering hides rows, not the log's state


def test_no_entries_match_says_so(qtbot, flow: AppFlow, wallet_context: AppContext) -> None:
    count = make_history(wallet_context)
    page = open_activity(qtbot, flow)
    page.set_filter(kind="Payments and signatures")
    assert page.model.rowCount() == 0 and page.model.total == count
    assert page.no_rows.isVisible() and page.no_rows.text() == NO_MATCH
    assert not page.table.isVisible() and not page.empty_state.isVisible()
    assert page.filter_bar.isVisible()  # so the filter can be changed back
    page.set_filter(kind="Identities")
    assert page.model.rowCount() == count - 1 and page.table.isVisible()  # all but wallet.created
    assert not page.no_rows.isVisible()


def test_the_date_filter_follows_the_wallets_clock(
    qtbot, flow: AppFlow, wallet_context: AppContext
) -> None:
    midnight = QDateTime(QDate(2026, 5, 14), QTime(0, 0)).toSecsSinceEpoch()
    clock = FixedClock(NOW - 40 * DAY)
    wallet, _phrase = Wallet.create(wallet_context.vault_dir, PASSPHRASE,
                                    kdf=wallet_context.kdf, clock=clock)
    with wallet:  # seqs 0-1: 40 days ago; then 10 and 3 days ago, 23:59 yesterday, today
        for when, label in ((NOW - 10 * DAY, "Ten"), (NOW - 3 * DAY, "Three"),
                            (midnight - 60, "Yesterday"), (midnight + 60, "Today")):
            clock.at = when
            wallet.create_identity(label=label)
    page = open_activity(qtbot, flow)
    seqs = {}
    for when in ("Any time", "Today", "Last 7 days", "Last 30 days"):
        page.set_filter(when=when)
        seqs[when] = [page.model.entry(row).seq for row in range(page.model.rowCount())]
    assert seqs == {
        "Any time": [5, 4, 3, 2, 1, 0],
        "Today": [5],
        "Last 7 days": [5, 4, 3],
        "Last 30 days": [5, 4, 3, 2],
    }
    page.set_filter(kind="Wallet and security", when="Last 30 days")
    assert page.no_rows.isVisible()  # the wallet was made 40 days ago
    page.set_filter(when="Any time")
    assert shown_kinds(page) == ["wallet.created"]


# --- the detail pane --------------------------------------------------------------------------


def test_a_payment_entry_shows_what_was_logged(
    qtbot, flow: AppFlow, wallet_context: AppContext
) -> None:
    wallet, _phrase = Wallet.create(wallet_context.vault_dir, PASSPHRASE, kdf=wallet_context.kdf)
    with wallet:
        raw = log_payment(wallet, approved=True, amount="1249.90", payee="Café Zürich ÅB",
                          payee_id="CH93 0076 2011 6238 5295 7", transaction_id="T-1001",
                          verifier_name="Example Shop")
        log_payment(wallet, approved=False, amount="5", currency="JPY")
    page = open_activity(qtbot, flow)
    assert not page.detail_area.isVisible()  # nothing selected: nothing expanded
    approved = page.model.entry(1)
    assert approved.kind == "payment.approved"
    page.select(approved.seq)
    detail = page.detail
    assert page.detail_area.isVisible() and detail.entry == approved
    assert detail.heading.text() == "Payment approved"
    assert detail.summary.text() == approved.summary
    values = detail.values()
    logged = approved.details
    assert values["Amount"] == f"{logged['amount']} {logged['currency']}" == "1,249.90 EUR"
    assert values["Payee"] == logged["payee"] == "Café Zürich ÅB"
    assert values["Payee account"] == "CH93 0076 2011 6238 5295 7"
    assert values["Transaction ID"] == "T-1001"
    assert values["Verifier"] == "Example Shop"
    assert values["Hash (SHA-256)"] == logged["hash"] == transaction_data_hash(raw)
    hash_field = next(value for label, value in detail.rows if label.text() == "Hash (SHA-256)")
    assert hash_field.font().fixedPitch()
    assert hash_field.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert detail.footer.text() == f"Entry {approved.seq} · {local_time(approved.time)}"

    declined = page.model.entry(0)
    page.select(declined.seq)
    values = detail.values()
    assert detail.heading.text() == "Payment declined" and values["Amount"] == "5 JPY"
    assert "Verifier" not in values  # the request named no verifier: nothing is made up
    assert set(values) <= {"Amount", "Payee", "Payee account", "Transaction ID",
                           "Transaction", "Verifier identifier", "Transaction type",
                           "Hash (SHA-256)"}


def test_details_with_unknown_keys_and_consents(
    qtbot, flow: AppFlow, wallet_context: AppContext
) -> None:
    wallet, _phrase = Wallet.create(wallet_context.vault_dir, PASSPHRASE, kdf=wallet_context.kdf)
    with wallet:
        share_and_withdraw(wallet)
        wallet.log("custom.noted", "Noted something.", {"colour": "blue", "count": 3,
                                                         "nothing": None})
    page = open_activity(qtbot, flow)
    page.select(page.model.entry(0).seq)
    assert page.detail.values() == {"colour": "blue", "count": "3"}

    granted = page.model.entry(2)
    assert granted.kind == "consent.granted"
    page.select(granted.seq)
    values = page.detail.values()
    assert values["Claims"] == "given_name, family_name"
    assert values["Duration"] == "For 30 days"
    assert values["Until"] == local_time(granted.details["until"])
    assert values["Verifier identifier"] == "https://library.example.org"
    assert "Purpose" not in values and "Verifier" not in values  # none was given

    page.select(page.model.entry(3).seq)  # the presentation
    assert page.detail.values()["Claims shared"] == "given_name, family_name"
    assert "Transactions confirmed" not in page.detail.values()


def test_a_filter_keeps_the_selected_entry_while_it_is_shown(
    qtbot, flow: AppFlow, wallet_context: AppContext
) -> None:
    make_history(wallet_context)
    page = open_activity(qtbot, flow)
    newest = page.model.entry(0)
    page.select(newest.seq)
    page.set_filter(kind="Identities")
    assert page.selected() == newest and page.detail_area.isVisible()
    page.set_filter(kind="Wallet and security")
    assert page.selected() is None and not page.detail_area.isVisible()


# --- the keyboard ------------------------------------------------------------------------------


def focused() -> object:
    return QApplication.focusWidget()


def test_filters_and_entries_by_keyboard(
    qtbot, flow: AppFlow, wallet_context: AppContext
) -> None:
    count = make_history(wallet_context)
    page = open_activity(qtbot, flow)
    window = flow.window
    assert isinstance(window, MainWindow)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)

    # Tab reaches the kind filter, then the date filter, then the table.
    for _ in range(12):
        if focused() is page.kind_filter:
            break
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Tab)
    assert focused() is page.kind_filter
    qtbot.keyClick(page.kind_filter, Qt.Key.Key_Down)  # All → Credentials received
    assert page.kind_filter.currentText() == "Credentials received" and page.no_rows.isVisible()
    qtbot.keyClick(page.kind_filter, Qt.Key.Key_End)
    assert page.kind_filter.currentText() == "Wallet and security"
    qtbot.keyClick(page.kind_filter, Qt.Key.Key_Home)
    assert page.model.rowCount() == count
    qtbot.keyClick(page.kind_filter, Qt.Key.Key_Tab)
    assert focused() is page.date_filter
    qtbot.keyClick(page.date_filter, Qt.Key.Key_Tab)
    assert focused() is page.table

    # Arrows move through the entries; Enter expands one, Escape closes it again.
    table = page.table
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Up)
    row = table.currentIndex().row()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert page.selected() == page.model.entry(row) and page.detail_area.isVisible()
    assert page.detail.entry == page.model.entry(row)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert page.detail.entry == page.model.entry(row + 1)  # the pane follows the selection
    qtbot.keyClick(table, Qt.Key.Key_Escape)
    assert page.selected() is None and not page.detail_area.isVisible()
    qtbot.keyClick(table, Qt.Key.Key_Enter)
    assert page.detail.entry == page.model.entry(table.currentIndex().row())
    assert page.detail_area.isVisible()

    # The mnemonics: Alt+S to the kind filter, Alt+W to the date filter.
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert focused() is page.kind_filter
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert focused() is page.date_filter
