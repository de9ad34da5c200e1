"""What the activity log says when the person approves or declines transaction data.

A payment (TS12, or a generic transaction carrying one) is logged as ``payment.approved``
or ``payment.declined``; any other transaction as ``transaction.approved`` or
``transaction.declined``. The entry keeps what the person was shown and signed (amount,
currency, payee, transaction id, the hash the KB-JWT confirms): it is their own record
of the decision, not a copy of a credential's claims.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.oid4vp.request import AuthorizationRequest
from core.payments import HASH_ALG, TransactionData

if TYPE_CHECKING:
    from core.wallet import Wallet


def _entry(
    request: AuthorizationRequest, entry: TransactionData, approved: bool
) -> tuple[str, str, dict[str, Any]]:
    view = entry.view
    who = request.verifier_name or request.verifier
    details: dict[str, Any] = {
        "verifier": request.client_id,
        "verifier_name": request.verifier_name,
        "type": entry.type,
        "title": view.title,
        "hash": entry.hash,
        "hash_alg": HASH_ALG,
    }
    if view.transaction_id is not None:
        details["transaction_id"] = view.transaction_id
    if view.amount is not None:
        details.update(
            amount=view.amount,
            currency=view.currency,
            payee=view.party_name,
            payee_id=view.party_id,
        )
        verb = "Approved" if approved else "Declined"
        summary = f"{verb} a payment of {view.amount} {view.currency} to {view.party_name} ({who})."
        return ("payment.approved" if approved else "payment.declined"), summary, details
    verb = "Signed" if approved else "Declined to sign"
    summary = f"{verb} “{view.title}” for {who}."
    return ("transaction.approved" if approved else "transaction.declined"), summary, details


def record_decision(wallet: Wallet, request: AuthorizationRequest, approved: bool) -> None:
    """Log one entry per transaction of ``request``. Raises VaultLocked."""
    with wallet.vault.transaction():
        for entry in request.transactions:
            wallet.log(*_entry(request, entry, approved))
