"""Words and dates for people: key types, DID methods, log kinds, times in their locale."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QLocale

KEY_TYPES = {"EdDSA": "Ed25519", "ES256": "P-256"}
METHODS = {"key": "did:key", "jwk": "did:jwk"}
LOG_KINDS = {
    "wallet.created": "Wallet created",
    "wallet.recovered": "Wallet restored",
    "backup.restored": "Wallet restored",
    "identity.created": "Identity created",
    "identity.labelled": "Identity renamed",
    "identity.deleted": "Identity deleted",
    "device.remembered": "Remembered here",
    "device.forgotten": "Forgotten here",
    "passphrase.changed": "Passphrase changed",
    "backup.exported": "Backup saved",
    "backup.imported": "Backup imported",
    "credential.imported": "Credential added",
    "credential.deleted": "Credential deleted",
    "credential.presented": "Credential shared",
    "consent.granted": "Consent given",
    "consent.withdrawn": "Consent withdrawn",
    "payment.approved": "Payment approved",
    "payment.declined": "Payment declined",
    "transaction.approved": "Transaction signed",
    "transaction.declined": "Transaction declined",
    "credential.status_changed": "Status changed",
}


def key_type(alg: str) -> str:
    """ "Ed25519" for EdDSA, "P-256" for ES256, else the algorithm name."""
    return KEY_TYPES.get(alg, alg)


def method_name(method: str) -> str:
    return METHODS.get(method, f"did:{method}")


def log_kind(kind: str) -> str:
    """A short label for a log entry's kind ("identity.created" → "Identity created")."""
    if kind in LOG_KINDS:
        return LOG_KINDS[kind]
    words = kind.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


#: Seconds in a day, for "expires in N days" and "the last 7 days".
DAY = 86_400


def _local(epoch_seconds: float, locale: QLocale | None, part: str, iso: str) -> str:
    """``epoch_seconds`` in the person's time zone, as the locale's short ``part``
    ("datetime", "date" or "time"), or as ``iso`` under the C locale (whose short formats
    read badly, such as "25 11 2026 17:14")."""
    moment = QDateTime.fromMSecsSinceEpoch(round(epoch_seconds * 1000)).toLocalTime()
    locale = locale or QLocale()
    if locale.language() == QLocale.Language.C:
        return moment.toString(iso)
    short = QLocale.FormatType.ShortFormat
    if part == "date":
        return locale.toString(moment.date(), short)
    if part == "time":
        return locale.toString(moment.time(), short)
    return locale.toString(moment, short)


def local_time(epoch_seconds: float, locale: QLocale | None = None) -> str:
    """``epoch_seconds`` as a short date and time in the person's locale and time zone."""
    return _local(epoch_seconds, locale, "datetime", "yyyy-MM-dd HH:mm")


def local_date(epoch_seconds: float, locale: QLocale | None = None) -> str:
    """``epoch_seconds`` as a short date (no time) in the person's locale and time zone."""
    return _local(epoch_seconds, locale, "date", "yyyy-MM-dd")


def local_clock_time(epoch_seconds: float, locale: QLocale | None = None) -> str:
    """``epoch_seconds`` as a short time of day in the person's locale and time zone."""
    return _local(epoch_seconds, locale, "time", "HH:mm")


def short_did(did: str, keep: int = 12) -> str:
    """``did:key:z6Mkabc…wxyz``: the method and both ends of the identifier."""
    prefix, _, rest = did.rpartition(":")
    if len(rest) <= keep * 2 + 1:
        return did
    return f"{prefix}:{rest[:keep]}…{rest[-6:]}"
