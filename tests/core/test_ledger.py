"""The signed, hash-chained activity log: building, storing, tampering, checking with core alone."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.clock import FixedClock
from core.encoding import b64url_encode, multibase_encode
from core.errors import InvalidInput, LedgerBroken, VaultError, VaultLocked
from core.keys import Ed25519PrivateKey, P256PrivateKey
from core.ledger import (
    GENESIS,
    LOG_KIND,
    Entry,
    Ledger,
    did_key_of,
    entry_record_id,
    export_jsonl,
    format_time,
    parse_jsonl,
    parse_time,
    verify_entries,
    verify_jsonl,
)
from core.vault.kdf import KdfParams
from core.vault.store import DB_NAME, Vault
from tests.conftest import REPO_ROOT

START = 1_700_000_000.0
LOG_KEY = Ed25519PrivateKey(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey(bytes(range(1, 33)))
SIGNER = did_key_of(LOG_KEY.public_key)

Dicts = list[dict[str, Any]]


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    with Vault.create(tmp_path / "v", "pass phrase", kdf=KdfParams.FAST_INSECURE) as v:
        yield v


def fill(ledger: Ledger, clock: FixedClock, count: int) -> None:
    for n in range(count):
        clock.advance(1.25)
        ledger.append("test.event", f"Event number {n}.", {"n": n, "tags": ["a", {"b": n}]})


@pytest.fixture(scope="module")
def log50() -> Dicts:
    """Fifty signed entries as exported JSON objects."""
    entries: list[Entry] = []
    prev = GENESIS
    for n in range(50):
        entry = Entry.create(LOG_KEY, seq=n, time=START + n, kind="test.event",
                             summary=f"Event {n}.", details={"n": n}, prev=prev)
        entries.append(entry)
        prev = entry.hash()
    return [json.loads(line) for line in export_jsonl(entries).splitlines()]


def resign(items: Dicts, key: Ed25519PrivateKey, start: int = 0) -> Dicts:
    """Re-sign entries from ``start`` on with ``key``, re-linking the chain."""
    out = [dict(d) for d in items]
    prev = GENESIS if start == 0 else Entry.from_json(out[start - 1]).hash()
    for index in range(start, len(out)):
        d = out[index]
        entry = Entry.create(key, seq=d["seq"], time=parse_time(d["time"]), kind=d["kind"],
                             summary=d["summary"], details=d["details"], prev=prev)
        out[index] = entry.to_json()
        prev = entry.hash()
    return out


def edit(index: int, **changes: Any) -> Callable[[Dicts], Dicts]:
    def apply(items: Dicts) -> Dicts:
        out = [dict(d) for d in items]
        out[index].update(changes)
        return out
    return apply


def forge_replacement(items: Dicts) -> Dicts:
    """Someone with the log key rewrites entry 17 validly but cannot fix entry 18's link."""
    out = [dict(d) for d in items]
    d = out[17]
    out[17] = Entry.create(LOG_KEY, seq=17, time=parse_time(d["time"]), kind=d["kind"],
                           summary="Nothing happened here.", details={}, prev=d["prev"]).to_json()
    return out


TAMPERING: list[tuple[str, Callable[[Dicts], Dicts], str | None, str, int]] = [
    # (case, change, expected_signer, code, first bad seq)
    ("changed summary", edit(17, summary="Paid 1000 EUR."), None, "bad_signature", 17),
    ("changed details", edit(17, details={"n": 170}), None, "bad_signature", 17),
    ("changed time", edit(17, time="2030-01-01T00:00:00.000Z"), None, "bad_signature", 17),
    ("changed kind", edit(17, kind="test.other"), None, "bad_signature", 17),
    ("changed seq", edit(17, seq=18), None, "malformed", 17),
    ("removed entry in the middle", lambda e: e[:17] + e[18:], None, "malformed", 17),
    ("removed first entry", lambda e: e[1:], None, "malformed", 0),
    ("reordered entries", lambda e: [*e[:17], e[18], e[17], *e[19:]], None, "malformed", 17),
    ("duplicate seq", lambda e: [*e[:18], e[17], *e[18:]], None, "malformed", 18),
    ("swapped signer", lambda e: resign(e, OTHER_KEY), SIGNER, "bad_signature", 0),
    ("one entry by another key", lambda e: resign(e, OTHER_KEY, 17)[:18] + e[18:], None,
     "bad_signature", 17),
    ("forged signature", edit(17, sig=b64url_encode(bytes(range(64)))), None, "bad_signature", 17),
    ("replaced by a validly signed entry", forge_replacement, None, "malformed", 18),
    ("broken link on entry 0", edit(0, prev="1" * 64), None, "malformed", 0),
    ("extra member", edit(17, note="hi"), None, "malformed", 17),
    ("missing sig", lambda e: [*e[:17], {k: v for k, v in e[17].items() if k != "sig"}, *e[18:]],
     None, "malformed", 17),
    ("signature of the wrong length", edit(17, sig=b64url_encode(bytes(63))), None, "malformed", 17),
    ("signer is not a did:key", edit(17, signer="did:web:example.com"), None, "malformed", 17),
]


def test_fifty_entries_verify(log50: Dicts) -> None:
    report = verify_entries(log50, expected_signer=SIGNER)
    assert report.count == 50 and report.signer == SIGNER
    assert report.head == Entry.from_json(log50[-1]).hash()
    assert report.last_time == START + 49


@pytest.mark.parametrize(
    ("change", "expected_signer", "code", "seq"),
    [case[1:] for case in TAMPERING],
    ids=[case[0] for case in TAMPERING],
)
def test_tampering_names_the_first_bad_entry(
    log50: Dicts, change: Callable[[Dicts], Dicts], expected_signer: str | None, code: str,
    seq: int,
) -> None:
    with pytest.raises(LedgerBroken) as caught:
        verify_entries(change(log50), expected_signer=expected_signer)
    assert (caught.value.code, caught.value.seq) == (code, seq)
    assert caught.value.message.startswith(f"entry {seq}: ")
    # The same through the exported JSON lines.
    text = "".join(json.dumps(d) + "\n" for d in change(log50))
    with pytest.raises(LedgerBroken) as again:
        verify_jsonl(text, expected_signer=expected_signer)
    assert (again.value.code, again.value.seq) == (code, seq)


def test_chain_break_message_says_what_broke(log50: Dicts) -> None:
    with pytest.raises(LedgerBroken) as caught:
        verify_entries(forge_replacement(log50))
    assert str(caught.value) == (
        "entry 18: its link to entry 17 is broken (entries were removed, reordered or changed)"
    )


def test_removed_last_entries_are_not_visible_in_an_export_alone(log50: Dicts) -> None:
    """A bare export cannot show truncation at its end: compare the head with a trusted one."""
    report = verify_entries(log50[:-1])
    assert report.count == 49
    assert report.head != verify_entries(log50).head


def test_another_signer_verifies_only_when_not_pinned(log50: Dicts) -> None:
    assert verify_entries(resign(log50, OTHER_KEY)).signer == did_key_of(OTHER_KEY.public_key)


def test_empty_log_verifies() -> None:
    report = verify_entries([])
    assert (report.count, report.signer, report.head) == (0, None, GENESIS)


# --- the stored log ---------------------------------------------------------------------


def test_append_fifty_and_verify_stored(vault: Vault) -> None:
    clock = FixedClock(START)
    ledger = Ledger(vault, LOG_KEY, clock)
    assert ledger.head() is None and ledger.entries() == []
    fill(ledger, clock, 50)
    entries = ledger.entries()
    assert [e.seq for e in entries] == list(range(50))
    assert entries[3].time == START + 4 * 1.25 and entries[3].summary == "Event number 3."
    assert entries[0].prev == GENESIS and entries[1].prev == entries[0].hash()
    head = ledger.head()
    assert head is not None and (head.seq, head.hash) == (49, entries[-1].hash())
    report = ledger.verify()
    assert report.count == 50 and report.signer == SIGNER == ledger.signer
    assert [e.seq for e in ledger.entries(since=45)] == [45, 46, 47, 48, 49]


@pytest.mark.parametrize(("removed", "seq"), [([49], 49), ([47, 48, 49], 47), ([20], 20)])
def test_stored_log_detects_removed_entries_even_at_the_end(
    vault: Vault, removed: list[int], seq: int
) -> None:
    clock = FixedClock(START)
    ledger = Ledger(vault, LOG_KEY, clock)
    fill(ledger, clock, 50)
    for n in removed:
        assert vault.delete(LOG_KIND, entry_record_id(n))
    with pytest.raises(LedgerBroken) as caught:
        ledger.verify()
    assert (caught.value.code, caught.value.seq) == ("malformed", seq)
    with pytest.raises(VaultError) as refused:
        ledger.append("test.event", "After the cut.", {})
    assert refused.value.code == "log_damaged"


def test_stored_entry_damaged_on_disk_is_named(vault: Vault) -> None:
    clock = FixedClock(START)
    ledger = Ledger(vault, LOG_KEY, clock)
    fill(ledger, clock, 10)
    db = sqlite3.connect(vault.directory / DB_NAME, isolation_level=None)
    try:
        where = "WHERE kind = 'log' AND id = ?"
        (blob,) = db.execute(f"SELECT sealed FROM records {where}", (entry_record_id(6),)).fetchone()
        db.execute(f"UPDATE records SET sealed = ? {where}", (blob[:-1] + bytes([blob[-1] ^ 1]), entry_record_id(6)))
    finally:
        db.close()
    with pytest.raises(LedgerBroken) as caught:
        ledger.verify()
    assert (caught.value.code, caught.value.seq) == ("malformed", 6)
    assert "damaged" in caught.value.message


def test_stored_log_refuses_another_key(vault: Vault) -> None:
    clock = FixedClock(START)
    fill(Ledger(vault, LOG_KEY, clock), clock, 3)
    with pytest.raises(VaultError) as refused:
        Ledger(vault, OTHER_KEY, clock).append("test.event", "Not mine.", {})
    assert refused.value.code == "log_damaged"
    with pytest.raises(LedgerBroken) as caught:
        Ledger(vault, OTHER_KEY, clock).verify()
    assert (caught.value.code, caught.value.seq) == ("bad_signature", 0)


def test_append_joins_the_callers_transaction(vault: Vault) -> None:
    ledger = Ledger(vault, LOG_KEY, FixedClock(START))
    ledger.append("wallet.created", "Created this wallet.")
    with pytest.raises(RuntimeError), vault.transaction():
        ledger.append("identity.created", "Created an identity.", {"did": "did:example:1"})
        raise RuntimeError("the identity could not be stored")
    assert [e.kind for e in ledger.entries()] == ["wallet.created"]
    assert ledger.verify().count == 1


def test_constructor_does_no_work_and_a_locked_vault_refuses(vault: Vault) -> None:
    vault.lock()
    ledger = Ledger(vault, LOG_KEY, FixedClock(START))
    with pytest.raises(VaultLocked):
        ledger.append("test.event", "Locked.", {})


# --- entries and time -------------------------------------------------------------------

GOOD: dict[str, Any] = {"seq": 0, "time": START, "kind": "a.b", "summary": "Fine.", "details": {},
        "prev": GENESIS}

BAD_FIELDS: list[tuple[str, dict[str, Any]]] = [
    ("negative seq", {"seq": -1}),
    ("bool seq", {"seq": True}),
    ("time before 1970", {"time": -1.0}),
    ("time not finite", {"time": float("nan")}),
    ("empty kind", {"kind": ""}),
    ("kind with capitals", {"kind": "Identity.Created"}),
    ("kind with spaces", {"kind": "identity created"}),
    ("kind too long", {"kind": "a" * 65}),
    ("kind with empty part", {"kind": "a..b"}),
    ("blank summary", {"summary": "   "}),
    ("summary with newline", {"summary": "one\ntwo"}),
    ("summary too long", {"summary": "x" * 501}),
    ("details not an object", {"details": [1, 2]}),
    ("details not JSON", {"details": {"x": float("inf")}}),
    ("details with a big integer", {"details": {"x": 2**60}}),
    ("details with non-string key", {"details": {1: "x"}}),
    ("details too large", {"details": {"x": "y" * 70_000}}),
    ("prev uppercase", {"prev": "A" * 64}),
    ("prev short", {"prev": "0" * 63}),
]


@pytest.mark.parametrize("change", [c for _, c in BAD_FIELDS], ids=[n for n, _ in BAD_FIELDS])
def test_entries_are_validated_when_built(change: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        Entry.create(LOG_KEY, **{**GOOD, **change})


def test_signer_must_be_an_ed25519_did_key() -> None:
    entry = Entry.create(LOG_KEY, **GOOD)
    p256 = "did:key:" + multibase_encode(P256PrivateKey.generate().public_key.to_multicodec())
    with pytest.raises(InvalidInput):
        Entry.from_json({**entry.to_json(), "signer": p256})


def test_entry_is_immutable_and_round_trips() -> None:
    entry = Entry.create(LOG_KEY, **{**GOOD, "time": START + 0.12345, "details": {"a": [1, {"b": 2}]}})
    assert entry.time == START + 0.123
    assert Entry.from_json(json.loads(json.dumps(entry.to_json()))) == entry
    with pytest.raises(TypeError):
        entry.details["a"] = 1  # type: ignore[index]
    assert isinstance(entry.details["a"], tuple)


@pytest.mark.parametrize(
    ("epoch", "text"),
    [(0, "1970-01-01T00:00:00.000Z"), (START + 0.5, "2023-11-14T22:13:20.500Z"),
     (951782400.999, "2000-02-29T00:00:00.999Z")],
)
def test_time_format(epoch: float, text: str) -> None:
    assert format_time(epoch) == text and parse_time(text) == epoch


@pytest.mark.parametrize(
    "text",
    ["2023-11-14T22:13:20Z", "2023-11-14T22:13:20.5Z", "2023-11-14T22:13:20.500+00:00",
     "2023-02-29T00:00:00.000Z", "2023-11-14 22:13:20.500Z", "1969-12-31T23:59:59.999Z", 5],
)
def test_time_parsing_is_strict(text: Any) -> None:
    with pytest.raises(InvalidInput):
        parse_time(text)


# --- JSON lines -------------------------------------------------------------------------


def test_jsonl_round_trip(log50: Dicts) -> None:
    entries = [Entry.from_json(d) for d in log50]
    text = export_jsonl(entries)
    assert text.count("\n") == 50 and text.endswith("\n")
    assert parse_jsonl(text) == log50
    assert parse_jsonl(text.rstrip("\n")) == log50
    assert verify_jsonl(text, expected_signer=SIGNER).count == 50
    assert parse_jsonl("") == []


@pytest.mark.parametrize(
    ("text", "line"),
    [('{"a":1}\n[1]\n', 2), ('{"a":1}\n\n{"a":1}\n', 2), ('{"a":1,"a":2}\n', 1),
     ('{"a":1}\n{"a":NaN}\n', 2), ('{"a":1}\n{"a"\n', 2)],
)
def test_bad_jsonl_names_the_line(text: str, line: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_jsonl(text)
    assert caught.value.message.startswith(f"line {line}: ")
    with pytest.raises(LedgerBroken) as broken:
        verify_jsonl(text)
    assert (broken.value.code, broken.value.seq) == ("malformed", line - 1)


CHECKER = """
import json, sys
from core.ledger import verify_jsonl
from core.errors import LedgerBroken
try:
    report = verify_jsonl(sys.stdin.read(), expected_signer=sys.argv[1])
except LedgerBroken as exc:
    print(json.dumps({"valid": False, "code": exc.code, "seq": exc.seq, "message": str(exc)}))
    sys.exit(1)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("core", "PySide6", "httpx", "sqlite3"))
print(json.dumps({"valid": True, "count": report.count, "head": report.head, "loaded": loaded}))
"""


def run_checker(text: str) -> tuple[int, dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-c", CHECKER, SIGNER], input=text, cwd=REPO_ROOT,
        capture_output=True, text=True, timeout=120,
    )
    assert result.stderr == ""
    return result.returncode, json.loads(result.stdout)


def test_anyone_can_check_an_export_with_core_alone(vault: Vault) -> None:
    clock = FixedClock(START)
    ledger = Ledger(vault, LOG_KEY, clock)
    fill(ledger, clock, 50)
    text = export_jsonl(ledger.entries())
    code, out = run_checker(text)
    assert code == 0 and out["count"] == 50 and out["head"] == ledger.verify().head
    assert not [m for m in out["loaded"] if m.startswith(("core.vault", "core.did", "PySide6"))]
    assert "httpx" not in out["loaded"] and "sqlite3" not in out["loaded"]

    lines = text.splitlines(keepends=True)
    lines[30] = lines[30].replace("Event number 30.", "Event number 31.")
    code, out = run_checker("".join(lines))
    assert (code, out["valid"], out["code"], out["seq"]) == (1, False, "bad_signature", 30)
