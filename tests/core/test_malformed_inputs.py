"""A table of malformed inputs: each must raise exactly the named error class and code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core import jose
from core.encoding import (
    b64url_decode,
    b64url_encode,
    compact_json,
    decode_varint,
    multibase_decode,
    multicodec_unwrap,
    parse_json_object,
)
from core.errors import InvalidInput, TesseraError, VerificationError
from core.keys import (
    Ed25519PrivateKey,
    P256PrivateKey,
    jwk_thumbprint,
    private_key_from_jwk,
    public_key_from_jwk,
    public_key_from_multicodec,
)

ED = Ed25519PrivateKey(bytes(range(32)))
P256 = P256PrivateKey.from_private_bytes(bytes(range(1, 33)))
ED_JWK = ED.public_key.to_jwk()
P256_JWK = P256.public_key.to_jwk()
GOOD = jose.sign_compact(ED, b'{"a":1}')
HEADER, PAYLOAD, SIGNATURE = GOOD.split(".")
NONE_HEADER = b64url_encode(b'{"alg":"none"}')


def token(header: dict[str, Any] | bytes, payload: bytes = b"{}", key: Any = ED) -> str:
    """A JWS with an arbitrary header, signed correctly so only the header is at fault."""
    raw = header if isinstance(header, bytes) else compact_json(header)
    signing_input = b64url_encode(raw) + "." + b64url_encode(payload)
    return signing_input + "." + b64url_encode(jose.sign_bytes(key, signing_input.encode()))


def verify_ed(text: str) -> object:
    return jose.verify_compact(text, ED.public_key, algorithms={"EdDSA", "ES256"})


def case(label: str, call: Callable[[], object], error: type[TesseraError], code: str) -> Any:
    return pytest.param(call, error, code, id=label)


CASES = [
    # base64url
    case("b64-padding", lambda: b64url_decode("YQ=="), InvalidInput, "malformed_base64url"),
    case("b64-plus", lambda: b64url_decode("a+b/"), InvalidInput, "malformed_base64url"),
    case("b64-space", lambda: b64url_decode("YW Jj"), InvalidInput, "malformed_base64url"),
    case("b64-length-1-mod-4", lambda: b64url_decode("YWJjZ"), InvalidInput, "malformed_base64url"),
    case("b64-trailing-bits", lambda: b64url_decode("YR"), InvalidInput, "malformed_base64url"),
    case("b64-non-ascii", lambda: b64url_decode("YWé"), InvalidInput, "malformed_base64url"),
    case("b64-bytes-not-str", lambda: b64url_decode(b"YQ"), InvalidInput, "malformed_base64url"),  # type: ignore[arg-type]
    # multibase / multicodec
    case("mb-empty", lambda: multibase_decode(""), InvalidInput, "malformed_multibase"),
    case("mb-no-prefix", lambda: multibase_decode("6Mkha"), InvalidInput, "malformed_multibase"),
    case("mb-base64-prefix", lambda: multibase_decode("uAQID"), InvalidInput, "malformed_multibase"),
    case("mb-zero-char", lambda: multibase_decode("z0OIl"), InvalidInput, "malformed_multibase"),
    case("mb-only-prefix", lambda: multibase_decode("z"), InvalidInput, "malformed_multibase"),
    case("mc-unknown-code", lambda: multicodec_unwrap(bytes.fromhex("e701") + bytes(33)),
         InvalidInput, "unsupported_multicodec"),
    case("mc-truncated-varint", lambda: decode_varint(b"\x80\x80"),
         InvalidInput, "unsupported_multicodec"),
    case("mc-non-minimal-varint", lambda: decode_varint(b"\xed\x81\x00"),
         InvalidInput, "unsupported_multicodec"),
    case("mc-ed25519-short-key", lambda: public_key_from_multicodec(bytes.fromhex("ed01") + bytes(31)),
         InvalidInput, "invalid_key"),
    case("mc-p256-bad-point", lambda: public_key_from_multicodec(bytes.fromhex("8024") + b"\x02" + b"\xff" * 32),
         InvalidInput, "invalid_key"),
    # JSON
    case("json-duplicate-member", lambda: parse_json_object('{"a":1,"a":2}'), InvalidInput, "malformed_json"),
    case("json-nan", lambda: parse_json_object('{"a":NaN}'), InvalidInput, "malformed_json"),
    case("json-array", lambda: parse_json_object("[1]"), InvalidInput, "malformed_json"),
    case("json-not-utf8", lambda: parse_json_object(b'{"a":"\xff"}'), InvalidInput, "malformed_json"),
    case("json-too-large", lambda: parse_json_object(b" " * 2_000_000), InvalidInput, "input_too_large"),
    # JWK
    case("jwk-not-object", lambda: public_key_from_jwk("x"), InvalidInput, "invalid_jwk"),  # type: ignore[arg-type]
    case("jwk-no-kty", lambda: public_key_from_jwk({"crv": "Ed25519", "x": ED_JWK["x"]}), InvalidInput, "invalid_jwk"),
    case("jwk-rsa", lambda: public_key_from_jwk({"kty": "RSA", "n": "AQ", "e": "AQAB"}),
         InvalidInput, "unsupported_key_type"),
    case("jwk-x448", lambda: public_key_from_jwk({"kty": "OKP", "crv": "X448", "x": "AA"}),
         InvalidInput, "unsupported_key_type"),
    case("jwk-ed-short-x", lambda: public_key_from_jwk({**ED_JWK, "x": "AAAA"}), InvalidInput, "invalid_jwk"),
    case("jwk-ed-padded-x", lambda: public_key_from_jwk({**ED_JWK, "x": ED_JWK["x"] + "="}), InvalidInput, "invalid_jwk"),
    case("jwk-ed-x-number", lambda: public_key_from_jwk({**ED_JWK, "x": 5}), InvalidInput, "invalid_jwk"),
    case("jwk-ed-low-order-point", lambda: public_key_from_jwk({**ED_JWK, "x": b64url_encode(bytes(32))}),
         InvalidInput, "invalid_key"),
    case("jwk-p256-missing-y", lambda: public_key_from_jwk({k: v for k, v in P256_JWK.items() if k != "y"}),
         InvalidInput, "invalid_jwk"),
    case("jwk-p256-off-curve", lambda: public_key_from_jwk({**P256_JWK, "y": P256_JWK["x"]}), InvalidInput, "invalid_key"),
    case("jwk-public-with-d", lambda: public_key_from_jwk(ED.private_jwk()), InvalidInput, "invalid_jwk"),
    case("jwk-private-d-mismatch", lambda: private_key_from_jwk({**ED.private_jwk(), "x": P256_JWK["x"]}),
         InvalidInput, "invalid_jwk"),
    case("jwk-p256-d-zero", lambda: private_key_from_jwk({**P256.private_jwk(), "d": b64url_encode(bytes(32))}),
         InvalidInput, "invalid_key"),
    case("jwk-thumbprint-missing-member", lambda: jwk_thumbprint({"kty": "EC", "crv": "P-256", "x": "AA"}),
         InvalidInput, "invalid_jwk"),
    # JWS
    case("jws-two-segments", lambda: verify_ed(f"{HEADER}.{PAYLOAD}"), VerificationError, "malformed"),
    case("jws-four-segments", lambda: verify_ed(GOOD + ".x"), VerificationError, "malformed"),
    case("jws-empty-signature", lambda: verify_ed(f"{HEADER}.{PAYLOAD}."), VerificationError, "malformed"),
    case("jws-padded-header", lambda: verify_ed(f"{HEADER}=.{PAYLOAD}.{SIGNATURE}"), VerificationError, "malformed"),
    case("jws-header-not-json", lambda: verify_ed(token(b"alg")), VerificationError, "malformed"),
    case("jws-header-array", lambda: verify_ed(token(b'["EdDSA"]')), VerificationError, "malformed"),
    case("jws-header-duplicate-alg", lambda: verify_ed(token(b'{"alg":"EdDSA","alg":"none"}')),
         VerificationError, "malformed"),
    case("jws-header-no-alg", lambda: verify_ed(token({"typ": "JWT"})), VerificationError, "malformed"),
    case("jws-alg-none", lambda: verify_ed(NONE_HEADER + f".{PAYLOAD}.{SIGNATURE}"),
         VerificationError, "unsupported_alg"),
    case("jws-alg-hs256", lambda: verify_ed(token({"alg": "HS256"})), VerificationError, "unsupported_alg"),
    case("jws-alg-key-mismatch", lambda: jose.verify_compact(GOOD, P256.public_key, algorithms={"EdDSA", "ES256"}),
         VerificationError, "unsupported_alg"),
    case("jws-unknown-crit", lambda: verify_ed(token({"alg": "EdDSA", "crit": ["x-new"], "x-new": 1})),
         VerificationError, "malformed"),
    case("jws-crit-registered", lambda: verify_ed(token({"alg": "EdDSA", "crit": ["kid"], "kid": "a"})),
         VerificationError, "malformed"),
    case("jws-crit-empty", lambda: verify_ed(token({"alg": "EdDSA", "crit": []})), VerificationError, "malformed"),
    case("jws-b64-false", lambda: verify_ed(token({"alg": "EdDSA", "b64": False, "crit": ["b64"]})),
         VerificationError, "malformed"),
    case("jws-oversized", lambda: verify_ed(HEADER + "." + "A" * 300_000 + "." + SIGNATURE),
         VerificationError, "malformed"),
    case("jws-short-signature", lambda: verify_ed(f"{HEADER}.{PAYLOAD}.{SIGNATURE[:40]}"),
         VerificationError, "bad_signature"),
    case("jws-swapped-payload", lambda: verify_ed(f"{HEADER}.{b64url_encode(b'{}')}.{SIGNATURE}"),
         VerificationError, "bad_signature"),
    case("jws-not-text", lambda: verify_ed(GOOD.encode()), VerificationError, "malformed"),  # type: ignore[arg-type]
    case("jws-payload-not-object", lambda: jose.verify_compact(
        token({"alg": "EdDSA"}, b"[1]"), ED.public_key, algorithms={"EdDSA"}).payload_json(),
         VerificationError, "malformed"),
]


@pytest.mark.parametrize(("call", "error", "code"), CASES)
def test_malformed_input_raises_typed_error(
    call: Callable[[], object], error: type[TesseraError], code: str
) -> None:
    with pytest.raises(TesseraError) as info:
        call()
    assert type(info.value) is error
    assert info.value.code == code
    assert str(info.value), "every error carries a human message"


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 40
