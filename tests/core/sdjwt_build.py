"""Building SD-JWTs to bend on purpose, for the verifier's tests: a minimal signer
(core.jose.sign_json + Disclosure.create), fixed keys and time, and a fetcher serving a
dict. Nothing here checks anything; core.sdjwt.issuer is the real issuer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from core.clock import FixedClock
from core.did import did_key_from_public_key
from core.encoding import b64url_encode
from core.errors import ResolutionError
from core.jose import sign_json
from core.keys import Ed25519PrivateKey, P256PrivateKey, PrivateKey
from core.sdjwt.disclosure import Disclosure, digest_of
from core.verifier import VerifiedPresentation, Verifier, VerifierPolicy

NOW = 1_750_000_000
ISS = "https://issuer.example"
VCT = "https://credentials.example/identity"
NONCE = "n-0S6_WzA2Mj"
AUD = "x509_san_dns:verifier.example.org"
ISSUER = Ed25519PrivateKey(hashlib.sha256(b"tamper issuer").digest())
HOLDER = Ed25519PrivateKey(hashlib.sha256(b"tamper holder").digest())
OTHER = Ed25519PrivateKey(hashlib.sha256(b"tamper other").digest())
P256_ISSUER = P256PrivateKey.from_private_bytes(hashlib.sha256(b"tamper p256").digest())
P256_HOLDER = P256PrivateKey.from_private_bytes(hashlib.sha256(b"tamper p256 h").digest())
DROP = object()  # a payload or KB member to leave out

GIVEN = Disclosure.create("salt-given", "given_name", "Erika")
FAMILY = Disclosure.create("salt-family", "family_name", "Mustermann")
LOCALITY = Disclosure.create("salt-locality", "locality", "Köln")
ADDRESS = Disclosure.create("salt-address", "address", {"_sd": [LOCALITY.digest()], "c": "DE"})
NAT_DE = Disclosure.create("salt-de", None, "DE")
ALL = (GIVEN, FAMILY, ADDRESS, LOCALITY, NAT_DE)
CNF = Disclosure.create("salt-cnf", "cnf", {"jwk": HOLDER.public_key.to_jwk()})
TX = ["eyJ0eXBlIjoicGF5bWVudCIsImFtb3VudCI6IjQyLjAwIn0", "eyJ0eXBlIjoicXVhbGlmaWVkIn0"]


def raw_disclosure(array: list[Any]) -> str:
    """A disclosure Disclosure.create would refuse to make."""
    return b64url_encode(json.dumps(array).encode())


def tx_hash(item: str) -> str:
    return b64url_encode(hashlib.sha256(item.encode("ascii")).digest())


def changed(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for name, value in changes.items():
        if value is DROP:
            out.pop(name, None)
        else:
            out[name] = value
    return out


def payload(holder: PrivateKey = HOLDER, **changes: Any) -> dict[str, Any]:
    base = {
        "iss": ISS,
        "iat": NOW - 60,
        "exp": NOW + 3600,
        "vct": VCT,
        "cnf": {"jwk": holder.public_key.to_jwk()},
        "_sd": sorted([GIVEN.digest(), FAMILY.digest(), ADDRESS.digest()]),
        "nationalities": [{"...": NAT_DE.digest()}, "FR"],
        "_sd_alg": "sha-256",
    }
    return changed(base, changes)


def sd_jwt(
    claims: Mapping[str, Any] | None = None,
    disclosures: Iterable[Disclosure | str] = ALL,
    *,
    key: PrivateKey = ISSUER,
    header: Mapping[str, Any] | None = None,
) -> str:
    """``<issuer JWT>~<disclosure>~…~`` (no KB-JWT)."""
    jwt = sign_json(key, payload() if claims is None else claims, header=changed({"typ": "dc+sd-jwt"}, header or {}))
    return jwt + "~" + "".join((d if isinstance(d, str) else d.encoded) + "~" for d in disclosures)


def with_kb(sd: str, *, key: PrivateKey = HOLDER, typ: str = "kb+jwt", **changes: Any) -> str:
    body = {"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": digest_of(sd)}
    return sd + sign_json(key, changed(body, changes), header={"typ": typ})


def presentation(**changes: Any) -> str:
    """The well-formed presentation every case bends: all disclosures and a KB-JWT."""
    return with_kb(sd_jwt(), **changes)


def verifier(
    *,
    at: float = NOW,
    fetcher: Callable[[str], bytes] | None = None,
    **policy: Any,
) -> Verifier:
    settings: dict[str, Any] = {"issuer_keys": {ISS: [ISSUER.public_key]}, **policy}
    return Verifier(VerifierPolicy(**settings), clock=FixedClock(at), fetcher=fetcher)


def verify(
    text: Any,
    *,
    nonce: str = NONCE,
    audience: str = AUD,
    transaction_data: Sequence[str] | None = None,
    **setup: Any,
) -> VerifiedPresentation:
    return verifier(**setup).verify(
        text, nonce=nonce, audience=audience, transaction_data=transaction_data
    )


class DictFetcher:
    """Serves URLs from a dict (404 otherwise) and records what was asked."""

    def __init__(self, documents: Mapping[str, Any]) -> None:
        self.documents = documents
        self.asked: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        if url not in self.documents:
            raise ResolutionError(f"{url} was not found", code="did_not_found")
        document = self.documents[url]
        return document if isinstance(document, bytes) else json.dumps(document).encode()


def metadata_fetcher(iss: str = ISS, **metadata: Any) -> DictFetcher:
    jwks = {"keys": [{**ISSUER.public_key.to_jwk(), "kid": "k1"}]}
    document = {"issuer": iss, "jwks": jwks, **metadata}
    document = {k: v for k, v in document.items() if v is not DROP}
    return DictFetcher({"https://issuer.example/.well-known/jwt-vc-issuer": document})


DID = did_key_from_public_key(ISSUER.public_key)
DID_KID = "#" + DID.split(":")[-1]


def did_sd_jwt(kid: str | None = DID_KID, iss: str = DID) -> str:
    header = {} if kid is None else {"kid": kid}
    return with_kb(sd_jwt(payload(iss=iss), header=header))


