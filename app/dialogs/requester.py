"""Who asks: the part of every request screen that names the verifier, says whether
that is verified and why it asks, and the plain wording of request errors."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from app.dialogs.common import emphasize, explain
from app.formatting import short_did
from app.views.message import Tone, tone_colour
from core.errors import PresentationRequestError, TesseraError
from core.oid4vp import AuthorizationRequest

#: Seconds to wait for the verifier before giving up.
HTTP_TIMEOUT = 15.0

VERIFIED = "Verified: the request is signed by {did}"
NOT_VERIFIED = "Not verified: anyone can claim this name"
NO_PURPOSE = "The verifier did not say why it asks."


def show_requester(
    request: AuthorizationRequest, identifier: QLabel, trust: QLabel, purpose: QLabel
) -> None:
    """Fill the three header labels under a request screen's title and show them."""
    identifier.setText(f"Identifier: {request.verifier}")
    identifier.setToolTip(request.client_id)
    if request.verified:
        text, tone = VERIFIED.format(did=short_did(request.verifier)), Tone.SUCCESS
    else:
        text, tone = NOT_VERIFIED, Tone.WARNING
        identifier.setText(
            f"Identifier: {request.verifier} (answers go to this address; the name above "
            "is the verifier's own words)"
        )
    trust.setText(text)
    trust.setToolTip(request.verifier)
    palette = trust.palette()
    palette.setColor(QPalette.ColorRole.WindowText, tone_colour(tone, palette))
    trust.setPalette(palette)
    emphasize(trust)
    trust.setAccessibleName(text)
    purpose.setText(f"Why: {request.purpose}" if request.purpose else NO_PURPOSE)
    trust.show()
    purpose.show()


def plain_sentence(exc: BaseException, action: str) -> tuple[str, str]:
    """(sentence, details): core's own words for request errors, which are written for
    people, else the generic wording of :func:`app.dialogs.common.explain`."""
    if isinstance(exc, PresentationRequestError):
        text = exc.message.strip()
        return text[:1].upper() + text[1:], f"Error code: {exc.code}"
    if isinstance(exc, TesseraError):
        return f"Tessera couldn't {action}: {exc.message}", f"Error code: {exc.code}"
    return explain(exc, action)
