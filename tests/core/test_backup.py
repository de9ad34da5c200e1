"""Encrypted backups: round trips, merging, wrong passphrases, damage, versions, the log."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.clock import FixedClock
from core.encoding import b64url_encode, canonical_json
from core.errors import (
    BackupInvalid,
    RecordDamaged,
    UnsupportedVersion,
    VaultError,
    VaultLocked,
    WrongPassphrase,
)
from core.keys import Ed25519PrivateKey
from core.ledger import ARCHIVE_KIND, LOG_KIND, Ledger
from core.vault import aead
from core.vault import backup as backup_module
from core.vault.backup import (
    MAGIC,
    BackupContents,
    export_backup,
    import_backup,
    parse_backup,
    read_backup,
)
from core.vault.kdf import KdfParams, derive_key
from core.vault.store import DB_NAME, Vault

FAST = KdfParams.FAST_INSECURE
VAULT_PASS = "vault pass phrase"
BACKUP_PASS = "backup: tiger lily 7"
SEED = bytes(range(64))
OTHER_SEED = bytes(range(1, 65))
PRIVATE_KEY = bytes(range(100, 132))
LOG_KEY = Ed25519PrivateKey(hashlib.sha256(SEED).digest())


class Stepper(FixedClock):
    """A clock that moves one second each time it is read: every write gets its own time."""

    def now(self) -> float:
        self.at += 1.0
        return self.at


def new_vault(directory: Path, start: float = 1_000_000.0) -> Vault:
    return Vault.create(directory, VAULT_PASS, kdf=FAST, clock=Stepper(start))


def fill(vault: Vault, seed: bytes = SEED, log_entries: int = 5) -> Ledger:
    """A wallet-like vault: seed, identities, credentials, a private key and a log."""
    vault.put("seed", "master", seed)
    vault.put("key", "k1", PRIVATE_KEY)
    for n in range(3):
        vault.put_json("identity", f"did:key:z{n}", {"index": n, "label": f"Identity {n}"})
        vault.put_json("credential", f"c{n}", {"vct": "PID", "n": n})
    ledger = Ledger(vault, LOG_KEY, Stepper(1_700_000_000.0))
    for n in range(log_entries):
        ledger.append("test.event", f"Event {n}.", {"n": n})
    return ledger


def records_digest(vault: Vault) -> str:
    """Digest of every decrypted record with its times."""
    h = hashlib.sha256()
    for kind in vault.kinds():
        good, damaged = vault.list_records(kind)
        assert not damaged
        for r in sorted(good, key=lambda r: r.id):
            h.update(canonical_json([r.kind, r.id, r.created_at, r.updated_at,
                                     b64url_encode(r.data)]))
    return h.hexdigest()


def raw_digest(vault: Vault) -> str:
    """Digest of the stored rows, byte for byte, read through a second connection."""
    db = sqlite3.connect(vault.directory / DB_NAME)
    try:
        rows = db.execute("SELECT kind, id, created_at, updated_at, sealed FROM records"
                          " ORDER BY kind, id").fetchall()
    finally:
        db.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Vault]:
    with new_vault(tmp_path / "source") as v:
        fill(v)
        yield v


@pytest.fixture
def backup_file(source: Vault, tmp_path: Path) -> Path:
    path = tmp_path / "wallet.tessera-backup"
    export_backup(source, path, BACKUP_PASS, kdf=FAST, clock=FixedClock(1_800_000_000.0))
    return path


# --- round trips ------------------------------------------------------------------------


def test_round_trip_into_a_new_vault(source: Vault, backup_file: Path, tmp_path: Path) -> None:
    count = sum(len(source.ids(k)) for k in source.kinds())
    counted = count - 1  # the log head record moves with the log and is not counted
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
    assert [p.name for p in backup_file.parent.iterdir() if p.suffix == ".tmp"] == []
    contents = read_backup(backup_file, BACKUP_PASS)
    assert contents.created_at == "2027-01-15T08:00:00.000Z" and len(contents.records) == count
    with new_vault(tmp_path / "new") as target:
        summary = import_backup(target, contents)
        assert (summary.added, summary.skipped, summary.updated, summary.archived) == (
            counted, 0, 0, 0)
        assert summary.log == "extended"
        assert records_digest(target) == records_digest(source)
        assert Ledger(target, LOG_KEY, FixedClock(0)).verify().count == 5
        again = import_backup(target, read_backup(backup_file, BACKUP_PASS))
        assert (again.added, again.skipped, again.updated, again.log) == (0, counted, 0, "same")
        assert records_digest(target) == records_digest(source)


def test_merge_into_an_existing_vault(source: Vault, tmp_path: Path) -> None:
    with new_vault(tmp_path / "mine", start=2_000_000.0) as mine:
        import_backup(mine, _contents(source, tmp_path / "b0"))
        # Diverge: the source changes c0 later, mine changes c1 later; each adds one.
        source.put_json("credential", "c0", {"vct": "PID", "n": 0, "renewed": True})
        source.put_json("credential", "c9", {"vct": "new in source"})
        mine.put_json("credential", "c1", {"vct": "PID", "n": 1, "mine": True})
        mine.put_json("credential", "c8", {"vct": "new in mine"})
        source_c1_time = source.get("credential", "c1").updated_at
        mine.put("credential", "c0", source.get("credential", "c1").data, updated_at=1.0)
        summary = import_backup(mine, _contents(source, tmp_path / "b1"))
        assert (summary.added, summary.updated, summary.kept_local) == (1, 1, 1)
        assert mine.get("credential", "c0").json()["renewed"] is True
        assert mine.get("credential", "c1").json()["mine"] is True
        assert mine.get("credential", "c1").updated_at > source_c1_time
        assert mine.ids("credential") == ["c0", "c1", "c2", "c8", "c9"]
        before = records_digest(mine)
        again = import_backup(mine, _contents(source, tmp_path / "b2"))
        assert (again.added, again.updated, again.archived) == (0, 0, 0)
        assert records_digest(mine) == before


def test_a_kind_can_have_its_own_merge_rule(source: Vault, tmp_path: Path) -> None:
    source.put_json("identity-counter", "next", {"EdDSA": 5})
    with new_vault(tmp_path / "mine", start=9_000_000.0) as mine:
        mine.put("seed", "master", SEED)
        mine.put_json("identity-counter", "next", {"EdDSA": 2})  # newer, but lower

        def highest(ours: bytes, theirs: bytes) -> bytes:
            a, b = json.loads(ours), json.loads(theirs)
            merged = {k: max(a.get(k, 0), b.get(k, 0)) for k in {*a, *b}}
            return json.dumps(merged, separators=(",", ":")).encode()

        summary = import_backup(mine, _contents(source, tmp_path / "b"),
                                merge={"identity-counter": highest})
        assert mine.get("identity-counter", "next").json() == {"EdDSA": 5}
        assert summary.updated == 1


def _contents(vault: Vault, path: Path) -> BackupContents:
    export_backup(vault, path, BACKUP_PASS, kdf=FAST)
    return read_backup(path, BACKUP_PASS)


# --- refusals ---------------------------------------------------------------------------


def test_wrong_passphrase(backup_file: Path) -> None:
    with pytest.raises(WrongPassphrase):
        read_backup(backup_file, "not the passphrase")


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Vault]:
    with new_vault(tmp_path / "target", start=5_000_000.0) as v:
        fill(v, log_entries=2)
        v.put_json("credential", "only-here", {"x": 1})
        yield v


def _attempt(data: bytes, target: Vault) -> type[Exception]:
    before = (records_digest(target), raw_digest(target))
    try:
        import_backup(target, parse_backup(data, BACKUP_PASS))
    except (BackupInvalid, WrongPassphrase) as exc:
        outcome: type[Exception] = type(exc)
    else:
        pytest.fail("a damaged backup was accepted")
    assert (records_digest(target), raw_digest(target)) == before
    return outcome


def test_every_truncation_is_refused(backup_file: Path, target: Vault) -> None:
    data = backup_file.read_bytes()
    lengths = sorted({*(len(data) * i // 20 for i in range(20)), len(MAGIC),
                      data.index(b"\n", len(MAGIC)) + 1, len(data) - 1, len(data) - 16})
    assert len(lengths) >= 20
    for length in lengths:
        assert _attempt(data[:length], target) is BackupInvalid, length


def test_flipped_bytes_are_refused(backup_file: Path, target: Vault) -> None:
    data = backup_file.read_bytes()
    header_end = data.index(b"\n", len(MAGIC)) + 1
    check_at = data.index(b'"check":"') + len('"check":"')
    positions = (
        [0, 5, len(MAGIC) - 1]  # magic
        + [len(MAGIC) + (header_end - len(MAGIC)) * i // 8 for i in range(8)]  # header
        + [check_at + i for i in range(0, 20, 4)]  # the key-check value
        + [header_end + (len(data) - header_end) * i // 13 for i in range(13)]  # payload
        + [len(data) - 1]  # last tag byte
    )
    assert len(positions) == 30
    outcomes = []
    for position in positions:
        flipped = bytearray(data)
        flipped[position] ^= 0x01
        outcomes.append(_attempt(bytes(flipped), target))
    assert outcomes[:3] == [BackupInvalid] * 3  # not a backup
    assert outcomes[-14:] == [BackupInvalid] * 14  # the payload is authenticated
    assert WrongPassphrase in outcomes[11:16]  # a changed check reads as a wrong passphrase


def _with_header(data: bytes, **changes: Any) -> bytes:
    end = data.index(b"\n", len(MAGIC))
    header = json.loads(data[len(MAGIC):end])
    header.update(changes)
    return MAGIC + json.dumps(header).encode() + data[end:]


@pytest.mark.parametrize(("change", "error"), [
    ({"format": 2}, UnsupportedVersion),
    ({"format": 99, "kdf": "something new"}, UnsupportedVersion),
    ({"format": 0}, BackupInvalid),
    ({"format": "1"}, BackupInvalid),
    ({"format": True}, BackupInvalid),
    ({"records": 9}, BackupInvalid),
    ({"extra": 1}, BackupInvalid),
    ({"salt": "AAAA"}, BackupInvalid),
    ({"created_at": "yesterday"}, BackupInvalid),
    ({"kdf": {"alg": "scrypt", "opslimit": 1, "memlimit": 8192}}, BackupInvalid),
    ({"kdf": {"alg": "argon2id13", "opslimit": 1000, "memlimit": 8192}}, BackupInvalid),
])
def test_header_versions_and_damage(backup_file: Path, change: dict[str, Any],
                                    error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_backup(_with_header(backup_file.read_bytes(), **change), BACKUP_PASS)


def test_not_a_backup_and_size_cap(backup_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for data in (b"", b"PK\x03\x04", b"TESSERA-BACKUP\n" + b" " * 5000):
        with pytest.raises(BackupInvalid):
            parse_backup(data, BACKUP_PASS)
    monkeypatch.setattr(backup_module, "MAX_BACKUP_BYTES", 100)
    with pytest.raises(BackupInvalid):
        read_backup(backup_file, BACKUP_PASS)


def _sealed(payload: Any, count: int) -> bytes:
    """An authentic backup around an arbitrary payload (as a buggy writer would make)."""
    salt = bytes(16)
    header = {"format": 1, "kdf": FAST.to_json(), "salt": b64url_encode(salt),
              "created_at": "2027-01-15T08:00:00.000Z", "records": count}
    payload_key, check = backup_module._subkeys(derive_key(BACKUP_PASS, salt, FAST))
    header["check"] = b64url_encode(check)
    associated = MAGIC + canonical_json(header) + b"\n"
    return associated + aead.seal(payload_key, json.dumps(payload).encode(), associated)


GOOD_RECORD = {"kind": "k", "id": "1", "created_at": 1.0, "updated_at": 2.0, "data": "AA"}


@pytest.mark.parametrize(("payload", "count", "valid"), [
    ({"records": []}, 0, True),
    ({"records": [GOOD_RECORD]}, 1, True),
    ({"records": [GOOD_RECORD, GOOD_RECORD]}, 2, False),
    ({"records": [GOOD_RECORD]}, 2, False),
    ({"records": [{**GOOD_RECORD, "data": "A="}]}, 1, False),
    ({"records": [{**GOOD_RECORD, "data": 5}]}, 1, False),
    ({"records": [{**GOOD_RECORD, "kind": ""}]}, 1, False),
    ({"records": [{**GOOD_RECORD, "id": 5}]}, 1, False),
    ({"records": [{**GOOD_RECORD, "updated_at": -1}]}, 1, False),
    ({"records": [{**GOOD_RECORD, "created_at": True}]}, 1, False),
    ({"records": [{**GOOD_RECORD, "extra": 1}]}, 1, False),
    ({"records": [GOOD_RECORD], "more": 1}, 1, False),
    ({"records": {}}, 0, False),
    ([], 0, False),
])
def test_payload_is_checked_even_when_authentic(payload: Any, count: int, valid: bool) -> None:
    data = _sealed(payload, count)
    if valid:
        assert len(parse_backup(data, BACKUP_PASS).records) == count
        return
    with pytest.raises(BackupInvalid):
        parse_backup(data, BACKUP_PASS)


def test_another_wallets_backup_is_refused_untouched(backup_file: Path, tmp_path: Path) -> None:
    with new_vault(tmp_path / "other") as other:
        fill(other, seed=OTHER_SEED)
        before = (records_digest(other), raw_digest(other))
        with pytest.raises(VaultError) as caught:
            import_backup(other, read_backup(backup_file, BACKUP_PASS))
        assert caught.value.code == "other_wallet"
        assert (records_digest(other), raw_digest(other)) == before


def test_import_needs_an_unlocked_vault(backup_file: Path, target: Vault) -> None:
    contents = read_backup(backup_file, BACKUP_PASS)
    target.lock()
    with pytest.raises(VaultLocked):
        import_backup(target, contents)


def test_a_damaged_record_stops_the_export(source: Vault, tmp_path: Path) -> None:
    db = sqlite3.connect(source.directory / DB_NAME, isolation_level=None)
    try:
        (blob,) = db.execute("SELECT sealed FROM records WHERE kind='credential' AND id='c1'").fetchone()
        damaged = bytes([blob[0] ^ 1]) + blob[1:]
        db.execute("UPDATE records SET sealed=? WHERE kind='credential' AND id='c1'", (damaged,))
    finally:
        db.close()
    path = tmp_path / "out.backup"
    with pytest.raises(RecordDamaged) as caught:
        export_backup(source, path, BACKUP_PASS, kdf=FAST)
    assert (caught.value.kind, caught.value.record_id) == ("credential", "c1")
    assert list(tmp_path.glob("*out.backup*")) == []


def test_export_replaces_a_file_atomically_and_cleans_up(source: Vault, tmp_path: Path) -> None:
    path = tmp_path / "b"
    path.write_bytes(b"old")
    summary = export_backup(source, path, BACKUP_PASS, kdf=FAST)
    assert summary.size == path.stat().st_size and summary.kinds["credential"] == 3
    assert read_backup(path, BACKUP_PASS).records
    with pytest.raises(OSError):
        export_backup(source, tmp_path / "missing" / "b", BACKUP_PASS, kdf=FAST)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b", "source"]


def test_at_rest_no_secret_in_the_file(backup_file: Path) -> None:
    raw = backup_file.read_bytes()
    for secret in (SEED, PRIVATE_KEY, LOG_KEY.seed(), BACKUP_PASS.encode(), VAULT_PASS.encode()):
        for form in (secret, secret.hex().encode(), b64url_encode(secret).encode()):
            assert form not in raw
    contents = read_backup(backup_file, BACKUP_PASS)
    assert "\\x00\\x01" not in repr(contents) and SEED.hex() not in repr(contents)


# --- the activity log -------------------------------------------------------------------


@pytest.fixture
def logs(source: Vault, tmp_path: Path) -> tuple[Vault, BackupContents, BackupContents]:
    """(source with 8 entries, backup at 5 entries, backup at 8 entries)."""
    early = _contents(source, tmp_path / "early")
    ledger = Ledger(source, LOG_KEY, Stepper(1_700_001_000.0))
    for n in range(3):
        ledger.append("test.later", f"Later {n}.", {})
    return source, early, _contents(source, tmp_path / "late")


def test_log_backup_is_a_prefix_of_the_vault(logs: tuple[Vault, BackupContents, BackupContents]) -> None:
    source, early, _ = logs
    before = records_digest(source)
    summary = import_backup(source, early)
    assert (summary.log, summary.archived) == ("same", 0)
    assert records_digest(source) == before


def test_log_vault_is_a_prefix_of_the_backup(logs: tuple[Vault, BackupContents, BackupContents],
                                             tmp_path: Path) -> None:
    _, early, late = logs
    with new_vault(tmp_path / "restored") as restored:
        import_backup(restored, early)
        summary = import_backup(restored, late)
        assert (summary.log, summary.added, summary.archived) == ("extended", 3, 0)
        ledger = Ledger(restored, LOG_KEY, FixedClock(1_800_000_000.0))
        assert ledger.verify().count == 8
        ledger.append("test.after", "Still appendable.", {})
        assert ledger.verify().count == 9


def test_diverged_logs_keep_the_vault_and_archive_the_backup(
    logs: tuple[Vault, BackupContents, BackupContents], tmp_path: Path
) -> None:
    _, early, late = logs
    with new_vault(tmp_path / "restored") as restored:
        import_backup(restored, early)
        ledger = Ledger(restored, LOG_KEY, Stepper(1_750_000_000.0))
        ledger.append("test.elsewhere", "Happened on this device.", {})
        mine = [e.hash() for e in ledger.entries()]
        summary = import_backup(restored, late)
        assert (summary.log, summary.archived) == ("diverged", 8)
        assert [e.hash() for e in ledger.entries()] == mine and ledger.verify().count == 6
        archive = restored.ids(ARCHIVE_KIND)
        assert len(archive) == 9 and archive[0] == f"{late.created_at}:000000000000"
        assert f"{late.created_at}:head" in archive
        again = import_backup(restored, late)
        assert (again.log, again.archived, again.added) == ("diverged", 0, 0)
        assert restored.ids(LOG_KIND) == [f"{n:012d}" for n in range(6)]
