"""Credential status in the app: Refresh status (F5) on a worker updates the badges without
freezing the window; the background refresher runs due checks and nothing while locked;
the detail dialog says the status and when it was checked. The demo issuer runs on
loopback (uvicorn), the vault is a real file, the widgets are real."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QWidget

from app.credential_text import DAY
from app.dialogs.credential_detail import CredentialDetailDialog
from app.main_window import MainWindow
from app.models.credentials import CardRole
from app.status_refresh import StatusRefresher
from app.status_text import StatusTone
from app.views.credentials import REFRESH_STATUS, CredentialsPage
from core.did.fetch import HttpxFetcher
from core.keys import Ed25519PrivateKey
from core.oid4vci import receive
from core.status import MAX_TOKEN_BYTES, MEDIA_TYPE
from core.wallet import Wallet
from tests.app.conftest import PASSPHRASE
from tests.app.driving import WAIT_MS
from tests.app.imaging import assert_not_blank
from tests.app.issuing import TestIssuer, holder_key
from tests.services.helpers import running_issuer
from tests.services.helpers import set_status as set_status_at

ISSUER_KEY = Ed25519PrivateKey(bytes(range(200, 232)))


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with running_issuer(ISSUER_KEY, name="Demo Bank") as base_url:
        yield base_url


class SlowFetcher:
    """The real HTTP fetcher, each GET held back ``delay`` seconds and counted."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls = 0
        self.inner = HttpxFetcher(max_bytes=MAX_TOKEN_BYTES, accept=MEDIA_TYPE)

    def __call__(self, url: str) -> bytes:
        self.calls += 1
        time.sleep(self.delay)
        return self.inner(url)


def page_of(window: MainWindow) -> CredentialsPage:
    window.show_page("credentials")
    page = window.pages["credentials"]
    assert isinstance(page, CredentialsPage)
    return page


def refresher_of(window: MainWindow) -> StatusRefresher:
    assert window.status_refresher is not None
    return window.status_refresher


def wallet_of(window: MainWindow) -> Wallet:
    assert window.session is not None
    return window.session.wallet


def add(window: MainWindow, http: httpx.Client, issuer: str, config: str) -> tuple[str, str]:
    """Receive a credential from the demo issuer; (offer id, credential id)."""
    answer = http.post(f"{issuer}/demo/offers", json={"credential_configuration_id": config})
    offer_id, uri = answer.json()["id"], answer.json()["offer_uri"]
    stored = receive(wallet_of(window), uri, http=http)
    page_of(window).refresh()
    return offer_id, stored.id


def set_status(http: httpx.Client, issuer: str, offer_id: str, status: str) -> None:
    answer = set_status_at(http, issuer, offer_id, status)
    assert answer.status_code == 200, answer.text


def badge(page: CredentialsPage, credential_id: str) -> tuple[str, str]:
    index = page.model.index(page.model.row_of(credential_id), 0)
    return str(index.data(CardRole.STATUS_LABEL)), str(index.data(CardRole.STATUS_NOTE))


def refresh(qtbot, refresher: StatusRefresher) -> None:
    """Refresh status, and wait until the outcomes are stored and the worker is done."""
    with qtbot.waitSignal(refresher.checked, timeout=WAIT_MS):
        assert refresher.refresh_now()
    qtbot.waitUntil(lambda: not refresher.running, timeout=WAIT_MS)


def test_refresh_status_updates_the_badges_on_a_worker(
    qtbot, wallet_window: MainWindow, issuer: str, http: httpx.Client
) -> None:
    page = page_of(wallet_window)
    refresher = refresher_of(wallet_window)
    pid_offer, pid = add(wallet_window, http, issuer, "identity_credential")
    card_offer, card = add(wallet_window, http, issuer, "membership_card")
    assert badge(page, pid) == ("", "Not checked yet")
    set_status(http, issuer, pid_offer, "revoked")
    set_status(http, issuer, card_offer, "suspended")
    refresher.fetcher = slow = SlowFetcher(delay=0.4)

    ticks: list[float] = []
    pulse = QTimer(page)
    pulse.timeout.connect(lambda: ticks.append(time.monotonic()))
    pulse.start(20)
    started = time.monotonic()
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert time.monotonic() - started < 0.3  # the key press returned at once
    assert refresher.running and not page.status_button.isEnabled()
    assert page.status_button.text() == "Checking status…"
    qtbot.waitUntil(lambda: not refresher.running, timeout=WAIT_MS)
    pulse.stop()
    # The event loop kept running while the lists were fetched (>= 0.8 s of sleeps).
    assert slow.calls >= 2 and len(ticks) >= 10
    assert badge(page, pid)[0] == "Revoked" and badge(page, pid)[1].startswith("Checked ")
    assert badge(page, card)[0] == "Suspended"
    tone = page.model.index(page.model.row_of(pid), 0).data(CardRole.STATUS_TONE)
    assert tone is StatusTone.ERROR
    assert page.status_button.isEnabled() and page.status_button.text() == REFRESH_STATUS
    message = wallet_window.statusBar().currentMessage()
    assert message == "Status checked: 1 revoked, 1 suspended."
    kinds = [e.kind for e in wallet_of(wallet_window).ledger.entries()]
    assert kinds.count("credential.status_changed") == 2


def test_background_refresher_checks_what_is_due_and_nothing_while_locked(
    qtbot, wallet_window: MainWindow, issuer: str, http: httpx.Client
) -> None:
    page = page_of(wallet_window)
    refresher = refresher_of(wallet_window)
    session = wallet_window.session
    assert session is not None
    _offer, pid = add(wallet_window, http, issuer, "identity_credential")
    assert refresher.timer.isActive()  # armed since the unlock
    refresher.fetcher = counting = SlowFetcher()

    session.lock()
    assert not refresher.timer.isActive()
    assert refresher.tick() is False and refresher.refresh_now() is False
    refresher.arm()
    assert not refresher.timer.isActive()
    qtbot.wait(100)
    assert counting.calls == 0 and not refresher.running

    wallet_of(wallet_window).unlock(PASSPHRASE)
    session.announce_unlocked()
    assert refresher.timer.isActive()
    assert wallet_of(wallet_window).statuses.all() == {}

    # While another task has the vault on a worker, the refresher leaves it alone.
    release = threading.Event()
    session.run(lambda: release.wait(WAIT_MS / 1000))
    assert session.busy
    assert refresher.tick() is False
    qtbot.wait(100)
    assert counting.calls == 0 and not refresher.running
    release.set()
    qtbot.waitUntil(lambda: not session.busy, timeout=WAIT_MS)
    refresher.tick_ms = (10, 30)
    refresher.arm()  # the next look comes by itself, after a short random wait
    qtbot.waitUntil(lambda: wallet_of(wallet_window).statuses.get(pid) is not None,
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not refresher.running, timeout=WAIT_MS)
    assert counting.calls > 0 and badge(page, pid)[0] == "Valid"
    calls = counting.calls
    assert refresher.tick() is False  # nothing is due again for hours
    assert counting.calls == calls

    # A check under way when the wallet locks is dropped, not stored.
    refresher.fetcher = SlowFetcher(delay=0.5)
    assert refresher.refresh_now() is True and refresher.running
    before = wallet_of(wallet_window).statuses.get(pid)
    session.lock()
    qtbot.waitUntil(lambda: not refresher.running, timeout=WAIT_MS)
    wallet_of(wallet_window).unlock(PASSPHRASE)
    assert wallet_of(wallet_window).statuses.get(pid) == before


def test_detail_says_the_status_and_the_offline_state(
    qtbot, wallet_window: MainWindow, http: httpx.Client
) -> None:
    page = page_of(wallet_window)
    refresher = refresher_of(wallet_window)
    with running_issuer(ISSUER_KEY) as gone_soon:
        offer_id, pid = add(wallet_window, http, gone_soon, "identity_credential")
        set_status(http, gone_soon, offer_id, "revoked")
        refresh(qtbot, refresher)
    refresh(qtbot, refresher)
    label, note = badge(page, pid)
    assert label == "Revoked" and note.startswith("Offline · last checked ")
    assert wallet_of(wallet_window).statuses.get(pid).error == "resolution_failed"
    assert "could not be checked (offline)" in wallet_window.statusBar().currentMessage()
    page.open_detail(pid)
    dialog = page.dialog
    assert isinstance(dialog, CredentialDetailDialog)
    text = dialog.status_label.text()
    assert text.startswith("Revoked, last checked ") and "Offline now" in text
    assert dialog.status_label.toolTip() == "Details: resolution_failed"
    dialog.reject()



def test_an_open_detail_follows_a_refresh(
    qtbot, wallet_window: MainWindow, issuer: str, http: httpx.Client
) -> None:
    page = page_of(wallet_window)
    offer_id, pid = add(wallet_window, http, issuer, "identity_credential")
    page.open_detail(pid)
    dialog = page.dialog
    assert isinstance(dialog, CredentialDetailDialog)
    assert not dialog.status_label.text().startswith("Suspended")
    set_status(http, issuer, offer_id, "suspended")
    refresh(qtbot, refresher_of(wallet_window))
    assert dialog.status_label.text().startswith("Suspended")
    dialog.reject()


def _save(widget: QWidget, name: str, tmp_path: Path) -> None:
    directory = Path(os.environ.get("TESSERA_SCREENSHOTS") or tmp_path / "screens")
    directory.mkdir(parents=True, exist_ok=True)
    widget.repaint()
    image = widget.grab().toImage()
    assert image.save(str(directory / f"{name}.png"), "PNG")
    assert_not_blank(image)


def test_screens_with_every_status(
    qtbot, wallet_window: MainWindow, issuer: str, http: httpx.Client, tmp_path: Path
) -> None:
    wallet_window.resize(1120, 720)
    page = page_of(wallet_window)
    refresher = refresher_of(wallet_window)
    with running_issuer(ISSUER_KEY, name="Club") as club:
        add(wallet_window, http, club, "membership_card")
        refresh(qtbot, refresher)
    plain = TestIssuer.new().issue(holder_key(wallet_of(wallet_window)), expires_in=12 * DAY)
    wallet_of(wallet_window).import_credential(plain)
    revoked_offer, revoked = add(wallet_window, http, issuer, "identity_credential")
    suspended_offer, _ = add(wallet_window, http, issuer, "bank_account")
    add(wallet_window, http, issuer, "membership_card")
    set_status(http, issuer, revoked_offer, "revoked")
    set_status(http, issuer, suspended_offer, "suspended")
    refresh(qtbot, refresher)
    labels = sorted(page.model.card(r).status.label for r in range(page.model.rowCount()))
    assert labels == ["", "Revoked", "Suspended", "Valid", "Valid"]
    _save(wallet_window, "credentials-status", tmp_path)
    page.open_detail(revoked)
    assert page.dialog is not None
    _save(page.dialog, "credential-detail-status", tmp_path)
    page.dialog.close()


def test_refresh_asked_while_the_vault_is_busy_waits_for_it(
    qtbot, wallet_window: MainWindow, issuer: str, http: httpx.Client
) -> None:
    refresher = refresher_of(wallet_window)
    session = wallet_window.session
    assert session is not None
    _offer, pid = add(wallet_window, http, issuer, "membership_card")
    refresher.fetcher = counting = SlowFetcher()
    release = threading.Event()
    session.run(lambda: release.wait(WAIT_MS / 1000))
    assert refresher.refresh_now() is True  # accepted, started once the vault is free
    qtbot.wait(600)
    assert counting.calls == 0 and not refresher.running
    with qtbot.waitSignal(refresher.checked, timeout=WAIT_MS):
        release.set()
    assert counting.calls > 0 and badge(page_of(wallet_window), pid)[0] == "Valid"
