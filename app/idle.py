"""Notice when the person has stopped using the app: an application-wide event filter
restarts a timer on every key press, click, scroll or touch."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
        QEvent.Type.Shortcut,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle`` after ``interval_ms`` without user input (0 or less: never).

    Install with :meth:`start`; the filter stays until :meth:`stop`.
    """

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self._installed_on: QCoreApplication | None = None
        self.set_interval(interval_ms)

    @property
    def interval_ms(self) -> int:
        return self._timer.interval() if self._enabled else 0

    @property
    def active(self) -> bool:
        """Whether the countdown is running."""
        return self._timer.isActive()

    def set_interval(self, interval_ms: int) -> None:
        self._enabled = interval_ms > 0
        if self._enabled:
            self._timer.setInterval(interval_ms)
            if self._installed_on is not None:
                self._timer.start()
        else:
            self._timer.stop()

    def start(self) -> None:
        """Watch the application's input and start counting."""
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("IdleWatcher needs a QApplication")
        if self._installed_on is None:
            app.installEventFilter(self)
            self._installed_on = app
        self.reset()

    def stop(self) -> None:
        self._timer.stop()
        if self._installed_on is not None:
            self._installed_on.removeEventFilter(self)
            self._installed_on = None

    def reset(self) -> None:
        """Start the countdown again (no-op when disabled or stopped)."""
        if self._enabled and self._installed_on is not None:
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            self.reset()
        return False
