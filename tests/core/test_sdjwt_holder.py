"""The SD-JWT holder: import, what can be disclosed, selection rules, presentations.

Every presentation here is checked by the verifier of :mod:`core.verifier`.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from core import jose
from core.clock import FixedClock
from core.encoding import b64url_encode
from core.errors import CryptoError, InvalidInput, VerificationError
from core.keys import (
    Ed25519PrivateKey,
    P256PrivateKey,
    PrivateKey,
    private_key_from_jwk,
    public_key_from_jwk,
)
from core.payments import transaction_data_hash
from core.sdjwt.compact import split
from core.sdjwt.disclosure import digest_of
from core.sdjwt.holder import (
    HeldCredential,
    import_credential,
    present,
    select,
)
from core.sdjwt.issuer import SdJwtIssuer
from core.verifier import Verifier, VerifierPolicy
from tests.conftest import load_vector

NOW = 1_700_000_000
NONCE, AUDIENCE = "n-0S6_WzA2Mj", "https://verifier.example"
ISSUER = "https://issuer.example"
ISSUER_KEY = Ed25519PrivateKey(bytes(range(32)))
HOLDER_KEY = Ed25519PrivateKey(bytes(range(32, 64)))

CLAIMS: dict[str, Any] = {
    "given_name": "Erika",
    "family_name": "Mustermann",
    "address": {"street_address": "Heidestraße 17", "locality": "Köln", "country": "DE"},
    "nationalities": ["DE", "FR"],
    "age_equal_or_over": {"18": True, "65": False},
    "place_of_birth": {"locality": "Berlin", "country": "DE"},
}
DISCLOSABLE = [
    "given_name",
    "address",
    "address.locality",
    "address.street_address",
    "nationalities.0",
    "nationalities.1",
    "age_equal_or_over.18",
    "age_equal_or_over.65",
    "place_of_birth",
]


def issue(holder: PrivateKey | None = HOLDER_KEY, **options: Any) -> str:
    counter = itertools.count()
    issuer = SdJwtIssuer(
        ISSUER_KEY, ISSUER, salts=lambda: f"s{next(counter)}", clock=FixedClock(NOW)
    )
    options.setdefault("disclosable", DISCLOSABLE)
    holder_key = holder.public_key if holder is not None else None
    return issuer.issue(
        CLAIMS, holder_key=holder_key, vct="urn:eu:pid:1", decoys=3, **options
    ).sd_jwt


def verifier(**policy: Any) -> Verifier:
    policy.setdefault("issuer_keys", {ISSUER: [ISSUER_KEY.public_key]})
    return Verifier(VerifierPolicy(**policy), clock=FixedClock(NOW))


@pytest.fixture(scope="module")
def held() -> HeldCredential:
    return import_credential(issue(), verifier())


def show(credential: HeldCredential, paths: Any, **options: Any) -> str:
    options.setdefault("holder_key", HOLDER_KEY)
    return present(
        credential, paths, nonce=NONCE, audience=AUDIENCE, clock=FixedClock(NOW), **options
    )


def names(credential: HeldCredential, paths: Any) -> list[str]:
    """The chosen disclosures, by the dotted path each lands at."""
    where = {item.disclosure.encoded: item.dotted for item in credential.items}
    return [where[d.encoded] for d in select(credential, paths)]


# --- the published vectors ----------------------------------------------------------------

VECTORS = [
    "sd-jwt-example-1.json",
    "sd-jwt-example-4.json",
    "sd-jwt-example-5.json",
    "sd-jwt-vc-example-1.json",
    "sd-jwt-vc-example-3.json",
]


def test_every_vector_with_an_issued_sd_jwt_and_a_holder_key_is_covered(vectors_dir: Any) -> None:
    usable = sorted(
        path.name
        for path in vectors_dir.glob("sd-jwt-*.json")
        if (data := load_vector(path.name))["issued_sd_jwt"] and data["holder_private_jwk"]
    )
    assert usable == sorted(VECTORS)


@pytest.mark.parametrize("name", VECTORS)
def test_holder_presents_the_vector_claims_and_the_verifier_agrees(name: str) -> None:
    vector = load_vector(name)
    issuer_jwt = vector["issued_sd_jwt"].split("~")[0]
    vector_verifier = Verifier(
        VerifierPolicy(
            issuer_keys={
                vector["sd_jwt_payload"].get("iss"): [
                    public_key_from_jwk(vector["issuer_public_jwk"])
                ]
            },
            accepted_types={vector["issuer_jwt_header"]["typ"]},
            algorithms={"ES256"},
        ),
        clock=FixedClock(NOW),
    )
    credential = import_credential(vector["issued_sd_jwt"], vector_verifier)
    assert credential.sd_jwt == vector["issued_sd_jwt"] and credential.issuer_jwt == issuer_jwt
    assert len(credential.items) == len(vector["disclosures"])
    assert credential.holder_jwk == vector["holder_public_jwk"]

    shown = set(vector["presentation"]["disclosures"])
    paths = [item.path for item in credential.items if item.disclosure.encoded in shown]
    assert {d.encoded for d in select(credential, paths)} == shown

    presentation = present(
        credential,
        paths,
        holder_key=private_key_from_jwk(vector["holder_private_jwk"]),
        nonce=NONCE,
        audience=AUDIENCE,
        clock=FixedClock(NOW),
    )
    result = vector_verifier.verify(presentation, nonce=NONCE, audience=AUDIENCE)
    assert result.claims == vector["processed_payload"]
    assert credential.will_disclose(paths) == vector["processed_payload"]
    assert set(split(presentation).disclosures) == shown


# --- import and storage -------------------------------------------------------------------


def test_import_checks_the_issuer_signature() -> None:
    other_issuer = verifier(issuer_keys={ISSUER: [Ed25519PrivateKey.generate().public_key]})
    with pytest.raises(VerificationError) as info:
        import_credential(issue(), other_issuer)
    assert info.value.code == "bad_signature"


def test_import_checks_every_disclosure() -> None:
    sd_jwt = issue()
    compact = split(sd_jwt)
    tampered = compact.issuer_jwt + "~" + b64url_encode(b'["s0","given_name","Eve"]') + "~"
    with pytest.raises(VerificationError) as info:
        import_credential(tampered, verifier())
    assert info.value.code == "disclosure_invalid"


def test_held_credential_describes_the_credential(held: HeldCredential) -> None:
    assert (held.issuer, held.vct, held.issued_at, held.expires_at) == (
        ISSUER,
        "urn:eu:pid:1",
        NOW,
        None,
    )
    assert held.holder_jwk == HOLDER_KEY.public_key.to_jwk() and held.bound
    assert held.header == {"alg": "EdDSA", "typ": "dc+sd-jwt"}
    assert held.hash_alg == "sha-256"
    assert {k: v for k, v in held.claims.items() if k in CLAIMS} == CLAIMS
    assert held.disclosable_paths() == (
        "given_name",
        "address",
        "address.street_address",
        "address.locality",
        "nationalities.0",
        "nationalities.1",
        "age_equal_or_over.18",
        "age_equal_or_over.65",
        "place_of_birth",
    )
    assert [item.disclosure for item in held.items] == list(held.disclosures)


def test_always_visible_claims(held: HeldCredential) -> None:
    visible = held.always_visible()
    assert visible == {
        "iss": ISSUER,
        "iat": NOW,
        "vct": "urn:eu:pid:1",
        "cnf": {"jwk": HOLDER_KEY.public_key.to_jwk()},
        "family_name": "Mustermann",
        "nationalities": [],
        "age_equal_or_over": {},
    }
    assert held.will_disclose([]) == visible


def test_from_storage_gives_the_same_credential_as_import(held: HeldCredential) -> None:
    assert HeldCredential.from_storage(held.sd_jwt) == held


@pytest.mark.parametrize(
    "text",
    ["", "not an sd-jwt", "a.b.c~", "{}~", "eyJhbGciOiJFZERTQSJ9.e30.c2ln~bm90LWpzb24~"],
)
def test_from_storage_refuses_what_is_not_an_sd_jwt(text: str) -> None:
    with pytest.raises(InvalidInput):
        HeldCredential.from_storage(text)


def test_from_storage_refuses_a_presentation(held: HeldCredential) -> None:
    with pytest.raises(InvalidInput, match="Key Binding"):
        HeldCredential.from_storage(show(held, ["given_name"]))


# --- selection ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ([], []),
        (["given_name"], ["given_name"]),
        (["address.locality"], ["address", "address.locality"]),  # parents follow
        ([("address", "locality")], ["address", "address.locality"]),
        (["address"], ["address"]),  # a disclosure alone, not what is nested in it
        (["age_equal_or_over"], ["age_equal_or_over.18", "age_equal_or_over.65"]),  # subtree
        (["nationalities"], ["nationalities.0", "nationalities.1"]),
        (["nationalities.1"], ["nationalities.1"]),
        (["address.country"], ["address"]),  # inside a disclosure: the disclosure carrying it
        (["place_of_birth.locality"], ["place_of_birth"]),
        (["family_name", "iss"], []),  # always visible: nothing to add
        (
            ["place_of_birth", "address.locality", "given_name"],
            ["given_name", "address", "address.locality", "place_of_birth"],
        ),
        (["given_name", "given_name", ("given_name",)], ["given_name"]),
    ],
)
def test_selection_rules(held: HeldCredential, paths: list[Any], expected: list[str]) -> None:
    assert names(held, paths) == expected


def test_whole_credential_can_be_selected(held: HeldCredential) -> None:
    assert select(held, held.disclosable_paths()) == held.disclosures
    assert held.will_disclose(held.disclosable_paths()) == held.claims
    # a disclosable claim chosen alone does not bring the disclosures nested in it
    top_level = held.will_disclose(list(held.claims))
    assert top_level["address"] == {"country": "DE"}
    assert {k: v for k, v in top_level.items() if k != "address"} == {
        k: v for k, v in held.claims.items() if k != "address"
    }


@pytest.mark.parametrize(
    "path", ["middle_name", "address.zip", "nationalities.2", "given_name.first", ("address", 0)]
)
def test_unknown_path_is_refused_and_the_choices_listed(held: HeldCredential, path: Any) -> None:
    with pytest.raises(InvalidInput) as info:
        select(held, ["given_name", path])
    message = info.value.message
    assert (path if isinstance(path, str) else ".".join(map(str, path))) in message
    assert all(choice in message for choice in held.disclosable_paths())


def test_unknown_path_is_refused_by_present_and_will_disclose(held: HeldCredential) -> None:
    with pytest.raises(InvalidInput, match="middle_name"):
        show(held, ["middle_name"])
    with pytest.raises(InvalidInput, match="middle_name"):
        held.will_disclose(["middle_name"])


@pytest.mark.parametrize(
    "paths",
    [
        [],
        ["given_name"],
        ["address.locality"],
        ["address"],
        ["age_equal_or_over"],
        ["nationalities.1"],
        ["place_of_birth", "address.street_address"],
    ],
)
def test_will_disclose_is_what_the_verifier_receives(
    held: HeldCredential, paths: list[str]
) -> None:
    result = verifier().verify(show(held, paths), nonce=NONCE, audience=AUDIENCE)
    assert result.claims == held.will_disclose(paths)


def test_will_disclose_shapes(held: HeldCredential) -> None:
    seen = held.will_disclose(["address.locality", "nationalities.1"])
    assert seen["address"] == {"locality": "Köln", "country": "DE"}
    assert seen["nationalities"] == ["FR"]
    assert "given_name" not in seen and "place_of_birth" not in seen


# --- the presentation and its KB-JWT ------------------------------------------------------


def test_presentation_has_exactly_the_chosen_disclosures_and_a_kb_jwt(held: HeldCredential) -> None:
    presentation = show(held, ["address.locality", "given_name"])
    compact = split(presentation)
    assert compact.issuer_jwt == held.issuer_jwt
    assert compact.disclosures == tuple(
        d.encoded for d in select(held, ["given_name", "address.locality"])
    )
    assert compact.kb_jwt is not None
    kb = jose.verify_compact(compact.kb_jwt, HOLDER_KEY.public_key, algorithms={"EdDSA"})
    assert kb.header == {"alg": "EdDSA", "typ": "kb+jwt"}
    assert kb.payload_json() == {
        "iat": NOW,
        "aud": AUDIENCE,
        "nonce": NONCE,
        "sd_hash": digest_of(compact.without_kb, "sha-256"),
    }


def test_es256_holder_and_sha512_credential() -> None:
    holder = P256PrivateKey.generate()
    credential = import_credential(
        SdJwtIssuer(ISSUER_KEY, ISSUER, clock=FixedClock(NOW), hash_alg="sha-512")
        .issue(CLAIMS, disclosable=["given_name"], holder_key=holder.public_key, vct="urn:x")
        .sd_jwt,
        verifier(accepted_types=None),
    )
    presentation = show(credential, ["given_name"], holder_key=holder)
    kb = jose.parse(split(presentation).kb_jwt or "")
    assert kb.alg == "ES256"
    assert jose.verify(kb, holder.public_key, algorithms={"ES256"}).payload_json()["sd_hash"] == (
        digest_of(split(presentation).without_kb, "sha-512")
    )
    result = verifier(accepted_types=None).verify(presentation, nonce=NONCE, audience=AUDIENCE)
    assert result.claims["given_name"] == "Erika"


def test_each_presentation_is_signed_at_the_clock_time(held: HeldCredential) -> None:
    later = present(
        held,
        ["given_name"],
        holder_key=HOLDER_KEY,
        nonce=NONCE,
        audience=AUDIENCE,
        clock=FixedClock(NOW + 100),
    )
    kb = jose.parse(split(later).kb_jwt or "")
    assert (
        jose.verify(kb, HOLDER_KEY.public_key, algorithms={"EdDSA"}).payload_json()["iat"]
        == NOW + 100
    )


def test_transaction_data_hashes_are_in_the_kb_jwt_and_verify(held: HeldCredential) -> None:
    data = [
        b64url_encode(b'{"type":"payment","amount":"12.50"}'),
        b64url_encode(b'{"type":"consent"}'),
    ]
    presentation = show(held, ["given_name"], transaction_data=data)
    kb = jose.parse(split(presentation).kb_jwt or "")
    payload = jose.verify(kb, HOLDER_KEY.public_key, algorithms={"EdDSA"}).payload_json()
    assert payload["transaction_data_hashes"] == [transaction_data_hash(item) for item in data]
    assert payload["transaction_data_hashes_alg"] == "sha-256"
    assert transaction_data_hash("abc") == "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
    result = verifier().verify(presentation, nonce=NONCE, audience=AUDIENCE, transaction_data=data)
    assert result.key_binding is not None
    with pytest.raises(VerificationError) as info:
        verifier().verify(presentation, nonce=NONCE, audience=AUDIENCE, transaction_data=data[:1])
    assert info.value.code == "transaction_data_mismatch"


def test_without_transaction_data_the_kb_jwt_has_no_hashes(held: HeldCredential) -> None:
    kb = jose.parse(split(show(held, ["given_name"])).kb_jwt or "")
    assert (
        "transaction_data_hashes"
        not in jose.verify(kb, HOLDER_KEY.public_key, algorithms={"EdDSA"}).payload_json()
    )


def test_unbound_credential_is_presented_without_kb() -> None:
    credential = import_credential(issue(holder=None), verifier())
    assert not credential.bound and credential.holder_jwk is None
    presentation = show(credential, ["given_name"], holder_key=None)
    assert presentation.endswith("~") and split(presentation).kb_jwt is None
    result = verifier().verify(presentation, nonce=NONCE, audience=AUDIENCE)
    assert result.claims["given_name"] == "Erika" and result.key_binding is None
    with pytest.raises(CryptoError, match="not bound"):
        show(credential, ["given_name"], holder_key=HOLDER_KEY)
    with pytest.raises(InvalidInput, match="transaction data"):
        show(credential, ["given_name"], holder_key=None, transaction_data=["e30"])


def test_bound_credential_needs_the_bound_key(held: HeldCredential) -> None:
    with pytest.raises(CryptoError, match="needed"):
        show(held, ["given_name"], holder_key=None)
    with pytest.raises(CryptoError, match="not the one"):
        show(held, ["given_name"], holder_key=Ed25519PrivateKey.generate())
    with pytest.raises(CryptoError, match="not the one"):
        show(held, ["given_name"], holder_key=P256PrivateKey.generate())


@pytest.mark.parametrize(
    "options",
    [
        {"nonce": ""},
        {"audience": ""},
        {"transaction_data": "e30"},
        {"transaction_data": [""]},
        {"transaction_data": [1]},
    ],
)
def test_bad_presentation_arguments_are_refused(
    held: HeldCredential, options: dict[str, Any]
) -> None:
    arguments: dict[str, Any] = {
        "holder_key": HOLDER_KEY,
        "nonce": NONCE,
        "audience": AUDIENCE,
        "clock": FixedClock(NOW),
    }
    arguments.update(options)
    with pytest.raises(InvalidInput):
        present(held, ["given_name"], **arguments)


def test_presentation_for_another_nonce_or_audience_does_not_verify(held: HeldCredential) -> None:
    presentation = show(held, ["given_name"])
    with pytest.raises(VerificationError) as info:
        verifier().verify(presentation, nonce="other", audience=AUDIENCE)
    assert info.value.code == "nonce_mismatch"
    with pytest.raises(VerificationError) as info:
        verifier().verify(presentation, nonce=NONCE, audience="https://other.example")
    assert info.value.code == "audience_mismatch"


def test_cnf_jwk_with_extra_members_accepts_the_bound_key() -> None:
    jwk = {**HOLDER_KEY.public_key.to_jwk(), "kid": "holder-1", "use": "sig"}
    payload = {"iss": ISSUER, "iat": NOW, "vct": "urn:x", "cnf": {"jwk": jwk}, "name": "Erika"}
    sd_jwt = jose.sign_json(ISSUER_KEY, payload, header={"typ": "dc+sd-jwt"}) + "~"
    credential = import_credential(sd_jwt, verifier())
    assert credential.holder_jwk == jwk
    result = verifier().verify(show(credential, []), nonce=NONCE, audience=AUDIENCE)
    assert result.claims == payload
    with pytest.raises(CryptoError, match="not the one"):
        show(credential, [], holder_key=Ed25519PrivateKey.generate())
