"""Checking a log with nothing but :mod:`core`: entries or JSON lines in, a report out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.encoding import b64url_decode, canonical_json, parse_json_object
from core.errors import InvalidInput, LedgerBroken, VerificationError
from core.jose import verify_bytes
from core.ledger.entry import GENESIS, Entry, signer_key


@dataclass(frozen=True)
class LedgerReport:
    """A log that verified: how many entries, by whom, and the hash of the last one."""

    count: int
    signer: str | None
    head: str
    last_time: float | None


def verify_entries(
    unverified_entries: Iterable[Entry | Mapping[str, Any]], expected_signer: str | None = None
) -> LedgerReport:
    """Check numbering from 0, the hash chain and every signature; all by one signer.

    ``expected_signer`` (a did:key) pins the signer; otherwise entry 0's signer is used.
    A log cut off at the end still verifies: compare ``report.head`` with a trusted head.
    Raises LedgerBroken naming the first bad entry: ``malformed`` (bad structure, a gap
    or repeat in ``seq``, a broken ``prev`` link) or ``bad_signature`` (signature or signer).
    """
    prev = GENESIS
    signer = expected_signer
    last_time: float | None = None
    count = 0
    for position, item in enumerate(unverified_entries):
        entry = _as_entry(item, position)
        if entry.seq != position:
            if entry.seq < position:
                what = f"found entry {entry.seq} again, or out of order"
            else:
                what = f"found entry {entry.seq}; entries were removed or reordered"
            raise LedgerBroken("malformed", f"entry {position}: {what}", seq=position)
        if signer is None:
            signer = entry.signer
        if entry.signer != signer:
            raise LedgerBroken(
                "bad_signature",
                f"entry {position}: signed by {entry.signer}, not by the log key {signer}",
                seq=position,
            )
        if entry.prev != prev:
            link = (
                "its link to the start of the log"
                if position == 0
                else (f"its link to entry {position - 1}")
            )
            raise LedgerBroken(
                "malformed",
                f"entry {position}: {link} is broken (entries were removed, reordered or changed)",
                seq=position,
            )
        try:
            verify_bytes(signer_key(entry.signer), entry.signing_input(), b64url_decode(entry.sig))
        except VerificationError as exc:
            raise LedgerBroken(
                "bad_signature",
                f"entry {position}: its signature does not verify (the entry was changed)",
                seq=position,
            ) from exc
        prev = entry.hash()
        last_time = entry.time
        count += 1
    return LedgerReport(count=count, signer=signer, head=prev, last_time=last_time)


def _as_entry(item: Entry | Mapping[str, Any], position: int) -> Entry:
    if isinstance(item, Entry):
        return item
    try:
        return Entry.from_json(item)
    except InvalidInput as exc:
        raise LedgerBroken("malformed", f"entry {position}: {exc.message}", seq=position) from exc


def export_jsonl(entries: Iterable[Entry]) -> str:
    """One JCS JSON object per line, each line ending in ``\\n``."""
    return "".join(canonical_json(e.to_json()).decode("utf-8") + "\n" for e in entries)


def _lines(text: str) -> list[str]:
    if not isinstance(text, str):
        raise InvalidInput("JSON lines must be text")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def parse_jsonl(text: str) -> list[dict[str, Any]]:
    """Parse JSON lines strictly: every line one JSON object; a final newline is allowed.

    Raises InvalidInput naming the (1-based) line that is bad.
    """
    result: list[dict[str, Any]] = []
    for number, line in enumerate(_lines(text), start=1):
        try:
            result.append(parse_json_object(line))
        except InvalidInput as exc:
            raise InvalidInput(f"line {number}: {exc.message}", code=exc.code) from exc
    return result


def verify_jsonl(text: str, expected_signer: str | None = None) -> LedgerReport:
    """:func:`parse_jsonl` then :func:`verify_entries`.

    Raises LedgerBroken; an unreadable line N is ``malformed`` with ``seq`` N - 1.
    """
    try:
        lines = _lines(text)
    except InvalidInput as exc:
        raise LedgerBroken("malformed", exc.message, seq=0) from exc
    unverified: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        try:
            unverified.append(parse_json_object(line))
        except InvalidInput as exc:
            raise LedgerBroken(
                "malformed", f"line {number}: {exc.message}", seq=number - 1
            ) from exc
    return verify_entries(unverified, expected_signer)
