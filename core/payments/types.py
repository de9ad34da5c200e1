"""The transaction types Tessera can show: TS12 payment and generic, Tessera sign-text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from core.payments.fields import (
    MAX_TEXT_CHARS,
    DisplayField,
    TransactionView,
    flag,
    invalid,
    iso_moment,
    latest_moment,
    members,
    short_text,
)
from core.payments.money import currency_code, exact_amount, format_amount

PAYMENT: Final = "urn:eudi:sca:payment:1"
GENERIC: Final = "urn:eudi:sca:generic:1"
SIGN_TEXT: Final = "urn:tessera:sign-text:1"
#: A logo is a URL or a data: URI; it is never loaded, only bounded.
MAX_LOGO_CHARS: Final = 32 * 1024

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


@dataclass(frozen=True)
class Payment:
    """A TS12 payment payload, checked. ``extra`` keeps every other member for display."""

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
            transaction_id=self.transaction_id,
        )


def _recurrence(value: Any, currency: str) -> list[DisplayField]:
    spec = members(
        value, "the recurrence", ["frequency"], ["start_date", "end_date", "number", "mit_options"]
    )
    frequency = spec["frequency"]
    if frequency not in FREQUENCIES:
        raise invalid("the recurrence frequency is not an ISO 20022 code TS12 allows")
    lines = [DisplayField("Repeats", FREQUENCIES[frequency])]
    for name, label in (("start_date", "First payment"), ("end_date", "Last payment")):
        if name in spec:
            lines.append(DisplayField(label, iso_moment(spec[name], f"the recurrence {name}")))
    if "number" in spec:
        number = spec["number"]
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise invalid("the number of payments must be a positive whole number")
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
    spec = members(
        value,
        "the merchant-initiated payment options",
        [],
        [*amounts, "amount_variable", "initial_amount_number", "apr"],
    )
    lines = []
    if "amount_variable" in spec:
        variable = flag(spec["amount_variable"], "amount_variable")
        lines.append(DisplayField("Later amounts", "may vary" if variable else "stay the same"))
    for name, label in amounts.items():
        if name in spec:
            shown = format_amount(exact_amount(spec[name], currency, label.lower()), currency)
            lines.append(DisplayField(label, f"{shown} {currency}"))
    if "initial_amount_number" in spec:
        count = spec["initial_amount_number"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise invalid("initial_amount_number must be a positive whole number")
        lines.append(DisplayField("Payments at the first amount", str(count)))
    if "apr" in spec:
        apr = spec["apr"]
        if isinstance(apr, bool) or not isinstance(apr, int | Decimal) or apr < 0:
            raise invalid("the APR must be a number of zero or more")
        lines.append(DisplayField("Annual percentage rate", f"{Decimal(apr)} %"))
    return lines


def read_payment(payload: Any, now: float | None) -> Payment:
    spec = members(
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
    transaction_id = short_text(spec["transaction_id"], "the transaction id", 36)
    currency = currency_code(spec["currency"])
    amount = exact_amount(spec["amount"], currency)
    payee = members(spec["payee"], "the payee", ["name", "id"], ["website", "logo"])
    extra: list[DisplayField] = []
    if "website" in payee:
        extra.append(
            DisplayField("Payee website", short_text(payee["website"], "the website", 2048))
        )
    if "logo" in payee:
        short_text(payee["logo"], "the payee logo", MAX_LOGO_CHARS)
        extra.append(
            DisplayField("Payee logo", "given, not loaded (Tessera loads no images from payees)")
        )
    if "execution_date" in spec and "recurrence" in spec:
        raise invalid("a payment has an execution date or a recurrence, not both")
    if "execution_date" in spec:
        when = iso_moment(spec["execution_date"], "the execution date")
        if now is not None and latest_moment(when) < now:
            raise invalid("the execution date lies in the past")
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
            if flag(spec[name], name):
                extra.append(DisplayField("Note", yes))
            elif no:
                extra.append(DisplayField("Note", no))
    if "pisp" in spec:
        pisp = members(
            spec["pisp"],
            "the payment initiation service",
            ["legal_name", "brand_name", "domain_name"],
            [],
        )
        shown = (
            f"{short_text(pisp['brand_name'], 'the PISP brand')} "
            f"({short_text(pisp['legal_name'], 'the PISP legal name')}, "
            f"{short_text(pisp['domain_name'], 'the PISP domain')})"
        )
        extra.append(DisplayField("Initiated by", shown))
    if "date_time" in spec:
        extra.append(DisplayField("Requested at", iso_moment(spec["date_time"], "date_time")))
    return Payment(
        transaction_id,
        amount,
        currency,
        short_text(payee["name"], "the payee name"),
        short_text(payee["id"], "the payee id"),
        tuple(extra),
    )


def _label(name: str) -> str:
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def read_generic(subtype: Any, payload: Any, now: float | None) -> TransactionView:
    name = short_text(subtype, "the subtype", 64)
    if not isinstance(payload, dict) or "transaction_id" not in payload:
        raise invalid("the payload must be an object with a transaction_id")
    if len(payload) > 11:
        raise invalid("the payload has more than 11 fields")
    transaction_id = short_text(payload["transaction_id"], "the transaction id", 36)
    fields = [DisplayField("Transaction", transaction_id)]
    for key, value in payload.items():
        if key in ("transaction_id", "payment_payload"):
            continue
        short_text(key, "a field name", 64)
        shown = "(empty)" if value is None else short_text(value, f"the field {key!r}", 40)
        fields.append(DisplayField(_label(key), shown))
    if "payment_payload" not in payload:
        return TransactionView(
            kind="generic", title=_label(name), fields=tuple(fields), transaction_id=transaction_id
        )
    payment = read_payment(payload["payment_payload"], now).view()
    return TransactionView(
        kind="generic",
        title=_label(name),
        fields=(*fields, *payment.fields[1:]),
        transaction_id=transaction_id,
        amount=payment.amount,
        currency=payment.currency,
        party_name=payment.party_name,
        party_id=payment.party_id,
    )


def read_sign_text(entry: Mapping[str, Any]) -> TransactionView:
    title = short_text(entry["title"], "the title", 200)
    text = short_text(entry["text"], "the text", MAX_TEXT_CHARS)
    fields: list[DisplayField] = []
    if "document" in entry:
        document = members(entry["document"], "the document", ["name", "sha256"], [])
        digest = document["sha256"]
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise invalid("the document's sha256 must be 64 lowercase hex digits")
        fields.append(
            DisplayField("Document", short_text(document["name"], "the document name", 200))
        )
        fields.append(DisplayField("Document SHA-256", digest))
    return TransactionView(kind="sign-text", title=title, text=text, fields=tuple(fields))
