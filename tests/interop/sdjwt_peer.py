"""The OWF reference SD-JWT implementation (PyPI ``sd-jwt`` 0.10.4) as a test peer: its
verifier with the KB-JWT algorithm fixed, and key conversion to its jwcrypto JWKs.

Shared by tests/interop/test_sdjwt_reference.py and tests/benchmarks/test_sdjwt_bench.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jwcrypto.jwk import JWK
from sd_jwt.verifier import SDJWTVerifier

from core.keys import PrivateKey, PublicKey

#: The JWS algorithm of a holder key, by (kty, crv) of its JWK.
_JWK_ALGORITHMS: Mapping[tuple[Any, Any], str] = {
    ("OKP", "Ed25519"): "EdDSA",
    ("EC", "P-256"): "ES256",
}


def to_jwcrypto(key: PrivateKey | PublicKey) -> JWK:
    """A jwcrypto JWK from a Tessera key (``private_jwk()`` / ``to_jwk()``)."""
    return JWK(**(key.private_jwk() if isinstance(key, PrivateKey) else key.to_jwk()))


class ReferenceVerifier(SDJWTVerifier):  # type: ignore[misc]  # sd-jwt has no type hints
    """``SDJWTVerifier`` that checks the KB-JWT with the algorithm of the bound key.

    sd-jwt 0.10.4 ``SDJWTVerifier.__init__`` calls
    ``self._verify_key_binding_jwt(expected_aud, expected_nonce)``; with no ``sign_alg``
    that method uses ``DEFAULT_SIGNING_ALG`` ("ES256"), so every EdDSA KB-JWT fails with
    ``InvalidJWSSignature('"alg" mismatch, requested "ES256", found "EdDSA"')``. Here the
    algorithm comes from ``cnf.jwk`` (which ``_verify_sd_jwt`` has just read from the
    verified issuer payload), never from the KB-JWT header, which the presenter writes.
    Nothing else of the reference's behaviour is changed.
    """

    def _verify_key_binding_jwt(
        self,
        expected_aud: str | None = None,
        expected_nonce: str | None = None,
        sign_alg: str | None = None,
    ) -> None:
        jwk = (self._holder_public_key_payload or {}).get("jwk") or {}
        alg = sign_alg or _JWK_ALGORITHMS.get((jwk.get("kty"), jwk.get("crv")))
        super()._verify_key_binding_jwt(expected_aud, expected_nonce, sign_alg=alg)
