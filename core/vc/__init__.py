"""W3C Verifiable Credentials (VC Data Model 2.0): Data Integrity ``eddsa-jcs-2022`` and
VC-JWT (``jwt_vc_json``), verified into one :class:`VerifiedW3cCredential`; held by a
wallet (:class:`HeldW3cCredential`) and presented whole in a Verifiable Presentation
bound to a nonce and audience (:func:`verify_w3c_presentation` checks one)."""

from __future__ import annotations

from core.vc.data_integrity import (
    sign_eddsa_jcs_2022,
    verify_eddsa_jcs_2022,
    verify_eddsa_jcs_2022_proof,
)
from core.vc.held import (
    JWT_VC_FORMAT,
    LDP_VC_FORMAT,
    W3C_FORMATS,
    HeldW3cCredential,
    matches_type_values,
)
from core.vc.model import VerifiedW3cCredential
from core.vc.presentation import (
    VerifiedW3cPresentation,
    present_ldp_vp,
    present_vp_jwt,
    verify_w3c_presentation,
)
from core.vc.vc_jwt import issue_vc_jwt, verify_vc_jwt

__all__ = [
    "JWT_VC_FORMAT",
    "LDP_VC_FORMAT",
    "W3C_FORMATS",
    "HeldW3cCredential",
    "VerifiedW3cCredential",
    "VerifiedW3cPresentation",
    "issue_vc_jwt",
    "matches_type_values",
    "present_ldp_vp",
    "present_vp_jwt",
    "sign_eddsa_jcs_2022",
    "verify_eddsa_jcs_2022",
    "verify_eddsa_jcs_2022_proof",
    "verify_vc_jwt",
    "verify_w3c_presentation",
]
