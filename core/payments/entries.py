"""Transaction data entries: checking one or a request's list, hashing, encoding."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from core.encoding import b64url_decode, b64url_encode, compact_json, parse_json_object
from core.errors import InvalidInput, PresentationRequestError
from core.payments.fields import TransactionView, invalid, members
from core.payments.types import (
    GENERIC,
    PAYMENT,
    SIGN_TEXT,
    Payment,
    read_generic,
    read_payment,
    read_sign_text,
)

KNOWN_TYPES: Final = (PAYMENT, GENERIC, SIGN_TEXT)
HASH_ALG: Final = "sha-256"
MAX_ENTRY_CHARS: Final = 32 * 1024


def transaction_data_hash(transaction_data: str) -> str:
    """base64url(SHA-256) of one ``transaction_data`` string exactly as received."""
    return b64url_encode(hashlib.sha256(transaction_data.encode("utf-8")).digest())


_COMMON: Final = ("type", "credential_ids", "transaction_data_hashes_alg")
_MEMBERS: Final[Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    PAYMENT: (("payload",), ()),
    GENERIC: (("subtype", "payload"), ()),
    SIGN_TEXT: (("title", "text"), ("document",)),
}


@dataclass(frozen=True)
class TransactionData:
    """One checked ``transaction_data`` entry; ``raw`` is the string exactly as received
    (what is hashed), ``view`` what the person is shown."""

    raw: str
    type: str
    credential_ids: tuple[str, ...]
    view: TransactionView
    payment: Payment | None = None

    @property
    def hash(self) -> str:
        return transaction_data_hash(self.raw)


def parse_transaction_data(raw: Any, *, now: float | None = None) -> TransactionData:
    """Check one entry (see the module docstring); ``now`` refuses past execution dates.

    Raises PresentationRequestError(unsupported_transaction_data, invalid_transaction_data).
    """
    if not isinstance(raw, str) or not raw or len(raw) > MAX_ENTRY_CHARS:
        raise invalid("each entry must be a base64url string of at most 32 KiB")
    try:
        entry = parse_json_object(b64url_decode(raw), exact_numbers=True)
    except InvalidInput as exc:
        raise invalid(f"an entry is not base64url JSON ({exc.message})") from exc
    kind = entry.get("type")
    if not isinstance(kind, str) or kind not in _MEMBERS:
        shown = kind if isinstance(kind, str) else "(none)"
        raise PresentationRequestError(
            f"The verifier asks you to sign a kind of transaction Tessera does not know "
            f"({shown[:80]}), so it will not sign anything for this request.",
            code="unsupported_transaction_data",
        )
    required, optional = _MEMBERS[kind]
    members(entry, "the entry", ["type", "credential_ids", *required], [*_COMMON, *optional])
    ids = entry["credential_ids"]
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise invalid("credential_ids must be a non-empty list of query ids")
    if len(set(ids)) != len(ids):
        raise invalid("credential_ids repeats a query id")
    algs = entry.get("transaction_data_hashes_alg", [HASH_ALG])
    if not isinstance(algs, list) or not algs or not all(isinstance(a, str) for a in algs):
        raise invalid("transaction_data_hashes_alg must be a non-empty list of names")
    if HASH_ALG not in algs:
        raise PresentationRequestError(
            "The verifier wants the transaction confirmed with a hash Tessera does not "
            f"offer ({', '.join(a[:20] for a in algs)}; Tessera uses sha-256).",
            code="unsupported_transaction_data",
        )
    payment = None
    if kind == PAYMENT:
        payment = read_payment(entry["payload"], now)
        view = payment.view()
    elif kind == GENERIC:
        view = read_generic(entry["subtype"], entry["payload"], now)
    else:
        view = read_sign_text(entry)
    return TransactionData(raw, kind, tuple(ids), view, payment)


def parse_all(
    items: Any, query_ids: Iterable[str], *, now: float | None = None
) -> tuple[TransactionData, ...]:
    """Check a request's whole ``transaction_data`` array against its credential query
    ids. Raises PresentationRequestError as :func:`parse_transaction_data` does, and
    invalid_transaction_data for an entry naming a query that is not in the request."""
    if not isinstance(items, list) or not items:
        raise invalid("transaction_data must be a non-empty array")
    known = set(query_ids)
    entries = tuple(parse_transaction_data(item, now=now) for item in items)
    for entry in entries:
        stray = sorted(set(entry.credential_ids) - known)
        if stray:
            raise invalid(
                f"an entry names credential queries the request lacks ({', '.join(stray)})"
            )
    return entries


def encode_transaction_data(entry: Mapping[str, Any]) -> str:
    """base64url of compact JSON, for verifiers building a request; ``Decimal`` amounts
    are written with exactly their own digits. Raises InvalidInput for values JSON
    cannot carry."""
    exact: list[str] = []
    marker = secrets.token_hex(8)  # placeholders no real text can collide with

    def placeholder(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): placeholder(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [placeholder(v) for v in value]
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise InvalidInput("transaction data cannot carry an infinite amount")
            exact.append(str(value))
            return f"{marker}:{len(exact) - 1}"
        return value

    try:
        text = compact_json(placeholder(entry)).decode("utf-8")
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"transaction data cannot be encoded: {exc}") from exc
    for index, digits in enumerate(exact):
        text = text.replace(f'"{marker}:{index}"', digits)
    return b64url_encode(text.encode("utf-8"))


def payment_entry(
    credential_ids: Iterable[str],
    *,
    transaction_id: str,
    amount: Decimal | str,
    currency: str,
    payee_name: str,
    payee_id: str,
    **optional: Any,
) -> str:
    """A TS12 payment entry, encoded, checked as a wallet would check it.

    Raises PresentationRequestError(invalid_transaction_data) for a payment a wallet
    would refuse, InvalidInput for values JSON cannot carry.
    """
    payload = {
        "transaction_id": transaction_id,
        "amount": Decimal(amount),
        "currency": currency,
        "payee": {"name": payee_name, "id": payee_id},
        **optional,
    }
    raw = encode_transaction_data(
        {"type": PAYMENT, "credential_ids": list(credential_ids), "payload": payload}
    )
    parse_transaction_data(raw)
    return raw
