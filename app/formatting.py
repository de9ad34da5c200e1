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


def local_time(epoch_seconds: float, locale: QLocale | None = None) -> str:
    """``epoch_seconds`` as a short date and time in the person's locale and time zone."""
    moment = QDateTime.fromMSecsSinceEpoch(round(epoch_seconds * 1000)).toLocalTime()
    locale = locale or QLocale()
    if locale.language() == QLocale.Language.C:
        # The C locale's short format is "25 11 2026 17:14"; ISO 8601 reads better.
        return moment.toString("yyyy-MM-dd HH:mm")
    return locale.toString(moment, QLocale.FormatType.ShortFormat)


def local_date(epoch_seconds: float, locale: QLocale | None = None) -> str:
    """``epoch_seconds`` as a short date (no time) in the person's locale and time zone."""
    moment = QDateTime.fromMSecsSinceEpoch(round(epoch_seconds * 1000)).toLocalTime()
    locale = locale or QLocale()
    if locale.language() == QLocale.Language.C:
        return moment.toString("yyyy-MM-dd")
    return locale.toString(moment.date(), QLocale.FormatType.ShortFormat)


def short_did(did: str, keep: int = 12) -> str:
    """``did:key:z6Mkabc…wxyz``: the method and both ends of the identifier."""
    prefix, _, rest = did.rpartition(":")
    if len(rest) <= keep * 2 + 1:
        return did
    return f"{prefix}:{rest[:keep]}…{rest[-6:]}"
