"""``tessera consent list|show|withdraw|verify-withdrawal`` on a real vault: output, JSON,
and the error line and exit code of every failure class. In-process and as a subprocess."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core.consent import DAY, SharedCredential, verify_consent
from core.encoding import b64url_decode
from core.vault.kdf import KdfParams
from core.wallet import Wallet
from tests.core.test_cli_credentials import PASSPHRASE, Result, Runner

VERIFIER = "redirect_uri:https://shop.example/response"
SHARED = (SharedCredential("ab" * 32, "urn:eudi:pid:1", "https://pid.example",
                           ("given_name", "address.locality")),)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A vault with three consents: active (30 days), expired (once) and withdrawn."""
    directory = tmp_path_factory.mktemp("consents") / "vault"
    wallet, _ = Wallet.create(directory, PASSPHRASE, kdf=KdfParams.FAST_INSECURE)
    with wallet:
        did = wallet.identities.all()[0].did

        def grant(duration: str, name: str) -> str:
            return wallet.record_consent(did, VERIFIER, name, False, "Deliver your order",
                                         SHARED, duration).id

        ids = {
            "active": grant("30d", "Example Shop"),
            "expired": grant("once", "Quick Check"),
            "withdrawn": grant("until_withdrawn", "Old Club"),
        }
        wallet.withdraw_consent(ids["withdrawn"])
    return directory, ids


@pytest.fixture(params=["in-process", "subprocess"])
def run(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], template: tuple[Path, dict[str, str]]) -> Runner:
    shutil.copytree(template[0], tmp_path / "vault")
    return Runner(request.param, tmp_path / "vault", monkeypatch, capsys)


@pytest.fixture
def ids(template: tuple[Path, dict[str, str]]) -> dict[str, str]:
    return template[1]


def refused(result: Result, code: str, exit_code: int = 1) -> None:
    assert result.code == exit_code, (result.out, result.err)
    assert result.err.count("\n") == 1
    if result.err.startswith("{"):  # --json
        assert json.loads(result.err)["error"] == code, result.err
    else:
        assert result.err.startswith(f"tessera: error [{code}]: "), result.err


def test_list_shows_active_by_default_and_all_on_request(run: Runner, ids: dict[str, str]) -> None:
    listed = run(["consent", "list"])
    assert listed.code == 0, listed.err
    lines = listed.out.splitlines()
    assert lines[0].split() == ["ID", "STATE", "VERIFIER", "CLAIMS", "GRANTED", "(UTC)",
                                "UNTIL", "(UTC)"]
    assert len(lines) == 2 and lines[1].startswith(ids["active"][:10])
    assert "Example Shop" in lines[1] and "given_name, address.locality" in lines[1]

    everything = run(["consent", "list", "--all"]).out
    assert "expired" in everything and "this once" in everything
    assert "withdrawn" in everything and "until withdrawn" in everything

    body = run(["consent", "list", "--all", "--json"]).json()
    assert {c["id"]: c["state"] for c in body} == {
        ids["active"]: "active", ids["expired"]: "expired", ids["withdrawn"]: "withdrawn"
    }
    active = next(c for c in body if c["state"] == "active")
    assert active["valid_until"] - active["granted_at"] == 30 * DAY
    assert active["shared"] == [item.to_json() for item in SHARED]
    assert active["verifier"] == VERIFIER and active["verified"] is False
    assert active["withdrawn_at"] is None
    assert [c["id"] for c in run(["consent", "list", "--json"]).json()] == [ids["active"]]


def test_show_prints_the_record_and_its_tokens(run: Runner, ids: dict[str, str]) -> None:
    shown = run(["consent", "show", ids["withdrawn"][:8]])
    assert shown.code == 0, shown.err
    assert "Old Club (redirect_uri:https://shop.example/response; not verified" in shown.out
    assert "Consent record (signed JWS):" in shown.out
    assert "Withdrawal (signed JWS):" in shown.out
    body = run(["consent", "show", ids["withdrawn"], "--json"]).json()
    consent = verify_consent(body["consent"])
    assert consent.id == ids["withdrawn"] and body["state"] == "withdrawn"
    assert body["withdrawal"] and body["withdrawn_at"] is not None


def test_withdraw_prints_the_signed_withdrawal_once(run: Runner, ids: dict[str, str],
                                                    tmp_path: Path) -> None:
    first = run(["consent", "withdraw", ids["active"][:6]])
    assert first.code == 0, first.err
    token = first.out.strip()
    assert token.count(".") == 2
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert header["typ"] == "tessera-consent-withdrawal+jwt"
    again = run(["consent", "withdraw", ids["active"], "--json"]).json()
    assert again["withdrawal"] == token and again["already_withdrawn"] is True
    out = tmp_path / "withdrawal.jwt"
    written = run(["consent", "withdraw", ids["active"], "--out", str(out)])
    assert written.code == 0 and "Was already withdrawn" in written.out
    assert out.read_text().strip() == token
    log = run(["log", "export"]).out
    assert [json.loads(line)["kind"] for line in log.splitlines()].count(
        "consent.withdrawn") == 2  # the template's, and this one


@pytest.mark.parametrize(
    ("argv", "code", "exit_code"),
    [
        (["consent", "withdraw", "EXPIRED"], "consent_expired", 1),
        (["consent", "withdraw", "0123456789"], "not_found", 1),
        (["consent", "show", "abc"], "not_found", 1),
        (["consent", "withdraw"], "usage", 2),
        (["consent", "withdraw", "ACTIVE", "--out", "/nonexistent/dir/w.jwt"], "io_error", 1),
    ],
)
def test_refusals(run: Runner, ids: dict[str, str], argv: list[str], code: str,
                  exit_code: int) -> None:
    argv = [ids["expired"] if a == "EXPIRED" else ids["active"] if a == "ACTIVE" else a
            for a in argv]
    refused(run(argv), code, exit_code)


# --- verify-withdrawal: no vault ------------------------------------------------------------


def _tokens(run: Runner, ids: dict[str, str], directory: Path) -> tuple[Path, Path, Path]:
    """(withdrawal file, its consent file, another consent file)."""
    shown = run(["consent", "show", ids["withdrawn"], "--json"]).json()
    other = run(["consent", "show", ids["active"], "--json"]).json()
    files = []
    for name, text in (("w.jwt", shown["withdrawal"]), ("c.jwt", shown["consent"]),
                       ("other.jwt", other["consent"])):
        (directory / name).write_text(text + "\n")
        files.append(directory / name)
    return files[0], files[1], files[2]


def test_verify_withdrawal_needs_no_vault(run: Runner, ids: dict[str, str],
                                          tmp_path: Path) -> None:
    withdrawal, consent, other = _tokens(run, ids, tmp_path)
    shutil.rmtree(run.vault)  # a verifier has no vault
    checked = run(["consent", "verify-withdrawal", str(withdrawal), "--consent", str(consent)])
    assert checked.code == 0, checked.err
    assert "valid withdrawal" in checked.out and f"withdraws the consent in {consent}" in checked.out
    body = run(["consent", "verify-withdrawal", "-", "--json"],
               stdin=withdrawal.read_text()).json()
    assert body["valid"] is True and body["consent_id"] == ids["withdrawn"]
    assert body["consent_checked"] is False and body["verifier"] == VERIFIER

    mismatch = run(["consent", "verify-withdrawal", str(withdrawal), "--consent", str(other),
                    "--json"])
    refused(mismatch, "malformed")
    assert json.loads(mismatch.out) == {"valid": False, "error": "malformed",
                                        "message": "the withdrawal names another consent"}


def test_a_tampered_withdrawal_is_refused(run: Runner, ids: dict[str, str],
                                          tmp_path: Path) -> None:
    withdrawal, _consent, _other = _tokens(run, ids, tmp_path)
    head, payload, signature = withdrawal.read_text().strip().split(".")
    tampered = tmp_path / "tampered.jwt"
    tampered.write_text(f"{head}.{payload}.{signature[:-2]}AA")
    result = run(["consent", "verify-withdrawal", str(tampered), "--json"])
    refused(result, "bad_signature")
    assert json.loads(result.out)["valid"] is False


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"\xff\xfe", "malformed"), (b"not a token", "malformed"), (b"a" * 80_000, "malformed")],
)
def test_verify_withdrawal_bad_input(run: Runner, tmp_path: Path, content: bytes,
                                     code: str) -> None:
    path = tmp_path / "bad.jwt"
    path.write_bytes(content)
    refused(run(["consent", "verify-withdrawal", str(path)]), code)


def test_verify_withdrawal_usage_and_io(run: Runner, tmp_path: Path) -> None:
    refused(run(["consent", "verify-withdrawal", "-", "--consent", "-"]), "usage", 2)
    refused(run(["consent", "verify-withdrawal", str(tmp_path / "missing.jwt")]), "io_error")
