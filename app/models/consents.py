"""The consents table: who received what, why, since when and until when; newest first."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QLocale, QObject, Qt

from app.credential_text import claim_label, issuer_name, type_label
from app.formatting import local_date, local_time
from app.models.rows import RowsTableModel
from core.consent import STATES, Consent
from core.consents import StoredConsent

#: The filter choices of the Consents page, in order: (label, states shown).
FILTERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Active", frozenset({"active"})),
    ("Expired", frozenset({"expired"})),
    ("Withdrawn", frozenset({"withdrawn"})),
    ("All", frozenset(STATES)),
)
STATE_WORDS = {"active": "Active", "expired": "Expired", "withdrawn": "Withdrawn"}
STEP = "\u203a"  # a single right angle quote, between the steps of a claim path
UNTIL_WORDS = {"once": "This once", "until_withdrawn": "Until withdrawn"}


class ConsentRole(IntEnum):
    """Raw values of a row, the same in every column."""

    ID = Qt.ItemDataRole.UserRole + 1
    STATE = Qt.ItemDataRole.UserRole + 2
    VERIFIER = Qt.ItemDataRole.UserRole + 3
    GRANTED = Qt.ItemDataRole.UserRole + 4
    VALID_UNTIL = Qt.ItemDataRole.UserRole + 5
    WITHDRAWN_AT = Qt.ItemDataRole.UserRole + 6


class ConsentColumn(IntEnum):
    VERIFIER = 0
    SHARED = 1
    PURPOSE = 2
    GRANTED = 3
    UNTIL = 4
    STATE = 5


HEADERS = {
    ConsentColumn.VERIFIER: "Verifier",
    ConsentColumn.SHARED: "Shared",
    ConsentColumn.PURPOSE: "Why",
    ConsentColumn.GRANTED: "Given",
    ConsentColumn.UNTIL: "Until",
    ConsentColumn.STATE: "State",
}


def verifier_text(consent: Consent) -> str:
    """The verifier's name (or address) and whether that is verified."""
    name = consent.verifier_name or issuer_name(consent.verifier.split(":", 1)[-1])
    return f"{name} · {'verified' if consent.verified else 'not verified'}"


def claim_text(dotted: str) -> str:
    """``address.locality`` → "Address \u203a Locality" (a single right angle quote between
    the steps); array positions counted from one."""
    steps: list[str | int] = [int(s) if s.isdigit() else s for s in dotted.split(".")]
    return f" {STEP} ".join(claim_label(step) for step in steps)


def shared_text(consent: Consent) -> str:
    """What was shared, credential by credential, as labels."""
    parts = []
    for item in consent.shared:
        claims = ", ".join(claim_text(c) for c in item.claims) or "only what it always shows"
        kind = type_label(item.vct) if item.vct else "Credential"
        parts.append(f"{kind}: {claims}" if len(consent.shared) > 1 else claims)
    return "; ".join(parts)


def until_text(consent: Consent, locale: QLocale | None = None, *, exact: bool = False) -> str:
    """"This once", "Until withdrawn", or the end date (``exact``: with the time)."""
    if consent.valid_until is None or consent.duration == "once":
        return UNTIL_WORDS[consent.duration]
    show = local_time if exact else local_date
    return show(consent.valid_until, locale)


def state_text(stored: StoredConsent) -> str:
    return STATE_WORDS[stored.state]


class ConsentTableModel(RowsTableModel[StoredConsent]):
    """Consents for a table view; :meth:`set_consents` replaces them all."""

    roles = ConsentRole
    columns = ConsentColumn
    headers = HEADERS

    def __init__(self, locale: QLocale | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._locale = locale or QLocale()

    def set_consents(self, consents: list[StoredConsent]) -> None:
        self._set_rows(consents)

    def consent(self, row: int) -> StoredConsent:
        """Raises IndexError for a row that is not there."""
        return self._at(row)

    def row_of(self, consent_id: str) -> int:
        """The row showing ``consent_id``, or -1."""
        return self._find(lambda stored: stored.id == consent_id)

    def _shown(self, stored: StoredConsent, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(stored, ConsentColumn(column))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(stored, ConsentColumn(column))
        return None

    def _tooltip(self, stored: StoredConsent, column: ConsentColumn) -> str:
        consent = stored.consent
        if column == ConsentColumn.VERIFIER:
            return consent.verifier
        if column == ConsentColumn.GRANTED:
            return local_time(consent.granted_at, self._locale)
        if column == ConsentColumn.UNTIL:
            return until_text(consent, self._locale, exact=True)
        if column == ConsentColumn.STATE and stored.withdrawal is not None:
            return f"Withdrawn {local_time(stored.withdrawal.withdrawn_at, self._locale)}"
        return self._display(stored, column)

    def _display(self, stored: StoredConsent, column: ConsentColumn) -> str:
        consent = stored.consent
        if column == ConsentColumn.VERIFIER:
            return verifier_text(consent)
        if column == ConsentColumn.SHARED:
            return shared_text(consent)
        if column == ConsentColumn.PURPOSE:
            return consent.purpose or "—"
        if column == ConsentColumn.GRANTED:
            return local_date(consent.granted_at, self._locale)
        if column == ConsentColumn.UNTIL:
            return until_text(consent, self._locale)
        return state_text(stored)

    def _raw(self, stored: StoredConsent) -> dict[int, Any]:
        consent = stored.consent
        return {
            ConsentRole.ID: consent.id,
            ConsentRole.STATE: stored.state,
            ConsentRole.VERIFIER: consent.verifier,
            ConsentRole.GRANTED: consent.granted_at,
            ConsentRole.VALID_UNTIL: consent.valid_until,
            ConsentRole.WITHDRAWN_AT: stored.withdrawal.withdrawn_at if stored.withdrawal else None,
        }
