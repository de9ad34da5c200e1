"""Merging a backup's records into a vault without duplicates (see :mod:`core.vault.backup`).

Rules, all in one transaction (nothing is written if anything fails):

- ``seed``: if both the vault and the backup hold seed records and they differ, the
  backup belongs to another wallet: VaultError(other_wallet), before anything is written.
- ``log`` / ``log-head`` (the activity log): if the backup's log is a prefix of the
  vault's, nothing changes; if the vault's is a prefix of the backup's (and the backup's
  verifies, head included), the missing entries are appended and the head moves to the
  backup's end; otherwise the logs diverged: the vault's log stays as it is and the
  backup's entries (and head) are kept as ``log-archive`` records with ids
  ``"{backup created_at}:{entry record id}"`` (``…:head`` for its head).
- any other kind: absent → added; identical → skipped; different → the later
  ``updated_at`` wins (``updated`` if the backup's, ``kept_local`` if the vault's), or a
  caller-supplied ``merge[kind](vault_data, backup_data)`` decides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from core.encoding import parse_json_object
from core.errors import InvalidInput, LedgerBroken, RecordNotFound, VaultError
from core.ledger import (
    ARCHIVE_KIND,
    HEAD_ID,
    HEAD_KIND,
    LOG_KIND,
    Entry,
    LedgerHead,
    entry_record_id,
    verify_entries,
)
from core.vault.store import Vault

if TYPE_CHECKING:
    from core.vault.backup import BackupRecord

SEED_KIND: Final = "seed"
LogOutcome = Literal["absent", "same", "extended", "diverged"]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did. Log entries count as added or skipped unless archived."""

    added: int
    skipped: int
    updated: int
    kept_local: int
    archived: int
    log: LogOutcome


@dataclass
class _Counts:
    added: int = 0
    skipped: int = 0
    updated: int = 0
    kept_local: int = 0
    archived: int = 0


def _check_seed(vault: Vault, records: Sequence[BackupRecord]) -> None:
    theirs = {r.id: r.data for r in records if r.kind == SEED_KIND}
    ours = {i: vault.get(SEED_KIND, i).data for i in vault.ids(SEED_KIND)}
    if theirs and ours and theirs != ours:
        raise VaultError(
            "this backup belongs to another wallet (its recovery seed differs); nothing was "
            "imported",
            code="other_wallet",
        )


def _put(
    vault: Vault, record: BackupRecord, kind: str | None = None, rid: str | None = None
) -> None:
    vault.put(
        kind or record.kind,
        rid or record.id,
        record.data,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def _merge_one(
    vault: Vault,
    record: BackupRecord,
    merge: Mapping[str, Callable[[bytes, bytes], bytes]],
    counts: _Counts,
) -> None:
    try:
        ours = vault.get(record.kind, record.id)
    except RecordNotFound:
        _put(vault, record)
        counts.added += 1
        return
    if ours.data == record.data:
        counts.skipped += 1
        return
    if record.kind in merge:
        merged = merge[record.kind](ours.data, record.data)
        if merged == ours.data:
            counts.kept_local += 1
        else:
            updated_at = max(ours.updated_at, record.updated_at)
            vault.put(record.kind, record.id, merged, updated_at=updated_at)
            counts.updated += 1
        return
    if record.updated_at > ours.updated_at:
        _put(vault, record)
        counts.updated += 1
    else:
        counts.kept_local += 1


def _entries(datas: Sequence[tuple[str, bytes]]) -> list[Entry] | None:
    """Parse (record id, data) pairs into entries; None if any is not a proper entry."""
    entries = []
    for record_id, data in datas:
        try:
            entry = Entry.from_json(parse_json_object(data))
        except InvalidInput:
            return None
        if entry_record_id(entry.seq) != record_id:
            return None
        entries.append(entry)
    return entries


def _valid_log(entries: list[Entry], head: BackupRecord | None, signer: str | None) -> bool:
    if head is None:
        return False
    try:
        report = verify_entries(entries, expected_signer=signer)
        stated = LedgerHead.from_json(parse_json_object(head.data))
    except (LedgerBroken, InvalidInput):
        return False
    return report.count == stated.seq + 1 and report.head == stated.hash


def _merge_log(
    vault: Vault, records: Sequence[BackupRecord], created_at: str, counts: _Counts
) -> LogOutcome:
    theirs = sorted((r for r in records if r.kind == LOG_KIND), key=lambda r: r.id)
    head = next((r for r in records if r.kind == HEAD_KIND and r.id == HEAD_ID), None)
    if not theirs:
        return "absent"
    ours = _entries([(i, vault.get(LOG_KIND, i).data) for i in vault.ids(LOG_KIND)])
    backup = _entries([(r.id, r.data) for r in theirs])
    if ours is not None and backup is not None:
        our_hashes = [e.hash() for e in ours]
        their_hashes = [e.hash() for e in backup]
        if our_hashes[: len(their_hashes)] == their_hashes:
            counts.skipped += len(theirs)
            return "same"
        signer = ours[0].signer if ours else None
        if their_hashes[: len(our_hashes)] == our_hashes and _valid_log(backup, head, signer):
            for record in theirs[len(ours) :]:
                _put(vault, record)
            if head is not None:  # always so: _valid_log needs it
                _put(vault, head)
            counts.skipped += len(ours)
            counts.added += len(theirs) - len(ours)
            return "extended"
    archived = set(vault.ids(ARCHIVE_KIND))
    for record in [*theirs, *([head] if head else [])]:
        archive_id = f"{created_at}:{record.id}"
        is_entry = int(record.kind == LOG_KIND)
        if archive_id in archived:
            counts.skipped += is_entry  # archived by an earlier import of this backup
        else:
            _put(vault, record, ARCHIVE_KIND, archive_id)
            counts.archived += is_entry
    return "diverged"


def merge_records(
    vault: Vault,
    records: Sequence[BackupRecord],
    created_at: str,
    merge: Mapping[str, Callable[[bytes, bytes], bytes]],
) -> ImportSummary:
    """Merge ``records`` (from a backup made at ``created_at``) into ``vault``.

    Raises VaultError(other_wallet), VaultLocked, RecordDamaged; writes nothing then.
    """
    vault.data_key()  # VaultLocked before anything else
    counts = _Counts()
    with vault.transaction():
        _check_seed(vault, records)
        for record in records:
            if record.kind not in (LOG_KIND, HEAD_KIND):
                _merge_one(vault, record, merge, counts)
        outcome = _merge_log(vault, records, created_at, counts)
    return ImportSummary(
        added=counts.added,
        skipped=counts.skipped,
        updated=counts.updated,
        kept_local=counts.kept_local,
        archived=counts.archived,
        log=outcome,
    )
