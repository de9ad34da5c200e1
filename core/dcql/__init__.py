"""DCQL, the Digital Credentials Query Language of OpenID4VP 1.0 (§6, §7): parse a
query strictly (:mod:`.query`) and match it against the wallet's credentials, with
the claims each would disclose and plain-words reasons for whatever cannot be
answered (:mod:`.match`)."""

from core.dcql.match import (
    Candidate,
    CandidateCredential,
    CredentialMatch,
    DcqlMatch,
    Mismatch,
    QueryMatch,
    match,
)
from core.dcql.query import (
    SD_JWT_FORMATS,
    ClaimQuery,
    ClaimValue,
    CredentialQuery,
    CredentialSetQuery,
    DcqlPath,
    DcqlQuery,
    PathStep,
    TrustedAuthority,
    parse_dcql,
)

__all__ = [
    "SD_JWT_FORMATS",
    "Candidate",
    "CandidateCredential",
    "ClaimQuery",
    "ClaimValue",
    "CredentialMatch",
    "CredentialQuery",
    "CredentialSetQuery",
    "DcqlMatch",
    "DcqlPath",
    "DcqlQuery",
    "Mismatch",
    "PathStep",
    "QueryMatch",
    "TrustedAuthority",
    "match",
    "parse_dcql",
]
