"""``tessera credential import|list|show|delete``, ``present`` and ``verify``: the flow from
an issued credential to a verified presentation, and the error line and exit code of every
failure class. Each runs in a subprocess (``python -m core.cli``) and in-process."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from core.cli import main
from core.clock import FixedClock
from core.did import DidResolver, did_key_from_public_key
from core.keys import Ed25519PrivateKey, P256PrivateKey, PrivateKey, PublicKey
from core.ledger import parse_jsonl
from core.payments import payment_entry
from core.sdjwt.holder import HeldCredential, present
from core.sdjwt.issuer import SdJwtIssuer
from core.vault.kdf import KdfParams
from core.wallet import Wallet
from tests.conftest import REPO_ROOT

PASSPHRASE = "correct horse battery staple"
ISSUER_KEY = Ed25519PrivateKey(bytes(range(32)))
ISSUER = did_key_from_public_key(ISSUER_KEY.public_key)
KID = f"{ISSUER}#{ISSUER.removeprefix('did:key:')}"
OTHER_ISSUER = did_key_from_public_key(Ed25519PrivateKey(bytes(range(2, 34))).public_key)
HOLDER_KEY = Ed25519PrivateKey(bytes(range(3, 35)))
VCT = "urn:eudi:pid:1"
AUD = "https://verifier.example"
NONCE = "n-0S6_WzA2Mj"
CLAIMS: dict[str, Any] = {
    "given_name": "Erika",
    "family_name": "Mustermann",
    "address": {"locality": "Berlin", "country": "DE"},
    "nationalities": ["DE", "FR"],
}
DISCLOSABLE = ["given_name", "family_name", "address", "address.locality", "nationalities.1"]


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, self.err
        return json.loads(self.out)


class Runner:
    """Runs ``tessera --vault VAULT …`` with TESSERA_PASSPHRASE set and ``stdin``."""

    def __init__(self, mode: str, vault: Path, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str]) -> None:
        self.mode, self.vault = mode, vault
        self._monkeypatch, self._capsys = monkeypatch, capsys

    def __call__(self, argv: list[str], stdin: str = "") -> Result:
        argv = ["--vault", str(self.vault), *argv]
        env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
        env["TESSERA_PASSPHRASE"] = PASSPHRASE
        if self.mode == "subprocess":
            proc = subprocess.run(
                [sys.executable, "-m", "core.cli", *argv], input=stdin, capture_output=True,
                text=True, cwd=REPO_ROOT, timeout=120, check=False,
                env={**env, "PYTHONPATH": str(REPO_ROOT)},
            )
            result = Result(proc.returncode, proc.stdout, proc.stderr)
        else:
            with self._monkeypatch.context() as patch:
                for name in [k for k in os.environ if k.startswith("TESSERA_")]:
                    patch.delenv(name)
                patch.setenv("TESSERA_PASSPHRASE", PASSPHRASE)
                patch.setattr(sys, "stdin", io.StringIO(stdin))
                code = main(argv)
            captured = self._capsys.readouterr()
            result = Result(code, captured.out, captured.err)
        assert "Traceback" not in result.err, result.err
        return result


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A vault made once (its first identity's DID), copied for each test that needs one."""
    directory = tmp_path_factory.mktemp("template") / "vault"
    wallet, _ = Wallet.create(directory, PASSPHRASE, kdf=KdfParams.FAST_INSECURE)
    with wallet:
        return directory, wallet.identities.all()[0].did


@pytest.fixture(params=["subprocess", "in-process"])
def run(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Runner:
    return Runner(request.param, tmp_path / "vault", monkeypatch, capsys)


def vault_from(template: tuple[Path, str], run: Runner) -> str:
    """Give ``run`` a copy of the template vault; returns its holder DID."""
    shutil.copytree(template[0], run.vault)
    return template[1]


def issue(holder: PublicKey | None, *, key: PrivateKey = ISSUER_KEY, iss: str = ISSUER,
          kid: str | None = KID, issued_at: float | None = None, typ: str = "dc+sd-jwt",
          **options: Any) -> str:
    options.setdefault("vct", VCT)
    options.setdefault("expires_in", 3600)
    clock = FixedClock(issued_at) if issued_at is not None else None
    issuer = SdJwtIssuer(key, iss, kid=kid, clock=clock, typ=typ)
    return issuer.issue(CLAIMS, disclosable=DISCLOSABLE, holder_key=holder, **options).sd_jwt


def presentation(paths: list[str], *, nonce: str = NONCE, aud: str = AUD,
                 clock: FixedClock | None = None, **options: Any) -> str:
    held = HeldCredential.from_storage(issue(HOLDER_KEY.public_key, **options))
    return present(held, paths, holder_key=HOLDER_KEY, nonce=nonce, audience=aud,
                   clock=clock or FixedClock(time.time()))


def write(directory: Path, name: str, content: str | bytes) -> str:
    path = directory / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def error_line(result: Result, code: str, exit_code: int = 1) -> str:
    """The single stderr line of a refused command, checked for shape and code."""
    assert result.code == exit_code, (result.out, result.err)
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"tessera: error [{code}]: "), lines[0]
    return lines[0]


def tamper_signature(text: str) -> str:
    jwt, rest = text.split("~", 1)
    head, body, signature = jwt.split(".")
    return f"{head}.{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}~{rest}"


def stored_ids(run: Runner) -> list[str]:
    return [credential["id"] for credential in run(["credential", "list", "--json"]).json()]


# --- the flow -------------------------------------------------------------------------------


def test_issue_import_show_present_verify(run: Runner, tmp_path: Path) -> None:
    created = run(["init", "--kdf", "interactive", "--json"]).json()
    holder = DidResolver().resolve_key(created["did"])
    credential = write(tmp_path, "pid.sd-jwt", issue(holder) + "\n")

    imported = run(["credential", "import", credential])
    assert imported.code == 0 and imported.err == ""
    assert imported.out.startswith("Imported: ") and f"Bound to {created['did']}" in imported.out

    listing = run(["credential", "list"])
    (full_id,) = stored_ids(run)
    assert full_id[:10] in listing.out and VCT in listing.out

    shown = run(["credential", "show", full_id[:6], "--json"]).json()
    assert shown["holder_did"] == created["did"] and shown["claims"]["given_name"] == "Erika"
    marks = {p["path"]: (p["can_withhold"], p["selectively_disclosable"]) for p in shown["paths"]}
    assert marks["given_name"] == (True, True)
    assert marks["address.country"] == (True, False)
    assert marks["iss"] == marks["nationalities.0"] == (False, False)
    human = run(["credential", "show", full_id[:8]]).out
    assert any(line.split()[:4] == ["address.country", "with", "address", '"DE"']
               for line in human.splitlines())

    presented = run(["present", full_id[:8], "--disclose", "given_name", "address.locality",
                     "--nonce", NONCE, "--aud", AUD])
    assert presented.code == 0 and presented.err == ""
    assert len(presented.out.splitlines()) == 1

    verified = run(["verify", "-", "--nonce", NONCE, "--aud", AUD, "--trust", ISSUER, "--json"],
                   stdin=presented.out).json()
    assert set(verified) == {"valid", "issuer", "vct", "claims"}
    assert (verified["valid"], verified["issuer"], verified["vct"]) == (True, ISSUER, VCT)
    claims = verified["claims"]
    assert claims["given_name"] == "Erika"
    assert claims["address"] == {"locality": "Berlin", "country": "DE"}
    assert claims["nationalities"] == ["DE"]
    assert "family_name" not in claims
    summary = run(["verify", "-", "--nonce", NONCE, "--aud", AUD], stdin=presented.out)
    assert summary.code == 0 and "valid presentation" in summary.out
    assert "NOT checked against a trust list" in summary.out

    log = run(["log", "export"])
    entries = parse_jsonl(log.out)
    by_kind = {entry["kind"]: entry for entry in entries}
    assert by_kind["credential.imported"]["details"]["id"] == full_id
    assert by_kind["credential.presented"]["details"]["audience"] == AUD
    assert sorted(by_kind["credential.presented"]["details"]["disclosed"]) == [
        "address", "address.locality", "given_name"]
    for value in ("Erika", "Mustermann", "Berlin"):
        assert value not in log.out


def test_import_from_stdin_twice_stores_one(run: Runner, template: tuple[Path, str]) -> None:
    holder = DidResolver().resolve_key(vault_from(template, run))
    text = issue(holder)
    first = run(["credential", "import", "-", "--json"], stdin=text).json()
    again = run(["credential", "import", "-", "--json"], stdin=f"\n{text}\n").json()
    assert (first["already_stored"], again["already_stored"]) == (False, True)
    assert first["id"] == again["id"] and "sd_jwt" not in first
    assert stored_ids(run) == [first["id"]]


def test_unbound_credential_imports_with_a_note(run: Runner, template: tuple[Path, str]) -> None:
    vault_from(template, run)
    result = run(["credential", "import", "-"], stdin=issue(None))
    assert result.code == 0 and "without proof of possession" in result.out


def test_present_to_a_file_and_delete(run: Runner, template: tuple[Path, str], tmp_path: Path) -> None:
    holder = DidResolver().resolve_key(vault_from(template, run))
    (stored,) = [run(["credential", "import", "-", "--json"], stdin=issue(holder)).json()]
    out = tmp_path / "presentation.txt"
    result = run(["present", stored["id"], "--disclose", "--nonce", NONCE, "--aud", AUD,
                  "--out", str(out), "--json"]).json()
    assert result == {"id": stored["id"], "audience": AUD, "file": str(out)}
    verified = run(["verify", str(out), "--nonce", NONCE, "--aud", AUD, "--json"]).json()
    assert "given_name" not in verified["claims"] and verified["claims"]["nationalities"] == ["DE"]

    refused = run(["credential", "delete", stored["id"][:8]])
    error_line(refused, "confirmation_required", exit_code=2)
    assert run(["credential", "delete", stored["id"][:8], "--yes"]).code == 0
    assert stored_ids(run) == []
    error_line(run(["credential", "show", stored["id"]]), "not_found")


# --- import failures: exit 1, one line, nothing stored ---------------------------------------


IMPORT_FAILURES: list[tuple[str, Callable[[PublicKey], str | bytes], str]] = [
    ("garbage", lambda holder: "this is not a credential", "malformed"),
    ("empty", lambda holder: "\n", "malformed"),
    ("binary", lambda holder: b"\xff\xfe\x00garbage", "invalid_input"),
    ("other-wallet", lambda holder: issue(P256PrivateKey.generate().public_key), "not_bound_to_wallet"),
    ("tampered", lambda holder: tamper_signature(issue(holder)), "bad_signature"),
    ("expired", lambda holder: issue(holder, issued_at=time.time() - 7200), "expired"),
    ("untyped", lambda holder: issue(holder, typ="JWT"), "malformed"),
]


@pytest.mark.parametrize(("name", "make", "code"), IMPORT_FAILURES, ids=[c[0] for c in IMPORT_FAILURES])
def test_import_failure(run: Runner, template: tuple[Path, str], tmp_path: Path, name: str,
                        make: Callable[[PublicKey], str | bytes], code: str) -> None:
    holder = DidResolver().resolve_key(vault_from(template, run))
    source = write(tmp_path, "input", make(holder))
    line = error_line(run(["credential", "import", source]), code)
    if name == "other-wallet":
        assert "issued to another wallet" in line
    assert stored_ids(run) == []


def test_import_missing_file_and_bad_jwks(run: Runner, template: tuple[Path, str], tmp_path: Path) -> None:
    holder = DidResolver().resolve_key(vault_from(template, run))
    error_line(run(["credential", "import", str(tmp_path / "nope")]), "io_error")
    text = write(tmp_path, "cred", issue(holder))
    error_line(run(["credential", "import", text, "--issuer-jwks", "-"], stdin="{"), "malformed_json")
    error_line(run(["credential", "import", text, "--issuer-jwks", "-"], stdin='{"keys": []}'),
               "invalid_jwk")
    error_line(run(["credential", "import", "-", "--issuer-jwks", "-"]), "usage", exit_code=2)
    assert stored_ids(run) == []


def test_import_with_issuer_jwks(run: Runner, template: tuple[Path, str], tmp_path: Path) -> None:
    holder = DidResolver().resolve_key(vault_from(template, run))
    key = P256PrivateKey.from_private_bytes(bytes(range(5, 37)))
    text = write(tmp_path, "cred", issue(holder, key=key, iss="https://issuer.example", kid="k1"))
    jwks = write(tmp_path, "jwks.json", json.dumps({"keys": [{**key.public_key.to_jwk(), "kid": "k1"}]}))
    result = run(["credential", "import", text, "--issuer-jwks", jwks, "--json"]).json()
    assert result["issuer"] == "https://issuer.example"


def test_present_failures(run: Runner, template: tuple[Path, str]) -> None:
    holder = DidResolver().resolve_key(vault_from(template, run))
    stored = run(["credential", "import", "-", "--json"], stdin=issue(holder)).json()
    base = ["present", stored["id"], "--nonce", NONCE, "--aud", AUD, "--disclose"]
    line = error_line(run([*base, "birthdate"]), "invalid_input")
    assert "birthdate" in line and "given_name" in line
    error_line(run(["present", "0000000000", "--disclose", "--nonce", "n", "--aud", AUD]), "not_found")
    error_line(run([*base, "given_name", "--transaction-data", "not base64!"]), "malformed_base64url")
    unknown = "eyJ0eXBlIjoicGF5bWVudCJ9"  # {"type":"payment"}: a type no wallet may sign
    error_line(run([*base, "given_name", "--transaction-data", unknown]),
               "unsupported_transaction_data")
    error_line(run(["present", stored["id"], "--disclose", "--nonce", "", "--aud", AUD]), "usage", 2)
    error_line(run(["present", stored["id"], "--nonce", "n", "--aud", AUD]), "usage", 2)
    kinds = [entry["kind"] for entry in parse_jsonl(run(["log", "export"]).out)]
    assert "credential.presented" not in kinds


# --- verify: every failure class, no vault -------------------------------------------------


def without_kb(text: str) -> str:
    return text[: text.rindex("~") + 1]


def without_a_disclosure(text: str) -> str:
    parts = text.split("~")
    return "~".join([parts[0], *parts[2:]])


VERIFY_FAILURES: list[tuple[str, Callable[[], str | bytes], list[str], str]] = [
    ("garbage", lambda: "garbage", [], "malformed"),
    ("binary", lambda: b"\xff\xfe\x00", [], "malformed"),
    ("tampered", lambda: tamper_signature(presentation(["given_name"])), [], "bad_signature"),
    ("nonce", lambda: presentation(["given_name"], nonce="other"), [], "nonce_mismatch"),
    ("audience", lambda: presentation(["given_name"], aud="https://evil.example"), [], "audience_mismatch"),
    ("untrusted", lambda: presentation(["given_name"]), ["--trust", OTHER_ISSUER], "untrusted_issuer"),
    ("no-kb", lambda: without_kb(presentation(["given_name"])), [], "kb_missing"),
    ("stale-kb", lambda: presentation(["given_name"], clock=FixedClock(time.time() - 3600)), [], "kb_stale"),
    ("sd-hash", lambda: without_a_disclosure(presentation(["given_name", "family_name"])), [], "sd_hash_mismatch"),
    ("expired", lambda: presentation([], issued_at=time.time() - 7200), [], "expired"),
    ("transaction-data", lambda: presentation(["given_name"]), ["--transaction-data", "eyJ9"],
     "transaction_data_mismatch"),
    ("unknown-did-issuer-key", lambda: presentation(["given_name"], kid=f"{ISSUER}#nope"), [], "unresolvable_key"),
]


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize(("name", "make", "extra", "code"), VERIFY_FAILURES,
                         ids=[c[0] for c in VERIFY_FAILURES])
def test_verify_failure(run: Runner, tmp_path: Path, name: str, make: Callable[[], str | bytes],
                        extra: list[str], code: str, as_json: bool) -> None:
    source = write(tmp_path, "presentation", make())
    argv = ["verify", source, "--nonce", NONCE, "--aud", AUD, *extra]
    result = run([*argv, "--json"] if as_json else argv)
    assert result.code == 1, (result.out, result.err)
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    if not as_json:
        assert result.out == ""
        assert lines[0].startswith(f"tessera: error [{code}]: ")
        return
    assert json.loads(lines[0])["error"] == code
    verdict = json.loads(result.out)
    assert set(verdict) == {"valid", "error", "message"}
    assert (verdict["valid"], verdict["error"]) == (False, code)
    assert verdict["message"]
    assert not run.vault.exists()  # verify needs no vault and makes none


def test_verify_refusals_about_its_own_inputs(run: Runner, tmp_path: Path) -> None:
    good = write(tmp_path, "p", presentation(["given_name"]))
    error_line(run(["verify", str(tmp_path / "nope"), "--nonce", NONCE, "--aud", AUD]), "io_error")
    jwks = write(tmp_path, "jwks", '{"keys": "no"}')
    missing = run(["verify", good, "--nonce", NONCE, "--aud", AUD, "--issuer-jwks", jwks, "--json"])
    assert json.loads(missing.out) == {"valid": False, "error": "invalid_jwk",
                                       "message": json.loads(missing.err)["message"]}
    for argv in (["verify", good, "--aud", AUD], ["verify", good, "--nonce", " ", "--aud", AUD]):
        error_line(run(argv), "usage", exit_code=2)
        result = run([*argv, "--json"])  # a usage error is no verdict: nothing on stdout
        assert (result.code, result.out) == (2, "")
        assert json.loads(result.err)["error"] == "usage"


def test_verify_with_issuer_jwks_for_an_https_issuer(run: Runner, tmp_path: Path) -> None:
    key = Ed25519PrivateKey(bytes(range(7, 39)))
    text = presentation(["family_name"], key=key, iss="https://issuer.example", kid="k1")
    jwks = write(tmp_path, "jwks.json", json.dumps({"keys": [{**key.public_key.to_jwk(), "kid": "k1"}]}))
    argv = ["verify", "-", "--nonce", NONCE, "--aud", AUD, "--issuer-jwks", jwks, "--json"]
    verified = run([*argv, "--trust", "https://issuer.example"], stdin=text).json()
    assert verified["claims"]["family_name"] == "Mustermann" and "given_name" not in verified["claims"]
    refused = run([*argv, "--trust", ISSUER], stdin=text)
    assert json.loads(refused.out)["error"] == "untrusted_issuer"


def test_present_signs_a_known_payment_and_says_so(
    run: Runner, template: tuple[Path, str]
) -> None:
    holder = DidResolver().resolve_key(vault_from(template, run))
    stored = run(["credential", "import", "-", "--json"], stdin=issue(holder)).json()
    entry = payment_entry(["pid"], transaction_id="T-7", amount="1500", currency="JPY",
                          payee_name="東京ストア", payee_id="JP-7")
    done = run(["present", stored["id"], "--nonce", NONCE, "--aud", AUD, "--disclose",
                "given_name", "--transaction-data", entry, "--consent", "1d"])
    assert "Would sign: Payment to 東京ストア" in done.err
    assert "  Amount: 1,500 JPY" in done.err
    checked = run(["verify", "-", "--nonce", NONCE, "--aud", AUD, "--json",
                   "--transaction-data", entry], stdin=done.out.strip())
    assert checked.json()["valid"] is True
    (consent,) = run(["consent", "list", "--json"]).json()
    assert consent["verifier"] == AUD and consent["duration"] == "1d"
    assert consent["state"] == "active"


def test_verify_accepts_a_presentation_with_transaction_data(run: Runner, tmp_path: Path) -> None:
    data = "eyJ0eXBlIjoicGF5bWVudCJ9"
    held = HeldCredential.from_storage(issue(HOLDER_KEY.public_key))
    text = present(held, ["given_name"], holder_key=HOLDER_KEY, nonce=NONCE, audience=AUD,
                   clock=FixedClock(time.time()), transaction_data=[data])
    argv = ["verify", "-", "--nonce", NONCE, "--aud", AUD, "--json"]
    assert run([*argv, "--transaction-data", data], stdin=text).json()["valid"] is True
    assert json.loads(run(argv, stdin=text).out)["error"] == "transaction_data_mismatch"
