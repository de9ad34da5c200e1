"""W3C Verifiable Credentials (VC Data Model 2.0): Data Integrity ``eddsa-jcs-2022`` and
VC-JWT (``jwt_vc_json``), verified into one :class:`VerifiedW3cCredential`."""

from __future__ import annotations

from core.vc.data_integrity import (
    sign_eddsa_jcs_2022,
    verify_eddsa_jcs_2022,
    verify_eddsa_jcs_2022_proof,
)
from core.vc.model import VerifiedW3cCredential
from core.vc.vc_jwt import issue_vc_jwt, verify_vc_jwt

__all__ = [
    "VerifiedW3cCredential",
    "issue_vc_jwt",
    "sign_eddsa_jcs_2022",
    "verify_eddsa_jcs_2022",
    "verify_eddsa_jcs_2022_proof",
    "verify_vc_jwt",
]
