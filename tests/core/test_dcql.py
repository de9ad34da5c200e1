"""DCQL (OpenID4VP 1.0 §6, §7): a matching table (the specification's examples and our
own cases), a table of malformed queries, and the matcher's paths fed to the real holder.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from core.clock import FixedClock
from core.credentials import StoredCredential, credential_id
from core.dcql import Candidate, CredentialQuery, DcqlQuery, match, parse_dcql
from core.errors import InvalidInput
from core.keys import Ed25519PrivateKey
from core.sdjwt.holder import import_credential, present, select
from core.sdjwt.issuer import SdJwtIssuer
from core.verifier import Verifier, VerifierPolicy

PID = "https://credentials.example.com/identity_credential"
OTHER_PID = "https://othercredentials.example/pid"
REDUCED = "https://credentials.example.com/reduced_identity_credential"
RESIDENCE = "https://cred.example/residence_credential"
REWARDS = "https://company.example/company_rewards"
LICENCE = "https://credentials.example.com/driving_licence"

#: The credential of the claims path pointer example (§7.4), and a PID like §B.3's.
ARTHUR: dict[str, Any] = {
    "name": "Arthur Dent",
    "address": {"street_address": "42 Market Street", "locality": "Milliways", "postal_code": "12345"},
    "degrees": [
        {"type": "Bachelor of Science", "university": "University of Betelgeuse"},
        {"type": "Master of Science", "university": "University of Betelgeuse"},
    ],
    "nationalities": ["British", "Betelgeusian"],
}
DOE: dict[str, Any] = {
    "given_name": "John",
    "family_name": "Doe",
    "last_name": "Doe",
    "address": {"street_address": "123 Main St", "locality": "Anytown"},
    "postal_code": "90210",
    "locality": "Anytown",
    "region": "Anystate",
    "date_of_birth": "1940-01-01",
    "age_over_18": True,
    "rewards_number": 7,
}


def without(claims: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: value for name, value in claims.items() if name not in names}


def held(cred_id: str, vct: str | None, claims: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"id": cred_id, "vct": vct, "claims": claims, **more}


def sd(query_id: str, vct: str | list[str], *paths: list[Any], **more: Any) -> dict[str, Any]:
    """A dc+sd-jwt credential query asking for ``paths``."""
    query: dict[str, Any] = {
        "id": query_id,
        "format": "dc+sd-jwt",
        "meta": {"vct_values": vct if isinstance(vct, list) else [vct]},
        **more,
    }
    if paths:
        query["claims"] = [{"path": path} for path in paths]
    return query


# --- OpenID4VP 1.0 examples (examples/query_lang/*.json), read and restated -----------------

SPEC_SIMPLE = {"credentials": [sd("my_credential", PID, ["family_name"], ["given_name"], ["address", "street_address"])]}
SPEC_VALUES = {
    "credentials": [
        {
            **sd("my_credential", PID),
            "claims": [
                {"path": ["family_name"], "values": ["Doe"]},
                {"path": ["given_name"]},
                {"path": ["address", "street_address"]},
                {"path": ["postal_code"], "values": ["90210", "90211"]},
            ],
        }
    ]
}
SPEC_CLAIM_SETS = {
    "credentials": [
        {
            **sd("pid", PID),
            "claims": [
                {"id": "a", "path": ["last_name"]},
                {"id": "b", "path": ["postal_code"]},
                {"id": "c", "path": ["locality"]},
                {"id": "d", "path": ["region"]},
                {"id": "e", "path": ["date_of_birth"]},
            ],
            "claim_sets": [["a", "c", "d", "e"], ["a", "b", "e"]],
        }
    ]
}
SPEC_ALTERNATIVES = {
    "credentials": [
        sd("pid", PID, ["given_name"], ["family_name"], ["address", "street_address"]),
        sd("other_pid", OTHER_PID, ["given_name"], ["family_name"], ["address", "street_address"]),
        sd("pid_reduced_cred_1", REDUCED, ["family_name"], ["given_name"]),
        sd("pid_reduced_cred_2", RESIDENCE, ["postal_code"], ["locality"], ["region"]),
        sd("nice_to_have", REWARDS, ["rewards_number"]),
    ],
    "credential_sets": [
        {"options": [["pid"], ["other_pid"], ["pid_reduced_cred_1", "pid_reduced_cred_2"]]},
        {"required": False, "options": [["nice_to_have"]]},
    ],
}
SPEC_MULTI = {
    "credentials": [
        sd("pid", PID, ["given_name"], ["family_name"], ["address", "street_address"]),
        {
            "id": "mdl",
            "format": "mso_mdoc",
            "meta": {"doctype_value": "org.iso.7367.1.mVRC"},
            "claims": [
                {"path": ["org.iso.7367.1", "vehicle_holder"]},
                {"path": ["org.iso.18013.5.1", "given_name"]},
            ],
        },
    ]
}


def one(query: dict[str, Any]) -> dict[str, Any]:
    return {"credentials": [query]}


CASES: list[dict[str, Any]] = [
    # -- the specification's examples
    dict(name="spec simple query", query=SPEC_SIMPLE, held=[held("c1", PID, DOE)], satisfied=True,
         chosen={"my_credential": ["c1"]},
         paths={"my_credential": {"c1": ["family_name", "given_name", "address.street_address"]}}),
    dict(name="spec simple query, street address missing", query=SPEC_SIMPLE,
         held=[held("c1", PID, {**DOE, "address": {"locality": "Anytown"}})], satisfied=False,
         messages=[f"No stored credential of type '{PID}' has the claim 'address.street_address'."]),
    dict(name="spec value matching", query=SPEC_VALUES, held=[held("c1", PID, DOE)], satisfied=True,
         chosen={"my_credential": ["c1"]},
         paths={"my_credential": {"c1": ["family_name", "given_name", "address.street_address", "postal_code"]}}),
    dict(name="spec value matching, other postal code", query=SPEC_VALUES,
         held=[held("c1", PID, {**DOE, "postal_code": "10115"})], satisfied=False,
         messages=["has the claim 'postal_code', but not with a value the verifier accepts ('90210' or '90211')"]),
    dict(name="spec claim_sets, first option", query=SPEC_CLAIM_SETS, held=[held("c1", PID, DOE)],
         satisfied=True, chosen={"pid": ["c1"]},
         paths={"pid": {"c1": ["last_name", "locality", "region", "date_of_birth"]}}, optional={"pid": {"c1": []}}),
    dict(name="spec claim_sets, falls back to the second option", query=SPEC_CLAIM_SETS,
         held=[held("c1", PID, without(DOE, "region"))], satisfied=True, chosen={"pid": ["c1"]},
         paths={"pid": {"c1": ["last_name", "postal_code", "date_of_birth"]}}),
    dict(name="spec claim_sets, no option complete", query=SPEC_CLAIM_SETS,
         held=[held("c1", PID, without(DOE, "region", "postal_code"))], satisfied=False,
         messages=["accepts 2 combinations of claims", "has the claim 'postal_code'", "has the claim 'region'"]),
    dict(name="spec credential_sets, pid and the optional rewards card", query=SPEC_ALTERNATIVES,
         held=[held("p", PID, DOE), held("r", REWARDS, DOE)], satisfied=True,
         selected=["pid", "nice_to_have"], chosen={"pid": ["p"], "nice_to_have": ["r"]},
         paths={"nice_to_have": {"r": ["rewards_number"]}}),
    dict(name="spec credential_sets, two reduced credentials, no rewards card", query=SPEC_ALTERNATIVES,
         held=[held("red", REDUCED, DOE), held("res", RESIDENCE, DOE)], satisfied=True,
         selected=["pid_reduced_cred_1", "pid_reduced_cred_2"],
         chosen={"pid_reduced_cred_1": ["red"], "pid_reduced_cred_2": ["res"]},
         messages=["Optional, you can go on without it:", f"type '{REWARDS}'; you have none"]),
    dict(name="spec credential_sets, only half of the third option", query=SPEC_ALTERNATIVES,
         held=[held("red", REDUCED, DOE)], satisfied=False, selected=[],
         messages=["The verifier accepts any one of these, and none is complete",
                   f"credential of type '{REDUCED}' and a credential of type '{RESIDENCE}'",
                   f"type '{RESIDENCE}'; you have none"]),
    dict(name="spec credential_sets, the second option", query=SPEC_ALTERNATIVES,
         held=[held("o", OTHER_PID, DOE)], satisfied=True, selected=["other_pid"], chosen={"other_pid": ["o"]},
         messages=["Optional, you can go on without it:"]),
    dict(name="spec multiple credentials, no mdoc in the wallet", query=SPEC_MULTI,
         held=[held("p", PID, DOE)], satisfied=False, chosen={"pid": ["p"]},
         messages=["a credential in the 'mso_mdoc' format; this wallet holds no credentials of that kind"]),
    # -- §7.4 claims path pointers on Arthur Dent
    dict(name="null selects every array element", query=one(sd("q", PID, ["degrees", None, "type"])),
         held=[held("a", PID, ARTHUR)], satisfied=True, paths={"q": {"a": ["degrees.0.type", "degrees.1.type"]}}),
    dict(name="an integer selects one element", query=one(sd("q", PID, ["nationalities", 1])),
         held=[held("a", PID, ARTHUR)], satisfied=True, paths={"q": {"a": ["nationalities.1"]}}),
    dict(name="null with values keeps matching elements only",
         query=one({**sd("q", PID), "claims": [{"path": ["nationalities", None], "values": ["Betelgeusian"]}]}),
         held=[held("a", PID, ARTHUR)], satisfied=True, paths={"q": {"a": ["nationalities.1"]}}),
    dict(name="an index past the end selects nothing", query=one(sd("q", PID, ["nationalities", 5])),
         held=[held("a", PID, ARTHUR)], satisfied=False, messages=["has the claim 'nationalities.5'"]),
    dict(name="null over a string selects nothing", query=one(sd("q", PID, ["name", None])),
         held=[held("a", PID, ARTHUR)], satisfied=False, messages=["has the claim 'name.*'"]),
    dict(name="a whole object and a nested member", query=one(sd("q", PID, ["address"], ["degrees", 0, "university"])),
         held=[held("a", PID, ARTHUR)], satisfied=True, paths={"q": {"a": ["address", "degrees.0.university"]}}),
    # -- our own
    dict(name="no credentials at all", query=SPEC_SIMPLE, held=[], satisfied=False,
         messages=[f"The verifier asks for a credential of type '{PID}'; you have none."]),
    dict(name="wrong type: a driving licence is asked for", query=one(sd("dl", LICENCE, ["family_name"])),
         held=[held("p", PID, DOE)], satisfied=False,
         messages=[f"The verifier asks for a credential of type '{LICENCE}'; you have none."]),
    dict(name="no claims asked: only what is always shown", query=one(sd("q", PID)),
         held=[held("p", PID, DOE)], satisfied=True, paths={"q": {"p": []}}),
    dict(name="proof of possession needed, credential not bound", query=one(sd("q", PID, ["given_name"])),
         held=[held("p", PID, DOE, bound=False)], satisfied=False, messages=["is not tied to a key of this wallet"]),
    dict(name="proof of possession waived", query=one(sd("q", PID, ["given_name"], require_cryptographic_holder_binding=False)),
         held=[held("p", PID, DOE, bound=False)], satisfied=True, chosen={"q": ["p"]}),
    dict(name="values compare type as well: true is not 1",
         query=one({**sd("q", PID), "claims": [{"path": ["age_over_18"], "values": [1]}]}),
         held=[held("p", PID, DOE)], satisfied=False, messages=["but not with a value the verifier accepts ('1')"]),
    dict(name="values never match an object",
         query=one({**sd("q", PID), "claims": [{"path": ["address"], "values": ["Anytown"]}]}),
         held=[held("p", PID, DOE)], satisfied=False, messages=["has the claim 'address', but not with a value"]),
    dict(name="an integer value matches", query=one({**sd("q", PID), "claims": [{"path": ["rewards_number"], "values": [7, 8]}]}),
         held=[held("p", PID, DOE)], satisfied=True, paths={"q": {"p": ["rewards_number"]}}),
    dict(name="claim_sets that let a claim be left out",
         query=one({**sd("q", PID), "claims": [{"id": "n", "path": ["family_name"]}, {"id": "m", "path": ["locality"]}],
                    "claim_sets": [["n", "m"], ["n"]]}),
         held=[held("p", PID, DOE)], satisfied=True, paths={"q": {"p": ["family_name", "locality"]}},
         optional={"q": {"p": ["locality"]}}),
    dict(name="two candidates, multiple=false: the first answers", query=one(sd("q", PID, ["given_name"])),
         held=[held("p1", PID, DOE), held("p2", PID, DOE)], satisfied=True, chosen={"q": ["p1"]},
         matches={"q": ["p1", "p2"]}),
    dict(name="two candidates, multiple=true: both answer", query=one(sd("q", PID, ["given_name"], multiple=True)),
         held=[held("p1", PID, DOE), held("p2", PID, DOE)], satisfied=True, chosen={"q": ["p1", "p2"]}),
    dict(name="two candidates, only the second has the claim", query=one(sd("q", PID, ["region"])),
         held=[held("p1", PID, without(DOE, "region")), held("p2", PID, DOE)], satisfied=True, chosen={"q": ["p2"]}),
    dict(name="two candidates lacking different claims", query=one(sd("q", PID, ["region"], ["locality"])),
         held=[held("p1", PID, without(DOE, "region")), held("p2", PID, without(DOE, "locality"))], satisfied=False,
         messages=["None of your 2 credentials of type"]),
    dict(name="several accepted types", query=one(sd("q", [LICENCE, PID], ["given_name"])),
         held=[held("l", REWARDS, DOE), held("p", PID, DOE)], satisfied=True, chosen={"q": ["p"]}),
    dict(name="the legacy vc+sd-jwt format identifier", query=one({**sd("q", PID, ["given_name"]), "format": "vc+sd-jwt"}),
         held=[held("p", PID, DOE)], satisfied=True, chosen={"q": ["p"]}),
    dict(name="without credential_sets every query is required",
         query={"credentials": [sd("a", PID, ["given_name"]), sd("b", LICENCE, ["given_name"])]},
         held=[held("p", PID, DOE)], satisfied=False, selected=[], chosen={"a": ["p"]},
         messages=[f"type '{LICENCE}'; you have none"]),
    dict(name="trusted_authorities is noted, not used to filter",
         query=one(sd("q", PID, ["given_name"], trusted_authorities=[{"type": "aki", "values": ["s9tIpPmhxdiuNkHMEWNpYim8S8Y"]}])),
         held=[held("p", PID, DOE)], satisfied=True, chosen={"q": ["p"]}, notes=["Tessera cannot check this"]),
]


def candidates(case: dict[str, Any]) -> list[Candidate]:
    return [
        Candidate(item["id"], item.get("format", "dc+sd-jwt"), item["vct"], item["claims"], item.get("bound", True))
        for item in case["held"]
    ]


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 25
    assert len({case["name"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_matching_table(case: dict[str, Any]) -> None:
    result = match(parse_dcql(case["query"]), candidates(case))
    assert result.satisfied is case["satisfied"]
    if "selected" in case:
        assert list(result.selected) == case["selected"]
    elif case["satisfied"]:
        assert set(result.selected) == {q["id"] for q in case["query"]["credentials"]}
    else:
        assert result.selected == () and result.answer() == {}
    for query_id, ids in case.get("chosen", {}).items():
        assert [m.credential_id for m in result.query(query_id).chosen] == ids
    for query_id, ids in case.get("matches", {}).items():
        assert [m.credential_id for m in result.query(query_id).matches] == ids
    for field in ("paths", "optional"):
        for query_id, by_credential in case.get(field, {}).items():
            found = {m.credential_id: m for m in result.query(query_id).matches}
            for cred_id, dotted in by_credential.items():
                paths = getattr(found[cred_id], field)
                assert [".".join(map(str, p)) for p in paths] == dotted
    text = " ".join(result.explanations)
    for fragment in case.get("messages", []):
        assert fragment in text
    if case["satisfied"] and not case.get("messages"):
        assert result.mismatches == ()
    if not case["satisfied"]:
        assert any(m.required for m in result.mismatches)
    for fragment in case.get("notes", []):
        assert fragment in " ".join(result.notes)
    assert "DCQL" not in text and "dcql" not in text


def test_required_and_optional_queries_and_the_answer() -> None:
    result = match(parse_dcql(SPEC_ALTERNATIVES), [Candidate("p", "dc+sd-jwt", PID, DOE)])
    assert not result.query("pid").required  # another option could stand in for it
    assert not result.query("nice_to_have").required
    answer = result.answer()
    assert list(answer) == ["pid"] and answer["pid"][0].dotted == ("given_name", "family_name", "address.street_address")
    simple = match(parse_dcql(SPEC_SIMPLE), [Candidate("p", "dc+sd-jwt", PID, DOE)])
    assert simple.query("my_credential").required


def test_alternatives_list_every_satisfiable_option_in_order() -> None:
    result = match(parse_dcql(SPEC_CLAIM_SETS), [Candidate("p", "dc+sd-jwt", PID, DOE)])
    (found,) = result.query("pid").matches
    assert [[".".join(map(str, p)) for p in option] for option in found.alternatives] == [
        ["last_name", "locality", "region", "date_of_birth"],
        ["last_name", "postal_code", "date_of_birth"],
    ]
    assert found.required == found.paths


# --- parsing -------------------------------------------------------------------------------


def test_parse_reads_json_text_and_ignores_unknown_members() -> None:
    text = '{"credentials": [{"id": "q-1_", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "purpose": "?", "claims": [{"path": ["a", 0, null], "intent_to_retain": true}]}], "extra": 1}'
    query = parse_dcql(text)
    assert query == DcqlQuery(
        (CredentialQuery("q-1_", "dc+sd-jwt", {"vct_values": ["x"]}, query.credentials[0].claims),),
    )
    assert query.credentials[0].claims is not None
    assert query.credentials[0].claims[0].path == ("a", 0, None)
    assert query.credentials[0].vct_values == ("x",)
    assert query.credentials[0].require_binding and not query.credentials[0].multiple


def bad(**changes: Any) -> dict[str, Any]:
    query: dict[str, Any] = {"id": "pid", "format": "dc+sd-jwt", "meta": {"vct_values": [PID]}, "claims": [{"id": "n", "path": ["name"]}]}
    query.update(changes)
    return {"credentials": [query]}


MALFORMED: list[tuple[str, Any, str]] = [
    ("not an object", [1], "must be a JSON object"),
    ("no credentials", {}, "'credentials' must be a non-empty array"),
    ("empty credentials", {"credentials": []}, "'credentials' must be a non-empty array"),
    ("credential query not an object", {"credentials": ["pid"]}, "credential query 0 must be an object"),
    ("id with a space", bad(id="my pid"), "credential query 0: 'id'"),
    ("empty id", bad(id=""), "credential query 0: 'id'"),
    ("repeated id", {"credentials": [bad()["credentials"][0]] * 2}, "'pid' appears more than once"),
    ("no format", bad(format=None), "'pid': 'format'"),
    ("no meta", bad(meta=None), "'pid': 'meta' must be an object"),
    ("no vct_values for SD-JWT VC", bad(meta={}), "'pid': 'meta.vct_values'"),
    ("vct_values not strings", bad(meta={"vct_values": [1]}), "'pid': 'meta.vct_values' must hold only strings"),
    ("empty claims", bad(claims=[]), "'pid': 'claims' must be a non-empty array"),
    ("claim without path", bad(claims=[{"id": "n"}]), "claim 'n': 'path' is missing"),
    ("empty path", bad(claims=[{"id": "n", "path": []}]), "claim 'n': 'path' must be a non-empty array"),
    ("negative index", bad(claims=[{"id": "n", "path": ["a", -1]}]), "claim 'n': 'path' steps"),
    ("boolean step", bad(claims=[{"path": ["a", True]}]), "'pid', claim 0: 'path' steps"),
    ("float step", bad(claims=[{"id": "n", "path": [1.5]}]), "claim 'n': 'path' steps"),
    ("bad claim id", bad(claims=[{"id": "n!", "path": ["a"]}]), "'pid', claim 0: 'id'"),
    ("repeated claim id", bad(claims=[{"id": "n", "path": ["a"]}, {"id": "n", "path": ["b"]}]), "claim id 'n' appears more than once"),
    ("empty values", bad(claims=[{"id": "n", "path": ["a"], "values": []}]), "claim 'n': 'values' must be a non-empty array"),
    ("object in values", bad(claims=[{"id": "n", "path": ["a"], "values": [{}]}]), "claim 'n': 'values' may hold only"),
    ("float in values", bad(claims=[{"id": "n", "path": ["a"], "values": [1.5]}]), "claim 'n': 'values' may hold only"),
    ("claim_sets without claims", one({**sd("pid", PID), "claim_sets": [["n"]]}), "'pid': 'claim_sets' needs 'claims'"),
    ("claim_sets naming an unknown claim", bad(claim_sets=[["m"]]), "names claim 'm'"),
    ("claim without id next to claim_sets", bad(claims=[{"path": ["a"]}], claim_sets=[["a"]]), "claim 0: 'id' is required"),
    ("empty claim set", bad(claim_sets=[[]]), "each of 'claim_sets' must be a non-empty array"),
    ("multiple not a boolean", bad(multiple="yes"), "'pid': 'multiple' must be true or false"),
    ("binding not a boolean", bad(require_cryptographic_holder_binding="false"), "'require_cryptographic_holder_binding'"),
    ("empty trusted_authorities", bad(trusted_authorities=[]), "'pid': 'trusted_authorities'"),
    ("trusted authority without type", bad(trusted_authorities=[{"values": ["x"]}]), "needs a 'type'"),
    ("empty credential_sets", bad() | {"credential_sets": []}, "'credential_sets' must be a non-empty array"),
    ("credential set without options", bad() | {"credential_sets": [{}]}, "credential set 0: 'options'"),
    ("option naming an unknown query", bad() | {"credential_sets": [{"options": [["mdl"]]}]}, "names credential query 'mdl'"),
    ("required not a boolean", bad() | {"credential_sets": [{"options": [["pid"]], "required": 0}]}, "'required' must be true or false"),
]


def test_the_malformed_table_is_large_enough() -> None:
    assert len(MALFORMED) >= 12


@pytest.mark.parametrize(("name", "query", "fragment"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_queries_are_refused(name: str, query: Any, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_dcql(query)
    assert caught.value.code == "invalid_dcql"
    assert fragment in caught.value.message


def test_text_that_is_not_json_is_refused_as_json() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_dcql('{"credentials": [')
    assert caught.value.code == "malformed_json"


# --- the matcher's paths, given to the real holder -------------------------------------------

NOW = 1_700_000_000
ISSUER = "https://issuer.example"
ISSUER_KEY = Ed25519PrivateKey(bytes(range(1, 33)))
HOLDER_KEY = Ed25519PrivateKey(bytes(range(33, 65)))
ISSUED_CLAIMS: dict[str, Any] = {
    "given_name": "Erika",
    "family_name": "Mustermann",
    "address": {"street_address": "Heidestraße 17", "locality": "Köln", "country": "DE"},
    "nationalities": ["DE", "FR"],
    "degrees": [{"type": "BSc", "year": 2001}, {"type": "MSc", "year": 2003}],
}
DISCLOSABLE = [
    "given_name", "family_name", "address", "address.locality", "address.street_address",
    "nationalities.0", "nationalities.1", "degrees.0", "degrees.1", "degrees.1.type",
]


def test_matched_paths_are_accepted_by_the_holder_and_verified() -> None:
    counter = itertools.count()
    issuer = SdJwtIssuer(ISSUER_KEY, ISSUER, salts=lambda: f"salt{next(counter)}", clock=FixedClock(NOW))
    text = issuer.issue(ISSUED_CLAIMS, disclosable=DISCLOSABLE, holder_key=HOLDER_KEY.public_key, vct=PID, decoys=2).sd_jwt
    verifier = Verifier(VerifierPolicy(issuer_keys={ISSUER: [ISSUER_KEY.public_key]}), clock=FixedClock(NOW))
    credential = import_credential(text, verifier)
    stored = StoredCredential(
        id=credential_id(text), format="dc+sd-jwt", issuer=ISSUER, vct=PID, holder_did=None,
        issued_at=NOW, expires_at=None, imported_at=NOW, text=text,
    )
    query = parse_dcql(one({
        **sd("pid", PID),
        "claims": [
            {"path": ["address", "locality"]},
            {"path": ["nationalities", None], "values": ["FR"]},
            {"path": ["degrees", None, "type"]},
            {"path": ["given_name"]},
        ],
    }))
    for candidate in (Candidate.from_held(credential, stored.id), Candidate.from_stored(stored)):
        result = match(query, [candidate])
        assert result.satisfied
        (found,) = result.answer()["pid"]
        assert found.dotted == ("address.locality", "nationalities.1", "degrees.0.type", "degrees.1.type", "given_name")
        assert select(credential, found.paths) == select(credential, found.dotted)
        shown = credential.will_disclose(found.paths)
        assert shown["address"] == {"locality": "Köln", "country": "DE"}
        assert shown["nationalities"] == ["FR"] and shown["given_name"] == "Erika"
        assert [d["type"] for d in shown["degrees"]] == ["BSc", "MSc"]
        assert "family_name" not in shown
    presentation = present(credential, found.paths, holder_key=HOLDER_KEY, nonce="n", audience="a", clock=FixedClock(NOW))
    verified = verifier.verify(presentation, nonce="n", audience="a")
    assert verified.claims["nationalities"] == ["FR"] and "family_name" not in verified.claims
