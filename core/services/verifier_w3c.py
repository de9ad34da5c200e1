"""The demo verifier's answer to a W3C credential query (``jwt_vc_json``, ``ldp_vc``):
verify the presentation (:func:`core.vc.verify_w3c_presentation`, nonce and the full
``client_id`` as audience) and check it answers the query, as for SD-JWT VCs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from core.clock import Clock
from core.dcql import Candidate, CredentialQuery, DcqlQuery, match
from core.did import DidResolver
from core.errors import VerificationError
from core.vc import VerifiedW3cPresentation, verify_w3c_presentation

#: What the demo verifier accepts, for ``client_metadata.vp_formats_supported``.
W3C_VP_FORMATS: Final = {
    "jwt_vc_json": {"alg_values": ["EdDSA", "ES256"]},
    "ldp_vc": {
        "proof_type_values": ["DataIntegrityProof"],
        "cryptosuite_values": ["eddsa-jcs-2022"],
    },
}


def answers(result: VerifiedW3cPresentation, query: CredentialQuery) -> bool:
    """Whether a verified presentation's credential answers ``query`` (format, types,
    claims), holder binding included."""
    credential = result.credential
    unsecured = {k: v for k, v in credential.credential.items() if k != "proof"}
    candidate = Candidate(
        "presented", result.format, None, unsecured, bound=True, types=credential.types
    )
    return match(DcqlQuery((query,)), [candidate]).satisfied


def verify_w3c_answer(
    presentation: str | Mapping[str, Any],
    query: CredentialQuery,
    *,
    nonce: str,
    audience: str,
    resolver: DidResolver,
    clock: Clock,
    trusted_issuers: frozenset[str] | None,
) -> tuple[bool, dict[str, Any]]:
    """(whether it answers ``query``, the claims shown: the ``credentialSubject``).

    Raises VerificationError (its code); malformed for a presentation of another format
    than the query's.
    """
    result = verify_w3c_presentation(
        presentation,
        nonce=nonce,
        audience=audience,
        resolver=resolver,
        clock=clock,
        trusted_issuers=trusted_issuers,
    )
    if result.format != query.format:
        raise VerificationError(
            "malformed", f"a {result.format} presentation cannot answer a {query.format} query"
        )
    subject = result.credential.subject
    shown = subject if isinstance(subject, dict) else {"subjects": subject}
    return answers(result, query), shown
