"""Amounts of money: ISO 4217 codes and minor units, exact decimals, display."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from core.payments.fields import invalid

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


CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def minor_units(currency: str) -> int:
    """Digits after the decimal point for ``currency`` (ISO 4217; 2 when not listed)."""
    return MINOR_UNITS.get(currency, 2)


def currency_code(value: Any) -> str:
    if not isinstance(value, str) or not CURRENCY_CODE.fullmatch(value):
        raise invalid("the currency must be a three-letter ISO 4217 code such as EUR")
    return value


def exact_amount(value: Any, currency: str, what: str = "the amount") -> Decimal:
    """An exact, non-negative amount with no more decimals than ``currency`` has."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise invalid(f"{what} must be a JSON number")
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise invalid(f"{what} must be zero or more")
    if amount.adjusted() >= MAX_AMOUNT_DIGITS:
        raise invalid(f"{what} has more than {MAX_AMOUNT_DIGITS} digits")
    places = minor_units(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise invalid(f"{what} has more decimals than {currency} has (at most {places})")
    return amount


def format_amount(amount: Decimal, currency: str) -> str:
    """``amount`` with thousands separators and exactly the currency's decimals, no
    rounding (amounts are checked to fit when parsed): ``1,234.50``, ``1,500`` (JPY)."""
    places = minor_units(currency)
    return f"{amount.quantize(Decimal(1).scaleb(-places)):,.{places}f}"
