"""The wallet's own log, kept in the vault next to a head record (see :mod:`core.ledger`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from core.clock import Clock
from core.encoding import parse_json_object
from core.errors import InvalidInput, LedgerBroken, RecordDamaged, RecordNotFound, VaultError
from core.keys import Ed25519PrivateKey
from core.ledger.entry import GENESIS, Entry, LedgerHead, did_key_of
from core.ledger.verify import LedgerReport, verify_entries

if TYPE_CHECKING:
    from core.vault.store import Vault

LOG_KIND: Final = "log"
HEAD_KIND: Final = "log-head"
HEAD_ID: Final = "head"
ARCHIVE_KIND: Final = "log-archive"


def entry_record_id(seq: int) -> str:
    """The vault record id of entry ``seq`` (zero-padded so ids sort by ``seq``)."""
    return f"{seq:012d}"


class Ledger:
    """The wallet's log, stored in ``vault`` as records ``log``/``000000000017`` plus a
    ``log-head``/``head`` record, signed with ``log_key``. Needs an unlocked vault."""

    def __init__(self, vault: Vault, log_key: Ed25519PrivateKey, clock: Clock) -> None:
        self._vault = vault
        self._key = log_key
        self._clock = clock

    @property
    def signer(self) -> str:
        """The did:key of the log key."""
        return did_key_of(self._key.public_key)

    def head(self) -> LedgerHead | None:
        """The stored head, or None for an empty log.

        Raises VaultLocked, RecordDamaged, VaultError(log_damaged) if it is unreadable.
        """
        try:
            record = self._vault.get(HEAD_KIND, HEAD_ID)
        except RecordNotFound:
            return None
        try:
            return LedgerHead.from_json(parse_json_object(record.data))
        except InvalidInput as exc:
            raise VaultError(f"the log head is damaged: {exc}", code="log_damaged") from exc

    def append(self, kind: str, summary: str, details: Mapping[str, Any] | None = None) -> Entry:
        """Sign and store the next entry (one transaction with the head update).

        Raises InvalidInput (bad kind/summary/details), VaultLocked, RecordDamaged (head),
        VaultError(log_damaged) if stored entries are missing or extra, the head and the
        last entry disagree, or the log was signed with another key; LedgerBroken if the
        last entry is unreadable.
        """
        with self._vault.transaction():
            head = self.head()
            stored = len(self._vault.ids(LOG_KIND))  # cheap: nothing is decrypted
            if stored != (0 if head is None else head.seq + 1):
                raise VaultError(
                    "the activity log has entries missing or extra; run a log check",
                    code="log_damaged",
                )
            if head is None:
                seq, prev = 0, GENESIS
            else:
                last = self._read(entry_record_id(head.seq))
                if last.hash() != head.hash or last.seq != head.seq:
                    raise VaultError("the log head does not match its entry", code="log_damaged")
                if last.signer != self.signer:
                    raise VaultError("this log was signed with another key", code="log_damaged")
                seq, prev = head.seq + 1, head.hash
            entry = Entry.create(
                self._key,
                seq=seq,
                time=self._clock.now(),
                kind=kind,
                summary=summary,
                details=details or {},
                prev=prev,
            )
            self._vault.put_json(LOG_KIND, entry_record_id(seq), entry.to_json())
            self._vault.put_json(HEAD_KIND, HEAD_ID, LedgerHead.of(entry).to_json())
        return entry

    def _read(self, record_id: str) -> Entry:
        seq = int(record_id) if record_id.isdigit() else 0
        try:
            record = self._vault.get(LOG_KIND, record_id)
        except RecordDamaged as exc:
            raise LedgerBroken(
                "malformed", f"entry {seq}: its stored record is damaged", seq=seq
            ) from exc
        except RecordNotFound as exc:
            raise LedgerBroken("malformed", f"entry {seq}: missing", seq=seq) from exc
        try:
            entry = Entry.from_json(parse_json_object(record.data))
        except InvalidInput as exc:
            raise LedgerBroken(
                "malformed", f"entry {seq}: log record {record_id}: {exc.message}", seq=seq
            ) from exc
        if entry_record_id(entry.seq) != record_id:
            raise LedgerBroken(
                "malformed", f"log record {record_id} holds entry {entry.seq}", seq=entry.seq
            )
        return entry

    def entries(self, since: int = 0) -> list[Entry]:
        """Stored entries with ``seq >= since``, in order (not verified).

        Raises VaultLocked; LedgerBroken(malformed) for an entry damaged on disk or unreadable.
        """
        ids = [i for i in self._vault.ids(LOG_KIND) if not i.isdigit() or int(i) >= since]
        return [self._read(record_id) for record_id in ids]

    def verify(self) -> LedgerReport:
        """Verify the stored log against this ledger's key and the stored head.

        Raises LedgerBroken (as :func:`verify_entries`; entries missing at the end are
        ``malformed`` with ``seq`` of the first missing one; an entry damaged on disk is
        ``malformed`` too), VaultLocked, RecordDamaged or VaultError(log_damaged) for an
        unreadable head.
        """
        entries = self.entries()
        report = verify_entries(entries, expected_signer=self.signer)
        head = self.head()
        expected = -1 if head is None else head.seq
        if report.count - 1 < expected:
            raise LedgerBroken(
                "malformed",
                f"entry {report.count}: missing; the log ends early (entries were removed)",
                seq=report.count,
            )
        if report.count - 1 > expected:
            raise LedgerBroken(
                "malformed",
                f"entry {expected + 1}: beyond the recorded end of the log",
                seq=expected + 1,
            )
        if head is not None and head.hash != report.head:
            raise LedgerBroken(
                "malformed", f"entry {head.seq}: differs from the recorded end", seq=head.seq
            )
        return report
