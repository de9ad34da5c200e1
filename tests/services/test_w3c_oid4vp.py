"""OpenID4VP 1.0 with W3C credentials over loopback HTTP: the demo verifier asks for a
``jwt_vc_json`` or ``ldp_vc`` credential by ``meta.type_values``, the wallet presents it
whole (a VP-JWT, or a Data Integrity presentation sent as a JSON object) and the verifier
checks it; a replayed or foreign presentation fails with its code."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.clock import SystemClock
from core.oid4vp import fetch_request, plan, post_response, respond
from core.oid4vp.response import build_response
from core.services.runner import serve_in_thread
from core.services.verifier import create_verifier_app
from core.vault.kdf import KdfParams
from core.wallet import Wallet
from tests.core.w3c_build import W3cIssuer, valid_around

ISSUER = W3cIssuer.new()
KIND = "UniversityDegreeCredential"


def query(format: str) -> dict[str, Any]:
    return {"credentials": [{
        "id": "degree", "format": format, "meta": {"type_values": [[KIND]]},
        "claims": [{"path": ["credentialSubject", "degree", "name"]}],
    }]}


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[Wallet]:
    made, _ = Wallet.create(tmp_path / "vault", "correct horse battery staple",
                            kdf=KdfParams.FAST_INSECURE)
    with made:
        did = made.identities.all()[0].did
        for format in ("jwt_vc_json", "ldp_vc"):
            made.import_credential(ISSUER.issue(format, did, **valid_around(time.time())))
        yield made


@contextmanager
def verifier() -> Iterator[str]:
    def factory(base_url: str) -> Any:
        return create_verifier_app(base_url=base_url, clock=SystemClock(),
                                   client_id_prefix="decentralized_identifier")

    with serve_in_thread(factory) as base_url:
        yield base_url


def new_request(base_url: str, format: str) -> dict[str, Any]:
    answer = httpx.post(f"{base_url}/demo/requests", json={"dcql_query": query(format)},
                        timeout=10)
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def status(base_url: str, request_id: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{base_url}/demo/requests/{request_id}", timeout=10).json()
    return body


@pytest.mark.parametrize("format", ["jwt_vc_json", "ldp_vc"])
def test_the_demo_verifier_accepts_a_whole_w3c_presentation(wallet: Wallet, format: str) -> None:
    with verifier() as base_url:
        request = new_request(base_url, format)
        seen: list[Any] = []

        def approve(_request: Any, shares: Any) -> bool:
            seen.extend(shares)
            return True

        result = respond(wallet, request["request_uri"], approve=approve)
        assert result.status_code == 200
        (share,) = seen
        assert share.shared_whole and share.format == format
        verdict = status(base_url, request["id"])
    assert verdict["status"] == "verified", verdict
    (shown,) = verdict["claims"]["degree"]
    assert shown["degree"]["name"] == "Bachelor of Science and Arts"
    assert shown["name"] == "Erika Mustermann"  # shared whole: more than was asked for
    presented = [e for e in wallet.ledger.entries() if e.kind == "credential.presented"]
    assert presented[-1].details["shared_whole"] is True
    (consent,) = wallet.consents()  # names every claim that went, not only those asked for
    assert list(consent.consent.shared[0].claims) == ["alumniOf", "degree", "name"]


def test_an_ldp_presentation_travels_as_a_json_object(wallet: Wallet) -> None:
    with verifier() as base_url, httpx.Client(timeout=10) as http:
        request = fetch_request(new_request(base_url, "ldp_vc")["request_uri"], http)
        shares = plan(request, wallet.credentials.all())
        response = build_response(wallet, request, shares)
        (presentation,) = response["vp_token"]["degree"]
        assert isinstance(presentation, dict)
        assert presentation["proof"]["challenge"] == request.nonce
        assert presentation["proof"]["domain"] == request.client_id
        post_response(request, response, http, shares)


def test_a_presentation_for_another_request_is_refused(wallet: Wallet) -> None:
    with verifier() as base_url, httpx.Client(timeout=10) as http:
        first = fetch_request(new_request(base_url, "jwt_vc_json")["request_uri"], http)
        second_ids = new_request(base_url, "jwt_vc_json")
        second = fetch_request(second_ids["request_uri"], http)
        shares = plan(first, wallet.credentials.all())
        stale = build_response(wallet, first, shares)
        form = {"vp_token": json.dumps(stale["vp_token"]), "state": second.state or ""}
        answer = http.post(second.response_uri, data=form)
        assert answer.status_code == 400
        assert status(base_url, second_ids["id"])["error"] == "nonce_mismatch"
