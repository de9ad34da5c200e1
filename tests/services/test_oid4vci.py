"""OpenID4VCI end to end over real loopback HTTP: the demo issuer (uvicorn, started here)
and the wallet side (core.oid4vci, ``tessera receive``). No mocked HTTP layer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from core import jose
from core.did import did_key_from_public_key
from core.errors import InvalidInput, IssuanceError
from core.keys import Ed25519PrivateKey
from core.oid4vci import describe_offer, parse_offer_uri, receive
from core.sdjwt.holder import HeldCredential
from core.services.issuer import CONFIGURATIONS, mask_iban
from core.wallet import Wallet
from tests.conftest import REPO_ROOT
from tests.services.helpers import PASSPHRASE, new_wallet, running_issuer, tessera

ISSUER_KEY = Ed25519PrivateKey(bytes(range(40, 72)))


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with running_issuer(ISSUER_KEY) as base_url:
        yield base_url


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[Wallet]:
    created, _ = new_wallet(tmp_path / "vault")
    with created:
        yield created


def make_offer(http: httpx.Client, issuer: str, **body: Any) -> str:
    body.setdefault("credential_configuration_id", "identity_credential")
    response = http.post(f"{issuer}/demo/offers", json=body)
    assert response.status_code == 201, response.text
    uri = response.json()["offer_uri"]
    assert isinstance(uri, str)
    return uri


def offer_object(http: httpx.Client, uri: str) -> dict[str, Any]:
    link = parse_offer_uri(uri)
    if link.offer is not None:
        return link.offer.to_json()
    assert link.offer_uri is not None
    answer: dict[str, Any] = http.get(link.offer_uri).json()
    return answer


def token_for(http: httpx.Client, issuer: str, uri: str, tx_code: str | None = None) -> str:
    code = offer_object(http, uri)["grants"][
        "urn:ietf:params:oauth:grant-type:pre-authorized_code"
    ]["pre-authorized_code"]
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": code,
    }
    if tx_code is not None:
        form["tx_code"] = tx_code
    response = http.post(f"{issuer}/token", data=form)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


# --- metadata ------------------------------------------------------------------------------


def test_metadata_endpoints(issuer: str, http: httpx.Client) -> None:
    metadata = http.get(f"{issuer}/.well-known/openid-credential-issuer").json()
    assert metadata["credential_issuer"] == issuer
    assert metadata["nonce_endpoint"] == f"{issuer}/nonce"
    configurations = metadata["credential_configurations_supported"]
    assert set(configurations) == {"identity_credential", "bank_account", "membership_card"}
    identity = configurations["identity_credential"]
    assert identity["format"] == "dc+sd-jwt"
    paths = [c["path"] for c in identity["credential_metadata"]["claims"]]
    assert ["address", "postal_code"] in paths and ["nationalities"] in paths
    server = http.get(f"{issuer}/.well-known/oauth-authorization-server").json()
    assert server["issuer"] == issuer and server["token_endpoint"] == f"{issuer}/token"
    assert server["pre-authorized_grant_anonymous_access_supported"] is True
    keys = http.get(f"{issuer}/.well-known/jwt-vc-issuer").json()
    assert keys["issuer"] == issuer
    assert keys["jwks"]["keys"][0]["x"] == ISSUER_KEY.public_key.to_jwk()["x"]


def test_home_page_shows_the_last_offer(issuer: str, http: httpx.Client) -> None:
    uri = make_offer(http, issuer, credential_configuration_id="membership_card")
    page = http.get(f"{issuer}/").text
    assert "Membership card" in page
    assert uri.replace("&", "&amp;") in page


def test_mask_iban() -> None:
    assert mask_iban("DE89 3704 0044 0532 0130 00") == "DE89 •••• 3000"
    assert mask_iban("short") == "••••"


def test_demo_offers_refuse_bad_requests(issuer: str, http: httpx.Client) -> None:
    cases: list[Any] = [
        {"credential_configuration_id": "passport"},
        {"credential_configuration_id": "identity_credential", "claims": []},
        {"credential_configuration_id": "identity_credential", "tx_code": "12ab"},
        {"credential_configuration_id": "identity_credential", "claims": {"iss": "x"}},
        [],
    ]
    for body in cases:
        response = http.post(f"{issuer}/demo/offers", json=body)
        assert response.status_code == 400, body
        assert response.json()["error"] == "invalid_request"


# --- the whole flow, in process --------------------------------------------------------------


@pytest.mark.parametrize("configuration", [c.id for c in CONFIGURATIONS])
def test_receive_each_credential_type(
    issuer: str, http: httpx.Client, wallet: Wallet, configuration: str
) -> None:
    uri = make_offer(http, issuer, credential_configuration_id=configuration)
    summary = describe_offer(uri, http)
    assert summary.issuer == issuer and summary.issuer_name == "Tessera Demo Issuer"
    assert [c.configuration_id for c in summary.credentials] == [configuration]
    assert not summary.needs_tx_code
    stored = receive(wallet, uri, http=http)
    assert stored.issuer == issuer
    assert stored.holder_did == wallet.identities.all()[0].did
    assert [c.id for c in wallet.credentials.all()] == [stored.id]
    held = HeldCredential.from_storage(stored.sd_jwt)
    expected = next(c for c in CONFIGURATIONS if c.id == configuration)
    assert held.vct == expected.vct
    if configuration == "bank_account":
        assert held.claims["account_display"] == "DE89 •••• 3000"
        assert held.claims["iban"] == "DE89370400440532013000"
    if configuration == "identity_credential":
        assert held.claims["address"]["locality"] == "Köln"
    assert held.claims["status"]["status_list"]["uri"] == f"{issuer}/status/1"


def test_receive_with_tx_code_by_value_and_did_jwk(
    issuer: str, http: httpx.Client, wallet: Wallet
) -> None:
    identity = wallet.create_identity(method="jwk", alg="ES256")
    claims = {"member_name": "Ada", "organization": "Analytical Society", "member_id": "7"}
    uri = make_offer(
        http,
        issuer,
        credential_configuration_id="membership_card",
        claims=claims,
        tx_code="493536",
        by_value=True,
    )
    assert uri.startswith("openid-credential-offer://?credential_offer=")
    summary = describe_offer(uri, http)
    assert summary.needs_tx_code and summary.tx_code is not None
    assert summary.tx_code.length == 6 and summary.tx_code.input_mode == "numeric"
    with pytest.raises(InvalidInput, match="transaction code"):
        receive(wallet, uri, http=http, did=identity.did)
    stored = receive(wallet, uri, tx_code="493536", http=http, did=identity.did)
    assert stored.holder_did == identity.did
    assert HeldCredential.from_storage(stored.sd_jwt).claims["member_name"] == "Ada"


def test_receive_without_an_injected_client(
    issuer: str, http: httpx.Client, wallet: Wallet
) -> None:
    stored = receive(wallet, make_offer(http, issuer))
    assert stored.issuer == issuer


# --- refusals: nothing stored -----------------------------------------------------------------


def test_wrong_tx_code_is_invalid_grant_and_stores_nothing(
    issuer: str, http: httpx.Client, wallet: Wallet
) -> None:
    uri = make_offer(http, issuer, tx_code="1234")
    entries = len(wallet.ledger.entries())
    with pytest.raises(IssuanceError) as caught:
        receive(wallet, uri, tx_code="9999", http=http)
    assert caught.value.code == "invalid_grant"
    assert "transaction code is wrong" in caught.value.message
    assert wallet.credentials.all() == []
    assert len(wallet.ledger.entries()) == entries
    # The right code still works after one wrong try.
    assert receive(wallet, uri, tx_code="1234", http=http).issuer == issuer


def test_three_wrong_tx_codes_kill_the_offer(
    issuer: str, http: httpx.Client, wallet: Wallet
) -> None:
    uri = make_offer(http, issuer, tx_code="1234")
    for _ in range(3):
        with pytest.raises(IssuanceError):
            receive(wallet, uri, tx_code="0000", http=http)
    with pytest.raises(IssuanceError) as caught:
        receive(wallet, uri, tx_code="1234", http=http)
    assert caught.value.code == "invalid_grant"
    assert wallet.credentials.all() == []


def test_pre_authorized_code_is_single_use(issuer: str, http: httpx.Client, wallet: Wallet) -> None:
    uri = make_offer(http, issuer)
    receive(wallet, uri, http=http)
    with pytest.raises(IssuanceError) as caught:
        receive(wallet, uri, http=http)
    assert caught.value.code == "invalid_grant"
    assert len(wallet.credentials.all()) == 1


def _proof(wallet: Wallet, claims: dict[str, Any], **header: Any) -> str:
    did = wallet.identities.all()[0].did
    key = wallet.identities.private_key(did)
    header.setdefault("typ", "openid4vci-proof+jwt")
    header.setdefault("kid", f"{did}#{did.removeprefix('did:key:')}")
    return jose.sign_json(key, claims, header=header)


def _credential_request(
    http: httpx.Client,
    issuer: str,
    token: str,
    proof: str,
    configuration: str = "identity_credential",
) -> httpx.Response:
    return http.post(
        f"{issuer}/credential",
        json={"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_issuer_checks_the_proof(issuer: str, http: httpx.Client, wallet: Wallet) -> None:
    token = token_for(http, issuer, make_offer(http, issuer))
    now = int(time.time())

    def nonce() -> str:
        value: str = http.post(f"{issuer}/nonce").json()["c_nonce"]
        return value

    used = nonce()
    good = {"aud": issuer, "iat": now, "nonce": used}
    assert _credential_request(http, issuer, token, _proof(wallet, good)).status_code == 200
    token = token_for(http, issuer, make_offer(http, issuer))
    cases: list[tuple[str, str, str]] = [
        (
            "wrong aud",
            _proof(wallet, {**good, "aud": "https://other.example", "nonce": nonce()}),
            "invalid_proof",
        ),
        ("no aud", _proof(wallet, {"iat": now, "nonce": nonce()}), "invalid_proof"),
        ("reused nonce", _proof(wallet, good), "invalid_nonce"),
        ("unknown nonce", _proof(wallet, {**good, "nonce": "made-up"}), "invalid_nonce"),
        ("no nonce", _proof(wallet, {"aud": issuer, "iat": now}), "invalid_nonce"),
        (
            "stale iat",
            _proof(wallet, {**good, "iat": now - 3600, "nonce": nonce()}),
            "invalid_proof",
        ),
        ("wrong typ", _proof(wallet, {**good, "nonce": nonce()}, typ="JWT"), "invalid_proof"),
        (
            "did:web kid",
            _proof(wallet, {**good, "nonce": nonce()}, kid="did:web:example.com#k"),
            "invalid_proof",
        ),
        (
            "kid of another key",
            _proof(
                wallet,
                {**good, "nonce": nonce()},
                kid=did_key_from_public_key(ISSUER_KEY.public_key) + "#x",
            ),
            "invalid_proof",
        ),
    ]
    other = Ed25519PrivateKey(bytes(range(1, 33)))
    cases.append(
        (
            "jwk of another key",
            jose.sign_json(
                wallet.identities.private_key(wallet.identities.all()[0].did),
                {**good, "nonce": nonce()},
                header={"typ": "openid4vci-proof+jwt", "jwk": other.public_key.to_jwk()},
            ),
            "invalid_proof",
        )
    )
    for name, proof, error in cases:
        response = _credential_request(http, issuer, token, proof)
        assert response.status_code == 400, name
        assert response.json()["error"] == error, name
    # The token survives refused proofs; a good proof (jwk header) still gets the credential.
    did = wallet.identities.all()[0].did
    key = wallet.identities.private_key(did)
    proof = jose.sign_json(
        key,
        {**good, "nonce": nonce()},
        header={"typ": "openid4vci-proof+jwt", "jwk": key.public_key.to_jwk()},
    )
    response = _credential_request(http, issuer, token, proof)
    assert response.status_code == 200
    assert response.json()["credentials"][0]["credential"].count("~") >= 2
    # ... and is then used up.
    response = _credential_request(http, issuer, token, proof)
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def test_credential_endpoint_refusals(issuer: str, http: httpx.Client, wallet: Wallet) -> None:
    token = token_for(http, issuer, make_offer(http, issuer))
    nonce = http.post(f"{issuer}/nonce").json()["c_nonce"]
    proof = _proof(wallet, {"aud": issuer, "iat": int(time.time()), "nonce": nonce})
    assert _credential_request(http, issuer, "nope", proof).status_code == 401
    response = _credential_request(http, issuer, token, proof, configuration="bank_account")
    assert response.json()["error"] == "unknown_credential_configuration"
    for body in [
        {"credential_configuration_id": "identity_credential", "proof": {"jwt": proof}},
        {"credential_configuration_id": "identity_credential", "proofs": {"jwt": [proof, proof]}},
    ]:
        response = http.post(
            f"{issuer}/credential", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 400 and response.json()["error"] == "invalid_proof"


def test_token_endpoint_refusals(issuer: str, http: httpx.Client) -> None:
    grant = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
    for form, error in [
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
        ({"grant_type": grant}, "invalid_request"),
        ({"grant_type": grant, "pre-authorized_code": "unknown"}, "invalid_grant"),
    ]:
        response = http.post(f"{issuer}/token", data=form)
        assert response.status_code == 400 and response.json()["error"] == error


MALFORMED_OFFERS: list[tuple[str, str]] = [
    ("", "invalid_offer"),
    ("https://issuer.example/offer", "invalid_offer"),
    ("openid-credential-offer://", "invalid_offer"),
    ("openid-credential-offer://?", "invalid_offer"),
    (
        "openid-credential-offer://host?credential_offer_uri=https%3A%2F%2Fa.example%2Fo",
        "invalid_offer",
    ),
    (
        "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fa.example%2Fo#frag",
        "invalid_offer",
    ),
    ("openid-credential-offer://?credential_offer_uri=", "invalid_offer"),
    (
        "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fa.example%2Fo&credential_offer_uri=https%3A%2F%2Fb.example%2Fo",
        "invalid_offer",
    ),
    (
        "openid-credential-offer://?credential_offer=%7B%7D&credential_offer_uri=https%3A%2F%2Fa.example%2Fo",
        "invalid_offer",
    ),
    (
        "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fa.example%2Fo&extra=1",
        "invalid_offer",
    ),
    ("openid-credential-offer://?credential_offer=not-json", "invalid_offer"),
    ("openid-credential-offer://?credential_offer=%5B%5D", "invalid_offer"),
    ("openid-credential-offer://?credential_offer=%7B%7D", "invalid_offer"),
    (
        "openid-credential-offer://?credential_offer_uri=http%3A%2F%2Fissuer.example%2Fo",
        "insecure_url",
    ),
    ("openid-credential-offer://?credential_offer_uri=ftp%3A%2F%2F127.0.0.1%2Fo", "insecure_url"),
    (
        "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fuser%40a.example%2Fo",
        "insecure_url",
    ),
    (
        "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fa.example%3Ax%2Fo",
        "insecure_url",
    ),
]


def _by_value(offer: Any) -> str:
    return "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer), safe="")


_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
_GOOD = {
    "credential_issuer": "https://issuer.example",
    "credential_configuration_ids": ["identity_credential"],
    "grants": {_GRANT: {"pre-authorized_code": "abc"}},
}
MALFORMED_OFFER_OBJECTS: list[tuple[str, Any, str]] = [
    ("http issuer", {**_GOOD, "credential_issuer": "http://issuer.example"}, "insecure_url"),
    ("issuer not a string", {**_GOOD, "credential_issuer": 7}, "invalid_offer"),
    (
        "issuer with query",
        {**_GOOD, "credential_issuer": "https://issuer.example/?a=1"},
        "invalid_offer",
    ),
    ("no ids", {**_GOOD, "credential_configuration_ids": []}, "invalid_offer"),
    ("duplicate ids", {**_GOOD, "credential_configuration_ids": ["a", "a"]}, "invalid_offer"),
    ("id not a string", {**_GOOD, "credential_configuration_ids": [1]}, "invalid_offer"),
    ("no grants", {k: v for k, v in _GOOD.items() if k != "grants"}, "invalid_offer"),
    ("authorization code only", {**_GOOD, "grants": {"authorization_code": {}}}, "invalid_offer"),
    ("empty code", {**_GOOD, "grants": {_GRANT: {"pre-authorized_code": ""}}}, "invalid_offer"),
    (
        "tx_code not an object",
        {**_GOOD, "grants": {_GRANT: {"pre-authorized_code": "a", "tx_code": "1"}}},
        "invalid_offer",
    ),
    (
        "tx_code bad mode",
        {
            **_GOOD,
            "grants": {_GRANT: {"pre-authorized_code": "a", "tx_code": {"input_mode": "emoji"}}},
        },
        "invalid_offer",
    ),
    (
        "tx_code bad length",
        {**_GOOD, "grants": {_GRANT: {"pre-authorized_code": "a", "tx_code": {"length": 0}}}},
        "invalid_offer",
    ),
    (
        "http authorization server",
        {
            **_GOOD,
            "grants": {
                _GRANT: {"pre-authorized_code": "a", "authorization_server": "http://as.example"}
            },
        },
        "insecure_url",
    ),
]


@pytest.mark.parametrize(("uri", "code"), MALFORMED_OFFERS)
def test_malformed_offer_links(uri: str, code: str, wallet: Wallet) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_offer_uri(uri)
    assert caught.value.code == code
    with pytest.raises(InvalidInput):
        receive(wallet, uri)
    assert wallet.credentials.all() == []


@pytest.mark.parametrize(
    ("name", "offer", "code"), MALFORMED_OFFER_OBJECTS, ids=[c[0] for c in MALFORMED_OFFER_OBJECTS]
)
def test_malformed_offer_objects(name: str, offer: Any, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_offer_uri(_by_value(offer))
    assert caught.value.code == code


def test_good_offer_object_round_trips() -> None:
    link = parse_offer_uri(_by_value(_GOOD))
    assert link.offer is not None and link.offer.to_json() == _GOOD


def test_non_loopback_http_endpoint_is_refused_before_any_request(wallet: Wallet) -> None:
    # The issuer identifier in a by-value offer is plain http on a public name.
    uri = _by_value({**_GOOD, "credential_issuer": "http://issuer.example"})
    with pytest.raises(InvalidInput) as caught:
        receive(wallet, uri)
    assert caught.value.code == "insecure_url"


def test_offer_by_reference_to_a_missing_offer(
    issuer: str, http: httpx.Client, wallet: Wallet
) -> None:
    uri = "openid-credential-offer://?credential_offer_uri=" + quote(
        f"{issuer}/offers/nope", safe=""
    )
    with pytest.raises(IssuanceError) as caught:
        receive(wallet, uri, http=http)
    assert caught.value.code == "invalid_issuer_response"
    assert wallet.credentials.all() == []


def test_unreachable_issuer(wallet: Wallet) -> None:
    offer = {**_GOOD, "credential_issuer": "http://127.0.0.1:9"}
    with pytest.raises(IssuanceError) as caught:
        receive(wallet, _by_value(offer))
    assert caught.value.code == "issuer_unreachable"


# --- the command line ---------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
    return {**env, "TESSERA_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(REPO_ROOT)}


def _tessera(*argv: str) -> subprocess.CompletedProcess[str]:
    return tessera(None, *argv)


@pytest.fixture(scope="module")
def served_issuer() -> Iterator[str]:
    """``tessera issuer serve --port 0`` in a subprocess; its first stdout line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "core.cli", "issuer", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env=_env(),
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:"), base_url
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_cli_receive_from_a_served_issuer(served_issuer: str, tmp_path: Path) -> None:
    vault = str(tmp_path / "vault")
    init = _tessera("--vault", vault, "init", "--kdf", "interactive")
    assert init.returncode == 0, init.stderr
    with httpx.Client(timeout=10, trust_env=False) as http:
        uri = make_offer(
            http, served_issuer, credential_configuration_id="bank_account", tx_code="2468"
        )
    wrong = _tessera("--vault", vault, "receive", uri, "--tx-code", "1357")
    assert wrong.returncode == 1
    assert wrong.stderr.startswith("tessera: error [invalid_grant]:"), wrong.stderr
    listed = _tessera("--vault", vault, "--json", "credential", "list")
    assert json.loads(listed.stdout) == []
    got = _tessera("--vault", vault, "--json", "receive", uri, "--tx-code", "2468")
    assert got.returncode == 0, got.stderr
    result = json.loads(got.stdout)
    assert result["issuer"] == served_issuer and result["vct"] == "urn:tessera:demo:bank-account:1"
    listed = _tessera("--vault", vault, "--json", "credential", "list")
    credentials = json.loads(listed.stdout)
    assert [c["id"] for c in credentials] == [result["id"]]
    again = _tessera("--vault", vault, "receive", uri, "--tx-code", "2468")
    assert again.returncode == 1 and "[invalid_grant]" in again.stderr
    human = _tessera("--vault", vault, "receive", make_offer_cli(served_issuer))
    assert human.returncode == 0, human.stderr
    assert human.stdout.startswith("Stored ") and served_issuer in human.stdout
    bad = _tessera("--vault", vault, "receive", "openid-credential-offer://?nothing=1")
    assert bad.returncode == 1 and "[invalid_offer]" in bad.stderr


def make_offer_cli(issuer: str) -> str:
    with httpx.Client(timeout=10, trust_env=False) as http:
        return make_offer(http, issuer, credential_configuration_id="membership_card")


def test_cli_issuer_serve_rejects_a_bad_port() -> None:
    result = _tessera("issuer", "serve", "--port", "70000")
    assert result.returncode == 2


def test_received_credential_verifies_with_the_issuer_key_fetched_over_loopback(
    issuer: str, http: httpx.Client, wallet: Wallet
) -> None:
    """core.verifier finds the key of an http://127.0.0.1 issuer at /.well-known/jwt-vc-issuer."""
    from core.verifier import Verifier, VerifierPolicy

    stored = receive(wallet, make_offer(http, issuer), http=http)
    presentation = wallet.present_credential(
        stored.id, ["address.locality"], nonce="n-123", audience="https://verifier.example"
    )
    verifier = Verifier(VerifierPolicy(trusted_issuers=None, algorithms={"EdDSA", "ES256"}))
    result = verifier.verify(presentation, nonce="n-123", audience="https://verifier.example")
    assert result.issuer == issuer
    assert result.vct == "urn:tessera:demo:identity:1"
    assert result.claims["address"]["locality"] == "Köln"
    assert "given_name" not in result.claims


def _status_of(http: httpx.Client, uri: str, index: int) -> int:
    import zlib

    from core.encoding import b64url_decode

    response = http.get(uri)
    assert response.headers["content-type"].startswith("application/statuslist+jwt")
    jws = jose.parse(response.text)
    assert jws.header["typ"] == "statuslist+jwt"
    verified = jose.verify(jws, ISSUER_KEY.public_key, algorithms={"EdDSA"})
    payload = verified.payload_json()
    assert payload["sub"] == uri and payload["status_list"]["bits"] == 2
    data = zlib.decompress(b64url_decode(payload["status_list"]["lst"]))
    return (data[index // 4] >> ((index % 4) * 2)) & 0b11


def test_status_list_entries(issuer: str, http: httpx.Client, wallet: Wallet) -> None:
    response = http.post(
        f"{issuer}/demo/offers", json={"credential_configuration_id": "membership_card"}
    )
    offer_id, uri = response.json()["id"], response.json()["offer_uri"]
    status = http.post(f"{issuer}/demo/offers/{offer_id}/status", json={"status": "revoked"})
    assert status.status_code == 400  # nothing issued yet
    stored = receive(wallet, uri, http=http)
    payload = json.loads(jose.parse(stored.sd_jwt.split("~")[0]).payload)
    reference = payload["status"]["status_list"]
    assert reference["uri"] == f"{issuer}/status/1"
    index = reference["idx"]
    assert _status_of(http, reference["uri"], index) == 0
    for name, value in [("suspended", 2), ("valid", 0), ("revoked", 1), ("revoked", 1)]:
        answer = http.post(f"{issuer}/demo/offers/{offer_id}/status", json={"status": name})
        assert answer.status_code == 200 and answer.json()["idx"] == [index]
        assert _status_of(http, reference["uri"], index) == value
    for name in ("valid", "suspended"):  # revocation is final
        refused = http.post(f"{issuer}/demo/offers/{offer_id}/status", json={"status": name})
        assert refused.status_code == 409 and refused.json()["error"] == "invalid_request"
        assert _status_of(http, reference["uri"], index) == 1
    bad = http.post(f"{issuer}/demo/offers/{offer_id}/status", json={"status": "gone"})
    assert bad.status_code == 400
    missing = http.post(f"{issuer}/demo/offers/nope/status", json={"status": "valid"})
    assert missing.status_code == 404
