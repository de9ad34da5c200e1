"""The app's small helpers, case by case: passphrase strength, recovery words,
preferences, wording and QR images."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import zxingcpp
from PySide6.QtCore import QLocale

from app.formatting import key_type, local_time, log_kind, method_name, short_did
from app.preferences import DEFAULT_AUTO_LOCK_MINUTES, Preferences, PreferencesFile
from app.qr import qr_image, qr_png
from app.strength import MIN_SCORE, basic_score, estimate
from app.words import WORDLIST, check_words, could_become_word, is_word
from core.vault.recovery import new_recovery_phrase

PHRASE = new_recovery_phrase(bytes(range(32))).split()


@pytest.mark.parametrize(
    ("passphrase", "acceptable"),
    [
        ("", False),
        ("abc", False),
        ("password1", False),
        ("aaaaaaaaaaaaaaaaaaaa", False),
        ("x7Gp!2qZ", False),  # random-looking but short
        ("violet harbor lantern quietly", True),
        ("copper meadow whistle orbit", True),
    ],
)
@pytest.mark.parametrize("use_zxcvbn", [True, False])
def test_strength(passphrase: str, acceptable: bool, use_zxcvbn: bool) -> None:
    strength = estimate(passphrase, use_zxcvbn=use_zxcvbn)
    assert strength.acceptable is acceptable
    assert (strength.score >= MIN_SCORE) is acceptable
    assert strength.hint.endswith(".")
    assert bool(strength.label) is bool(passphrase)


def test_the_app_name_makes_a_passphrase_weaker() -> None:
    plain = estimate("tessera wallet 2024", use_zxcvbn=True)
    named = estimate("tessera wallet 2024", ("tessera", "wallet"), use_zxcvbn=True)
    assert named.score <= plain.score


@pytest.mark.parametrize(
    ("passphrase", "at_most"), [("aB3$", 2), ("abcdefghijk", 2), ("password", 0)]
)
def test_basic_estimator_is_pessimistic(passphrase: str, at_most: int) -> None:
    assert basic_score(passphrase) <= at_most


def test_word_list_helpers() -> None:
    assert len(WORDLIST) == 2048 and list(WORDLIST) == sorted(WORDLIST)
    assert is_word("Abandon ") and not is_word("aband")
    assert could_become_word("aband") and could_become_word("zoo")
    assert not could_become_word("zz") and not could_become_word("qqq")


@pytest.mark.parametrize(
    ("change", "editing", "ok", "message"),
    [
        ({}, None, True, "All 24 words check out."),
        ({3: ""}, None, False, "23 of 24 words entered."),
        ({3: "xylo"}, None, False, "Word 4 isn't in the recovery word list. Check its spelling."),
        ({3: "aba"}, 3, False, "23 of 24 words entered."),  # still typing: could be "abandon"
        ({3: "aba"}, None, False, "Word 4 isn't in the recovery word list. Check its spelling."),
        ({3: "ABANDON"}, None, None, None),  # case does not matter
    ],
)
def test_check_words(change: dict[int, str], editing: int | None, ok: bool | None,
                     message: str | None) -> None:
    words = list(PHRASE)
    for position, word in change.items():
        words[position] = word
    verdict = check_words(words, editing)
    if ok is not None:
        assert verdict.ok is ok
        assert verdict.message == message
    for word in set(PHRASE) | {"xylo", "aba"}:
        assert word not in verdict.message.lower().split()


def test_check_words_reports_a_bad_checksum_without_words() -> None:
    words = list(PHRASE)
    words[0], words[-1] = words[-1], words[0]
    verdict = check_words(words)
    assert not verdict.ok and verdict.error_code == "invalid_recovery_phrase"
    assert "don't fit together" in verdict.message


def test_preferences_round_trip_and_defaults(tmp_path: Path) -> None:
    store = PreferencesFile(tmp_path / "v" / "preferences.json")
    assert store.load() == Preferences()
    assert store.load().auto_lock_minutes == DEFAULT_AUTO_LOCK_MINUTES
    store.save(Preferences(auto_lock_minutes=3, remember_on_device=True))
    assert store.load() == Preferences(3, True)
    assert list((tmp_path / "v").iterdir()) == [store.path]  # no temporary files left


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not json", Preferences()),
        ("[1, 2]", Preferences()),
        ('{"auto_lock_minutes": -5}', Preferences(0, False)),
        ('{"auto_lock_minutes": 99999}', Preferences(240, False)),
        ('{"auto_lock_minutes": true, "remember_on_device": "yes"}', Preferences()),
        ('{"remember_on_device": true}', Preferences(DEFAULT_AUTO_LOCK_MINUTES, True)),
    ],
)
def test_damaged_preferences_fall_back_safely(
    tmp_path: Path, text: str, expected: Preferences
) -> None:
    path = tmp_path / "preferences.json"
    path.write_text(text)
    assert PreferencesFile(path).load() == expected
    json.dumps(expected.__dict__)


def test_wording() -> None:
    assert key_type("EdDSA") == "Ed25519" and key_type("ES256") == "P-256"
    assert key_type("RS256") == "RS256"
    assert method_name("jwk") == "did:jwk" and method_name("web") == "did:web"
    assert log_kind("identity.created") == "Identity created"
    assert log_kind("consent.withdrawn") == "Consent withdrawn"
    assert short_did("did:key:z6Mk" + "a" * 40) == "did:key:z6Mkaaaaaaaa…aaaaaa"
    assert short_did("did:key:z6Mkshort") == "did:key:z6Mkshort"
    english = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    assert local_time(0, english) != local_time(0, german)


@pytest.mark.parametrize("text", ["did:key:z6Mk", "x", "did:jwk:" + "e" * 300])
def test_qr_is_always_a_full_qr_code(qapp, text: str) -> None:
    assert qr_png(text).startswith(b"\x89PNG")
    results = zxingcpp.read_barcodes(qr_image(text))
    assert [r.text for r in results] == [text]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
