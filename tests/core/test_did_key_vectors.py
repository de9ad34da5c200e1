"""did:key (Ed25519) against the published vectors in ../shared/vectors.

The vector documents use older verification method types (Ed25519VerificationKey2018 with
publicKeyBase58, Ed25519VerificationKey2020, JsonWebKey2020, X25519 key agreement keys),
while Tessera emits ``Multikey`` as the current did:key spec does. So these tests compare
keys and ids, not document shapes: the published documents are read with Tessera's
document reader (which accepts the legacy types) and their signing key must equal the key
Tessera resolves.
"""

from __future__ import annotations

from typing import Any

import pytest

from core.did import DidResolver, did_key_from_public_key
from core.did.key import public_key_from_did_key
from core.did.reader import read_did_document
from core.encoding import encode_varint, multibase_decode, multibase_encode
from core.errors import InvalidInput
from core.keys import Ed25519PrivateKey, Ed25519PublicKey, P256PrivateKey
from tests.conftest import load_vector

DID_KEY = load_vector("did-key-ed25519.json")
MULTIBASE = load_vector("multibase-multicodec.json")
VECTORS: list[dict[str, Any]] = DID_KEY["vectors"]
SPEC = DID_KEY["spec_example"]


def _seed_id(vector: dict[str, Any]) -> str:
    return "seed-" + vector["seed_hex"][-2:]


@pytest.mark.parametrize("vector", VECTORS, ids=_seed_id)
def test_did_from_seed(vector: dict[str, Any]) -> None:
    public_key = Ed25519PrivateKey(bytes.fromhex(vector["seed_hex"])).public_key
    assert public_key.raw.hex() == vector["ed25519_public_key_hex"]
    assert did_key_from_public_key(public_key) == vector["did"]


@pytest.mark.parametrize("vector", VECTORS, ids=_seed_id)
def test_resolve_back_to_the_same_key(vector: dict[str, Any]) -> None:
    public_key = Ed25519PrivateKey(bytes.fromhex(vector["seed_hex"])).public_key
    resolver = DidResolver()
    document = resolver.resolve(vector["did"])
    assert document.id == vector["did"]
    (method,) = document.verification_method
    assert method.id == vector["verification_method_id"]
    assert method.type == "Multikey"
    assert method.controller == vector["did"]
    assert method.material == vector["multibase_value"]
    assert document.methods_for("assertionMethod") == (method,)
    assert document.methods_for("authentication") == (method,)
    assert resolver.resolve_key(vector["verification_method_id"]) == public_key
    assert resolver.resolve_key(vector["did"]) == public_key  # the one signing key


@pytest.mark.parametrize("vector", VECTORS, ids=_seed_id)
def test_published_document_names_the_same_key(vector: dict[str, Any]) -> None:
    published = read_did_document(vector["did_document"], vector["did"])
    ours = DidResolver().resolve(vector["did"])
    theirs = published.find(vector["verification_method_id"])
    assert theirs is not None
    assert theirs.public_key == ours.verification_method[0].public_key
    assert [m.id for m in published.methods_for("assertionMethod")] == [
        vector["verification_method_id"]
    ]


def test_spec_example_resolves_to_the_spec_key() -> None:
    resolver = DidResolver()
    published = read_did_document(SPEC["did_document"], SPEC["did"])
    (spec_method,) = published.methods_for("assertionMethod")
    assert spec_method.type == "Ed25519VerificationKey2020"
    vm_id = SPEC["did_document"]["assertionMethod"][0]
    assert spec_method.id == vm_id
    assert resolver.resolve_key(vm_id) == spec_method.public_key
    assert resolver.resolve_key(SPEC["did"]) == spec_method.public_key
    assert resolver.resolve(SPEC["did"]).verification_method[0].id == vm_id


def test_spec_jwk_example_holds_the_same_key() -> None:
    did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
    methods = SPEC["jwk_example_verification_method"]
    # The X25519 (key agreement) method is a key type Tessera does not use: it is left out.
    published = read_did_document({"id": did, "verificationMethod": methods}, did)
    (method,) = published.verification_method
    assert method.type == "JsonWebKey2020"
    assert method.public_key == DidResolver().resolve_key(did)


# --- multibase / multicodec worked examples ---------------------------------------------


@pytest.mark.parametrize("example", MULTIBASE["worked_examples"], ids=lambda e: e["multibase"][:8])
def test_worked_example_decodes(example: dict[str, Any]) -> None:
    assert multibase_decode(example["multibase"]).hex() == example["decoded_hex"]
    did = "did:key:" + example["multibase"]
    if "raw_ed25519_public_key_hex" in example:
        key = public_key_from_did_key(did)
        assert isinstance(key, Ed25519PublicKey)
        assert key.raw.hex() == example["raw_ed25519_public_key_hex"]
        assert did_key_from_public_key(key) == did
    else:  # an X25519 key or an Ed25519 *private* key is not a did:key Tessera accepts
        with pytest.raises(InvalidInput) as info:
            public_key_from_did_key(did)
        assert info.value.code == "unsupported_multicodec"


@pytest.mark.parametrize("entry", MULTIBASE["multicodec"], ids=lambda e: e["name"])
def test_multicodec_varint_prefix(entry: dict[str, Any]) -> None:
    prefix = encode_varint(int(entry["code"], 16))
    assert prefix.hex() == entry["varint_prefix_hex"]
    key = {
        "ed25519-pub": lambda: Ed25519PrivateKey.generate().public_key,
        "p256-pub": lambda: P256PrivateKey.generate().public_key,
    }.get(entry["name"])
    if key is not None:  # the two key types did:key supports in Tessera
        public_key = key()
        wire = public_key.to_multicodec()
        assert wire.startswith(prefix)
        assert len(wire) == len(prefix) + entry["key_length"]
        assert multibase_encode(wire).startswith(entry["base58btc_prefix"])
        assert did_key_from_public_key(public_key).startswith(
            "did:key:" + entry["base58btc_prefix"]
        )


@pytest.mark.parametrize(
    "case", MULTIBASE["multibase_test_vectors"], ids=lambda c: c["input_hex"][:6]
)
def test_multibase_base58btc_vectors(case: dict[str, Any]) -> None:
    assert multibase_decode(case["base58btc"]).hex() == case["input_hex"]
    assert multibase_encode(bytes.fromhex(case["input_hex"])) == case["base58btc"]
