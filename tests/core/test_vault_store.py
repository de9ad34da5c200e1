"""The vault store, case by case: opening, unlocking, records, transactions, passphrase
changes, tampering on disk, format versions and damaged files."""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.clock import FixedClock
from core.errors import (
    InvalidInput,
    RecordDamaged,
    RecordNotFound,
    UnsupportedVersion,
    VaultBusy,
    VaultError,
    VaultLocked,
    WrongPassphrase,
)
from core.vault import DamagedRecord, KdfParams, Vault
from core.vault import store as store_module
from core.vault.store import DB_NAME, MIGRATIONS, SCHEMA_VERSION

FAST = KdfParams.FAST_INSECURE
PASSPHRASE = "correct horse battery staple"
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    with Vault.create(tmp_path, PASSPHRASE, kdf=FAST, clock=FixedClock(1_000.0)) as v:
        yield v


def make_vault(directory: Path, records: dict[tuple[str, str], Any]) -> None:
    """A closed vault in ``directory`` holding ``records`` (as JSON)."""
    with Vault.create(directory, PASSPHRASE, kdf=FAST) as v:
        for (kind, record_id), value in records.items():
            v.put_json(kind, record_id, value)


def sql(directory: Path, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Run SQL on the vault file directly, as damage on disk would."""
    db = sqlite3.connect(directory / DB_NAME, isolation_level=None)
    try:
        return db.execute(statement, params).fetchall()
    finally:
        db.close()


def sealed_blobs(directory: Path) -> dict[tuple[str, str], bytes]:
    return {(k, i): s for k, i, s in sql(directory, "SELECT kind, id, sealed FROM records")}


def reopen(directory: Path, passphrase: str = PASSPHRASE) -> Vault:
    v = Vault.open(directory)
    v.unlock(passphrase)
    return v


# --- creating, opening, unlocking ---------------------------------------------------------


def test_create_gives_an_unlocked_vault_that_reopens_locked(tmp_path: Path) -> None:
    with Vault.create(tmp_path, PASSPHRASE, kdf=FAST) as v:
        assert not v.is_locked
        v.put_json("note", "a", {"n": 1})
        vault_id = v.vault_id
        assert v.kdf_params == FAST
    assert Vault.exists(tmp_path)
    with Vault.open(tmp_path) as v:
        assert v.is_locked and v.vault_id == vault_id
        assert v.ids("note") == ["a"]  # ids are readable without the key
        with pytest.raises(VaultLocked):
            v.get("note", "a")
        v.unlock(PASSPHRASE)
        assert v.get("note", "a").json() == {"n": 1}
        v.lock()
        for locked_call in (
            lambda: v.get("note", "a"),
            lambda: v.put("note", "b", b"x"),
            lambda: v.list_records("note"),
            lambda: v.data_key(),
            lambda: v.check_integrity(),
            lambda: v.change_passphrase("new one"),
        ):
            with pytest.raises(VaultLocked):
                locked_call()


def test_files_are_private(tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("POSIX permissions")
    make_vault(tmp_path / "v", {})
    assert (tmp_path / "v").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "v" / DB_NAME).stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("call", "code"),
    [
        pytest.param(lambda d: Vault.create(d, "other", kdf=FAST), "vault_exists", id="create-twice"),
        pytest.param(lambda d: Vault.open(d / "nowhere"), "no_vault", id="open-missing"),
    ],
)
def test_create_and_open_refuse_the_wrong_directory(
    tmp_path: Path, call: Callable[[Path], Vault], code: str
) -> None:
    make_vault(tmp_path, {})
    with pytest.raises(VaultError) as info:
        call(tmp_path)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("attempt", "opens"),
    [
        (PASSPHRASE, True),
        ("\uff43\uff4f\uff52\uff52\uff45\uff43\uff54 horse battery staple", True),  # fullwidth: same after NFKC
        ("wrong", False),
        ("Correct horse battery staple", False),
        (PASSPHRASE + " ", False),
        (PASSPHRASE[:-1], False),
    ],
)
def test_unlock_by_passphrase(tmp_path: Path, attempt: str, opens: bool) -> None:
    make_vault(tmp_path, {("note", "a"): 1})
    with Vault.open(tmp_path) as v:
        if opens:
            v.unlock(attempt)
            assert v.get("note", "a").json() == 1
        else:
            with pytest.raises(WrongPassphrase) as info:
                v.unlock(attempt)
            assert info.value.code == "wrong_passphrase"
            assert attempt not in str(info.value)
            assert v.is_locked


def test_empty_passphrase_is_invalid_input_and_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        Vault.create(tmp_path, "", kdf=FAST)
    assert not Vault.exists(tmp_path)
    Vault.create(tmp_path, PASSPHRASE, kdf=FAST).close()  # the directory is still usable
    with Vault.open(tmp_path) as v, pytest.raises(InvalidInput):
        v.unlock("")


def test_default_kdf_is_moderate(tmp_path: Path) -> None:
    with Vault.create(tmp_path, PASSPHRASE) as v:  # the one real Argon2id MODERATE run here
        assert v.kdf_params == KdfParams.MODERATE
    assert KdfParams.MODERATE.memlimit >= 256 * 1024**2


def test_a_second_open_is_busy_until_the_first_closes(tmp_path: Path) -> None:
    make_vault(tmp_path, {})
    first = Vault.open(tmp_path)
    for attempt in (lambda: Vault.open(tmp_path), lambda: Vault.create(tmp_path, "x", kdf=FAST)):
        with pytest.raises((VaultBusy, VaultError)) as info:
            attempt()
        assert info.value.code in {"vault_busy", "vault_exists"}
    with pytest.raises(VaultBusy):
        Vault.open(tmp_path)
    first.close()
    first.close()  # safe twice
    Vault.open(tmp_path).close()


def test_another_process_cannot_open_an_open_vault(tmp_path: Path) -> None:
    make_vault(tmp_path, {})
    code = (
        "import sys\n"
        "from core.vault import Vault\n"
        "from core.errors import VaultBusy\n"
        "try:\n"
        "    Vault.open(sys.argv[1])\n"
        "except VaultBusy:\n"
        "    sys.exit(7)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    with Vault.open(tmp_path):
        busy = subprocess.run([sys.executable, "-c", code, str(tmp_path)], env=env)
    assert busy.returncode == 7
    free = subprocess.run([sys.executable, "-c", code, str(tmp_path)], env=env)
    assert free.returncode == 0


# --- records ------------------------------------------------------------------------------


def test_put_get_list_delete(tmp_path: Path) -> None:
    clock = FixedClock(1_000.0)
    with Vault.create(tmp_path, PASSPHRASE, kdf=FAST, clock=clock) as v:
        v.put("blob", "b1", b"\x00\xffraw")
        clock.advance(1)
        v.put_json("note", "n2", {"z": [1, 2]})
        clock.advance(1)
        v.put_json("note", "n1", "first")
        clock.advance(1)
        v.put_json("note", "n2", {"z": "replaced"})

        assert v.get("blob", "b1").data == b"\x00\xffraw"
        n2 = v.get("note", "n2")
        assert (n2.kind, n2.id, n2.json()) == ("note", "n2", {"z": "replaced"})
        assert (n2.created_at, n2.updated_at) == (1_001.0, 1_003.0)
        assert "replaced" not in repr(n2)

        good, damaged = v.list_records("note")
        assert [(r.id, r.json()) for r in good] == [("n2", {"z": "replaced"}), ("n1", "first")]
        assert damaged == []
        assert v.list_records("nothing") == ([], [])
        assert v.ids("note") == ["n1", "n2"]

        assert v.delete("note", "n2") is True
        assert v.delete("note", "n2") is False
        with pytest.raises(RecordNotFound) as info:
            v.get("note", "n2")
        assert info.value.code == "not_found"
        assert v.ids("note") == ["n1"]
        assert v.get("blob", "b1").data == b"\x00\xffraw"  # other kinds untouched


def test_same_id_in_two_kinds_are_two_records(vault: Vault) -> None:
    vault.put_json("a", "x", 1)
    vault.put_json("b", "x", 2)
    assert (vault.get("a", "x").json(), vault.get("b", "x").json()) == (1, 2)


@pytest.mark.parametrize(
    ("kind", "record_id"),
    [
        ("", "id"),
        ("kind", ""),
        ("ki\x00nd", "id"),
        ("kind", "i\x00d"),
        ("k" * 513, "id"),
        ("kind", "i" * 513),
    ],
)
def test_bad_kind_or_id_is_invalid_input(vault: Vault, kind: str, record_id: str) -> None:
    for call in (lambda: vault.put(kind, record_id, b"x"), lambda: vault.put_json(kind, record_id, 1)):
        with pytest.raises(InvalidInput):
            call()
    assert sql(vault.directory, "SELECT count(*) FROM records") == [(0,)]


def test_longest_names_are_accepted(vault: Vault) -> None:
    vault.put("k" * 512, "é" * 512, b"ok")
    assert vault.get("k" * 512, "é" * 512).data == b"ok"


def test_transaction_rolls_back_everything_on_error(vault: Vault) -> None:
    vault.put_json("note", "kept", 0)
    with pytest.raises(RuntimeError), vault.transaction():
        vault.put_json("note", "a", 1)
        with vault.transaction():  # nested: joins the outer one
            vault.put_json("note", "b", 2)
        vault.delete("note", "kept")
        raise RuntimeError("stop")
    assert vault.ids("note") == ["kept"]
    with vault.transaction():  # still usable, and commits
        vault.put_json("note", "c", 3)
    vault.close()
    with reopen(vault.directory) as v:
        assert v.ids("note") == ["c", "kept"]


# --- passphrase change and the device key -------------------------------------------------


def test_change_passphrase_rewraps_without_reencrypting(tmp_path: Path) -> None:
    records = {("note", f"n{i}"): {"i": i, "pad": "x" * i} for i in range(5)}
    make_vault(tmp_path, records)
    before = sealed_blobs(tmp_path)
    header_before = dict(sql(tmp_path, "SELECT name, value FROM header"))
    with reopen(tmp_path) as v:
        data_key = v.data_key()
        v.change_passphrase("a new passphrase")
    assert sealed_blobs(tmp_path) == before
    header_after = dict(sql(tmp_path, "SELECT name, value FROM header"))
    assert header_after["salt"] != header_before["salt"]
    assert header_after["wrapped_key"] != header_before["wrapped_key"]
    assert header_after["vault_id"] == header_before["vault_id"]
    with Vault.open(tmp_path) as v:
        with pytest.raises(WrongPassphrase):
            v.unlock(PASSPHRASE)
        v.unlock("a new passphrase")
        assert v.data_key() == data_key
        assert {(r.kind, r.id): r.json() for r in v.list_records("note")[0]} == records


def test_change_passphrase_can_change_the_kdf_cost(tmp_path: Path) -> None:
    make_vault(tmp_path, {})
    cheaper_but_different = KdfParams(FAST.opslimit + 1, FAST.memlimit)
    with reopen(tmp_path) as v:
        v.change_passphrase("p2", kdf=cheaper_but_different)
    with reopen(tmp_path, "p2") as v:
        assert v.kdf_params == cheaper_but_different


def test_unlock_with_data_key(tmp_path: Path) -> None:
    make_vault(tmp_path, {("note", "a"): 1})
    with reopen(tmp_path) as v:
        key = v.data_key()
    with Vault.open(tmp_path) as v:
        v.unlock_with_data_key(key)
        assert v.get("note", "a").json() == 1


@pytest.mark.parametrize("records", [{("note", "a"): 1}, {}], ids=["with-records", "empty-vault"])
@pytest.mark.parametrize(
    "wrong_key",
    [secrets.token_bytes(32), bytes(32), bytes(16), b""],
    ids=["random", "zeros", "short", "empty"],
)
def test_unlock_with_a_stale_data_key_is_refused(
    tmp_path: Path, records: dict[tuple[str, str], Any], wrong_key: bytes
) -> None:
    make_vault(tmp_path, records)
    with Vault.open(tmp_path) as v:
        with pytest.raises(WrongPassphrase):
            v.unlock_with_data_key(wrong_key)
        assert v.is_locked


def test_a_vault_without_key_check_checks_the_device_key_against_a_record(
    tmp_path: Path,
) -> None:
    make_vault(tmp_path, {("note", "a"): 1})
    with reopen(tmp_path) as v:
        key = v.data_key()
    sql(tmp_path, "DELETE FROM header WHERE name = 'key_check'")
    with Vault.open(tmp_path) as v:
        with pytest.raises(WrongPassphrase):
            v.unlock_with_data_key(secrets.token_bytes(32))
        v.unlock_with_data_key(key)
        assert v.get("note", "a").json() == 1


def test_the_device_key_check_survives_a_passphrase_change(tmp_path: Path) -> None:
    make_vault(tmp_path, {})
    with reopen(tmp_path) as v:
        key = v.data_key()
        v.change_passphrase("another")
    with Vault.open(tmp_path) as v:
        v.unlock_with_data_key(key)
        v.put_json("note", "a", 1)


def test_kek_unlock_is_the_passphrase_unlock_split_in_two(tmp_path: Path) -> None:
    make_vault(tmp_path, {("note", "a"): 1})
    with Vault.open(tmp_path) as v:
        kek = v.derive_kek(PASSPHRASE)
        v.unlock_with_kek(kek)
        assert v.get("note", "a").json() == 1
        v.lock()
        with pytest.raises(WrongPassphrase):
            v.unlock_with_kek(v.derive_kek("nope"))


# --- damage on disk -----------------------------------------------------------------------

RECORDS = {("note", f"n{i}"): {"i": i, "text": "hello " * 10} for i in range(4)}


def flip(blob: bytes, position: int) -> bytes:
    data = bytearray(blob)
    data[position] ^= 0x01
    return bytes(data)


@pytest.mark.parametrize(
    "position",
    [0, 23, 24, 40, -17, -16, -1],
    ids=["nonce-first", "nonce-last", "ciphertext-first", "ciphertext-middle",
         "ciphertext-last", "tag-first", "tag-last"],
)
def test_a_flipped_byte_damages_only_that_record(tmp_path: Path, position: int) -> None:
    make_vault(tmp_path, RECORDS)
    blob = sealed_blobs(tmp_path)[("note", "n2")]
    sql(tmp_path, "UPDATE records SET sealed = ? WHERE kind = 'note' AND id = 'n2'",
        (flip(blob, position),))
    with reopen(tmp_path) as v:
        with pytest.raises(RecordDamaged) as info:
            v.get("note", "n2")
        assert (info.value.record_id, info.value.kind, info.value.code) == (
            "n2", "note", "record_damaged")
        assert "n2" in str(info.value)
        for other in ("n0", "n1", "n3"):
            assert v.get("note", other).json() == RECORDS[("note", other)]
        good, damaged = v.list_records("note")
        assert [r.id for r in good] == ["n0", "n1", "n3"]
        assert damaged == [DamagedRecord("note", "n2")]
        assert v.check_integrity() == [DamagedRecord("note", "n2")]


def swap_blobs(directory: Path) -> None:
    blobs = sealed_blobs(directory)
    for mine, theirs in (("n1", "n3"), ("n3", "n1")):
        sql(directory, "UPDATE records SET sealed = ? WHERE id = ?", (blobs[("note", theirs)], mine))


def run(statement: str) -> Callable[[Path], None]:
    return lambda directory: sql(directory, statement) and None


TAMPERING: list[tuple[str, Callable[[Path], None], set[tuple[str, str]]]] = [
    ("swap-two-blobs", swap_blobs, {("note", "n1"), ("note", "n3")}),
    ("rename-a-record", run("UPDATE records SET id = 'n9' WHERE id = 'n1'"), {("note", "n9")}),
    ("move-to-another-kind", run("UPDATE records SET kind = 'other' WHERE id = 'n1'"), {("other", "n1")}),
    ("truncate-a-blob", run("UPDATE records SET sealed = substr(sealed, 1, 30) WHERE id = 'n0'"), {("note", "n0")}),
    ("empty-blob", run("UPDATE records SET sealed = x'' WHERE id = 'n0'"), {("note", "n0")}),
    ("append-a-byte", run("UPDATE records SET sealed = CAST(sealed || x'00' AS BLOB) WHERE id = 'n3'"), {("note", "n3")}),
    # A flipped bit in the id, as stored: not UTF-8 any more; that record only is damaged.
    ("id-not-utf8", run("UPDATE records SET id = CAST(x'6eff32' AS TEXT) WHERE id = 'n2'"), {("note", "n\ufffd2")}),
    # A flipped low bit in SQLite's type code turns a BLOB into TEXT of the same bytes.
    ("blob-stored-as-text", run("UPDATE records SET sealed = CAST(sealed AS TEXT) WHERE id = 'n3'"), set()),
]


@pytest.mark.parametrize(
    ("tamper", "expected"), [pytest.param(t, e, id=i) for i, t, e in TAMPERING]
)
def test_records_cannot_be_swapped_moved_or_cut(
    tmp_path: Path, tamper: Callable[[Path], None], expected: set[tuple[str, str]]
) -> None:
    make_vault(tmp_path, RECORDS)
    tamper(tmp_path)
    with reopen(tmp_path) as v:
        assert {(d.kind, d.id) for d in v.check_integrity()} == expected
        good, damaged = v.list_records("note")
        assert {("note", d.id) for d in damaged} == {e for e in expected if e[0] == "note"}
        for record in good:
            assert record.json() == RECORDS[("note", record.id)]
        assert len(good) + len(damaged) == len(v.ids("note"))
        for kind, record_id in expected:
            if "\ufffd" in record_id:  # its stored name is not text: listed, not addressable
                continue
            with pytest.raises(RecordDamaged) as info:
                v.get(kind, record_id)
            assert info.value.record_id == record_id


def test_a_record_from_another_vault_is_damaged(tmp_path: Path) -> None:
    make_vault(tmp_path / "a", {("note", "n1"): "from a"})
    make_vault(tmp_path / "b", {("note", "n1"): "from b"})
    blob = sealed_blobs(tmp_path / "a")[("note", "n1")]
    sql(tmp_path / "b", "UPDATE records SET sealed = ? WHERE id = 'n1'", (blob,))
    with reopen(tmp_path / "b") as v:
        assert v.check_integrity() == [DamagedRecord("note", "n1")]


# --- versions and migrations --------------------------------------------------------------


def test_a_newer_format_is_unsupported(tmp_path: Path) -> None:
    make_vault(tmp_path, {("note", "a"): 1})
    sql(tmp_path, "PRAGMA user_version = 99")
    for _ in range(2):  # the lock is released after the refusal
        with pytest.raises(UnsupportedVersion) as info:
            Vault.open(tmp_path)
        assert info.value.code == "unsupported_version"
        assert "99" in str(info.value)
    sql(tmp_path, f"PRAGMA user_version = {SCHEMA_VERSION}")
    with reopen(tmp_path) as v:
        assert v.get("note", "a").json() == 1


def test_every_version_has_a_migration() -> None:
    assert sorted(MIGRATIONS) == list(range(SCHEMA_VERSION))


def schema(directory: Path) -> list[tuple[str, str]]:
    return sql(directory, "SELECT name, sql FROM sqlite_master ORDER BY name")


def test_migrating_a_v0_database_gives_the_schema_of_a_new_vault(tmp_path: Path) -> None:
    make_vault(tmp_path / "new", {})
    (tmp_path / "old").mkdir()
    sql(tmp_path / "old", "PRAGMA user_version = 0")  # an empty SQLite file: format 0
    assert sql(tmp_path / "old", "PRAGMA user_version") == [(0,)]
    # A format-0 file has no header, so it opens as damaged, but migrated.
    with pytest.raises(VaultError) as info:
        Vault.open(tmp_path / "old")
    assert info.value.code == "damaged"
    assert sql(tmp_path / "old", "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert schema(tmp_path / "old") == schema(tmp_path / "new")


def test_open_runs_pending_migrations_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_vault(tmp_path, {("note", "a"): 1})

    def add_table(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE extra (x INTEGER)")

    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(MIGRATIONS, SCHEMA_VERSION, add_table)
    with reopen(tmp_path) as v:
        assert v.get("note", "a").json() == 1
    assert sql(tmp_path, "PRAGMA user_version") == [(SCHEMA_VERSION + 1,)]
    assert sql(tmp_path, "SELECT count(*) FROM extra") == [(0,)]


def test_a_failing_migration_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_vault(tmp_path, {("note", "a"): 1})

    def half_done(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE extra (x INTEGER)")
        db.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(MIGRATIONS, SCHEMA_VERSION, half_done)
    with pytest.raises(VaultError) as info:
        Vault.open(tmp_path)
    assert info.value.code == "damaged"
    assert sql(tmp_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert ("extra",) not in sql(tmp_path, "SELECT name FROM sqlite_master")
    monkeypatch.undo()
    with reopen(tmp_path) as v:  # unchanged, and not left locked
        assert v.get("note", "a").json() == 1


# --- damaged header and files -------------------------------------------------------------

HEADER_DAMAGE: list[tuple[str, str, tuple[Any, ...], str]] = [
    # label, SQL, parameters, where it fails: "open" or "unlock"
    ("no-vault-id", "DELETE FROM header WHERE name = 'vault_id'", (), "open"),
    ("no-wrapped-key", "DELETE FROM header WHERE name = 'wrapped_key'", (), "unlock"),
    ("no-salt", "DELETE FROM header WHERE name = 'salt'", (), "unlock"),
    ("no-kdf", "DELETE FROM header WHERE name = 'kdf'", (), "unlock"),
    ("empty-header", "DELETE FROM header", (), "open"),
    ("vault-id-not-json", "UPDATE header SET value = '{' WHERE name = 'vault_id'", (), "open"),
    ("vault-id-not-text", "UPDATE header SET value = '42' WHERE name = 'vault_id'", (), "open"),
    ("kdf-not-json", "UPDATE header SET value = 'nope' WHERE name = 'kdf'", (), "unlock"),
    ("kdf-not-object", "UPDATE header SET value = '[]' WHERE name = 'kdf'", (), "unlock"),
    ("kdf-too-costly", "UPDATE header SET value = ? WHERE name = 'kdf'",
     ('{"alg": "argon2id13", "opslimit": 4, "memlimit": 17179869184}',), "unlock"),
    ("kdf-unknown-alg", "UPDATE header SET value = ? WHERE name = 'kdf'",
     ('{"alg": "scrypt", "opslimit": 1, "memlimit": 8192}',), "unlock"),
    ("salt-not-base64", "UPDATE header SET value = '\"!!\"' WHERE name = 'salt'", (), "unlock"),
    ("salt-too-short", "UPDATE header SET value = '\"AAAA\"' WHERE name = 'salt'", (), "unlock"),
    ("salt-not-text", "UPDATE header SET value = '7' WHERE name = 'salt'", (), "unlock"),
    ("wrapped-key-not-base64", "UPDATE header SET value = '\"#\"' WHERE name = 'wrapped_key'", (), "unlock"),
    ("wrapped-key-not-text", "UPDATE header SET value = 'null' WHERE name = 'wrapped_key'", (), "unlock"),
    ("wrapped-key-truncated", "UPDATE header SET value = '\"AAAA\"' WHERE name = 'wrapped_key'", (), "unlock"),
]


@pytest.mark.parametrize(
    ("statement", "params", "stage"), [pytest.param(s, p, st, id=i) for i, s, p, st in HEADER_DAMAGE]
)
def test_a_damaged_header_is_a_damaged_vault(
    tmp_path: Path, statement: str, params: tuple[Any, ...], stage: str
) -> None:
    make_vault(tmp_path, {("note", "a"): 1})
    sql(tmp_path, statement, params)
    if stage == "open":
        with pytest.raises(VaultError) as info:
            Vault.open(tmp_path)
    else:
        with Vault.open(tmp_path) as v, pytest.raises(VaultError) as info:
            v.unlock(PASSPHRASE)
    assert type(info.value) is VaultError, repr(info.value)
    assert info.value.code == "damaged"
    with pytest.raises(VaultError) as again:  # the lock was released: same answer, not busy
        Vault.open(tmp_path).unlock(PASSPHRASE)
    assert again.value.code == "damaged"


def write_garbage(path: Path) -> None:
    path.write_bytes(secrets.token_bytes(8192))


def write_text(path: Path) -> None:
    path.write_text("this is not a database\n" * 100)


def write_truncated_vault(path: Path) -> None:
    make_vault(path.parent / "source", {(f"k{i}", "x"): "y" * 5000 for i in range(20)})
    data = (path.parent / "source" / DB_NAME).read_bytes()
    path.write_bytes(data[: len(data) // 3])


def write_sqlite_without_header(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE unrelated (x)")
    db.execute("PRAGMA user_version = 1")
    db.close()


@pytest.mark.parametrize(
    "damage", [write_garbage, write_text, write_truncated_vault, write_sqlite_without_header]
)
def test_a_file_that_is_not_a_vault_is_damaged_not_a_traceback(
    tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    directory = tmp_path / "vault"
    directory.mkdir()
    damage(directory / DB_NAME)

    def use() -> None:
        v = Vault.open(directory)
        try:
            v.unlock(PASSPHRASE)
            v.check_integrity()
            for kind in (f"k{i}" for i in range(20)):
                v.list_records(kind)
        finally:
            v.close()

    for _ in range(2):  # the lock is released each time
        with pytest.raises(VaultError) as info:
            use()
        assert type(info.value) is VaultError, repr(info.value)
        assert info.value.code == "damaged"


def test_a_caught_inner_failure_undoes_only_the_inner_writes(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path, "pw", kdf=KdfParams.FAST_INSECURE)
    with vault:
        with vault.transaction():
            vault.put("note", "outer", b"1")
            try:
                with vault.transaction():
                    vault.put("note", "inner", b"2")
                    raise RuntimeError("inner step failed")
            except RuntimeError:
                pass
            vault.put("note", "after", b"3")
        assert vault.ids("note") == ["after", "outer"]
