"""Onboarding on a real vault: the passphrase rules, the phrase grid, the three-word
check, restoring from the phrase and from a backup file."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from app.flow import AppFlow
from app.models.identities import IdentityRole
from app.strength import MIN_SCORE
from app.views.message import Tone
from core.errors import InvalidInput
from core.vault.kdf import KdfParams
from core.vault.recovery import seed_from_phrase
from core.wallet import Wallet
from tests.app.conftest import PASSPHRASE
from tests.app.driving import (
    WAIT_MS,
    click,
    onboarding,
    press,
    type_into,
    wait_for_main,
)

FAST = KdfParams.FAST_INSECURE


def page_dids(flow: AppFlow) -> list[str]:
    assert flow.window is not None
    model = flow.window.pages["identities"].model
    return [model.index(r, 0).data(IdentityRole.DID) for r in range(model.rowCount())]


def make_wallet(directory: Path, identities: int = 1) -> tuple[str, list[str]]:
    """A wallet made by core directly: its phrase and DIDs (oldest first)."""
    wallet, phrase = Wallet.create(directory, "another good passphrase here", kdf=FAST)
    with wallet:
        for _ in range(identities - 1):
            wallet.create_identity()
        return phrase, [identity.did for identity in wallet.identities.all()]


# --- creating -----------------------------------------------------------------------------


def test_welcome_offers_create_and_restore(qtbot, flow: AppFlow) -> None:
    flow.start()
    window = onboarding(qtbot, flow)
    assert window.current is window.welcome
    assert not window.next_button.isVisible() and not window.back_button.isVisible()
    assert window.welcome.create_button.hasFocus() or window.welcome.create_button.isDefault()
    click(qtbot, window.welcome.restore_button)
    assert window.current is window.restore_choice
    press(qtbot, window, Qt.Key.Key_Escape)  # Escape goes back, it never closes
    assert window.current is window.welcome
    assert window.isVisible()


@pytest.mark.parametrize(
    ("first", "second", "ready"),
    [
        ("password1", "password1", False),  # common: too weak
        ("x7Gp!2qZ", "x7Gp!2qZ", False),  # short
        (PASSPHRASE, PASSPHRASE + "s", False),  # strong but not the same twice
        (PASSPHRASE, PASSPHRASE, True),
    ],
)
def test_passphrase_must_be_strong_and_typed_twice(
    qtbot, flow: AppFlow, first: str, second: str, ready: bool
) -> None:
    flow.start()
    window = onboarding(qtbot, flow)
    click(qtbot, window.welcome.create_button)
    form = window.passphrase.form
    type_into(qtbot, form.passphrase, first)
    type_into(qtbot, form.confirm, second)
    assert window.next_button.isEnabled() is ready
    assert form.meter.verdict.text() == form.strength.label != ""
    assert form.meter.hint.text()
    assert (form.strength.score >= MIN_SCORE) is (first == PASSPHRASE)
    assert form.mismatch_shown is (first != second)
    assert not flow.context.vault_exists


def test_phrase_grid_is_numbered_monospace_four_columns_and_not_selectable(
    qtbot, flow: AppFlow
) -> None:
    flow.start()
    window = onboarding(qtbot, flow)
    click(qtbot, window.welcome.create_button)
    type_into(qtbot, window.passphrase.form.passphrase, PASSPHRASE)
    type_into(qtbot, window.passphrase.form.confirm, PASSPHRASE)
    click(qtbot, window.next_button)
    assert window.busy.isVisible()  # Argon2id runs on a worker; the window keeps going
    qtbot.waitUntil(lambda: window.current is window.phrase, timeout=WAIT_MS)
    assert flow.context.vault_exists

    grid = window.phrase.grid
    assert grid is not None
    labels = grid.word_labels
    assert len(labels) == 24
    tops = sorted({label.geometry().top() for label in labels})
    lefts = sorted({label.geometry().left() for label in labels})
    assert len(tops) == 6 and len(lefts) == 4
    assert [lbl.geometry().top() for lbl in labels[:4]] == [tops[0]] * 4  # 1-4 across
    assert labels[4].geometry().top() == tops[1]
    for label in labels:
        assert label.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction
        assert label.contextMenuPolicy() == Qt.ContextMenuPolicy.NoContextMenu
        metrics = QFontMetrics(label.font())  # fixed width (fontconfig's flag is unreliable)
        assert metrics.horizontalAdvance("iiii") == metrics.horizontalAdvance("mmmm")
    assert not window.back_button.isVisible()  # no way back to re-create
    assert not window.next_button.isEnabled()  # until "I have written it down"
    window.phrase.written.setFocus()
    press(qtbot, window.phrase.written, Qt.Key.Key_Space)
    assert window.next_button.isEnabled()


def test_a_wrong_confirmation_word_is_named_by_position_only(qtbot, flow: AppFlow) -> None:
    flow.start()
    window = onboarding(qtbot, flow)
    click(qtbot, window.welcome.create_button)
    type_into(qtbot, window.passphrase.form.passphrase, PASSPHRASE)
    type_into(qtbot, window.passphrase.form.confirm, PASSPHRASE)
    click(qtbot, window.next_button)
    qtbot.waitUntil(lambda: window.current is window.phrase, timeout=WAIT_MS)
    words = window.phrase.words()
    window.phrase.written.setChecked(True)
    click(qtbot, window.next_button)

    confirm = window.confirm
    assert len(confirm.positions) == 3 and confirm.positions == sorted(set(confirm.positions))
    wrong = "zoo" if words[confirm.positions[1]] != "zoo" else "zone"
    for index, (position, field) in enumerate(zip(confirm.positions, confirm.fields, strict=True)):
        type_into(qtbot, field, wrong if index == 1 else words[position])
    click(qtbot, window.next_button)
    assert window.current is confirm
    assert flow.window is None
    # A fixed sentence naming the position: neither the typed nor the expected word.
    assert confirm.message.text == (
        f"Word {confirm.positions[1] + 1} doesn't match. Check it on your paper and try again."
    )

    confirm.fields[1].clear()
    type_into(qtbot, confirm.fields[1], words[confirm.positions[1]].upper())  # any case
    click(qtbot, window.next_button)
    wait_for_main(qtbot, flow)
    assert window.phrase.grid is not None
    assert all(label.text() == "" for label in window.phrase.grid.word_labels)  # wiped


def test_closing_onboarding_before_a_wallet_exists_quits(qtbot, flow: AppFlow) -> None:
    flow.start()
    window = onboarding(qtbot, flow)
    with qtbot.waitSignal(flow.quit_requested, timeout=WAIT_MS) as blocker:
        window.close()
    assert blocker.args == [0]
    assert not flow.context.vault_exists


# --- restoring from the phrase ---------------------------------------------------------------


def _to_restore_phrase(qtbot, flow: AppFlow):  # type: ignore[no-untyped-def]
    flow.start()
    window = onboarding(qtbot, flow)
    click(qtbot, window.welcome.restore_button)
    click(qtbot, window.restore_choice.phrase_button)
    assert window.current is window.restore_phrase
    return window


def test_restore_from_phrase_gives_the_same_dids(
    qtbot, flow: AppFlow, tmp_path: Path
) -> None:
    phrase, original = make_wallet(tmp_path / "original", identities=3)
    window = _to_restore_phrase(qtbot, flow)
    step = window.restore_phrase
    for field, word in zip(step.entry.fields, phrase.split(), strict=True):
        type_into(qtbot, field, word)
    qtbot.waitUntil(lambda: step.verdict.ok, timeout=WAIT_MS)
    assert step.status.tone is Tone.SUCCESS
    step.identities.setFocus()
    step.identities.selectAll()
    qtbot.keyClicks(step.identities, "3")
    assert step.identities.value() == 3
    click(qtbot, window.next_button)
    assert window.current is window.restore_passphrase
    type_into(qtbot, window.restore_passphrase.form.passphrase, PASSPHRASE)
    type_into(qtbot, window.restore_passphrase.form.confirm, PASSPHRASE)
    click(qtbot, window.next_button)
    wait_for_main(qtbot, flow)
    assert page_dids(flow) == original
    assert all(field.text() == "" for field in step.entry.fields)  # wiped


def swap_that_breaks_the_checksum(words: list[str]) -> tuple[int, int]:
    """The first two positions whose words, swapped, no longer make a valid phrase (a
    swap of equal words, or one in 256 others, would keep the checksum)."""
    for first, second in itertools.combinations(range(len(words)), 2):
        swapped = list(words)
        swapped[first], swapped[second] = words[second], words[first]
        try:
            seed_from_phrase(" ".join(swapped))
        except InvalidInput:
            return first, second
    raise AssertionError("no swap breaks this phrase's checksum")


def test_phrase_entry_says_which_position_is_wrong_without_echoing(
    qtbot, flow: AppFlow, tmp_path: Path
) -> None:
    phrase, _ = make_wallet(tmp_path / "original")
    words = phrase.split()
    window = _to_restore_phrase(qtbot, flow)
    step = window.restore_phrase
    fields = step.entry.fields

    # A space moves to the next field; pasting several words fills several fields.
    type_into(qtbot, fields[0], f"{words[0]} ")
    assert fields[0].text() == words[0] and window.focusWidget() is fields[1]
    fields[1].setText(" ".join(words[1:6]))
    fields[1].textEdited.emit(fields[1].text())
    assert [f.text() for f in fields[:6]] == words[:6]
    assert step.status.text == "6 of 24 words entered."

    type_into(qtbot, fields[6], "qqq")
    assert step.status.text == "Word 7 isn't in the recovery word list. Check its spelling."
    assert step.status.tone is Tone.ERROR
    assert fields[6].invalid
    assert not window.next_button.isEnabled()

    for field, word in zip(fields, words, strict=True):
        field.setText(word)
    first, second = swap_that_breaks_the_checksum(words)
    fields[first].setText(words[second])
    fields[second].setText(words[first])  # every word is real, but two swapped places
    assert step.status.text == (
        "All the words are in the list, but they don't fit together. "
        "One is probably wrong or in the wrong place."
    )
    fields[first].setText(words[first])
    fields[second].setText(words[second])
    assert step.verdict.ok and window.next_button.isEnabled()


# --- restoring from a backup file ------------------------------------------------------------


def test_restore_from_backup_file(qtbot, flow: AppFlow, tmp_path: Path) -> None:
    wallet, _phrase = Wallet.create(tmp_path / "original", "another good passphrase", kdf=FAST)
    with wallet:
        wallet.create_identity("jwk", "ES256", "Bank")
        original = [identity.did for identity in wallet.identities.all()]
        backup_file = tmp_path / "wallet.tessera-backup"
        wallet.export_backup(backup_file, "backup passphrase words", kdf=FAST)

    flow.start()
    window = onboarding(qtbot, flow)
    click(qtbot, window.welcome.restore_button)
    click(qtbot, window.restore_choice.backup_button)
    step = window.backup
    type_into(qtbot, step.path_field, str(backup_file))
    type_into(qtbot, step.passphrase, "not the backup passphrase")
    click(qtbot, window.next_button)
    qtbot.waitUntil(lambda: not window.working, timeout=WAIT_MS)
    assert window.current is step
    assert step.message.text == "That passphrase doesn't open this backup."

    step.passphrase.clear()
    type_into(qtbot, step.passphrase, "backup passphrase words")
    click(qtbot, window.next_button)
    qtbot.waitUntil(lambda: window.current is window.backup_passphrase, timeout=WAIT_MS)
    assert not flow.context.vault_exists  # checked, nothing written yet
    type_into(qtbot, window.backup_passphrase.form.passphrase, PASSPHRASE)
    type_into(qtbot, window.backup_passphrase.form.confirm, PASSPHRASE)
    click(qtbot, window.next_button)
    wait_for_main(qtbot, flow)
    assert page_dids(flow) == original


def test_a_file_that_is_not_a_backup_is_refused(qtbot, flow: AppFlow, tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("just some notes\n")
    flow.start()
    window = onboarding(qtbot, flow)
    click(qtbot, window.welcome.restore_button)
    click(qtbot, window.restore_choice.backup_button)
    type_into(qtbot, window.backup.path_field, str(junk))
    type_into(qtbot, window.backup.passphrase, "whatever it was")
    click(qtbot, window.next_button)
    qtbot.waitUntil(lambda: not window.working, timeout=WAIT_MS)
    assert window.backup.message.text == "This file isn't a Tessera backup, or it was damaged."
    assert "backup_invalid" in window.backup.message.details

