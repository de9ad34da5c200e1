"""The verifier API: verify an SD-JWT VC presentation under a policy, or refuse with a code.

    from core.verifier import Verifier, VerifierPolicy
    from core.errors import VerificationError

    verifier = Verifier(VerifierPolicy(trusted_issuers=None, algorithms={"EdDSA", "ES256"}))
    result = verifier.verify(unverified_presentation, nonce=n, audience=aud,
                             transaction_data=None)
    result.issuer, result.vct, result.claims, result.holder_jwk, result.disclosed

``verify`` returns a :class:`VerifiedPresentation` or raises
:class:`core.errors.VerificationError` whose ``code`` is one of
:data:`core.errors.VERIFICATION_CODES`; :mod:`core.sdjwt.verifier` lists which check
gives which code, in the order they run. ``verify_issued`` checks an issued SD-JWT
before a wallet stores it. The clock, DID resolver and fetcher are injectable; with
keys in the policy, or did:key / did:jwk issuers, nothing touches the network.
"""

from __future__ import annotations

from core.sdjwt.issuer_keys import IssuerKey, issuer_keys_from_jwks, keys_from_jwks
from core.sdjwt.policy import (
    StatusChecker,
    VerifiedCredential,
    VerifiedPresentation,
    VerifiedSdJwt,
    VerifierPolicy,
)
from core.sdjwt.verifier import SdJwtVerifier

#: The verifier of DESIGN.md: ``Verifier(policy, *, clock=None, resolver=None, fetcher=None)``.
Verifier = SdJwtVerifier

__all__ = [
    "IssuerKey",
    "StatusChecker",
    "VerifiedCredential",
    "VerifiedPresentation",
    "VerifiedSdJwt",
    "Verifier",
    "VerifierPolicy",
    "issuer_keys_from_jwks",
    "keys_from_jwks",
]
