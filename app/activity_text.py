"""Words for one activity log entry, as its detail pane shows it: each detail the entry
holds as a plain label and a value, known keys by name, unknown ones as they are.

Only what the entry contains is shown: a detail that is absent or null gives no row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QLocale

from app.credential_text import format_words
from app.formatting import key_type, local_time, method_name
from core.consents import DURATION_WORDS
from core.ledger import Entry


@dataclass(frozen=True)
class DetailRow:
    """One line of the detail pane; ``mono`` values are codes to compare (hashes, ids)."""

    label: str
    value: str
    mono: bool = False


def text_of(value: Any) -> str:
    """A logged value as text: lists joined, yes/no for booleans, objects as JSON."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence):
        return ", ".join(text_of(item) for item in value) or "none"
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=_plain)
    return str(value)


def _plain(value: Any) -> Any:
    """What json.dumps cannot take itself: the read-only mappings an entry holds."""
    return dict(value) if isinstance(value, Mapping) else str(value)


def _words(value: str) -> str:
    words = value.replace("_", " ")
    return words[:1].upper() + words[1:]


def _duration(value: Any) -> str:
    words = DURATION_WORDS.get(value) if isinstance(value, str) else None
    return _words(words) if words else text_of(value)


#: key → (label, how to show the value, monospace). Keys not here show as "key: value".
LABELS: dict[str, tuple[str, Callable[[Any], str], bool]] = {
    "currency": ("Currency", text_of, False),
    "payee": ("Payee", text_of, False),
    "payee_id": ("Payee account", text_of, False),
    "transaction_id": ("Transaction ID", text_of, False),
    "title": ("Transaction", text_of, False),
    "type": ("Transaction type", text_of, False),
    "verifier_name": ("Verifier", text_of, False),
    "verifier": ("Verifier identifier", text_of, False),
    "verified": ("Verifier verified", text_of, False),
    "audience": ("Shared with", text_of, False),
    "disclosed": ("Claims shared", text_of, False),
    "shared_whole": ("Shared whole", text_of, False),
    "transaction_data": ("Transactions confirmed", text_of, False),
    "purpose": ("Purpose", text_of, False),
    "claims": ("Claims", text_of, False),
    "credentials": ("Credential IDs", text_of, True),
    "duration": ("Duration", _duration, False),
    "vct": ("Credential type", text_of, False),
    "issuer": ("Issuer", text_of, False),
    "format": ("Format", lambda value: format_words(text_of(value)), False),
    "types": ("Types", text_of, False),
    "holder_did": ("Bound to identity", text_of, False),
    "holder": ("Signed by identity", text_of, False),
    "did": ("Identity", text_of, False),
    "method": ("Method", lambda value: method_name(text_of(value)), False),
    "alg": ("Key type", lambda value: key_type(text_of(value)), False),
    "old": ("Status before", lambda value: _words(text_of(value)), False),
    "new": ("Status now", lambda value: _words(text_of(value)), False),
    "file": ("File", text_of, False),
    "consent_hash": ("Consent hash", text_of, True),
}
#: The order known keys are shown in; unknown keys follow in the entry's order.
ORDER = ("amount", "currency", "payee", "payee_id", "transaction_id", "title", "verifier_name",
         "verifier", "verified", "audience", "disclosed", "shared_whole", "purpose", "claims",
         "duration", "until", "vct", "issuer", "format", "types", "holder_did", "holder",
         "did", "method", "alg", "old", "new", "file", "id", "credentials", "type",
         "transaction_data", "hash", "consent_hash")


def _id_label(kind: str) -> str:
    noun = kind.partition(".")[0]
    return {"credential": "Credential ID", "consent": "Consent ID"}.get(noun, "ID")


def detail_rows(entry: Entry, locale: QLocale | None = None) -> list[DetailRow]:
    """The entry's details as label and value rows, known keys first in a fixed order."""
    details = entry.details
    present = {key: value for key, value in details.items() if value is not None}
    if present.get("transaction_data") == 0:  # a presentation that confirmed no transaction
        del present["transaction_data"]
    rows: list[DetailRow] = []
    done: set[str] = set()
    for key in ORDER:
        if key not in present or key in done:  # absent, or shown with another key
            continue
        value = present[key]
        done.add(key)
        if key == "amount":
            currency = present.get("currency")
            done.add("currency")
            shown = f"{text_of(value)} {text_of(currency)}" if currency is not None else value
            rows.append(DetailRow("Amount", text_of(shown)))
        elif key == "until":
            moment = isinstance(value, int | float) and not isinstance(value, bool)
            rows.append(DetailRow("Until", local_time(value, locale) if moment else text_of(value)))
        elif key == "id":
            rows.append(DetailRow(_id_label(entry.kind), text_of(value), mono=True))
        elif key == "hash":
            algorithm = present.get("hash_alg")
            done.add("hash_alg")
            label = f"Hash ({text_of(algorithm).upper()})" if algorithm is not None else "Hash"
            rows.append(DetailRow(label, text_of(value), mono=True))
        else:
            label, show, mono = LABELS[key]
            rows.append(DetailRow(label, show(value), mono))
    rows.extend(
        DetailRow(key, text_of(value)) for key, value in present.items() if key not in done
    )
    return rows


def entry_footer(entry: Entry, locale: QLocale | None = None) -> str:
    """ "Entry 12 · 2026-05-14 12:00": the entry's number in the log and when it was made."""
    return f"Entry {entry.seq} · {local_time(entry.time, locale)}"
