"""Crash safety: a writer process is SIGKILLed at random moments; every commit it
acknowledged must survive, and the vault must stay whole.

Each round a child (tests/core/vault_crash_writer.py) unlocks the same vault and writes up
to 1,000 records, one transaction each, printing ``ack <id>`` after each commit. The
parent waits for a random number of acks (1-999), sleeps a random sub-millisecond time
and kills the child. Then it reopens the vault: SQLite's integrity check passes, every
record authenticates, every acknowledged record is there with its content, and the ids
are contiguous (at most one commit past the last ack). The next round continues the ids.

Reproduce a failure with TESSERA_CRASH_SEED=<seed printed in the failure>;
TESSERA_CRASH_ROUNDS raises the number of rounds (default 20).
"""

from __future__ import annotations

import json
import os
import random
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.vault import KdfParams, Vault
from core.vault.store import DB_NAME
from tests.core.vault_crash_writer import KIND, payload, record_id

WRITER = Path(__file__).with_name("vault_crash_writer.py")
PASSPHRASE = "crash test passphrase"
RECORDS_PER_CHILD = 1_000
ROUNDS = int(os.environ.get("TESSERA_CRASH_ROUNDS", "20"))

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def kill_after_acks(
    directory: Path, first: int, acks_wanted: int, delay: float
) -> tuple[list[str], int | None]:
    """Run one writer; SIGKILL it ``delay`` seconds after ack number ``acks_wanted``.

    Returns every id it acknowledged (including acks already in the pipe when it died)
    and its exit status.
    """
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(directory), str(first), str(RECORDS_PER_CHILD)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None
    acked: list[str] = []
    try:
        child.stdin.write(PASSPHRASE.encode() + b"\n")
        child.stdin.close()
        assert child.stdout.readline() == b"ready\n", child.stderr.read() if child.stderr else ""
        while len(acked) < acks_wanted:
            line = child.stdout.readline()
            if not line:
                break
            acked.append(line.decode().split()[1])
        deadline = time.perf_counter() + delay
        while time.perf_counter() < deadline:  # sub-millisecond: busy-wait, not sleep
            pass
        child.send_signal(signal.SIGKILL)
        for line in child.stdout:  # acks already written before the kill count too
            acked.append(line.decode().split()[1])
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    return acked, child.returncode


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    seed = int(os.environ.get("TESSERA_CRASH_SEED", secrets.randbits(32)))
    rng = random.Random(seed)
    print(f"crash test seed: {seed}")  # shown by pytest when the test fails
    Vault.create(tmp_path, PASSPHRASE, kdf=KdfParams.FAST_INSECURE).close()
    committed: list[str] = []  # what earlier rounds found on disk: must stay there
    acked_total = 0
    next_index = 0
    killed_mid_run = 0
    for round_no in range(ROUNDS):
        where = f"seed {seed}, round {round_no}"
        acks_wanted = rng.randint(1, RECORDS_PER_CHILD - 1)
        delay = rng.uniform(0, 0.001)
        acked, status = kill_after_acks(tmp_path, next_index, acks_wanted, delay)
        killed_mid_run += status == -signal.SIGKILL
        assert len(acked) >= min(acks_wanted, RECORDS_PER_CHILD), where
        assert acked == [record_id(i) for i in range(next_index, next_index + len(acked))], where
        acked_total += len(acked)

        raw = sqlite3.connect(tmp_path / DB_NAME)  # SQLite's own check, after WAL recovery
        try:
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)], where
        finally:
            raw.close()

        with Vault.open(tmp_path) as vault:
            vault.unlock(PASSPHRASE)
            assert vault.check_integrity() == [], where
            present = vault.ids(KIND)
            assert present == [record_id(i) for i in range(len(present))], where
            # Everything found before, every acknowledged record, and at most one record
            # committed but not yet acknowledged when the kill came.
            assert present[: len(committed)] == committed, where
            assert present[next_index : next_index + len(acked)] == acked, where
            assert len(present) - (next_index + len(acked)) in (0, 1), where
            good, damaged = vault.list_records(KIND)
            assert damaged == [], where
            for record in good:
                assert json.loads(record.data) == payload(int(record.id[1:])), where
        committed = present
        next_index = len(present)
    assert killed_mid_run == ROUNDS, f"seed {seed}: some writers finished before the kill"
    assert acked_total >= ROUNDS
