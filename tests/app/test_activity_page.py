"""The Activity page: entries newest first, times in the locale, and a banner that says
whether the log's signatures and links check out, also after tampering on disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from app.context import AppContext
from app.flow import AppFlow
from app.formatting import local_time
from app.models.activity import ActivityColumn, ActivityRole
from app.views.activity import ActivityPage
from app.views.message import Tone
from core.ledger import LOG_KIND, entry_record_id
from core.vault.store import DB_NAME
from core.wallet import Wallet
from tests.app.conftest import PASSPHRASE
from tests.app.driving import WAIT_MS, submit_passphrase, unlock_dialog, wait_for_main


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
