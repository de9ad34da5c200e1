"""Child process for test_vault_crash: write records one transaction each, acknowledging
each commit on stdout, until killed.

    python vault_crash_writer.py VAULT_DIR FIRST_INDEX COUNT   (passphrase on stdin)

Prints ``ready`` once unlocked, then ``ack <id>`` after each commit.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

KIND = "crash"


def record_id(index: int) -> str:
    return f"r{index:06d}"


def payload(index: int) -> dict[str, object]:
    """Deterministic content of record ``index``; sizes vary so pages split and fill."""
    digest = hashlib.sha256(record_id(index).encode()).hexdigest()
    return {"i": index, "body": digest * (1 + index % 13)}


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from core.vault import Vault

    directory, first, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    passphrase = sys.stdin.readline().rstrip("\n")
    vault = Vault.open(directory)
    vault.unlock(passphrase)
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    for index in range(first, first + count):
        vault.put(KIND, record_id(index), json.dumps(payload(index)).encode())
        out.write(f"ack {record_id(index)}\n")
        out.flush()
    vault.close()


if __name__ == "__main__":
    main()
