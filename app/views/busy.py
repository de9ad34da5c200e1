"""A busy row: an indeterminate bar and a sentence saying what is happening."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

#: After this long the sentence gets "still working" so a slow machine does not look stuck.
SLOW_AFTER_MS = 4000


class BusyIndicator(QWidget):
    """Hidden until :meth:`start`; :meth:`stop` hides it again. Never blocks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("busyIndicator")
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # indeterminate: Argon2id gives no progress to report
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(120)
        self.bar.setFixedHeight(8)
        self.bar.setAccessibleName("Working")
        self.label = QLabel(self)
        self.label.setObjectName("busyText")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.bar)
        layout.addWidget(self.label, 1)
        self._text = ""
        self._slow = QTimer(self)
        self._slow.setSingleShot(True)
        self._slow.setInterval(SLOW_AFTER_MS)
        self._slow.timeout.connect(self._still_working)
        self.hide()

    @property
    def running(self) -> bool:
        return not self.isHidden()

    def start(self, text: str) -> None:
        self._text = text
        self.label.setText(text)
        self.setAccessibleName(text)
        self._slow.start()
        self.show()

    def stop(self) -> None:
        self._slow.stop()
        self.hide()

    def _still_working(self) -> None:
        self.label.setText(f"{self._text} Still working…")
