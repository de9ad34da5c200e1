"""This device's choices for one vault: auto-lock minutes and "remember on this device".

Kept as a small JSON file next to the vault (nothing secret in it). A missing or
unreadable file gives the defaults; the file is written only when a choice changes.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

DEFAULT_AUTO_LOCK_MINUTES = 10
MAX_AUTO_LOCK_MINUTES = 240


@dataclass(frozen=True)
class Preferences:
    """``auto_lock_minutes`` 0 means never; ``remember_on_device`` means the vault key is
    kept by the device key store and start-up tries it before asking for the passphrase."""

    auto_lock_minutes: int = DEFAULT_AUTO_LOCK_MINUTES
    remember_on_device: bool = False

    def with_changes(self, **changes: Any) -> Preferences:
        return replace(self, **changes)


def _clean(value: Any) -> Preferences:
    if not isinstance(value, dict):
        return Preferences()
    minutes = value.get("auto_lock_minutes", DEFAULT_AUTO_LOCK_MINUTES)
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        minutes = DEFAULT_AUTO_LOCK_MINUTES
    minutes = min(max(minutes, 0), MAX_AUTO_LOCK_MINUTES)
    remember = value.get("remember_on_device", False)
    return Preferences(auto_lock_minutes=minutes, remember_on_device=remember is True)


class PreferencesFile:
    """Load and save :class:`Preferences` at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Preferences:
        """The saved preferences; the defaults when the file is missing or unreadable."""
        try:
            return _clean(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return Preferences()

    def save(self, preferences: Preferences) -> None:
        """Write atomically (temporary file, then rename). Raises OSError."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(asdict(preferences), indent=2, sort_keys=True) + "\n"
        fd, temp = tempfile.mkstemp(prefix=".preferences-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
