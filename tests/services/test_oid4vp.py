"""OpenID4VP 1.0 end to end over loopback HTTP: the demo verifier (real uvicorn servers on
127.0.0.1), the wallet side (:mod:`core.oid4vp`) and ``tessera respond`` (subprocess and
in-process). No HTTP layer is mocked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.did import DidResolver, did_key_from_public_key
from core.encoding import b64url_encode, compact_json
from core.errors import PresentationRequestError, UserCancelled, VerificationError
from core.jose import sign_json
from core.keys import Ed25519PrivateKey
from core.oid4vp import (
    REQUEST_TYP,
    RequestLink,
    build_response,
    fetch_request,
    parse_request_uri,
    plan,
    post_response,
    read_request,
    respond,
)
from core.sdjwt.issuer import SdJwtIssuer
from core.services.verifier import DemoVerifier
from core.wallet import Wallet
from tests.conftest import REPO_ROOT
from tests.services.helpers import (
    new_wallet,
    request_state,
    running_verifier,
    tessera,
    unlocked,
)

ISSUER_KEY = Ed25519PrivateKey(bytes(range(32)))
ISSUER = did_key_from_public_key(ISSUER_KEY.public_key)
KID = f"{ISSUER}#{ISSUER.removeprefix('did:key:')}"
VCT = "urn:eudi:pid:1"
CLAIMS: dict[str, Any] = {
    "given_name": "Erika",
    "family_name": "Mustermann",
    "birthdate": "1964-08-12",
    "address": {"locality": "Berlin", "street_address": "Heidestrasse 17", "country": "DE"},
}
DISCLOSABLE = [
    "given_name",
    "family_name",
    "birthdate",
    "address.locality",
    "address.street_address",
    "address.country",
]


def dcql(vct: str = VCT) -> dict[str, Any]:
    return {
        "credentials": [
            {
                "id": "pid",
                "format": "dc+sd-jwt",
                "meta": {"vct_values": [vct]},
                "claims": [{"path": ["given_name"]}, {"path": ["address", "locality"]}],
            }
        ]
    }


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A closed vault holding one PID credential bound to its first identity."""
    directory = tmp_path / "vault"
    wallet, did = new_wallet(directory)
    with wallet:
        holder = DidResolver().resolve_key(did)
        issued = SdJwtIssuer(ISSUER_KEY, ISSUER, kid=KID).issue(
            CLAIMS, disclosable=DISCLOSABLE, holder_key=holder, vct=VCT, expires_in=3600
        )
        wallet.import_credential(issued.sd_jwt)
    return directory


@pytest.fixture
def wallet(vault: Path) -> Iterator[Wallet]:
    with unlocked(vault) as opened:
        yield opened


@pytest.fixture
def verifier() -> Iterator[tuple[str, DemoVerifier]]:
    with running_verifier() as running:
        yield running


def new_request(base_url: str, query: Any = None, **extra: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{base_url}/demo/requests", json={"dcql_query": query or dcql(), **extra}, timeout=10
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"id", "request_uri"}
    return body


def status(base_url: str, request_id: str) -> dict[str, Any]:
    body = request_state(base_url, request_id)
    assert set(body) == {"status", "claims", "error"}
    return body


SHARED = {"pid": [{"given_name": "Erika", "address": {"locality": "Berlin"}}]}



# --- end to end -------------------------------------------------------------------------------


def test_cli_respond_end_to_end(vault: Path, verifier: tuple[str, DemoVerifier]) -> None:
    base_url, _ = verifier
    created = new_request(base_url)
    assert created["request_uri"].startswith("openid4vp://?client_id=redirect_uri%3A")
    assert status(base_url, created["id"]) == {"status": "pending", "claims": None, "error": None}

    # No --approve and no terminal: nothing is shared, exit 2.
    refused = tessera(vault, "respond", created["request_uri"])
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.startswith("tessera: error [confirmation_required]: ")
    assert "Would share:" in refused.stdout and "given_name, address.locality" in refused.stdout
    assert status(base_url, created["id"])["status"] == "pending"

    done = tessera(vault, "respond", created["request_uri"], "--approve")
    assert done.returncode == 0, done.stderr
    assert f"Verifier: Tessera demo verifier ({base_url}/response; not verified" in done.stdout
    assert "given_name, address.locality" in done.stdout
    assert status(base_url, created["id"]) == {
        "status": "verified",
        "claims": SHARED,
        "error": None,
    }


def test_cli_respond_json_with_disclose(vault: Path, verifier: tuple[str, DemoVerifier]) -> None:
    base_url, _ = verifier
    created = new_request(base_url)
    done = tessera(
        vault,
        "respond",
        created["request_uri"],
        "--approve",
        "--json",
        "--disclose",
        "given_name",
        "address.locality",
    )
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["verifier"] == f"redirect_uri:{base_url}/response"
    assert body["verified"] is False and body["status"] == 200
    assert [(s["query_id"], s["vct"], s["claims"]) for s in body["shared"]] == [
        ("pid", VCT, ["given_name", "address.locality"])
    ]
    assert status(base_url, created["id"])["claims"] == SHARED


def test_in_process_respond(
    wallet: Wallet, verifier: tuple[str, DemoVerifier], http: httpx.Client
) -> None:
    base_url, _ = verifier
    created = new_request(base_url, purpose="Age and town check")
    seen: list[Any] = []
    result = respond(
        wallet,
        created["request_uri"],
        http=http,
        approve=lambda request, shares: seen.append((request, shares)) or True,
    )
    request, shares = seen[0]
    assert request.purpose == "Age and town check" and request.verifier_name
    assert [share.dotted for share in shares] == [("given_name", "address.locality")]
    assert result.status_code == 200 and result.shares == shares
    assert status(base_url, created["id"]) == {
        "status": "verified",
        "claims": SHARED,
        "error": None,
    }


def test_declining_shares_nothing(
    wallet: Wallet, verifier: tuple[str, DemoVerifier], http: httpx.Client
) -> None:
    base_url, _ = verifier
    created = new_request(base_url)
    with pytest.raises(UserCancelled, match="nothing was shared"):
        respond(wallet, created["request_uri"], http=http, approve=lambda *_: False)
    assert status(base_url, created["id"])["status"] == "pending"


def test_decentralized_identifier_signed_request(wallet: Wallet, http: httpx.Client) -> None:
    key = Ed25519PrivateKey.generate()
    did = did_key_from_public_key(key.public_key)
    with running_verifier(client_id_prefix="decentralized_identifier", verifier_key=key) as (
        base_url,
        service,
    ):
        assert service.client_id == f"decentralized_identifier:{did}"
        created = new_request(base_url)
        request = fetch_request(created["request_uri"], http)
        assert (request.verified, request.verifier, request.client_id_prefix) == (
            True,
            did,
            "decentralized_identifier",
        )
        assert "signed by this DID" in request.describe_verifier()
        result = post_response(
            request, build_response(wallet, request, plan(request, wallet.credentials.all())), http
        )
        assert result.status_code == 200
        assert status(base_url, created["id"])["claims"] == SHARED

        # The same request object with its signature changed does not verify.
        link = parse_request_uri(created["request_uri"])
        token = http.get(str(link.request_uri)).text
        head, body, signature = token.split(".")
        forged = f"{head}.{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
        with pytest.raises(VerificationError) as caught:
            read_request(RequestLink(link.client_id, request=forged), forged)
        assert caught.value.code == "bad_signature"


# --- the verifier refuses -----------------------------------------------------------------------


def test_replayed_response_is_refused(
    wallet: Wallet, verifier: tuple[str, DemoVerifier], http: httpx.Client
) -> None:
    base_url, _ = verifier
    created = new_request(base_url)
    request = fetch_request(created["request_uri"], http)
    response = build_response(wallet, request, plan(request, wallet.credentials.all()))
    assert post_response(request, response, http).status_code == 200
    with pytest.raises(PresentationRequestError) as caught:
        post_response(request, response, http)
    assert caught.value.code == "response_rejected" and "replay" in caught.value.message
    # The same vp_token posted by hand is refused too, and the result stands.
    form = {"vp_token": json.dumps(response["vp_token"]), "state": response["state"]}
    again = http.post(request.response_uri, data=form)
    assert again.status_code == 400 and again.json()["error"] == "invalid_request"
    assert status(base_url, created["id"]) == {
        "status": "verified",
        "claims": SHARED,
        "error": None,
    }


def test_presentation_for_another_nonce_fails(
    wallet: Wallet, verifier: tuple[str, DemoVerifier], http: httpx.Client
) -> None:
    base_url, _ = verifier
    first = fetch_request(new_request(base_url)["request_uri"], http)
    created = new_request(base_url)
    second_id = created["id"]
    second = fetch_request(created["request_uri"], http)
    shares = plan(first, wallet.credentials.all())
    stolen = build_response(wallet, first, shares)["vp_token"]
    with pytest.raises(PresentationRequestError, match="nonce_mismatch"):
        post_response(second, {"vp_token": stolen, "state": second.state}, http)
    assert status(base_url, second_id) == {
        "status": "failed",
        "claims": None,
        "error": "nonce_mismatch",
    }


def parse_link_of(base_url: str, request_id: str) -> str:
    """The openid4vp:// link of a request, rebuilt from its id (as the page shows it)."""
    page = httpx.get(f"{base_url}/requests/{request_id}/page", timeout=10)
    assert page.status_code == 200
    start = page.text.index("openid4vp://")
    return page.text[start : page.text.index('"', start)].replace("&amp;", "&")


def test_verifier_refuses_bad_responses(
    verifier: tuple[str, DemoVerifier], http: httpx.Client
) -> None:
    base_url, _ = verifier
    assert (
        http.post(f"{base_url}/response", data={"vp_token": "{}", "state": "nope"}).status_code
        == 400
    )
    assert http.post(f"{base_url}/response", json={"vp_token": {}}).status_code == 400
    request = fetch_request(new_request(base_url)["request_uri"], http)
    answer = http.post(
        f"{base_url}/response", data={"vp_token": '{"pid": []}', "state": str(request.state)}
    )
    assert answer.status_code == 400
    bad = http.post(f"{base_url}/demo/requests", json={"dcql_query": {"credentials": []}})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_dcql"
    assert http.get(f"{base_url}/demo/requests/unknown").status_code == 404
    assert http.get(f"{base_url}/requests/unknown").status_code == 404


def test_request_page_shows_qr_and_result(verifier: tuple[str, DemoVerifier]) -> None:
    base_url, _ = verifier
    created = new_request(base_url)
    page = httpx.get(f"{base_url}/requests/{created['id']}/page", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert 'src="data:image/png;base64,' in page.text and "pending" in page.text
    assert parse_link_of(base_url, created["id"]) == created["request_uri"]


# --- the wallet refuses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "code"),
    [
        ("", "invalid_request_uri"),
        ("https://verifier.example/?client_id=x", "invalid_request_uri"),
        ("openid4vp://", "invalid_request_uri"),
        ("openid4vp://?request_uri=https%3A%2F%2Fv.example%2Fr", "invalid_request_uri"),
        (
            "openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fv.example%2Fcb",
            "invalid_request_uri",
        ),
        (
            "openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fv.example%2Fcb&request_uri=https%3A%2F%2Fv.example%2Fr&request=e30",
            "invalid_request_uri",
        ),
        (
            "openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fv.example%2Fcb&client_id=x&request_uri=https%3A%2F%2Fv.example%2Fr",
            "invalid_request_uri",
        ),
        (
            "openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fv.example%2Fcb&request_uri=ftp%3A%2F%2Fv.example%2Fr",
            "invalid_request_uri",
        ),
        (
            "openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fv.example%2Fcb&request_uri=https%3A%2F%2Fv.example%2Fr#frag",
            "invalid_request_uri",
        ),
        (
            "openid4vp://elsewhere?client_id=redirect_uri%3Ahttps%3A%2F%2Fv.example%2Fcb&request_uri=https%3A%2F%2Fv.example%2Fr",
            "invalid_request_uri",
        ),
        (
            "openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fv.example%2Fcb&request_uri=https%3A%2F%2Fv.example%2Fr&request_uri_method=put",
            "invalid_request_uri",
        ),
        (
            "openid4vp://?client_id=redirect_uri%3Anot-a-url&request_uri=https%3A%2F%2Fv.example%2Fr",
            "invalid_request_uri",
        ),
        (
            "openid4vp://?client_id=decentralized_identifier%3Anot-a-did&request_uri=https%3A%2F%2Fv.example%2Fr",
            "invalid_request_uri",
        ),
        (
            "openid4vp://?client_id=x509_san_dns%3Av.example&request_uri=https%3A%2F%2Fv.example%2Fr",
            "unsupported_client_id_prefix",
        ),
        (
            "openid4vp://?client_id=verifier-123&request_uri=https%3A%2F%2Fv.example%2Fr",
            "unsupported_client_id_prefix",
        ),
        (
            "openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fv.example%2Fcb&request_uri=http%3A%2F%2Fv.example%2Fr",
            "insecure_url",
        ),
        (
            "openid4vp://?client_id=redirect_uri%3Ahttp%3A%2F%2Fv.example%2Fcb&request_uri=https%3A%2F%2Fv.example%2Fr",
            "insecure_url",
        ),
    ],
)
def test_malformed_request_links(uri: str, code: str, http: httpx.Client) -> None:
    with pytest.raises(PresentationRequestError) as caught:
        fetch_request(uri, http)
    assert caught.value.code == code, caught.value.message


def test_unknown_prefix_from_the_cli(vault: Path) -> None:
    refused = tessera(
        vault,
        "respond",
        "--approve",
        "openid4vp://?client_id=x509_hash%3Aabc&request_uri=https%3A%2F%2Fv.example%2Fr",
    )
    assert refused.returncode == 1
    assert refused.stderr.startswith("tessera: error [unsupported_client_id_prefix]: ")


SIGNER = Ed25519PrivateKey(bytes(range(7, 39)))
SIGNER_DID = did_key_from_public_key(SIGNER.public_key)
SIGNER_KID = f"{SIGNER_DID}#{SIGNER_DID.removeprefix('did:key:')}"
CB = "https://verifier.example/response"


def request_claims(owner: str, **changes: Any) -> dict[str, Any]:
    claims = {
        "client_id": owner,
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": CB,
        "nonce": "n-1",
        "state": "s-1",
        "dcql_query": dcql(),
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def unsigned(claims: dict[str, Any], typ: str = REQUEST_TYP, alg: str = "none") -> str:
    header = {"alg": alg, "typ": typ}
    return f"{b64url_encode(compact_json(header))}.{b64url_encode(compact_json(claims))}."


def signed(claims: dict[str, Any], kid: str = SIGNER_KID, typ: str = REQUEST_TYP) -> str:
    return sign_json(SIGNER, claims, header={"typ": typ, "kid": kid})


RU = f"redirect_uri:{CB}"
DI = f"decentralized_identifier:{SIGNER_DID}"
OTHER_DID = did_key_from_public_key(Ed25519PrivateKey(bytes(range(9, 41))).public_key)


@pytest.mark.parametrize(
    ("client_id", "token", "code"),
    [
        (RU, signed(request_claims(RU)), "invalid_request"),  # redirect_uri must not be signed
        (RU, unsigned(request_claims(RU), typ="JWT"), "invalid_request"),
        (RU, unsigned(request_claims(RU), alg="HS256"), "invalid_request"),
        (RU, unsigned(request_claims(RU))[:-1] + "c2ln", "invalid_request"),
        (
            RU,
            unsigned(request_claims(RU, response_uri="https://other.example/cb")),
            "invalid_request",
        ),
        (RU, unsigned(request_claims(RU, client_id=f"redirect_uri:{CB}x")), "invalid_request"),
        (RU, unsigned(request_claims(RU, response_mode="direct_post.jwt")), "invalid_request"),
        (RU, unsigned(request_claims(RU, response_type="code")), "invalid_request"),
        (RU, unsigned(request_claims(RU, nonce=None)), "invalid_request"),
        (RU, unsigned(request_claims(RU, dcql_query=None)), "invalid_request"),
        (RU, unsigned(request_claims(RU, exp=1_000_000)), "invalid_request"),
        (RU, unsigned(request_claims(RU, redirect_uri=CB)), "invalid_request"),
        (DI, unsigned(request_claims(DI)), "invalid_request"),  # alg none only for redirect_uri
        (DI, signed(request_claims(DI), typ="JWT"), "invalid_request"),
        (
            DI,
            signed(request_claims(DI), kid=f"{OTHER_DID}#{OTHER_DID.removeprefix('did:key:')}"),
            "invalid_request",
        ),
        (
            DI,
            signed(request_claims(DI, response_uri="http://verifier.example/response")),
            "insecure_url",
        ),
        (
            DI,
            signed(request_claims(DI, response_uri="ftp://verifier.example/response")),
            "invalid_request",
        ),
    ],
)
def test_bad_request_objects(client_id: str, token: str, code: str) -> None:
    with pytest.raises(PresentationRequestError) as caught:
        read_request(RequestLink(client_id, request=token), token)
    assert caught.value.code == code, caught.value.message


def test_good_request_objects_by_value() -> None:
    by_value = read_request(RequestLink(DI, request="x"), signed(request_claims(DI)))
    assert by_value.verified and by_value.response_uri == CB and by_value.nonce == "n-1"
    unverified = read_request(RequestLink(RU, request="x"), unsigned(request_claims(RU)))
    assert not unverified.verified and unverified.verifier == CB


def test_no_matching_credential_posts_nothing(
    wallet: Wallet, verifier: tuple[str, DemoVerifier], http: httpx.Client
) -> None:
    base_url, _ = verifier
    created = new_request(base_url, dcql("urn:example:membership:1"))
    with pytest.raises(PresentationRequestError) as caught:
        respond(wallet, created["request_uri"], http=http)
    assert caught.value.code == "no_matching_credential"
    assert "'urn:example:membership:1'; you have none" in caught.value.message
    assert status(base_url, created["id"])["status"] == "pending"


def test_unknown_transaction_data_type_is_refused_before_anything_is_signed(
    wallet: Wallet,
) -> None:
    data = b64url_encode(compact_json({"type": "payment_data", "credential_ids": ["pid"]}))
    token = unsigned(request_claims(RU, transaction_data=[data]))
    before = len(wallet.ledger.entries())
    with pytest.raises(PresentationRequestError) as caught:
        read_request(RequestLink(RU, request=token), token)
    assert caught.value.code == "unsupported_transaction_data"
    assert "(payment_data)" in caught.value.message
    assert len(wallet.ledger.entries()) == before


@pytest.mark.parametrize(
    ("disclose", "code"),
    [
        (["given_name"], "claims_withheld"),
        ([], "claims_withheld"),
        (["given_name", "address.locality", "birthdate"], "claim_not_requested"),
    ],
)
def test_disclose_choices(
    wallet: Wallet,
    verifier: tuple[str, DemoVerifier],
    http: httpx.Client,
    disclose: list[str],
    code: str,
) -> None:
    base_url, _ = verifier
    created = new_request(base_url)
    with pytest.raises(PresentationRequestError) as caught:
        respond(wallet, created["request_uri"], http=http, disclose=disclose)
    assert caught.value.code == code
    assert status(base_url, created["id"])["status"] == "pending"


def test_claim_sets_let_the_person_share_less(
    wallet: Wallet, verifier: tuple[str, DemoVerifier], http: httpx.Client
) -> None:
    base_url, _ = verifier
    query = dcql()
    query["credentials"][0]["claims"] = [
        {"id": "name", "path": ["given_name"]},
        {"id": "town", "path": ["address", "locality"]},
    ]
    query["credentials"][0]["claim_sets"] = [["name", "town"], ["name"]]
    created = new_request(base_url, query)
    respond(wallet, created["request_uri"], http=http, disclose=["given_name"])
    assert status(base_url, created["id"])["claims"] == {
        "pid": [{"given_name": "Erika", "address": {}}]
    }


def test_verifier_serve_prints_its_url_first() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "core.cli", "verifier", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env=env,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        created = new_request(base_url)
        assert created["request_uri"].startswith("openid4vp://?client_id=redirect_uri%3A")
    finally:
        process.terminate()
        process.wait(timeout=10)
