"""OpenID4VP ``transaction_data``: what a wallet is asked to sign besides a presentation.

Each entry of a request's ``transaction_data`` is a base64url string of a JSON object with
``type``, ``credential_ids`` (the DCQL credential queries whose presentations confirm it),
an optional ``transaction_data_hashes_alg`` list, and type-specific members (OpenID4VP
1.0 §5.1, §8.4). A wallet must refuse a ``type`` it does not know, so nothing it cannot
show is ever signed. Tessera knows three:

- :data:`PAYMENT` ``urn:eudi:sca:payment:1`` (EUDI TS12): ``payload`` with
  ``transaction_id``, ``amount`` (a JSON number, read exactly as a ``Decimal``, never
  through a float), ``currency`` (ISO 4217), ``payee`` {``name``, ``id``, ``website``?,
  ``logo``?}, and optionally ``date_time``, ``execution_date`` or ``recurrence`` (not
  both), ``amount_estimated``, ``amount_earmarked``, ``sct_inst`` and ``pisp``;
- :data:`GENERIC` ``urn:eudi:sca:generic:1`` (EUDI TS12): a ``subtype`` and a ``payload``
  of short texts (``transaction_id`` and up to ten more), shown label by label;
- :data:`SIGN_TEXT` ``urn:tessera:sign-text:1``: a ``title`` and a ``text`` to agree
  to (terms, a consent, a document summary), optionally naming a ``document`` by
  ``name`` and ``sha256``.

Unknown members are refused rather than ignored: a field the person is not shown must
not be signed. The KB-JWT confirms entries by :func:`transaction_data_hash`, the
base64url SHA-256 of each string exactly as received, never of re-encoded JSON.

Errors: PresentationRequestError ``unsupported_transaction_data`` (an unknown type or
hash algorithm) or ``invalid_transaction_data`` (anything else wrong), raised before
anything is signed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from core.encoding import b64url_decode, b64url_encode, compact_json, parse_json_object
from core.errors import InvalidInput, PresentationRequestError

PAYMENT: Final = "urn:eudi:sca:payment:1"
GENERIC: Final = "urn:eudi:sca:generic:1"
SIGN_TEXT: Final = "urn:tessera:sign-text:1"
KNOWN_TYPES: Final = (PAYMENT, GENERIC, SIGN_TEXT)
HASH_ALG: Final = "sha-256"
MAX_ENTRY_CHARS: Final = 32 * 1024
MAX_TEXT_CHARS: Final = 20_000
MAX_AMOUNT_DIGITS: Final = 18

#: ISO 4217 currencies whose minor unit is not 2 digits; every other code has 2.
MINOR_UNITS: Final[Mapping[str, int]] = {
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    **dict.fromkeys(["CLF", "UYW"], 4),
}

#: ISO 20022 frequency codes that TS12 allows for a recurrence, in words.
FREQUENCIES: Final[Mapping[str, str]] = {
    "INDA": "several times a day",
    "DAIL": "daily",
    "WEEK": "weekly",
    "TOWK": "every two weeks",
    "TWMN": "twice a month",
    "MNTH": "monthly",
    "TOMN": "every two months",
    "QUTR": "quarterly",
    "FOMN": "every four months",
    "SEMI": "twice a year",
    "YEAR": "yearly",
    "TYEA": "every two years",
}

_CURRENCY = re.compile(r"[A-Z]{3}")
#: Characters that change how text is displayed without being visible (bidi controls),
#: which could make a payee name or amount read differently from what is signed.
_HIDDEN: Final = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x7f"
)


def _invalid(message: str) -> PresentationRequestError:
    return PresentationRequestError(
        f"The transaction to sign is not valid: {message}.", code="invalid_transaction_data"
    )


def transaction_data_hash(transaction_data: str) -> str:
    """base64url(SHA-256) of one ``transaction_data`` string exactly as received."""
    return b64url_encode(hashlib.sha256(transaction_data.encode("utf-8")).digest())


# --- what the person sees -------------------------------------------------------------------


@dataclass(frozen=True)
class DisplayField:
    """One line of a transaction as the person reads it."""

    label: str
    value: str


@dataclass(frozen=True)
class TransactionView:
    """A transaction laid out for people: ``amount``/``currency`` and ``party`` lead
    (payments), ``text`` is a body to read (sign-text), ``fields`` are the rest, in order."""

    kind: str
    title: str
    fields: tuple[DisplayField, ...]
    amount: str | None = None
    currency: str | None = None
    party_name: str | None = None
    party_id: str | None = None
    text: str | None = None


# --- reading members strictly ---------------------------------------------------------------


def _object(
    value: Any, what: str, required: Iterable[str], optional: Iterable[str]
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _invalid(f"{what} must be a JSON object")
    required = tuple(required)
    unknown = sorted(set(value) - set(required) - set(optional))
    if unknown:
        raise _invalid(f"{what} has fields Tessera cannot show you ({', '.join(unknown)})")
    missing = [name for name in required if name not in value]
    if missing:
        raise _invalid(f"{what} lacks {', '.join(missing)}")
    return value


def _text(value: Any, what: str, max_chars: int = 140) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _invalid(f"{what} must be a non-empty text")
    if len(value) > max_chars:
        raise _invalid(f"{what} is longer than {max_chars} characters")
    if any((ord(c) < 32 and c not in "\n\t") or c in _HIDDEN for c in value):
        raise _invalid(f"{what} contains control or text-direction characters")
    return value


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise _invalid(f"{what} must be true or false")
    return value


def _when(value: Any, what: str) -> str:
    """An ISO 8601 date (``2026-12-01``) or date-time with an offset; returned as given."""
    text = _text(value, what, 40)
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError
    except ValueError as exc:
        raise _invalid(f"{what} is not an ISO 8601 date or date-time with a time zone") from exc
    return text


def _start_of(text: str) -> float:
    if len(text) == 10:
        return datetime.fromisoformat(f"{text}T23:59:59+14:00").timestamp()
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


# --- money ------------------------------------------------------------------------------------


def minor_units(currency: str) -> int:
    """Digits after the decimal point for ``currency`` (ISO 4217; 2 when not listed)."""
    return MINOR_UNITS.get(currency, 2)


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise _invalid("the currency must be a three-letter ISO 4217 code such as EUR")
    return value


def _amount(value: Any, currency: str, what: str = "the amount") -> Decimal:
    """An exact, non-negative amount with no more decimals than ``currency`` has."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _invalid(f"{what} must be a JSON number")
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise _invalid(f"{what} must be zero or more")
    if amount.adjusted() >= MAX_AMOUNT_DIGITS:
        raise _invalid(f"{what} has more than {MAX_AMOUNT_DIGITS} digits")
    places = minor_units(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise _invalid(f"{what} has more decimals than {currency} has (at most {places})")
    return amount


def format_amount(amount: Decimal, currency: str) -> str:
    """``amount`` with thousands separators and exactly the currency's decimals, no
    rounding (amounts are checked to fit when parsed): ``1,234.50``, ``1,500`` (JPY)."""
    places = minor_units(currency)
    return f"{amount.quantize(Decimal(1).scaleb(-places)):,.{places}f}"


# --- the types ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payment:
    """A TS12 payment payload, checked. ``fields`` keeps every other member for display."""

    transaction_id: str
    amount: Decimal
    currency: str
    payee_name: str
    payee_id: str
    extra: tuple[DisplayField, ...]

    def view(self) -> TransactionView:
        return TransactionView(
            kind="payment",
            title=f"Payment to {self.payee_name}",
            amount=format_amount(self.amount, self.currency),
            currency=self.currency,
            party_name=self.payee_name,
            party_id=self.payee_id,
            fields=(DisplayField("Transaction", self.transaction_id), *self.extra),
        )


def _recurrence(value: Any, currency: str) -> list[DisplayField]:
    spec = _object(
        value, "the recurrence", ["frequency"], ["start_date", "end_date", "number", "mit_options"]
    )
    frequency = spec["frequency"]
    if frequency not in FREQUENCIES:
        raise _invalid("the recurrence frequency is not an ISO 20022 code TS12 allows")
    lines = [DisplayField("Repeats", FREQUENCIES[frequency])]
    for name, label in (("start_date", "First payment"), ("end_date", "Last payment")):
        if name in spec:
            lines.append(DisplayField(label, _when(spec[name], f"the recurrence {name}")))
    if "number" in spec:
        number = spec["number"]
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise _invalid("the number of payments must be a positive whole number")
        lines.append(DisplayField("Number of payments", str(number)))
    if "mit_options" in spec:
        lines.extend(_merchant_options(spec["mit_options"], currency))
    return lines


def _merchant_options(value: Any, currency: str) -> list[DisplayField]:
    amounts = {
        "min_amount": "Smallest later amount",
        "max_amount": "Largest later amount",
        "total_amount": "Total of all payments",
        "initial_amount": "First amount",
    }
    spec = _object(
        value,
        "the merchant-initiated payment options",
        [],
        [*amounts, "amount_variable", "initial_amount_number", "apr"],
    )
    lines = []
    if "amount_variable" in spec:
        variable = _flag(spec["amount_variable"], "amount_variable")
        lines.append(DisplayField("Later amounts", "may vary" if variable else "stay the same"))
    for name, label in amounts.items():
        if name in spec:
            shown = format_amount(_amount(spec[name], currency, label.lower()), currency)
            lines.append(DisplayField(label, f"{shown} {currency}"))
    if "initial_amount_number" in spec:
        count = spec["initial_amount_number"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise _invalid("initial_amount_number must be a positive whole number")
        lines.append(DisplayField("Payments at the first amount", str(count)))
    if "apr" in spec:
        apr = spec["apr"]
        if isinstance(apr, bool) or not isinstance(apr, int | Decimal) or apr < 0:
            raise _invalid("the APR must be a number of zero or more")
        lines.append(DisplayField("Annual percentage rate", f"{Decimal(apr)} %"))
    return lines


def _payment(payload: Any, now: float | None) -> Payment:
    spec = _object(
        payload,
        "the payment",
        ["transaction_id", "amount", "currency", "payee"],
        [
            "date_time",
            "execution_date",
            "recurrence",
            "amount_estimated",
            "amount_earmarked",
            "sct_inst",
            "pisp",
        ],
    )
    transaction_id = _text(spec["transaction_id"], "the transaction id", 36)
    currency = _currency(spec["currency"])
    amount = _amount(spec["amount"], currency)
    payee = _object(spec["payee"], "the payee", ["name", "id"], ["website", "logo"])
    extra: list[DisplayField] = []
    if "website" in payee:
        extra.append(DisplayField("Payee website", _text(payee["website"], "the website", 2048)))
    if "logo" in payee:
        _text(payee["logo"], "the payee logo", MAX_ENTRY_CHARS)
        extra.append(
            DisplayField("Payee logo", "given, not loaded (Tessera loads no images from payees)")
        )
    if "execution_date" in spec and "recurrence" in spec:
        raise _invalid("a payment has an execution date or a recurrence, not both")
    if "execution_date" in spec:
        when = _when(spec["execution_date"], "the execution date")
        if now is not None and _start_of(when) < now:
            raise _invalid("the execution date lies in the past")
        extra.append(DisplayField("Paid on", when))
    if "recurrence" in spec:
        extra.extend(_recurrence(spec["recurrence"], currency))
    flags = (
        ("amount_estimated", "The amount is an estimate", "The amount is final"),
        ("amount_earmarked", "The amount is reserved on your account now", None),
        ("sct_inst", "Instant credit transfer (SCT Inst)", None),
    )
    for name, yes, no in flags:
        if name in spec:
            if _flag(spec[name], name):
                extra.append(DisplayField("Note", yes))
            elif no:
                extra.append(DisplayField("Note", no))
    if "pisp" in spec:
        pisp = _object(
            spec["pisp"],
            "the payment initiation service",
            ["legal_name", "brand_name", "domain_name"],
            [],
        )
        shown = (
            f"{_text(pisp['brand_name'], 'the PISP brand')} "
            f"({_text(pisp['legal_name'], 'the PISP legal name')}, "
            f"{_text(pisp['domain_name'], 'the PISP domain')})"
        )
        extra.append(DisplayField("Initiated by", shown))
    if "date_time" in spec:
        extra.append(DisplayField("Requested at", _when(spec["date_time"], "date_time")))
    return Payment(
        transaction_id,
        amount,
        currency,
        _text(payee["name"], "the payee name"),
        _text(payee["id"], "the payee id"),
        tuple(extra),
    )


def _label(name: str) -> str:
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _generic(subtype: Any, payload: Any, now: float | None) -> TransactionView:
    name = _text(subtype, "the subtype", 64)
    if not isinstance(payload, dict) or "transaction_id" not in payload:
        raise _invalid("the payload must be an object with a transaction_id")
    if len(payload) > 11:
        raise _invalid("the payload has more than 11 fields")
    fields = [
        DisplayField("Transaction", _text(payload["transaction_id"], "the transaction id", 36))
    ]
    for key, value in payload.items():
        if key in ("transaction_id", "payment_payload"):
            continue
        _text(key, "a field name", 64)
        shown = "(empty)" if value is None else _text(value, f"the field {key!r}", 40)
        fields.append(DisplayField(_label(key), shown))
    if "payment_payload" not in payload:
        return TransactionView(kind="generic", title=_label(name), fields=tuple(fields))
    payment = _payment(payload["payment_payload"], now).view()
    return TransactionView(
        kind="generic",
        title=_label(name),
        fields=(*fields, *payment.fields[1:]),
        amount=payment.amount,
        currency=payment.currency,
        party_name=payment.party_name,
        party_id=payment.party_id,
    )


def _sign_text(entry: Mapping[str, Any]) -> TransactionView:
    title = _text(entry["title"], "the title", 200)
    text = _text(entry["text"], "the text", MAX_TEXT_CHARS)
    fields: list[DisplayField] = []
    if "document" in entry:
        document = _object(entry["document"], "the document", ["name", "sha256"], [])
        digest = document["sha256"]
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise _invalid("the document's sha256 must be 64 lowercase hex digits")
        fields.append(DisplayField("Document", _text(document["name"], "the document name", 200)))
        fields.append(DisplayField("Document SHA-256", digest))
    return TransactionView(kind="sign-text", title=title, text=text, fields=tuple(fields))


# --- entries ----------------------------------------------------------------------------------

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
        raise _invalid("each entry must be a base64url string of at most 32 KiB")
    try:
        entry = parse_json_object(b64url_decode(raw), exact_numbers=True)
    except InvalidInput as exc:
        raise _invalid(f"an entry is not base64url JSON ({exc.message})") from exc
    kind = entry.get("type")
    if not isinstance(kind, str) or kind not in _MEMBERS:
        shown = kind if isinstance(kind, str) else "(none)"
        raise PresentationRequestError(
            f"The verifier asks you to sign a kind of transaction Tessera does not know "
            f"({shown[:80]}), so it will not sign anything for this request.",
            code="unsupported_transaction_data",
        )
    required, optional = _MEMBERS[kind]
    _object(entry, "the entry", ["type", "credential_ids", *required], [*_COMMON, *optional])
    ids = entry["credential_ids"]
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise _invalid("credential_ids must be a non-empty list of query ids")
    if len(set(ids)) != len(ids):
        raise _invalid("credential_ids repeats a query id")
    algs = entry.get("transaction_data_hashes_alg", [HASH_ALG])
    if not isinstance(algs, list) or not algs or not all(isinstance(a, str) for a in algs):
        raise _invalid("transaction_data_hashes_alg must be a non-empty list of names")
    if HASH_ALG not in algs:
        raise PresentationRequestError(
            "The verifier wants the transaction confirmed with a hash Tessera does not "
            f"offer ({', '.join(a[:20] for a in algs)}; Tessera uses sha-256).",
            code="unsupported_transaction_data",
        )
    payment = None
    if kind == PAYMENT:
        payment = _payment(entry["payload"], now)
        view = payment.view()
    elif kind == GENERIC:
        view = _generic(entry["subtype"], entry["payload"], now)
    else:
        view = _sign_text(entry)
    return TransactionData(raw, kind, tuple(ids), view, payment)


def parse_all(
    items: Any, query_ids: Iterable[str], *, now: float | None = None
) -> tuple[TransactionData, ...]:
    """Check a request's whole ``transaction_data`` array against its credential query
    ids. Raises PresentationRequestError as :func:`parse_transaction_data` does, and
    invalid_transaction_data for an entry naming a query that is not in the request."""
    if not isinstance(items, list) or not items:
        raise _invalid("transaction_data must be a non-empty array")
    known = set(query_ids)
    entries = tuple(parse_transaction_data(item, now=now) for item in items)
    for entry in entries:
        stray = sorted(set(entry.credential_ids) - known)
        if stray:
            raise _invalid(
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
