"""Decentralized identifiers: did:key, did:jwk and did:web, and their resolver.

from core.did import DidResolver
key = DidResolver().resolve_key("did:key:z6Mk…#z6Mk…")
"""

from __future__ import annotations

from core.did.document import DidDocument, VerificationMethod
from core.did.fetch import HttpxFetcher
from core.did.jwk import did_jwk_from_public_key
from core.did.key import did_key_from_public_key
from core.did.resolver import DidResolver
from core.did.syntax import Did, DidUrl, parse_did, parse_did_url
from core.did.web import Fetcher, did_web_url

__all__ = [
    "Did",
    "DidDocument",
    "DidResolver",
    "DidUrl",
    "Fetcher",
    "HttpxFetcher",
    "VerificationMethod",
    "did_jwk_from_public_key",
    "did_key_from_public_key",
    "did_web_url",
    "parse_did",
    "parse_did_url",
]
