"""Interop with the OWF reference SD-JWT implementation (PyPI ``sd-jwt`` 0.10.4, a test-only
peer pinned in the ``dev`` extra).

Every combination of issuer (Tessera ``SdJwtIssuer`` / reference ``SDJWTIssuer`` with
``SDObj`` markers) and holder (Tessera ``present`` / reference ``SDJWTHolder``), with EdDSA
and ES256 for the issuer key and the holder key independently, over flat, recursive
(nested) and array-element claims: Tessera's ``Verifier`` and the reference
``SDJWTVerifier`` must both accept the presentation (with its KB-JWT) and yield exactly
the same claims, which are also the claims expected for that choice of disclosures.

Two quirks of the reference library are handled here, not worked around in Tessera:

- its 0.10.x verifier checks the KB-JWT with ES256 whatever the holder key is
  (``SDJWTVerifier.__init__`` calls ``_verify_key_binding_jwt(aud, nonce)`` without
  ``sign_alg``, which then falls back to ``DEFAULT_SIGNING_ALG = "ES256"``): the subclass
  :class:`tests.interop.sdjwt_peer.ReferenceVerifier` passes the algorithm of the bound
  key (``cnf.jwk``);
- its issuer writes ``typ: example+sd-jwt`` (``SDJWTCommon.SD_JWT_HEADER``), which is not
  an SD-JWT VC type: the policy used with it accepts that type explicitly
  (:data:`INTEROP_TYPES`); Tessera's default policy refuses it (see the last section).

The reference is a peer, not the standard (RFC 9901 is). Where it accepts what RFC 9901
tells a verifier to reject, the last section records the disagreement as a test of
Tessera's stricter behaviour, citing the section.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS, InvalidJWSSignature
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier

from core.clock import SystemClock
from core.errors import VerificationError
from core.keys import (
    Ed25519PrivateKey,
    P256PrivateKey,
    PrivateKey,
    PublicKey,
    jwk_thumbprint,
    private_key_from_jwk,
    public_key_from_jwk,
)
from core.sdjwt.holder import import_credential, present
from core.sdjwt.issuer import SdJwtIssuer
from core.verifier import Verifier, VerifierPolicy
from tests.interop.sdjwt_peer import ReferenceVerifier, to_jwcrypto

ISSUER = "https://issuer.example.com"
VCT = "https://credentials.example.com/identity_credential"
NONCE = "n-0S6_WzA2Mj"
AUDIENCE = "x509_san_dns:verifier.example.org"
ALGORITHMS = ("EdDSA", "ES256")
#: The reference issuer's default ``typ`` is ``example+sd-jwt``; Tessera issues ``dc+sd-jwt``.
REFERENCE_TYP = "example+sd-jwt"
INTEROP_TYPES = frozenset({"dc+sd-jwt", REFERENCE_TYP})
REGISTERED = ("iss", "iat", "exp", "vct", "cnf")

# --- the credential, in both libraries' terms ----------------------------------------------

#: The claims of the credential (besides iss/iat/exp/vct/cnf). Non-ASCII on purpose: the
#: reference writes disclosures with ``ensure_ascii`` (``\u00f6``), Tessera as UTF-8.
CLAIMS: dict[str, Any] = {
    "given_name": "Erika",
    "family_name": "Mustermann",
    "email": "erika@example.com",
    "is_over_18": True,
    "address": {
        "street_address": "Heidestraße 17",
        "locality": "Köln",
        "postal_code": "51147",
        "country": "DE",
    },
    "nationalities": ["DE", "FR", "IT"],
    "degrees": [{"type": "BSc", "university": "Köln"}, {"type": "MSc", "university": "Bonn"}],
}

#: What Tessera's issuer makes selectively disclosable: flat members, a recursive object
#: (``address`` and two members inside it), array elements (``nationalities.0``/``.2``),
#: and an array element with a disclosable member of its own (``degrees.1.university``).
DISCLOSABLE = (
    "given_name",
    "family_name",
    "email",
    "is_over_18",
    "address",
    "address.street_address",
    "address.locality",
    "nationalities.0",
    "nationalities.2",
    "degrees.0",
    "degrees.1",
    "degrees.1.university",
)

#: The same credential for the reference issuer: ``SDObj`` marks what is disclosable.
REFERENCE_CLAIMS: dict[Any, Any] = {
    SDObj("given_name"): "Erika",
    SDObj("family_name"): "Mustermann",
    SDObj("email"): "erika@example.com",
    SDObj("is_over_18"): True,
    SDObj("address"): {
        SDObj("street_address"): "Heidestraße 17",
        SDObj("locality"): "Köln",
        "postal_code": "51147",
        "country": "DE",
    },
    "nationalities": [SDObj("DE"), "FR", SDObj("IT")],
    "degrees": [
        SDObj({"type": "BSc", "university": "Köln"}),
        SDObj({"type": "MSc", SDObj("university"): "Bonn"}),
    ],
}


def unmark(tree: Any, path: tuple[str | int, ...] = ()) -> tuple[Any, set[str]]:
    """``REFERENCE_CLAIMS`` without its markers, and the dotted paths that were marked."""
    marked: set[str] = set()
    if isinstance(tree, dict):
        plain: Any = {}
        for key, value in tree.items():
            name = key.value if isinstance(key, SDObj) else key
            child = (*path, name)
            if isinstance(key, SDObj):
                marked.add(".".join(map(str, child)))
            plain[name], inner = unmark(value, child)
            marked |= inner
        return plain, marked
    if isinstance(tree, list):
        elements = []
        for index, element in enumerate(tree):
            child = (*path, index)
            if isinstance(element, SDObj):
                marked.add(".".join(map(str, child)))
                element = element.value
            value, inner = unmark(element, child)
            elements.append(value)
            marked |= inner
        return elements, marked
    return tree, marked


def test_both_descriptions_are_the_same_credential() -> None:
    plain, marked = unmark(REFERENCE_CLAIMS)
    assert plain == CLAIMS
    assert marked == set(DISCLOSABLE)


@dataclass(frozen=True)
class Selection:
    """One choice of disclosures, as each holder takes it, and what a verifier then sees."""

    tessera: tuple[str, ...]
    #: The reference holder's ``claims_to_disclose``: arrays are positional over the
    #: issuer-signed array (including always-visible elements).
    reference: dict[str, Any]
    #: The processed claims besides iss/iat/exp/vct/cnf.
    expected: dict[str, Any]


_VISIBLE = {"nationalities": ["FR"], "degrees": []}

SELECTIONS: dict[str, Selection] = {
    "none": Selection((), {}, dict(_VISIBLE)),
    "flat": Selection(
        ("given_name", "is_over_18"),
        {"given_name": True, "is_over_18": True},
        {"given_name": "Erika", "is_over_18": True, **_VISIBLE},
    ),
    "nested": Selection(  # the member inside brings the disclosure of address itself
        ("address.locality",),
        {"address": {"locality": True}},
        {"address": {"locality": "Köln", "postal_code": "51147", "country": "DE"}, **_VISIBLE},
    ),
    "array": Selection(
        ("nationalities.2", "degrees.1.university"),
        {"nationalities": [False, False, True], "degrees": [False, {"university": True}]},
        {"nationalities": ["FR", "IT"], "degrees": [{"type": "MSc", "university": "Bonn"}]},
    ),
    "all": Selection(
        DISCLOSABLE,
        {
            "given_name": True,
            "family_name": True,
            "email": True,
            "is_over_18": True,
            "address": {"street_address": True, "locality": True},
            "nationalities": [True, False, True],
            "degrees": [True, {"university": True}],
        },
        CLAIMS,
    ),
}

# --- keys: Tessera's JWK dicts <-> jwcrypto JWKs --------------------------------------------


def private_from_jwcrypto(jwk: JWK) -> PrivateKey:
    return private_key_from_jwk(jwk.export_private(as_dict=True))


def public_from_jwcrypto(jwk: JWK) -> PublicKey:
    return public_key_from_jwk(jwk.export_public(as_dict=True))


@dataclass(frozen=True)
class KeyPair:
    """One key in both libraries' forms."""

    tessera: PrivateKey
    jwk: JWK

    @property
    def alg(self) -> str:
        return self.tessera.alg

    @property
    def public(self) -> PublicKey:
        return self.tessera.public_key


def tessera_made(alg: str) -> KeyPair:
    key = Ed25519PrivateKey.generate() if alg == "EdDSA" else P256PrivateKey.generate()
    return KeyPair(key, to_jwcrypto(key))


def jwcrypto_made(alg: str) -> KeyPair:
    jwk = (
        JWK.generate(kty="OKP", crv="Ed25519")
        if alg == "EdDSA"
        else JWK.generate(kty="EC", crv="P-256")
    )
    return KeyPair(private_from_jwcrypto(jwk), jwk)


@pytest.mark.parametrize("alg", ALGORITHMS)
@pytest.mark.parametrize("made_by", [tessera_made, jwcrypto_made], ids=["tessera", "jwcrypto"])
def test_key_conversion_round_trips(alg: str, made_by: Callable[[str], KeyPair]) -> None:
    pair = made_by(alg)
    assert pair.jwk.thumbprint() == pair.public.thumbprint() == jwk_thumbprint(pair.public.to_jwk())
    assert private_from_jwcrypto(to_jwcrypto(pair.tessera)).private_jwk() == (
        pair.tessera.private_jwk()
    )
    assert public_from_jwcrypto(pair.jwk) == pair.public


def reference_verify(
    presentation: str, issuer: PublicKey, *, nonce: str = NONCE, audience: str = AUDIENCE
) -> dict[str, Any]:
    """The processed payload from the reference verifier (raises on any failure)."""
    issuer_jwk = to_jwcrypto(issuer)
    verifier = ReferenceVerifier(
        presentation,
        lambda _iss, _header: issuer_jwk,
        expected_aud=audience,
        expected_nonce=nonce,
    )
    payload: dict[str, Any] = verifier.get_verified_payload()
    return payload


def tessera_verifier(issuer: PublicKey, **policy: Any) -> Verifier:
    policy.setdefault("accepted_types", INTEROP_TYPES)
    return Verifier(
        VerifierPolicy(trusted_issuers={ISSUER}, issuer_keys={ISSUER: [issuer]}, **policy),
        clock=SystemClock(),  # the reference holder stamps the KB-JWT with time.time()
    )


def tessera_verify(presentation: str, issuer: PublicKey, **policy: Any) -> dict[str, Any]:
    result = tessera_verifier(issuer, **policy).verify(presentation, nonce=NONCE, audience=AUDIENCE)
    assert result.issuer == ISSUER and result.vct == VCT
    assert result.key_binding is not None
    return result.claims


# --- issuing and presenting with either library ---------------------------------------------


def tessera_issue(issuer: KeyPair, holder: KeyPair) -> str:
    issued = SdJwtIssuer(issuer.tessera, ISSUER, clock=SystemClock()).issue(
        CLAIMS,
        disclosable=DISCLOSABLE,
        holder_key=holder.public,
        vct=VCT,
        expires_in=3600,
        decoys=3,
    )
    return issued.sd_jwt


def reference_issue(
    issuer: KeyPair,
    holder: KeyPair,
    *,
    times: Mapping[str, int] | None = None,
    header: Mapping[str, Any] | None = None,
) -> str:
    now = int(time.time())
    registered = dict(times) if times is not None else {"iat": now, "exp": now + 3600}
    issuer_role = SDJWTIssuer(
        {"iss": ISSUER, "vct": VCT, **registered, **REFERENCE_CLAIMS},
        issuer.jwk,
        holder_key=holder.jwk,
        sign_alg=issuer.alg,
        add_decoy_claims=True,
        extra_header_parameters=dict(header or {}),
    )
    issuance: str = issuer_role.sd_jwt_issuance
    return issuance


def tessera_present(sd_jwt: str, selection: Selection, holder: KeyPair, issuer: PublicKey) -> str:
    """Tessera's holder: import the credential as the wallet does (``verify_issued`` under
    the interop policy), then present the selection."""
    held = import_credential(sd_jwt, tessera_verifier(issuer))
    return present(
        held,
        selection.tessera,
        holder_key=holder.tessera,
        nonce=NONCE,
        audience=AUDIENCE,
        clock=SystemClock(),
    )


def reference_present(sd_jwt: str, selection: Selection, holder: KeyPair) -> str:
    reference_holder = SDJWTHolder(sd_jwt)
    reference_holder.create_presentation(
        selection.reference, nonce=NONCE, aud=AUDIENCE, holder_key=holder.jwk, sign_alg=holder.alg
    )
    presentation: str = reference_holder.sd_jwt_presentation
    return presentation


def test_unpatched_reference_verifier_checks_kb_jwt_only_with_es256() -> None:
    """Why ``ReferenceVerifier`` exists: the same EdDSA-bound presentation fails the
    stock verifier and passes once the algorithm is passed on. If a newer pinned version
    fixes this, this test says so."""
    issuer, holder = tessera_made("EdDSA"), tessera_made("EdDSA")
    presentation = tessera_present(
        tessera_issue(issuer, holder), SELECTIONS["flat"], holder, issuer.public
    )
    issuer_jwk = to_jwcrypto(issuer.public)
    with pytest.raises(InvalidJWSSignature, match='requested "ES256", found "EdDSA"'):
        SDJWTVerifier(
            presentation, lambda *_: issuer_jwk, expected_aud=AUDIENCE, expected_nonce=NONCE
        )
    assert reference_verify(presentation, issuer.public)["given_name"] == "Erika"


ISSUE = {"tessera": tessera_issue, "reference": reference_issue}
KEYS = {"tessera": tessera_made, "reference": jwcrypto_made}  # each library's own keys


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issued_payload(sd_jwt: str) -> dict[str, Any]:
    """The issuer-signed payload, read without checking anything."""
    payload: dict[str, Any] = json.loads(unb64url(sd_jwt.split("~")[0].split(".")[1]))
    return payload


# --- both directions: every issuer x holder, both verifiers, same claims -----------------------


@pytest.mark.parametrize("selection", list(SELECTIONS))
@pytest.mark.parametrize("holder_alg", ALGORITHMS, ids=lambda a: f"holder-{a}")
@pytest.mark.parametrize("issuer_alg", ALGORITHMS, ids=lambda a: f"issuer-{a}")
@pytest.mark.parametrize("holder_side", ["tessera", "reference"], ids=lambda s: f"held-by-{s}")
@pytest.mark.parametrize("issuer_side", ["tessera", "reference"], ids=lambda s: f"issued-by-{s}")
def test_both_verifiers_accept_and_agree(
    issuer_side: str, holder_side: str, issuer_alg: str, holder_alg: str, selection: str
) -> None:
    issuer, holder = KEYS[issuer_side](issuer_alg), KEYS[holder_side](holder_alg)
    sd_jwt = ISSUE[issuer_side](issuer, holder)
    chosen = SELECTIONS[selection]
    if holder_side == "tessera":
        presentation = tessera_present(sd_jwt, chosen, holder, issuer.public)
    else:
        presentation = reference_present(sd_jwt, chosen, holder)

    payload = issued_payload(sd_jwt)
    assert payload["cnf"]["jwk"] == holder.public.to_jwk()
    expected = {**{name: payload[name] for name in REGISTERED}, **chosen.expected}

    ours = tessera_verify(presentation, issuer.public)
    theirs = reference_verify(presentation, issuer.public)
    assert ours == theirs == expected


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_reference_credential_typed_as_sd_jwt_vc_verifies_under_the_default_policy(
    alg: str,
) -> None:
    """With ``typ: dc+sd-jwt`` (set through ``extra_header_parameters``) and a ``vct``, a
    reference credential is an SD-JWT VC and Tessera's default ``accepted_types`` takes it."""
    issuer, holder = jwcrypto_made(alg), jwcrypto_made(alg)
    sd_jwt = reference_issue(issuer, holder, header={"typ": "dc+sd-jwt"})
    presentation = reference_present(sd_jwt, SELECTIONS["nested"], holder)
    claims = tessera_verify(
        presentation, issuer.public, accepted_types=VerifierPolicy().accepted_types
    )
    assert claims == reference_verify(presentation, issuer.public)
    assert claims["address"]["locality"] == "Köln"


# --- tampering both reject ----------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_kb(
    sd_jwt: str,
    holder: KeyPair,
    *,
    nonce: str = NONCE,
    audience: str = AUDIENCE,
    iat: int | None = None,
    typ: str = "kb+jwt",
) -> str:
    """``sd_jwt`` (ending in ``~``) plus a KB-JWT signed with jwcrypto, as any holder may."""
    claims = {
        "iat": int(time.time()) if iat is None else iat,
        "aud": audience,
        "nonce": nonce,
        "sd_hash": b64url(hashlib.sha256(sd_jwt.encode("ascii")).digest()),
    }
    return sd_jwt + jwcrypto_jws(claims, holder, typ=typ)


def jwcrypto_jws(claims: Mapping[str, Any], key: KeyPair, *, typ: str) -> str:
    jws = JWS(payload=json.dumps(claims))
    jws.add_signature(key.jwk, alg=key.alg, protected=json.dumps({"alg": key.alg, "typ": typ}))
    token: str = jws.serialize(compact=True)
    return token


def strip_kb(presentation: str) -> str:
    return presentation[: presentation.rindex("~") + 1]


def _wrong_nonce(p: str, h: KeyPair, _i: KeyPair) -> str:
    return sign_kb(strip_kb(p), h, nonce="another nonce")


def _wrong_audience(p: str, h: KeyPair, _i: KeyPair) -> str:
    return sign_kb(strip_kb(p), h, audience="https://other.example")


def _disclosure_dropped_after_kb(p: str, _h: KeyPair, _i: KeyPair) -> str:
    parts = p.split("~")
    return "~".join([parts[0], *parts[2:]])


def _kb_by_another_key(p: str, h: KeyPair, _i: KeyPair) -> str:
    return sign_kb(strip_kb(p), tessera_made(h.alg))


def _kb_typ_jwt(p: str, h: KeyPair, _i: KeyPair) -> str:
    return sign_kb(strip_kb(p), h, typ="JWT")


def _disclosure_twice(p: str, h: KeyPair, _i: KeyPair) -> str:
    parts = strip_kb(p).split("~")
    return sign_kb("~".join([*parts[:-1], parts[1], ""]), h)


def _issuer_signature_by_another_key(p: str, _h: KeyPair, i: KeyPair) -> str:
    header, payload, _ = p.split("~")[0].split(".")
    forged = JWS(payload=unb64url(payload))
    forged.add_signature(tessera_made(i.alg).jwk, alg=i.alg, protected=unb64url(header).decode())
    token: str = forged.serialize(compact=True)
    return token + p[p.index("~") :]


BOTH_REJECT: dict[str, tuple[Callable[[str, KeyPair, KeyPair], str], str]] = {
    "wrong nonce": (_wrong_nonce, "nonce_mismatch"),
    "wrong audience": (_wrong_audience, "audience_mismatch"),
    "disclosure dropped after KB": (_disclosure_dropped_after_kb, "sd_hash_mismatch"),
    "KB-JWT by another key": (_kb_by_another_key, "kb_invalid"),
    "KB-JWT typ JWT": (_kb_typ_jwt, "kb_invalid"),
    "disclosure sent twice": (_disclosure_twice, "disclosure_duplicate"),
    "issuer JWT signed by another key": (_issuer_signature_by_another_key, "bad_signature"),
}


@pytest.mark.parametrize("alg", ALGORITHMS)
@pytest.mark.parametrize("case", list(BOTH_REJECT))
def test_tampering_both_verifiers_reject(case: str, alg: str) -> None:
    issuer, holder = tessera_made(alg), tessera_made(alg)
    good = tessera_present(tessera_issue(issuer, holder), SELECTIONS["all"], holder, issuer.public)
    tamper, code = BOTH_REJECT[case]
    bad = tamper(good, holder, issuer)
    with pytest.raises(VerificationError) as caught:
        tessera_verify(bad, issuer.public)
    assert caught.value.code == code
    with pytest.raises(Exception):  # noqa: B017 - it raises ValueError, KeyError, jwcrypto errors
        reference_verify(bad, issuer.public)


# --- where the reference accepts what RFC 9901 rejects: Tessera stays strict -------------------


def crafted_sd_jwt(
    issuer: KeyPair, holder: KeyPair, body: Mapping[str, Any], disclosures: list[str]
) -> str:
    """An SD-JWT whose issuer-signed payload is exactly ``body`` (plus the registered
    claims): what a careless or hostile issuer could sign. Signed with jwcrypto."""
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "iat": now,
        "exp": now + 3600,
        "vct": VCT,
        "cnf": {"jwk": holder.public.to_jwk()},
        "_sd_alg": "sha-256",
        **body,
    }
    return (
        jwcrypto_jws(payload, issuer, typ="dc+sd-jwt") + "~" + "".join(d + "~" for d in disclosures)
    )


def disclosure(*array: Any) -> tuple[str, str]:
    """(encoded disclosure, its digest), encoded the way the reference does it."""
    encoded = b64url(json.dumps(list(array)).encode("utf-8"))
    return encoded, b64url(hashlib.sha256(encoded.encode("ascii")).digest())


def test_disclosure_no_digest_references_is_rejected() -> None:
    """RFC 9901 §7.1 step 5: "If any Disclosure was not referenced by digest value in the
    Issuer-signed JWT (directly or recursively via other Disclosures), the SD-JWT MUST be
    rejected." The reference verifier silently ignores it (and drops the claim).

    The holder appends a disclosure from another credential of the same issuer and signs
    a KB-JWT over the result, as any holder can."""
    issuer, holder = tessera_made("EdDSA"), tessera_made("EdDSA")
    one, other = tessera_issue(issuer, holder), tessera_issue(issuer, holder)
    shown = strip_kb(tessera_present(one, SELECTIONS["flat"], holder, issuer.public))
    foreign = strip_kb(tessera_present(other, SELECTIONS["nested"], holder, issuer.public))
    foreign_disclosure = foreign.split("~")[1]
    presentation = sign_kb(shown + foreign_disclosure + "~", holder)

    theirs = reference_verify(presentation, issuer.public)
    assert theirs["given_name"] == "Erika" and "address" not in theirs  # accepted
    with pytest.raises(VerificationError) as caught:
        tessera_verify(presentation, issuer.public)
    assert caught.value.code == "disclosure_invalid"


def test_digest_used_twice_in_an_array_is_rejected() -> None:
    """RFC 9901 §7.1 step 4: "If any digest value is encountered more than once in the
    Issuer-signed JWT payload (directly or recursively via other Disclosures), the SD-JWT
    MUST be rejected." The reference checks repeats only among ``_sd`` digests, not in
    ``{"...": digest}`` array elements, and shows the one disclosure twice."""
    issuer, holder = tessera_made("ES256"), tessera_made("EdDSA")
    element, digest = disclosure("lklxF5jMYlGTPUovMNIvCA", "DE")
    sd_jwt = crafted_sd_jwt(
        issuer, holder, {"nationalities": [{"...": digest}, {"...": digest}]}, [element]
    )
    presentation = sign_kb(sd_jwt, holder)

    assert reference_verify(presentation, issuer.public)["nationalities"] == ["DE", "DE"]
    with pytest.raises(VerificationError) as caught:
        tessera_verify(presentation, issuer.public)
    assert caught.value.code == "disclosure_duplicate"


@pytest.mark.parametrize("name", ["_sd", "..."])
def test_disclosure_named_sd_or_ellipsis_is_rejected(name: str) -> None:
    """RFC 9901 §7.1 step 3, for a digest found in an ``_sd`` array: "If the claim name is
    ``_sd`` or ``...``, the SD-JWT MUST be rejected." The reference inserts the claim."""
    issuer, holder = tessera_made("EdDSA"), tessera_made("ES256")
    encoded, digest = disclosure("2GLC42sKQveCfGfryNRN9w", name, ["smuggled"])
    sd_jwt = crafted_sd_jwt(issuer, holder, {"_sd": [digest]}, [encoded])
    presentation = sign_kb(sd_jwt, holder)

    assert reference_verify(presentation, issuer.public)[name] == ["smuggled"]
    with pytest.raises(VerificationError) as caught:
        tessera_verify(presentation, issuer.public)
    assert caught.value.code == "disclosure_invalid"


_NOW = int(time.time())


@pytest.mark.parametrize(
    ("times", "code"),
    [
        ({"iat": _NOW - 7200, "exp": _NOW - 3600}, "expired"),
        ({"iat": _NOW, "nbf": _NOW + 3600, "exp": _NOW + 7200}, "not_yet_valid"),
        ({"iat": _NOW + 3600, "exp": _NOW + 7200}, "not_yet_valid"),
    ],
    ids=["exp-past", "nbf-future", "iat-future"],
)
def test_credential_outside_its_validity_is_rejected(times: dict[str, int], code: str) -> None:
    """RFC 9901 §7.1 step 6: "Check that the SD-JWT is valid using claims such as nbf,
    iat, and exp in the processed payload." The reference has ``# TODO: Check
    exp/nbf/iat`` there and accepts all three."""
    issuer, holder = jwcrypto_made("EdDSA"), jwcrypto_made("EdDSA")
    presentation = reference_present(
        reference_issue(issuer, holder, times=times), SELECTIONS["flat"], holder
    )
    assert reference_verify(presentation, issuer.public)["given_name"] == "Erika"
    with pytest.raises(VerificationError) as caught:
        tessera_verify(presentation, issuer.public)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("iat", "code"),
    [(_NOW - 3600, "kb_stale"), (_NOW + 3600, "kb_stale"), (None, "kb_invalid")],
    ids=["an-hour-old", "an-hour-ahead", "no-iat"],
)
def test_kb_jwt_not_made_just_now_is_rejected(iat: int | None, code: str) -> None:
    """RFC 9901 §7.3 step 5: "Check that the creation time of the Key Binding JWT, as
    determined by the iat claim, is within an acceptable window" (and §4.3: ``iat`` is
    REQUIRED in a KB-JWT). The reference never reads the KB-JWT ``iat``."""
    issuer, holder = tessera_made("EdDSA"), tessera_made("ES256")
    sd_jwt = strip_kb(
        tessera_present(tessera_issue(issuer, holder), SELECTIONS["flat"], holder, issuer.public)
    )
    claims: dict[str, Any] = {
        "aud": AUDIENCE,
        "nonce": NONCE,
        "sd_hash": b64url(hashlib.sha256(sd_jwt.encode("ascii")).digest()),
    }
    if iat is not None:
        claims["iat"] = iat
    presentation = sd_jwt + jwcrypto_jws(claims, holder, typ="kb+jwt")

    assert reference_verify(presentation, issuer.public)["given_name"] == "Erika"
    with pytest.raises(VerificationError) as caught:
        tessera_verify(presentation, issuer.public)
    assert caught.value.code == code


def test_default_policy_refuses_the_reference_example_type() -> None:
    """The reference never checks the issuer JWT ``typ`` and issues ``example+sd-jwt``.
    SD-JWT VC (draft-ietf-oauth-sd-jwt-vc, JOSE header) requires ``typ: dc+sd-jwt``;
    Tessera's default ``VerifierPolicy.accepted_types`` is the SD-JWT VC types, so the
    interop tests above opt in to ``example+sd-jwt`` explicitly (:data:`INTEROP_TYPES`)."""
    issuer, holder = jwcrypto_made("ES256"), jwcrypto_made("ES256")
    presentation = reference_present(reference_issue(issuer, holder), SELECTIONS["all"], holder)
    assert issued_payload(presentation)["vct"] == VCT
    assert reference_verify(presentation, issuer.public) == tessera_verify(
        presentation, issuer.public
    )
    with pytest.raises(VerificationError) as caught:
        tessera_verify(presentation, issuer.public, accepted_types=VerifierPolicy().accepted_types)
    assert caught.value.code == "malformed"
