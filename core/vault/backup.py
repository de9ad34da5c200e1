"""One encrypted, passphrase-protected, versioned backup file of every vault record.

File format 1::

    TESSERA-BACKUP\\n
    {"check":…,"created_at":"2025-01-31T12:00:00.000Z","format":1,"kdf":{…},"records":N,"salt":…}\\n
    <sealed payload>

- The header line is JCS JSON. ``kdf`` holds the Argon2id parameters and ``salt`` (16
  bytes, base64url) the salt that stretch the passphrase into ``kek``.
- ``check`` is HMAC-SHA256(kek, "tessera-backup-check") cut to 16 bytes: a wrong
  passphrase is told apart from a damaged file. It reveals nothing a guesser could not
  learn from trying the payload, and costs the same Argon2id run per guess.
- The payload is XChaCha20-Poly1305 (random nonce ‖ ciphertext ‖ tag) under
  HMAC-SHA256(kek, "tessera-backup-key"), with the magic line and the header line
  (both newlines included) as associated data, so no header byte can change unnoticed.
  Its plaintext is compact JSON ``{"records": [{"kind", "id", "created_at",
  "updated_at", "data"}]}`` with ``data`` in base64url.

Newer formats are refused with UnsupportedVersion; anything else that is wrong with the
file (magic, header, truncation, a changed byte, a size over the cap) is BackupInvalid.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from core.clock import Clock, SystemClock
from core.encoding import b64url_decode, b64url_encode, canonical_json, parse_json_object
from core.errors import (
    BackupInvalid,
    CryptoError,
    InvalidInput,
    RecordDamaged,
    UnsupportedVersion,
    VaultError,
    WrongPassphrase,
)
from core.ledger import format_time, parse_time
from core.vault import aead
from core.vault.backup_merge import ImportSummary, merge_records
from core.vault.kdf import SALT_BYTES, KdfParams, derive_key
from core.vault.store import Vault

MAGIC: Final = b"TESSERA-BACKUP\n"
FORMAT: Final = 1
MAX_HEADER_BYTES: Final = 4096
#: Largest backup file read or written (bytes); the payload is held in memory.
MAX_BACKUP_BYTES: Final = 256 * 1024 * 1024
CHECK_BYTES: Final = 16
_HEADER_MEMBERS: Final = frozenset({"format", "kdf", "salt", "check", "created_at", "records"})
_RECORD_MEMBERS: Final = frozenset({"kind", "id", "created_at", "updated_at", "data"})

__all__ = [
    "BackupContents",
    "BackupRecord",
    "BackupSummary",
    "ImportSummary",
    "export_backup",
    "import_backup",
    "parse_backup",
    "read_backup",
]


@dataclass(frozen=True)
class BackupRecord:
    """One vault record as carried in a backup (``data`` is secret and never shown)."""

    kind: str
    id: str
    created_at: float
    updated_at: float
    data: bytes = field(repr=False)

    def __post_init__(self) -> None:
        for what, value in (("kind", self.kind), ("id", self.id)):
            if not isinstance(value, str) or not 0 < len(value) <= 512 or "\x00" in value:
                raise InvalidInput(f"a record {what} must be 1 to 512 characters without NUL")
        for time in (self.created_at, self.updated_at):
            if isinstance(time, bool) or not isinstance(time, int | float):
                raise InvalidInput("record times must be numbers")
            if not math.isfinite(time) or time < 0:
                raise InvalidInput("record times must be finite and not negative")
        if not isinstance(self.data, bytes):
            raise InvalidInput("record data must be bytes")


@dataclass(frozen=True)
class BackupContents:
    """A backup that was opened and authenticated: its time and every record."""

    created_at: str
    records: tuple[BackupRecord, ...]
    format: int = FORMAT


@dataclass(frozen=True)
class BackupSummary:
    """What :func:`export_backup` wrote."""

    path: Path
    records: int
    size: int
    created_at: str
    kinds: Mapping[str, int]


# --- keys -------------------------------------------------------------------------------


def _subkeys(kek: bytes) -> tuple[bytes, bytes]:
    """(payload key, key-check value) from the Argon2id output."""
    payload_key = hmac.new(kek, b"tessera-backup-key", hashlib.sha256).digest()
    check = hmac.new(kek, b"tessera-backup-check", hashlib.sha256).digest()[:CHECK_BYTES]
    return payload_key, check


# --- export -----------------------------------------------------------------------------


def _collect(vault: Vault) -> list[BackupRecord]:
    records: list[BackupRecord] = []
    for kind in vault.kinds():
        good, damaged = vault.list_records(kind)
        if damaged:
            bad = damaged[0]
            raise RecordDamaged(
                f"stored {bad.kind} {bad.id!r} is damaged; delete or repair it before a backup",
                record_id=bad.id,
                kind=bad.kind,
            )
        records.extend(BackupRecord(r.kind, r.id, r.created_at, r.updated_at, r.data) for r in good)
    return records


def _write_atomically(path: Path, blob: bytes, random_bytes: Callable[[int], bytes]) -> None:
    temp = path.with_name(f".{path.name}.{random_bytes(6).hex()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(dir_fd)
    except OSError:  # pragma: no cover - some file systems refuse to sync directories
        pass
    finally:
        os.close(dir_fd)


def export_backup(
    vault: Vault,
    path: Path,
    passphrase: str,
    kdf: KdfParams = KdfParams.MODERATE,
    *,
    clock: Clock | None = None,
    random_bytes: Callable[[int], bytes] = secrets.token_bytes,
) -> BackupSummary:
    """Write every record of the unlocked ``vault`` to ``path``, encrypted under
    ``passphrase``: a temporary file in the same directory (mode 0600), fsync, rename.

    Raises VaultLocked; RecordDamaged (a record cannot be read: nothing is written);
    InvalidInput (empty passphrase); VaultError(backup_too_large); OSError from the
    file system (the temporary file is removed).
    """
    path = Path(path)
    with vault.transaction():  # one consistent snapshot
        records = _collect(vault)
    payload = json.dumps(
        {
            "records": [
                {
                    "kind": r.kind,
                    "id": r.id,
                    "created_at": r.created_at,
                    "updated_at": r.updated_at,
                    "data": b64url_encode(r.data),
                }
                for r in records
            ]
        },
        separators=(",", ":"),
    ).encode("utf-8")
    created_at = format_time((clock or SystemClock()).now())
    salt = random_bytes(SALT_BYTES)
    payload_key, check = _subkeys(derive_key(passphrase, salt, kdf))
    header = {
        "format": FORMAT,
        "kdf": kdf.to_json(),
        "salt": b64url_encode(salt),
        "check": b64url_encode(check),
        "created_at": created_at,
        "records": len(records),
    }
    associated = MAGIC + canonical_json(header) + b"\n"
    blob = associated + aead.seal(payload_key, payload, associated)
    if len(blob) > MAX_BACKUP_BYTES:
        raise VaultError("the vault is too large for one backup file", code="backup_too_large")
    _write_atomically(path, blob, random_bytes)
    kinds: dict[str, int] = {}
    for record in records:
        kinds[record.kind] = kinds.get(record.kind, 0) + 1
    return BackupSummary(path, len(records), len(blob), created_at, kinds)


# --- reading ----------------------------------------------------------------------------


def _split(data: bytes) -> tuple[dict[str, Any], bytes, bytes]:
    """(header, associated data, sealed payload). Raises BackupInvalid, UnsupportedVersion."""
    if not data.startswith(MAGIC):
        raise BackupInvalid("this is not a Tessera backup file")
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER_BYTES)
    if end < 0:
        raise BackupInvalid("the backup header is missing, cut off or too long")
    try:
        header = parse_json_object(data[len(MAGIC) : end])
    except InvalidInput as exc:
        raise BackupInvalid(f"the backup header is damaged: {exc.message}") from exc
    version = header.get("format")
    if isinstance(version, bool) or not isinstance(version, int):
        raise BackupInvalid("the backup header has no format version")
    if version > FORMAT:
        raise UnsupportedVersion(
            f"this backup was written by a newer Tessera (format {version}); please update"
        )
    if version != FORMAT or set(header) != _HEADER_MEMBERS:
        raise BackupInvalid("the backup header is damaged")
    return header, data[: end + 1], data[end + 1 :]


def _header_values(header: dict[str, Any]) -> tuple[KdfParams, bytes, bytes, str, int]:
    try:
        kdf = KdfParams.from_json(header["kdf"])
        salt = b64url_decode(header["salt"])
        check = b64url_decode(header["check"])
        created_at = header["created_at"]
        parse_time(created_at)
    except InvalidInput as exc:
        raise BackupInvalid(f"the backup header is damaged: {exc.message}") from exc
    count = header["records"]
    if len(salt) != SALT_BYTES or len(check) != CHECK_BYTES:
        raise BackupInvalid("the backup header is damaged: wrong salt or check length")
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise BackupInvalid("the backup header is damaged: bad record count")
    return kdf, salt, check, created_at, count


def _records(payload: bytes, expected: int) -> tuple[BackupRecord, ...]:
    try:
        value = parse_json_object(payload, max_bytes=MAX_BACKUP_BYTES)
        items = value.get("records")
        if set(value) != {"records"} or not isinstance(items, list):
            raise InvalidInput("the payload is not {records: [...]}")
        records = []
        for item in items:
            if not isinstance(item, dict) or set(item) != _RECORD_MEMBERS:
                raise InvalidInput("a record lacks members or has extra ones")
            if not isinstance(item["data"], str):
                raise InvalidInput("record data must be base64url text")
            records.append(
                BackupRecord(
                    item["kind"],
                    item["id"],
                    item["created_at"],
                    item["updated_at"],
                    b64url_decode(item["data"]),
                )
            )
    except InvalidInput as exc:
        raise BackupInvalid(f"the backup contents are damaged: {exc.message}") from exc
    if len(records) != expected:
        raise BackupInvalid("the backup holds a different number of records than it says")
    if len({(r.kind, r.id) for r in records}) != len(records):
        raise BackupInvalid("the backup holds the same record twice")
    return tuple(records)


def parse_backup(data: bytes, passphrase: str) -> BackupContents:
    """Open backup bytes with ``passphrase``.

    Raises WrongPassphrase; UnsupportedVersion (a newer format); BackupInvalid (not a
    backup, damaged header, truncated, changed, oversized); InvalidInput (empty passphrase).
    """
    if len(data) > MAX_BACKUP_BYTES:
        raise BackupInvalid(f"the backup is larger than {MAX_BACKUP_BYTES} bytes")
    header, associated, sealed = _split(data)
    kdf, salt, check, created_at, count = _header_values(header)
    payload_key, expected_check = _subkeys(derive_key(passphrase, salt, kdf))
    if not hmac.compare_digest(check, expected_check):
        raise WrongPassphrase("that passphrase does not open this backup")
    try:
        payload = aead.open_sealed(payload_key, sealed, associated)
    except CryptoError as exc:
        raise BackupInvalid("the backup is damaged or truncated; nothing was read") from exc
    return BackupContents(created_at=created_at, records=_records(payload, count))


def read_backup(path: Path, passphrase: str) -> BackupContents:
    """Read and open the backup file at ``path``.

    Raises what :func:`parse_backup` raises, and OSError if the file cannot be read.
    """
    with Path(path).open("rb") as handle:
        data = handle.read(MAX_BACKUP_BYTES + 1)
    return parse_backup(data, passphrase)


def import_backup(
    vault: Vault,
    contents: BackupContents,
    *,
    merge: Mapping[str, Callable[[bytes, bytes], bytes]] | None = None,
) -> ImportSummary:
    """Merge ``contents`` into the unlocked ``vault`` in one transaction.

    A record the vault lacks is added, an identical one skipped; for the same
    (kind, id) with other content the later ``updated_at`` wins, unless ``merge``
    names the kind: then ``merge[kind](vault_data, backup_data)`` gives the result.
    The activity log is merged by :func:`core.vault.backup_merge.merge_records`.
    Raises VaultError(other_wallet) if the backup's seed is not this vault's (nothing
    is written), VaultLocked, RecordDamaged; on any error nothing is written.
    """
    return merge_records(vault, contents.records, contents.created_at, merge or {})
