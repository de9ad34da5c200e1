"""Bringing a credential in, one at a time: its text, a file, the clipboard or a drop is
read, checked and stored on a worker, with progress and plain-word errors shown inline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtGui import QGuiApplication

from app.importing import dropped_file, import_error, pasted_text
from app.session import WalletSession
from app.views.busy import BusyIndicator
from app.views.message import InlineMessage, Tone
from app.workers import TaskHandle
from core.credentials import StoredCredential

CHECKING = "Checking the credential…"
EMPTY_CLIPBOARD = "The clipboard holds no text. Copy the credential first, then paste it here."


class CredentialImporter(QObject):
    """Runs imports for a page. ``imported(stored, already_there)`` follows a success
    (``already_there`` when the wallet had it before); ``running_changed(bool)`` brackets
    each import. Errors go to ``message``; ``known_ids`` lists what the page shows."""

    imported = Signal(object, bool)
    running_changed = Signal(bool)

    def __init__(
        self,
        session: WalletSession,
        message: InlineMessage,
        busy: BusyIndicator,
        known_ids: Callable[[], set[str]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.message = message
        self.busy = busy
        self._known_ids = known_ids
        self._task: TaskHandle | None = None

    @property
    def running(self) -> bool:
        return self._task is not None

    @property
    def ready(self) -> bool:
        """Whether an import can start now (unlocked, none running)."""
        return not self.session.is_locked and not self.running

    def start(self, source: str | Path) -> None:
        """Import credential text, or the file at a path."""
        if not self.ready:
            return
        self.message.clear()
        self.busy.start(CHECKING)
        known = self._known_ids()
        self.running_changed.emit(True)

        def done(stored: StoredCredential) -> None:
            self.imported.emit(stored, stored.id in known)

        self._task = self.session.import_credential(source, done, self._failed, self._finished)

    def from_clipboard(self) -> None:
        """Import what the clipboard holds: credential text, or a copied file."""
        if not self.ready:
            return
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not self.from_mime(mime):
            self.message.show_message(EMPTY_CLIPBOARD, Tone.WARNING)

    @staticmethod
    def accepts(mime: QMimeData) -> bool:
        """Whether dragged or pasted data holds something to import."""
        return dropped_file(mime) is not None or bool(pasted_text(mime))

    def from_mime(self, mime: QMimeData) -> bool:
        """Import a file or text from dragged or pasted data; False if it holds neither."""
        path = dropped_file(mime)
        text = pasted_text(mime)
        if path is None and not text:
            return False
        self.start(path if path is not None else text)
        return True

    def cancel(self) -> None:
        """Drop the running import's outcome (the wallet was locked)."""
        if self._task is not None:
            self._task.cancel()

    def _failed(self, exc: BaseException) -> None:
        sentence, details = import_error(exc)
        self.message.show_message(sentence, Tone.ERROR, details)

    def _finished(self) -> None:
        self._task = None
        self.busy.stop()
        self.running_changed.emit(False)
