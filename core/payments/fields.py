"""Reading transaction data members strictly, and the model of what the person is shown."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from core.errors import PresentationRequestError

MAX_TEXT_CHARS: Final = 20_000

#: Characters that change how text is displayed without being visible (bidi controls),
#: which could make a payee name or amount read differently from what is signed.
HIDDEN: Final = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x7f"
)


def invalid(message: str) -> PresentationRequestError:
    return PresentationRequestError(
        f"The transaction to sign is not valid: {message}.", code="invalid_transaction_data"
    )


# --- what the person sees -------------------------------------------------------------------


@dataclass(frozen=True)
class DisplayField:
    """One line of a transaction as the person reads it."""

    label: str
    value: str


@dataclass(frozen=True)
class TransactionView:
    """A transaction laid out for people: ``amount``/``currency`` and ``party`` lead
    (payments), ``text`` is a body to read (sign-text), ``fields`` are the rest, in order
    (the transaction id among them); ``transaction_id`` is also kept as data."""

    kind: str
    title: str
    fields: tuple[DisplayField, ...]
    transaction_id: str | None = None
    amount: str | None = None
    currency: str | None = None
    party_name: str | None = None
    party_id: str | None = None
    text: str | None = None


# --- reading members strictly ---------------------------------------------------------------


def members(
    value: Any, what: str, required: Iterable[str], optional: Iterable[str]
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(f"{what} must be a JSON object")
    required = tuple(required)
    unknown = sorted(set(value) - set(required) - set(optional))
    if unknown:
        raise invalid(f"{what} has fields Tessera cannot show you ({', '.join(unknown)})")
    missing = [name for name in required if name not in value]
    if missing:
        raise invalid(f"{what} lacks {', '.join(missing)}")
    return value


def short_text(value: Any, what: str, max_chars: int = 140) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid(f"{what} must be a non-empty text")
    if len(value) > max_chars:
        raise invalid(f"{what} is longer than {max_chars} characters")
    if any((ord(c) < 32 and c not in "\n\t") or c in HIDDEN for c in value):
        raise invalid(f"{what} contains control or text-direction characters")
    return value


def flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise invalid(f"{what} must be true or false")
    return value


def iso_moment(value: Any, what: str) -> str:
    """An ISO 8601 date (``2026-12-01``) or date-time with an offset; returned as given."""
    text = short_text(value, what, 40)
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError
    except ValueError as exc:
        raise invalid(f"{what} is not an ISO 8601 date or date-time with a time zone") from exc
    return text


def latest_moment(text: str) -> float:
    if len(text) == 10:
        return datetime.fromisoformat(f"{text}T23:59:59+14:00").timestamp()
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
