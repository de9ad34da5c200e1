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

from core.payments.entries import (
    HASH_ALG,
    KNOWN_TYPES,
    MAX_ENTRY_CHARS,
    TransactionData,
    encode_transaction_data,
    parse_all,
    parse_transaction_data,
    payment_entry,
    transaction_data_hash,
)
from core.payments.fields import DisplayField, TransactionView
from core.payments.money import MINOR_UNITS, format_amount, minor_units
from core.payments.types import FREQUENCIES, GENERIC, PAYMENT, SIGN_TEXT, Payment

__all__ = [
    "FREQUENCIES",
    "GENERIC",
    "HASH_ALG",
    "KNOWN_TYPES",
    "MAX_ENTRY_CHARS",
    "MINOR_UNITS",
    "PAYMENT",
    "SIGN_TEXT",
    "DisplayField",
    "Payment",
    "TransactionData",
    "TransactionView",
    "encode_transaction_data",
    "format_amount",
    "minor_units",
    "parse_all",
    "parse_transaction_data",
    "payment_entry",
    "transaction_data_hash",
]
