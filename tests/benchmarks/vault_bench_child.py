"""Child process for test_vault_bench: peak memory of opening a vault and listing it.

    python vault_bench_child.py VAULT_DIR KIND rss|tracemalloc   (the KEK, hex, on stdin)

Imports everything first, takes the baseline, then opens the vault, unlocks it with the
pre-derived key, lists every record of KIND and parses their JSON, keeping all of it
alive until measured. Prints one JSON line (bytes; figures not asked for are null):
{"records", "rss_delta", "rss_source", "ru_maxrss_delta", "tracemalloc_peak"}.

The RSS peak is Linux's VmHWM where there is one: ``ru_maxrss`` there survives execve, so
a child started by a big parent (pytest after Argon2id's 256 MiB) begins with the
parent's high-water mark and shows no growth. Elsewhere it is ``ru_maxrss``.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import tracemalloc
from pathlib import Path


def ru_maxrss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # Linux reports KiB


def vm_hwm_bytes() -> int | None:
    """This process image's own peak RSS (Linux), or None."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return None


def peak_rss() -> tuple[int, str]:
    hwm = vm_hwm_bytes()
    return (hwm, "VmHWM") if hwm is not None else (ru_maxrss_bytes(), "ru_maxrss")


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from core.vault import Vault

    directory, kind, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    kek = bytes.fromhex(sys.stdin.readline().strip())
    gc.collect()
    baseline, source = peak_rss()
    baseline_ru = ru_maxrss_bytes()
    if mode == "tracemalloc":
        tracemalloc.start()
    vault = Vault.open(directory)
    vault.unlock_with_kek(kek)
    records, damaged = vault.list_records(kind)
    parsed = [json.loads(record.data) for record in records]
    peak = tracemalloc.get_traced_memory()[1] if mode == "tracemalloc" else None
    rss_delta = peak_rss()[0] - baseline if mode == "rss" else None
    ru_delta = ru_maxrss_bytes() - baseline_ru if mode == "rss" else None
    assert not damaged and len(parsed) == len(records)
    vault.close()
    print(
        json.dumps(
            {
                "records": len(parsed),
                "rss_delta": rss_delta,
                "rss_source": source,
                "ru_maxrss_delta": ru_delta,
                "tracemalloc_peak": peak,
            }
        )
    )


if __name__ == "__main__":
    main()
