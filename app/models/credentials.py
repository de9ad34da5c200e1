"""The stored credentials as cards: one row per credential, a role per thing a card shows,
and a filter model for the search box."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from app.credential_text import (
    Validity,
    days_left_text,
    issuer_initial,
    issuer_name,
    leaf_texts,
    main_claim,
    subject_claims,
    type_label,
    validity,
)
from app.formatting import local_date
from app.models.rows import Index, RowsListModel
from app.status_text import UNCHECKED, StatusWords, status_words
from core.credential_status import CredentialStatus

UNKNOWN_ISSUER = "Unknown issuer"


@dataclass(frozen=True)
class Card:
    """What one card shows, worked out once when the list is loaded."""

    id: str
    type: str
    vct: str
    issuer: str
    issuer_id: str
    initial: str
    main_claim: str
    validity: Validity
    issued_at: float | None
    expires_at: float | None
    expiry_note: str
    search_text: str
    #: The status badge (revoked, suspended, last checked, offline), see app.status_text.
    status: StatusWords = UNCHECKED


def make_card(
    credential_id: str,
    *,
    vct: str | None,
    issuer: str | None,
    claims: Mapping[str, Any],
    issued_at: float | None,
    expires_at: float | None,
    now: float,
    credential_status: CredentialStatus | None = None,
) -> Card:
    """A card for one credential (``claims`` with every disclosure applied) and its stored
    ``credential_status`` (None: never checked)."""
    name = issuer_name(issuer) if issuer else UNKNOWN_ISSUER
    kind = type_label(vct or "")
    subject = subject_claims(claims)
    not_before = claims.get("nbf")
    status = validity(
        now, expires_at, not_before if isinstance(not_before, int | float) else None
    )
    words = [kind, vct or "", name, issuer or "", *leaf_texts(subject)]
    return Card(
        id=credential_id,
        type=kind,
        vct=vct or "",
        issuer=name,
        issuer_id=issuer or "",
        initial=issuer_initial(name),
        main_claim=main_claim(subject),
        validity=status,
        issued_at=issued_at,
        expires_at=expires_at,
        expiry_note=expiry_note(status, now, expires_at, not_before),
        search_text="\n".join(words),
        status=status_words(credential_status, now),
    )


def expiry_note(
    status: Validity, now: float, expires_at: float | None, not_before: Any = None
) -> str:
    """The small text beside the validity badge."""
    if status is Validity.NOT_YET_VALID and isinstance(not_before, int | float):
        return f"From {local_date(not_before)}"
    if expires_at is None:
        return "No expiry date"
    if status is Validity.EXPIRING:
        return days_left_text(now, expires_at)
    if status is Validity.EXPIRED:
        return f"Since {local_date(expires_at)}"
    return f"Until {local_date(expires_at)}"


class CardRole(IntEnum):
    """One role per field of :class:`Card` (``DisplayRole`` is the type)."""

    ID = Qt.ItemDataRole.UserRole + 1
    TYPE = Qt.ItemDataRole.UserRole + 2
    VCT = Qt.ItemDataRole.UserRole + 3
    ISSUER = Qt.ItemDataRole.UserRole + 4
    ISSUER_ID = Qt.ItemDataRole.UserRole + 5
    INITIAL = Qt.ItemDataRole.UserRole + 6
    MAIN_CLAIM = Qt.ItemDataRole.UserRole + 7
    VALIDITY = Qt.ItemDataRole.UserRole + 8
    VALIDITY_TEXT = Qt.ItemDataRole.UserRole + 9
    ISSUED_AT = Qt.ItemDataRole.UserRole + 10
    EXPIRES_AT = Qt.ItemDataRole.UserRole + 11
    SEARCH_TEXT = Qt.ItemDataRole.UserRole + 12
    EXPIRY_NOTE = Qt.ItemDataRole.UserRole + 13
    STATUS_LABEL = Qt.ItemDataRole.UserRole + 14
    STATUS_TONE = Qt.ItemDataRole.UserRole + 15
    STATUS_NOTE = Qt.ItemDataRole.UserRole + 16


def card_sentence(card: Card) -> str:
    """The card read aloud (screen readers, tooltips)."""
    parts = [card.type, f"from {card.issuer}"]
    if card.main_claim:
        parts.append(card.main_claim)
    parts.append(card.validity.value)
    if card.status.label:  # checked: valid, revoked, offline, ...
        parts.append(card.status.sentence.rstrip("."))
    return ", ".join(parts)


class CredentialListModel(RowsListModel[Card]):
    """Cards in the order given (newest first from the page). :meth:`set_cards` replaces
    them all; :meth:`clear` drops them (on lock)."""

    roles = CardRole

    def set_cards(self, cards: Sequence[Card]) -> None:
        self._set_rows(cards)

    def card(self, row: int) -> Card:
        """Raises IndexError for a row that is not there."""
        return self._at(row)

    def row_of(self, credential_id: str) -> int:
        """The row of the credential with ``credential_id``, or -1."""
        return self._find(lambda card: card.id == credential_id)

    def _shown(self, card: Card, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return card.type
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return card_sentence(card)
        return None

    def _raw(self, card: Card) -> dict[int, Any]:
        return {
            CardRole.ID: card.id,
            CardRole.TYPE: card.type,
            CardRole.VCT: card.vct,
            CardRole.ISSUER: card.issuer,
            CardRole.ISSUER_ID: card.issuer_id,
            CardRole.INITIAL: card.initial,
            CardRole.MAIN_CLAIM: card.main_claim,
            CardRole.VALIDITY: card.validity,
            CardRole.VALIDITY_TEXT: card.validity.value,
            CardRole.ISSUED_AT: card.issued_at,
            CardRole.EXPIRES_AT: card.expires_at,
            CardRole.SEARCH_TEXT: card.search_text,
            CardRole.EXPIRY_NOTE: card.expiry_note,
            CardRole.STATUS_LABEL: card.status.label,
            CardRole.STATUS_TONE: card.status.tone,
            CardRole.STATUS_NOTE: card.status.note,
        }


class CredentialFilterModel(QSortFilterProxyModel):
    """Keeps the cards whose type, issuer or claims contain every word of the search."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_search(self, text: str) -> None:
        words = text.casefold().split()
        if words == self._words:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+; invalidateRowsFilter before
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older PySide6
            self._words = words
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        text = str(model.index(source_row, 0, source_parent).data(CardRole.SEARCH_TEXT) or "")
        haystack = text.casefold()
        return all(word in haystack for word in self._words)
