"""``tessera credential import|list|show``, ``present`` and ``verify`` with W3C credentials
(``jwt_vc_json``, ``ldp_vc``): imported and listed with their format, shown as shared whole,
presented whole without ``--disclose``, verified with ``--json``; and the error line of each
refusal. Each runs in a subprocess (``python -m core.cli``) and in-process."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from core.ledger import parse_jsonl
from tests.core import test_cli_credentials as cli
from tests.core.test_cli_credentials import Runner, error_line, stored_ids, vault_from, write
from tests.core.w3c_build import SECRET_VALUES, W3cIssuer, valid_around

ISSUER = W3cIssuer.new()
run = cli.run  # the fixtures: a runner in a subprocess and in-process, a template vault
template = cli.template
NONCE = "n-0S6_WzA2Mj"
AUD = "https://verifier.example"
FORMATS = ["jwt_vc_json", "ldp_vc"]


def issue(format: str, subject: str | None, **options: object) -> str:
    return ISSUER.issue(format, subject, **valid_around(time.time()), **options)


@pytest.mark.parametrize("format", FORMATS)
def test_import_list_show_present_verify(
    run: Runner, template: tuple[Path, str], tmp_path: Path, format: str
) -> None:
    did = vault_from(template, run)
    source = write(tmp_path, "degree.json", issue(format, did) + "\n")

    imported = run(["credential", "import", source])
    assert imported.code == 0 and imported.err == "", imported.err
    assert "UniversityDegreeCredential from " + ISSUER.did in imported.out
    assert f"Format: {format} (W3C)" in imported.out and f"Bound to {did}" in imported.out

    (listed,) = run(["credential", "list", "--json"]).json()
    assert (listed["format"], listed["vct"], listed["holder_did"]) == (format, None, did)
    assert listed["types"] == ["VerifiableCredential", "UniversityDegreeCredential"]
    assert "text" not in listed and "sd_jwt" not in listed
    table = run(["credential", "list"]).out.splitlines()
    assert table[0].split()[:3] == ["ID", "FORMAT", "TYPE"]
    assert table[1].split()[1:3] == [format, "UniversityDegreeCredential"]

    full_id = listed["id"]
    shown = run(["credential", "show", full_id[:8], "--json"]).json()
    assert shown["shared_whole"] is True and shown["claims"]["name"] == "Erika Mustermann"
    assert "id" not in shown["claims"]
    assert {(p["path"], p["can_withhold"]) for p in shown["paths"]} >= {("name", False),
                                                                         ("degree.type", False)}
    human = run(["credential", "show", full_id[:8]]).out
    assert f"{format} (W3C: shared whole" in human
    assert any(line.split()[:3] == ["alumniOf", "no", '"The'] for line in human.splitlines())

    presented = run(["present", full_id[:8], "--nonce", NONCE, "--aud", AUD])
    assert presented.code == 0 and presented.err == "", presented.err
    verified = run(["verify", "-", "--nonce", NONCE, "--aud", AUD, "--trust", ISSUER.did,
                    "--json"], stdin=presented.out).json()
    assert verified == {
        "valid": True, "format": format, "issuer": ISSUER.did, "vct": None,
        "types": ["VerifiableCredential", "UniversityDegreeCredential"], "holder": did,
        "claims": {"id": did, "name": "Erika Mustermann", "alumniOf": "The School of Examples",
                   "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"}},
    }
    summary = run(["verify", "-", "--nonce", NONCE, "--aud", AUD], stdin=presented.out)
    assert summary.code == 0 and "valid presentation" in summary.out
    assert "credentialSubject.degree.name" in summary.out and "NOT checked" in summary.out

    log = run(["log", "export"]).out
    presented_entry = [e for e in parse_jsonl(log) if e["kind"] == "credential.presented"][-1]
    assert presented_entry["details"]["disclosed"] == ["alumniOf", "degree", "name"]
    assert not any(secret in log for secret in SECRET_VALUES)


def test_present_whole_refusals(run: Runner, template: tuple[Path, str]) -> None:
    did = vault_from(template, run)
    bound = run(["credential", "import", "-", "--json"], stdin=issue("ldp_vc", did)).json()
    unbound = run(["credential", "import", "-"], stdin=issue("jwt_vc_json", None, id="urn:x:2"))
    assert unbound.code == 0 and "can be kept and shown but not presented" in unbound.out
    unbound_id = next(i for i in stored_ids(run) if i != bound["id"])
    base = ["--nonce", NONCE, "--aud", AUD]
    line = error_line(run(["present", bound["id"], "--disclose", "name", *base]), "shared_whole")
    assert "shared whole" in line
    error_line(run(["present", bound["id"], "--disclose", *base]), "shared_whole")
    error_line(run(["present", unbound_id, *base]), "unbound_credential")
    kinds = [entry["kind"] for entry in parse_jsonl(run(["log", "export"]).out)]
    assert "credential.presented" not in kinds


def test_import_refusals(run: Runner, template: tuple[Path, str], tmp_path: Path) -> None:
    did = vault_from(template, run)
    document = json.loads(issue("ldp_vc", did))
    document["credentialSubject"]["name"] = "Mallory"
    error_line(run(["credential", "import", "-"], stdin=json.dumps(document)), "bad_signature")
    old = ISSUER.issue("jwt_vc_json", did, validFrom="2020-01-01T00:00:00Z",
                       validUntil="2021-01-01T00:00:00Z")
    error_line(run(["credential", "import", "-"], stdin=old), "expired")
    jwks = write(tmp_path, "jwks.json", '{"keys": []}')
    source = write(tmp_path, "vc.jwt", issue("jwt_vc_json", did))
    error_line(run(["credential", "import", source, "--issuer-jwks", jwks]), "unsupported_format")
    assert stored_ids(run) == []


def test_verify_w3c_refusals(run: Runner, template: tuple[Path, str]) -> None:
    did = vault_from(template, run)
    stored = run(["credential", "import", "-", "--json"], stdin=issue("jwt_vc_json", did)).json()
    vp = run(["present", stored["id"], "--nonce", NONCE, "--aud", AUD]).out
    other_nonce = run(["verify", "-", "--nonce", "other", "--aud", AUD, "--json"], stdin=vp)
    assert other_nonce.code == 1
    assert json.loads(other_nonce.out)["error"] == "nonce_mismatch"
    error_line(run(["verify", "-", "--nonce", NONCE, "--aud", "x"], stdin=vp), "audience_mismatch")
    error_line(run(["verify", "-", "--nonce", NONCE, "--aud", AUD, "--trust", "did:example:x"],
                   stdin=vp), "untrusted_issuer")
    error_line(run(["verify", "-", "--nonce", NONCE, "--aud", AUD, "--transaction-data",
                    "eyJ0eXBlIjoieCJ9"], stdin=vp), "unsupported_format")
    credential_only = issue("jwt_vc_json", did)
    error_line(run(["verify", "-", "--nonce", NONCE, "--aud", AUD], stdin=credential_only),
               "malformed")
