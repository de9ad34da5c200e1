"""Words for requests and what they ask you to sign: who asks, what a payment screen is
called, the credential that pays, and the review screen's word on what comes next."""

from __future__ import annotations

from app.credential_text import issuer_name, main_claim, mask, subject_claims, type_label
from core.credentials import StoredCredential
from core.errors import TesseraError
from core.oid4vp import AuthorizationRequest
from core.payments import TransactionData

REVIEW_PAYMENT = "Review payment…"
REVIEW_SIGNING = "Review and sign…"


def verifier_name(request: AuthorizationRequest) -> str:
    """The verifier's own name for itself, else its identifier."""
    return request.verifier_name or request.verifier


def is_payment(entry: TransactionData) -> bool:
    """Whether ``entry`` moves money (a TS12 payment or a generic one carrying it)."""
    return entry.view.amount is not None


def paying_account(stored: StoredCredential) -> str:
    """The credential that pays or signs, in words: its type, its account (masked) or
    main claim, and who issued it."""
    kind = type_label(stored.vct or "") or "Credential"
    try:
        claims = stored.held().claims
    except TesseraError:
        claims = {}
    account = claims.get("account_display")
    if not isinstance(account, str) or not account.strip():
        iban = claims.get("iban")
        account = mask(iban) if isinstance(iban, str) else main_claim(subject_claims(claims))
    source = issuer_name(stored.issuer) if stored.issuer else "an unknown issuer"
    return " · ".join(part for part in (kind, account, f"issued by {source}") if part)


def approval_titles(request: AuthorizationRequest) -> tuple[str, str]:
    """(window title, heading) for what the request asks."""
    name = verifier_name(request)
    payments = sum(1 for entry in request.transactions if is_payment(entry))
    others = len(request.transactions) - payments
    if payments and others:
        return "Approve and sign", f"{name} asks you to pay and to sign"
    if payments == 1:
        return "Approve a payment", f"{name} asks you to pay"
    if payments:
        return "Approve payments", f"{name} asks you to approve {payments} payments"
    return "Approve and sign", f"{name} asks you to sign"


def review_button_text(request: AuthorizationRequest) -> str:
    """The review screen's primary button for a request with transactions."""
    return REVIEW_PAYMENT if any(map(is_payment, request.transactions)) else REVIEW_SIGNING


def ahead_note(request: AuthorizationRequest) -> str:
    """The review screen's word on what the next screen asks."""
    parts = [
        f"a payment of {entry.view.amount} {entry.view.currency} to {entry.view.party_name}"
        if is_payment(entry)
        else f"signing “{entry.view.title}”"
        for entry in request.transactions
    ]
    return (f"This request also asks you to approve {'; '.join(parts)}. You will see it in "
            "full, and can still decline, before anything is signed.")
