"""The activity log: append-only, hash-chained, signed by the wallet's log key.

Wire form of one entry (a JSON object; JSON lines when exported)::

    {"seq": 0, "time": "2025-01-31T12:00:00.000Z", "kind": "identity.created",
     "summary": "Created identity did:key:z6Mk…", "details": {...},
     "prev": "000…000", "signer": "did:key:z6Mk…", "sig": "<base64url>"}

- ``seq`` counts from 0 without gaps; ``time`` is RFC 3339 UTC with milliseconds (the
  :class:`Entry` holds it as float epoch seconds, rounded to the millisecond).
- ``prev`` is the lowercase hex SHA-256 of the JCS (RFC 8785) bytes of the previous
  entry *including* its ``sig``; 64 zeros for entry 0. That is the entry's hash.
- ``sig`` is base64url of the Ed25519 signature by ``signer`` (a did:key) over the JCS
  bytes of the entry without ``sig``.

Checking needs only :mod:`core` (``verify_jsonl``): no vault, no network. What a bare
export cannot show is that entries were cut off *at the end*; the vault keeps a head
record (last ``seq`` and hash) so :meth:`Ledger.verify` detects that too.
"""

from core.ledger.entry import (
    GENESIS,
    Entry,
    LedgerHead,
    did_key_of,
    format_time,
    parse_time,
    signer_key,
)
from core.ledger.stored import (
    ARCHIVE_KIND,
    HEAD_ID,
    HEAD_KIND,
    LOG_KIND,
    Ledger,
    entry_record_id,
)
from core.ledger.verify import (
    LedgerReport,
    export_jsonl,
    parse_jsonl,
    verify_entries,
    verify_jsonl,
)

__all__ = [
    "ARCHIVE_KIND",
    "GENESIS",
    "HEAD_ID",
    "HEAD_KIND",
    "LOG_KIND",
    "Entry",
    "Ledger",
    "LedgerHead",
    "LedgerReport",
    "did_key_of",
    "entry_record_id",
    "export_jsonl",
    "format_time",
    "parse_jsonl",
    "parse_time",
    "signer_key",
    "verify_entries",
    "verify_jsonl",
]
