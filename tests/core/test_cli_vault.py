"""The vault commands of ``tessera``: init, did new/list/jwk/label/delete, log, backup,
passphrase. Each flow runs in a subprocess (``python -m core.cli``) and in-process."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.cli import main
from core.ledger import verify_jsonl
from core.wallet import Wallet
from tests.conftest import REPO_ROOT

PASSPHRASE = "correct horse battery staple"
FAST = ["--kdf", "interactive"]


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> object:
        assert self.code == 0, self.err
        return json.loads(self.out)


class Runner:
    """Runs ``tessera`` with a clean TESSERA_* environment plus ``env``."""

    def __init__(
        self,
        mode: str,
        vault: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        self.mode, self.vault = mode, vault
        self._monkeypatch, self._capsys = monkeypatch, capsys

    def __call__(
        self,
        argv: list[str],
        env: Mapping[str, str | None] | None = None,
        stdin: str = "",
        vault: Path | None = None,
    ) -> Result:
        argv = ["--vault", str(vault or self.vault), *argv]
        merged: dict[str, str | None] = {"TESSERA_PASSPHRASE": PASSPHRASE, **(env or {})}
        extra = {k: v for k, v in merged.items() if v is not None}  # None: unset
        if self.mode == "subprocess":
            base = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
            proc = subprocess.run(
                [sys.executable, "-m", "core.cli", *argv],
                input=stdin,
                capture_output=True,
                text=True,
                cwd=REPO_ROOT,
                timeout=120,
                env={**base, "PYTHONPATH": str(REPO_ROOT), **extra},
                check=False,
            )
            return Result(proc.returncode, proc.stdout, proc.stderr)
        with self._monkeypatch.context() as patch:
            for name in [k for k in os.environ if k.startswith("TESSERA_")]:
                patch.delenv(name)
            for name, value in extra.items():
                patch.setenv(name, value)
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            code = main(argv)
        captured = self._capsys.readouterr()
        return Result(code, captured.out, captured.err)


@pytest.fixture(params=["subprocess", "in-process"])
def run(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Runner:
    return Runner(request.param, tmp_path / "vault", monkeypatch, capsys)


def error_line(result: Result, code: str, exit_code: int = 1) -> str:
    """The single stderr line of a failed command, checked for shape and code."""
    assert result.code == exit_code, (result.out, result.err)
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    assert lines[0].startswith(f"tessera: error [{code}]: "), lines[0]
    return lines[0]


def init(run: Runner, *extra: str, vault: Path | None = None) -> dict[str, object]:
    value = run(["init", *FAST, "--json", *extra], vault=vault).json()
    assert isinstance(value, dict)
    return value


def dids(run: Runner, vault: Path | None = None) -> list[str]:
    listing = run(["did", "list", "--json"], vault=vault).json()
    assert isinstance(listing, list)
    return [identity["did"] for identity in listing]


# --- flows ----------------------------------------------------------------------------


def test_init_json_gives_did_and_24_word_phrase(run: Runner) -> None:
    created = init(run)
    assert str(created["did"]).startswith("did:key:z6Mk")
    assert len(str(created["recovery_phrase"]).split()) == 24
    assert created["vault"] == str(run.vault)
    assert dids(run) == [created["did"]]


def test_init_human_output_shows_the_phrase_once_as_a_grid(run: Runner) -> None:
    result = run(["init", *FAST])
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    grid = [line for line in lines if line.strip().startswith(("1.", "5.", "21."))]
    assert len(grid) == 3 and "24." in lines[lines.index(grid[-1])]
    assert "only this once" in result.out
    assert "1." not in run(["did", "list"]).out  # never again


def test_full_round_trip_through_a_backup(run: Runner, tmp_path: Path) -> None:
    init(run)
    assert run(["did", "new", "--label", "home"]).code == 0
    jwk_identity = run(["did", "new", "--method", "jwk", "--alg", "ES256", "--json"]).json()
    assert isinstance(jwk_identity, dict) and str(jwk_identity["did"]).startswith("did:jwk:")
    before = dids(run)
    assert len(before) == 3 and before[2] == jwk_identity["did"]
    listing = run(["did", "list"])
    assert "home" in listing.out and "ES256" in listing.out and "jwk" in listing.out
    assert "chain and signatures verify" in run(["log", "verify"]).out

    backup = tmp_path / "wallet.tessera-backup"
    assert run(["backup", "export", str(backup), *FAST]).code == 0
    shutil.rmtree(run.vault)

    restored_dir = tmp_path / "restored"
    imported = run(["backup", "import", str(backup), *FAST, "--json"], vault=restored_dir).json()
    assert isinstance(imported, dict) and imported["created"] is True
    assert imported["identities"] == before
    assert dids(run, vault=restored_dir) == before
    report = run(["log", "verify", "--json"], vault=restored_dir).json()
    assert isinstance(report, dict) and report["valid"] is True and report["entries"] >= 6
    again = run(["backup", "import", str(backup), "--json"], vault=restored_dir).json()
    assert isinstance(again, dict) and again["added"] == 0 and again["log"] == "same"


def test_recover_three_identities_from_the_phrase(run: Runner, tmp_path: Path) -> None:
    """Acceptance test of the issue: the phrase alone brings back the same 3 DIDs."""
    phrase = str(init(run)["recovery_phrase"])
    run(["did", "new"])
    run(["did", "new"])
    before = dids(run)
    assert len(before) == 3 and all(d.startswith("did:key:z6Mk") for d in before)
    shutil.rmtree(run.vault)
    recovered = run(["init", "--recover", "--identities", "3", *FAST, "--json"], stdin=phrase)
    value = recovered.json()
    assert isinstance(value, dict) and value["dids"] == before and "recovery_phrase" not in value
    assert phrase not in recovered.out + recovered.err
    assert dids(run) == before
    other = tmp_path / "other"  # the phrase from the environment works the same
    by_env = run(
        ["init", "--recover", "--identities", "3", *FAST, "--json"],
        vault=other,
        env={"TESSERA_RECOVERY_PHRASE": phrase.upper()},
    )
    assert by_env.json() == {**value, "vault": str(other)}


def test_did_jwk_label_and_delete(run: Runner) -> None:
    first = str(init(run)["did"])
    jwk = run(["did", "jwk", first], env={"TESSERA_PASSPHRASE": None})
    assert jwk.json() == {"crv": "Ed25519", "kty": "OKP", "x": jwk.json()["x"]}  # type: ignore[index]
    with_kid = run(["did", "jwk", first, "--json"]).json()
    assert isinstance(with_kid, dict) and with_kid["kid"].startswith(first + "#")
    assert run(["did", "label", first, "main"]).code == 0
    labelled = run(["did", "list", "--json"]).json()
    assert isinstance(labelled, list) and labelled[0]["label"] == "main"
    error_line(run(["did", "delete", first]), "confirmation_required", 2)
    deleted = run(["did", "delete", first, "--yes", "--json"]).json()
    assert deleted == {"deleted": first, "bound_credentials": []}
    assert dids(run) == []
    error_line(run(["did", "delete", first, "--yes"]), "not_found")


def test_passphrase_change(run: Runner) -> None:
    init(run)
    changed = run(["passphrase", "change", *FAST], env={"TESSERA_NEW_PASSPHRASE": "new words"})
    assert changed.code == 0, changed.err
    error_line(run(["did", "list"]), "wrong_passphrase")
    assert run(["did", "list"], env={"TESSERA_PASSPHRASE": "new words"}).code == 0


def test_log_export_and_check_with_core_alone(run: Runner, tmp_path: Path) -> None:
    init(run)
    exported = run(["log", "export"])
    assert verify_jsonl(exported.out).count == 2
    target = tmp_path / "log.jsonl"
    assert run(["log", "export", str(target)]).code == 0
    assert target.read_text(encoding="utf-8") == exported.out
    ok = run(
        ["log", "verify", "--file", str(target), "--json"], env={"TESSERA_PASSPHRASE": None}
    ).json()
    assert isinstance(ok, dict) and ok["valid"] is True and ok["entries"] == 2
    from_stdin = run(["log", "verify", "--file", "-"], stdin=exported.out)
    assert "2 entries, chain and signatures verify" in from_stdin.out


# --- refusals -------------------------------------------------------------------------


def test_wrong_passphrase_is_one_line_without_the_secret(run: Runner) -> None:
    init(run)
    for argv in (["did", "list"], ["log", "verify"], ["backup", "export", "x.bak"]):
        result = run(argv, env={"TESSERA_PASSPHRASE": "hunter2-wrong"})
        error_line(result, "wrong_passphrase")
        assert "hunter2-wrong" not in result.err and PASSPHRASE not in result.err
    as_json = run(["did", "list", "--json"], env={"TESSERA_PASSPHRASE": "hunter2-wrong"})
    assert as_json.code == 1 and json.loads(as_json.err)["error"] == "wrong_passphrase"


def test_busy_vault(run: Runner) -> None:
    init(run)
    with Wallet.open(run.vault):
        error_line(run(["did", "list"]), "vault_busy")
    assert run(["did", "list"]).code == 0


def test_missing_vault_is_a_clear_error(run: Runner, tmp_path: Path) -> None:
    nowhere = tmp_path / "nowhere"
    for argv in (["did", "list"], ["log", "verify"], ["passphrase", "change"]):
        line = error_line(run(argv, vault=nowhere), "no_vault")
        assert "tessera init" in line
    assert not nowhere.exists()


def test_init_refuses_an_existing_vault(run: Runner) -> None:
    first = init(run)
    error_line(run(["init", *FAST]), "vault_exists")
    assert dids(run) == [first["did"]]


def test_tampered_log_file_names_the_entry(run: Runner, tmp_path: Path) -> None:
    init(run)
    run(["did", "new"])
    lines = run(["log", "export"]).out.splitlines()
    entry = json.loads(lines[2])
    entry["summary"] = "Nothing happened here."
    lines[2] = json.dumps(entry)
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = error_line(run(["log", "verify", "--file", str(tampered)]), "bad_signature")
    assert "entry 2:" in line
    del lines[1]
    tampered.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "entry 1:" in error_line(run(["log", "verify", "--file", str(tampered)]), "malformed")


def test_bad_phrase_creates_nothing_and_is_not_echoed(run: Runner) -> None:
    words = str(init(run, vault=run.vault.parent / "donor")["recovery_phrase"]).split()
    words[3], words[9] = words[9], words[3]  # real words, wrong checksum
    for phrase in (" ".join(words), " ".join(words[:23]), " ".join([*words[:23], "qwertyx"])):
        result = run(["init", "--recover", *FAST], stdin=phrase)
        error_line(result, "invalid_recovery_phrase")
        assert not any(" ".join(words[i : i + 2]) in result.err for i in range(23))
        assert not run.vault.exists()
    error_line(run(["init", "--recover", *FAST]), "phrase_required", 2)
    assert not run.vault.exists()


def test_backup_refusals_leave_everything_untouched(run: Runner, tmp_path: Path) -> None:
    init(run)
    backup = tmp_path / "b.bak"
    run(["backup", "export", str(backup), *FAST], env={"TESSERA_BACKUP_PASSPHRASE": "backup words"})
    fresh = tmp_path / "fresh"
    wrong = run(["backup", "import", str(backup), *FAST], vault=fresh)  # vault passphrase
    error_line(wrong, "wrong_passphrase")
    assert "backup words" not in wrong.err and not (fresh / "vault.sqlite3").exists()
    data = bytearray(backup.read_bytes())
    data[-5] ^= 1
    broken = tmp_path / "broken.bak"
    broken.write_bytes(bytes(data))
    env = {"TESSERA_BACKUP_PASSPHRASE": "backup words"}
    error_line(
        run(["backup", "import", str(broken), *FAST], env=env, vault=fresh), "backup_invalid"
    )
    assert not (fresh / "vault.sqlite3").exists()
    stranger = tmp_path / "stranger"
    init(run, vault=stranger)
    error_line(run(["backup", "import", str(backup)], env=env, vault=stranger), "other_wallet")


def test_no_passphrase_and_no_terminal(run: Runner) -> None:
    init(run)
    no_secret = {"TESSERA_PASSPHRASE": None}
    error_line(run(["did", "list"], env=no_secret), "passphrase_required", 2)
    error_line(
        run(["init", *FAST], env=no_secret, vault=run.vault.parent / "x"), "passphrase_required", 2
    )
    assert not (run.vault.parent / "x").exists()


# --- prompts (in-process, with a pretend terminal) --------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    for name in [k for k in os.environ if k.startswith("TESSERA_")]:
        monkeypatch.delenv(name)

    def answer(*secrets: str, lines: str = "") -> None:
        queue = list(secrets)
        monkeypatch.setattr("getpass.getpass", lambda prompt="", stream=None: queue.pop(0))
        monkeypatch.setattr(sys, "stdin", _Terminal(lines))

    yield answer


def test_prompts_ask_twice_and_confirm(
    terminal: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = str(tmp_path / "v")
    terminal("one", "two")
    assert main(["--vault", vault, "init", *FAST]) == 1
    assert (
        "[invalid_input]" in capsys.readouterr().err and not Path(vault, "vault.sqlite3").exists()
    )
    terminal("pass words", "pass words")
    assert main(["--vault", vault, "init", *FAST, "--json"]) == 0
    did = json.loads(capsys.readouterr().out)["did"]
    terminal("pass words", lines="n\n")
    assert main(["--vault", vault, "did", "delete", did]) == 1
    err = capsys.readouterr().err
    assert "No stored credentials are bound" in err and "[cancelled]" in err
    terminal("pass words", lines="y\n")
    assert main(["--vault", vault, "did", "delete", did]) == 0
    assert f"Deleted {did}" in capsys.readouterr().out
