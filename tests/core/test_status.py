"""Token Status List (core.status): the draft's vectors, tokens, the Verifier check, bad input."""

from __future__ import annotations

import hashlib
import json
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import pytest

from core.clock import FixedClock
from core.encoding import b64url_encode
from core.errors import InvalidInput, ResolutionError, VerificationError
from core.keys import Ed25519PrivateKey, private_key_from_jwk, public_key_from_jwk
from core.sdjwt.issuer import SdJwtIssuer
from core.sdjwt.issuer_keys import IssuerKey
from core.status import (
    StatusList,
    StatusListChecker,
    decompress_bounded,
    issue_status_list_token,
    verify_status_list_token,
)
from core.verifier import Verifier, VerifierPolicy
from tests.loopback import Route, serving

VECTORS = json.loads(
    (Path("/work/shared/vectors") / "token-status-list.json").read_text(encoding="utf-8")
)
NOW = 1_750_000_000
ISS = "https://issuer.example"
LIST_URI = "https://issuer.example/status/1"
ISSUER = Ed25519PrivateKey(hashlib.sha256(b"status issuer").digest())


def _dict_fetcher(table: dict[str, bytes], calls: list[str] | None = None) -> Any:
    def fetch(url: str) -> bytes:
        if calls is not None:
            calls.append(url)
        if url not in table:
            raise ResolutionError(f"{url} was not found", code="did_not_found")
        return table[url]

    return fetch


# --- vectors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("example", VECTORS["small_examples"], ids=lambda e: e["name"][:40])
def test_small_examples_decode_and_encode(example: dict[str, Any]) -> None:
    status_list = StatusList.from_json(example["status_list_json"])
    assert status_list.bits == example["bits"]
    assert bytes(status_list.data).hex() == example["uncompressed_bytes_hex"]
    for index, value in enumerate(example["statuses"]):
        assert status_list.get(index) == value
    rebuilt = StatusList(example["bits"], example["size"])
    for index, value in enumerate(example["statuses"]):
        rebuilt.set(index, value)
    # zlib level 9 reproduces the draft's bytes exactly for these examples.
    assert rebuilt.compressed().hex() == example["compressed_hex"]
    assert rebuilt.to_json() == example["status_list_json"]


@pytest.mark.parametrize(
    "vector", VECTORS["appendix_c_test_vectors"], ids=lambda v: f"bits{v['bits']}"
)
def test_appendix_c_vectors(vector: dict[str, Any]) -> None:
    status_list = StatusList.from_json({"bits": vector["bits"], "lst": vector["lst"]})
    assert status_list.size == vector["size"] == 2**20
    explicit = {int(k): v for k, v in vector["explicit_statuses"].items()}
    for index, value in explicit.items():
        assert status_list.get(index) == value
    for index in range(0, vector["size"], 997):
        if index not in explicit:
            assert status_list.get(index) == 0
    rebuilt = StatusList(vector["bits"], vector["size"])
    for index, value in explicit.items():
        rebuilt.set(index, value)
    # Compression output may differ by zlib level; the content must not.
    assert rebuilt.data == status_list.data
    assert StatusList.from_json(rebuilt.to_json()).data == status_list.data


def test_appendix_c_every_index_of_the_2_bit_list() -> None:
    vector = VECTORS["appendix_c_test_vectors"][1]
    assert vector["bits"] == 2
    status_list = StatusList.from_json({"bits": 2, "lst": vector["lst"]})
    explicit = {int(k): v for k, v in vector["explicit_statuses"].items()}
    found = {i: status_list.get(i) for i in range(vector["size"]) if status_list.get(i)}
    assert found == explicit


# --- Status List Token --------------------------------------------------------------------------


def _artifact() -> dict[str, Any]:
    artifact: dict[str, Any] = VECTORS["status_list_token_jwt_repo_artifact"]
    return artifact


def test_repo_artifact_token_verifies() -> None:
    artifact = _artifact()
    key = public_key_from_jwk(artifact["signer_public_jwk"])
    verified = verify_status_list_token(
        artifact["jwt"],
        keys=[IssuerKey(key, "12")],
        expected_uri="https://example.com/statuslists/1",
        clock=FixedClock(NOW),
    )
    assert verified.ttl == 43200 and verified.exp == 2291720170
    assert verified.status_list.get(0) == 1
    with pytest.raises(VerificationError) as info:
        verify_status_list_token(
            artifact["jwt"], keys=[key], expected_uri="https://other/1", clock=FixedClock(NOW)
        )
    assert info.value.code == "malformed"
    with pytest.raises(VerificationError) as info:
        verify_status_list_token(
            artifact["jwt"],
            keys=[key],
            expected_uri="https://example.com/statuslists/1",
            clock=FixedClock(2291720170 + 3600),
        )
    assert info.value.code == "expired"
    with pytest.raises(VerificationError) as info:
        verify_status_list_token(
            artifact["jwt"],
            keys=[ISSUER.public_key],
            expected_uri="https://example.com/statuslists/1",
            clock=FixedClock(NOW),
        )
    assert info.value.code in ("unresolvable_key", "unsupported_alg")


def test_issue_then_verify_with_the_artifact_key() -> None:
    signer = private_key_from_jwk(_artifact()["signer_private_jwk"])
    token = issue_status_list_token(
        signer,
        sub="https://example.com/statuslists/1",
        status_list=StatusList.from_json({"bits": 1, "lst": "eNrbuRgAAhcBXQ"}),
        iat=NOW,
        exp=NOW + 100,
        ttl=50,
        kid="12",
    )
    verified = verify_status_list_token(
        token,
        keys=[public_key_from_jwk(_artifact()["signer_public_jwk"])],
        expected_uri="https://example.com/statuslists/1",
        clock=FixedClock(NOW),
    )
    assert verified.status_list.get(0) == 1


def test_wrong_typ_is_refused() -> None:
    from core.jose import sign_json

    token = sign_json(
        ISSUER,
        {"sub": LIST_URI, "iat": NOW, "status_list": StatusList(1, 8).to_json()},
        header={"typ": "JWT"},
    )
    with pytest.raises(VerificationError) as info:
        verify_status_list_token(
            token, keys=[ISSUER.public_key], expected_uri=LIST_URI, clock=FixedClock(NOW)
        )
    assert info.value.code == "malformed"


def test_referenced_token_example_is_revoked() -> None:
    examples = VECTORS["referenced_token_examples"]
    payload = examples["sd_jwt_payload_printed"]
    artifact = _artifact()
    uri = payload["status"]["status_list"]["uri"]
    checker = StatusListChecker(
        _dict_fetcher({uri: artifact["jwt"].encode()}),
        clock=FixedClock(NOW),
        # The draft signs its list and its Referenced Token with different example keys.
        issuer_keys={payload["iss"]: [public_key_from_jwk(artifact["signer_public_jwk"])]},
    )
    with pytest.raises(VerificationError) as info:
        checker(payload)
    assert info.value.code == "revoked"


# --- through the Verifier ------------------------------------------------------------------------


class _Host:
    """The issuer's side for the tests: a 2-bit list published as a token in a dict."""

    def __init__(self, clock: FixedClock, ttl: int | None = 60) -> None:
        self.clock = clock
        self.ttl = ttl
        self.list = StatusList(2, 1024)
        self.table: dict[str, bytes] = {}
        self.calls: list[str] = []
        self.publish()

    def publish(self) -> None:
        token = issue_status_list_token(
            ISSUER,
            sub=LIST_URI,
            status_list=self.list,
            iat=int(self.clock.now()),
            ttl=self.ttl,
            iss=ISS,
        )
        self.table[LIST_URI] = token.encode()

    def fetcher(self) -> Any:
        return _dict_fetcher(self.table, self.calls)


def _credential(index: int, uri: str = LIST_URI) -> str:
    issuer = SdJwtIssuer(ISSUER, ISS, clock=FixedClock(NOW))
    issued = issuer.issue(
        {"given_name": "Erika"},
        disclosable=["given_name"],
        vct="https://credentials.example/identity",
        status={"status_list": {"idx": index, "uri": uri}},
    )
    return issued.sd_jwt


def _verifier(checker: StatusListChecker, clock: FixedClock) -> Verifier:
    policy = VerifierPolicy(
        issuer_keys={ISS: [ISSUER.public_key]},
        require_key_binding=False,
        status_checker=checker,
    )
    return Verifier(policy, clock=clock)


def test_revoked_suspended_reinstated_through_the_verifier() -> None:
    clock = FixedClock(NOW)
    host = _Host(clock, ttl=None)
    checker = StatusListChecker(
        host.fetcher(), clock=clock, issuer_keys={ISS: [ISSUER.public_key]}, cache=False
    )
    verifier = _verifier(checker, clock)
    credential = _credential(7)
    verifier.verify_issued(credential)
    host.list.set(7, 1)
    host.publish()
    with pytest.raises(VerificationError) as info:
        verifier.verify_issued(credential)
    assert info.value.code == "revoked"
    host.list.set(7, 2)
    host.publish()
    with pytest.raises(VerificationError) as info:
        verifier.verify_issued(credential)
    assert info.value.code == "suspended"
    host.list.set(7, 0)
    host.publish()
    verifier.verify_issued(credential)
    host.list.set(7, 3)  # application specific: refused as revoked
    host.publish()
    with pytest.raises(VerificationError) as info:
        verifier.verify_issued(credential)
    assert info.value.code == "revoked"


def test_index_past_the_list_is_unavailable() -> None:
    clock = FixedClock(NOW)
    host = _Host(clock)
    checker = StatusListChecker(host.fetcher(), clock=clock, issuer_keys={ISS: [ISSUER.public_key]})
    with pytest.raises(VerificationError) as info:
        _verifier(checker, clock).verify_issued(_credential(4096))
    assert info.value.code == "status_unavailable"


@pytest.mark.parametrize("uri", ["https://issuer.example/status/gone", "http://issuer.example/s"])
def test_unreachable_list_follows_the_policy(uri: str) -> None:
    clock = FixedClock(NOW)
    host = _Host(clock)
    keys = {ISS: [ISSUER.public_key]}
    reject = StatusListChecker(host.fetcher(), clock=clock, issuer_keys=keys)
    with pytest.raises(VerificationError) as info:
        _verifier(reject, clock).verify_issued(_credential(1, uri))
    assert info.value.code == "status_unavailable"
    accept = StatusListChecker(
        host.fetcher(), clock=clock, issuer_keys=keys, on_unavailable="accept"
    )
    _verifier(accept, clock).verify_issued(_credential(1, uri))


def test_list_signed_by_another_key_is_unavailable() -> None:
    clock = FixedClock(NOW)
    other = Ed25519PrivateKey(hashlib.sha256(b"someone else").digest())
    token = issue_status_list_token(other, sub=LIST_URI, status_list=StatusList(2, 64), iat=NOW)
    checker = StatusListChecker(
        _dict_fetcher({LIST_URI: token.encode()}),
        clock=clock,
        issuer_keys={ISS: [ISSUER.public_key]},
    )
    with pytest.raises(VerificationError) as info:
        _verifier(checker, clock).verify_issued(_credential(1))
    assert info.value.code == "status_unavailable"


def test_cache_honours_ttl() -> None:
    clock = FixedClock(NOW)
    host = _Host(clock, ttl=60)
    checker = StatusListChecker(host.fetcher(), clock=clock, issuer_keys={ISS: [ISSUER.public_key]})
    verifier = _verifier(checker, clock)
    credential = _credential(5)
    verifier.verify_issued(credential)
    host.list.set(5, 1)
    host.publish()
    clock.advance(59)
    verifier.verify_issued(credential)  # still the cached list
    assert len(host.calls) == 1
    clock.advance(2)
    with pytest.raises(VerificationError) as info:
        verifier.verify_issued(credential)
    assert info.value.code == "revoked"
    assert len(host.calls) == 2


def test_no_status_claim_checks_nothing() -> None:
    checker = StatusListChecker(_dict_fetcher({}), clock=FixedClock(NOW))
    checker({"iss": ISS})
    checker({"iss": ISS, "status": {"other_mechanism": {}}})


def test_demo_issuer_list_format_decodes() -> None:
    from core.services.issuer import StatusRegistry

    picks = iter([3, 10])
    registry = StatusRegistry(LIST_URI, 64, pick=lambda _n: next(picks))
    registry.suspend(registry.allocate())
    registry.revoke(registry.allocate())
    token = registry.publish(ISSUER, now=NOW)
    decoded = verify_status_list_token(
        token, keys=[ISSUER.public_key], expected_uri=LIST_URI, clock=FixedClock(NOW)
    ).status_list
    assert (decoded.get(3), decoded.get(10), decoded.get(0)) == (2, 1, 0)


# --- bad input -----------------------------------------------------------------------------------

_GOOD = zlib.compress(b"\x01\x02\x03" * 10)


@pytest.mark.parametrize(
    ("obj", "code"),
    [
        ({"bits": 1, "lst": b64url_encode(_GOOD[:-3])}, "invalid_status_list"),
        ({"bits": 1, "lst": b64url_encode(_GOOD + b"x")}, "invalid_status_list"),
        ({"bits": 1, "lst": b64url_encode(b"not zlib at all")}, "invalid_status_list"),
        ({"bits": 3, "lst": b64url_encode(_GOOD)}, "invalid_status_list"),
        ({"bits": True, "lst": b64url_encode(_GOOD)}, "invalid_status_list"),
        ({"bits": 16, "lst": b64url_encode(_GOOD)}, "invalid_status_list"),
        ({"bits": 1, "lst": b64url_encode(_GOOD) + "="}, "invalid_status_list"),
        ({"bits": 1, "lst": "eNrbuRgAAhcBXR"}, "invalid_status_list"),  # trailing bits
        ({"bits": 1, "lst": "eNrbuRgAAhcBX+"}, "invalid_status_list"),
        ({"bits": 1}, "invalid_status_list"),
        ([1, "x"], "invalid_status_list"),
    ],
)
def test_bad_lists_are_typed_errors(obj: Any, code: str) -> None:
    with pytest.raises(InvalidInput) as info:
        StatusList.from_json(obj)
    assert info.value.code == code


def test_index_out_of_range() -> None:
    status_list = StatusList(2, 12)
    for index in (-1, 12, 2**40):
        with pytest.raises(InvalidInput) as info:
            status_list.get(index)
        assert info.value.code == "status_index_out_of_range"
    with pytest.raises(InvalidInput):
        status_list.set(0, 4)


def test_decompression_bomb_is_refused_with_bounded_memory() -> None:
    bomb = zlib.compress(bytes(100 * 1024 * 1024), 9)
    lst = b64url_encode(bomb)
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput) as info:
            StatusList.from_json({"bits": 1, "lst": lst}, max_bytes=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.code == "status_list_too_large"
    assert peak < 20 * 1024 * 1024
    with pytest.raises(InvalidInput) as info:
        decompress_bounded(bomb, 16 * 1024 * 1024)
    assert info.value.code == "status_list_too_large"


def test_list_at_exactly_the_limit_is_accepted() -> None:
    data = decompress_bounded(zlib.compress(bytes(4096)), 4096)
    assert len(data) == 4096


def test_loopback_http_server_with_the_default_fetcher() -> None:

    clock = FixedClock(NOW)
    status_list = StatusList(2, 64)
    status_list.set(9, 1)
    seen: list[str | None] = []
    port: list[int] = []

    def lookup(path: str) -> Route:
        uri = f"http://127.0.0.1:{port[0]}/status/1"
        body = issue_status_list_token(
            ISSUER, sub=uri, status_list=status_list, iat=NOW, ttl=60
        ).encode()
        return 200, {"Content-Type": "application/statuslist+jwt"}, body

    with serving(lookup, on_request=lambda headers: seen.append(headers.get("Accept"))) as bound:
        port.append(bound)
        uri = f"http://127.0.0.1:{port[0]}/status/1"
        checker = StatusListChecker(clock=clock, issuer_keys={ISS: [ISSUER.public_key]})
        verifier = _verifier(checker, clock)
        verifier.verify_issued(_credential(8, uri))
        with pytest.raises(VerificationError) as info:
            verifier.verify_issued(_credential(9, uri))
        assert info.value.code == "revoked"
        assert seen == ["application/statuslist+jwt"]  # the second check used the cache
