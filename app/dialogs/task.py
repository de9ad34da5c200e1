"""A dialog that does one slow thing on a worker: it stays responsive, shows a busy row,
and reports failure inline with the error code under "Details"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.dialogs.common import explain, heading, note
from app.session import WalletSession
from app.views.busy import BusyIndicator
from app.views.message import InlineMessage, Tone
from app.workers import TaskHandle


class TaskDialog(QDialog):
    """Subclasses put their fields in ``form_area`` and call :meth:`run_task` from
    :meth:`accept`. While the task runs every field and button is disabled (the work
    writes to the vault or a file, so it is not abandoned half-way)."""

    def __init__(
        self,
        session: WalletSession,
        title: str,
        intro: str,
        ok_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._task: TaskHandle | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.form_area = QVBoxLayout()
        self.form_area.setSpacing(8)
        self.message = InlineMessage(self)
        self.busy = BusyIndicator(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = QPushButton(ok_text, self)
        self.ok_button.setProperty("primary", True)
        self.ok_button.setDefault(True)
        self.ok_button.setAccessibleName(ok_text)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(heading(title, self))
        layout.addWidget(note(intro, self))
        layout.addLayout(self.form_area)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    @property
    def working(self) -> bool:
        return self._task is not None

    def fail(self, sentence: str, details: str = "") -> None:
        self.message.show_message(sentence, Tone.ERROR, details)

    def run_task(
        self,
        busy_text: str,
        action: str,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], object],
    ) -> None:
        """Run ``fn(*args)`` on a worker; ``action`` completes "Tessera couldn't …"."""
        self.message.clear()
        self._set_working(True, busy_text)

        def failed(exc: BaseException) -> None:
            self._set_working(False)
            sentence, details = explain(exc, action)
            self.fail(sentence, details)

        def succeeded(value: Any) -> None:
            self._set_working(False)
            on_result(value)

        self._task = self.session.run(fn, *args, on_result=succeeded, on_error=failed)

    def _set_working(self, working: bool, text: str = "") -> None:
        for child in self.findChildren(QLineEdit):
            child.setEnabled(not working)
        for button in self.findChildren(QPushButton):
            button.setEnabled(not working)
        if working:
            self.busy.start(text)
        else:
            self.busy.stop()
            self._task = None

    def reject(self) -> None:
        if self.working:
            return  # the work is writing; it ends in a moment
        super().reject()
