"""Words for a credential's status (revoked, suspended, offline, last checked), shared by
the card, the detail dialog and their tests. Plain functions over core's stored status."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.formatting import local_clock_time, local_date, local_time
from core.credential_status import CredentialStatus, StatusState


class StatusTone(Enum):
    """The colour of a status badge."""

    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"
    MUTED = "muted"


_LABELS = {
    StatusState.VALID: ("Valid", StatusTone.SUCCESS),
    StatusState.REVOKED: ("Revoked", StatusTone.ERROR),
    StatusState.SUSPENDED: ("Suspended", StatusTone.WARNING),
    StatusState.UNKNOWN: ("Status unknown", StatusTone.WARNING),
}
NOT_CHECKED = "Not checked yet"
NO_STATUS = "No status list"


@dataclass(frozen=True)
class StatusWords:
    """A status badge: ``label`` (empty: no badge), its ``tone``, the ``note`` beside it,
    and ``sentence``, the whole of it in words (detail dialog, screen readers)."""

    label: str
    tone: StatusTone
    note: str
    sentence: str


#: Before the first check.
UNCHECKED = StatusWords("", StatusTone.MUTED, NOT_CHECKED, "Status not checked yet.")


def short_when(epoch: float, now: float | None) -> str:
    """The time alone for a moment of the same day as ``now``, else the date alone."""
    if now is None or local_date(epoch) != local_date(now):
        return local_date(epoch)
    return local_clock_time(epoch)


def status_words(status: CredentialStatus | None, now: float | None = None) -> StatusWords:
    """What to show for a credential's stored status (None: never checked); the card's
    note names the time alone when it was ``now``'s day, else the date."""
    if status is None:
        return UNCHECKED
    if status.state is StatusState.NO_STATUS:
        return StatusWords(
            "", StatusTone.MUTED, NO_STATUS, "The issuer publishes no status for this credential."
        )
    if status.offline:
        if status.last_known is None or status.last_success_at is None:
            return StatusWords(
                "Offline", StatusTone.MUTED, "Status could not be checked",
                "The status could not be checked yet: the issuer's status list could not be "
                "reached or read.",
            )
        label, tone = _LABELS[status.last_known]
        return StatusWords(
            label, tone, f"Offline · last checked {short_when(status.last_success_at, now)}",
            f"{label}, last checked {local_time(status.last_success_at)}. Offline now: the "
            "latest check could not reach or read the issuer's status list.",
        )
    label, tone = _LABELS[status.state]
    return StatusWords(
        label, tone, f"Checked {short_when(status.checked_at, now)}",
        f"{label}, checked {local_time(status.checked_at)}.",
    )
