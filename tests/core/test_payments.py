"""core.payments: strict transaction data parsing, exact amounts, the display model, hashes."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.encoding import b64url_decode, b64url_encode, compact_json
from core.errors import InvalidInput, PresentationRequestError
from core.payments import (
    GENERIC,
    PAYMENT,
    SIGN_TEXT,
    encode_transaction_data,
    format_amount,
    parse_all,
    parse_transaction_data,
    payment_entry,
    transaction_data_hash,
)

NOW = datetime.fromisoformat("2026-11-25T12:00:00+00:00").timestamp()


def raw(entry: dict[str, Any]) -> str:
    return b64url_encode(compact_json(entry))


def payment(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "transaction_id": "T-1",
        "amount": 12.5,
        "currency": "EUR",
        "payee": {"name": "Demo Shop", "id": "DE02120300000000202051"},
    }
    payload.update(changes)
    return {"type": PAYMENT, "credential_ids": ["bank"], "payload": payload}


# --- payments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "currency", "shown"),
    [
        ("12.5", "EUR", "12.50"),
        ("0.1", "EUR", "0.10"),  # 0.1 is not a binary float: shown exactly
        ("1234567890123.05", "EUR", "1,234,567,890,123.05"),
        ("999999999999999999.99", "EUR", "999,999,999,999,999,999.99"),
        ("1500", "JPY", "1,500"),
        ("1.234", "KWD", "1.234"),
        ("7", "CLF", "7.0000"),
        ("1E+3", "EUR", "1,000.00"),
        ("12.500", "EUR", "12.50"),
        ("0", "EUR", "0.00"),
    ],
)
def test_amounts_are_exact(written: str, currency: str, shown: str) -> None:
    entry = b64url_encode(
        compact_json(payment(currency=currency, amount="@")).replace(b'"@"', written.encode())
    )
    parsed = parse_transaction_data(entry)
    assert parsed.view.amount == shown
    assert parsed.view.currency == currency
    assert parsed.payment is not None and parsed.payment.amount == Decimal(written)


def test_payment_view_and_every_field() -> None:
    entry = raw(
        payment(
            payee={
                "name": "Café Zürich ÅB",
                "id": "CH93 0076 2011 6238 5295 7",
                "website": "https://cafe.example",
            },
            execution_date="2026-12-01",
            amount_estimated=True,
            sct_inst=True,
            pisp={"legal_name": "Pay GmbH", "brand_name": "Pay", "domain_name": "pay.example"},
            date_time="2026-11-25T11:00:00Z",
        )
    )
    view = parse_transaction_data(entry, now=NOW).view
    assert view.kind == "payment" and view.title == "Payment to Café Zürich ÅB"
    assert (view.party_name, view.party_id) == ("Café Zürich ÅB", "CH93 0076 2011 6238 5295 7")
    labels = [(f.label, f.value) for f in view.fields]
    assert labels[0] == ("Transaction", "T-1")
    assert ("Payee website", "https://cafe.example") in labels
    assert ("Paid on", "2026-12-01") in labels
    assert ("Note", "The amount is an estimate") in labels
    assert ("Note", "Instant credit transfer (SCT Inst)") in labels
    assert ("Initiated by", "Pay (Pay GmbH, pay.example)") in labels
    assert ("Requested at", "2026-11-25T11:00:00Z") in labels


def test_recurring_payment() -> None:
    entry = raw(
        payment(
            currency="JPY",
            amount=1500,
            recurrence={
                "frequency": "MNTH",
                "number": 12,
                "start_date": "2027-01-01",
                "mit_options": {"amount_variable": True, "max_amount": 3000},
            },
        )
    )
    fields = {f.label: f.value for f in parse_transaction_data(entry).view.fields}
    assert fields["Repeats"] == "monthly"
    assert fields["Number of payments"] == "12"
    assert fields["First payment"] == "2027-01-01"
    assert fields["Later amounts"] == "may vary"
    assert fields["Largest later amount"] == "3,000 JPY"


def test_hash_is_over_the_string_as_received() -> None:
    entry = raw(payment())
    parsed = parse_transaction_data(entry)
    assert parsed.raw == entry
    assert parsed.hash == transaction_data_hash(entry)
    # The same JSON with other spacing is another string, with another hash.
    spaced = b64url_encode(json.dumps(payment()).encode())
    assert parse_transaction_data(spaced).hash != parsed.hash


def test_payment_entry_round_trip_keeps_digits() -> None:
    entry = payment_entry(
        ["bank"],
        transaction_id="T-9",
        amount="0.30",
        currency="EUR",
        payee_name="東京ストア",
        payee_id="JP-1",
    )
    assert b'"amount":0.30' in b64url_decode(entry)
    assert parse_transaction_data(entry).view.amount == "0.30"
    assert encode_transaction_data({"a": Decimal("1.10")}) == b64url_encode(b'{"a":1.10}')
    with pytest.raises(InvalidInput):
        encode_transaction_data({"a": Decimal("Infinity")})


def test_format_amount() -> None:
    assert format_amount(Decimal("1234.5"), "EUR") == "1,234.50"
    assert format_amount(Decimal("1234"), "KRW") == "1,234"
    assert format_amount(Decimal("1234"), "XYZ") == "1,234.00"  # unlisted codes: 2 digits


# --- other types ------------------------------------------------------------------------------


def test_sign_text() -> None:
    entry = raw(
        {
            "type": SIGN_TEXT,
            "credential_ids": ["id"],
            "title": "Terms of membership",
            "text": "I agree to the club rules.\nSigned in Köln.",
            "document": {"name": "rules.pdf", "sha256": "ab" * 32},
        }
    )
    view = parse_transaction_data(entry).view
    assert view.kind == "sign-text" and view.title == "Terms of membership"
    assert view.text == "I agree to the club rules.\nSigned in Köln."
    assert [(f.label, f.value) for f in view.fields] == [
        ("Document", "rules.pdf"),
        ("Document SHA-256", "ab" * 32),
    ]
    assert view.amount is None


def test_generic_with_and_without_payment() -> None:
    plain = raw(
        {
            "type": GENERIC,
            "credential_ids": ["id"],
            "subtype": "account_access",
            "payload": {"transaction_id": "X-1", "scope": "balances", "until": None},
        }
    )
    view = parse_transaction_data(plain).view
    assert view.title == "Account access"
    assert [(f.label, f.value) for f in view.fields] == [
        ("Transaction", "X-1"),
        ("Scope", "balances"),
        ("Until", "(empty)"),
    ]
    with_payment = raw(
        {
            "type": GENERIC,
            "credential_ids": ["id"],
            "subtype": "emandate",
            "payload": {"transaction_id": "X-2", "payment_payload": payment()["payload"]},
        }
    )
    view = parse_transaction_data(with_payment).view
    assert (view.amount, view.currency, view.party_name) == ("12.50", "EUR", "Demo Shop")


# --- refusals ---------------------------------------------------------------------------------

UNSUPPORTED = [
    {"type": "payment_data", "credential_ids": ["bank"]},
    {"credential_ids": ["bank"], "payload": {}},
    {**payment(), "transaction_data_hashes_alg": ["sha-384"]},
]

INVALID: list[Any] = [
    payment(amount=-1),
    payment(amount="12.50"),  # a string, not a JSON number
    payment(amount=True),
    payment(amount=12.345),
    payment(currency="JPY", amount=1.5),
    payment(amount=10**18),
    payment(currency="eur"),
    payment(currency="EURO"),
    payment(payee={"name": "Shop"}),
    payment(payee={"name": "", "id": "x"}),
    payment(payee={"name": "Shop\u202eXE", "id": "x"}),  # text-direction override
    payment(payee={"name": "Shop\u0007", "id": "x"}),
    payment(payee={"name": "S" * 141, "id": "x"}),
    payment(payee={"name": "Shop", "id": "x", "iban": "DE00"}),  # unknown member
    payment(transaction_id="T" * 37),
    payment(surprise="field"),
    payment(execution_date="2026-12-01", recurrence={"frequency": "MNTH"}),
    payment(execution_date="2020-01-01"),  # in the past
    payment(execution_date="01.12.2026"),
    payment(date_time="2026-11-25T11:00:00"),  # no time zone
    payment(recurrence={"frequency": "FORTNIGHTLY"}),
    payment(recurrence={"frequency": "MNTH", "number": 0}),
    payment(recurrence={"frequency": "MNTH", "mit_options": {"apr": -1}}),
    payment(sct_inst="yes"),
    payment(pisp={"legal_name": "P"}),
    {"type": PAYMENT, "credential_ids": [], "payload": payment()["payload"]},
    {"type": PAYMENT, "credential_ids": ["a", "a"], "payload": payment()["payload"]},
    {"type": PAYMENT, "credential_ids": "bank", "payload": payment()["payload"]},
    {"type": PAYMENT, "credential_ids": ["bank"]},
    {**payment(), "transaction_data_hashes_alg": []},
    {**payment(), "extra": 1},
    {"type": PAYMENT, "credential_ids": ["bank"], "payload": []},
    {"type": GENERIC, "credential_ids": ["id"], "subtype": "x", "payload": {"a": "b"}},
    {
        "type": GENERIC,
        "credential_ids": ["id"],
        "subtype": "x",
        "payload": {"transaction_id": "1", "long": "x" * 41},
    },
    {
        "type": GENERIC,
        "credential_ids": ["id"],
        "subtype": "x",
        "payload": {"transaction_id": "1", **{f"f{i}": "v" for i in range(11)}},
    },
    {"type": SIGN_TEXT, "credential_ids": ["id"], "title": "T"},
    {"type": SIGN_TEXT, "credential_ids": ["id"], "title": "T", "text": "x" * 20_001},
    {
        "type": SIGN_TEXT,
        "credential_ids": ["id"],
        "title": "T",
        "text": "x",
        "document": {"name": "d", "sha256": "XYZ"},
    },
]


@pytest.mark.parametrize("entry", UNSUPPORTED)
def test_unsupported_is_refused(entry: dict[str, Any]) -> None:
    with pytest.raises(PresentationRequestError) as caught:
        parse_transaction_data(raw(entry), now=NOW)
    assert caught.value.code == "unsupported_transaction_data"


@pytest.mark.parametrize("entry", INVALID)
def test_invalid_is_refused(entry: dict[str, Any]) -> None:
    with pytest.raises(PresentationRequestError) as caught:
        parse_transaction_data(raw(entry), now=NOW)
    assert caught.value.code == "invalid_transaction_data"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not base64!",
        b64url_encode(b"[1]"),
        b64url_encode(b'{"a":1,"a":2}'),
        b64url_encode(b"\xff"),
        "A" * 40_000,
        12,
        None,
        b64url_encode(b'{"amount":' + b"9" * 5000 + b"}"),
    ],
)
def test_garbage_is_refused(value: Any) -> None:
    with pytest.raises(PresentationRequestError) as caught:
        parse_transaction_data(value)
    assert caught.value.code == "invalid_transaction_data"


def test_parse_all_checks_query_ids() -> None:
    entries = parse_all([raw(payment())], ["bank", "pid"])
    assert entries[0].credential_ids == ("bank",)
    for items in ([], "x", None):
        with pytest.raises(PresentationRequestError) as caught:
            parse_all(items, ["bank"])
        assert caught.value.code == "invalid_transaction_data"
    with pytest.raises(PresentationRequestError) as caught:
        parse_all([raw(payment())], ["pid"])
    assert caught.value.code == "invalid_transaction_data"
    assert "bank" in caught.value.message


# --- properties -----------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(payload=JSON_VALUES, kind=st.sampled_from([PAYMENT, GENERIC, SIGN_TEXT, "x"]))
def test_any_json_is_read_or_refused_with_a_code(payload: Any, kind: str) -> None:
    entry = {"type": kind, "credential_ids": ["q"], "payload": payload,
             "subtype": "s", "title": "t", "text": "x"}
    try:
        parsed = parse_transaction_data(raw(entry))
    except PresentationRequestError as exc:
        assert exc.code in {"invalid_transaction_data", "unsupported_transaction_data"}
    else:
        assert parsed.raw == raw(entry) and parsed.view.title


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(min_value=0, max_value=10**17),
    places=st.sampled_from([("JPY", 0), ("EUR", 2), ("KWD", 3)]),
)
def test_amounts_round_trip_exactly(cents: int, places: tuple[str, int]) -> None:
    currency, digits = places
    amount = Decimal(cents).scaleb(-digits)
    entry = payment_entry(["q"], transaction_id="T", amount=amount, currency=currency,
                          payee_name="P", payee_id="I")
    parsed = parse_transaction_data(entry)
    assert parsed.payment is not None and parsed.payment.amount == amount
    assert parsed.view.amount == format_amount(amount, currency)
    assert Decimal(parsed.view.amount.replace(",", "")) == amount
