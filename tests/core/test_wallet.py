"""The holder facade on a real vault file: create, recover, remember, back up, log."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InvalidInput, VaultError, WrongPassphrase
from core.vault.kdf import KdfParams
from core.vault.keystore import MemoryKeyStore
from core.wallet import Wallet

FAST = KdfParams.FAST_INSECURE
PASS = "correct horse battery staple"


def test_create_then_recover_gives_the_same_dids_in_order(tmp_path: Path) -> None:
    wallet, phrase = Wallet.create(tmp_path / "a", PASS, kdf=FAST)
    with wallet:
        wallet.create_identity()
        wallet.create_identity()
        original = [identity.did for identity in wallet.identities.all()]
    assert len(original) == 3 and len(set(original)) == 3
    with Wallet.recover(tmp_path / "b", "another passphrase", phrase, identities=3, kdf=FAST) as again:
        assert [identity.did for identity in again.identities.all()] == original


def test_bad_phrase_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        Wallet.recover(tmp_path / "v", PASS, "abandon " * 24, kdf=FAST)
    assert not (tmp_path / "v").exists()


def test_every_change_is_logged_and_the_log_verifies(tmp_path: Path) -> None:
    wallet, _ = Wallet.create(tmp_path, PASS, kdf=FAST)
    with wallet:
        identity = wallet.create_identity("jwk", "ES256", "Work")
        wallet.relabel_identity(identity.did, "Office")
        wallet.delete_identity(identity.did)
        kinds = [entry.kind for entry in wallet.ledger.entries()]
        assert kinds == ["wallet.created", "identity.created", "identity.created",
                         "identity.labelled", "identity.deleted"]
        report = wallet.ledger.verify()
        assert report.count == 5


def test_remember_on_device_unlocks_without_passphrase(tmp_path: Path) -> None:
    store = MemoryKeyStore()
    wallet, _ = Wallet.create(tmp_path, PASS, kdf=FAST)
    with wallet:
        wallet.remember_on_device(store)
    with Wallet.open(tmp_path) as reopened:
        assert reopened.is_locked
        assert reopened.unlock_from_device(store)
        assert len(reopened.identities.all()) == 1
        reopened.forget_on_device(store)
    with Wallet.open(tmp_path) as again:
        assert not again.unlock_from_device(store)
        assert again.is_locked


def test_change_passphrase_checks_the_current_one(tmp_path: Path) -> None:
    wallet, _ = Wallet.create(tmp_path, PASS, kdf=FAST)
    with wallet:
        with pytest.raises(WrongPassphrase):
            wallet.change_passphrase("not it", "new passphrase")
        wallet.change_passphrase(PASS, "new passphrase")
    with Wallet.open(tmp_path) as reopened:
        with pytest.raises(WrongPassphrase):
            reopened.unlock(PASS)
        reopened.unlock("new passphrase")


def test_importing_an_older_backup_never_reuses_a_key_index(tmp_path: Path) -> None:
    wallet, phrase = Wallet.create(tmp_path / "a", PASS, kdf=FAST)
    with wallet:
        for _ in range(3):
            wallet.create_identity()
        wallet.export_backup(tmp_path / "old.tessera", PASS, kdf=FAST)
        before = {identity.did for identity in wallet.identities.all()}
    with Wallet.recover(tmp_path / "b", PASS, phrase, identities=1, kdf=FAST) as restored:
        restored.import_backup(tmp_path / "old.tessera", PASS)
        fresh = restored.create_identity()
        assert fresh.did not in before
        assert fresh.index == 4
        assert {identity.did for identity in restored.identities.all()} == before | {fresh.did}


def test_backup_of_another_wallet_is_refused(tmp_path: Path) -> None:
    first, _ = Wallet.create(tmp_path / "a", PASS, kdf=FAST)
    with first:
        first.export_backup(tmp_path / "a.tessera", PASS, kdf=FAST)
    second, _ = Wallet.create(tmp_path / "b", PASS, kdf=FAST)
    with second, pytest.raises(VaultError) as info:
        second.import_backup(tmp_path / "a.tessera", PASS)
    assert info.value.code == "other_wallet"


def test_a_failure_while_creating_leaves_no_half_made_vault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.identity import Identities

    def fail(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Identities, "create", fail)
    with pytest.raises(KeyboardInterrupt):
        Wallet.create(tmp_path, PASS, kdf=FAST)
    assert not Wallet.exists(tmp_path)
    assert not any(tmp_path.glob("vault.sqlite3*"))
