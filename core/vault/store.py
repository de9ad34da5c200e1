"""The vault file: one SQLite database (WAL) of sealed records.

Format (schema version in ``PRAGMA user_version``):

- ``header(name, value)``: JSON values. ``vault_id`` (random), ``kdf`` (Argon2id
  parameters), ``salt``, ``wrapped_key`` (the random 32-byte data key sealed with
  XChaCha20-Poly1305 under the Argon2id key, associated data ``vault_id``), ``created_at``,
  ``key_check`` (an empty message sealed under the data key, so a key from the OS keyring
  can be checked even when there are no records; vaults without it check a record).
- ``records(kind, id, created_at, updated_at, sealed)``: ``sealed`` is the record's
  content sealed under the data key with associated data ``vault_id‖kind‖id``, so a
  record cannot be altered, swapped with another or moved to another vault unnoticed.

Kinds and ids are not secret (they are how records are found); everything else is.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.clock import Clock, SystemClock
from core.encoding import b64url_decode, b64url_encode
from core.errors import (
    CryptoError,
    InvalidInput,
    RecordDamaged,
    RecordNotFound,
    UnsupportedVersion,
    VaultError,
    VaultLocked,
    WrongPassphrase,
)
from core.vault import aead
from core.vault.filelock import FileLock
from core.vault.kdf import SALT_BYTES, KdfParams, derive_key

DB_NAME = "vault.sqlite3"
LOCK_NAME = "vault.lock"
SCHEMA_VERSION = 1
_WRAPPED_KEY_BYTES = aead.NONCE_BYTES + aead.KEY_BYTES + 16


def _migrate_0_to_1(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE header (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        "CREATE TABLE records (kind TEXT NOT NULL, id TEXT NOT NULL, created_at REAL NOT NULL,"
        " updated_at REAL NOT NULL, sealed BLOB NOT NULL, PRIMARY KEY (kind, id))"
    )


#: MIGRATIONS[n] upgrades schema version n to n + 1, inside one transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {0: _migrate_0_to_1}


@dataclass(frozen=True)
class Record:
    """One decrypted record."""

    kind: str
    id: str
    data: bytes = field(repr=False)
    created_at: float
    updated_at: float

    def json(self) -> Any:
        """The content parsed as JSON (records written with :meth:`Vault.put_json`)."""
        return json.loads(self.data)


@dataclass(frozen=True)
class DamagedRecord:
    """A record that failed authentication; the others are unaffected."""

    kind: str
    id: str


def _key_check_ad(vault_id: str) -> bytes:
    return "\x00".join(("tessera-key-check", vault_id)).encode("utf-8")


def _lenient_text(data: bytes) -> str:
    # A flipped bit in a stored name must damage that record, not every query over it.
    return data.decode("utf-8", "replace")


def _record_ad(vault_id: str, kind: str, record_id: str) -> bytes:
    return "\x00".join(("tessera-record", vault_id, kind, record_id)).encode("utf-8")


def _check_name(value: str, what: str) -> None:
    if not value or len(value) > 512 or "\x00" in value:
        raise InvalidInput(f"record {what} must be 1 to 512 characters without NUL")


class Vault:
    """An open vault file. Get one from :meth:`create` or :meth:`open`; close it when done.

    A vault opens locked; :meth:`unlock` (passphrase) or :meth:`unlock_with_data_key`
    (from the OS keyring) make its records readable; :meth:`lock` forgets the key.
    """

    def __init__(self, db: sqlite3.Connection, lock: FileLock, directory: Path, clock: Clock):
        self._db = db
        self._lock = lock
        self.directory = directory
        self._clock = clock
        self._data_key: bytes | None = None
        self._tx_depth = 0
        vault_id = self._header("vault_id")
        if not isinstance(vault_id, str) or not vault_id:
            raise VaultError("the vault header's 'vault_id' is damaged", code="damaged")
        self.vault_id: str = vault_id

    # --- opening and closing ---------------------------------------------------------

    @staticmethod
    def exists(directory: Path) -> bool:
        """Whether ``directory`` holds a vault file."""
        return (Path(directory) / DB_NAME).is_file()

    @classmethod
    def create(
        cls,
        directory: Path,
        passphrase: str,
        *,
        kdf: KdfParams = KdfParams.MODERATE,
        clock: Clock | None = None,
    ) -> Vault:
        """Create a new vault in ``directory`` and return it open and unlocked.

        Raises VaultError(vault_exists) if one is there; VaultBusy; InvalidInput.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if cls.exists(directory):
            raise VaultError(f"a vault already exists in {directory}", code="vault_exists")
        clock = clock or SystemClock()
        data_key = aead.new_key()
        vault_id = secrets.token_hex(16)
        salt = secrets.token_bytes(SALT_BYTES)
        # The slow KDF runs (and a bad passphrase is refused) before the file exists, so
        # neither leaves a vault file without a header behind.
        kek = derive_key(passphrase, salt, kdf)
        header = {
            "vault_id": vault_id,
            "created_at": clock.now(),
            "kdf": kdf.to_json(),
            "salt": b64url_encode(salt),
            "wrapped_key": b64url_encode(aead.seal(kek, data_key, vault_id.encode())),
            "key_check": b64url_encode(aead.seal(data_key, b"", _key_check_ad(vault_id))),
        }
        lock, db = cls._connect(directory)
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "INSERT INTO header (name, value) VALUES (?, ?)",
                    [(name, json.dumps(value)) for name, value in header.items()],
                )
            except sqlite3.IntegrityError as exc:  # another process created it meanwhile
                db.execute("ROLLBACK")
                raise VaultError(
                    f"a vault already exists in {directory}", code="vault_exists"
                ) from exc
            db.execute("COMMIT")
            vault = cls(db, lock, directory, clock)
        except BaseException:
            db.close()
            lock.release()
            raise
        vault._data_key = data_key
        return vault

    @classmethod
    def open(cls, directory: Path, *, clock: Clock | None = None) -> Vault:
        """Open an existing vault, locked.

        Raises VaultError(no_vault), VaultBusy, UnsupportedVersion, VaultError(damaged).
        """
        directory = Path(directory)
        if not cls.exists(directory):
            raise VaultError(f"there is no vault in {directory}", code="no_vault")
        lock, db = cls._connect(directory)
        try:
            return cls(db, lock, directory, clock or SystemClock())
        except BaseException:
            db.close()
            lock.release()
            raise

    @staticmethod
    def _connect(directory: Path) -> tuple[FileLock, sqlite3.Connection]:
        lock = FileLock(directory / LOCK_NAME)
        lock.acquire()
        try:
            # The GUI runs the slow steps (Argon2id unlock, create, backup) on a worker
            # thread and everything else on its own; it never uses one vault from two
            # threads at once, so the connection may move between them.
            db = sqlite3.connect(
                directory / DB_NAME, isolation_level=None, check_same_thread=False
            )
        except BaseException:
            lock.release()
            raise
        try:
            db.text_factory = _lenient_text
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            Vault._upgrade(db)
        except sqlite3.DatabaseError as exc:
            db.close()
            lock.release()
            raise VaultError(f"the vault file cannot be read: {exc}", code="damaged") from exc
        except BaseException:
            db.close()
            lock.release()
            raise
        (directory / DB_NAME).chmod(0o600)
        return lock, db

    @staticmethod
    def _upgrade(db: sqlite3.Connection) -> None:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise UnsupportedVersion(
                f"this vault was written by a newer Tessera (format {version}); please update"
            )
        while version < SCHEMA_VERSION:
            db.execute("BEGIN IMMEDIATE")
            try:
                MIGRATIONS[version](db)
                version += 1
                db.execute(f"PRAGMA user_version = {version}")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def close(self) -> None:
        """Forget the key, close the file and release the lock. Safe to call twice."""
        self.lock()
        self._db.close()
        self._lock.release()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- keys ------------------------------------------------------------------------

    def _header(self, name: str, *, required: bool = True) -> Any:
        """A header value. Raises VaultError(damaged) if it is missing (and required),
        or the header cannot be read."""
        try:
            row = self._db.execute(
                "SELECT value FROM header WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                if not required:
                    return None
                raise VaultError(f"the vault header lacks {name!r}", code="damaged")
            return json.loads(row[0])
        except (sqlite3.DatabaseError, ValueError, TypeError) as exc:
            raise VaultError(
                f"the vault header cannot be read ({name!r})", code="damaged"
            ) from exc

    def _header_bytes(self, name: str, size: int) -> bytes:
        """A base64url header value of exactly ``size`` bytes. Raises VaultError(damaged)."""
        try:
            value = b64url_decode(self._header(name))
        except InvalidInput:
            value = b""
        if len(value) != size:
            raise VaultError(f"the vault header's {name!r} is damaged", code="damaged")
        return value

    @property
    def kdf_params(self) -> KdfParams:
        """The Argon2id parameters this vault's passphrase is stretched with."""
        try:
            return KdfParams.from_json(self._header("kdf"))
        except InvalidInput as exc:
            raise VaultError(f"the vault header is damaged: {exc}", code="damaged") from exc

    def derive_kek(self, passphrase: str) -> bytes:
        """Run Argon2id (the slow part of unlocking) for ``passphrase``."""
        return derive_key(passphrase, self._header_bytes("salt", SALT_BYTES), self.kdf_params)

    def unlock(self, passphrase: str) -> None:
        """Unlock with the passphrase. Raises WrongPassphrase."""
        self.unlock_with_kek(self.derive_kek(passphrase))

    def unlock_with_kek(self, kek: bytes) -> None:
        """Unlock with an already derived key (lets the Argon2id step run elsewhere).

        Raises WrongPassphrase.
        """
        wrapped = self._header_bytes("wrapped_key", _WRAPPED_KEY_BYTES)
        try:
            self._data_key = aead.open_sealed(kek, wrapped, self.vault_id.encode())
        except CryptoError as exc:
            raise WrongPassphrase("that passphrase does not open this vault") from exc

    def unlock_with_data_key(self, data_key: bytes) -> None:
        """Unlock with the data key kept by the OS keyring. Raises WrongPassphrase if stale."""
        stale = WrongPassphrase("the key remembered on this device no longer fits")
        if not isinstance(data_key, bytes) or len(data_key) != aead.KEY_BYTES:
            raise stale
        check = self._header("key_check", required=False)
        if check is not None:
            try:
                aead.open_sealed(data_key, b64url_decode(check), _key_check_ad(self.vault_id))
            except (CryptoError, InvalidInput) as exc:
                raise stale from exc
        self._data_key = data_key
        try:
            self.get_check()
        except RecordDamaged as exc:
            self._data_key = None
            raise stale from exc

    def get_check(self) -> None:
        """Authenticate one record (if any) to confirm the data key. Raises RecordDamaged."""
        row = self._db.execute(
            "SELECT kind, id, CAST(sealed AS BLOB) FROM records LIMIT 1"
        ).fetchone()
        if row is not None:
            self._open(row[0], row[1], row[2])

    def data_key(self) -> bytes:
        """The data key, for "remember on this device". Secret. Raises VaultLocked."""
        if self._data_key is None:
            raise VaultLocked("unlock the vault first")
        return self._data_key

    def lock(self) -> None:
        """Forget the data key; records stay unreadable until the next unlock."""
        self._data_key = None

    @property
    def is_locked(self) -> bool:
        return self._data_key is None

    def change_passphrase(
        self, new_passphrase: str, *, kdf: KdfParams | None = None
    ) -> None:
        """Re-wrap the data key under a new passphrase (records are not re-encrypted).

        The caller checks the old passphrase first (by unlocking). Raises VaultLocked.
        """
        data_key = self.data_key()
        params = kdf or self.kdf_params
        salt = secrets.token_bytes(SALT_BYTES)
        kek = derive_key(new_passphrase, salt, params)
        wrapped = aead.seal(kek, data_key, self.vault_id.encode())
        with self.transaction():
            for name, value in (
                ("kdf", params.to_json()),
                ("salt", b64url_encode(salt)),
                ("wrapped_key", b64url_encode(wrapped)),
            ):
                self._db.execute(
                    "UPDATE header SET value = ? WHERE name = ?", (json.dumps(value), name)
                )

    # --- records ---------------------------------------------------------------------

    def _seal(self, kind: str, record_id: str, data: bytes) -> bytes:
        return aead.seal(self.data_key(), data, _record_ad(self.vault_id, kind, record_id))

    def _open(self, kind: str, record_id: str, sealed: bytes) -> bytes:
        try:
            return aead.open_sealed(
                self.data_key(), sealed, _record_ad(self.vault_id, kind, record_id)
            )
        except CryptoError as exc:
            raise RecordDamaged(
                f"stored {kind} {record_id!r} is damaged and cannot be read",
                record_id=record_id,
                kind=kind,
            ) from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all of them land, or none does. A nested call is a savepoint, so
        an inner failure that the caller catches undoes only the inner writes."""
        depth = self._tx_depth
        self._execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT tx{depth}")
        self._tx_depth += 1
        try:
            yield
        except BaseException:
            self._tx_depth -= 1
            self._execute("ROLLBACK" if depth == 0 else f"ROLLBACK TO tx{depth}")
            if depth:
                self._execute(f"RELEASE tx{depth}")
            raise
        self._tx_depth -= 1
        self._execute("COMMIT" if depth == 0 else f"RELEASE tx{depth}")

    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        """Run SQL; a corrupt file or failing disk becomes VaultError(damaged|io_error)."""
        try:
            return self._db.execute(sql, params)
        except sqlite3.OperationalError as exc:
            raise VaultError(f"the vault file could not be used: {exc}", code="io_error") from exc
        except sqlite3.DatabaseError as exc:
            raise VaultError(f"the vault file is damaged: {exc}", code="damaged") from exc

    def put(
        self,
        kind: str,
        record_id: str,
        data: bytes,
        *,
        created_at: float | None = None,
        updated_at: float | None = None,
    ) -> None:
        """Insert or replace a record. Raises VaultLocked, InvalidInput.

        The times default to now; a restore passes the original ones (``created_at``
        only applies to a new record: a replaced one keeps its own).
        """
        _check_name(kind, "kind")
        _check_name(record_id, "id")
        now = self._clock.now()
        sealed = self._seal(kind, record_id, data)
        with self.transaction():
            self._execute(
                "INSERT INTO records (kind, id, created_at, updated_at, sealed)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, id)"
                " DO UPDATE SET updated_at = excluded.updated_at, sealed = excluded.sealed",
                (
                    kind,
                    record_id,
                    now if created_at is None else created_at,
                    now if updated_at is None else updated_at,
                    sealed,
                ),
            )

    def put_json(self, kind: str, record_id: str, value: Any) -> None:
        """:meth:`put` of compact JSON."""
        self.put(kind, record_id, json.dumps(value, separators=(",", ":")).encode("utf-8"))

    def get(self, kind: str, record_id: str) -> Record:
        """Read one record. Raises RecordNotFound, RecordDamaged, VaultLocked."""
        row = self._execute(
            "SELECT created_at, updated_at, CAST(sealed AS BLOB) FROM records"
            " WHERE kind = ? AND id = ?",
            (kind, record_id),
        ).fetchone()
        if row is None:
            raise RecordNotFound(f"no {kind} {record_id!r} in the vault")
        return Record(kind, record_id, self._open(kind, record_id, row[2]), row[0], row[1])

    def list_records(self, kind: str) -> tuple[list[Record], list[DamagedRecord]]:
        """Every readable record of ``kind`` (oldest first) and those that are damaged.

        Raises VaultLocked.
        """
        self.data_key()
        good: list[Record] = []
        damaged: list[DamagedRecord] = []
        rows = self._execute(
            "SELECT id, created_at, updated_at, CAST(sealed AS BLOB) FROM records WHERE kind = ?",
            (kind,),
        ).fetchall()
        # Sorted here: ORDER BY would copy every sealed blob through a temporary B-tree.
        rows.sort(key=lambda row: (row[1], row[0]))
        for record_id, created, updated, sealed in rows:
            try:
                good.append(Record(kind, record_id, self._open(kind, record_id, sealed),
                                   created, updated))
            except RecordDamaged:
                damaged.append(DamagedRecord(kind, record_id))
        return good, damaged

    def kinds(self) -> list[str]:
        """Every kind that has at least one record, sorted, without decrypting anything."""
        rows = self._execute("SELECT DISTINCT kind FROM records ORDER BY kind")
        return [row[0] for row in rows]

    def ids(self, kind: str) -> list[str]:
        """Ids of the records of ``kind``, without decrypting anything."""
        rows = self._execute("SELECT id FROM records WHERE kind = ? ORDER BY id", (kind,))
        return [row[0] for row in rows]

    def delete(self, kind: str, record_id: str) -> bool:
        """Remove a record; returns whether it existed."""
        with self.transaction():
            cursor = self._execute(
                "DELETE FROM records WHERE kind = ? AND id = ?", (kind, record_id)
            )
        return cursor.rowcount > 0

    def check_integrity(self) -> list[DamagedRecord]:
        """SQLite's own check, then authenticate every record; returns the damaged ones.

        Raises VaultError(damaged) if the database itself is corrupt; VaultLocked.
        """
        result = self._execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise VaultError(f"the vault file is corrupt: {result}", code="damaged")
        self.data_key()
        damaged = []
        for kind, record_id, sealed in self._execute(
            "SELECT kind, id, CAST(sealed AS BLOB) FROM records"
        ):
            try:
                self._open(kind, record_id, sealed)
            except RecordDamaged:
                damaged.append(DamagedRecord(kind, record_id))
        return damaged
