"""Vault benchmark: unlock time split into the KDF and the rest; opening a vault of
10,000 credentials and listing them (target: under 300 ms besides the KDF) and the peak
memory of doing so (target: under 200 MB).

Figures are printed as a table and written to artifacts/vault_bench.{md,json}, both as
absolute numbers and as ratios against references measured in the same run: the time
to ``json.loads`` the same 10,000 payloads from a Python list, and the size of the
payloads themselves. Run with ``.venv/bin/python -m pytest tests/benchmarks -s``.
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from core.encoding import b64url_encode
from core.vault import KdfParams, Vault

pytestmark = pytest.mark.benchmark

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "artifacts"
CHILD = Path(__file__).with_name("vault_bench_child.py")
PASSPHRASE = "benchmark passphrase"
KIND = "credential"
COUNT = 10_000
REPEAT = 5
TARGET_LIST_S = 0.300
TARGET_MEMORY_B = 200 * 1024**2


def credential(i: int, rng: random.Random) -> dict[str, Any]:
    """A stored credential of typical size (~1.5 KB as compact JSON)."""
    return {
        "format": "dc+sd-jwt",
        "vct": "https://credentials.example.com/identity_credential",
        "issuer": "https://issuer.example.com",
        "label": f"Identity credential {i}",
        "received_at": 1_700_000_000 + i,
        "holder_key": f"did:key:z6Mk{b64url_encode(rng.randbytes(32))}",
        "sd_jwt": ".".join(b64url_encode(rng.randbytes(n)) for n in (60, 420, 64))
        + "~"
        + "~".join(b64url_encode(rng.randbytes(45)) for _ in range(5)),
        "claims": {
            "given_name": "Erika",
            "family_name": "Mustermann",
            "birthdate": "1964-08-12",
            "address": {"street_address": "Heidestrasse 17", "locality": "Koeln",
                        "postal_code": "51147", "country": "DE"},
            "nationalities": ["DE"],
        },
        "status": {"status_list": {"idx": i, "uri": "https://issuer.example.com/status/1"}},
    }


@dataclass
class BenchVault:
    directory: Path
    payloads: list[bytes]


@pytest.fixture(scope="module")
def bench_vault(tmp_path_factory: pytest.TempPathFactory) -> BenchVault:
    directory = tmp_path_factory.mktemp("bench") / "vault"
    rng = random.Random(20_240_601)
    payloads = [
        json.dumps(credential(i, rng), separators=(",", ":")).encode() for i in range(COUNT)
    ]
    with Vault.create(directory, PASSPHRASE) as vault:  # the real default: MODERATE
        assert vault.kdf_params == KdfParams.MODERATE
        with vault.transaction():
            for i, payload in enumerate(payloads):
                vault.put(KIND, f"urn:uuid:{i:08d}", payload)
    return BenchVault(directory, payloads)


def median_time(run: Callable[[], Any], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()  # each run starts from the same heap; GC stays on while it runs
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def child_memory(directory: Path, kek: bytes, mode: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(CHILD), str(directory), KIND, mode],
        input=kek.hex() + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(result.stdout)
    assert figures["records"] == COUNT
    return figures


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def mb(size: float) -> str:
    return f"{size / 1024**2:.1f} MB"


def test_unlock_open_and_list_10k(
    bench_vault: BenchVault, capsys: pytest.CaptureFixture[str]
) -> None:
    directory, payloads = bench_vault.directory, bench_vault.payloads
    payload_bytes = sum(map(len, payloads))
    assert 1_400 <= payload_bytes / COUNT <= 1_600

    # (a) unlock = KDF (once: it is deliberately slow) + the rest.
    with Vault.open(directory) as vault:
        start = time.perf_counter()
        kek = vault.derive_kek(PASSPHRASE)
        kdf_s = time.perf_counter() - start

        def unwrap() -> None:
            vault.lock()
            vault.unlock_with_kek(kek)

        unwrap_s = median_time(unwrap, repeat=25)

    # (b) open + unlock with the pre-derived key + list all + parse, step by step; each
    # repetition also times the reference, so both see the same machine conditions.
    steps: dict[str, list[float]] = {"open": [], "unlock": [], "list": [], "parse": [],
                                     "total": []}
    reference: list[float] = []
    for _ in range(REPEAT):
        gc.collect()
        t0 = time.perf_counter()
        vault = Vault.open(directory)
        t1 = time.perf_counter()
        vault.unlock_with_kek(kek)
        t2 = time.perf_counter()
        records, damaged = vault.list_records(KIND)
        t3 = time.perf_counter()
        parsed = [json.loads(record.data) for record in records]
        t4 = time.perf_counter()
        vault.close()
        assert len(parsed) == COUNT and not damaged
        del records, parsed  # not alive (and scanned by the GC) during the next run
        reference.append(median_time(lambda: [json.loads(p) for p in payloads], repeat=1))
        for name, value in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0),
                               strict=True):
            steps[name].append(value)
    step = {name: statistics.median(values) for name, values in steps.items()}
    reference_s = statistics.median(reference)

    # (c) peak memory of (b) in fresh processes: RSS high-water mark, and tracemalloc.
    rss = child_memory(directory, kek, "rss")
    rss_delta, rss_source = rss["rss_delta"], rss["rss_source"]
    traced_peak = child_memory(directory, kek, "tracemalloc")["tracemalloc_peak"]

    figures = {
        "records": COUNT,
        "payload_bytes": payload_bytes,
        "kdf": {"params": KdfParams.MODERATE.to_json(), "seconds": kdf_s},
        "unlock_rest_seconds": unwrap_s,
        "open_list_parse_seconds": step,
        "reference_json_loads_seconds": reference_s,
        "ratio_open_list_parse_to_json_loads": step["total"] / reference_s,
        "peak_rss_delta_bytes": rss_delta,
        "peak_rss_source": rss_source,
        "ru_maxrss_delta_bytes": rss["ru_maxrss_delta"],
        "peak_tracemalloc_bytes": traced_peak,
        "ratio_rss_delta_to_payloads": rss_delta / payload_bytes,
        "ratio_tracemalloc_to_payloads": traced_peak / payload_bytes,
        "repeat": REPEAT,
        "python": sys.version.split()[0],
    }
    rows = [
        ("unlock: KDF (Argon2id MODERATE, once)", ms(kdf_s), "", ""),
        ("unlock: the rest (unwrap the data key)", ms(unwrap_s), "", ""),
        ("open (file, lock, header)", ms(step["open"]), "", ""),
        ("unlock with pre-derived key", ms(step["unlock"]), "", ""),
        (f"list_records ({COUNT:,} decrypted)", ms(step["list"]), "", ""),
        (f"parse JSON ({COUNT:,})", ms(step["parse"]), "", ""),
        ("open + unlock + list + parse", ms(step["total"]),
         f"{step['total'] / reference_s:.1f}x json.loads ({ms(reference_s)})",
         f"< {ms(TARGET_LIST_S)}"),
        (f"peak memory, RSS delta ({rss_source})", mb(rss_delta),
         f"{rss_delta / payload_bytes:.1f}x payloads ({mb(payload_bytes)})",
         f"< {mb(TARGET_MEMORY_B)}"),
        ("peak memory, tracemalloc", mb(traced_peak),
         f"{traced_peak / payload_bytes:.1f}x payloads ({mb(payload_bytes)})",
         f"< {mb(TARGET_MEMORY_B)}"),
    ]
    table = "\n".join(
        [
            f"Vault benchmark: {COUNT:,} records of {payload_bytes / COUNT:,.0f} B JSON on"
            f" average; medians of {REPEAT} (unlock rest: 25)",
            "",
            "| measure | figure | ratio to reference | target |",
            "|---|---:|---|---|",
            *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        ]
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "vault_bench.md").write_text(table + "\n", encoding="utf-8")
    (ARTIFACTS / "vault_bench.json").write_text(json.dumps(figures, indent=2) + "\n")
    with capsys.disabled():
        print("\n" + table)

    assert step["total"] < TARGET_LIST_S, table
    assert rss_delta < TARGET_MEMORY_B, table
    assert traced_peak < TARGET_MEMORY_B, table
