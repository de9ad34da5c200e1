"""Credential status end to end over loopback HTTP: the demo issuer and verifier under
uvicorn, a real wallet vault. The issuer revokes, suspends and reinstates; the verifier
fetches the issuer's status list and refuses what is not valid. Nothing is mocked."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.clock import FixedClock
from core.did import DidResolver, did_key_from_public_key
from core.errors import IssuanceError, PresentationRequestError
from core.keys import Ed25519PrivateKey
from core.oid4vci import receive
from core.oid4vp import respond
from core.sdjwt.issuer import SdJwtIssuer
from core.services.issuer import STATUS_LIST_TTL
from core.services.runner import serve_in_thread
from core.services.verifier import create_verifier_app
from core.wallet import Wallet
from tests.conftest import REPO_ROOT
from tests.services.helpers import new_wallet, running_issuer, set_status

ISSUER_KEY = Ed25519PrivateKey(bytes(range(80, 112)))
VCT = "urn:tessera:demo:membership:1"
QUERY: dict[str, Any] = {
    "credentials": [
        {
            "id": "card",
            "format": "dc+sd-jwt",
            "meta": {"vct_values": [VCT]},
            "claims": [{"path": ["member_name"]}],
        }
    ]
}


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[Wallet]:
    created, _ = new_wallet(tmp_path / "vault")
    with created:
        yield created


@pytest.fixture
def issuer() -> Iterator[str]:
    with running_issuer(ISSUER_KEY) as base_url:
        yield base_url


@contextmanager
def verifier(clock: FixedClock, **options: Any) -> Iterator[str]:
    with serve_in_thread(
        lambda base_url: create_verifier_app(base_url=base_url, clock=clock, **options)
    ) as base_url:
        yield base_url


def present(wallet: Wallet, http: httpx.Client, verifier_url: str) -> dict[str, Any]:
    """Answer a new request of the verifier; its result (``status``, ``error``)."""
    created = http.post(f"{verifier_url}/demo/requests", json={"dcql_query": QUERY}).json()
    try:
        respond(wallet, created["request_uri"], http=http)
    except PresentationRequestError as exc:
        assert exc.code == "response_rejected"
    result: dict[str, Any] = http.get(f"{verifier_url}/demo/requests/{created['id']}").json()
    return result


def issue_card(wallet: Wallet, http: httpx.Client, issuer: str) -> str:
    """Receive a membership card from the issuer; the offer id (for status changes)."""
    offer = http.post(
        f"{issuer}/demo/offers", json={"credential_configuration_id": "membership_card"}
    )
    assert offer.status_code == 201, offer.text
    receive(wallet, offer.json()["offer_uri"], http=http)
    offer_id: str = offer.json()["id"]
    return offer_id


def test_valid_then_revoked(wallet: Wallet, http: httpx.Client, issuer: str) -> None:
    offer_id = issue_card(wallet, http, issuer)
    clock = FixedClock(time.time())
    with verifier(clock) as verifier_url:
        assert present(wallet, http, verifier_url)["status"] == "verified"
        assert set_status(http, issuer, offer_id, "revoked").status_code == 200
        clock.advance(STATUS_LIST_TTL + 1)  # the verifier's copy of the list expires
        assert present(wallet, http, verifier_url) == {
            "status": "failed",
            "claims": None,
            "error": "revoked",
        }
        # Revocation is final: the issuer refuses to make the credential valid again.
        assert set_status(http, issuer, offer_id, "valid").status_code == 409
        clock.advance(STATUS_LIST_TTL + 1)
        assert present(wallet, http, verifier_url)["error"] == "revoked"


def test_revoked_before_first_presentation(wallet: Wallet, http: httpx.Client, issuer: str) -> None:
    offer_id = issue_card(wallet, http, issuer)
    assert set_status(http, issuer, offer_id, "revoked").status_code == 200
    with verifier(FixedClock(time.time())) as verifier_url:
        assert present(wallet, http, verifier_url)["error"] == "revoked"


def test_suspended_then_reinstated(wallet: Wallet, http: httpx.Client, issuer: str) -> None:
    offer_id = issue_card(wallet, http, issuer)
    assert set_status(http, issuer, offer_id, "suspended").status_code == 200
    clock = FixedClock(time.time())
    with verifier(clock) as verifier_url:
        assert present(wallet, http, verifier_url)["error"] == "suspended"
        assert set_status(http, issuer, offer_id, "valid").status_code == 200
        # Within the list's ttl the verifier still uses the copy it fetched.
        assert present(wallet, http, verifier_url)["error"] == "suspended"
        clock.advance(STATUS_LIST_TTL + 1)
        result = present(wallet, http, verifier_url)
        assert result["status"] == "verified", result
        assert result["claims"]["card"][0]["member_name"] == "Erika Mustermann"


# --- a status list nobody can fetch -----------------------------------------------------------


@contextmanager
def closed_port() -> Iterator[int]:
    """A port of 127.0.0.1 bound (so nobody else takes it) but not listening: refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def import_unreachable_card(wallet: Wallet, port: int) -> None:
    """A card from a did:key issuer whose status list lives on ``port``, where nothing answers."""
    did = did_key_from_public_key(ISSUER_KEY.public_key)
    holder = DidResolver().resolve_key(wallet.identities.all()[0].did)
    issued = SdJwtIssuer(ISSUER_KEY, did, kid=f"{did}#{did.removeprefix('did:key:')}").issue(
        {"member_name": "Erika Mustermann"},
        disclosable=["member_name"],
        holder_key=holder,
        vct=VCT,
        expires_in=3600,
        status={"status_list": {"idx": 7, "uri": f"http://127.0.0.1:{port}/status/1"}},
    )
    wallet.import_credential(issued.sd_jwt)


def test_unreachable_status_list_is_rejected_by_default(wallet: Wallet, http: httpx.Client) -> None:
    with closed_port() as port:
        import_unreachable_card(wallet, port)
        with verifier(FixedClock(time.time())) as verifier_url:
            result = present(wallet, http, verifier_url)
    assert (result["status"], result["error"]) == ("failed", "status_unavailable")


def test_unreachable_status_list_passes_under_accept(wallet: Wallet, http: httpx.Client) -> None:
    with closed_port() as port:
        import_unreachable_card(wallet, port)
        with verifier(FixedClock(time.time()), on_status_unavailable="accept") as verifier_url:
            result = present(wallet, http, verifier_url)
    assert result["status"] == "verified", result


def test_verifier_serve_accept_option(wallet: Wallet, http: httpx.Client) -> None:
    """``tessera verifier serve --on-status-unavailable accept`` as a process."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-m", "core.cli", "verifier", "serve", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--on-status-unavailable", "accept"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=REPO_ROOT,
        env=env,
    )
    try:
        assert process.stdout is not None
        verifier_url = process.stdout.readline().strip()
        assert verifier_url.startswith("http://127.0.0.1:"), verifier_url
        with closed_port() as port:
            import_unreachable_card(wallet, port)
            assert present(wallet, http, verifier_url)["status"] == "verified"
    finally:
        process.terminate()
        process.wait(timeout=20)
    bad = subprocess.run(
        [*command, "--on-status-unavailable", "maybe"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and "--on-status-unavailable" in bad.stderr


def test_full_status_list_refuses_issuance(wallet: Wallet, http: httpx.Client) -> None:
    with running_issuer(ISSUER_KEY, status_list_size=1) as issuer_url:
        issue_card(wallet, http, issuer_url)
        offer = http.post(
            f"{issuer_url}/demo/offers", json={"credential_configuration_id": "membership_card"}
        )
        with pytest.raises(IssuanceError) as info:
            receive(wallet, offer.json()["offer_uri"], http=http)
    assert info.value.code == "credential_request_denied"
    assert len(wallet.credentials.all()) == 1


def test_unknown_unavailable_policy_is_refused() -> None:
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput) as info:
        create_verifier_app(
            base_url="http://127.0.0.1:1",
            clock=FixedClock(0),
            on_status_unavailable="maybe",  # type: ignore[arg-type]
        )
    assert info.value.code == "invalid_input"
