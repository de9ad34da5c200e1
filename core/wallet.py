"""The holder facade that the GUI and the CLI drive: vault, seed, identities and the log.

Every change the person makes lands in the signed activity log in the same transaction.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import platformdirs

from core.clock import Clock, SystemClock
from core.consent import Consent, SharedCredential, Withdrawal, check_duration
from core.consents import ConsentStore, StoredConsent, granted_entry, withdrawn_entry
from core.credential_status import (
    CredentialStatus,
    CredentialStatuses,
    RandomSource,
    StatusChange,
    StatusOutcome,
    StatusSchedule,
    check_statuses,
)
from core.credentials import (
    Credentials,
    IssuerKeys,
    StoredCredential,
    import_verifier_factory,
)
from core.did.web import Fetcher
from core.errors import (
    BackupInvalid,
    CryptoError,
    InvalidInput,
    RecordNotFound,
    VaultError,
    WrongPassphrase,
)
from core.identity import COUNTER_KIND, Identities, Identity
from core.ledger import Entry, Ledger
from core.sdjwt.process import ClaimPath
from core.vault import backup
from core.vault.kdf import KdfParams
from core.vault.keystore import DeviceKeyStore
from core.vault.recovery import derive_log_key, new_recovery_phrase, seed_from_phrase
from core.vault.store import DB_NAME, LOCK_NAME, Vault

SEED_KIND = "seed"
SEED_ID = "master"
VAULT_ENV = "TESSERA_VAULT"


def default_vault_dir() -> Path:
    """``$TESSERA_VAULT`` if set, else the platform's per-user data directory."""
    override = os.environ.get(VAULT_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("Tessera", appauthor=False)) / "vault"


class Wallet:
    """An open wallet. Get one from :meth:`create`, :meth:`recover` or :meth:`open`."""

    def __init__(self, vault: Vault, clock: Clock) -> None:
        self.vault = vault
        self.clock = clock
        self.identities = Identities(vault, self.seed, clock)
        self.credentials = Credentials(
            vault, self.identities, clock, import_verifier_factory(clock)
        )
        self.statuses = CredentialStatuses(vault, self.credentials, clock)
        self._consents = ConsentStore(vault, self.identities, clock)

    # --- life cycle ------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        directory: Path,
        passphrase: str,
        *,
        kdf: KdfParams = KdfParams.MODERATE,
        clock: Clock | None = None,
    ) -> tuple[Wallet, str]:
        """Make a new wallet with a first identity (did:key, Ed25519).

        Returns the wallet (unlocked) and the recovery phrase, which is shown once and
        never stored. Raises VaultError(vault_exists), VaultBusy, InvalidInput.
        """
        phrase = new_recovery_phrase()

        def populate(wallet: Wallet) -> None:
            wallet.log("wallet.created", "Created this wallet.", {})
            wallet.create_identity()

        seed = seed_from_phrase(phrase)
        return cls._start(directory, passphrase, seed, kdf, clock, populate), phrase

    @classmethod
    def recover(
        cls,
        directory: Path,
        passphrase: str,
        phrase: str,
        *,
        identities: int = 1,
        kdf: KdfParams = KdfParams.MODERATE,
        clock: Clock | None = None,
    ) -> Wallet:
        """Rebuild a wallet from its recovery phrase, re-deriving the first ``identities``
        Ed25519 did:key identities in the order they were first made.

        Raises InvalidInput(invalid_recovery_phrase) before anything is written;
        VaultError(vault_exists).
        """
        if not 1 <= identities <= 1000:
            raise InvalidInput("restore between 1 and 1000 identities")
        seed = seed_from_phrase(phrase)

        def populate(wallet: Wallet) -> None:
            wallet.log("wallet.recovered", "Restored this wallet from its recovery phrase.", {})
            for _ in range(identities):
                wallet.create_identity()

        return cls._start(directory, passphrase, seed, kdf, clock, populate)

    @classmethod
    def _start(
        cls,
        directory: Path,
        passphrase: str,
        seed: bytes | None,
        kdf: KdfParams,
        clock: Clock | None,
        populate: Callable[[Wallet], None],
    ) -> Wallet:
        """Create the vault, store ``seed`` and ``populate`` it in one transaction; if any
        of it fails, remove the half-made vault files and re-raise."""
        vault = Vault.create(Path(directory), passphrase, kdf=kdf, clock=clock)
        wallet = cls(vault, clock or SystemClock())
        try:
            with vault.transaction():
                if seed is not None:
                    vault.put(SEED_KIND, SEED_ID, seed)
                populate(wallet)
        except BaseException:
            wallet.close()
            _discard_vault(Path(directory))
            raise
        return wallet

    @classmethod
    def open(cls, directory: Path, *, clock: Clock | None = None) -> Wallet:
        """Open an existing wallet, locked. Raises what :meth:`Vault.open` raises."""
        return cls(Vault.open(Path(directory), clock=clock), clock or SystemClock())

    @staticmethod
    def exists(directory: Path) -> bool:
        return Vault.exists(Path(directory))

    def close(self) -> None:
        self.vault.close()

    def __enter__(self) -> Wallet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- locking ---------------------------------------------------------------------

    @property
    def is_locked(self) -> bool:
        return self.vault.is_locked

    def derive_kek(self, passphrase: str) -> bytes:
        """The slow Argon2id step of unlocking, safe to run on a worker thread."""
        return self.vault.derive_kek(passphrase)

    def unlock(self, passphrase: str) -> None:
        """Raises WrongPassphrase."""
        self.vault.unlock(passphrase)

    def unlock_with_kek(self, kek: bytes) -> None:
        """Finish an unlock whose Argon2id step ran elsewhere. Raises WrongPassphrase."""
        self.vault.unlock_with_kek(kek)

    def lock(self) -> None:
        self.vault.lock()

    def remember_on_device(self, store: DeviceKeyStore) -> None:
        """Keep the data key in the OS keyring. Raises VaultLocked, VaultError(keyring_*)."""
        store.save(self.vault.vault_id, self.vault.data_key())
        self.log("device.remembered", f"Remembered on this device ({store.description}).", {})

    def forget_on_device(self, store: DeviceKeyStore) -> None:
        """Remove the data key from the OS keyring. Raises VaultError(keyring_*)."""
        store.forget(self.vault.vault_id)
        if not self.is_locked:
            self.log("device.forgotten", "No longer remembered on this device.", {})

    def unlock_from_device(self, store: DeviceKeyStore) -> bool:
        """Unlock with a key the OS keyring remembers; False if it has none (or a stale one).

        Raises VaultError(keyring_*) if the keyring itself fails.
        """
        key = store.load(self.vault.vault_id)
        if key is None:
            return False
        try:
            self.vault.unlock_with_data_key(key)
        except WrongPassphrase:
            return False
        return True

    def change_passphrase(self, current: str, new: str, *, kdf: KdfParams | None = None) -> None:
        """Check ``current``, then re-wrap the data key under ``new``.

        Raises WrongPassphrase, VaultLocked, InvalidInput.
        """
        self.vault.unlock(current)
        self.vault.change_passphrase(new, kdf=kdf)
        self.log("passphrase.changed", "Changed the passphrase.", {})

    # --- secrets and the log ---------------------------------------------------------

    def seed(self) -> bytes:
        """The 64-byte master seed. Secret. Raises VaultLocked, VaultError(damaged)."""
        try:
            return self.vault.get(SEED_KIND, SEED_ID).data
        except RecordNotFound as exc:
            raise VaultError("this vault has no master seed", code="damaged") from exc

    @property
    def ledger(self) -> Ledger:
        return Ledger(self.vault, derive_log_key(self.seed()), self.clock)

    def log(self, kind: str, summary: str, details: dict[str, Any]) -> Entry:
        """Append a signed entry to the activity log. Raises VaultLocked."""
        return self.ledger.append(kind, summary, details)

    # --- identities ------------------------------------------------------------------

    def create_identity(self, method: str = "key", alg: str = "EdDSA", label: str = "") -> Identity:
        """Create and log a new identity. Raises InvalidInput, VaultLocked."""
        with self.vault.transaction():
            identity = self.identities.create(method, alg, label)
            self.log(
                "identity.created",
                f"Created the identity {identity.label or identity.did}.",
                {"did": identity.did, "method": method, "alg": alg},
            )
        return identity

    def relabel_identity(self, did: str, label: str) -> Identity:
        """Raises RecordNotFound, InvalidInput."""
        with self.vault.transaction():
            identity = self.identities.relabel(did, label)
            self.log("identity.labelled", f"Named an identity {identity.label!r}.", {"did": did})
        return identity

    def delete_identity(self, did: str) -> None:
        """Forget an identity (ask first: see ``identities.bound_credentials``).

        Raises RecordNotFound.
        """
        with self.vault.transaction():
            self.identities.delete(did)
            self.log("identity.deleted", "Deleted an identity.", {"did": did})

    # --- credentials -----------------------------------------------------------------
    #
    # The log says THAT something happened and with whom (credential id, type, issuer,
    # audience, the NAMES of disclosed claims), never claim values: it is kept forever,
    # exported and backed up, and must not become a second copy of personal data.

    def import_credential(
        self, text: str, *, issuer_keys: IssuerKeys | None = None
    ) -> StoredCredential:
        """Check a credential and store it, logged; the same one again returns the stored
        copy and logs nothing. Nothing is stored when a check fails.

        SD-JWT VCs and W3C credentials (``jwt_vc_json``, ``ldp_vc``) are told apart by
        their text. Raises VerificationError (its code), InvalidInput(not_bound_to_wallet |
        unsupported_format), VaultLocked.
        """
        existing = self.credentials.find(text)
        if existing is not None:
            return existing
        # Verification may fetch keys: do it before the write transaction starts.
        credential = self.credentials.check(text, issuer_keys=issuer_keys)
        with self.vault.transaction():
            existing = self.credentials.find(credential.text)
            if existing is not None:  # imported meanwhile (by another wallet object)
                return existing
            self.credentials.store(credential)
            summary = f"Imported a credential ({credential.kind or 'untyped'})."
            details: dict[str, Any] = {
                "id": credential.id,
                "vct": credential.vct,
                "issuer": credential.issuer,
                "holder_did": credential.holder_did,
            }
            if credential.shared_whole:
                details.update(format=credential.format, types=list(credential.types))
                if credential.holder_did is None:
                    summary += (" It is about none of your identities, so it can be kept and "
                                "shown but not presented.")
            elif credential.holder_did is None:
                summary += " It is not bound to a key: anyone holding it can present it."
            self.log("credential.imported", summary, details)
        return credential

    def delete_credential(self, credential_id: str) -> StoredCredential:
        """Delete a credential (by id or unique prefix), logged; returns what was deleted.

        Raises RecordNotFound, InvalidInput(ambiguous_id), VaultLocked.
        """
        with self.vault.transaction():
            credential = self.credentials.delete(credential_id)
            self.statuses.forget(credential.id)
            self.log(
                "credential.deleted",
                f"Deleted a credential ({credential.vct or 'untyped'}).",
                {"id": credential.id, "vct": credential.vct, "issuer": credential.issuer},
            )
        return credential

    def present_credential(
        self,
        credential_id: str,
        paths: Iterable[ClaimPath | str],
        *,
        nonce: str,
        audience: str,
        transaction_data: Sequence[str] = (),
        consent: str | None = None,
    ) -> str:
        """Build a presentation of exactly ``paths`` for ``audience``, logged (the claim
        names, not their values). A W3C credential is presented whole, with no ``paths``.
        With ``consent`` (a duration of :data:`core.consent.DURATIONS`), a signed consent
        record naming ``audience`` and the disclosed claims is kept in the same transaction
        (OpenID4VP answers record theirs in :func:`core.oid4vp.build_response` instead).

        Raises RecordNotFound, InvalidInput (unknown path, empty nonce or audience,
        ambiguous_id, unknown duration; for W3C: shared_whole, unbound_credential,
        unsupported_format), CryptoError, VaultLocked.
        """
        if consent is not None:
            check_duration(consent)
        with self.vault.transaction():
            presented = self.credentials.presentation(
                credential_id,
                paths,
                nonce=nonce,
                audience=audience,
                transaction_data=transaction_data,
            )
            credential = presented.credential
            details: dict[str, Any] = {
                "id": credential.id,
                "vct": credential.vct,
                "issuer": credential.issuer,
                "audience": audience,
                "disclosed": list(presented.disclosed),
                "transaction_data": len(transaction_data),
            }
            summary = f"Presented a credential ({credential.kind or 'untyped'}) to {audience}."
            if credential.shared_whole:
                details.update(format=credential.format, shared_whole=True)
                summary = summary.removesuffix(".") + ", whole."
            self.log("credential.presented", summary, details)
            if consent is not None:
                shared = SharedCredential(
                    credential.id, credential.vct, credential.issuer, presented.disclosed
                )
                self.record_consent(
                    credential.holder_did, audience, None, False, None, [shared], consent
                )
        return presented.text

    # --- credential status (core.credential_status) -------------------------------------

    def record_credential_status(
        self,
        outcomes: Iterable[StatusOutcome],
        *,
        rng: RandomSource | None = None,
        schedule: StatusSchedule | None = None,
    ) -> list[StatusChange]:
        """Store what :func:`check_statuses` found and log each change of state (names
        and states, never claim values), in one transaction. Raises VaultLocked."""
        with self.vault.transaction():
            changes = self.statuses.record(
                outcomes, rng=rng or secrets.SystemRandom(), schedule=schedule or StatusSchedule()
            )
            for change in changes:
                self.log("credential.status_changed", change.summary, change.details())
        return changes

    def refresh_credential_status(
        self,
        credential_ids: Iterable[str] | None = None,
        *,
        due_only: bool = False,
        fetcher: Fetcher | None = None,
        rng: RandomSource | None = None,
        schedule: StatusSchedule | None = None,
    ) -> list[CredentialStatus]:
        """Check the status of the named credentials (default: all; ``due_only``: those
        whose check has come) now, over the network, and store the outcomes.

        A list that cannot be had is stored as ``unavailable`` with its error code, not
        raised. Raises RecordNotFound, InvalidInput(ambiguous_id), VaultLocked.
        """
        checks = self.statuses.plan(credential_ids, due_only=due_only)
        outcomes = check_statuses(checks, clock=self.clock, fetcher=fetcher)
        self.record_credential_status(outcomes, rng=rng, schedule=schedule)
        found = (self.statuses.get(check.credential_id) for check in checks)
        return [status for status in found if status is not None]

    # --- consents (core.consents) -------------------------------------------------------

    def record_consent(
        self,
        holder_did: str | None,
        verifier: str,
        verifier_name: str | None,
        verified: bool,
        purpose: str | None,
        shared: Sequence[SharedCredential],
        duration: str,
    ) -> Consent:
        """Sign a consent record with ``holder_did``'s key (None, for a credential bound
        to no key: the wallet's first identity), store it and log ``consent.granted``
        (claim names, never values), in one transaction.

        Raises InvalidInput (unknown duration, nothing shared), RecordNotFound (no such
        identity, or none at all), VaultLocked.
        """
        with self.vault.transaction():
            consent = self._consents.create(
                holder_did, verifier, verifier_name, verified, purpose, shared, duration
            )
            self.log("consent.granted", *granted_entry(consent))
        return consent

    def withdraw_consent(self, consent_id: str) -> Withdrawal:
        """Sign, store and log (``consent.withdrawn``) the withdrawal of a consent named by
        its id or a unique prefix; one already withdrawn returns its withdrawal, logging
        nothing.

        Raises InvalidInput(consent_expired | ambiguous_id), RecordNotFound,
        RecordDamaged, VaultLocked.
        """
        with self.vault.transaction():
            stored = self._consents.get(consent_id)
            if stored.withdrawal is not None:
                return stored.withdrawal
            withdrawal = self._consents.withdraw(stored)
            self.log("consent.withdrawn", *withdrawn_entry(stored.consent, withdrawal))
        return withdrawal

    def consents(self) -> list[StoredConsent]:
        """Every consent, newest first, with its state at the wallet's clock. Raises
        VaultLocked."""
        return self._consents.all()

    def consent(self, consent_id: str) -> StoredConsent:
        """One consent by id or unique prefix. Raises RecordNotFound,
        InvalidInput(ambiguous_id), RecordDamaged, VaultLocked."""
        return self._consents.get(consent_id)

    # --- backups ---------------------------------------------------------------------

    def export_backup(
        self, path: Path, passphrase: str, *, kdf: KdfParams = KdfParams.MODERATE
    ) -> backup.BackupSummary:
        """Write an encrypted backup of everything. Raises VaultLocked, OSError wrapped as
        VaultError(io_error)."""
        try:
            # One transaction: the backup holds its own log entry, and a failed write
            # leaves no entry claiming an export happened.
            with self.vault.transaction():
                self.log("backup.exported", "Exported a backup.", {"file": Path(path).name})
                return backup.export_backup(self.vault, Path(path), passphrase, kdf=kdf)
        except OSError as exc:
            raise VaultError(
                f"the backup could not be written: {exc.strerror}", code="io_error"
            ) from exc

    def import_backup(self, path: Path, passphrase: str) -> backup.ImportSummary:
        """Merge a backup into this wallet. Raises WrongPassphrase, BackupInvalid,
        UnsupportedVersion, VaultError(other_wallet)."""
        contents = _read_backup(path, passphrase)
        with self.vault.transaction():
            summary = backup.import_backup(self.vault, contents, merge=MERGE_RULES)
            self.log("backup.imported", "Imported a backup.", {"file": Path(path).name})
        return summary

    @classmethod
    def restore_backup(
        cls,
        directory: Path,
        passphrase: str,
        path: Path,
        backup_passphrase: str,
        *,
        kdf: KdfParams = KdfParams.MODERATE,
        clock: Clock | None = None,
    ) -> tuple[Wallet, backup.ImportSummary]:
        """Make a new wallet in ``directory`` (protected by ``passphrase``) from a backup.

        The backup is read and checked, and must hold a recovery seed, before anything is
        written. Raises WrongPassphrase (for the backup), BackupInvalid, UnsupportedVersion,
        VaultError(vault_exists | io_error), VaultBusy, InvalidInput.
        """
        if cls.exists(directory):
            raise VaultError(f"a vault already exists in {directory}", code="vault_exists")
        contents = _read_backup(path, backup_passphrase)
        if not any(record.kind == SEED_KIND for record in contents.records):
            raise BackupInvalid("this backup holds no recovery seed, so it cannot make a wallet")
        summaries: list[backup.ImportSummary] = []

        def populate(wallet: Wallet) -> None:
            summaries.append(backup.import_backup(wallet.vault, contents, merge=MERGE_RULES))
            wallet.log(
                "backup.restored", "Restored this wallet from a backup.", {"file": Path(path).name}
            )

        return cls._start(directory, passphrase, None, kdf, clock, populate), summaries[0]


def _highest_counters(ours: bytes, theirs: bytes) -> bytes:
    """Identity counters only move forward, so no restored key index is handed out twice."""
    mine, other = json.loads(ours), json.loads(theirs)
    merged = {alg: max(int(mine.get(alg, 0)), int(other.get(alg, 0))) for alg in {*mine, *other}}
    return json.dumps(merged, separators=(",", ":"), sort_keys=True).encode("utf-8")


#: Kinds whose records merge by a rule of their own when a backup is imported.
MERGE_RULES = {COUNTER_KIND: _highest_counters}


def _read_backup(path: Path, passphrase: str) -> backup.BackupContents:
    """Raises WrongPassphrase, BackupInvalid, UnsupportedVersion, VaultError(io_error)."""
    try:
        return backup.read_backup(Path(path), passphrase)
    except OSError as exc:
        raise VaultError(
            f"the backup could not be read: {exc.strerror or exc}", code="io_error"
        ) from exc
    except CryptoError as exc:  # pragma: no cover - read_backup types its own errors
        raise BackupInvalid(str(exc)) from exc


def _discard_vault(directory: Path) -> None:
    """Remove the files of a vault this process has just created and closed."""
    for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", LOCK_NAME):
        (directory / name).unlink(missing_ok=True)
