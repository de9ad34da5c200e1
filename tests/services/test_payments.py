"""Payments end to end over loopback HTTP: the demo verifier's shop asks for a TS12 payment
authorization, the wallet shows it, signs it only when approved, and the shop says paid
only after the binding verified. Nothing is mocked."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.did import DidResolver, did_key_from_public_key
from core.encoding import b64url_decode, b64url_encode
from core.errors import PresentationRequestError, UserCancelled, VerificationError
from core.keys import Ed25519PrivateKey
from core.oid4vp import build_response, fetch_request, plan, post_response, respond
from core.payments import PAYMENT, transaction_data_hash
from core.sdjwt.compact import split
from core.sdjwt.issuer import SdJwtIssuer
from core.services.merchant import PAYMENT_VCT, SHOP_ID, SHOP_NAME
from core.services.verifier import DemoVerifier
from core.verifier import Verifier, VerifierPolicy
from core.wallet import Wallet
from tests.services.helpers import new_wallet, request_state, running_verifier, unlocked
from tests.services.helpers import tessera as run_tessera

BANK_KEY = Ed25519PrivateKey(bytes(range(3, 35)))
BANK = did_key_from_public_key(BANK_KEY.public_key)
ACCOUNT = {
    "holder_name": "Erika Mustermann",
    "account_display": "DE89 •••• 3000",
    "bank_name": "Demo Bank",
}


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A closed vault holding a bank account credential bound to its first identity."""
    directory = tmp_path / "vault"
    wallet, did = new_wallet(directory)
    with wallet:
        holder = DidResolver().resolve_key(did)
        issued = SdJwtIssuer(BANK_KEY, BANK, kid=f"{BANK}#{BANK.removeprefix('did:key:')}").issue(
            ACCOUNT,
            disclosable=list(ACCOUNT),
            holder_key=holder,
            vct=PAYMENT_VCT,
            expires_in=3600,
        )
        wallet.import_credential(issued.sd_jwt)
    return directory


@pytest.fixture
def wallet(vault: Path) -> Iterator[Wallet]:
    with unlocked(vault) as opened:
        yield opened


@pytest.fixture
def shop() -> Iterator[tuple[str, DemoVerifier]]:
    with running_verifier() as running:
        yield running


def checkout(
    base_url: str, amount: str = "12.50", currency: str = "EUR", **extra: Any
) -> dict[str, Any]:
    answer = httpx.post(
        f"{base_url}/demo/checkout",
        json={"amount": amount, "currency": currency, **extra},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def state(base_url: str, request_id: str) -> dict[str, Any]:
    return request_state(base_url, request_id)


def kinds(wallet: Wallet) -> list[str]:
    return [entry.kind for entry in wallet.ledger.entries()]


# --- the whole flow ---------------------------------------------------------------------------


def test_checkout_approved_paid_and_logged(
    wallet: Wallet, shop: tuple[str, DemoVerifier], http: httpx.Client
) -> None:
    base_url, _ = shop
    order = checkout(base_url, "1234.05")
    seen: list[Any] = []

    def approve(request: Any, shares: Any) -> bool:
        seen.append(request)
        return True

    respond(wallet, order["request_uri"], http=http, approve=approve)
    (request,) = seen
    (entry,) = request.transactions
    assert entry.type == PAYMENT and entry.raw == order["transaction_data"][0]
    assert (entry.view.amount, entry.view.currency) == ("1,234.05", "EUR")
    assert (entry.view.party_name, entry.view.party_id) == (SHOP_NAME, SHOP_ID)
    assert state(base_url, order["id"]) == {
        "status": "verified",
        "claims": {"payment_account": [{"account_display": "DE89 •••• 3000"}]},
        "error": None,
    }
    page = httpx.get(order["order_uri"], timeout=10).text
    assert "<h2 id='state'>Paid</h2>" in page
    (logged,) = [e for e in wallet.ledger.entries() if e.kind == "payment.approved"]
    assert logged.details["amount"] == "1,234.05" and logged.details["currency"] == "EUR"
    assert logged.details["payee"] == SHOP_NAME and logged.details["payee_id"] == SHOP_ID
    assert logged.details["hash"] == transaction_data_hash(entry.raw)
    assert logged.details["transaction_id"] == order["order_id"]
    assert "credential.presented" in kinds(wallet)


def test_kb_jwt_confirms_exactly_the_string_received(
    wallet: Wallet, shop: tuple[str, DemoVerifier], http: httpx.Client
) -> None:
    base_url, _ = shop
    order = checkout(base_url)
    request = fetch_request(order["request_uri"], http)
    shares = plan(request, wallet.credentials.all())
    response = build_response(wallet, request, shares, approved=request.transaction_data)
    (presentation,) = response["vp_token"]["payment_account"]
    kb_jwt = split(presentation).kb_jwt
    assert kb_jwt is not None
    kb = json.loads(b64url_decode(kb_jwt.split(".")[1]))
    assert kb["transaction_data_hashes"] == [transaction_data_hash(order["transaction_data"][0])]
    assert kb["transaction_data_hashes_alg"] == "sha-256"


def test_one_changed_character_is_a_mismatch(
    wallet: Wallet, shop: tuple[str, DemoVerifier], http: httpx.Client
) -> None:
    base_url, verifier = shop
    order = checkout(base_url, "12.50")
    request = fetch_request(order["request_uri"], http)
    response = build_response(
        wallet, request, plan(request, wallet.credentials.all()), approved=request.transaction_data
    )
    # The merchant's record of the payment changes by one character after signing.
    record = verifier.get(order["id"])
    assert record is not None
    original = record.transaction_data[0]
    decoded = b64url_decode(original)
    assert decoded.count(b"12.50") == 1
    changed = b64url_encode(decoded.replace(b"12.50", b"12.60"))  # one character
    record.transaction_data = (changed,)
    with pytest.raises(PresentationRequestError) as caught:
        post_response(request, response, http)
    assert caught.value.code == "response_rejected"
    assert state(base_url, order["id"])["error"] == "transaction_data_mismatch"
    assert "Payment failed" in httpx.get(order["order_uri"], timeout=10).text

    # And with core alone: the presentation verifies for the original string only.
    (presentation,) = response["vp_token"]["payment_account"]
    checker = Verifier(VerifierPolicy())
    checker.verify(
        presentation, nonce=request.nonce, audience=request.client_id, transaction_data=[original]
    )
    with pytest.raises(VerificationError) as mismatch:
        checker.verify(
            presentation,
            nonce=request.nonce,
            audience=request.client_id,
            transaction_data=[changed],
        )
    assert mismatch.value.code == "transaction_data_mismatch"


def test_a_presentation_without_the_payment_is_not_paid(
    wallet: Wallet, shop: tuple[str, DemoVerifier], http: httpx.Client
) -> None:
    base_url, _ = shop
    order = checkout(base_url)
    request = fetch_request(order["request_uri"], http)
    (share,) = plan(request, wallet.credentials.all())
    # A wallet that ignores the transaction data: a valid presentation, no hashes.
    text = wallet.present_credential(
        share.credential_id, share.paths, nonce=request.nonce, audience=request.client_id
    )
    with pytest.raises(PresentationRequestError):
        post_response(
            request, {"vp_token": {"payment_account": [text]}, "state": request.state}, http
        )
    assert state(base_url, order["id"])["error"] == "transaction_data_mismatch"
    assert "Paid" not in httpx.get(order["order_uri"], timeout=10).text.replace("Payment", "")


def test_declined_is_logged_and_nothing_is_signed(
    wallet: Wallet, shop: tuple[str, DemoVerifier], http: httpx.Client
) -> None:
    base_url, _ = shop
    order = checkout(base_url, "1500", "JPY")
    before = kinds(wallet)
    with pytest.raises(UserCancelled):
        respond(wallet, order["request_uri"], http=http, approve=lambda request, shares: False)
    after = kinds(wallet)
    assert after[len(before) :] == ["payment.declined"]
    declined = wallet.ledger.entries()[-1]
    assert declined.details["amount"] == "1,500" and declined.details["currency"] == "JPY"
    assert state(base_url, order["id"])["status"] == "pending"


def test_never_signed_without_an_approval(
    wallet: Wallet, shop: tuple[str, DemoVerifier], http: httpx.Client
) -> None:
    base_url, _ = shop
    order = checkout(base_url)
    before = kinds(wallet)
    with pytest.raises(UserCancelled):
        respond(wallet, order["request_uri"], http=http)  # no approver at all
    request = fetch_request(order["request_uri"], http)
    shares = plan(request, wallet.credentials.all())
    for approved in ((), ("something else",), request.transaction_data * 2):
        with pytest.raises(UserCancelled):
            build_response(wallet, request, shares, approved=approved)
    assert kinds(wallet) == before
    assert state(base_url, order["id"])["status"] == "pending"


def test_shop_pages(shop: tuple[str, DemoVerifier]) -> None:
    base_url, _ = shop
    home = httpx.get(f"{base_url}/shop", timeout=10)
    assert home.status_code == 200 and "Pay with Tessera" in home.text and "12.50 EUR" in home.text
    placed = httpx.post(
        f"{base_url}/shop/checkout",
        data={"amount": "12.50", "currency": "EUR"},
        timeout=10,
        follow_redirects=True,
    )
    assert placed.status_code == 200
    assert "Waiting for your wallet" in placed.text and "openid4vp://" in placed.text
    assert "<img alt='QR code of the payment request'" in placed.text
    assert "12.50 EUR" in placed.text
    assert httpx.get(f"{base_url}/shop/orders/nope", timeout=10).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"amount": "-1"},
        {"amount": "abc"},
        {"amount": "12.345"},
        {"amount": "1.5", "currency": "JPY"},
        {"amount": "1", "currency": "euro"},
        {"amount": "1", "payee": {"name": "x"}},
        {"amount": "1", "payee": {"name": "x\u202e", "id": "y"}},
    ],
)
def test_checkout_refuses_what_no_wallet_would_sign(
    shop: tuple[str, DemoVerifier], body: dict[str, Any]
) -> None:
    base_url, _ = shop
    answer = httpx.post(f"{base_url}/demo/checkout", json=body, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_input"


# --- the command ------------------------------------------------------------------------------


def tessera(vault: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    result = run_tessera(vault, *argv)
    assert "Traceback" not in result.stderr
    return result


def test_cli_prints_the_payment_and_asks(vault: Path, shop: tuple[str, DemoVerifier]) -> None:
    base_url, _ = shop
    order = checkout(base_url, "1234567.89", payee={"name": "Café Zürich ÅB", "id": "CH-42"})
    refused = tessera(vault, "respond", order["request_uri"])
    assert refused.returncode == 2
    assert "confirmation_required" in refused.stderr
    assert "Would sign: Payment to Café Zürich ÅB" in refused.stdout
    assert "  Amount: 1,234,567.89 EUR" in refused.stdout
    assert "  Payee: Café Zürich ÅB (CH-42)" in refused.stdout
    digest = transaction_data_hash(order["transaction_data"][0])
    assert f"Confirmed by the SHA-256 hash {digest}" in refused.stdout
    assert state(base_url, order["id"])["status"] == "pending"

    done = tessera(vault, "--json", "respond", order["request_uri"], "--approve")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    (transaction,) = printed["transactions"]
    assert transaction["amount"] == "1,234,567.89" and transaction["payee"] == "Café Zürich ÅB"
    assert transaction["hash"] == digest
    assert state(base_url, order["id"])["status"] == "verified"
