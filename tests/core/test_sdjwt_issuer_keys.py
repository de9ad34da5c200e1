"""Issuer key resolution: the JWT VC Issuer Metadata URL (SD-JWT VC §5.1), the real
HttpxFetcher against a loopback server (plain http is allowed to loopback hosts only, by
core.did.fetch.check_fetch_url), did:web issuers, and the per-verifier cache."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from core.clock import FixedClock
from core.did import DidResolver, HttpxFetcher
from core.encoding import multibase_encode
from core.errors import VerificationError
from core.sdjwt.issuer_keys import FETCHED_KEYS_TTL, jwt_vc_issuer_url
from core.verifier import Verifier, VerifierPolicy
from tests.core.sdjwt_build import (
    AUD,
    ISSUER,
    NONCE,
    NOW,
    DictFetcher,
    payload,
    sd_jwt,
    with_kb,
)
from tests.loopback import Route, serving


@pytest.mark.parametrize(
    ("iss", "url"),
    [
        ("https://example.com", "https://example.com/.well-known/jwt-vc-issuer"),
        ("https://example.com/", "https://example.com/.well-known/jwt-vc-issuer"),
        ("https://example.com/tenant/1234", "https://example.com/.well-known/jwt-vc-issuer/tenant/1234"),
        ("https://example.com/tenant/", "https://example.com/.well-known/jwt-vc-issuer/tenant"),
        ("https://example.com:8443/a", "https://example.com:8443/.well-known/jwt-vc-issuer/a"),
        ("http://127.0.0.1:8080/i", "http://127.0.0.1:8080/.well-known/jwt-vc-issuer/i"),
    ],
)
def test_metadata_url(iss: str, url: str) -> None:
    assert jwt_vc_issuer_url(iss) == url


@pytest.mark.parametrize(
    "iss",
    ["http://example.com", "https://example.com?a=b", "https://example.com#f",
     "https://user@example.com", "ftp://example.com", "https://"],
)
def test_metadata_url_refused(iss: str) -> None:
    with pytest.raises(VerificationError) as raised:
        jwt_vc_issuer_url(iss)
    assert raised.value.code == "unresolvable_key"


Routes = dict[str, bytes]


@pytest.fixture
def server() -> Iterator[tuple[str, Routes]]:
    """A server on 127.0.0.1 serving ``routes`` (path → JSON body), 404 else."""
    routes: Routes = {}

    def lookup(path: str) -> Route | None:
        body = routes.get(path)
        return None if body is None else (200, {"Content-Type": "application/json"}, body)

    with serving(lookup) as port:
        yield f"127.0.0.1:{port}", routes


def test_metadata_over_loopback_with_httpx(server: tuple[str, Routes]) -> None:
    host, routes = server
    iss = f"http://{host}/issuers/7"
    jwks = {"keys": [{**ISSUER.public_key.to_jwk(), "kid": "2025"}]}
    routes["/.well-known/jwt-vc-issuer/issuers/7"] = json.dumps(
        {"issuer": iss, "jwks_uri": f"http://{host}/jwks.json"}
    ).encode()
    routes["/jwks.json"] = json.dumps(jwks).encode()
    text = with_kb(sd_jwt(payload(iss=iss), header={"kid": "2025"}))
    verifier = Verifier(VerifierPolicy(), clock=FixedClock(NOW), fetcher=HttpxFetcher(timeout=5))
    assert verifier.verify(text, nonce=NONCE, audience=AUD).issuer == iss

    missing = with_kb(sd_jwt(payload(iss=f"http://{host}/issuers/8")))
    with pytest.raises(VerificationError) as raised:
        verifier.verify(missing, nonce=NONCE, audience=AUD)
    assert raised.value.code == "unresolvable_key"


def test_did_web_issuer_over_loopback(server: tuple[str, Routes]) -> None:
    host, routes = server
    did = "did:web:" + host.replace(":", "%3A")
    method = {
        "id": f"{did}#key-1", "type": "Multikey", "controller": did,
        "publicKeyMultibase": multibase_encode(ISSUER.public_key.to_multicodec()),
    }
    routes["/.well-known/did.json"] = json.dumps(
        {"id": did, "verificationMethod": [method], "assertionMethod": ["#key-1"]}
    ).encode()
    text = with_kb(sd_jwt(payload(iss=did), header={"kid": "#key-1"}))
    verifier = Verifier(VerifierPolicy(), clock=FixedClock(NOW), resolver=DidResolver())
    assert verifier.verify(text, nonce=NONCE, audience=AUD).issuer == did
    # Not under assertionMethod: not an issuer key.
    routes["/.well-known/did.json"] = json.dumps(
        {"id": did, "verificationMethod": [method], "authentication": ["#key-1"]}
    ).encode()
    fresh = Verifier(VerifierPolicy(), clock=FixedClock(NOW), resolver=DidResolver())
    with pytest.raises(VerificationError) as raised:
        fresh.verify(text, nonce=NONCE, audience=AUD)
    assert raised.value.code == "unresolvable_key"


def test_fetched_keys_are_kept_for_a_while_only() -> None:
    iss = "https://issuer.example"
    fetcher = DictFetcher({
        "https://issuer.example/.well-known/jwt-vc-issuer": {
            "issuer": iss, "jwks": {"keys": [ISSUER.public_key.to_jwk()]},
        }
    })
    clock = FixedClock(NOW)
    verifier = Verifier(VerifierPolicy(max_kb_age=1e9, clock_skew=1e9), clock=clock, fetcher=fetcher)
    text = with_kb(sd_jwt())
    verifier.verify(text, nonce=NONCE, audience=AUD)
    clock.advance(FETCHED_KEYS_TTL - 1)
    verifier.verify(text, nonce=NONCE, audience=AUD)
    assert len(fetcher.asked) == 1
    clock.advance(2)
    verifier.verify(text, nonce=NONCE, audience=AUD)
    assert len(fetcher.asked) == 2
    # Another verifier shares nothing with this one.
    Verifier(VerifierPolicy(), clock=FixedClock(NOW), fetcher=fetcher).verify(
        text, nonce=NONCE, audience=AUD
    )
    assert len(fetcher.asked) == 3
