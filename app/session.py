"""The open wallet as the windows see it: a locked/unlocked state with signals, the
operations the pages call, and slow work run off the GUI thread.

Only one background task that touches the vault runs at a time from the dialogs (they
are modal while it runs); ``busy`` tells the idle timer not to lock in the middle of one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.context import AppContext
from app.importing import read_credential_file
from app.preferences import Preferences, PreferencesFile
from app.workers import TaskHandle, run_in_background
from core.consent import Withdrawal
from core.consents import StoredConsent
from core.credentials import StoredCredential
from core.errors import VaultError
from core.identity import Identity
from core.oid4vci import OfferSummary, describe_offer, receive
from core.wallet import Wallet

log = logging.getLogger(__name__)


class WalletSession(QObject):
    """Wraps one open :class:`~core.wallet.Wallet` for the GUI.

    Signals: ``locked`` and ``unlocked`` when the state flips; ``changed`` after anything
    the person did changed identities or the log; ``preferences_changed``.
    """

    locked = Signal()
    unlocked = Signal()
    changed = Signal()
    preferences_changed = Signal()

    def __init__(
        self, wallet: Wallet, context: AppContext, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.wallet = wallet
        self.context = context
        self._preferences_file = PreferencesFile(context.preferences_path)
        self.preferences = self._preferences_file.load()
        self._busy = 0
        self._tasks: list[TaskHandle] = []

    # --- state -------------------------------------------------------------------------

    @property
    def is_locked(self) -> bool:
        return self.wallet.is_locked

    @property
    def busy(self) -> bool:
        """Whether a background task that needs the vault is running."""
        return self._busy > 0

    def lock(self) -> None:
        """Forget the vault key and tell every view to drop what it shows."""
        if self.wallet.is_locked:
            return
        self.cancel_tasks()
        self.wallet.lock()
        self.locked.emit()

    def announce_unlocked(self) -> None:
        """Called once the wallet was unlocked (by passphrase or by this device)."""
        if not self.wallet.is_locked:
            self.unlocked.emit()

    def cancel_tasks(self) -> None:
        """Drop the results of running background tasks (they still run to the end)."""
        for handle in self._tasks:
            handle.cancel()

    def close(self) -> None:
        """Lock and close the vault file (when the app quits)."""
        self.cancel_tasks()
        self.wallet.close()

    # --- background work -----------------------------------------------------------------

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
        on_finished: Callable[[], object] | None = None,
    ) -> TaskHandle:
        """``run_in_background`` that counts as ``busy`` until it finishes."""
        self._busy += 1
        handle: TaskHandle | None = None

        def finished() -> None:
            self._busy -= 1
            if handle in self._tasks:
                self._tasks.remove(handle)
            if on_finished is not None:
                on_finished()

        handle = run_in_background(
            fn, *args, on_result=on_result, on_error=on_error, on_finished=finished
        )
        self._tasks.append(handle)
        return handle

    def unlock(
        self,
        passphrase: str,
        on_done: Callable[[], object],
        on_error: Callable[[BaseException], object],
    ) -> TaskHandle:
        """Run Argon2id on a worker, then finish the unlock here. ``on_error`` gets
        WrongPassphrase (or another TesseraError)."""

        def derived(kek: bytes) -> None:
            try:
                self.wallet.unlock_with_kek(kek)
            except Exception as exc:
                on_error(exc)
                return
            on_done()
            self.announce_unlocked()

        return self.run(self.wallet.derive_kek, passphrase, on_result=derived, on_error=on_error)

    # --- identities ----------------------------------------------------------------------

    def identities(self) -> list[Identity]:
        """Oldest first; empty while locked."""
        if self.wallet.is_locked:
            return []
        return self.wallet.identities.all()

    def create_identity(self, method: str, alg: str, label: str) -> Identity:
        """Raises InvalidInput, VaultLocked."""
        identity = self.wallet.create_identity(method, alg, label)
        self.changed.emit()
        return identity

    def relabel_identity(self, did: str, label: str) -> Identity:
        """Raises RecordNotFound, InvalidInput."""
        identity = self.wallet.relabel_identity(did, label)
        self.changed.emit()
        return identity

    def delete_identity(self, did: str) -> None:
        """Raises RecordNotFound."""
        self.wallet.delete_identity(did)
        self.changed.emit()

    def bound_credentials(self, did: str) -> list[str]:
        return self.wallet.identities.bound_credentials(did)

    # --- credentials -----------------------------------------------------------------------

    def credentials(self) -> list[StoredCredential]:
        """Every stored credential; empty while locked."""
        if self.wallet.is_locked:
            return []
        return self.wallet.credentials.all()

    def import_credential(
        self,
        source: str | Path,
        on_done: Callable[[StoredCredential], object],
        on_error: Callable[[BaseException], object],
        on_finished: Callable[[], object] | None = None,
    ) -> TaskHandle:
        """Check and store a credential (its text, or a file to read) on a worker: the
        issuer's key may have to be fetched. ``on_error`` gets
        InvalidInput(not_bound_to_wallet | input_too_large | ...), VerificationError,
        ResolutionError, VaultLocked or OSError."""
        wallet = self.wallet

        def work() -> StoredCredential:
            text = read_credential_file(source) if isinstance(source, Path) else source
            return wallet.import_credential(text)

        def stored(credential: StoredCredential) -> None:
            self.changed.emit()
            on_done(credential)

        return self.run(work, on_result=stored, on_error=on_error, on_finished=on_finished)

    def delete_credential(self, credential_id: str) -> None:
        """Raises RecordNotFound."""
        self.wallet.delete_credential(credential_id)
        self.changed.emit()

    def present_credential(
        self,
        credential_id: str,
        paths: list[str],
        nonce: str,
        audience: str,
        on_done: Callable[[str], object],
        on_error: Callable[[BaseException], object],
        on_finished: Callable[[], object] | None = None,
        consent: str = "once",
    ) -> TaskHandle:
        """Build a presentation of exactly ``paths`` on a worker (the Wallet logs it and
        keeps a consent record for ``consent``, a duration). ``on_error`` gets
        InvalidInput, CryptoError, RecordNotFound, VaultLocked."""

        def present() -> str:
            return self.wallet.present_credential(
                credential_id, paths, nonce=nonce, audience=audience, consent=consent
            )

        def presented(text: str) -> None:
            self.changed.emit()
            on_done(text)

        return self.run(present, on_result=presented, on_error=on_error, on_finished=on_finished)

    # --- consents ----------------------------------------------------------------------------

    def consents(self) -> list[StoredConsent]:
        """Every consent, newest first, with its state now; empty while locked."""
        if self.wallet.is_locked:
            return []
        return self.wallet.consents()

    def withdraw_consent(self, consent_id: str) -> Withdrawal:
        """Sign and log the withdrawal (the same one again if it was already withdrawn).
        Raises InvalidInput(consent_expired), RecordNotFound, VaultLocked."""
        withdrawal = self.wallet.withdraw_consent(consent_id)
        self.changed.emit()
        return withdrawal

    # --- credential offers (OpenID4VCI) ------------------------------------------------------

    def describe_offer(
        self,
        offer_uri: str,
        on_done: Callable[[OfferSummary], object],
        on_error: Callable[[BaseException], object],
        on_finished: Callable[[], object] | None = None,
    ) -> TaskHandle:
        """Read an offer and its issuer's metadata on a worker (nothing is stored).
        ``on_error`` gets InvalidInput(invalid_offer | insecure_url) or IssuanceError."""
        return self.run(
            describe_offer, offer_uri, on_result=on_done, on_error=on_error,
            on_finished=on_finished,
        )

    def receive_offer(
        self,
        offer_uri: str,
        did: str,
        tx_code: str | None,
        on_done: Callable[[StoredCredential], object],
        on_error: Callable[[BaseException], object],
        on_finished: Callable[[], object] | None = None,
    ) -> TaskHandle:
        """Run the issuance flow on a worker and store the credential, bound to ``did``.
        ``on_error`` gets what :func:`core.oid4vci.receive` raises; nothing is stored then."""
        wallet = self.wallet

        def work() -> StoredCredential:
            return receive(wallet, offer_uri, tx_code=tx_code, did=did)

        def stored(credential: StoredCredential) -> None:
            self.changed.emit()
            on_done(credential)

        return self.run(work, on_result=stored, on_error=on_error, on_finished=on_finished)

    # --- preferences and this device -------------------------------------------------------

    @property
    def keyring_available(self) -> bool:
        """Whether the device key store can keep the vault key (never raises)."""
        try:
            return bool(self.context.key_store.available())
        except Exception:  # a broken backend must not break the window
            log.debug("device key store check failed", exc_info=True)
            return False

    def update_preferences(self, **changes: Any) -> Preferences:
        """Save changed preferences. Raises OSError when the file cannot be written."""
        self.preferences = self.preferences.with_changes(**changes)
        self._preferences_file.save(self.preferences)
        self.preferences_changed.emit()
        return self.preferences

    def set_remember_on_device(self, remember: bool) -> None:
        """Keep (or drop) the vault key in the device key store and save the choice.

        Raises VaultError(keyring_*) (nothing is saved then), VaultLocked.
        """
        if remember:
            self.wallet.remember_on_device(self.context.key_store)
        else:
            self.wallet.forget_on_device(self.context.key_store)
        self.changed.emit()
        self.update_preferences(remember_on_device=remember)

    def unlock_from_device(self) -> bool:
        """Try the key this device remembers, when the person chose that.

        Returns True when the wallet is now unlocked. Never raises: a keyring failure
        means the passphrase is asked for instead.
        """
        if not self.preferences.remember_on_device or not self.keyring_available:
            return False
        try:
            opened = self.wallet.unlock_from_device(self.context.key_store)
        except VaultError:
            log.info("the device key store could not unlock the wallet", exc_info=True)
            return False
        if opened:
            self.announce_unlocked()
        return opened
