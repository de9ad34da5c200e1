"""The ``tessera`` command: run both in a subprocess (``python -m core.cli``) and in-process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from core.cli import main
from tests.conftest import REPO_ROOT

DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
THUMBPRINT_OF_DID = "jFDaeGsWf0aXgg1ezRT8nsPz0OUCctRstgJOHJHKVng"


@dataclass
class Result:
    code: int
    out: str
    err: str


Runner = Callable[[list[str]], Result]


def run_subprocess(argv: list[str]) -> Result:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "core.cli", *argv],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(params=["subprocess", "in-process"])
def run(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> Runner:
    def in_process(argv: list[str]) -> Result:
        code = main(argv)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run_subprocess if request.param == "subprocess" else in_process


def one_error_line(result: Result) -> str:
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    return lines[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["did", "resolve", DID, "--json"],
        ["--json", "did", "resolve", DID],
        ["did", "--json", "resolve", DID],
    ],
)
def test_resolve_json(run: Runner, argv: list[str]) -> None:
    result = run(argv)
    assert result.code == 0, result.err
    assert result.err == ""
    document = json.loads(result.out)
    assert document["id"] == DID
    assert document["verificationMethod"][0]["type"] == "Multikey"


def test_resolve_summary(run: Runner) -> None:
    result = run(["did", "resolve", DID])
    assert result.code == 0
    assert f"DID  {DID}" in result.out
    assert f"{DID}#{DID.removeprefix('did:key:')}" in result.out
    assert "Multikey" in result.out
    assert THUMBPRINT_OF_DID in result.out


def test_version(run: Runner) -> None:
    result = run(["--version"])
    assert result.code == 0
    assert result.out.startswith("tessera ")
    assert len(result.out.split()) == 2


@pytest.mark.parametrize(
    ("did", "code"),
    [
        ("not-a-did", "invalid_did"),
        ("did:example:123", "unsupported_did_method"),
        ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doX", "invalid_key"),
        ("did:web:192.168.0.1", "invalid_did"),
    ],
)
def test_bad_did_is_one_error_line(run: Runner, did: str, code: str) -> None:
    result = run(["did", "resolve", did])
    assert result.code == 1
    line = one_error_line(result)
    assert line.startswith(f"tessera: error [{code}]: ")


def test_bad_did_with_json_reports_json_on_stderr(run: Runner) -> None:
    result = run(["did", "resolve", "not-a-did", "--json"])
    assert result.code == 1
    error = json.loads(one_error_line(result))
    assert error["error"] == "invalid_did"
    assert isinstance(error["message"], str) and error["message"]


@pytest.mark.parametrize(
    "argv",
    [["frobnicate"], ["did", "frobnicate"], ["did"], [], ["did", "resolve"], ["--nope"]],
)
def test_usage_errors(run: Runner, argv: list[str]) -> None:
    result = run(argv)
    assert result.code == 2
    assert one_error_line(result).startswith("tessera: error [usage]: ")


@pytest.mark.parametrize("argv", [["--help"], ["did", "--help"], ["did", "resolve", "--help"]])
def test_help(run: Runner, argv: list[str]) -> None:
    result = run(argv)
    assert result.code == 0
    assert result.out.startswith("usage: tessera")
    assert result.err == ""


def test_unexpected_exception_is_internal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(self: object, did: str) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr("core.did.resolver.DidResolver.resolve", boom)
    code = main(["did", "resolve", DID])
    captured = capsys.readouterr()
    assert code == 70
    line = one_error_line(Result(code, captured.out, captured.err))
    assert line == "tessera: error [internal]: unexpected RuntimeError: boom second line"


def test_a_closed_output_pipe_is_not_an_error() -> None:
    """``tessera … | head`` closes the pipe early: no error line, exit 0."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "core.cli", "did", "resolve", DID],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60, check=False,
            cwd=REPO_ROOT,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 0
    assert result.stderr == ""
